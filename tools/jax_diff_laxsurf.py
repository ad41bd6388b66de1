"""Differential harness for the jax.lax names of branch laxsurf (construction, dynamic slicing,
gather/scatter with dimension numbers, bitwise, reduce, dot, special functions).

Not part of the test suite (jax is not a test dependency). Run from the repo root:

    python tools/jax_diff_laxsurf.py [--filter SUBSTR] [--no-exc] [--no-dtype]

Elementwise-style cases compare values, dtypes and ``grad(sum(f(x)))`` in the first argument
(tools/jax_diff.run_case); structural cases are functions of a namespace ``L`` compared as pytrees
(tools/jax_diff_lax.run_lcase), many of them transformed (grad/jit/vmap) inside.

Known, deliberate differences the run still reports:
- ``lax.nextafter``: functrans gives a zero derivative (the primitive of functrans.random);
  JAX raises NotImplementedError.
- ``lax.reduce`` with a general computation differentiates through a non-identity initial
  value; JAX raises NotImplementedError.
- The special-function primitives are those of ``functrans._src.lax.special_extra`` (written on
  branch scisurf, adopted here verbatim so the branches merge cleanly); ``functrans.lax`` checks
  JAX's dtype/shape contract in front of them (``special_lax.py``). Differences: ``zeta`` and
  ``igamma_grad_a`` are differentiable (in x, q; in x) where JAX raises NotImplementedError,
  and ``zeta(x, q)`` at a pole ``q = 0, -1, ...`` with odd ``x`` is inf (JAX NaN) -- pinned as a
  strict xfail in tests/test_jax_parity_laxsurf.py.
- Weak types: results built from Python scalars are strong NumPy arrays eagerly.
- ``lax.broadcast_in_dim`` with non-increasing ``broadcast_dimensions`` (a transpose):
  functrans differentiates it; JAX 0.10.2's reverse mode fails (cotangent shape error).
- ``lax.random_gamma_grad``'s derivative raises NotImplementedError (JAX ValueError).
- Not compared (documented in tools/jax_diff_lax.py): functrans.lax's elementwise primitives broadcast
  and promote like NumPy where jax.lax raises TypeError for mixed dtypes.
Last run: 174 elementwise-style + 175 structural cases; only the labels above differ.
"""

from __future__ import annotations

from typing import Any

import jax_diff_lax
import numpy as np
from jax_diff import cli

V = np.array([-2.0, -1.0, 0.0, 0.0, 0.5, 1.0, 1.0, 3.0])
M = np.array([[1.0, -1.0, 0.0], [2.0, 2.0, -3.0]])
A3 = np.arange(24.0).reshape(2, 3, 4) - 7.0
X = np.arange(10.0).reshape(2, 5)

jax_diff_lax.ECASES.clear()
jax_diff_lax.LCASES.clear()
E, L = jax_diff_lax.ECASES, jax_diff_lax.LCASES


def ecase(name: str, *args: Any, **kw: Any) -> None:
    jax_diff_lax.ecase("lax", name, *args, **kw)


def lcase(label: str, fn: Any) -> None:
    L.append((label, fn))


# ---------------------------------------------------------------- construction
for args in [
    ((2, 3), 1.0),
    ((2,), 1),
    ((2,), np.float32(1.5)),
    ((2,), 1, np.int32),
    ((), 2.0),
    ((2,), np.array([1.0, 2.0])),
    ((-1,), 1.0),
]:
    lcase(f"full{args}", lambda L, a=args: L.lax.full(*a))
