"""vmap: every ``functrans.numpy`` function under many batching patterns, checked
against a Python loop over the examples (values, shapes and dtypes); pytrees of
axes; nesting with the other transformations; Jacobians (all modes, chunked);
errors; and that batching applies each primitive once, whatever the batch size.

The reference for ``vmap(f, in_axes, out_axes)(*args)`` is always
``np.stack([f(*example_i) for i in range(B)], axis=out_axes)``, with ``f`` run
eagerly (no tracing) on each example.
"""

from __future__ import annotations

import numpy as np
import pytest
from test_numpy_grads import EINSUM_CASES
from test_numpy_grads import INDEX_CASES as G_INDEX_CASES
from test_structure import NOT_VMAPPABLE as STRUCTURE_NOT_VMAPPABLE
from test_structure import VMAP_COVERED as STRUCTURE_VMAP_COVERED
from vmap_cases_npmisc import NPMISC_NOT_SWEPT, npmisc_cases

import functrans
import functrans.numpy as fnp

vmap, grad, jvp, vjp = functrans.vmap, functrans.grad, functrans.jvp, functrans.vjp
jacfwd, jacrev, jacobian, hessian = functrans.jacfwd, functrans.jacrev, functrans.jacobian, functrans.hessian


# --------------------------------------------------------------------------- helpers


def _rng(seed):
    return np.random.default_rng(seed)


class A:
    """One example argument: its shape (without the batch axis) and how to draw values."""

    def __init__(self, shape=(), kind="normal"):
        self.shape = tuple(shape)
        self.kind = kind

    @property
    def rank(self):
        return len(self.shape)

    def draw(self, rng, shape):
        k = self.kind
        if k in ("normal", "f32"):
            x = rng.standard_normal(shape)
        elif k in ("pos", "f32pos"):
            x = rng.uniform(0.5, 2.0, shape)
        elif k == "unit":
            x = rng.uniform(-0.9, 0.9, shape)
        elif k == "nz":
            x = rng.choice([-1.0, 1.0], size=shape) * rng.uniform(0.5, 2.0, shape)
        elif k == "int":
            return rng.integers(-5, 6, shape)
        elif k == "i32":
            return rng.integers(-5, 6, shape).astype(np.int32)
        elif k == "bool":
            return rng.random(shape) > 0.5
        elif k == "complex":
            return rng.standard_normal(shape) + 1j * rng.standard_normal(shape)
        else:
            raise ValueError(k)
        x = np.asarray(x)
        return x.astype(np.float32) if k.startswith("f32") else x


def _insert(shape, axis, size):
    """``shape`` with a batch axis of ``size`` inserted at ``axis`` (of the batched rank)."""
    nd = len(shape) + 1
    axis %= nd
    return shape[:axis] + (size,) + shape[axis:]


def _take(x, i, axis):
    return x if axis is None else np.take(x, i, axis=axis)


def loop_outputs(f, args, in_axes, size):
    """``f`` applied to each example in turn (no tracing)."""
    return [np.asarray(f(*[_take(a, i, ax) for a, ax in zip(args, in_axes)])) for i in range(size)]


def _tol(dtype):
    return (1e-5, 1e-6) if dtype == np.float32 else (1e-12, 1e-12)


def assert_same(actual, expected, exact=False):
    """Same type (a NumPy array), shape, dtype and values."""
    assert isinstance(actual, np.ndarray), f"expected a NumPy array, got {type(actual).__name__}"
    expected = np.asarray(expected)
    assert actual.shape == expected.shape, f"shape {actual.shape} != {expected.shape}"
    assert actual.dtype == expected.dtype, f"dtype {actual.dtype} != {expected.dtype}"
    # (the quick checks first: numpy.testing's assertions are slow, and this runs thousands of times)
    if exact or expected.dtype.kind not in "fc":
        if not np.array_equal(actual, expected):
            np.testing.assert_array_equal(actual, expected)
    else:
        rtol, atol = _tol(expected.dtype)
        if not np.allclose(actual, expected, rtol=rtol, atol=atol, equal_nan=True):
            np.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol)


def check_vmap(f, specs, in_axes, out_axes_list=(0, 1, -1), sizes=(1, 4), seed=0):
    """Compare vmap with the loop for each batch size and each valid out_axes (only the first
    out_axes for a batch of one).

    ``specs`` holds an :class:`A` per array argument, or a Python scalar passed as it is
    (always with in_axes None). ``in_axes`` has one entry per spec.
    """
    rng = _rng(seed)
    for size in sizes:
        args = []
        for s, ax in zip(specs, in_axes):
            if not isinstance(s, A):
                args.append(s)
            elif ax is None:
                args.append(s.draw(rng, s.shape))
            else:
                args.append(s.draw(rng, _insert(s.shape, ax, size)))
        outs = loop_outputs(f, args, in_axes, size)
        out_rank = outs[0].ndim + 1
        valid = [oa for oa in out_axes_list[: 1 if size == 1 else None] if -out_rank <= oa < out_rank]
        for oa in sorted({oa % out_rank: oa for oa in valid}.values()):  # skip axes that coincide
            actual = vmap(f, in_axes=tuple(in_axes), out_axes=oa)(*args)
            try:
                assert_same(actual, np.stack(outs, axis=oa))
            except AssertionError as e:
                raise AssertionError(f"in_axes={tuple(in_axes)}, out_axes={oa}, batch size {size}: {e}") from None


