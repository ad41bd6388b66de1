"""Pins of the JAX behaviour of the statistics, set-operation, polynomial and bit-packing
functions of functrans.numpy (statistics.py, setops.py, polynomial.py, packing.py), found with
tools/jax_diff_npstats.py.

Each case is a function of a NumPy-like namespace ``ns`` and a transformation namespace ``T``
(grad, jit, vmap); the expected values, dtypes and shapes were computed by calling the same
function with ``jax.numpy`` and ``jax`` (jax 0.10.2, x64 enabled) and pasted in. jax is not
imported here.
"""
from __future__ import annotations

import types
import warnings

import numpy as np
import pytest

import functrans as ft
import functrans.numpy as fnp
from functrans import ConcretizationTypeError  # noqa: F401  (named by ERRORS)

nan, inf = float("nan"), float("inf")
M = np.array([[1.0, -1.0, 0.0, 2.0], [2.0, 2.0, -3.0, 0.5], [0.0, 1.0, 1.0, -1.0]])
T = types.SimpleNamespace(grad=ft.grad, jit=ft.jit, vmap=ft.vmap)


def R(value, dtype):  # noqa: N802
    return np.asarray(value, dtype=dtype)


CASES = [
    ('cov/default', lambda ns, T: ns.cov(M),
     R([[1.6666666666666665, 0.08333333333333333, -1.1666666666666665], [0.08333333333333333, 5.5625, -0.625],
        [-1.1666666666666665, -0.625, 0.9166666666666666]], 'float64')),
    ('cov/fweights_aweights', lambda ns, T: ns.cov(M, fweights=np.array([1, 2, 1, 3]), aweights=np.array([0.5,
        1.0, 2.0, 1.0])),
     R([[1.8829787234042552, -0.04787234042553201, -1.372340425531915], [-0.047872340425532046, 4.582446808510639,
        -0.5691489361702128], [-1.372340425531915, -0.5691489361702128, 1.095744680851064]], 'float64')),
    ('cov/negative_weights_abs', lambda ns, T: ns.cov(M, fweights=np.array([1, -2, 1, 3]), aweights=np.array([0.5,
        -1.0, 2.0, 1.0]), ddof=0),
     R([[1.5733333333333333, -0.04000000000000008, -1.1466666666666665], [-0.04000000000000011,
        3.8288888888888892, -0.47555555555555556], [-1.1466666666666665, -0.47555555555555556,
        0.9155555555555556]], 'float64')),
    ('cov/rowvar_bias', lambda ns, T: ns.cov(M, rowvar=False, bias=True),
     R([[0.6666666666666666, 0.3333333333333333, -1.3333333333333333, 0.5], [0.3333333333333333,
        1.5555555555555554, -1.2222222222222223, -1.0], [-1.3333333333333333, -1.2222222222222223,
        2.8888888888888884, -0.4999999999999999], [0.5, -1.0, -0.4999999999999999, 1.5]], 'float64')),
    ('cov/one_variable_scalar', lambda ns, T: ns.cov(M[0]),
     R(1.6666666666666665, 'float64')),
    ('cov/y', lambda ns, T: ns.cov(M[0], M[2]),
     R([[1.6666666666666665, -1.1666666666666665], [-1.1666666666666665, 0.9166666666666666]], 'float64')),
    ('cov/int', lambda ns, T: ns.cov(np.array([[1, 2, 4], [0, 1, 3]])),
     R([[2.3333333333333335, 2.3333333333333335], [2.3333333333333335, 2.3333333333333335]], 'float64')),
    ('cov/no_observations', lambda ns, T: ns.cov(np.zeros((2, 0))),
     R([[nan, nan], [nan, nan]], 'float64')),
    ('cov/grad', lambda ns, T: T.grad(lambda x: ns.sum(ns.cov(x, aweights=np.array([0.5, 1.0, 2.0, 1.0])) **
        2))(M),
     R([[1.4655612244897964, -2.7168367346938767, -4.744897959183675, 5.996173469387756], [12.498086734693878,
        22.90688775510204, -47.974489795918366, 12.569515306122453], [-2.580357142857143, -0.844387755102041,
        9.285714285714286, -5.860969387755102]], 'float64')),
    ('cov/grad_aweights', lambda ns, T: T.grad(lambda w: ns.sum(ns.cov(M, aweights=w, ddof=1)))(np.array([0.5,
        1.0, 2.0, 1.0])),
     R([0.4005102040816326, -0.6383928571428568, 0.7838010204081636, -1.1294642857142851], 'float64')),
    ('corrcoef/default', lambda ns, T: ns.corrcoef(M),
     R([[0.9999999999999999, 0.027369027575198664, -0.9438798074485388], [0.02736902757519867, 1.0,
        -0.27678291940427435], [-0.9438798074485389, -0.2767829194042743, 0.9999999999999999]], 'float64')),
    ('corrcoef/scalar', lambda ns, T: ns.corrcoef(M[0]),
     R(1.0, 'float64')),
    ('corrcoef/grad', lambda ns, T: T.grad(lambda x: ns.sum(ns.corrcoef(x) * np.arange(9.0).reshape(3, 3)))(M),
     R([[0.9163910619133233, 0.09720568208069126, -0.6040040540776987, -0.40959268991631587],
        [0.08887068058963038, 0.9844724823706283, 0.46000421269725356, -1.5333473756575122], [2.9688590969784032,
        2.6075921562826005, -4.092021704771802, -1.4844295484892018]], 'float64')),
    ('corrcoef/grad_diag', lambda ns, T: T.grad(lambda x: ns.corrcoef(x)[1, 1])(M),
     R([[0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]], 'float64')),
    ('nanargmax/all_nan', lambda ns, T: ns.nanargmax(np.array([[1.0, np.nan, 3.0], [np.nan, np.nan, np.nan]]),
        axis=1),
     R([2, -1], 'int64')),
    ('nanargmin/keepdims', lambda ns, T: ns.nanargmin(np.array([[1.0, np.nan, -3.0], [np.nan, 2.0, np.nan]]),
        axis=1, keepdims=True),
     R([[2], [1]], 'int64')),
    ('nanargmax/jit', lambda ns, T: T.jit(lambda x: ns.nanargmax(x))(np.array([np.nan, 2.0, 5.0, 5.0])),
     R(2, 'int64')),
    ('nanquantile/rows', lambda ns, T: ns.nanquantile(np.array([[1.0, np.nan, 0.0, 2.0], [np.nan, np.nan, np.nan,
        np.nan], [0.0, 1.0, 1.0, np.nan]]), np.array([0.1, 0.5, 0.9]), axis=1),
     R([[0.2, nan, 0.2], [1.0, nan, 1.0], [1.8, nan, 1.0]], 'float64')),
    ('nanquantile/keepdims', lambda ns, T: ns.nanquantile(np.array([[1.0, np.nan, 0.0, 2.0], [5.0, 1.0, 1.0,
        np.nan]]), 0.3, axis=0, keepdims=True),
     R([[2.1999999999999997, 1.0, 0.3, 2.0]], 'float64')),
    ('nanquantile/float32', lambda ns, T: ns.nanquantile(np.array([1.0, np.nan, 0.25, 2.0], np.float32), 0.4),
     R(0.8500000238418579, 'float32')),
    ('nanpercentile/nearest', lambda ns, T: ns.nanpercentile(np.array([3.0, np.nan, -1.0, 2.0, 0.5, 2.0]),
        np.array([25.0, 50.0, 70.0]), method="nearest"),
     R([0.5, 2.0, 2.0], 'float64')),
    ('nanpercentile/midpoint', lambda ns, T: ns.nanpercentile(np.array([3.0, np.nan, -1.0, 2.0, 0.5, 2.0]), 30,
        method="midpoint"),
     R(1.25, 'float64')),
    ('nanmedian/axis', lambda ns, T: ns.nanmedian(np.array([[1.0, np.nan, 0.0, 2.0], [5.0, 1.0, 1.0, np.nan]]),
        axis=1),
     R([1.0, 1.0], 'float64')),
    ('nanmedian/int', lambda ns, T: ns.nanmedian(np.array([3, 1, 2, 8])),
     R(2.5, 'float64')),
    ('nanquantile/grad', lambda ns, T: T.grad(lambda x: ns.sum(ns.nanquantile(x, np.array([0.1, 0.5,
        1.0]))))(np.array([3.0, np.nan, -1.0, 2.0, 0.5, 2.0])),
     R([1.0, 0.0, 0.6, 1.0, 0.4, 0.0], 'float64')),
    ('nanquantile/grad_q', lambda ns, T: T.grad(lambda q: ns.nanquantile(np.array([3.0, np.nan, -1.0, 2.0, 0.5]),
        q))(0.3),
     R(4.5, 'float64')),
    ('nanmedian/grad_ties', lambda ns, T: T.grad(lambda x: ns.nanmedian(x))(np.array([1.0, 2.0, 2.0, np.nan, 2.0,
        5.0])),
     R([0.0, 0.0, 1.0, 0.0, 0.0, 0.0], 'float64')),
    ('nanmedian/jit', lambda ns, T: T.jit(lambda x: ns.nanmedian(x, axis=0))(np.array([[1.0, np.nan], [2.0,
        np.nan], [4.0, 1.0]])),
     R([2.0, 1.0], 'float64')),
    ('histogram2d/counts', lambda ns, T: ns.histogram2d(np.array([0.0, 0.5, 1.1, 1.5, 2.0, 2.0, 3.0, -1.0]),
        np.array([1.0, 1.0, 2.0, 0.0, 0.5, 3.0, 2.5, 1.45]), bins=3),
     (R([[0, 2, 0], [1, 1, 1], [1, 0, 2]], 'int64'), R([-1.0, 0.33333333333333326, 1.6666666666666665, 3.0],
        'float64'), R([0.0, 1.0, 2.0, 3.0], 'float64'),)),
    ('histogram2d/weights_density', lambda ns, T: ns.histogram2d(np.array([0.0, 0.5, 1.1, 1.5, 2.0, 2.0, 3.0,
        -1.0]), np.array([1.0, 1.0, 2.0, 0.0, 0.5, 3.0, 2.5, 1.45]), bins=[2, 3], weights=np.arange(8.0),
        density=True),
     (R([[0.0, 0.14285714285714285, 0.0], [0.125, 0.0, 0.23214285714285712]], 'float64'), R([-1.0, 1.0, 3.0],
        'float64'), R([0.0, 1.0, 2.0, 3.0], 'float64'),)),
    ('histogramdd/edges', lambda ns, T: ns.histogramdd(np.array([[0.0, 1.0], [0.5, 2.2], [1.1, 0.3], [2.0, 0.0]]),
        bins=[np.array([0.0, 1.0, 2.0]), 2], range=[None, (0.0, 4.0)]),
     (R([[1, 1], [2, 0]], 'int64'), (R([0.0, 1.0, 2.0], 'float64'), R([0.0, 2.0, 4.0], 'float64'),),)),
    ('histogram2d/grad_weights', lambda ns, T: T.grad(lambda w: ns.sum(ns.histogram2d(np.array([0.0, 0.5, 1.1,
        1.5]), np.array([1.0, 1.0, 2.0, 0.0]), bins=2, weights=w)[0] * np.array([[1.0, 2.0], [3.0,
        4.0]])))(np.array([1.0, 2.0, 3.0, 4.0])),
     R([2.0, 2.0, 4.0, 3.0], 'float64')),
    ('packbits/big', lambda ns, T: ns.packbits(np.array([[1, 0, 1, 1, 0, 0, 0, 0, 1], [0, 0, 0, 1, 1, 1, 1, 1,
        1]]), axis=1),
     R([[176, 128], [31, 128]], 'uint8')),
    ('packbits/little_flat', lambda ns, T: ns.packbits(np.array([[1, 0, 1, 1, 0, 0, 0, 0, 1], [0, 0, 0, 1, 1, 1,
        1, 1, 1]]), bitorder="little"),
     R([13, 241, 3], 'uint8')),
    ('packbits/axis0', lambda ns, T: ns.packbits(np.array([[True, False], [False, False], [True, True]]), axis=0),
     R([[160, 32]], 'uint8')),
    ('unpackbits/count', lambda ns, T: ns.unpackbits(np.array([[3, 200, 255], [0, 1, 128]], np.uint8), axis=1,
        count=-5),
     R([[0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 1, 0, 0, 0, 1, 1, 1], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        1, 1, 0, 0]], 'uint8')),
    ('unpackbits/little', lambda ns, T: ns.unpackbits(np.array([3, 200], np.uint8), bitorder="little", count=20),
     R([1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 0, 0], 'uint8')),
    ('ravel_multi_index/C', lambda ns, T: ns.ravel_multi_index((np.array([0, 2, 1, 3]), np.array([1, 0, 4, 2])),
        (4, 5)),
     R([1, 10, 9, 17], 'int64')),
    ('ravel_multi_index/F', lambda ns, T: ns.ravel_multi_index((np.array([0, 2, 1, 3]), np.array([1, 0, 4, 2])),
        (4, 5), order="F"),
     R([4, 2, 17, 11], 'int64')),
    ('ravel_multi_index/clip', lambda ns, T: ns.ravel_multi_index((np.array([-1, 2, 7]), np.array([1, 9, 2])), (3,
        4), mode="clip"),
     R([1, 11, 10], 'int64')),
    ('ravel_multi_index/wrap', lambda ns, T: ns.ravel_multi_index((np.array([-1, 2, 7]), np.array([1, 9, 2])), (3,
        4), mode="wrap"),
     R([9, 9, 6], 'int64')),
    ('ravel_multi_index/int32', lambda ns, T: ns.ravel_multi_index((np.array([1, 2], np.int32), np.array([0, 3],
        np.int32)), (3, 4)),
     R([4, 11], 'int32')),
    ('union1d/plain', lambda ns, T: ns.union1d(np.array([3, 1, 2, 3]), np.array([[5, 1]])),
     R([1, 2, 3, 5], 'int64')),
    ('union1d/size_pad', lambda ns, T: ns.union1d(np.array([3.0, 1.0, 2.0, 3.0]), np.array([5.0, 1.0]), size=7),
     R([1.0, 2.0, 3.0, 5.0, 1.0, 1.0, 1.0], 'float64')),
    ('union1d/size_fill', lambda ns, T: ns.union1d(np.array([3.0, 1.0, 2.0, 3.0]), np.array([5.0, 1.0]), size=6,
        fill_value=-1.0),
     R([1.0, 2.0, 3.0, 5.0, -1.0, -1.0], 'float64')),
    ('union1d/size_truncate', lambda ns, T: ns.union1d(np.array([3.0, 1.0, 2.0, 3.0]), np.array([5.0, 1.0]),
        size=2),
     R([1.0, 2.0], 'float64')),
    ('intersect1d/plain', lambda ns, T: ns.intersect1d(np.array([3, 1, 2, 3, 3, 0, 5]), np.array([5, 7, 3, 3,
        1])),
     R([1, 3, 5], 'int64')),
    ('intersect1d/indices', lambda ns, T: ns.intersect1d(np.array([3, 1, 2, 3, 3, 0, 5]), np.array([5, 7, 3, 3,
        1]), return_indices=True),
     (R([1, 3, 5], 'int64'), R([1, 0, 6], 'int64'), R([4, 2, 0], 'int64'),)),
    ('intersect1d/assume_unique_indices', lambda ns, T: ns.intersect1d(np.array([4, 1, 3]), np.array([3, 7, 4]),
        assume_unique=True, return_indices=True),
     (R([3, 4], 'int64'), R([2, 0], 'int32'), R([0, 2], 'int32'),)),
    ('intersect1d/size', lambda ns, T: ns.intersect1d(np.array([3.0, 1.0, 2.0, 3.0, 3.0, 0.0, 5.0]),
        np.array([5.0, 7.0, 3.0, 3.0, 1.0]), size=5),
     R([1.0, 3.0, 5.0, 1.0, 1.0], 'float64')),
    ('intersect1d/size_indices', lambda ns, T: ns.intersect1d(np.array([3, 1, 2, 3, 3, 0, 5]), np.array([5, 7, 3,
        3, 1]), return_indices=True, size=5, fill_value=-1),
     (R([1, 3, 5, -1, -1], 'int64'), R([1, 0, 6, 7, 7], 'int64'), R([4, 2, 0, 5, 5], 'int64'),)),
    ('intersect1d/size_empty', lambda ns, T: ns.intersect1d(np.array([3, 1, 2]), np.zeros(0, np.int64), size=3,
        fill_value=-9),
     R([-9, -9, -9], 'int64')),
    ('intersect1d/grad_size', lambda ns, T: T.grad(lambda a: ns.sum(ns.intersect1d(a, np.array([5.0, 7.0, 3.0,
        3.0, 1.0]), size=6) * np.arange(1.0, 7.0)))(np.array([3.0, 1.0, 2.0, 3.0, 3.0, 0.0, 5.0])),
     R([2.0, 16.0, 0.0, 0.0, 0.0, 0.0, 3.0], 'float64')),
    ('intersect1d/grad_unique', lambda ns, T: T.grad(lambda a: ns.sum(ns.intersect1d(a, np.array([5.0, 7.0, 3.0,
        1.0]), assume_unique=True) ** 2))(np.array([4.0, 1.0, 3.0])),
     R([0.0, 2.0, 6.0], 'float64')),
    ('intersect1d/jit', lambda ns, T: T.jit(lambda a, b: ns.intersect1d(a, b, size=4,
        return_indices=True))(np.array([3.0, 1.0, 2.0, 3.0]), np.array([5.0, 3.0, 1.0])),
     (R([1.0, 3.0, 1.0, 1.0], 'float64'), R([1, 0, 4, 4], 'int64'), R([2, 1, 3, 3], 'int64'),)),
    ('setdiff1d/plain', lambda ns, T: ns.setdiff1d(np.array([3, 1, 2, 3, 3, 0, 5]), np.array([5, 7, 3, 3, 1])),
     R([0, 2], 'int64')),
    ('setdiff1d/size', lambda ns, T: ns.setdiff1d(np.array([3.0, 1.0, 2.0, 3.0, 3.0, 0.0, 5.0]), np.array([5.0,
        7.0, 3.0, 3.0, 1.0]), size=4),
     R([0.0, 2.0, 0.0, 0.0], 'float64')),
    ('setdiff1d/size_fill', lambda ns, T: ns.setdiff1d(np.array([3, 1, 2, 3, 3, 0, 5]), np.array([5, 7, 3, 3, 1]),
        size=4, fill_value=-9),
     R([0, 2, -9, -9], 'int64')),
    ('setdiff1d/assume_unique', lambda ns, T: ns.setdiff1d(np.array([4, 1, 3]), np.array([3, 7]),
        assume_unique=True, size=3),
     R([4, 1, 0], 'int64')),
    ('setdiff1d/grad_size', lambda ns, T: T.grad(lambda a: ns.sum(ns.setdiff1d(a, np.array([5.0, 7.0, 3.0, 3.0,
        1.0]), size=4) * np.arange(1.0, 5.0)))(np.array([3.0, 1.0, 2.0, 3.0, 3.0, 0.0, 5.0])),
     R([0.0, 0.0, 2.0, 0.0, 0.0, 1.0, 0.0], 'float64')),
    ('setdiff1d/grad_plain', lambda ns, T: T.grad(lambda a: ns.sum(ns.setdiff1d(a, np.array([5.0,
        7.0]))))(np.array([3.0, 1.0, 2.0, 3.0])),
     R([0.0, 0.0, 0.0, 0.0], 'float64')),
    ('setxor1d/plain', lambda ns, T: ns.setxor1d(np.array([3, 1, 2, 3, 3, 0, 5]), np.array([5, 7, 3, 3, 1])),
     R([0, 2, 7], 'int64')),
    ('setxor1d/size', lambda ns, T: ns.setxor1d(np.array([3.0, 1.0, 2.0, 3.0, 3.0, 0.0, 5.0]), np.array([5.0, 7.0,
        3.0, 3.0, 1.0]), size=5),
     R([0.0, 2.0, 7.0, 0.0, 0.0], 'float64')),
    ('setxor1d/size_fill', lambda ns, T: ns.setxor1d(np.array([3, 1, 2, 3, 3, 0, 5]), np.array([5, 7, 3, 3, 1]),
        size=5, fill_value=-9),
     R([0, 2, 7, -9, -9], 'int64')),
    ('setxor1d/empty_first', lambda ns, T: ns.setxor1d(np.zeros(0, np.int64), np.array([5, 7, 3, 3, 1]), size=6),
     R([1, 3, 5, 7, 1, 1], 'int64')),
    ('setxor1d/grad_size', lambda ns, T: T.grad(lambda a: ns.sum(ns.setxor1d(a, np.array([5.0, 7.0, 3.0, 3.0,
        1.0]), size=6) * np.arange(1.0, 7.0)))(np.array([3.0, 1.0, 2.0, 3.0, 3.0, 0.0, 5.0])),
     R([0.0, 0.0, 2.0, 0.0, 0.0, 16.0, 0.0], 'float64')),
    ('setxor1d/grad_assume_unique', lambda ns, T: T.grad(lambda a: ns.sum(ns.setxor1d(a, np.array([5.0, 7.0,
        3.0]), assume_unique=True, size=5) * np.arange(1.0, 6.0)))(np.array([4.0, 1.0, 3.0])),
     R([2.0, 6.0, 0.0], 'float64')),
    ('setxor1d/jit', lambda ns, T: T.jit(lambda a, b: ns.setxor1d(a, b, size=6))(np.array([3.0, 1.0, 2.0, 3.0]),
        np.array([5.0, 3.0, 1.0])),
     R([2.0, 5.0, 2.0, 2.0, 2.0, 2.0], 'float64')),
    ('unique_all/plain', lambda ns, T: tuple(ns.unique_all(np.array([[3.0, 1.0, 3.0], [np.nan, 1.0, np.nan]]))),
     (R([1.0, 3.0, nan, nan], 'float64'), R([1, 0, 3, 5], 'int64'), R([[1, 0, 1], [2, 0, 3]], 'int64'), R([2, 2,
        1, 1], 'int64'),)),
    ('unique_all/size', lambda ns, T: tuple(ns.unique_all(np.array([3, 1, 2, 3, 3, 0, 5]), size=7,
        fill_value=-1)),
     (R([0, 1, 2, 3, 5, -1, -1], 'int64'), R([5, 1, 2, 0, 6, 5, 5], 'int64'), R([3, 1, 2, 3, 3, 0, 4], 'int64'),
        R([1, 1, 1, 3, 1, 0, 0], 'int64'),)),
    ('unique_counts/size', lambda ns, T: tuple(ns.unique_counts(np.array([3.0, 1.0, 2.0, 3.0]), size=2)),
     (R([1.0, 2.0], 'float64'), R([1, 1], 'int64'),)),
    ('unique_inverse/shape', lambda ns, T: tuple(ns.unique_inverse(np.array([[3, 1], [2, 3]]))),
     (R([1, 2, 3], 'int64'), R([[2, 0], [1, 2]], 'int64'),)),
    ('unique_values/nan', lambda ns, T: ns.unique_values(np.array([np.nan, 1.0, np.nan])),
     R([1.0, nan, nan], 'float64')),
    ('unique_values/size_jit', lambda ns, T: T.jit(lambda x: ns.unique_values(x, size=4))(np.array([np.nan, 1.0,
        np.nan, 1.0, 0.5])),
     R([0.5, 1.0, nan, nan], 'float64')),
    ('unique_all/fields', lambda ns, T: ns.unique_all(np.array([2, 1, 2]))._fields,
     ('values', 'indices', 'inverse_indices', 'counts')),
    ('unique/axis_size', lambda ns, T: ns.unique(np.array([[1.0, 2.0], [0.0, 1.0], [1.0, 2.0], [0.0, 3.0], [0.0,
        1.0]]), axis=0, size=4, return_index=True, return_inverse=True, return_counts=True),
     (R([[0.0, 1.0], [0.0, 3.0], [1.0, 2.0], [0.0, 1.0]], 'float64'), R([1, 3, 0, 1], 'int64'), R([2, 0, 2, 1, 0],
        'int64'), R([2, 1, 2, 0], 'int64'),)),
    ('unique/axis1_size_fill', lambda ns, T: ns.unique(np.array([[1.0, 2.0], [0.0, 1.0], [1.0, 2.0], [0.0, 3.0],
        [0.0, 1.0]]).T, axis=1, size=5, fill_value=-1.0),
     R([[0.0, 0.0, 1.0, -1.0, -1.0], [1.0, 3.0, 2.0, -1.0, -1.0]], 'float64')),
    ('unique/axis_size_grad', lambda ns, T: T.grad(lambda x: ns.sum(ns.unique(x, axis=0, size=4) *
        np.arange(8.0).reshape(4, 2)))(np.array([[1.0, 2.0], [0.0, 1.0], [1.0, 2.0], [0.0, 3.0], [0.0, 1.0]])),
     R([[4.0, 5.0], [6.0, 8.0], [0.0, 0.0], [2.0, 3.0], [0.0, 0.0]], 'float64')),
    ('unique/axis_jit', lambda ns, T: T.jit(lambda x: ns.unique(x, axis=0, size=3,
        return_counts=True))(np.array([[1, 2], [0, 1], [1, 2], [0, 1]])),
     (R([[0, 1], [1, 2], [0, 1]], 'int64'), R([2, 2, 0], 'int64'),)),
    ('poly/roots', lambda ns, T: ns.poly(np.array([0.5, -1.0, 2.0])),
     R([1.0, -1.5, -1.5, 1.0], 'float64')),
    ('poly/matrix', lambda ns, T: ns.poly(np.array([[1.0, 2.0], [0.0, 3.0]])),
     R([complex(1.0, 0.0), complex(-4.0, 0.0), complex(3.0, 0.0)], 'complex128')),
    ('poly/int', lambda ns, T: ns.poly(np.array([1, 2])),
     R([1.0, -3.0, 2.0], 'float64')),
    ('poly/empty', lambda ns, T: ns.poly(np.zeros(0)),
     R(1.0, 'float64')),
    ('poly/grad', lambda ns, T: T.grad(lambda z: ns.sum(ns.poly(z) * np.array([1.0, 2.0, 3.0,
        4.0])))(np.array([0.5, -1.0, 2.0])),
     R([9.0, 1.5, -1.5], 'float64')),
    ('polyadd/lengths', lambda ns, T: ns.polyadd(np.array([1.0, -3.0, 2.0]), np.array([2.0, 0.5, -1.0, 4.0])),
     R([2.0, 1.5, -4.0, 6.0], 'float64')),
    ('polyadd/int', lambda ns, T: ns.polyadd(np.array([1, 2]), np.array([3])),
     R([1, 5], 'int64')),
    ('polysub/lengths', lambda ns, T: ns.polysub(np.array([1.0, -3.0, 2.0]), np.array([2.0, 0.5, -1.0, 4.0])),
     R([-2.0, 0.5, -2.0, -2.0], 'float64')),
    ('polymul/plain', lambda ns, T: ns.polymul(np.array([1.0, -3.0, 2.0]), np.array([2.0, 0.5])),
     R([2.0, -5.5, 2.5, 1.0], 'float64')),
    ('polymul/int', lambda ns, T: ns.polymul(np.array([1, 2]), np.array([3, 1])),
     R([3.0, 7.0, 2.0], 'float64')),
    ('polymul/trim', lambda ns, T: ns.polymul(np.array([0.0, 0.0, 1.0, 2.0]), np.array([1.0, -3.0, 2.0]),
        trim_leading_zeros=True),
     R([1.0, -1.0, -4.0, 4.0], 'float64')),
    ('polydiv/plain', lambda ns, T: ns.polydiv(np.array([2.0, 0.5, -1.0, 4.0]), np.array([1.0, -3.0, 2.0])),
     (R([2.0, 6.5], 'float64'), R([0.0, 0.0, 14.5, -9.0], 'float64'),)),
    ('polydiv/trim', lambda ns, T: ns.polydiv(np.array([1.0, 2.0, 1.0]), np.array([1.0, 1.0]),
        trim_leading_zeros=True),
     (R([1.0, 1.0], 'float64'), R([], 'float64'),)),
    ('polydiv/grad', lambda ns, T: T.grad(lambda v: ns.sum(ns.polydiv(np.array([2.0, 0.5, -1.0, 4.0]), v)[0]) +
        ns.sum(ns.polydiv(np.array([2.0, 0.5, -1.0, 4.0]), v)[1] ** 2))(np.array([1.0, -3.0, 2.0])),
     R([-1436.0, -436.5, 59.0], 'float64')),
    ('polyder/m2', lambda ns, T: ns.polyder(np.array([2.0, 0.5, -1.0, 4.0]), 2),
     R([12.0, 1.0], 'float64')),
    ('polyder/int', lambda ns, T: ns.polyder(np.array([2, 1, 3])),
     R([4.0, 1.0], 'float64')),
    ('polyder/too_high', lambda ns, T: ns.polyder(np.array([2.0, 0.5, -1.0, 4.0]), 5),
     R([], 'float64')),
    ('polyint/k_vector', lambda ns, T: ns.polyint(np.array([2.0, 0.5, -1.0, 4.0]), 2, np.array([1.0, 2.0])),
     R([0.1, 0.041666666666666664, -0.16666666666666666, 2.0, 1.0, 2.0], 'float64')),
    ('polyint/k_scalar', lambda ns, T: ns.polyint(np.array([2, 1, 3]), 3, 2),
     R([0.03333333333333333, 0.041666666666666664, 0.5, 1.0, 2.0, 2.0], 'float64')),
    ('polyint/grad_k', lambda ns, T: T.grad(lambda k: ns.sum(ns.polyint(np.array([2.0, 0.5]), 2, k) *
        np.arange(1.0, 5.0)))(np.array([1.0, -2.0])),
     R([3.0, 4.0], 'float64')),
    ('roots/plain', lambda ns, T: ns.sort(ns.real(ns.roots(np.array([1.0, -3.0, 2.0])))),
     R([1.0, 2.0], 'float64')),
    ('roots/strip', lambda ns, T: ns.sort(ns.real(ns.roots(np.array([0.0, 0.0, 1.0, -3.0, 2.0])))),
     R([1.0, 2.0], 'float64')),
    ('roots/complex', lambda ns, T: (ns.sort(ns.real(ns.roots(np.array([1.0, 0.0, 1.0])))),
        ns.sort(ns.imag(ns.roots(np.array([1.0, 0.0, 1.0]))))),
     (R([-0.0, 0.0], 'float64'), R([-1.0, 1.0], 'float64'),)),
    ('roots/no_strip', lambda ns, T: ns.roots(np.array([0.0, 1.0, -5.0, 6.0]), strip_zeros=False),
     R([complex(1.9999999999999996, 0.0), complex(3.0, 0.0), complex(nan, nan)], 'complex128')),
    ('roots/zero_root', lambda ns, T: ns.roots(np.array([1.0, -2.0, 0.0]), strip_zeros=False),
     R([complex(2.0, 0.0), complex(0.0, 0.0)], 'complex128')),
    ('roots/short', lambda ns, T: ns.roots(np.array([2.0])),
     R([], 'complex128')),
    ('roots/grad', lambda ns, T: T.grad(lambda p: ns.sum(ns.real(ns.roots(p)) ** 2))(np.array([1.0, -3.0, 2.0])),
     R([-14.0, -6.0, -2.0], 'float64')),
    ('roots/jit_no_strip', lambda ns, T: T.jit(lambda p: ns.sort(ns.real(ns.roots(p,
        strip_zeros=False))))(np.array([0.0, 1.0, -3.0, 2.0])),
     R([1.0, 2.0, nan], 'float64')),
    ('qr/raw', lambda ns, T: tuple(ns.linalg.qr(np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 7.0]]), mode="raw")),
     (R([[-5.916079783099616, 0.4337717455676132, 0.7229529092793553], [-8.282511696339462, 0.632455532033676,
        0.39696565406256445]], 'float64'), R([1.1690308509457032, 1.72773977620305], 'float64'),)),
    ('qr/raw_wide', lambda ns, T: tuple(ns.linalg.qr(np.array([[1.0, 2.0, 0.0], [3.0, 4.0, 1.0]]), mode="raw")),
     (R([[-3.1622776601683795, 0.7207592200561264], [-4.427188724235731, -0.6324555320336751],
        [-0.9486832980505138, 0.316227766016838]], 'float64'), R([1.316227766016838, 0.0], 'float64'),)),
    ('qr/raw_stack', lambda ns, T: tuple(ns.linalg.qr(np.array([[[1.0, 2.0], [3.0, 4.0], [5.0, 7.0]], [[1.0, 3.0],
        [5.0, 7.0], [9.0, 13.0]]]), mode="raw")),
     (R([[[-5.916079783099616, 0.4337717455676132, 0.7229529092793553], [-8.282511696339462, 0.632455532033676,
        0.39696565406256445]], [[-10.344080432788603, 0.44075851098059426, 0.7933653197650697],
        [-14.98441558020778, 1.5707608728339733, 0.507783268910994]]], 'float64'), R([[1.1690308509457032,
        1.72773977620305], [1.0966736489045663, 1.5900224840185084]], 'float64'),)),
    ('qr/raw_complex', lambda ns, T: tuple(ns.linalg.qr(np.array([[1.0 + 5j, 2.0 + 7j], [3.0 + 3j, 4.0 + 4j], [5.0
        + 1j, 7.0 + 2j]]), mode="raw")),
     (R([[complex(-8.366600265340756, 0.0), complex(0.382316838279529, 0.11620179977465486),
        complex(0.4597847047959655, -0.13867609241169776)], [complex(-11.713240371477056, -8.881784197001252e-16),
        complex(0.8944271909999154, 0.0), complex(0.09912528307157246, -0.536283849043253)]], 'complex128'),
        R([complex(1.1195228609334393, 0.5976143046671968), complex(1.4800727295507254, 0.30155733477116425)],
        'complex128'),)),
    ('qr/raw_int', lambda ns, T: tuple(ns.linalg.qr(np.array([[1, 2], [3, 4], [5, 7]]), mode="raw")),
     (R([[-5.916079783099616, 0.4337717455676132, 0.7229529092793553], [-8.282511696339462, 0.632455532033676,
        0.39696565406256445]], 'float64'), R([1.1690308509457032, 1.72773977620305], 'float64'),)),
    ('qr/raw_vmap', lambda ns, T: tuple(T.vmap(lambda a: ns.linalg.qr(a, mode="raw"))(np.array([[[1.0, 2.0], [3.0,
        4.0], [5.0, 7.0]], [[1.0, 3.0], [5.0, 7.0], [9.0, 13.0]]]))),
     (R([[[-5.916079783099616, 0.4337717455676132, 0.7229529092793553], [-8.282511696339462, 0.632455532033676,
        0.39696565406256445]], [[-10.344080432788603, 0.44075851098059426, 0.7933653197650697],
        [-14.98441558020778, 1.5707608728339733, 0.507783268910994]]], 'float64'), R([[1.1690308509457032,
        1.72773977620305], [1.0966736489045663, 1.5900224840185084]], 'float64'),)),
    ('qr/raw_jit', lambda ns, T: tuple(T.jit(lambda a: ns.linalg.qr(a, mode="raw"))(np.array([[1.0, 2.0], [3.0,
        4.0], [5.0, 7.0]]))),
     (R([[-5.916079783099616, 0.4337717455676132, 0.7229529092793553], [-8.282511696339462, 0.632455532033676,
        0.39696565406256445]], 'float64'), R([1.1690308509457032, 1.72773977620305], 'float64'),)),
    ('qr/full_is_reduced', lambda ns, T: tuple(ns.linalg.qr(np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 7.0]]),
        mode="full")),
     (R([[-0.16903085094570325, 0.9486832980505138], [-0.50709255283711, -0.31622776601683833],
        [-0.8451542547285166, 2.220446049250313e-16]], 'float64'), R([[-5.916079783099616, -8.282511696339462],
        [0.0, 0.632455532033676]], 'float64'),)),
]