lcase("full_like", lambda L: L.lax.full_like(M, 2))
lcase("full_like_int", lambda L: L.lax.full_like(np.arange(3), 2.5))
lcase("full_like_shape", lambda L: L.lax.full_like(M, 2, shape=(4,)))
lcase("full_like_dtype", lambda L: L.lax.full_like(M, 2, np.int32))
lcase("iota", lambda L: L.lax.iota(np.int32, 4))
lcase("iota_f", lambda L: L.lax.iota(np.float64, 3))
lcase("broadcasted_iota", lambda L: L.lax.broadcasted_iota(np.int64, (2, 3), 1))
lcase("broadcasted_iota0", lambda L: L.lax.broadcasted_iota(np.float32, (2, 3), 0))
ecase("broadcast", V, (2, 3))
ecase("broadcast_in_dim", V, (3, 8), (1,))
ecase("broadcast_in_dim", M, (2, 4, 3), (0, 2))
ecase("broadcast_in_dim", M[:1], (2, 3), (0, 1))
ecase("broadcast_in_dim", M, (3, 2), (1, 0))
ecase("broadcast_in_dim", M, (4, 3), (0, 1))
ecase("broadcast_to_rank", V, 3)
ecase("broadcast_to_rank", M, 1)
lcase("broadcast_shapes", lambda L: L.lax.broadcast_shapes((2, 1), (3,)))
lcase("broadcast_shapes_bad", lambda L: L.lax.broadcast_shapes((2,), (3,)))
for cfg in [[(1, 2, 0)], [(-1, 2, 1)], [(0, 0, 2)], [(-3, -2, 1)], [(2, -9, 0)]]:
    ecase("pad", V, 0.0, cfg)
for cfg in [[(1, -1, 1), (-1, 2, 0)], [(0, 0, 0), (1, 1, 3)], [(-2, 0, 0), (0, 0, 0)]]:
    ecase("pad", M, 5.0, cfg)
ecase("pad", np.arange(3), 7, [(1, 1, 1)])
ecase("pad", np.arange(3), 1.5, [(1, 1, 0)])
ecase("pad", np.arange(3, dtype=np.int32), 1, [(1, 1, 0)])
ecase("pad", V, 1, [(1, 1, 0)])
ecase("pad", V, 1.0, [(1, 1)])
ecase("pad", np.zeros((0,)), 1.0, [(1, 1, 2)])
ecase("pad", V, 0.0, [(1, 2, -1)])
ecase("pad", V, np.float32(0.0), [(1, 2, 0)])
lcase(
    "pad_grad_value",
    lambda L: L.api.grad(lambda x, p: (L.lax.pad(x, p, [(1, -1, 1), (-1, 2, 2)]) ** 2).sum(), argnums=(0, 1))(M, 5.0),
)
lcase(
    "pad_jit_vmap", lambda L: L.api.jit(L.api.vmap(lambda x, p: L.lax.pad(x, p, [(2, -1, 1)])))(M, np.array([1.0, 2.0]))
)
ecase("rev", M, (0, 1))
ecase("rev", A3, (1,))
ecase("rev", M, ())
ecase("rev", M, (2,))
ecase("collapse", A3, 1)
ecase("collapse", A3, 0, 2)
ecase("collapse", A3, -2)
lcase("split", lambda L: L.lax.split(np.arange(10.0).reshape(5, 2), [2, 3]))
lcase("split_axis", lambda L: L.lax.split(A3, [1, 0, 3], axis=2))
lcase("split_bad", lambda L: L.lax.split(A3, [1, 1], axis=2))
lcase("split_grad", lambda L: L.api.grad(lambda x: (L.lax.split(x, [1, 3], 1)[1] ** 2).sum())(A3[0]))
ecase("tile", M, (2, 3))
ecase("tile", M, (1, 1))
ecase("tile", V, (2, 2))
lcase("stack", lambda L: L.lax.stack([V, V * 2], 1) if hasattr(L.lax, "stack") else None)
lcase("unstack", lambda L: L.lax.unstack(M, 1))
lcase("empty", lambda L: L.lax.empty((2, 3), np.float32).shape)

# ---------------------------------------------------------------- dynamic slicing
for st in [-1, -2, 5, -10, 1, 0]:
    ecase("dynamic_slice", V, (st,), (3,))
    lcase(f"dynamic_slice_jit{st}", lambda L, st=st: L.api.jit(lambda s: L.lax.dynamic_slice(V, (s,), (3,)))(st))