def _patterns(specs):
    """Named in_axes patterns valid for these argument specs."""
    arr = [i for i, s in enumerate(specs) if isinstance(s, A)]
    ranks = {i: specs[i].rank for i in arr}

    def make(fn):
        return [fn(i) if i in ranks else None for i in range(len(specs))]

    pats = {"all0": make(lambda i: 0), "all-1": make(lambda i: -1)}
    if any(r >= 1 for r in ranks.values()):
        pats["ax1"] = make(lambda i: 1 if ranks[i] >= 1 else 0)
    if len(arr) >= 2:
        pats["first_none"] = make(lambda i: None if i == arr[0] else 0)
        pats["last_none"] = make(lambda i: None if i == arr[-1] else -1)
        # every argument batched, each at a different axis where ranks allow
        pats["mixed"] = make(lambda i: ranks[i] if arr.index(i) % 2 == 0 else 0)
    elif any(r >= 2 for r in ranks.values()):
        pats["middle"] = make(lambda i: ranks[i] // 2 if ranks[i] >= 2 else 0)
    return pats


# --------------------------------------------------------------------------- the functrans.numpy sweep
# Each case is (name, function, argument specs). The part of the name before "/" is the
# functrans.numpy function it exercises (test_sweep_covers_functrans_numpy checks that every
# function is covered).


def _unary_cases():
    kinds = {"tan": "unit", "arcsin": "unit", "arccos": "unit", "log": "pos", "log1p": "pos", "sqrt": "pos"}
    kinds.update(reciprocal="nz")
    names = [
        "sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "exp", "log", "log1p",
        "expm1", "sqrt", "square", "abs", "absolute", "sign", "reciprocal", "negative", "positive", "floor",
        "ceil", "round", "around", "stop_gradient",
    ]  # fmt: skip
    cases = [(f"{n}/2x3", getattr(fnp, n), [A((2, 3), kinds.get(n, "normal"))]) for n in names]
    cases += [
        ("sin/scalar", fnp.sin, [A(())]),
        ("exp/2x3x4", fnp.exp, [A((2, 3, 4))]),
        ("round/decimals1", lambda x: fnp.round(x, 1), [A((2, 3))]),
        ("around/decimals2", lambda x: fnp.around(x * 10, 2), [A((4,))]),
        ("logical_not/bool", fnp.logical_not, [A((2, 3), "bool")]),
        ("abs/builtin", lambda x: abs(x), [A((2, 3))]),
        ("negative/op", lambda x: -x, [A((3,))]),
    ]
    return cases


BINARY_NAMES = [
    "add", "subtract", "multiply", "divide", "true_divide", "power", "maximum", "minimum", "arctan2",
    "equal", "not_equal", "less", "less_equal", "greater", "greater_equal",
]  # fmt: skip
PAIRS = [((3, 4), (3, 4)), ((3, 1), (1, 4)), ((2, 3), (3,)), ((), (2, 3)), ((2, 3), ()), ((2, 1, 4), (3, 1))]


def _sid(shape):
    return "x".join(map(str, shape)) or "s"


def _binary_cases():
    def specs(name, a, b):
        if name == "power":
            return [A(a, "pos"), A(b)]
        if name in ("divide", "true_divide"):
            return [A(a), A(b, "nz")]
        return [A(a), A(b)]

    cases = []
    for name in BINARY_NAMES:
        pairs = PAIRS if name in ("add", "maximum", "greater", "power") else [PAIRS[1], PAIRS[5]]
        for a, b in pairs:
            cases.append((f"{name}/{_sid(a)}-{_sid(b)}", getattr(fnp, name), specs(name, a, b)))
    cases += [
        ("logical_and/bool", fnp.logical_and, [A((3, 1), "bool"), A((4,), "bool")]),
        ("logical_or/bool", fnp.logical_or, [A((2, 3), "bool"), A((2, 3), "bool")]),
        ("logical_and/cmp", lambda x, y: fnp.logical_and(x > 0, y < 0.5), [A((3, 4)), A((4,))]),
        ("add/op", lambda x, y: x + y, [A((3, 4)), A((4,))]),
        ("subtract/op", lambda x, y: x - y, [A((3, 1)), A((1, 4))]),
        ("multiply/op", lambda x, y: x * y, [A((2, 3)), A(())]),
        ("divide/op", lambda x, y: x / y, [A((2, 3)), A((3,), "nz")]),
        ("power/op", lambda x, y: x**y, [A((2, 3), "pos"), A((2, 3))]),
        ("equal/op", lambda x, y: (x > 0) == (y > 0), [A((2, 3)), A((3,))]),
        ("not_equal/op", lambda x, y: (x > 0) != (y > 0), [A((2, 3)), A((3,))]),
        ("less/op", lambda x, y: x < y, [A((3, 1)), A((1, 4))]),
        ("greater_equal/op", lambda x, y: x >= y, [A((3, 1)), A((1, 4))]),
        # NumPy arrays closed over, on either side of a batched value
        ("multiply/closed_left", lambda x: C34 * x, [A((3, 4))]),
        ("subtract/closed_left", lambda x: C4 - x, [A((3, 4))]),
        ("add/closed_bcast", lambda x: x + C34, [A((4,))]),
        ("divide/closed", lambda x: C4 / x, [A((3, 4), "nz")]),
    ]
    return cases


C34 = _rng(99).standard_normal((3, 4))
C4 = _rng(98).standard_normal(4)


def _scalar_operand_cases():
    return [
        ("multiply/py_float", lambda x: x * 2.0, [A((2, 3))]),
        ("multiply/py_float_left", lambda x: 2.0 * x, [A((2, 3))]),
        ("subtract/py_float", lambda x: 2.0 - x, [A((3,))]),
        ("divide/py_float", lambda x: x / 3.0, [A((3,))]),
        ("divide/py_float_num", lambda x: 3.0 / x, [A((3,), "nz")]),
        ("add/py_int", lambda x: x + 1, [A((3,))]),
        ("power/py_base", lambda x: 2.0**x, [A((3,))]),
        ("power/py_int_base", lambda x: 3**x, [A((3,))]),
        ("power/int3", lambda x: x**3, [A((2, 3))]),
        ("power/int_neg2", lambda x: fnp.power(x, -2), [A((2, 3), "nz")]),
        ("power/int0", lambda x: x**0, [A((2, 3))]),
        ("power/float2.5", lambda x: x**2.5, [A((2, 3), "pos")]),
        ("power/fn_base", lambda x: fnp.power(2.0, x), [A((4,))]),
        ("maximum/py_zero", lambda x: fnp.maximum(x, 0.0), [A((2, 3))]),
        ("minimum/py_left", lambda x: fnp.minimum(0.3, x), [A((2, 3))]),
        ("arctan2/py", lambda x: fnp.arctan2(x, 2.0), [A((2, 3))]),
        ("greater/py", lambda x: x > 0.1, [A((2, 3))]),
        # Python scalars as unbatched positional arguments
        ("add/py_arg", fnp.add, [A((2, 3)), 2.5]),
        ("multiply/py_arg_left", fnp.multiply, [-1.5, A((3,))]),
        ("power/py_int_arg", fnp.power, [A((3,)), 2]),
        ("maximum/py_arg", fnp.maximum, [A((2, 3)), 0.25]),
        ("where/py_args", lambda c, a, b: fnp.where(c > 0, a, b), [A((2, 3)), 1.0, -1.0]),
    ]


def _where_clip_cases():
    mask = _rng(11).random((3, 4)) > 0.5
    return [
        ("where/gt_bcast", lambda x, y: fnp.where(x > 0.2, fnp.sin(x), fnp.cos(y)), [A((3, 4)), A((4,))]),
        ("where/traced_cmp", lambda x, y: fnp.where(x < y, x, y), [A((3, 1)), A((1, 4))]),
        ("where/bool_arg", fnp.where, [A((3, 4), "bool"), A((3, 4)), A((4,))]),
        ("where/bool_arg_bcast", fnp.where, [A((3, 1), "bool"), A(()), A((1, 4))]),
        ("where/scalar_branch", lambda x: fnp.where(x <= 0.2, 0.0, x**2), [A((3, 4))]),
        ("where/const_mask", lambda x, y: fnp.where(mask, x, y), [A((3, 4)), A((3, 4))]),
        ("where/const_mask_1arg", lambda x: fnp.where(mask, x, 0.0), [A((4,))]),
        ("where/float_cond", lambda c, x: fnp.where(c, x, -x), [A((2, 3)), A((2, 3))]),
        ("where/nested", lambda x: fnp.where(x > 0.5, x, fnp.where(x < -0.5, -x, x**2)), [A((6,))]),
        ("where/int", lambda c, x: fnp.where(c > 0, x, 7), [A((2, 3), "int"), A((3,), "int")]),
        ("clip/both", lambda x: fnp.clip(x, -0.5, 0.5), [A((3, 4))]),
        ("clip/max_only", lambda x: fnp.clip(x, None, 0.5), [A((3, 4))]),
        ("clip/min_kw", lambda x: fnp.clip(x, a_min=-0.5), [A((3, 4))]),
        ("clip/min_max_kw", lambda x: fnp.clip(x, min=-0.5, max=0.5), [A((3,))]),
        ("clip/method", lambda x: x.clip(-0.5, 0.5), [A((3, 4))]),
        ("clip/traced_bounds", fnp.clip, [A((3, 4)), A((4,)), A((3, 1))]),
        ("clip/int", lambda x: fnp.clip(x, -2, 3), [A((5,), "int")]),
    ]


RED_NAMES = ["sum", "mean", "prod", "max", "min", "var", "std", "amax", "amin"]
RED_AXES = [None, 0, 1, -1, (0, 2), (-1, 0), (0, 1, 2)]


def _reduction_cases():
    cases = []
    for name in RED_NAMES:
        fn = getattr(fnp, name)
        for axis in RED_AXES:
            for keep in (False, True):
                if name in ("amax", "amin") and (keep or axis not in (None, 1)):
                    continue
                cases.append(
                    (
                        f"{name}/axis={axis},keep={keep}",
                        lambda x, fn=fn, axis=axis, keep=keep: fn(x, axis=axis, keepdims=keep),
                        [A((2, 3, 4))],
                    )
                )
    cases += [
        ("sum/1d", fnp.sum, [A((5,))]),
        ("sum/scalar", fnp.sum, [A(())]),
        ("max/2d_axis0", lambda x: fnp.max(x, 0), [A((3, 4))]),
        ("var/ddof1", lambda x: fnp.var(x, axis=-1, ddof=1), [A((3, 4))]),
        ("std/ddof1_keep", lambda x: fnp.std(x, axis=(0, 2), ddof=1, keepdims=True), [A((2, 3, 4))]),
        ("sum/dtype_f32", lambda x: fnp.sum(x, axis=0, dtype=np.float32), [A((3, 4))]),
        ("mean/dtype_f32", lambda x: fnp.mean(x, dtype=np.float32), [A((3, 4))]),
        ("sum/int", lambda x: fnp.sum(x, axis=1), [A((3, 4), "int")]),
        ("sum/i32", fnp.sum, [A((3, 4), "i32")]),
        ("sum/bool", lambda x: fnp.sum(x, axis=0), [A((3, 4), "bool")]),
        ("prod/int", lambda x: fnp.prod(x, axis=0), [A((3, 4), "int")]),
        ("mean/int", fnp.mean, [A((3, 4), "int")]),
        ("max/int", lambda x: fnp.max(x, axis=-1), [A((3, 4), "int")]),
        ("min/bool", lambda x: fnp.min(x, axis=0), [A((3, 4), "bool")]),
        ("var/int", lambda x: fnp.var(x, axis=0), [A((3, 4), "int")]),
        ("sum/list_of_traced", lambda x, y: fnp.sum([x, y], axis=0), [A((3,)), A((3,))]),
        ("sum/method", lambda x: x.sum(-1, keepdims=True), [A((3, 4))]),
        ("mean/method", lambda x: x.mean(axis=(0, 2)), [A((2, 3, 4))]),
        ("max/method", lambda x: x.max(axis=1), [A((3, 4))]),
        ("min/method_keep", lambda x: x.min(axis=0, keepdims=True), [A((3, 4))]),
        ("prod/method", lambda x: x.prod(axis=1), [A((3, 4))]),
        ("var/method", lambda x: x.var(axis=0), [A((3, 4))]),
        ("std/method_ddof", lambda x: x.std(ddof=1), [A((3, 4))]),
    ]
    return cases


def _shape_cases():
    return [
        ("reshape/4x3", lambda x: fnp.reshape(x, (4, 3)), [A((3, 4))]),
        ("reshape/-1", lambda x: fnp.reshape(x, -1), [A((3, 4))]),
        ("reshape/4x-1", lambda x: fnp.reshape(x, (4, -1)), [A((2, 3, 4))]),
        ("reshape/-1x2x2", lambda x: fnp.reshape(x, (-1, 2, 2)), [A((2, 3, 4))]),
        ("reshape/scalar_to_1x1", lambda x: fnp.reshape(x, (1, 1)), [A(())]),
        ("reshape/to_scalar", lambda x: fnp.reshape(x, ()), [A((1, 1))]),
        ("reshape/kw_shape", lambda x: fnp.reshape(x, shape=(2, 6)), [A((3, 4))]),
        ("reshape/method_args", lambda x: x.reshape(4, 3), [A((3, 4))]),
        ("reshape/method_tuple", lambda x: x.reshape((2, -1)), [A((3, 4))]),
        ("ravel/2d", fnp.ravel, [A((2, 3))]),
        ("ravel/3d", fnp.ravel, [A((2, 3, 4))]),
        ("ravel/method", lambda x: x.ravel(), [A((3, 4))]),
        ("ravel/flatten", lambda x: x.flatten(), [A((3, 4))]),
        ("transpose/2d", fnp.transpose, [A((3, 4))]),
        ("transpose/3d_default", fnp.transpose, [A((2, 3, 4))]),
        ("transpose/102", lambda x: fnp.transpose(x, (1, 0, 2)), [A((2, 3, 4))]),
        ("transpose/201", lambda x: fnp.transpose(x, (2, 0, 1)), [A((2, 3, 4))]),
        ("transpose/neg", lambda x: fnp.transpose(x, (-1, 0, 1)), [A((2, 3, 4))]),
        ("transpose/T", lambda x: x.T, [A((3, 4))]),
        ("transpose/method_args", lambda x: x.transpose(1, 0, 2), [A((2, 3, 4))]),
        ("transpose/1d", fnp.transpose, [A((4,))]),
        ("swapaxes/02", lambda x: fnp.swapaxes(x, 0, 2), [A((2, 3, 4))]),
        ("swapaxes/neg", lambda x: fnp.swapaxes(x, -1, -2), [A((2, 3, 4))]),
        ("moveaxis/0to-1", lambda x: fnp.moveaxis(x, 0, -1), [A((2, 3, 4))]),
        ("moveaxis/2to0", lambda x: fnp.moveaxis(x, 2, 0), [A((2, 3, 4))]),
        ("expand_dims/0", lambda x: fnp.expand_dims(x, 0), [A((3,))]),
        ("expand_dims/-1", lambda x: fnp.expand_dims(x, -1), [A((3,))]),
        ("expand_dims/1_2d", lambda x: fnp.expand_dims(x, 1), [A((3, 4))]),
        ("expand_dims/tuple", lambda x: fnp.expand_dims(x, (0, 2)), [A((3, 4))]),
        ("expand_dims/scalar", lambda x: fnp.expand_dims(x, 0), [A(())]),
        ("squeeze/all", fnp.squeeze, [A((1, 3, 1))]),
        ("squeeze/axis0", lambda x: fnp.squeeze(x, 0), [A((1, 3, 1))]),
        ("squeeze/axis-1", lambda x: fnp.squeeze(x, -1), [A((1, 3, 1))]),
        ("squeeze/middle", lambda x: fnp.squeeze(x, axis=1), [A((3, 1, 4))]),
        ("squeeze/to_scalar", fnp.squeeze, [A((1, 1))]),
        ("squeeze/method", lambda x: x.squeeze(), [A((1, 4))]),
        ("broadcast_to/vec", lambda x: fnp.broadcast_to(x, (2, 3)), [A((3,))]),
        ("broadcast_to/col", lambda x: fnp.broadcast_to(x, (3, 4)), [A((3, 1))]),
        ("broadcast_to/scalar", lambda x: fnp.broadcast_to(x, (2, 2)), [A(())]),
        ("broadcast_to/3d", lambda x: fnp.broadcast_to(x, (2, 3, 4)), [A((1, 4))]),
        ("broadcast_to/mid", lambda x: fnp.broadcast_to(x, (2, 3, 4)), [A((2, 1, 4))]),
        ("broadcast_to/int_shape", lambda x: fnp.broadcast_to(x, 5), [A(())]),
        ("atleast_1d/scalar", fnp.atleast_1d, [A(())]),
        ("atleast_1d/vec", fnp.atleast_1d, [A((3,))]),
        ("concatenate/axis0", lambda a, b: fnp.concatenate([a, b], axis=0), [A((2, 3)), A((4, 3))]),
        ("concatenate/axis1", lambda a, b: fnp.concatenate([a, b], axis=1), [A((2, 3)), A((2, 5))]),
        (
            "concatenate/three_-1",
            lambda a, b, c: fnp.concatenate((a, b, c), axis=-1),
            [A((2, 3)), A((2, 1)), A((2, 2))],
        ),
        ("concatenate/1d", lambda a, b: fnp.concatenate([a, b]), [A((3,)), A((2,))]),
        ("concatenate/none", lambda a, b: fnp.concatenate([a, b], axis=None), [A((2, 2)), A((3,))]),
        ("concatenate/same_twice", lambda a: fnp.concatenate([a, a * 2], axis=1), [A((2, 3))]),
        ("concatenate/3d_-2", lambda a, b: fnp.concatenate([a, b], axis=-2), [A((2, 3, 4)), A((2, 1, 4))]),
        ("concatenate/with_const", lambda a: fnp.concatenate([C34, a], axis=0), [A((2, 4))]),
        ("concatenate/int_float", lambda a, b: fnp.concatenate([a, b]), [A((2,), "int"), A((3,))]),
        ("concatenate/single", lambda a: fnp.concatenate([a], axis=1), [A((2, 3))]),
        ("stack/axis0", lambda a, b: fnp.stack([a, b]), [A((3,)), A((3,))]),
        ("stack/axis-1", lambda a, b: fnp.stack([a, b], axis=-1), [A((3,)), A((3,))]),
        ("stack/three_axis1", lambda a, b, c: fnp.stack([a, b, c], axis=1), [A((2, 3)), A((2, 3)), A((2, 3))]),
        ("stack/scalars", lambda a, b: fnp.stack([a, b]), [A(()), A(())]),
        ("stack/single", lambda a: fnp.stack([a], axis=1), [A((2, 3))]),
        ("stack/3d_axis2", lambda a, b: fnp.stack([a, b], axis=2), [A((2, 3)), A((2, 3))]),
        ("stack/with_const", lambda a: fnp.stack([a, C4], axis=0), [A((4,))]),
        ("vstack/1d_2d", lambda a, b: fnp.vstack([a, b]), [A((3,)), A((2, 3))]),
        ("vstack/2d", lambda a, b: fnp.vstack((a, b)), [A((1, 3)), A((2, 3))]),
        ("hstack/1d", lambda a, b: fnp.hstack([a, b]), [A((3,)), A((2,))]),
        ("hstack/2d", lambda a, b: fnp.hstack([a, b]), [A((2, 3)), A((2, 1))]),
        ("hstack/scalars", lambda a, b: fnp.hstack([a, b]), [A(()), A(())]),
        ("array/of_traced", lambda a, b: fnp.array([[a, b], [b, a * b]]), [A(()), A(())]),
        ("array/dtype", lambda a: fnp.array(a, dtype=np.float32), [A((3,))]),
        ("array/list_mixed", lambda a: fnp.array([a, 1.0, a * 2]), [A(())]),
        ("asarray/traced", lambda a: fnp.asarray(a) * 2, [A((3,))]),
        ("asarray/list", lambda a, b: fnp.asarray([a, b], dtype=np.float32), [A((2,)), A((2,))]),
        ("full_like/traced_fill", lambda a, v: fnp.full_like(a, v), [A((2, 3)), A(())]),
        ("full_like/const_fill", lambda a: fnp.full_like(a, 2.5) * a, [A((2, 3))]),
        ("zeros_like/plus", lambda a: fnp.zeros_like(a) + a, [A((2, 3))]),
        ("ones_like/times", lambda a: fnp.ones_like(a, dtype=np.float32) * a, [A((2, 3))]),
        ("shape/scale", lambda a: a * fnp.shape(a)[0] + fnp.ndim(a) + fnp.size(a), [A((2, 3))]),
        ("ndim/method", lambda a: a.reshape(a.shape[1], a.ndim) * a.size, [A((2, 3))]),
        ("size/of_list", lambda a, b: fnp.size([a, b]) * a, [A((2,)), A((2,))]),
    ]


# the indexing cases of the gradient sweep, plus some only vmap needs
INDEX_CASES = G_INDEX_CASES + [
    ("new_axis_end", (4, 5), lambda x: x[..., None]),
    ("nones_everywhere", (2, 3, 4), lambda x: x[None, 1, None, ::-1, None]),
    ("ellipsis_first", (2, 3, 4), lambda x: x[..., ::2]),
    ("empty_slice", (4, 5), lambda x: x[3:1]),
    ("np_int", (4, 5), lambda x: x[np.int64(2), np.int32(-1)]),
    ("iterate", (3, 2), lambda x: fnp.stack([r * i for i, r in enumerate(x)])),
]


def _index_cases():
    return [(f"getitem/{n}", fn, [A(s)]) for n, s, fn in INDEX_CASES] + [
        ("getitem/int_dtype", lambda x: x[::-1, 0], [A((3, 4), "int")]),
        ("getitem/bool_dtype", lambda x: x[1:, None], [A((3, 4), "bool")]),
    ]


def _product_cases():
    return [
        ("dot/1d_1d", fnp.dot, [A((4,)), A((4,))]),
        ("dot/2d_1d", fnp.dot, [A((3, 4)), A((4,))]),
        ("dot/1d_2d", fnp.dot, [A((3,)), A((3, 4))]),
        ("dot/2d_2d", fnp.dot, [A((2, 3)), A((3, 4))]),
        ("dot/scalar_2d", fnp.dot, [A(()), A((3, 4))]),
        ("dot/3d_2d", fnp.dot, [A((2, 3, 4)), A((4, 2))]),
        ("dot/3d_3d", fnp.dot, [A((2, 3, 4)), A((2, 4, 3))]),
        ("dot/method", lambda x: x.dot(C4), [A((3, 4))]),
        ("matmul/1d_1d", fnp.matmul, [A((4,)), A((4,))]),
        ("matmul/2d_1d", fnp.matmul, [A((3, 4)), A((4,))]),
        ("matmul/1d_2d", fnp.matmul, [A((3,)), A((3, 4))]),
        ("matmul/2d_2d", fnp.matmul, [A((2, 3)), A((3, 4))]),
        ("matmul/3d_3d", fnp.matmul, [A((2, 3, 4)), A((2, 4, 5))]),
        ("matmul/3d_2d", fnp.matmul, [A((2, 3, 4)), A((4, 5))]),
        ("matmul/2d_3d", fnp.matmul, [A((3, 4)), A((2, 4, 5))]),
        ("matmul/batch_bcast", fnp.matmul, [A((1, 3, 4)), A((2, 4, 5))]),
        ("matmul/batch_bcast_4d", fnp.matmul, [A((2, 1, 3, 4)), A((3, 4, 2))]),
        ("matmul/1d_3d", fnp.matmul, [A((3,)), A((2, 3, 4))]),
        ("matmul/3d_1d", fnp.matmul, [A((2, 3, 4)), A((4,))]),
        ("matmul/op", lambda x, y: x @ y, [A((2, 3)), A((3, 4))]),
        ("matmul/op_closed_right", lambda x: x @ C34, [A((2, 3))]),
        ("matmul/op_closed_left", lambda x: C34.T @ x, [A((3, 2))]),
        ("matmul/int", fnp.matmul, [A((2, 3), "int"), A((3,), "int")]),
        ("tensordot/int0", lambda a, b: fnp.tensordot(a, b, 0), [A((2, 3)), A((4,))]),
        ("tensordot/int1", lambda a, b: fnp.tensordot(a, b, 1), [A((2, 3)), A((3, 4))]),
        ("tensordot/int2", lambda a, b: fnp.tensordot(a, b, axes=2), [A((2, 3, 4)), A((3, 4, 2))]),
        ("tensordot/pair_ints", lambda a, b: fnp.tensordot(a, b, axes=(0, 1)), [A((3, 2)), A((4, 3))]),
        ("tensordot/pair_lists", lambda a, b: fnp.tensordot(a, b, axes=([1], [0])), [A((2, 3)), A((3, 4))]),
        ("tensordot/multi", lambda a, b: fnp.tensordot(a, b, axes=((0, 2), (1, 0))), [A((2, 3, 4)), A((4, 2, 5))]),
        ("tensordot/neg", lambda a, b: fnp.tensordot(a, b, axes=((-1,), (0,))), [A((4, 5)), A((5, 2))]),
        ("outer/1d", fnp.outer, [A((3,)), A((4,))]),
        ("outer/2d_flattens", fnp.outer, [A((2, 2)), A((3,))]),
        ("outer/scalar", fnp.outer, [A(()), A((3,))]),
        ("inner/2d", fnp.inner, [A((2, 3)), A((4, 3))]),
        ("inner/1d", fnp.inner, [A((3,)), A((3,))]),
        ("inner/scalar", fnp.inner, [A(()), A((2, 3))]),
        ("vdot/2d", fnp.vdot, [A((2, 3)), A((2, 3))]),
    ]


# the einsum strings of the gradient sweep, plus one with spaces
EINSUM_SPECS = EINSUM_CASES + [(" ij , jk -> ki ", [(2, 3), (3, 4)])]


def _einsum_cases():
    return [
        (f"einsum/{spec.replace(' ', '')}", lambda *a, spec=spec: fnp.einsum(spec, *a), [A(s) for s in shapes])
        for spec, shapes in EINSUM_SPECS
    ]


def _dtype_cases():
    f32 = lambda s: A(s, "f32")
    return [
        ("astype/f_to_int", lambda x: fnp.astype(x * 3, np.int64), [A((2, 3))]),
        ("astype/int_to_f32", lambda x: fnp.astype(x, np.float32), [A((2, 3), "int")]),
        ("astype/f64_to_f32", lambda x: x.astype(np.float32) * 2.0, [A((2, 3))]),
        ("astype/bool_to_f", lambda x: fnp.astype(x, np.float64), [A((4,), "bool")]),
        ("astype/f32_to_f64", lambda x: fnp.astype(x, np.float64), [f32((4,))]),
        # integer inputs
        ("abs/int", fnp.abs, [A((2, 3), "int")]),
        ("sign/int", fnp.sign, [A((2, 3), "int")]),
        ("floor/int", fnp.floor, [A((2, 3), "int")]),
        ("negative/int", lambda x: -x, [A((2, 3), "int")]),
        ("square/int", fnp.square, [A((2, 3), "int")]),
        ("power/int_int", lambda x: x**3, [A((2, 3), "int")]),
        ("multiply/int_py_int", lambda x: x * 2, [A((2, 3), "int")]),
        ("add/i32_py_int", lambda x: x + 1, [A((2, 3), "i32")]),
        ("add/i32_py_float", lambda x: x + 0.5, [A((2, 3), "i32")]),
        ("add/int_float", fnp.add, [A((2, 3), "int"), A((3,))]),
        ("multiply/i32_int", fnp.multiply, [A((2, 3), "i32"), A((3,), "int")]),
        ("divide/int", fnp.divide, [A((3,), "int"), 2]),
        ("maximum/int", fnp.maximum, [A((2, 3), "int"), A((3,), "int")]),
        ("less/int_float", fnp.less, [A((2, 3), "int"), A((3,))]),
        ("sin/int", fnp.sin, [A((2, 3), "int")]),
        ("sqrt/int", lambda x: fnp.sqrt(fnp.abs(x)), [A((4,), "int")]),
        # float32 stays float32
        ("sin/f32", fnp.sin, [f32((2, 3))]),
        ("exp/f32", fnp.exp, [f32((2, 3))]),
        ("log/f32", fnp.log, [A((2, 3), "f32pos")]),
        ("multiply/f32_py", lambda x: x * 2.0 + 1, [f32((2, 3))]),
        ("divide/f32_py", lambda x: 1.5 / (x * x + 1.0), [f32((3,))]),
        ("power/f32", lambda x: fnp.power(x, 1.5), [A((3,), "f32pos")]),
        ("power/f32_rpow", lambda x: 2.0**x, [f32((3,))]),
        ("power/f32_int", lambda x: x**3, [f32((3,))]),
        ("maximum/f32_py", lambda x: fnp.maximum(x, 0.5), [f32((2, 3))]),
        ("add/f32_f32", fnp.add, [f32((2, 3)), f32((3,))]),
        ("add/f32_f64", fnp.add, [f32((2, 3)), A((3,))]),
        ("matmul/f32", fnp.matmul, [f32((2, 3)), f32((3, 4))]),
        ("einsum/f32", lambda a, b: fnp.einsum("ij,kj->ik", a, b), [f32((2, 3)), f32((4, 3))]),
        ("sum/f32", lambda x: fnp.sum(x, axis=0), [f32((3, 4))]),
        ("mean/f32", fnp.mean, [f32((3, 4))]),
        ("var/f32", lambda x: fnp.var(x, axis=1), [f32((3, 4))]),
        ("std/f32", fnp.std, [f32((3, 4))]),
        ("max/f32", fnp.max, [f32((3, 4))]),
        ("prod/f32", lambda x: fnp.prod(x, axis=-1), [f32((3, 4))]),
        ("where/f32", lambda x: fnp.where(x > 0, x, 0.0), [f32((2, 3))]),
        ("clip/f32", lambda x: fnp.clip(x, -0.5, 0.5), [f32((2, 3))]),
        ("concatenate/f32", lambda a, b: fnp.concatenate([a, b]), [f32((2,)), f32((3,))]),
        ("stack/f32", lambda a, b: fnp.stack([a, b], axis=1), [f32((2,)), f32((2,))]),
        ("getitem/f32", lambda a: a[::-1, 1], [f32((3, 4))]),
        ("reshape/f32", lambda a: a.reshape(-1), [f32((3, 4))]),
        ("broadcast_to/f32", lambda a: fnp.broadcast_to(a, (2, 3)), [f32((3,))]),
        ("tanh/f32_chain", lambda x: fnp.sum(fnp.tanh(x @ x.T) ** 2, axis=0), [f32((3, 4))]),
        ("floor_divide/float", fnp.floor_divide, [A((2, 3)), A((3,), "nz")]),
        ("floor_divide/op_int", lambda x: x // 3, [A((2, 3), "int")]),
        ("floor_divide/rop_f32", lambda x: 2.0 // x, [A((3,), "f32")]),
        ("remainder/float", fnp.remainder, [A((2, 3)), A((3,), "nz")]),
        ("remainder/op_int", lambda x: x % -3, [A((2, 3), "int")]),
        ("remainder/rop_f32", lambda x: 2.0 % x, [A((3,), "f32")]),
        ("mod/float", fnp.mod, [A((3,), "nz"), A((2, 3), "nz")]),
        ("divmod/float", lambda x, y: fnp.divmod(x, y)[1] * fnp.divmod(x, y)[0], [A((2, 3)), A((3,), "nz")]),
        ("divmod/builtin_int", lambda x: divmod(x, 4)[0] + divmod(7, x + 10)[1], [A((2, 3), "int")]),
    ]


def _composite_cases():
    return [
        ("softmax/rows", lambda x: fnp.exp(x) / fnp.sum(fnp.exp(x), axis=-1, keepdims=True), [A((2, 4))]),
        ("logsumexp/vec", lambda x: fnp.log(fnp.sum(fnp.exp(x - fnp.max(x)))) + fnp.max(x), [A((5,))]),
        ("normalize/cols", lambda x: (x - fnp.mean(x, axis=0)) / fnp.std(x, axis=0), [A((5, 3))]),
        ("mlp/layer", lambda w, b, x: fnp.tanh(w @ x + b), [A((3, 4)), A((3,)), A((4,))]),
        ("mlp/two_layers", lambda w1, w2, x: fnp.sum(w2 @ fnp.tanh(w1 @ x) ** 2), [A((3, 4)), A((2, 3)), A((4,))]),
        ("chain/mixed", lambda x, y: (x * y - x / (1.0 + y * y)) ** 2 @ (-y), [A((3,)), A((3,))]),
        ("chain/attention", _attention, [A((3, 4)), A((5, 4)), A((5, 2))]),
    ]


def _advanced_index_cases():
    i = np.array([0, 2, 2, -1])
    return [
        ("getitem/int_array", lambda x: x[i, 1:], [A((3, 4))]),
        ("getitem/mask_const", lambda x: x[np.array([True, False, True])], [A((3, 4))]),
        ("take/axis1", lambda x: fnp.take(x, i, axis=1), [A((2, 3))]),
        ("take_along_axis/rows", lambda x: fnp.take_along_axis(x, np.array([[2], [0]]), axis=1), [A((2, 3))]),
        ("nonzero/size", lambda x: fnp.nonzero(x > 0, size=3, fill_value=-1)[0], [A((4,))]),
        ("argwhere/size", lambda x: fnp.argwhere(x > 0, size=2), [A((2, 3))]),
        ("flatnonzero/size", lambda x: fnp.flatnonzero(x, size=2), [A((2, 3), "int")]),
    ]


def _attention(q, k, v):
    s = q @ k.T / 2.0
    p = fnp.exp(s - fnp.max(s, axis=-1, keepdims=True))
    return (p / fnp.sum(p, axis=-1, keepdims=True)) @ v


def _surf_cases():
    """The elementwise functions, reductions, scans, order statistics and sorting of issue 11."""
    v, m, m3 = (3,), (2, 3), (2, 3, 4)
    cases = [
        (name, getattr(fnp, name), [A(m, kind)])
        for name, kind in [
            ("arcsinh", "normal"), ("arctanh", "unit"), ("exp2", "normal"), ("log2", "pos"), ("log10", "pos"),
            ("cbrt", "nz"), ("fabs", "nz"), ("deg2rad", "normal"), ("rad2deg", "normal"), ("degrees", "normal"),
            ("radians", "normal"), ("sinc", "normal"), ("trunc", "normal"), ("rint", "normal"), ("fix", "normal"),
            ("isnan", "normal"), ("isinf", "normal"), ("isfinite", "normal"), ("isposinf", "normal"),
            ("isneginf", "normal"), ("signbit", "normal"), ("real", "normal"), ("imag", "normal"),
            ("conj", "normal"), ("conjugate", "normal"), ("nan_to_num", "normal"),
        ]
    ]  # fmt: skip
    cases += [
        (name, getattr(fnp, name), [A(m, k1), A(v, k2)])
        for name, k1, k2 in [
            ("fmax", "normal", "normal"), ("fmin", "normal", "normal"), ("hypot", "nz", "nz"),
            ("logaddexp", "normal", "normal"), ("logaddexp2", "normal", "normal"), ("fmod", "normal", "nz"),
            ("copysign", "normal", "nz"), ("heaviside", "nz", "normal"), ("float_power", "pos", "normal"),
            ("logical_xor", "bool", "normal"),
        ]
    ]  # fmt: skip
    cases += [
        ("arccosh/shift", lambda x: fnp.arccosh(x + 1.0), [A(m, "pos")]),
        ("trunc/int", fnp.trunc, [A(m, "int")]),
        ("fabs/int", fnp.fabs, [A(m, "int")]),
        ("rint/f32", fnp.rint, [A(m, "f32")]),
        ("fmax/nan", lambda x, y: fnp.fmax(fnp.where(x > 0.5, fnp.nan, x), y), [A(m), A(v)]),
        ("nan_to_num/inf", lambda x: fnp.nan_to_num(fnp.where(x > 1, fnp.inf, fnp.where(x < -1, -fnp.inf, x))), [A(m)]),
        ("hypot/f32", fnp.hypot, [A(m, "f32"), A(v, "f32")]),
    ]
    for name in ("argmax", "argmin"):
        fn = getattr(fnp, name)
        cases += [
            (f"{name}/none", fn, [A(m3)]),
            (f"{name}/axis1_keep", lambda x, fn=fn: fn(x, axis=1, keepdims=True), [A(m3)]),
            (f"{name}/int", lambda x, fn=fn: fn(x, axis=-1), [A(m, "int")]),
        ]
    for name in ("any", "all"):
        fn = getattr(fnp, name)
        cases += [
            (f"{name}/bool", lambda x, fn=fn: fn(x, axis=0), [A(m, "bool")]),
            (f"{name}/float_keep", lambda x, fn=fn: fn(x > 0, axis=(0, 2), keepdims=True), [A(m3)]),
        ]
    nanned = {"nansum", "nanprod", "nanmean", "nanmax", "nanmin", "nanvar", "nanstd", "nancumsum", "nancumprod"}
    for name in sorted(nanned):
        fn = getattr(fnp, name)
        cases += [
            (f"{name}/axis1", lambda x, fn=fn: fn(fnp.where(x > 1.0, fnp.nan, x), axis=1), [A(m3)]),
            (f"{name}/none", lambda x, fn=fn: fn(fnp.where(x > 1.0, fnp.nan, x)), [A(m)]),
        ]
    for name in ("cumsum", "cumprod"):
        fn = getattr(fnp, name)
        cases += [
            (f"{name}/none", fn, [A(m)]),
            (f"{name}/axis1", lambda x, fn=fn: fn(x, axis=1), [A(m3)]),
            (f"{name}/int", lambda x, fn=fn: fn(x, axis=0), [A(m, "int")]),
            (f"{name}/method", lambda x, name=name: getattr(x, name)(axis=-1), [A(m)]),
        ]
    cases += [
        ("count_nonzero/axis", lambda x: fnp.count_nonzero(x, axis=1), [A(m, "int")]),
        ("count_nonzero/none", fnp.count_nonzero, [A(m, "bool")]),
        ("average/none", fnp.average, [A(m)]),
        ("average/weights", lambda x, w: fnp.average(x, axis=1, weights=w), [A(m), A(v, "pos")]),
        ("average/returned", lambda x, w: fnp.average(x, axis=0, weights=w, returned=True)[1] * x, [A(m), A(m, "pos")]),
        ("ptp/axis", lambda x: fnp.ptp(x, axis=-1), [A(m3)]),
        ("median/none", fnp.median, [A(m)]),
        ("median/axis_odd", lambda x: fnp.median(x, axis=1, keepdims=True), [A(m)]),
        ("median/axes_even", lambda x: fnp.median(x, axis=(0, 2)), [A(m3)]),
        ("quantile/scalar", lambda x: fnp.quantile(x, 0.3, axis=-1), [A(m3)]),
        ("quantile/array", lambda x: fnp.quantile(x, np.array([0.1, 0.5, 1.0]), axis=0), [A(m)]),
        ("quantile/int", lambda x: fnp.quantile(x, 0.7), [A(m, "int")]),
        ("percentile/array", lambda x: fnp.percentile(x, [25.0, 75.0], axis=1, keepdims=True), [A(m3)]),
        ("sort/last", fnp.sort, [A(m3)]),
        ("sort/axis0", lambda x: fnp.sort(x, axis=0), [A(m)]),
        ("sort/none_int", lambda x: fnp.sort(x, axis=None), [A(m, "int")]),
        ("argsort/last", fnp.argsort, [A(m3)]),
        ("argsort/method", lambda x: x.argsort(axis=0), [A(m, "int")]),
        ("searchsorted/left", lambda a, x: fnp.searchsorted(fnp.sort(a), x), [A(v), A(m)]),
        ("searchsorted/right", lambda a, x: fnp.searchsorted(fnp.sort(a), x, side="right"), [A(v, "int"), A(m, "int")]),
        ("partition/k1", lambda x: fnp.partition(x, 1), [A(m3)]),
        ("round/method", lambda x: x.round(1), [A(m)]),
        ("argmax/method", lambda x: x.argmax(axis=1), [A(m)]),
        ("any/method", lambda x: (x > 0).any(axis=0), [A(m)]),
        ("all/method", lambda x: (x > 0).all(), [A(m)]),
    ]
    return cases


def _complex_cases():
    """Complex operands (issue 15): the complex parts and the complex-aware NumPy functions."""
    m = (2, 3)
    C = lambda: A(m, "complex")  # noqa: E731
    cases = [(f"{n}/complex", getattr(fnp, n), [C()]) for n in (
        "real", "imag", "conj", "conjugate", "angle", "iscomplex", "isreal", "abs", "sign", "sqrt", "log", "exp",
        "sin", "tanh", "arcsinh", "isfinite", "isinf", "isnan", "round", "rint", "nan_to_num", "square")]
    cases += [
        ("angle/deg", lambda z: fnp.angle(z, deg=True), [A(m)]),
        ("iscomplex/real", fnp.iscomplex, [A(m)]),
        ("isreal/real", fnp.isreal, [A(m)]),
        ("less/complex", fnp.less, [C(), C()]),
        ("greater_equal/complex", fnp.greater_equal, [C(), A((3,))]),
        ("maximum/complex", fnp.maximum, [C(), C()]),
        ("power/complex", fnp.power, [C(), C()]),
        ("lax_complex/real", lambda x, y: functrans.lax.complex(x, y), [A(m), A((3,))]),
        ("methods/complex", lambda z: z.real * z.imag + z.conj(), [C()]),
    ]
    return cases


def _numeric_extra_cases():
    """signal_poly.py and index_tricks.py (convolution, polynomials, counting, index helpers)."""
    grid = np.array([-1.0, 0.0, 2.0])
    bins = np.array([-1.0, 0.0, 1.0])
    return [
        ("convolve/full", fnp.convolve, [A((5,)), A((3,))]),
        ("correlate/same", lambda a, v: fnp.correlate(a, v, "same"), [A((5,)), A((3,))]),
        ("polyval/vec", fnp.polyval, [A((3,)), A((4,))]),
        ("polyfit/deg1", lambda x, y: fnp.polyfit(x, y, 1), [A((5,)), A((5,))]),
        ("vander/n3", lambda x: fnp.vander(x, 3), [A((4,))]),
        ("interp/grid", lambda x, fp: fnp.interp(x, grid, fp), [A((4,)), A((3,))]),
        ("bincount/length", lambda x: fnp.bincount(x, length=6), [A((5,), "int")]),
        ("digitize/bins", lambda x: fnp.digitize(x, bins), [A((4,))]),
        ("histogram/range", lambda x: fnp.histogram(x, 3, range=(-1.0, 1.0))[0], [A((6,))]),
        ("histogram_bin_edges/data", lambda x: fnp.histogram_bin_edges(x, 3), [A((6,))]),
        ("argpartition/k1", lambda x: fnp.argpartition(x, 1), [A((2, 4))]),
        ("lexsort/two", lambda a, b: fnp.lexsort((a, b)), [A((5,)), A((5,))]),
        ("unravel_index/int", lambda i: fnp.unravel_index(i, (2, 3))[1], [A((4,), "int")]),
        ("piecewise/two", lambda x: fnp.piecewise(x, [x < 0, x > 1], [lambda t: -t, lambda t: t * t, 0.5]),
         [A((5,))]),
        ("isin/vec", fnp.isin, [A((4,)), A((3,))]),
        ("compress/size", lambda x: fnp.compress(x[:, 0] > 0, x, axis=0, size=3), [A((4, 2))]),
        ("extract/size", lambda x: fnp.extract(x > 0, x, size=3), [A((5,))]),
        ("put/clip", lambda a, v: fnp.put(a, np.array([0, 7]), v, inplace=False), [A((5,)), A((2,))]),
        ("fill_diagonal/val", lambda a: fnp.fill_diagonal(a, 0.0, inplace=False), [A((3, 3))]),
        ("geomspace/pos", lambda s: fnp.geomspace(s, 10.0, 4), [A((), "pos")]),
        ("cumulative_sum/axis1", lambda x: fnp.cumulative_sum(x, axis=1, include_initial=True), [A((2, 3))]),
    ]


def _npstats_cases():
    """statistics.py, setops.py, polynomial.py and packing.py (sized set operations under vmap)."""
    b = np.array([0.5, -1.0, 2.0])
    return [
        ("cov/rows", fnp.cov, [A((2, 5))]),
        ("cov/aweights", lambda x, w: fnp.cov(x, aweights=w), [A((2, 4)), A((4,), "pos")]),
        ("corrcoef/rows", fnp.corrcoef, [A((3, 5))]),
        ("nanargmax/axis", lambda x: fnp.nanargmax(fnp.where(x > 1.0, np.nan, x), axis=1), [A((2, 4))]),
        ("nanargmin/flat", lambda x: fnp.nanargmin(fnp.where(x > 1.0, np.nan, x)), [A((2, 4))]),
        ("nanquantile/q", lambda x, q: fnp.nanquantile(fnp.where(x > 1.0, np.nan, x), q, axis=0),
         [A((5, 2)), A((), "unit")]),
        ("nanpercentile/vec", lambda x: fnp.nanpercentile(fnp.where(x > 1.0, np.nan, x), np.array([20.0, 70.0])),
         [A((6,))]),
        ("nanmedian/axis", lambda x: fnp.nanmedian(fnp.where(x > 1.0, np.nan, x), axis=1), [A((2, 5))]),
        ("histogram2d/range", lambda x, y: fnp.histogram2d(x, y, 3, range=[(-1.0, 1.0), (-2.0, 2.0)])[0],
         [A((6,)), A((6,))]),
        ("histogramdd/range", lambda s: fnp.histogramdd(s, [2, 3], range=[(-1.0, 1.0), (-2.0, 2.0)])[0],
         [A((6, 2))]),
        ("packbits/axis", lambda x: fnp.packbits(x, axis=0), [A((10, 2), "int")]),
        ("unpackbits/count", lambda x: fnp.unpackbits(fnp.asarray(fnp.abs(x), dtype=np.uint8), count=6),
         [A((2,), "int")]),
        ("ravel_multi_index/clip", lambda i, j: fnp.ravel_multi_index((i, j), (3, 4), mode="clip"),
         [A((5,), "int"), A((5,), "int")]),
        ("union1d/size", lambda a, c: fnp.union1d(a, c, size=6), [A((4,)), A((3,))]),
        ("intersect1d/size", lambda a: fnp.intersect1d(fnp.round(a), b, size=3, fill_value=0.0), [A((5,))]),
        ("setdiff1d/size", lambda a: fnp.setdiff1d(a, b, size=4), [A((5,))]),
        ("setxor1d/size", lambda a: fnp.setxor1d(fnp.round(a), b, size=6), [A((4,))]),
        ("unique_all/size", lambda x: fnp.unique_all(fnp.round(x), size=4).counts, [A((5,))]),
        ("unique_counts/size", lambda x: fnp.unique_counts(fnp.round(x), size=4).values, [A((5,))]),
        ("unique_inverse/size", lambda x: fnp.unique_inverse(fnp.round(x), size=4).inverse_indices, [A((5,))]),
        ("unique_values/size", lambda x: fnp.unique_values(fnp.round(x), size=4), [A((5,))]),
        ("poly/roots", fnp.poly, [A((3,))]),
        ("polyadd/vec", fnp.polyadd, [A((3,)), A((2,))]),
        ("polysub/vec", fnp.polysub, [A((2,)), A((4,))]),
        ("polymul/vec", fnp.polymul, [A((3,)), A((2,))]),
        ("polydiv/vec", lambda u, v: fnp.polydiv(u, v)[0] + fnp.sum(fnp.polydiv(u, v)[1]), [A((4,)), A((2,), "nz")]),
        ("polyder/m2", lambda p: fnp.polyder(p, 2), [A((4,))]),
        ("polyint/k", lambda p, k: fnp.polyint(p, 2, k), [A((3,)), A((2,))]),
        ("roots/nostrip", lambda p: fnp.sort(fnp.real(fnp.roots(p, strip_zeros=False))), [A((3,), "nz")]),
    ]


SWEEP = (
    _numeric_extra_cases()
    + _unary_cases()
    + _binary_cases()
    + _scalar_operand_cases()
    + _where_clip_cases()
    + _reduction_cases()
    + _shape_cases()
    + _index_cases()
    + _product_cases()
    + _einsum_cases()
    + _dtype_cases()
    + _composite_cases()
    + _advanced_index_cases()
    + _surf_cases()
    + _complex_cases()
    + _npstats_cases()
    + npmisc_cases(A)
)


def _case_params(cases):
    return [pytest.param(fn, specs, id=name) for name, fn, specs in cases]


@pytest.mark.parametrize("fn,specs", _case_params(SWEEP))
def test_sweep(fn, specs):
    """Every in_axes pattern of _patterns; batch size 4 with out_axes 0, 1 and -1, and batch size 1."""
    for pat, axes in _patterns(specs).items():
        try:
            check_vmap(fn, specs, axes)
        except AssertionError as e:
            raise AssertionError(f"pattern {pat}: {e}") from None


def test_sweep_names_unique():
    names = [c[0] for c in SWEEP]
    assert len(names) == len(set(names)), [n for n in names if names.count(n) > 1]


# functrans.numpy functions that take no array operand or only re-export NumPy constructors, and
# unique (its vmap with size= is checked in tests/test_numpy_functions.py)
NOT_SWEPT = {
    "iscomplexobj", "isrealobj", "real_if_close",  # static answers, or a value-dependent dtype
    "unique", "empty_like", "zeros", "ones", "empty", "full", "eye", "identity", "arange", "linspace", "logspace",
    "indices", "tril_indices", "triu_indices", "tril_indices_from", "triu_indices_from", "diag_indices",
    "diag_indices_from",  # constant index arrays from shapes
    "frompyfunc",  # makes a ufunc (its vmap is checked in tests/test_jax_parity_kwargs.py)
}  # fmt: skip
NOT_SWEPT |= NPMISC_NOT_SWEPT


def test_sweep_covers_functrans_numpy():
    covered = {c[0].split("/")[0] for c in SWEEP}
    functions = {
        n
        for n in fnp.__all__
        if callable(getattr(fnp, n))
        and not isinstance(getattr(fnp, n), type)
        and getattr(getattr(fnp, n), "__module__", "").startswith("functrans")
    }
    functions.add("getitem")
    covered |= STRUCTURE_VMAP_COVERED | STRUCTURE_NOT_VMAPPABLE
    missing = sorted(functions - covered - NOT_SWEPT)
    assert not missing, f"functrans.numpy functions without a vmap sweep case: {missing}"


# --------------------------------------------------------------------------- vmap of grad over the sweep

FLOAT_KINDS = ("normal", "pos", "unit", "nz", "f32", "f32pos")


def _float_groups():
    """The sweep cases with float inputs and a float output, grouped by functrans.numpy function."""
    groups: dict[str, list] = {}
    for name, fn, specs in SWEEP:
        if not all(s.kind in FLOAT_KINDS for s in specs if isinstance(s, A)):
            continue
        ex = fn(*[s.draw(_rng(0), s.shape) if isinstance(s, A) else s for s in specs])
        if np.asarray(ex).dtype.kind == "f":
            groups.setdefault(name.split("/")[0], []).append((name, fn, specs))
    return groups


FLOAT_GROUPS = _float_groups()


def _draw(specs, axes, size, rng):
    return [
        s if not isinstance(s, A) else s.draw(rng, s.shape if ax is None else _insert(s.shape, ax, size))
        for s, ax in zip(specs, axes)
    ]


def _array_argnums(specs):
    return tuple(i for i, s in enumerate(specs) if isinstance(s, A))


def _check_batched_transform(transform, name, fn, specs, pats, size=3):
    """vmap(transform(fn)) against the loop, for the named in_axes patterns; transform gives a tuple."""
    t = transform(fn, _array_argnums(specs))
    for pat in pats:
        axes = _patterns(specs)[pat]
        args = _draw(specs, axes, size, _rng(1))
        got = vmap(t, in_axes=tuple(axes))(*args)
        per_example = [t(*[_take(a, i, ax) for a, ax in zip(args, axes)]) for i in range(size)]
        assert isinstance(got, tuple) and len(got) == len(per_example[0])
        for k in range(len(got)):
            try:
                assert_same(got[k], np.stack([p[k] for p in per_example]))
            except AssertionError as e:
                raise AssertionError(f"{name}, pattern {pat}, argument {k}: {e}") from None


@pytest.mark.parametrize("fname", sorted(FLOAT_GROUPS))
def test_vmap_of_grad_sweep(fname):
    """Per-example gradients of sum(sin(f(...))) with respect to every array argument, for every
    float case of the sweep (all in_axes 0, and the last pattern of _patterns)."""

    def transform(fn, argnums):
        return grad(lambda *a: fnp.sum(fnp.sin(fn(*a))), argnums=argnums)

    for i, (name, fn, specs) in enumerate(FLOAT_GROUPS[fname]):
        last = list(_patterns(specs))[-1]
        _check_batched_transform(transform, name, fn, specs, dict.fromkeys(["all0", last] if i == 0 else [last]))


def test_float_groups_are_broad():
    assert len(FLOAT_GROUPS) >= 60 and sum(map(len, FLOAT_GROUPS.values())) >= 300


# Outputs whose tangent is a symbolic zero (piecewise-constant functions, stop_gradient, x**0,
# where with constant branches).
ZERO_TANGENT_CASES = {
    "sign/2x3", "floor/2x3", "ceil/2x3", "round/2x3", "around/2x3", "stop_gradient/2x3", "round/decimals1",
    "around/decimals2", "power/int0", "where/py_args",
}  # fmt: skip
JAC_SWEEP_MODES = {
    "jacrev": lambda f, a: jacrev(f, a),
    "auto": lambda f, a: jacobian(f, a),
    "fwd_chunk2": lambda f, a: jacfwd(f, a, chunk_size=2),
    "rev_chunk3": lambda f, a: jacrev(f, a, chunk_size=3),
}
# the modes that push the basis through a recorded linearization (where zero tangents are literals)
JAC_LINEAR_FWD_MODES = ("auto", "fwd_chunk2")


def _check_jacobian_modes(name, fn, specs, modes):
    argnums = _array_argnums(specs)
    args = [s.draw(_rng(2), s.shape) if isinstance(s, A) else s for s in specs]
    ref = jacfwd(fn, argnums)(*args)
    out_dtype = np.asarray(fn(*args)).dtype
    for mode in modes:
        got = JAC_SWEEP_MODES[mode](fn, argnums)(*args)
        for k, i in enumerate(argnums):
            in_dtype = args[i].dtype
            try:
                if in_dtype == out_dtype:
                    assert_same(got[k], ref[k])
                else:  # as in JAX: forward mode gives the output's dtype, reverse mode the input's
                    assert got[k].dtype in (in_dtype, out_dtype) and got[k].shape == ref[k].shape
                    np.testing.assert_allclose(got[k], ref[k], rtol=1e-5, atol=1e-6)
            except AssertionError as e:
                raise AssertionError(f"{name}, {mode} vs jacfwd, argument {k}: {e}") from None


@pytest.mark.parametrize("fname", sorted(FLOAT_GROUPS))
def test_jacobian_sweep(fname):
    """For every float case, jacrev and jacobian(mode="auto") agree with jacfwd; for the first two
    cases of each function, so do the chunked modes, and vmap(jacrev) agrees with the loop."""
    for i, (name, fn, specs) in enumerate(FLOAT_GROUPS[fname]):
        modes = list(JAC_SWEEP_MODES) if i < 2 else ["jacrev", "auto"]
        _check_jacobian_modes(name, fn, specs, modes)
        if i < 2:
            _check_batched_transform(jacrev, name, fn, specs, [list(_patterns(specs))[-1]], size=2)


@pytest.mark.parametrize("mode", JAC_LINEAR_FWD_MODES)
def test_jacobian_sweep_zero_tangent_outputs(mode):
    cases = [c for group in FLOAT_GROUPS.values() for c in group if c[0] in ZERO_TANGENT_CASES]
    assert len(cases) == len(ZERO_TANGENT_CASES)
    for name, fn, specs in cases:
        _check_jacobian_modes(name, fn, specs, [mode])


def _nested_params():
    """Two-argument sweep cases, for an outer-product style double vmap."""
    return [(name, fn, specs) for name, fn, specs in SWEEP if len(_array_argnums(specs)) >= 2]


def test_nested_vmap_sweep():
    """vmap(vmap(f, in_axes=(a, None)), in_axes=(None, b)): every primitive sees one operand batched
    by the inner trace and one by the outer trace."""
    cases = _nested_params()
    assert len(cases) >= 100
    for name, fn, specs in cases:
        i0, i1 = _array_argnums(specs)[:2]
        for a0, a1 in [(0, 0), (-1, 1 if specs[i1].rank >= 1 else 0)]:
            inner_axes = [a0 if i == i0 else None for i in range(len(specs))]
            outer_axes = [a1 if i == i1 else None for i in range(len(specs))]
            rng = _rng(3)
            args = []
            for i, s in enumerate(specs):
                if not isinstance(s, A):
                    args.append(s)
                else:
                    ax = inner_axes[i] if i == i0 else outer_axes[i]
                    args.append(s.draw(rng, s.shape if ax is None else _insert(s.shape, ax, 3 if i == i0 else 2)))
            inner = vmap(fn, in_axes=tuple(inner_axes), out_axes=-1)
            got = vmap(inner, in_axes=tuple(outer_axes))(*args)
            ref = np.stack(
                [
                    np.stack(
                        [
                            np.asarray(
                                fn(*[_take(_take(a, k, ao), j, ai) for a, ai, ao in zip(args, inner_axes, outer_axes)])
                            )
                            for j in range(3)
                        ],
                        axis=-1,
                    )
                    for k in range(2)
                ]
            )
            try:
                assert_same(got, ref)
            except AssertionError as e:
                raise AssertionError(f"{name}, axes {(a0, a1)}: {e}") from None


# --------------------------------------------------------------------------- pytrees, kwargs, axis_size


def tree_stack(trees, axis=0):
    return tree_map(lambda *xs: np.stack([np.asarray(x) for x in xs], axis=axis), *trees)


def assert_tree_same(actual, expected):
    a_leaves, a_tree = tree_flatten(actual)
    e_leaves, e_tree = tree_flatten(expected)
    assert a_tree == e_tree, f"{a_tree} != {e_tree}"
    for a, e in zip(a_leaves, e_leaves):
        assert_same(a, e)


tree_map, tree_flatten = functrans.tree_util.tree_map, functrans.tree_util.tree_flatten


def test_in_axes_dict_prefix():
    rng = _rng(10)
    params = {"w": rng.standard_normal((2, 3)), "b": rng.standard_normal((4, 2))}
    xs = rng.standard_normal((4, 3))
    f = lambda p, x: fnp.tanh(p["w"] @ x + p["b"])
    got = vmap(f, in_axes=({"w": None, "b": 0}, 0))(params, xs)
    assert_same(got, np.stack([f({"w": params["w"], "b": params["b"][i]}, xs[i]) for i in range(4)]))


def test_in_axes_nested_prefix_with_lists_and_tuples():
    rng = _rng(11)
    a = {"u": [rng.standard_normal((3, 5)), rng.standard_normal(2)], "v": (rng.standard_normal((2, 5)),)}
    c = rng.standard_normal(5)
    f = lambda t, c: t["u"][0] * c + fnp.sum(t["u"][1]) + t["v"][0][1]
    got = vmap(f, in_axes=({"u": [1, None], "v": (1,)}, 0), out_axes=1)(a, c)
    ref = [f({"u": [a["u"][0][:, i], a["u"][1]], "v": (a["v"][0][:, i],)}, c[i]) for i in range(5)]
    assert_same(got, np.stack(ref, axis=1))


def test_in_axes_list_is_read_as_tuple():
    rng = _rng(12)
    x, y = rng.standard_normal((4, 3)), rng.standard_normal(3)
    got = vmap(lambda a, b: a * b, in_axes=[1, None])(x.T, y)
    assert_same(got, x * y)
    # a list inside: a prefix of a list argument
    got = vmap(lambda ab: ab[0] @ ab[1], in_axes=([0, None],))([x, y])
    assert_same(got, x @ y)


def test_in_axes_int_applies_to_every_leaf():
    rng = _rng(13)
    tree = {"a": rng.standard_normal((3, 4)), "b": [rng.standard_normal((2, 4))]}
    got = vmap(lambda t: fnp.sum(t["a"]) * t["b"][0], in_axes=1)(tree)
    ref = [np.sum(tree["a"][:, i]) * tree["b"][0][:, i] for i in range(4)]
    assert_same(got, np.stack(ref))


def test_namedtuple_and_none_arguments():
    from collections import namedtuple

    P = namedtuple("P", ["a", "b"])
    rng = _rng(14)
    p = P(rng.standard_normal((4, 2)), rng.standard_normal(2))
    got = vmap(lambda p, nothing: p.a * p.b, in_axes=(P(0, None), None))(p, None)
    assert_same(got, p.a * p.b)
    out = vmap(lambda x: P(x, x.sum()))(p.a)
    assert type(out) is P
    assert_same(out.b, p.a.sum(axis=1))


def test_out_axes_pytree_prefix():
    rng = _rng(15)
    xs = rng.standard_normal((4, 3))
    f = lambda x: {"a": x * 2.0, "b": (fnp.outer(x, x), fnp.sum(x))}
    got = vmap(f, out_axes={"a": 1, "b": -1})(xs)
    per = [f(xs[i]) for i in range(4)]
    assert_same(got["a"], np.stack([p["a"] for p in per], axis=1))
    assert_same(got["b"][0], np.stack([p["b"][0] for p in per], axis=-1))
    assert_same(got["b"][1], np.stack([p["b"][1] for p in per], axis=-1))
    got = vmap(f, out_axes={"a": 0, "b": (2, 0)})(xs)
    assert_same(got["b"][0], np.stack([p["b"][0] for p in per], axis=2))
    got = vmap(lambda x: [x, x[0]], out_axes=[1, 0])(xs)
    assert isinstance(got, list)
    assert_same(got[0], xs.T)
    assert_same(got[1], xs[:, 0])


def test_kwargs_are_mapped_over_axis_0():
    rng = _rng(16)
    xs, ys, zs = rng.standard_normal((4, 3)), rng.standard_normal((4, 3)), rng.standard_normal((3, 4))
    f = lambda x, y=None, scale=1.0: (x - y) * scale
    assert_same(vmap(f)(xs, y=ys), xs - ys)
    # in_axes speaks for the positional arguments only
    assert_same(vmap(f, in_axes=(1,))(zs, y=ys), zs.T - ys)
    got = vmap(f, in_axes=(None,))(xs[0], y=ys, scale=np.arange(4.0))
    assert_same(got, (xs[0] - ys) * np.arange(4.0)[:, None])
    with pytest.raises(ValueError):
        vmap(f)(xs, y=ys, scale=2.0)  # a keyword argument is mapped: it needs an axis 0


@pytest.mark.parametrize("out_axes", [0, 1, -1])
def test_unmapped_outputs_are_broadcast(out_axes):
    rng = _rng(17)
    xs, c = rng.standard_normal((4, 3)), rng.standard_normal(2)
    f = lambda x, c: (x * 2.0, c * 3.0, np.ones(2, np.float32), 1.0, 2, True)
    scalar_axis = 0 if out_axes == 1 else out_axes  # axis 1 is out of range for scalars per example
    axes = (out_axes,) * 3 + (scalar_axis,) * 3
    got = vmap(f, in_axes=(0, None), out_axes=axes)(xs, c)
    per = [f(xs[i], c) for i in range(4)]
    for k in range(6):
        assert_same(got[k], np.stack([np.asarray(p[k]) for p in per], axis=axes[k]))


def test_out_axes_none_for_unmapped_outputs():
    rng = _rng(18)
    xs, c = rng.standard_normal((4, 3)), rng.standard_normal(2)
    got = vmap(lambda x, c: (x.sum(), fnp.sin(c)), in_axes=(0, None), out_axes=(0, None))(xs, c)
    assert_same(got[0], xs.sum(axis=1))
    assert_same(got[1], np.sin(c))
    got = vmap(lambda x, c: {"m": x, "u": c * 2}, in_axes=(0, None), out_axes={"m": 1, "u": None})(xs, c)
    assert_same(got["u"], c * 2)
    assert_same(got["m"], xs.T)


def test_axis_size_without_mapped_inputs():
    c = np.arange(3.0)
    assert_same(vmap(lambda c: fnp.sin(c), in_axes=None, axis_size=4)(c), np.tile(np.sin(c), (4, 1)))
    assert_same(vmap(lambda c: c * 2, in_axes=(None,), axis_size=2, out_axes=1)(c), np.stack([c * 2] * 2, axis=1))
    assert_same(vmap(lambda: np.float32(1.5), axis_size=3)(), np.full(3, 1.5, np.float32))
    assert_same(vmap(lambda c: c, in_axes=None, axis_size=0)(c), np.zeros((0, 3)))


def test_axis_size_with_mapped_inputs():
    xs = np.arange(12.0).reshape(4, 3)
    assert_same(vmap(lambda x: x + 1, axis_size=4)(xs), xs + 1)
    with pytest.raises(ValueError, match="axis_size=5"):
        vmap(lambda x: x, axis_size=5)(xs)
    with pytest.raises(ValueError):
        vmap(lambda x: x, axis_size=-1)
    with pytest.raises(ValueError):
        vmap(lambda x: x, axis_size=2.0)


@pytest.mark.parametrize("out_axes", [0, -1])
def test_zero_sized_batch(out_axes):
    rng = _rng(19)
    w = rng.standard_normal((2, 3))
    f = lambda x, y: (fnp.tanh(w @ x) * y[::-1][:2], fnp.sum(x) > 0)
    got = vmap(f, in_axes=(0, 1), out_axes=out_axes)(np.zeros((0, 3)), np.zeros((3, 0), np.float32))
    assert got[0].shape == ((0, 2) if out_axes == 0 else (2, 0)) and got[0].dtype == np.float64
    assert got[1].shape == (0,) and got[1].dtype == bool


def test_passthrough_outputs():
    rng = _rng(20)
    xs = rng.standard_normal((3, 4))
    assert_same(vmap(lambda x: x, in_axes=1, out_axes=1)(xs), xs)
    assert_same(vmap(lambda x: x, in_axes=1, out_axes=0)(xs), xs.T)
    y = rng.standard_normal(2)
    assert_same(vmap(lambda x, y: y, in_axes=(0, None))(xs, y), np.stack([y] * 3))


# --------------------------------------------------------------------------- nesting


def test_vmap_of_vmap_different_axes():
    rng = _rng(30)
    X, Y = rng.standard_normal((3, 4, 5)), rng.standard_normal((5, 2, 3))
    f = lambda a, b: fnp.sum(a**2) * b + a[0]
    inner = vmap(f, in_axes=(0, 1), out_axes=-1)  # a: X[:, :, k] rows; b: Y[k] columns
    got = vmap(inner, in_axes=(2, 0), out_axes=1)(X, Y)
    ref = np.stack(
        [np.stack([f(X[:, :, k][i], Y[k][:, i]) for i in range(3)], axis=-1) for k in range(5)],
        axis=1,
    )
    assert_same(got, ref)


def test_vmap_of_vmap_with_closure_over_outer_batch():
    rng = _rng(31)
    A_, Bm = rng.standard_normal((6, 5)), rng.standard_normal((4, 5))
    got = vmap(lambda a: vmap(lambda b: a * b + fnp.sum(a))(Bm))(A_)
    assert_same(got, np.stack([np.stack([A_[k] * Bm[i] + A_[k].sum() for i in range(4)]) for k in range(6)]))
    # the outer batched value enters the inner vmap as an unmapped argument
    got = vmap(lambda a: vmap(lambda b, c: fnp.dot(b, c), in_axes=(0, None))(Bm, a))(A_)
    assert_same(got, A_ @ Bm.T)
    # the inner function returns the outer batched value untouched: broadcast over the inner batch
    got = vmap(lambda a: vmap(lambda b: a, out_axes=1)(Bm))(A_)
    assert_same(got, np.stack([np.stack([a] * 4, axis=1) for a in A_]))
    # three levels, each mapping a different axis
    T3 = rng.standard_normal((2, 3, 4))
    got = vmap(vmap(vmap(lambda t: t * 2.0 + 1.0, in_axes=0), in_axes=1), in_axes=2)(T3)
    assert_same(got, np.transpose(T3 * 2.0 + 1.0, (2, 1, 0)))


def _loss(p, x, y):
    h = fnp.tanh(p["w"] @ x + p["b"])
    return (fnp.sum(h * p["v"]) - y) ** 2


def _params(seed=32):
    rng = _rng(seed)
    return {"w": rng.standard_normal((3, 4)), "b": rng.standard_normal(3), "v": rng.standard_normal(3)}


def test_per_example_gradients():
    rng = _rng(33)
    p, xs, ys = _params(), rng.standard_normal((5, 4)), rng.standard_normal(5)
    got = vmap(grad(_loss), in_axes=(None, 0, 0))(p, xs, ys)
    assert_tree_same(got, tree_stack([grad(_loss)(p, xs[i], ys[i]) for i in range(5)]))
    got = vmap(grad(_loss), in_axes=(None, 1, 0), out_axes={"w": -1, "b": 1, "v": 0})(p, xs.T, ys)
    per = [grad(_loss)(p, xs[i], ys[i]) for i in range(5)]
    assert_same(got["w"], np.stack([q["w"] for q in per], axis=-1))
    assert_same(got["b"], np.stack([q["b"] for q in per], axis=1))
    # value_and_grad, argnums tuple, has_aux
    vg = functrans.value_and_grad(lambda p, x, y: (_loss(p, x, y), x.sum()), argnums=(0, 1), has_aux=True)
    (val, aux), (gp, gx) = vmap(vg, in_axes=(None, 0, 0))(p, xs, ys)
    assert_same(val, np.stack([_loss(p, xs[i], ys[i]) for i in range(5)]))
    assert_same(aux, xs.sum(axis=1))
    assert_same(gx, np.stack([grad(_loss, argnums=1)(p, xs[i], ys[i]) for i in range(5)]))
    assert_tree_same(gp, tree_stack(per))


def test_grad_of_vmap_sum_is_sum_of_per_example_grads():
    rng = _rng(34)
    p, xs, ys = _params(), rng.standard_normal((5, 4)), rng.standard_normal(5)
    got = grad(lambda p: fnp.sum(vmap(_loss, in_axes=(None, 0, 0))(p, xs, ys)))(p)
    ref = tree_map(lambda *g: np.sum(g, axis=0), *[grad(_loss)(p, xs[i], ys[i]) for i in range(5)])
    for k in p:
        np.testing.assert_allclose(got[k], ref[k], rtol=1e-12, atol=1e-12)
    # with respect to the batch itself
    gx = grad(lambda xs: fnp.sum(vmap(_loss, in_axes=(None, 0, 0))(p, xs, ys)))(xs)
    assert_same(gx, np.stack([grad(_loss, argnums=1)(p, xs[i], ys[i]) for i in range(5)]))


def test_vmap_inside_grad_inside_vmap():
    rng = _rng(35)
    W, X = rng.standard_normal((4, 3)), rng.standard_normal((4, 3, 5))

    def inner(w, xs):  # a batch of examples along axis 1
        return fnp.sum(vmap(lambda x: fnp.tanh(w @ x) ** 2, in_axes=1)(xs))

    ref = np.stack([grad(inner)(W[k], X[k]) for k in range(4)])
    assert_same(vmap(grad(inner))(W, X), ref)
    assert_same(vmap(grad(inner), in_axes=(None, 0))(W[0], X), np.stack([grad(inner)(W[0], X[k]) for k in range(4)]))
    # the inner vmap closes over the grad variable only (no mapped argument of its own but the batch)
    g = vmap(grad(lambda w, xs: fnp.sum(vmap(lambda x: w * x)(xs) ** 2)), in_axes=(0, None))
    assert_same(g(W[:, 0], X[0].T), np.stack([2 * W[k, 0] * np.sum(X[0] ** 2) for k in range(4)]))


def test_vmap_with_closed_over_arrays_and_outer_tracers():
    rng = _rng(36)
    M, xs, w0 = rng.standard_normal((3, 4)), rng.standard_normal((5, 4)), rng.standard_normal(3)
    assert_same(vmap(lambda x: M @ x)(xs), xs @ M.T)
    # closed over a value traced by grad (unbatched for vmap)
    got = grad(lambda w: fnp.sum(vmap(lambda x: fnp.tanh(w @ (M @ x)))(xs)))(w0)
    ref = sum(grad(lambda w, x: fnp.tanh(w @ (M @ x)))(w0, x) for x in xs)
    np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-12)
    # an output that only depends on the closed-over traced value is broadcast under grad
    got = grad(lambda w: fnp.sum(vmap(lambda x: w * 2.0)(xs)))(w0)
    assert_same(got, np.full(3, 10.0))
    # vmap over the closure inside grad over the argument
    got = vmap(lambda x: grad(lambda w: fnp.sum(fnp.sin(w * x[:3])))(w0))(xs)
    assert_same(got, np.stack([np.cos(w0 * xs[i, :3]) * xs[i, :3] for i in range(5)]))


def test_vmap_of_jvp_and_vjp():
    rng = _rng(37)
    xs, ts = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    f = lambda v: fnp.sin(v) * v[::-1] + fnp.sum(v**2)
    got_p, got_t = vmap(lambda x, t: jvp(f, (x,), (t,)))(xs, ts)
    per = [jvp(f, (xs[i],), (ts[i],)) for i in range(4)]
    assert_same(got_p, np.stack([p[0] for p in per]))
    assert_same(got_t, np.stack([p[1] for p in per]))
    # tangents only: the primal is unbatched, so it comes back broadcast
    got_p, got_t = vmap(lambda t: jvp(f, (xs[0],), (t,)), in_axes=1)(ts.T)
    assert_same(got_p, np.stack([f(xs[0])] * 4))
    assert_same(got_t, np.stack([jvp(f, (xs[0],), (ts[i],))[1] for i in range(4)]))
    # vjp: primals and cotangents batched, then cotangents only
    got = vmap(lambda x, c: vjp(f, x)[1](c)[0])(xs, ts)
    assert_same(got, np.stack([vjp(f, xs[i])[1](ts[i])[0] for i in range(4)]))
    _, pullback = vjp(f, xs[0])
    assert_same(
        vmap(lambda c: pullback(c)[0], in_axes=-1, out_axes=-1)(ts.T), np.stack([pullback(c)[0] for c in ts], -1)
    )
    # linearize and linear_transpose under vmap
    got = vmap(lambda x, t: functrans.linearize(f, x)[1](t))(xs, ts)
    assert_same(got, np.stack([p[1] for p in per]))
    _, f_jvp = functrans.linearize(f, xs[0])
    assert_same(vmap(f_jvp, in_axes=1, out_axes=1)(ts.T), np.stack([f_jvp(t) for t in ts], axis=1))
    lt = functrans.linear_transpose(lambda v: v[::-1] * 2.0 + fnp.sum(v), xs[0])
    assert_same(vmap(lambda c: lt(c)[0])(ts), np.stack([lt(ts[i])[0] for i in range(4)]))


def test_jvp_and_vjp_of_vmap():
    rng = _rng(38)
    xs, ts = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    f = lambda v: fnp.tanh(v) * fnp.sum(v)
    out, tan = jvp(vmap(f, in_axes=1, out_axes=1), (xs.T,), (ts.T,))
    assert_same(out, np.stack([f(x) for x in xs], axis=1))
    assert_same(tan, np.stack([jvp(f, (xs[i],), (ts[i],))[1] for i in range(4)], axis=1))
    (ct,) = vjp(vmap(f), xs)[1](ts)
    assert_same(ct, np.stack([vjp(f, xs[i])[1](ts[i])[0] for i in range(4)]))


SMOOTH = lambda v: fnp.sin(v) * v[0] + fnp.sum(v**2) * fnp.tanh(v[::-1])
SCALAR = lambda v: fnp.sum(fnp.sin(v) * v**2) + fnp.prod(v)


@pytest.mark.parametrize(
    "name,make",
    [
        ("jacfwd", lambda: jacfwd(SMOOTH)),
        ("jacrev", lambda: jacrev(SMOOTH)),
        ("jacfwd_chunk2", lambda: jacfwd(SMOOTH, chunk_size=2)),
        ("jacrev_chunk1", lambda: jacrev(SMOOTH, chunk_size=1)),
        ("jacobian_auto", lambda: jacobian(SMOOTH)),
        ("jacobian_auto_scalar_out", lambda: jacobian(SCALAR)),
        ("hessian", lambda: hessian(SCALAR)),
        ("grad", lambda: grad(SCALAR)),
    ],
)
@pytest.mark.parametrize("in_axes,out_axes", [(0, 0), (1, -1)])
def test_vmap_of_jacobians(name, make, in_axes, out_axes):
    xs = _rng(39).standard_normal((4, 3))
    fn = make()
    got = vmap(fn, in_axes=in_axes, out_axes=out_axes)(xs if in_axes == 0 else xs.T)
    assert_same(got, np.stack([fn(x) for x in xs], axis=out_axes))


def test_vmap_of_hvp():
    rng = _rng(40)
    xs, vs = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    got = vmap(lambda x, v: functrans.hvp(SCALAR, (x,), (v,))[0])(xs, vs)
    assert_same(got, np.stack([functrans.hvp(SCALAR, (xs[i],), (vs[i],))[0] for i in range(4)]))
    # hvp at one point along a batch of directions
    got = vmap(lambda v: functrans.hvp(SCALAR, (xs[0],), (v,))[0])(vs)
    np.testing.assert_allclose(got, vs @ hessian(SCALAR)(xs[0]).T, rtol=1e-12, atol=1e-12)


def test_jacobians_of_vmap():
    xs = _rng(41).standard_normal((4, 3))
    per = np.stack([jacfwd(SMOOTH)(x) for x in xs])  # (4, 3, 3)
    ref = np.einsum("iab,ij->iajb", per, np.eye(4))  # d out[i, a] / d x[j, b]
    for jac in (jacfwd, jacrev, lambda f: jacobian(f, mode="auto"), lambda f: jacfwd(f, chunk_size=5)):
        np.testing.assert_allclose(jac(vmap(SMOOTH))(xs), ref, rtol=1e-12, atol=1e-12)
    got = jacrev(vmap(SMOOTH, in_axes=1, out_axes=1))(xs.T)
    np.testing.assert_allclose(got, np.einsum("iab,ij->aibj", per, np.eye(4)), rtol=1e-12, atol=1e-12)
    # hessian of a sum over a vmapped batch is block diagonal
    h = hessian(lambda xs: fnp.sum(vmap(SCALAR)(xs)))(xs)
    hb = np.stack([hessian(SCALAR)(x) for x in xs])
    np.testing.assert_allclose(h, np.einsum("iab,ij->iajb", hb, np.eye(4)), rtol=1e-12, atol=1e-12)


def test_make_ir_of_vmap_typechecks_and_evaluates():
    from functrans._src.core import eval_ir

    rng = _rng(42)
    p, xs, ys = _params(), rng.standard_normal((5, 4)), rng.standard_normal(5)
    cases = [
        (vmap(_loss, in_axes=(None, 0, 0)), (p, xs, ys)),
        (vmap(grad(_loss), in_axes=(None, 0, 0)), (p, xs, ys)),
        (vmap(jacfwd(SMOOTH), in_axes=1), (xs.T,)),
        (vmap(vmap(lambda a, b: a @ b, in_axes=(0, None)), in_axes=(None, 1)), (xs, xs.T)),
        (vmap(lambda x: x[::-1, None] * fnp.mean(x), out_axes=-1), (xs,)),
    ]
    for fn, args in cases:
        ir = functrans.make_ir(fn)(*args)
        functrans.typecheck_ir(ir)
        outs = eval_ir(ir, ir.consts, tree_flatten(args)[0])
        for o, r in zip(outs, tree_flatten(fn(*args))[0]):
            np.testing.assert_allclose(o, r, rtol=1e-12, atol=1e-12)


# --------------------------------------------------------------------------- Jacobians


def numerical_jacobian(f, args, argnums, eps=1e-6):
    """Central differences: ``J[out leaf][arg][in leaf]`` as nested lists of out.shape + in.shape arrays."""
    out_leaves = [np.asarray(o) for o in tree_flatten(f(*args))[0]]
    blocks = [[] for _ in out_leaves]
    for k in argnums:
        leaves, tree = tree_flatten(args[k])
        per_leaf = [[] for _ in out_leaves]
        for li, leaf in enumerate(leaves):
            leaf = np.asarray(leaf, np.float64)
            cols = [np.zeros(o.shape + leaf.shape) for o in out_leaves]
            for idx in np.ndindex(*leaf.shape):
                outs = []
                for sgn in (1, -1):
                    moved = leaf.copy()
                    moved[idx] += sgn * eps
                    new_leaves = list(leaves)
                    new_leaves[li] = moved
                    new_args = list(args)
                    new_args[k] = functrans.tree_util.tree_unflatten(tree, new_leaves)
                    outs.append([np.asarray(o, np.float64) for o in tree_flatten(f(*new_args))[0]])
                for j in range(len(out_leaves)):
                    cols[j][(...,) + idx] = (outs[0][j] - outs[1][j]) / (2 * eps)
            for j in range(len(out_leaves)):
                per_leaf[j].append(cols[j])
        for j in range(len(out_leaves)):
            blocks[j].append(per_leaf[j])
    return blocks


def _jac_fn(p, x):
    h = fnp.tanh(MJ @ x * p["a"] + p["b"])
    return {"h": h, "s": fnp.sum(h**2) * p["a"], "t": (x[::-1] * p["a"], fnp.prod(x[:2]))}, fnp.max(h)


MJ = _rng(50).standard_normal((3, 4))
JP = {"a": np.array(0.7), "b": _rng(51).standard_normal(3)}
JX = _rng(52).standard_normal(4)
JAC_MODES = [
    ("jacfwd", lambda f, **kw: jacfwd(f, **kw)),
    ("jacrev", lambda f, **kw: jacrev(f, **kw)),
    ("fwd", lambda f, **kw: jacobian(f, mode="fwd", **kw)),
    ("rev", lambda f, **kw: jacobian(f, mode="rev", **kw)),
    ("auto", lambda f, **kw: jacobian(f, mode="auto", **kw)),
]


def _reorganise(J, out_tree, argnums):
    """J[out structure][arg][in leaf] -> nested lists [out leaf][arg][in leaf], as numerical_jacobian."""
    per_out = out_tree.flatten_up_to(J)
    for blocks in per_out:
        assert isinstance(blocks, tuple) and len(blocks) == len(argnums)
    return [[tree_flatten(blocks[i])[0] for i in range(len(argnums))] for blocks in per_out]


_NUMERICAL = {}


def _numerical_jac_fn():
    if not _NUMERICAL:
        _NUMERICAL["J"] = numerical_jacobian(lambda p, x: _jac_fn(p, x)[0], (JP, JX), (0, 1))
    return _NUMERICAL["J"]


@pytest.mark.parametrize("chunk_size", [None, 1, 2, 3, 100])
@pytest.mark.parametrize("mode", [m[0] for m in JAC_MODES])
def test_jacobians_of_pytrees_match_finite_differences(mode, chunk_size):
    make = dict(JAC_MODES)[mode]
    J, aux = make(_jac_fn, argnums=(0, 1), has_aux=True, chunk_size=chunk_size)(JP, JX)
    np.testing.assert_allclose(aux, _jac_fn(JP, JX)[1], rtol=1e-15)
    out_tree = tree_flatten(_jac_fn(JP, JX)[0])[1]
    assert set(J) == {"h", "s", "t"} and isinstance(J["t"], tuple) and len(J["t"]) == 2
    assert set(J["h"][0]) == {"a", "b"} and J["h"][0]["b"].shape == (3, 3) and J["h"][1].shape == (3, 4)
    assert J["s"][0]["a"].shape == () and J["t"][1][1].shape == (4,)
    got = _reorganise(J, out_tree, (0, 1))
    ref = _numerical_jac_fn()
    for g_out, r_out in zip(got, ref):
        for g_arg, r_arg in zip(g_out, r_out):
            for g, r in zip(g_arg, r_arg):
                assert g.shape == r.shape and g.dtype == np.float64
                np.testing.assert_allclose(g, r, rtol=1e-6, atol=1e-7)


def test_jacobian_modes_and_chunk_sizes_agree_tightly():
    results = {}
    for mode, make in JAC_MODES:
        for cs in (None, 1, 2, 3, 100):
            results[mode, cs] = tree_flatten(make(_jac_fn, argnums=(0, 1), has_aux=True, chunk_size=cs)(JP, JX)[0])[0]
    base = results["jacfwd", None]
    for key, leaves in results.items():
        for a, b in zip(leaves, base):
            np.testing.assert_allclose(a, b, rtol=1e-13, atol=1e-15, err_msg=str(key))
        # the same mode gives the same numbers whatever the chunking
        for a, b in zip(leaves, results[key[0], None]):
            np.testing.assert_allclose(a, b, rtol=1e-14, atol=1e-16, err_msg=str(key))


def test_jacobian_argnums_int_and_single_output():
    f = lambda x, y: fnp.sin(x) * y[0] + y[1:]
    x, y = _rng(53).standard_normal(3), _rng(54).standard_normal(4)
    for _, make in JAC_MODES:
        jx = make(f)(x, y)
        assert isinstance(jx, np.ndarray) and jx.shape == (3, 3)
        np.testing.assert_allclose(jx, np.diag(np.cos(x) * y[0]), rtol=1e-14, atol=1e-15)
        jxy = make(f, argnums=(0, 1))(x, y)
        assert isinstance(jxy, tuple) and jxy[1].shape == (3, 4)
        jy = make(f, argnums=-1)(x, y)
        np.testing.assert_allclose(jy, jxy[1], rtol=1e-14)


@pytest.mark.parametrize("chunk_size", [None, 1, 2, 7])
@pytest.mark.parametrize("mode", [m[0] for m in JAC_MODES])
def test_jacobian_float32(mode, chunk_size):
    make = dict(JAC_MODES)[mode]
    x = _rng(55).standard_normal((2, 3)).astype(np.float32)
    f = lambda x: {"a": fnp.tanh(x) * 2.0, "b": fnp.sum(x**2, axis=0)}
    J = make(f, chunk_size=chunk_size)(x)
    assert J["a"].dtype == np.float32 and J["a"].shape == (2, 3, 2, 3)
    assert J["b"].dtype == np.float32 and J["b"].shape == (3, 2, 3)
    ref = make(f, chunk_size=chunk_size)(x.astype(np.float64))
    np.testing.assert_allclose(J["a"], ref["a"], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(J["b"], ref["b"], rtol=1e-5, atol=1e-6)
    assert hessian(lambda x: fnp.sum(f(x)["b"] ** 2))(x).dtype == np.float32


@pytest.mark.parametrize("mode", [m[0] for m in JAC_MODES])
def test_jacobian_scalar_inputs_and_outputs(mode):
    make = dict(JAC_MODES)[mode]
    d = make(lambda s: fnp.sin(s) * s)(0.7)
    assert np.shape(d) == () and np.asarray(d).dtype == np.float64
    np.testing.assert_allclose(d, np.cos(0.7) * 0.7 + np.sin(0.7), rtol=1e-14)
    j = make(lambda s: fnp.stack([s, s**2, fnp.exp(s)]))(np.float32(0.5))
    assert j.shape == (3,) and j.dtype == np.float32
    np.testing.assert_allclose(j, [1.0, 1.0, np.exp(0.5)], rtol=1e-6)
    g = make(lambda v: fnp.sum(v**3))(np.arange(1.0, 4.0))
    np.testing.assert_allclose(g, 3 * np.arange(1.0, 4.0) ** 2, rtol=1e-14)
    (ds, dv) = make(lambda s, v: s * fnp.sum(v), argnums=(0, 1))(2.0, np.ones(3))
    assert np.shape(ds) == () and dv.shape == (3,)


ZERO_SIZE = [
    ("sin_empty", lambda v: fnp.sin(v), np.zeros((0,)), (0, 0)),
    ("stats_of_empty", lambda v: fnp.stack([fnp.sum(v), 1.0 + fnp.sum(v)]), np.zeros((0,)), (2, 0)),
    ("empty_output", lambda v: v[:0] * 2.0, np.ones(3), (0, 3)),
]
ZERO_SIZE_PARAMS = [(c, m[0], cs) for c in ZERO_SIZE for m in JAC_MODES for cs in (None, 2)]


def _check_zero_size(case, mode, chunk_size):
    _, fn, x, shape = case
    J = dict(JAC_MODES)[mode](fn, chunk_size=chunk_size)(x)
    assert J.shape == shape and J.dtype == np.float64
    np.testing.assert_array_equal(J, 0.0)


@pytest.mark.parametrize(
    "case,mode,chunk_size",
    ZERO_SIZE_PARAMS,
    ids=lambda v: v[0] if isinstance(v, tuple) else str(v),
)
def test_jacobian_zero_size(case, mode, chunk_size):
    _check_zero_size(case, mode, chunk_size)


CONST_OUT = [
    ("ones5", lambda v: np.ones(5), np.float64),
    ("python_float", lambda v: 1.0, np.float64),
    ("tuple_const_and_traced", lambda v: (np.ones(4), v[0] * 2.0), np.float64),
    ("f32_const", lambda v: np.full(4, 2.0, np.float32), np.float32),
]
CONST_OUT_PARAMS = [(c, m[0], cs) for c in CONST_OUT for m in JAC_MODES for cs in (None, 1, 2)]


def _check_const_out(case, mode, chunk_size):
    _, fn, dtype = case
    x = np.arange(3.0, dtype=dtype)
    J = dict(JAC_MODES)[mode](fn, chunk_size=chunk_size)(x)
    leaves = tree_flatten(J)[0]
    for o, j in zip(tree_flatten(fn(x))[0], leaves):
        assert j.shape == np.shape(o) + (3,) and j.dtype == dtype
    np.testing.assert_array_equal(leaves[0], 0.0)
    if len(leaves) > 1:
        np.testing.assert_array_equal(leaves[1], [2.0, 0.0, 0.0])


@pytest.mark.parametrize(
    "case,mode,chunk_size",
    CONST_OUT_PARAMS,
    ids=lambda v: v[0] if isinstance(v, tuple) else str(v),
)
def test_jacobian_of_outputs_independent_of_input(case, mode, chunk_size):
    _check_const_out(case, mode, chunk_size)


def test_jacobian_argument_errors():
    x = np.ones(3)
    with pytest.raises(ValueError):
        jacobian(fnp.sin, mode="sideways")
    for bad in (0, -1, 1.5):
        with pytest.raises(ValueError):
            jacfwd(fnp.sin, chunk_size=bad)
        with pytest.raises(ValueError):
            jacrev(fnp.sin, chunk_size=bad)
    with pytest.raises(TypeError):
        jacfwd(fnp.sin)(np.arange(3))  # integer input
    with pytest.raises(TypeError):
        jacrev(lambda v: (v > 0).astype(np.int64))(x)  # integer output


def test_hvp_equals_hessian_times_vector():
    rng = _rng(56)
    x, v = rng.standard_normal(4), rng.standard_normal(4)
    (hv,) = functrans.hvp(SCALAR, (x,), (v,))
    np.testing.assert_allclose(hv, hessian(SCALAR)(x) @ v, rtol=1e-12, atol=1e-12)
    # two arguments: the blocks of the joint Hessian
    f = lambda a, b: fnp.sum(fnp.sin(a) * b**2) + fnp.sum(a) ** 2 * fnp.prod(b[:2])
    a, b, va, vb = (rng.standard_normal(3) for _ in range(4))
    ha, hb = functrans.hvp(f, (a, b), (va, vb))
    H = hessian(f, argnums=(0, 1))(a, b)
    np.testing.assert_allclose(ha, H[0][0] @ va + H[0][1] @ vb, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(hb, H[1][0] @ va + H[1][1] @ vb, rtol=1e-12, atol=1e-12)
    # float32 stays float32; pytree primals keep their structure
    (h32,) = functrans.hvp(SCALAR, (x.astype(np.float32),), (v.astype(np.float32),))
    assert h32.dtype == np.float32
    (hd,) = functrans.hvp(lambda p: fnp.sum(p["u"] ** 3), ({"u": x},), ({"u": v},))
    np.testing.assert_allclose(hd["u"], 6 * x * v, rtol=1e-14)


# --------------------------------------------------------------------------- errors (JAX's exception types)

XS = np.arange(12.0).reshape(4, 3)


def _still_works():
    """The library is usable after an error: vmap, grad and their nesting."""
    assert_same(vmap(lambda x: x * 2.0)(XS), XS * 2.0)
    assert_same(vmap(grad(lambda x: fnp.sum(x**2)))(XS), 2 * XS)
    assert_same(vmap(vmap(lambda a, b: a * b), in_axes=(0, None))(XS, XS[0]), XS * XS[0])


def test_mismatched_sizes_error_names_sizes_and_arguments():
    def f(weights, inputs):
        return weights * inputs

    with pytest.raises(ValueError, match="inconsistent sizes") as e:
        vmap(f)(np.ones((4, 3)), np.ones((5, 3)))
    msg = str(e.value)
    assert "size 4" in msg and "size 5" in msg and "weights" in msg and "inputs" in msg
    with pytest.raises(ValueError) as e:
        vmap(f, in_axes=(1, 0))(np.ones((4, 3)), np.ones((4, 3)))
    assert "size 3" in str(e.value) and "size 4" in str(e.value)
    with pytest.raises(ValueError) as e:
        vmap(lambda x, **kw: x)(np.ones(4), b=np.ones(4), a=np.ones(6))
    assert "'a'" in str(e.value) and "size 6" in str(e.value)
    _still_works()


@pytest.mark.parametrize("in_axes", [2, -3, (5,), ({"w": 2},)])
def test_in_axes_out_of_range(in_axes):
    arg = {"w": XS} if isinstance(in_axes, tuple) and isinstance(in_axes[0], dict) else XS
    with pytest.raises(ValueError, match="axis"):
        vmap(lambda a: a, in_axes=in_axes)(arg)
    _still_works()


def test_mapping_a_scalar_is_an_error():
    with pytest.raises(ValueError):
        vmap(lambda a: a)(1.0)
    with pytest.raises(ValueError):
        vmap(lambda a: a)(np.float64(1.0))


@pytest.mark.parametrize("in_axes", [(0, 0), (0,), ()])
def test_in_axes_tuple_of_wrong_length(in_axes):
    n = 2 if len(in_axes) != 2 else 1
    with pytest.raises(ValueError):
        vmap(lambda *a: a[0], in_axes=in_axes)(*[XS] * n)
    _still_works()


def test_in_axes_not_a_tree_prefix():
    with pytest.raises(ValueError, match="prefix"):
        vmap(lambda p: p["w"], in_axes=({"v": 0},))({"w": XS})
    with pytest.raises(ValueError, match="prefix"):
        vmap(lambda p: p[0], in_axes=([0, 0, 0],))([XS, XS])


@pytest.mark.parametrize("in_axes", [1.5, "a", (1.5,), ({"w": "a"},), [None, 0.0], np.float64(0)])
def test_in_axes_non_int_leaf_is_a_type_error(in_axes):
    with pytest.raises(TypeError):
        vmap(lambda *a: a[0], in_axes=in_axes)(XS, XS)
    _still_works()


@pytest.mark.parametrize("out_axes", [1.5, "a", {"x": 0.5}])
def test_out_axes_non_int_leaf_is_a_type_error(out_axes):
    with pytest.raises(TypeError):
        vmap(lambda a: a, out_axes=out_axes)(XS)


def test_out_axes_out_of_range_or_not_a_prefix():
    with pytest.raises(ValueError):
        vmap(lambda a: a, out_axes=2)(XS)
    with pytest.raises(ValueError):
        vmap(lambda a: a, out_axes=-3)(XS)
    with pytest.raises(ValueError):
        vmap(lambda a: (a, a), out_axes=(0, 0, 0))(XS)
    _still_works()


@pytest.mark.parametrize("in_axes", [None, (None,), ({"w": None},)])
def test_no_mapped_input_and_no_axis_size(in_axes):
    arg = {"w": XS} if isinstance(in_axes, tuple) and isinstance(in_axes[0], dict) else XS
    with pytest.raises(ValueError, match="axis_size"):
        vmap(lambda a: a, in_axes=in_axes)(arg)
    with pytest.raises(ValueError):
        vmap(lambda: 1.0)()


def test_out_axes_none_for_a_mapped_output():
    with pytest.raises(ValueError, match="out_axes"):
        vmap(lambda a: a * 2, out_axes=None)(XS)
    with pytest.raises(ValueError, match="out_axes"):
        vmap(lambda a: (a.sum(), 1.0), out_axes=(None, None))(XS)
    _still_works()


@pytest.mark.parametrize(
    "fn",
    [
        lambda x: x if x.sum() > 0 else -x,
        lambda x: x * 2 if x[0] else x,
        lambda x: fnp.sin(x) if bool(fnp.max(x) > 1) else x,
        lambda x: x * (2 if x[0] > 0 and x[1] > 0 else 3),
    ],
    ids=["if_sum", "if_elem", "bool_call", "and"],
)
def test_python_control_flow_on_a_batched_value(fn):
    with pytest.raises(functrans.ConcretizationTypeError) as e:
        vmap(fn)(XS - 5.0)
    assert isinstance(e.value, TypeError)
    assert "where" in str(e.value)
    _still_works()


@pytest.mark.parametrize("conv", [float, int, bool, complex, lambda v: range(v), lambda v: [0, 1][v]])
def test_concrete_conversions_of_a_batched_value(conv):
    with pytest.raises(TypeError):
        vmap(lambda x: conv(x[0]) * x)(XS.astype(np.int64))
    with pytest.raises(functrans.ConcretizationTypeError):
        vmap(lambda x: float(fnp.sum(x)))(XS)
    _still_works()


def test_control_flow_on_unmapped_values_is_fine():
    f = lambda x, n: x * 2 if n > 0 else -x
    assert_same(vmap(f, in_axes=(0, None))(XS, 1.0), XS * 2)
    # shapes are static: Python control flow on them is allowed
    assert_same(vmap(lambda x: x[0] if x.shape[0] > 2 else x[1])(XS), XS[:, 0])
    assert_same(vmap(lambda x: x * len(x))(XS), XS * 3)


def test_numpy_conversion_of_a_batched_value_is_a_type_error():
    with pytest.raises(TypeError):
        vmap(lambda x: np.asarray(x) + 1)(XS)
    with pytest.raises(TypeError):
        vmap(lambda x: np.isnat(x))(XS)  # not supported yet: a TypeError, not a wrong answer
    _still_works()


def test_invalid_argument_and_output_types():
    with pytest.raises(TypeError):
        vmap(lambda x, s: x)(XS, "text")
    with pytest.raises(TypeError):
        vmap(lambda x: "text")(XS)
    _still_works()


def test_escaped_tracer_and_errors_inside_nested_transformations():
    leaked = []
    vmap(lambda x: leaked.append(x) or x)(XS)
    with pytest.raises(functrans.EscapedTracerError):
        leaked[0] + 1.0

    def boom(x):
        raise RuntimeError("inside")

    with pytest.raises(RuntimeError, match="inside"):
        grad(lambda w: fnp.sum(vmap(lambda x: boom(x) * w)(XS)))(1.0)
    with pytest.raises(functrans.ConcretizationTypeError):
        vmap(grad(lambda x: fnp.sum(x) if x[0] > 0 else 0.0))(XS)
    with pytest.raises(functrans.ConcretizationTypeError):
        vmap(lambda a: vmap(lambda b: b if b > a else a)(a))(XS)
    _still_works()


# --------------------------------------------------------------------------- one batched pass, no Python loop


def _n_eqns(fn, *args):
    ir = functrans.make_ir(fn)(*args)
    functrans.typecheck_ir(ir)
    return len(ir.eqns)


def _mlp(params, x):
    h = x
    for w, b in params:
        h = fnp.tanh(h @ w + b)
    return fnp.sum(h**2) / fnp.size(h)


MLP = [(_rng(60).standard_normal((4, 8)), np.zeros(8)), (_rng(61).standard_normal((8, 3)), np.ones(3))]


@pytest.mark.parametrize(
    "name,make_fn,make_args",
    [
        ("matmul_chain", lambda: vmap(lambda x: fnp.tanh(x @ MLP[0][0]) @ MLP[1][0]), lambda b: (np.ones((b, 4)),)),
        ("mlp", lambda: vmap(_mlp, in_axes=(None, 0)), lambda b: (MLP, np.ones((b, 4)))),
        ("per_example_grad", lambda: vmap(grad(_mlp), in_axes=(None, 0)), lambda b: (MLP, np.ones((b, 4)))),
        ("batched_inputs_to_matmul", lambda: vmap(lambda a, b: fnp.einsum("ij,jk->ik", a, b), in_axes=(0, 2)),
         lambda b: (np.ones((b, 2, 3)), np.ones((3, 4, b)))),
        ("nested", lambda: vmap(vmap(lambda a, b: a @ b, in_axes=(0, None))),
         lambda b: (np.ones((b, 3, 4)), np.ones((b, 4)))),
        ("vmap_of_jacfwd", lambda: vmap(jacfwd(lambda x: fnp.tanh(x @ MLP[0][0]))), lambda b: (np.ones((b, 4)),)),
        ("vmap_of_hessian", lambda: vmap(hessian(lambda x: fnp.sum(fnp.sin(x) ** 3))), lambda b: (np.ones((b, 4)),)),
        ("indexing_and_concat", lambda: vmap(lambda x: fnp.concatenate([x[::-1], x[1:3] * 2.0])),
         lambda b: (np.ones((b, 5)),)),
    ],
)  # fmt: skip
def test_equation_count_does_not_depend_on_batch_size(name, make_fn, make_args):
    fn = make_fn()
    counts = {b: _n_eqns(fn, *make_args(b)) for b in (1, 2, 7)}
    assert len(set(counts.values())) == 1, counts


@pytest.mark.parametrize("mode", ["jacfwd", "jacrev", "auto"])
def test_jacobian_is_one_batched_pass(mode):
    f = lambda x: fnp.tanh(fnp.outer(x, x) @ x) * fnp.sum(x)
    jac = {"jacfwd": jacfwd, "jacrev": jacrev, "auto": jacobian}[mode]
    counts = {n: _n_eqns(jac(f), np.ones(n)) for n in (2, 5, 11)}
    assert len(set(counts.values())) == 1, counts


def test_vmap_of_jvp_runs_the_primal_unbatched():
    ir = functrans.make_ir(lambda x, ts: vmap(lambda t: jvp(fnp.sin, (x,), (t,))[1])(ts))(np.ones(3), np.ones((6, 3)))
    for e in ir.eqns:
        if e.prim.name in ("sin", "cos"):
            assert e.outvars[0].aval.shape == (3,), str(ir)
    assert any(e.prim.name == "cos" for e in ir.eqns)
