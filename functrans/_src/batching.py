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

from functrans._src.core import (
    ConcretizationTypeError,
    Primitive,
    ShapedArray,
    Trace,
    Tracer,
    get_aval,
    plain,
)
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


class BatchTrace(Trace):
    """Applies each primitive once to a whole batch."""

    __slots__ = ("axis_size",)

    def __init__(self, axis_size: int) -> None:
        super().__init__()
        self.axis_size = axis_size

    def process_primitive(self, prim: Primitive, args: Sequence[Any], params: dict[str, Any]) -> Any:
        vals = []
        dims: list[int | None] = []
        batched = False
        for a in args:
            if isinstance(a, BatchTracer) and a._trace is self:
                vals.append(a.val)
                dims.append(a.bdim)
                batched = True
            else:
                vals.append(a)
                dims.append(None)
        if not batched:
            return prim.bind(*vals, **params)
        rule = prim.batch
        if rule is None:
            raise NotImplementedError(f"Batching rule (for vmap) for '{prim.name}' not implemented")
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


def vmap_flat(
    fun: Callable[..., Sequence[Any]],
    args: Sequence[Any],
    in_dims: Sequence[int | None],
    axis_size: int,
) -> tuple[list[Any], list[int | None]]:
    """Map a flat function ``fun(*args) -> list`` over axis ``in_dims[i]`` of each argument.

    ``in_dims`` must be non-negative (or ``None``: not mapped) and the mapped axes
    must all have length ``axis_size``. Returns the batched outputs and, for each,
    its batch axis (``None`` for an output that does not depend on the mapped inputs).
    """
    trace = BatchTrace(axis_size)
    try:
        ins = [plain(a) if d is None else BatchTracer(trace, plain(a), d) for a, d in zip(args, in_dims)]
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
        trace.finish()