ecase("dynamic_slice", M, (1, -2), (1, 2))
ecase("dynamic_slice", M, np.array([1, 1]), (1, 2))
ecase("dynamic_slice", M, (np.int32(1), 1), (1, 2))
ecase("dynamic_slice", M, (np.int32(1), np.int32(2)), (1, 2))
ecase("dynamic_slice", M, (1,), (1, 2))
ecase("dynamic_slice", M, (1, 1), (3, 2))
ecase("dynamic_slice", M, (1.0, 1), (1, 2))
ecase("dynamic_slice", M, (-1, -1), (1, 1), allow_negative_indices=False)
ecase("dynamic_slice", M, (np.uint8(1), np.uint8(9)), (1, 2))
lcase(
    "dynamic_slice_vmap",
    lambda L: L.api.vmap(lambda s: L.lax.dynamic_slice(M, (s, s), (1, 2)))(np.array([-3, 0, 1, 4])),
)
lcase(
    "dynamic_slice_grad_jit",
    lambda L: L.api.jit(L.api.grad(lambda x, s: (L.lax.dynamic_slice(x, (s, s), (1, 2)) ** 2).sum()))(M, 1),
)
lcase(
    "dynamic_slice_vmap_operand",
    lambda L: L.api.vmap(lambda x: L.lax.dynamic_slice(x, (1, 2), (1, 2)))(np.stack([M, -M])),
)
for st in [(0, 1), (5, 5), (-1, -2), (1, -5)]:
    ecase("dynamic_update_slice", M, np.array([[7.0, 8.0]]), st)
ecase("dynamic_update_slice", M, np.array([[7, 8]]), (0, 0))
ecase("dynamic_update_slice", M, np.ones((3, 1)), (0, 0))
ecase("dynamic_update_slice", M, np.ones((2,)), (0, 0))
lcase(
    "dus_grad",
    lambda L: L.api.grad(lambda x, u: (L.lax.dynamic_update_slice(x, u, (1, 1)) ** 2).sum(), argnums=(0, 1))(
        M, np.ones((1, 2))
    ),
)
lcase(
    "dus_jit_grad",
    lambda L: L.api.jit(
        L.api.grad(lambda x, u, s: (L.lax.dynamic_update_slice(x, u, (s, s)) ** 3).sum(), argnums=(0, 1))
    )(M, np.ones((1, 2)), 7),
)
lcase(
    "dus_vmap",
    lambda L: L.api.vmap(lambda u, s: L.lax.dynamic_update_slice(M, u, (0, s)))(
        np.ones((3, 1, 2)), np.array([0, 1, 2])
    ),
)
ecase("dynamic_slice_in_dim", M, 1, 2, 1)
ecase("dynamic_slice_in_dim", M, -1, 1)
ecase("dynamic_slice_in_dim", V, 7, 3)
ecase("dynamic_update_slice_in_dim", M, np.ones((2, 1)), 5, 1)
ecase("dynamic_update_slice_in_dim", M, np.ones((1, 3)), -1, 0)
ecase("dynamic_index_in_dim", M, -1, 1, False)
ecase("dynamic_index_in_dim", M, 1)
ecase("dynamic_index_in_dim", M, 9, 0, False)
ecase("dynamic_update_index_in_dim", M, np.array([7.0, 8.0]), 1, 1)
ecase("dynamic_update_index_in_dim", M, np.array([[7.0], [8.0]]), -1, 1)
ecase("dynamic_update_index_in_dim", M, np.array([7.0, 8.0, 9.0]), 3, 0)
ecase("index_in_dim", M, 1, 1)
ecase("index_in_dim", M, -1, 1, False)
ecase("index_in_dim", M, 5, 1)
ecase("slice_in_dim", M, None, None, 2, 1)
ecase("slice_in_dim", M, -2, None, 1, 1)
ecase("slice_in_dim", V, 1, -1, 3)
ecase("index_take", M, (np.array([0, 1, 1]), np.array([2, 0, -1])), (0, 1))
ecase("index_take", M, (np.array([3, -1]),), (0,))
ecase("index_take", A3, (np.array([0, 5]),), (2,))