def _leaves(x):
    if isinstance(x, tuple | list):
        return [leaf for e in x for leaf in _leaves(e)]
    return [x]


@pytest.mark.parametrize("fn,want", [pytest.param(f, w, id=n) for n, f, w in CASES])
def test_matches_jax(fn, want):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = fn(fnp, T)
    if isinstance(want, tuple) and all(isinstance(e, str) for e in want):
        assert tuple(got) == want
        return
    got_l, want_l = _leaves(got), _leaves(want)
    assert len(got_l) == len(want_l)
    for g, w in zip(got_l, want_l):
        g = np.asarray(g)
        assert g.shape == w.shape
        assert g.dtype == w.dtype, (g.dtype, w.dtype)
        tol = 1e-5 if w.dtype in (np.float32, np.complex64) else 1e-9
        np.testing.assert_allclose(g, w, rtol=tol, atol=tol)


def test_case_names_unique():
    names = [c[0] for c in CASES]
    assert len(names) == len(set(names))


F = np.array([3.0, 1.0, 2.0])
# (name, call, the exception type jnp raises)
ERRORS = [
    ('cov_fw_float', lambda: fnp.cov(M, fweights=np.ones(4)), TypeError),
    ('cov_fw_len', lambda: fnp.cov(M, fweights=np.ones(3, int)), RuntimeError),
    ('cov_aw_2d', lambda: fnp.cov(M, aweights=np.ones((2, 4))), RuntimeError),
    ('cov_3d', lambda: fnp.cov(np.zeros((2, 2, 2))), ValueError),
    ('cov_dtype', lambda: fnp.cov(M, dtype=np.int32), ValueError),
    ('corrcoef_dtype', lambda: fnp.corrcoef(M, dtype=np.int32), ValueError),
    ('nanq_method', lambda: fnp.nanquantile(F, 0.5, method="bogus"), ValueError),
    ('nanq_complex', lambda: fnp.nanquantile(F + 1j, 0.5), ValueError),
    ('nanq_q2d', lambda: fnp.nanquantile(F, np.ones((2, 2)) * 0.5), ValueError),
    ('nanq_out', lambda: fnp.nanquantile(F, 0.5, overwrite_input=True), ValueError),
    ('nanargmax_out', lambda: fnp.nanargmax(F, out=np.zeros(())), NotImplementedError),
    ('hdd_weights', lambda: fnp.histogramdd(np.zeros((3, 2)), weights=np.ones(2)), ValueError),
    ('hdd_bins', lambda: fnp.histogramdd(np.zeros((3, 2)), bins=[2, 2, 2]), ValueError),
    ('hdd_range', lambda: fnp.histogramdd(np.zeros((3, 2)), range=[(0, 1)]), ValueError),
    ('packbits_float', lambda: fnp.packbits(F), TypeError),
    ('packbits_order', lambda: fnp.packbits(np.array([1, 0]), bitorder="x"), ValueError),
    ('unpackbits_int', lambda: fnp.unpackbits(np.array([1, 2])), TypeError),
    ('rmi_raise', lambda: fnp.ravel_multi_index((np.array([0, 3]), np.array([1, 1])), (3, 4)), ValueError),
    ('rmi_float', lambda: fnp.ravel_multi_index((np.array([0.0]), np.array([1])), (3, 4), mode="clip"),
        ValueError),
    ('rmi_mode', lambda: fnp.ravel_multi_index((np.array([0]), np.array([1])), (3, 4), mode="bad"), ValueError),
    ('rmi_order', lambda: fnp.ravel_multi_index((np.array([0]), np.array([1])), (3, 4), order="X"), ValueError),
    ('rmi_dtype_small', lambda: fnp.ravel_multi_index((np.array([0]), np.array([1])), (300, 4), dtype=np.int8),
        ValueError),
    ('rmi_jit_raise', lambda: ft.jit(lambda i, j: fnp.ravel_multi_index((i, j), (3, 4)))(np.array([0]),
        np.array([1])), ConcretizationTypeError),
    ('union_jit', lambda: ft.jit(lambda a: fnp.union1d(a, F))(F), ConcretizationTypeError),
    ('inter_jit', lambda: ft.jit(lambda a: fnp.intersect1d(a, F))(F), ConcretizationTypeError),
    ('diff_jit', lambda: ft.jit(lambda a: fnp.setdiff1d(a, F))(F), ConcretizationTypeError),
    ('xor_jit', lambda: ft.jit(lambda a: fnp.setxor1d(a, F))(F), ConcretizationTypeError),
    ('uvals_jit', lambda: ft.jit(lambda a: fnp.unique_values(a))(F), ConcretizationTypeError),
    ('roots_jit', lambda: ft.jit(lambda p: fnp.roots(p))(F), ConcretizationTypeError),
    ('roots_2d', lambda: fnp.roots(M), ValueError),
    ('poly_3d', lambda: fnp.poly(np.zeros((2, 2, 2))), ValueError),
    ('poly_nonsquare', lambda: fnp.poly(np.zeros((2, 3))), ValueError),
    ('polyder_neg', lambda: fnp.polyder(F, -1), ValueError),
    ('polyint_neg', lambda: fnp.polyint(F, -1), ValueError),
    ('polyint_k', lambda: fnp.polyint(F, 2, np.ones(3)), ValueError),
    ('polyadd_empty', lambda: fnp.polyadd(np.zeros(0), F), ValueError),
    ('polymul_scalar', lambda: fnp.polymul(F, 2.0), TypeError),
    ('qr_mode_e', lambda: fnp.linalg.qr(M, mode="e"), ValueError),
    ('qr_raw_grad', lambda: ft.grad(lambda a: fnp.sum(fnp.linalg.qr(a, mode="raw")[0]))(M), NotImplementedError),
    ('unique_axis_size_empty', lambda: fnp.unique(np.zeros((0, 2)), axis=0, size=2), ValueError),
]

