"""Chunked execution of large elementwise programs (part of jit's optional fused backend).

After :func:`functrans._src.fusion.fuse`, a program made only of elementwise work over one
large float64 shape may still take several passes over memory: fused kernels separated by
the ufuncs fusion leaves to NumPy (exp and tanh where NumPy's own SIMD loops are faster than
fusion_math's, see :mod:`functrans._src.fast_ufuncs`; log, arctan, ... on large runs). Each
pass streams every array through memory. :func:`chunk` turns such a program into one
``chunked_elementwise`` equation that runs the whole sequence on one chunk of
:data:`CHUNK` elements at a time, so the intermediates of a chunk stay in cache and only the
inputs and outputs travel to memory, as XLA's loop fusion tiles a fused computation.

Same operations on the same elements in the same order: the results equal the unchunked
program's bit for bit (fused kernels and ufuncs are elementwise; when a fused kernel's sin/cos
meets an argument beyond fusion_math.SIN_LIMIT, the program runs again unchunked, where that
kernel falls back to the C library's functions as a whole). Measured (benchmarks/bench_speed.py, 10-op chain with
sin/tanh/exp on 10^6 elements, AVX-512 NumPy, one thread): 10.2 ms as five passes, about
7.6 ms chunked.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from functrans._src.core import IR, Eqn, Literal, Primitive, ShapedArray, Var
from functrans._src.fusion import FusedKernel, fused_p
from functrans._src.lax.rules import ufunc_of

__all__ = ["CHUNK", "MIN_SIZE", "ChunkedProgram", "chunk", "chunked_p"]

CHUNK = 32768  # elements per chunk: 256 KiB per float64 array, a few of them fit in L2
MIN_SIZE = 4 * CHUNK  # smaller programs: the per-chunk Python work would not pay off
_F64 = np.dtype(np.float64)


class ChunkedProgram:
    """An elementwise program run chunk by chunk: ``program(*inputs) -> list of outputs``.

    ``steps`` are ``(callable, input slots, output slots, is_fused)``; slots index the per-chunk
    environment: the program's inputs, then its outputs, then the intermediates (one reused
    buffer of :data:`CHUNK` elements each)."""

    def __init__(self, ir: IR, steps: list[tuple[Any, list[int], list[int], bool]], n_in: int, out_slots: list[int],
                 n_slots: int, scalar_ins: list[bool]) -> None:  # fmt: skip
        self.ir = ir
        self.steps = steps
        self.n_in = n_in
        self.out_slots = out_slots
        self.n_slots = n_slots
        self.scalar_ins = scalar_ins
        self.shape = ir.outvars[0].aval.shape
        self.size = math.prod(self.shape)
        self.out_avals = [ShapedArray(v.aval.shape, _F64) for v in ir.outvars]
        self.chunk = CHUNK
        self._whole: Any = None

    def __call__(self, *args: Any) -> list[Any]:
        n, shape, size = self.size, self.shape, self.chunk
        flat: list[Any] = []
        for a, scalar in zip(args, self.scalar_ins):
            flat.append(float(a) if scalar else np.ascontiguousarray(a, _F64).reshape(-1))
        outs = [np.empty(shape, _F64) for _ in self.out_slots]
        outs_flat = [o.reshape(-1) for o in outs]
        n_fixed = self.n_in + len(outs)
        bufs = [np.empty(size, _F64) for _ in range(self.n_slots - n_fixed)]
        env: list[Any] = [None] * self.n_slots
        for s in range(0, n, size):
            m = min(size, n - s)
            for i, (a, scalar) in enumerate(zip(flat, self.scalar_ins)):
                env[i] = a if scalar else a[s : s + m]
            for j, o in enumerate(outs_flat):
                env[self.n_in + j] = o[s : s + m]
            for j, b in enumerate(bufs):
                env[n_fixed + j] = b[:m]
            for fn, ins, outs_, fused in self.steps:
                if fused:
                    if fn.kernel(m, *[env[i] for i in ins], *[env[o] for o in outs_]):
                        return self.whole(*args)  # a sin/cos argument beyond SIN_LIMIT (see whole)
                else:
                    fn(*[env[i] for i in ins], out=env[outs_[0]])
        return outs

    def whole(self, *args: Any) -> list[Any]:
        """The program unchunked: when a fused kernel meets a sin/cos argument beyond
        fusion_math.SIN_LIMIT, the whole kernel runs again with the C library's functions (see
        functrans._src.fusion), and so does the whole chunked program, for the same values."""
        fn = self._whole
        if fn is None:
            from functrans._src.codegen import compile_ir

            fn = self._whole = compile_ir(self.ir)
        return [np.asarray(o, _F64) for o in fn(*args)]

    def __repr__(self) -> str:
        return f"<chunked program of {len(self.steps)} steps over {self.size} elements>"


chunked_p = Primitive("chunked_elementwise", multiple_results=True)
chunked_p.complex_ok = True  # float64 only: chunk() takes nothing else
chunked_p.impl = lambda *args, program: program(*args)
chunked_p.abstract_eval = lambda *avals, program: list(program.out_avals)


def _ufunc_step(e: Eqn, shape: tuple[int, ...]) -> Any:
    """The ufunc of an elementwise float64 equation over ``shape`` with no parameters, or None."""
    if e.params or e.prim.multiple_results or len(e.outvars) != 1:
        return None
    o = e.outvars[0].aval
    if o.shape != shape or o.dtype != _F64:
        return None
    uf = ufunc_of(e.prim.impl, [a.aval for a in e.inputs])
    if uf is None or uf.nout != 1 or uf.nin != len(e.inputs):
        return None
    return uf


def chunk(ir: IR) -> IR:
    """``ir`` as one ``chunked_elementwise`` equation when it is elementwise work over one float64
    shape of at least :data:`MIN_SIZE` elements taking more than one pass (fused kernels and
    ufuncs only; inputs of that shape or 0-d; no constants); ``ir`` itself otherwise."""
    if len(ir.eqns) < 2 or ir.constvars or not ir.outvars or not all(e.outvars for e in ir.eqns):
        return ir  # (an equation without results is an effect: debug.print)
    first = ir.eqns[0].outvars[0].aval
    shape = first.shape
    if first.dtype != _F64 or math.prod(shape) < MIN_SIZE:
        return ir
    slots: dict[Var, int] = {}
    scalar_ins = []
    for v in ir.invars:
        if v.aval.shape == shape and v.aval.dtype == _F64:
            scalar_ins.append(False)
        elif v.aval.shape == () and v.aval.dtype.kind == "f":
            scalar_ins.append(True)
        else:
            return ir
        slots[v] = len(slots)
    outvars = ir.outvars
    if len(set(map(id, outvars))) != len(outvars) or any(type(v) is not Var or v in slots for v in outvars):
        return ir
    for v in outvars:
        slots[v] = len(slots)
    steps: list[tuple[Any, list[int], list[int], bool]] = []
    n_ufunc = 0
    for e in ir.eqns:
        if e.prim is fused_p:
            kernel = e.params["kernel"]
            if not isinstance(kernel, FusedKernel) or kernel.kernel is None:
                return ir
            fn, fused = kernel, True
        else:
            fn, fused = _ufunc_step(e, shape), False
            if fn is None:
                return ir
            n_ufunc += 1
        ins = []
        for a in e.inputs:
            if type(a) is Literal:  # (fused kernels take theirs inline; a ufunc's is rare: not chunked)
                return ir
            if a in slots:
                ins.append(slots[a])
            else:
                return ir
            if a.aval.shape not in (shape, ()):
                return ir
        for v in e.outvars:
            if v.aval.shape != shape or v.aval.dtype != _F64:
                return ir
            if v not in slots:
                slots[v] = len(slots)
        steps.append((fn, ins, [slots[v] for v in e.outvars], fused))
    if n_ufunc == 0 or len(steps) < 2:  # a single fused kernel already makes one pass
        return ir
    program = ChunkedProgram(ir, steps, len(ir.invars), [slots[v] for v in outvars], len(slots), scalar_ins)
    outs = [Var(ShapedArray(v.aval.shape, _F64)) for v in outvars]
    eqn = Eqn(chunked_p, list(ir.invars), {"program": program}, outs)
    return IR([], [], list(ir.invars), [eqn], outs)