# ---------------------------------------------------------------- gather / scatter with dimension numbers
IDX = np.array([[0, 4], [1, 1], [1, -1], [0, 3]])
U = np.arange(8.0).reshape(4, 2) + 10


def _sdn(L: Any) -> Any:
    return L.lax.ScatterDimensionNumbers(
        update_window_dims=(1,), inserted_window_dims=(0,), scatter_dims_to_operand_dims=(0, 1)
    )


def _gdn(L: Any) -> Any:
    return L.lax.GatherDimensionNumbers(offset_dims=(1,), collapsed_slice_dims=(0,), start_index_map=(0, 1))


for mode in (None, "clip", "fill", "promise_in_bounds", "drop"):
    lcase(f"gather[{mode}]", lambda L, m=mode: L.lax.gather(X, IDX, _gdn(L), (1, 2), mode=m))
    lcase(
        f"gather_fill_value[{mode}]", lambda L, m=mode: L.lax.gather(X, IDX, _gdn(L), (1, 2), mode=m, fill_value=-1.0)
    )
    for op in ("scatter", "scatter_add", "scatter_sub", "scatter_mul", "scatter_min", "scatter_max"):
        lcase(f"{op}[{mode}]", lambda L, op=op, m=mode: getattr(L.lax, op)(X, IDX, U, _sdn(L), mode=m))