@pytest.mark.parametrize("call,exc", [pytest.param(c, e, id=n) for n, c, e in ERRORS])
def test_errors_as_jax(call, exc):
    with pytest.raises(exc):
        call()


def test_unsized_set_results_are_constants():
    # as JAX: without size= the values pass through a concrete unique: zero derivatives
    for f in (fnp.union1d, fnp.intersect1d, fnp.setdiff1d, fnp.setxor1d):
        g = ft.grad(lambda a, f=f: fnp.sum(f(a, np.array([1.0, 5.0]))))(np.array([3.0, 1.0, 2.0]))
        np.testing.assert_array_equal(g, [0.0, 0.0, 0.0])


def test_sized_set_ops_under_vmap():
    a = np.array([[3.0, 1.0, 2.0, 3.0], [5.0, 5.0, 0.0, 1.0]])
    got = ft.vmap(lambda x: fnp.setdiff1d(x, np.array([1.0, 5.0]), size=3, fill_value=-1.0))(a)
    np.testing.assert_array_equal(got, [[2.0, 3.0, -1.0], [0.0, -1.0, -1.0]])
    got = ft.vmap(lambda x: fnp.unique_counts(x, size=3).counts)(a)
    np.testing.assert_array_equal(got, [[1, 1, 2], [1, 1, 2]])
