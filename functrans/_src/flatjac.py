"""A pytree function seen as a map between flat vectors, for the structured Jacobians.

:func:`sparse_jacobian`, :func:`jacobian_sparsity` and mixed mode work on ``g: R^n -> R^m``:
the differentiated arguments' leaves flattened (C order) and concatenated into one vector,
the outputs' leaves likewise. This module builds ``g``, its program, and turns an
``(m, n)`` matrix back into ``jacfwd``'s nested blocks.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from functrans._src import lax
from functrans._src.boundary import _argnums_tuple, _check_leaf, _Flat, _partial_args
from functrans._src.core import IR, ShapedArray, Tracer, get_aval
from functrans._src.jacobian import _signature_key
from functrans._src.staging import trace_to_ir
from functrans._src.tree_util import PyTreeDef, tree_flatten, tree_unflatten

# The structured Jacobians (sparse, mixed mode) see a program as a real matrix; a complex value
# would need the real and imaginary parts as separate coordinates, which they do not do.
_COMPLEX_HINT = (
    ": complex values are not supported by the structured (sparse or mixed-mode) Jacobians; use "
    "jacfwd (real inputs), jacrev (real outputs), or either with holomorphic=True"
)


class VectorFunction:
    """``fun`` at fixed non-differentiated arguments, as a map of one flat vector."""

    def __init__(self, fun: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any],
                 argnums: int | Sequence[int], fname: str) -> None:  # fmt: skip
        nums = _argnums_tuple(argnums, len(args), fname)
        dyn = tuple(args[i] for i in nums)
        self.flat_in, self.in_tree = tree_flatten(dyn)
        self.in_avals: list[ShapedArray] = []
        for i, x in enumerate(self.flat_in):
            a = get_aval(_check_leaf(x, f"input leaf {i}"))
            if a.dtype.kind != "f":
                raise TypeError(
                    f"{fname} requires real-valued inputs (a real floating dtype), but input leaf {i} has dtype "
                    f"{a.dtype}" + _COMPLEX_HINT * (a.dtype.kind == "c")
                )
            self.in_avals.append(ShapedArray(a.shape, a.dtype))
        self.fname = fname
        self.flat = _Flat(_partial_args(fun, args, kwargs, nums), self.in_tree)
        self.n = sum(a.size for a in self.in_avals)
        self.dtype = np.result_type(*[a.dtype for a in self.in_avals]) if self.in_avals else np.dtype(np.float64)
        self.out_avals: list[ShapedArray] = []
        self.key = (_signature_key(args, kwargs), nums)

    @property
    def m(self) -> int:
        return sum(a.size for a in self.out_avals)

    def vector(self) -> Any:
        """The differentiated arguments as one vector ``x0``."""
        if not any(isinstance(x, Tracer) for x in self.flat_in):
            parts = [np.asarray(x, self.dtype).reshape(-1) for x in self.flat_in]
            return np.concatenate(parts) if parts else np.zeros(0, self.dtype)
        parts = [lax.reshape(lax.convert_element_type(x, self.dtype) if get_aval(x).dtype != self.dtype else x,
                             (get_aval(x).size,)) for x in self.flat_in]  # fmt: skip
        return parts[0] if len(parts) == 1 else lax.concatenate(parts, 0)

    def __call__(self, v: Any) -> Any:
        """``g(v)``: split ``v`` into the argument leaves, call ``fun``, concatenate the outputs."""
        leaves = []
        off = 0
        for a in self.in_avals:
            piece = v if len(self.in_avals) == 1 else lax.index(v, slice(off, off + a.size))
            if get_aval(piece).dtype != a.dtype:
                piece = lax.convert_element_type(piece, a.dtype)
            leaves.append(lax.reshape(piece, a.shape))
            off += a.size
        outs = self.flat(*leaves)
        self.out_avals = [ShapedArray(get_aval(o).shape, get_aval(o).dtype) for o in outs]
        for j, a in enumerate(self.out_avals):
            if a.dtype.kind != "f":
                raise TypeError(
                    f"{self.fname} requires real-valued outputs (a real floating dtype), but output leaf {j} has "
                    f"dtype {a.dtype}" + _COMPLEX_HINT * (a.dtype.kind == "c")
                )
        flat = [lax.reshape(o, (get_aval(o).size,)) for o in outs]
        if not flat:
            return np.zeros(0, self.dtype)
        return flat[0] if len(flat) == 1 else lax.concatenate(flat, 0)

    def ir(self) -> IR:
        """The program of ``g`` (traced on abstract values; sets :attr:`out_avals`)."""
        ir, _ = trace_to_ir(lambda v: [self(v)], [ShapedArray((self.n,), self.dtype)])
        return ir

    def unflatten(self, jac: Any, argnums: int | Sequence[int]) -> Any:
        """An ``(m, n)`` matrix as ``jacfwd``'s blocks: ``[out leaf][arg]``, each of shape
        ``out.shape + in.shape``."""
        out_tree: PyTreeDef = self.flat.out_tree  # type: ignore[assignment]
        leaves = []
        r = 0
        for oa in self.out_avals:
            per_in = []
            c = 0
            for ia in self.in_avals:
                block = jac
                if len(self.out_avals) > 1 or len(self.in_avals) > 1:
                    block = lax.index(jac, (slice(r, r + oa.size), slice(c, c + ia.size)))
                block = lax.reshape(block, oa.shape + ia.shape)
                per_in.append(block if isinstance(block, Tracer) else np.asarray(block))
                c += ia.size
            inner = tree_unflatten(self.in_tree, per_in)
            leaves.append(inner[0] if isinstance(argnums, int) else inner)
            r += oa.size
        return tree_unflatten(out_tree, leaves)


def size_of(aval: ShapedArray) -> int:
    return math.prod(aval.shape)