lcase("gather_int_operand", lambda L: L.lax.gather(np.arange(10).reshape(2, 5), IDX, _gdn(L), (1, 2), mode="fill"))
lcase(
    "gather_grad_fill",
    lambda L: L.api.grad(lambda x: (L.lax.gather(x, IDX, _gdn(L), (1, 2), mode="fill") ** 2).sum())(X),
)
lcase(
    "gather_grad_clip",
    lambda L: L.api.grad(lambda x: (L.lax.gather(x, IDX, _gdn(L), (1, 2), mode="clip") ** 2).sum())(X),
)
lcase("gather_jit", lambda L: L.api.jit(lambda x, i: L.lax.gather(x, i, _gdn(L), (1, 2), mode="fill"))(X, IDX))
lcase("gather_vmap_idx", lambda L: L.api.vmap(lambda i: L.lax.gather(X, i, _gdn(L), (1, 2)))(IDX[:, None, :]))
lcase("gather_vmap_operand", lambda L: L.api.vmap(lambda x: L.lax.gather(x, IDX, _gdn(L), (1, 2)))(np.stack([X, -X])))
lcase(
    "gather_rows",
    lambda L: L.lax.gather(
        X,
        np.array([[1], [0], [1]]),
        L.lax.GatherDimensionNumbers(offset_dims=(1,), collapsed_slice_dims=(0,), start_index_map=(0,)),
        (1, 5),
    ),
)
lcase(
    "gather_window2d",
    lambda L: L.lax.gather(
        A3,
        np.array([[0, 1], [1, 2]]),
        L.lax.GatherDimensionNumbers(offset_dims=(1, 2), collapsed_slice_dims=(0,), start_index_map=(0, 2)),
        (1, 3, 2),
    ),
)
lcase(
    "gather_batching",
    lambda L: L.lax.gather(
        X,
        np.array([[3], [1]]),
        L.lax.GatherDimensionNumbers(
            offset_dims=(),
            collapsed_slice_dims=(1,),
            start_index_map=(1,),
            operand_batching_dims=(0,),
            start_indices_batching_dims=(0,),
        ),
        (1, 1),
    ),
)
lcase(
    "scatter_add_grad",
    lambda L: L.api.grad(lambda x, u: (L.lax.scatter_add(x, IDX, u, _sdn(L)) ** 2).sum(), argnums=(0, 1))(X, U),
)
lcase(
    "scatter_grad",
    lambda L: L.api.grad(lambda x, u: (L.lax.scatter(x, IDX[:2], u[:2], _sdn(L)) ** 2).sum(), argnums=(0, 1))(X, U),
)
lcase(
    "scatter_mul_grad",
    lambda L: L.api.grad(
        lambda x, u: (L.lax.scatter_mul(x, IDX[:2], u[:2] * 0.1, _sdn(L), unique_indices=True) ** 2).sum(),
        argnums=(0, 1),
    )(X, U),
)
lcase(
    "scatter_max_grad_tie",
    lambda L: L.api.grad(lambda x, u: L.lax.scatter_max(x, IDX[1:2], u[1:2] * 0 + 6.0, _sdn(L)).sum(), argnums=(0, 1))(
        X, U
    ),
)
lcase(
    "scatter_min_grad",
    lambda L: L.api.grad(lambda x, u: L.lax.scatter_min(x, IDX[1:2], u[1:2] * 0 + 6.0, _sdn(L)).sum(), argnums=(0, 1))(
        X, U
    ),
)
lcase(
    "scatter_sub_jit_vmap",
    lambda L: L.api.jit(L.api.vmap(lambda u: L.lax.scatter_sub(X, IDX, u, _sdn(L))))(np.stack([U, 2 * U])),
)
lcase(
    "scatter_repeat_set",
    lambda L: L.lax.scatter(
        np.zeros(4), np.array([[1], [1], [3]]), np.array([1.0, 2.0, 3.0]), L.lax.ScatterDimensionNumbers((), (0,), (0,))
    ),
)
lcase(
    "scatter_apply",
    lambda L: L.lax.scatter_apply(
        np.zeros(3),
        np.array([[0], [0], [2]]),
        lambda v: v + 1,
        L.lax.ScatterDimensionNumbers((), (0,), (0,)),
        update_shape=(3,),
    ),
)
lcase(
    "scatter_apply_jit",
    lambda L: L.api.jit(
        lambda x, i: L.lax.scatter_apply(
            x, i, lambda v: v * 2, L.lax.ScatterDimensionNumbers((), (0,), (0,)), update_shape=(3,)
        )
    )(np.arange(1.0, 4.0), np.array([[0], [0], [2]])),
)
lcase("scatter_dtype_mismatch", lambda L: L.lax.scatter_add(X, IDX, U.astype(np.float32), _sdn(L)))
lcase("mode_enum", lambda L: str(L.lax.GatherScatterMode.from_any("clip")))
lcase("sort_key_val", lambda L: L.lax.sort_key_val(np.array([3, 1, 2, 1]), np.array([1.0, 2.0, 3.0, 4.0])))
lcase("sort_key_val_dim", lambda L: L.lax.sort_key_val(M, -M, 0))
lcase(
    "sort_key_val_grad",
    lambda L: L.api.grad(lambda v: (L.lax.sort_key_val(M, v)[1] * np.arange(1.0, 7.0).reshape(2, 3)).sum())(-M),
)

# ---------------------------------------------------------------- arithmetic, bitwise, reductions
I8 = np.array([-128, -1, 0, 1, 5, 127], np.int8)
SH = np.array([0, 1, 7, 8, 9, -1], np.int8)
for n in ("shift_left", "shift_right_arithmetic", "shift_right_logical"):
    ecase(n, I8, SH)
    ecase(n, I8.view(np.uint8), SH.view(np.uint8))
    ecase(n, np.array([1, -2, 1 << 40]), np.array([3, 63, 64]))
    ecase(n, np.array([1, 2]), 3)
    ecase(n, np.array([1, 2], np.int32), np.array([1, 2]))
    ecase(n, np.array([1.0]), np.array([1.0]))
for n in ("population_count", "clz", "bitwise_not"):
    for x in (I8, I8.view(np.uint8), np.array([0, 1, -1, 1 << 40]), np.array([True, False]), np.array([1.0])):
        ecase(n, x)
