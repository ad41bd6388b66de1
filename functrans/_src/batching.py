"""Vectorisation: the batching interpreter behind ``vmap``.

A :class:`BatchTracer` holds an array with one extra axis, the batch axis, at
position ``bdim``; its abstract value is that of one example (the array without
the batch axis). For each primitive the trace calls the primitive's ``batch``
rule (declared with the primitive in ``functrans._src.lax``), which applies the
primitive once to the whole batch, moving or inserting axes as needed, and says
where the batch axis of the result is.

Values that do not depend on the mapped inputs are never wrapped: a primitive
none of whose operands is batched runs as it is. So in ``vmap(jvp(f))`` over
tangents, the primal computation runs once, unbatched.

Batching rules have the signature ``rule(vals, dims, **params) -> (out, out_dim)``
(lists of both for primitives with several results), where ``dims[i]`` is the
batch axis of ``vals[i]`` or ``None`` if it is not batched.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from functrans._src.core import (
    ConcretizationTypeError,
    Primitive,
    ShapedArray,
    Trace,
    Tracer,
    bind,
    get_aval,
    plain,
)
from functrans._src.lax.contraction import dot_general_p
from functrans._src.source_info import where_traced


class BatchTracer(Tracer):
    """An array carrying a batch of examples along axis ``bdim``."""

    __slots__ = ("val", "bdim", "_aval")

    def __init__(self, trace: BatchTrace, val: Any, bdim: int) -> None:
        self._trace = trace
        self.val = val
        self.bdim = bdim
        self._aval: ShapedArray | None = None

    @property
    def aval(self) -> ShapedArray:
        av = self._aval
        if av is None:
            full = get_aval(self.val)
            shape = full.shape[: self.bdim] + full.shape[self.bdim + 1 :]
            av = self._aval = ShapedArray(shape, full.dtype)
        return av


# Named axes (vmap's axis_name), innermost last: (name, size, trace). Collectives (psum, axis_index,
# ... in functrans._src.parallel) look their axis up here.
AXIS_ENV: list[tuple[Any, int, BatchTrace]] = []
# The axis name of the batch trace whose rule is running (set only while some named axis is live):
# a rule that vmaps a sub-program (jit, cond, scan, custom rules) maps it over the same named axis.
_RULE_AXIS: list[Any] = [None]
_INHERIT = object()


class BatchTrace(Trace):
    """Applies each primitive once to a whole batch."""

    __slots__ = ("axis_size", "one_hot", "axis_name")

    def __init__(self, axis_size: int, axis_name: Any = None) -> None:
        super().__init__()
        self.axis_size = axis_size
        self.axis_name = axis_name
        # Batched inputs known to be rows of the identity (the standard basis that jacfwd pushes
        # forward): id(value) -> (value, k0), meaning example k is the unit vector e_{k0+k}.
        self.one_hot: dict[int, tuple[np.ndarray, int]] | None = None

    def process_primitive(self, prim: Primitive, args: Sequence[Any], params: dict[str, Any]) -> Any:
        vals: Sequence[Any]
        dims: Sequence[int | None]
        if len(args) == 2:  # the common binary case without the general loop's lists
            x, y = args
            if type(x) is BatchTracer and x._trace is self:
                if type(y) is BatchTracer and y._trace is self:
                    vals, dims = (x.val, y.val), (x.bdim, y.bdim)
                else:
                    vals, dims = (x.val, y), (x.bdim, None)
            elif type(y) is BatchTracer and y._trace is self:
                vals, dims = (x, y.val), (None, y.bdim)
            else:
                return bind(prim, args, params)
        else:
            vals, dims = [], []
            batched = False
            for a in args:
                if type(a) is BatchTracer and a._trace is self:
                    vals.append(a.val)
                    dims.append(a.bdim)
                    batched = True
                else:
                    vals.append(a)
                    dims.append(None)
            if not batched:
                return bind(prim, vals, params)
        if prim is dot_general_p and self.one_hot is not None:
            hit = _select_by_basis(self.one_hot, vals, dims, params)
            if hit is not None:
                return BatchTracer(self, hit[0], hit[1])
        rule = prim.batch
        if rule is None:
            named = getattr(prim, "named_batch", None)  # collectives: the rule needs this trace's axis
            if named is None:
                raise NotImplementedError(f"Batching rule (for vmap) for '{prim.name}' not implemented")
            out, out_dim = named(self, vals, dims, **params)
        elif AXIS_ENV:
            saved, _RULE_AXIS[0] = _RULE_AXIS[0], self.axis_name
            try:
                out, out_dim = rule(vals, dims, **params)
            finally:
                _RULE_AXIS[0] = saved
        else:
            out, out_dim = rule(vals, dims, **params)
        if prim.multiple_results:
            return [o if d is None else BatchTracer(self, o, d) for o, d in zip(out, out_dim)]
        return out if out_dim is None else BatchTracer(self, out, out_dim)

    def concrete(self, tracer: Tracer, why: str) -> Any:
        raise ConcretizationTypeError(
            f"{why} is not possible on a value batched by vmap (type {tracer.aval.str_short()} per "
            f"example, {self.axis_size} examples): it can differ from one example to the next, so "
            "Python cannot take a single branch. Express the choice elementwise with "
            "functrans.numpy.where, or pass the value unbatched (in_axes=None).\n" + where_traced(tracer)
        )


def _select_by_basis(
    one_hot: dict[int, tuple[np.ndarray, int]], vals: Sequence[Any], dims: Sequence[int | None], params: dict[str, Any]
) -> tuple[np.ndarray, int] | None:
    """``dot_general`` of a concrete array ``M`` with a batch of standard basis vectors
    ``e_{k0}, e_{k0+1}, ...``, contracting one axis ``c`` of ``M`` with the vectors: example
    ``k`` is ``M`` indexed at ``k0 + k`` along ``c``, so the batched result is a slice of ``M``
    with axis ``c`` moved to the front as the batch axis (no product is computed). Returns
    ``(value, batch axis)``, or None where this does not apply (then the batching rule runs).

    Only for finite ``M`` of the result's dtype: ``inf * 0`` is NaN in the product, and a
    product with the identity is otherwise exact (up to the sign of a zero). The slice is a
    read-only view: the API boundary copies it if it is returned as it is.
    """
    if len(params) != 1:
        return None
    (lc, rc), (lb, _) = params["dimension_numbers"]
    if lb or len(lc) != 1:
        return None
    for i in (0, 1):
        if dims[i] is not None:
            basis, other = vals[i], vals[1 - i]
            c = rc[0] if i == 0 else lc[0]
            break
    if dims[1 - i] is not None or dims[i] != 0 or len(np.shape(other)) <= c:
        return None
    entry = one_hot.get(id(basis))
    if entry is None or entry[0] is not basis or basis.ndim != 2 or (lc if i == 0 else rc)[0] != 0:
        return None
    if type(other) is not np.ndarray:
        guarded = GUARDED_SELECT_FN[0]
        if GUARDED_SELECT[0] and guarded is not None and isinstance(other, Tracer):
            return guarded(other, basis, entry[1], c, i, dims, params)
        return None
    if other.shape[c] != basis.shape[1] or other.dtype != basis.dtype or not np.isfinite(other).all():
        return None
    k0 = entry[1]
    idx = (slice(None),) * c + (slice(k0, k0 + basis.shape[0]),)
    # a view, with the batch axis first (where the rules' fast paths want it)
    out = other[idx].transpose((c, *[a for a in range(other.ndim) if a != c]))
    out.flags.writeable = False
    return out, 0


# set while the eager tape stages a program (functrans._src.tape_staged): _select_by_basis then
# selects from a traced operand too, by the guarded selection control_flow.conditionals registers
GUARDED_SELECT = [False]
GUARDED_SELECT_FN: list[Callable[..., tuple[Any, int] | None] | None] = [None]


def vmap_flat(
    fun: Callable[..., Sequence[Any]],
    args: Sequence[Any],
    in_dims: Sequence[int | None],
    axis_size: int,
    one_hot: Sequence[int | None] | None = None,
    axis_name: Any = _INHERIT,
) -> tuple[list[Any], list[int | None]]:
    """Map a flat function ``fun(*args) -> list`` over axis ``in_dims[i]`` of each argument.

    ``in_dims`` must be non-negative (or ``None``: not mapped) and the mapped axes
    must all have length ``axis_size``. Returns the batched outputs and, for each,
    its batch axis (``None`` for an output that does not depend on the mapped inputs).

    ``one_hot[i] = k0`` (not None) promises that ``args[i]`` is a 2-D array, mapped over axis
    0, whose row ``k`` is the unit vector ``e_{k0+k}`` (jacfwd's standard basis): products of
    a concrete matrix with it are then slices of that matrix instead of matrix products.

    ``axis_name`` names the mapped axis for collectives (``psum`` ...); by default a sub-program
    vmapped by a batching rule is mapped over the axis of the trace running that rule.
    """
    if axis_name is _INHERIT:
        axis_name = _RULE_AXIS[0] if AXIS_ENV else None
    trace = BatchTrace(axis_size, axis_name)
    if axis_name is not None:
        AXIS_ENV.append((axis_name, axis_size, trace))
    try:
        ins = [plain(a) if d is None else BatchTracer(trace, plain(a), d) for a, d in zip(args, in_dims)]
        if one_hot is not None:
            trace.one_hot = {
                id(t.val): (t.val, k0) for t, k0 in zip(ins, one_hot) if k0 is not None and isinstance(t, BatchTracer)
            }
        outs = fun(*ins)
        vals: list[Any] = []
        dims: list[int | None] = []
        for o in outs:
            if isinstance(o, BatchTracer) and o._trace is trace:
                vals.append(o.val)
                dims.append(o.bdim)
            else:
                vals.append(o)
                dims.append(None)
        return vals, dims
    finally:
        if axis_name is not None:
            AXIS_ENV.remove(next(e for e in AXIS_ENV if e[2] is trace))
        trace.finish()