for n in ("bitwise_and", "bitwise_or", "bitwise_xor"):
    ecase(n, np.array([True, False, True]), np.array([True, True, False]))
    ecase(n, np.array([3, 5, -1]), np.array([6, 1, 9]))
    ecase(n, np.array([3, 5], np.uint16), 1)
    ecase(n, np.array([3], np.int32), np.array([1], np.int64))
    ecase(n, np.array([1.0]), np.array([2.0]))
for n in ("reduce_and", "reduce_or", "reduce_xor"):
    for x, ax in [
        (np.array([[True, False], [True, True]]), (1,)),
        (np.array([3, 5, 7]), (0,)),
        (np.array([[3, 5, 6], [1, 1, 1]], np.uint8), (0, 1)),
        (np.zeros((0, 2), bool), (0,)),
        (np.array([1.0]), (0,)),
    ]:
        ecase(n, x, ax)
ecase("reciprocal", V)
ecase("reciprocal", np.array([2, 4]))
ecase("reciprocal", np.float32(4.0))
ecase("dot", V, V)
ecase("dot", M, M.T)
ecase("dot", M, np.array([1.0, 2.0, 3.0]))
ecase("dot", np.array([1, 2]), np.array([3, 4]), preferred_element_type=np.float64)
ecase("dot", np.array([1, 2]), np.array([3, 4]), preferred_element_type=np.float32)
ecase("dot", M, M, precision="highest")
ecase("dot", M, M.T, precision="bogus")
ecase("dot", A3, A3)
ecase("batch_matmul", A3, np.transpose(A3, (0, 2, 1)))
ecase("batch_matmul", M, M.T)
ecase("batch_matmul", A3, A3[0])
lcase("dot_dims", lambda L: L.lax.dot(A3, A3, dimension_numbers=(((2,), (2,)), ((0,), (0,)))))
lcase(
    "precision_enum",
    lambda L: [str(L.lax.Precision.HIGHEST), str(L.lax.Precision("highest")), str(L.lax.Precision("default"))],
)
for comp in ("add", "mul", "max", "min"):
    for init in (0.0, 1.0, -np.inf, np.inf, 2.0):
        lcase(f"reduce_{comp}_{init}", lambda L, c=comp, i=init: L.lax.reduce(M, i, getattr(L.lax, c), (0,)))
    lcase(
        f"reduce_{comp}_grad",
        lambda L, c=comp: L.api.grad(
            lambda x: L.lax.reduce(
                x, {"add": 0.0, "mul": 1.0, "max": -np.inf, "min": np.inf}[c], getattr(L.lax, c), (0, 1)
            )
        )(M),
    )
lcase("reduce_lambda", lambda L: L.lax.reduce(M, 0.0, lambda a, b: a + b, (1,)))
lcase("reduce_nonassoc", lambda L: L.lax.reduce(np.arange(4.0), 2.0, lambda a, b: a * b + 1, (0,)))
lcase("reduce_variadic", lambda L: L.lax.reduce((M, M), (0.0, 1.0), lambda a, b: (a[0] + b[0], a[1] * b[1]), (0,)))
lcase("reduce_int", lambda L: L.lax.reduce(np.arange(6).reshape(2, 3), 0, L.lax.add, (0, 1)))
lcase("reduce_bool_and", lambda L: L.lax.reduce(np.array([[True, False], [True, True]]), True, L.lax.bitwise_and, (1,)))
lcase("reduce_bad_dims", lambda L: L.lax.reduce(M, 0.0, L.lax.add, 0))
lcase("reduce_jit", lambda L: L.api.jit(lambda x: L.lax.reduce(x, -np.inf, L.lax.max, (1,)))(M))
lcase("reduce_vmap", lambda L: L.api.vmap(lambda x: L.lax.reduce(x, 0.0, lambda a, b: a + b * b, (0,)))(M))
lcase("optimization_barrier", lambda L: L.lax.optimization_barrier((1.0, M)))
lcase("with_sharding_constraint", lambda L: L.lax.with_sharding_constraint(M, None))
lcase("nextafter", lambda L: L.lax.nextafter(np.array([1.0, 0.0]), np.array([2.0, -1.0])))
lcase(
    "primitives_exist",
    lambda L: [
        hasattr(L.lax, n) for n in ("add_p", "mul_p", "and_p", "gather_p", "scatter_add_p", "sort_p", "dot_general_p")
    ],
)

# ---------------------------------------------------------------- special functions
A = np.array([0.5, 1.0, 2.0, 3.0, 1.0])
XX = np.array([0.3, 1.0, 2.5, 0.0, 0.0])
for n in ("igamma", "igammac", "igamma_grad_a", "random_gamma_grad"):
    ecase(n, A, XX)
    lcase(f"{n}_dx", lambda L, n=n: L.api.grad(lambda x: getattr(L.lax, n)(A, x).sum())(XX + 0.1))
ecase("igamma", np.array([-1.0, 0.0, 1.0, np.nan, 1.0, 1.0]), np.array([1.0, 1.0, -1.0, 1.0, np.inf, 0.0]))
ecase("igammac", np.array([-1.0, 0.0, 1.0, np.nan, 1.0, 1.0]), np.array([1.0, 1.0, -1.0, 1.0, np.inf, 0.0]))
ecase("igamma", A.astype(np.float32), XX.astype(np.float32))
ecase("igamma", np.array([1, 2]), np.array([1, 2]))
ecase("igamma", A.astype(np.float32), XX)
ecase("igamma", 2.0, XX)
ecase("igamma", np.array([2.0, 1.0, 3.0]), np.array([1.0, 2.0]))
lcase("igamma_da", lambda L: L.api.grad(lambda a: L.lax.igamma(a, XX).sum())(A))
lcase("igammac_da", lambda L: L.api.grad(lambda a: L.lax.igammac(a, XX).sum())(A))
lcase("igamma_dxx", lambda L: L.api.grad(L.api.grad(lambda x: L.lax.igamma(2.0, x)))(1.3))
lcase("igamma_daa", lambda L: L.api.grad(L.api.grad(lambda a: L.lax.igamma(a, 1.0)))(2.0))
B = np.array([1.5, 2.0, 0.5, 3.0])
XB = np.array([0.2, 0.5, 0.9, 1.0])
ecase("betainc", A[:4], B, XB)
ecase("betainc", np.array([1.0, 1.0, -1.0, 0.0]), np.array([1.0, 1.0, 1.0, 1.0]), np.array([-0.1, 1.1, 0.5, 0.5]))
lcase("betainc_dx", lambda L: L.api.grad(lambda x: L.lax.betainc(A[:4], B, x).sum())(XB * 0.9))
lcase("betainc_da", lambda L: L.api.grad(lambda a: L.lax.betainc(a, B, XB).sum())(A[:4]))
ecase("zeta", np.array([2.0, 3.0, 1.5, 1.0, 0.5]), np.array([1.0, 2.0, 0.5, 1.0, 1.0]))
ecase("zeta", np.array([2.0, 2.0, 3.0]), np.array([-1.5, -2.0, 0.0]))
lcase("zeta_dx", lambda L: L.api.grad(lambda x: L.lax.zeta(x, 2.0))(3.0))
EB = np.array([-3.0, -0.5, 0.0, 0.5, 3.0, 700.0])
for n in ("bessel_i0e", "bessel_i1e"):
    ecase(n, EB)
    ecase(n, EB.astype(np.float32))
    ecase(n, np.array([1, 2]))
    lcase(f"{n}_dd0", lambda L, n=n: L.api.grad(L.api.grad(lambda v: getattr(L.lax, n)(v)))(0.0))
    lcase(f"{n}_vmap_grad", lambda L, n=n: L.api.vmap(L.api.grad(lambda v: getattr(L.lax, n)(v)))(EB))

# ---------------------------------------------------------------- jax.lax argument names
lcase("kw_concatenate", lambda L: L.lax.concatenate(operands=[V, V], dimension=0))
lcase("kw_concatenate_negative", lambda L: L.lax.concatenate([V, V], -1))
lcase("kw_concatenate_empty", lambda L: L.lax.concatenate([], 0))
lcase("kw_transpose", lambda L: L.lax.transpose(operand=M, permutation=(1, 0)))
lcase("kw_transpose_bad", lambda L: L.lax.transpose(M, (0,)))
lcase("kw_select", lambda L: L.lax.select(pred=M > 0, on_true=M, on_false=-M))
lcase("kw_convert", lambda L: L.lax.convert_element_type(operand=M, new_dtype=np.int32))
lcase("kw_nextafter", lambda L: L.lax.nextafter(x1=np.array([1.0]), x2=np.array([2.0])))
lcase("kw_full", lambda L: L.lax.full(shape=(2,), fill_value=3.0, dtype=np.float32))
lcase("kw_dynamic_slice", lambda L: L.lax.dynamic_slice(operand=M, start_indices=(1, 1), slice_sizes=(1, 2)))
lcase("kw_pad", lambda L: L.lax.pad(operand=V, padding_value=1.0, padding_config=[(1, 1, 1)]))
lcase("kw_reduce", lambda L: L.lax.reduce(operands=M, init_values=0.0, computation=L.lax.add, dimensions=(0,)))
lcase("full_nonscalar", lambda L: L.lax.full((2,), np.ones(2)))
lcase("iota_negative", lambda L: L.lax.iota(np.int32, -1))
lcase("broadcast_in_dim_bad", lambda L: L.lax.broadcast_in_dim(M, (2, 4), (0, 1)))

# ---------------------------------------------------------------- more dimension-number layouts
lcase(
    "gather_columns",
    lambda L: L.lax.gather(
        A3,
        np.array([[3], [0], [9], [-2]]),
        L.lax.GatherDimensionNumbers(offset_dims=(0, 1), collapsed_slice_dims=(2,), start_index_map=(2,)),
        (2, 3, 1),
        mode="fill",
    ),
)
lcase(
    "gather_nd_batch_idx",
    lambda L: L.lax.gather(
        A3,
        np.array([[[0, 1], [1, 2]], [[1, 0], [0, 3]]]),
        L.lax.GatherDimensionNumbers(offset_dims=(2,), collapsed_slice_dims=(0, 1), start_index_map=(0, 1)),
        (1, 1, 4),
    ),
)
lcase(
    "scatter_batching",
    lambda L: L.lax.scatter_add(
        X,
        np.array([[3], [1]]),
        np.array([100.0, 200.0]),
        L.lax.ScatterDimensionNumbers(
            update_window_dims=(),
            inserted_window_dims=(1,),
            scatter_dims_to_operand_dims=(1,),
            operand_batching_dims=(0,),
            scatter_indices_batching_dims=(0,),
        ),
    ),
)
lcase(
    "scatter_columns_grad",
    lambda L: L.api.grad(
        lambda x, u: (
            L.lax.scatter_max(
                x,
                np.array([[1], [4], [1]]),
                u,
                L.lax.ScatterDimensionNumbers(
                    update_window_dims=(0,), inserted_window_dims=(1,), scatter_dims_to_operand_dims=(1,)
                ),
            )
            ** 2
        ).sum(),
        argnums=(0, 1),
    )(X, np.array([[5.0, 0.0, 1.0], [9.0, 9.0, 6.0]])),
)
lcase(
    "gather_vmap_both",
    lambda L: L.api.vmap(lambda x, i: L.lax.gather(x, i, _gdn(L), (1, 2), mode="fill"))(
        np.stack([X, -X]), np.stack([IDX, IDX[::-1]])
    ),
)
lcase(
    "scatter_vmap_both_grad",
    lambda L: L.api.vmap(
        L.api.grad(lambda x, u, i: (L.lax.scatter(x, i, u, _sdn(L), mode="clip") ** 2).sum(), argnums=(0, 1))
    )(np.stack([X, -X]), np.stack([U, U + 1]), np.stack([IDX, IDX[::-1]])),
)


def main() -> None:
    jax_diff_lax.run_all(cli())


if __name__ == "__main__":
    main()
