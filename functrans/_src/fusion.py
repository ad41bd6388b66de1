"""Fused kernels for runs of elementwise equations under jit (the optional ``fast`` extra).

When numba is installed (``pip install functrans[fast]``), :func:`fuse` rewrites an
optimised program before code generation: every maximal run of consecutive
elementwise float64 equations over one shape (arithmetic, ``tanh``, ``sin``, ``exp``,
``integer_pow``, ...) becomes a single equation of ``fused_elementwise``, whose
kernel is one compiled loop over the elements computing the whole run per element.
One pass over memory instead of one per operation, and one call instead of
hundreds for chains of tiny operations.

Results equal the plain backend's within rounding (the kernel calls the C
library's ``tanh``/``sin``/... on scalars where NumPy may use its own SIMD loops).
Without numba, or with the environment variable ``FUNCTRANS_FUSION=0``, or if a
kernel fails to compile, the program is left as it is (the plain NumPy backend).

numba was chosen over numexpr by measurement (benchmarks/bench_speed.py): numexpr
cannot express a program with shared subexpressions and several outputs without
re-evaluating them, and its per-call overhead dominates on small arrays.

``fused_elementwise`` is internal to code generation: it appears only in programs
about to be compiled, never in programs that are transformed, so it has no
differentiation or batching rules.
"""

from __future__ import annotations

import itertools
import math
import os
from collections.abc import Callable
from typing import Any

import numpy as np

from functrans._src import lax
from functrans._src.core import IR, Eqn, Literal, Primitive, ShapedArray, Var

__all__ = ["available", "enabled", "fuse", "fused_p", "set_enabled"]

_F64 = np.dtype(np.float64)
# ufuncs whose scalar form numba compiles (np.<name>(...) on floats)
_UFUNCS = frozenset(
    """add subtract multiply divide true_divide negative positive sin cos tan arcsin arccos arctan
    arctan2 sinh cosh tanh arcsinh arccosh arctanh exp exp2 expm1 log log2 log10 log1p sqrt square
    absolute fabs maximum minimum fmax fmin power reciprocal sign floor ceil trunc rint hypot copysign
    logaddexp logaddexp2""".split()
)
_INFIX = {"add": "+", "subtract": "-", "multiply": "*", "divide": "/", "true_divide": "/"}
MIN_EQNS = 2  # shorter runs are left to NumPy
# longer runs are cut into several kernels: a kernel's expression must stay within what Python's
# compiler and numba handle (a 100k-op chain would exceed the recursion limit)
MAX_EQNS = 400
# programs longer than this are left unfused: numba's compile time (seconds per few hundred
# equations) would dominate the first call of a very long program
MAX_PROGRAM_EQNS = 2000
# Above this many elements a run keeps NumPy's own (SIMD) loops for transcendental functions
# and fuses only the cheap arithmetic between them: measured, the scalar C-library tanh/sin/exp
# of a fused loop is slower than NumPy's on arrays that fit in cache, while below it the
# per-call overhead of NumPy dominates and fusing everything wins (benchmarks/bench_speed.py).
SMALL_RUN = 2048
_CHEAP = frozenset(
    """negative positive square absolute fabs maximum minimum fmax fmin sign copysign reciprocal floor ceil
    trunc rint""".split()
)

_numba: Any = None
_state: dict[str, bool | None] = {"enabled": None}
_counter = itertools.count()
# compiled loops by (source, signature): programs with the same run share one compilation
_compiled: dict[tuple[str, str], Any] = {}
failures: list[str] = []  # why kernels fell back to NumPy (for diagnosis)


def _load_numba() -> Any:
    global _numba
    if _numba is None:
        try:
            import numba
        except ImportError:
            _numba = False
        else:
            _numba = numba
    return _numba


def available() -> bool:
    """Whether the fused-kernel backend can be used (numba is importable)."""
    return bool(_load_numba())


def enabled() -> bool:
    """Whether jit fuses elementwise runs: numba available, not disabled by
    ``FUNCTRANS_FUSION=0`` or :func:`set_enabled`."""
    flag = _state["enabled"]
    if flag is None:
        flag = os.environ.get("FUNCTRANS_FUSION", "1") != "0"
    return flag and available()


def set_enabled(flag: bool | None) -> None:
    """Turn fusion on or off for programs compiled from now on (``None``: the default)."""
    _state["enabled"] = flag


# --------------------------------------------------------------------------- the primitive


class FusedKernel:
    """A compiled run: ``kernel(*inputs) -> list of outputs`` (fresh float64 arrays)."""

    def __init__(self, fn: Callable[..., Any], source: str, n_eqns: int, out_avals: list[ShapedArray]) -> None:
        self.fn = fn
        self.source = source
        self.n_eqns = n_eqns
        self.out_avals = out_avals

    def __call__(self, *args: Any) -> Any:
        return self.fn(*args)

    def __repr__(self) -> str:
        return f"<fused kernel of {self.n_eqns} equations>"


fused_p = Primitive("fused_elementwise", multiple_results=True)
fused_p.complex_ok = True  # its body's primitives check complex operands themselves
fused_p.impl = lambda *args, kernel: kernel.fn(*args)
fused_p.abstract_eval = lambda *avals, kernel: list(kernel.out_avals)


# --------------------------------------------------------------------------- which equations


def _atom_ok(a: Any, shape: tuple[int, ...]) -> bool:
    if type(a) is Literal:
        v = a.val
        return isinstance(v, int | float | np.floating | np.integer) and not isinstance(v, bool) and math.isfinite(v)
    return a.aval.dtype == _F64 and (a.aval.shape == shape or a.aval.shape == ())


def _scalar_op(e: Eqn) -> tuple[str, str] | None:
    """('infix', op) / ('call', ufunc name) / ('pow', exponent) for a fusible equation, else None."""
    if e.prim.multiple_results or len(e.outvars) != 1:
        return None
    if e.prim is lax.integer_pow_p:
        return "pow", str(int(e.params["y"]))
    impl = e.prim.impl
    if isinstance(impl, np.ufunc) and not e.params and impl.nout == 1 and impl.nin == len(e.inputs):
        name = impl.__name__
        if name in _UFUNCS:
            return ("infix", _INFIX[name]) if name in _INFIX else ("call", name)
    return None


def _fusible(e: Eqn) -> tuple[str, str] | None:
    op = _scalar_op(e)
    if op is None:
        return None
    o = e.outvars[0].aval
    if o.dtype != _F64 or o.ndim == 0:
        return None
    if op[0] == "call" and op[1] not in _CHEAP and o.size > SMALL_RUN:
        return None
    if all(_atom_ok(a, o.shape) for a in e.inputs):
        return op
    return None


# --------------------------------------------------------------------------- kernels


def _make_kernel(run: list[Eqn], ops: list[tuple[str, str]], ins: list[Var], outs: list[Var]) -> FusedKernel | None:
    numba = _load_numba()
    shape = run[0].outvars[0].aval.shape
    names: dict[Var, str] = {}
    params = []
    for j, v in enumerate(ins):
        names[v] = f"s{j}" if v.aval.shape == () else f"i{j}[k]"
        params.append(f"s{j}" if v.aval.shape == () else f"i{j}")
    lines = [f"def kernel(n, {', '.join(params + [f'o{j}' for j in range(len(outs))])}):", "    for k in range(n):"]
    for t, (e, (kind, op)) in enumerate(zip(run, ops)):
        args = [repr(float(a.val)) if type(a) is Literal else names[a] for a in e.inputs]
        if kind == "infix":
            rhs = f"({args[0]} {op} {args[1]})" if len(args) == 2 else f"({op}{args[0]})"
        elif kind == "pow":
            y = int(op)
            rhs = f"({args[0]} ** {y})" if y >= 0 else f"(1.0 / ({args[0]} ** {-y}))"
        else:
            rhs = f"np.{op}({', '.join(args)})"
        names[e.outvars[0]] = f"t{t}"
        lines.append(f"        t{t} = {rhs}")
    for j, v in enumerate(outs):
        lines.append(f"        o{j}[k] = {names[v]}")
    src = "\n".join(lines) + "\n"
    ns: dict[str, Any] = {"np": np}
    exec(compile(src, f"<functrans fused kernel #{next(_counter)}>", "exec"), ns)
    arr, f64 = numba.float64[::1], numba.float64
    # inputs are only read: a read-only array type accepts writable and read-only arrays alike
    # (closed-over constants are read-only copies)
    arr_in = numba.types.Array(numba.float64, 1, "C", readonly=True)
    sig = numba.void(numba.int64, *[f64 if v.aval.shape == () else arr_in for v in ins], *[arr] * len(outs))
    key = (src, str(sig))
    compiled = _compiled.get(key)
    if compiled is None:
        try:
            compiled = numba.njit(sig, cache=False, error_model="numpy", nogil=True)(ns["kernel"])
        except Exception as err:  # an operation numba cannot compile: keep the plain NumPy code
            compiled = False
            failures.append(f"{type(err).__name__}: {err}"[:500])
        _compiled[key] = compiled
    if compiled is False:
        return None
    # the caller: allocate the outputs, flatten the operands, run the loop
    n = math.prod(shape)
    call_args = ["n"]
    w_params = []
    for j, v in enumerate(ins):
        w_params.append(f"a{j}")
        call_args.append(f"float(a{j})" if v.aval.shape == () else f"ravel(a{j})")
    body = [f"def run({', '.join(w_params)}):"]
    for j in range(len(outs)):
        body.append(f"    r{j} = empty(shape, f64)")
    call_args += [f"r{j}.reshape(-1)" for j in range(len(outs))]
    body.append(f"    kernel({', '.join(call_args)})")
    body.append(f"    return [{', '.join(f'r{j}' for j in range(len(outs)))}]")
    wsrc = "\n".join(body) + "\n"
    wns: dict[str, Any] = {"kernel": compiled, "n": n, "shape": shape, "f64": _F64}
    wns.update(empty=np.empty, ravel=np.ravel)
    exec(compile(wsrc, f"<functrans fused caller #{next(_counter)}>", "exec"), wns)
    return FusedKernel(wns["run"], src + "\n" + wsrc, len(run), [ShapedArray(v.aval.shape, _F64) for v in outs])


# --------------------------------------------------------------------------- the pass


def fuse(ir: IR, min_eqns: int = MIN_EQNS) -> IR:
    """``ir`` with each run of at least ``min_eqns`` consecutive fusible elementwise
    equations of one shape replaced by one ``fused_elementwise`` equation; ``ir``
    itself when fusion is off or nothing is fused."""
    if not enabled() or len(ir.eqns) > MAX_PROGRAM_EQNS:
        return ir
    last_use: dict[Var, int] = {}
    for i, e in enumerate(ir.eqns):
        for a in e.inputs:
            if type(a) is Var:
                last_use[a] = i
    outset = {a for a in ir.outvars if type(a) is Var}
    new_eqns: list[Eqn] = []
    run: list[Eqn] = []
    ops: list[tuple[str, str]] = []
    run_end = 0
    changed = False

    def flush() -> None:
        nonlocal changed
        if len(run) >= min_eqns:
            defined = {e.outvars[0] for e in run}
            ins: list[Var] = []
            for e in run:
                for a in e.inputs:
                    if type(a) is Var and a not in defined and a not in ins:
                        ins.append(a)
            outs = [v for e in run for v in e.outvars if v in outset or last_use.get(v, -1) >= run_end]
            kernel = _make_kernel(run, ops, ins, outs) if outs else None
            if kernel is not None:
                new_eqns.append(Eqn(fused_p, list(ins), {"kernel": kernel}, outs))
                changed = True
                run.clear()
                ops.clear()
                return
        new_eqns.extend(run)
        run.clear()
        ops.clear()

    for i, e in enumerate(ir.eqns):
        op = _fusible(e)
        if (
            op is not None
            and len(run) < MAX_EQNS
            and (not run or run[0].outvars[0].aval.shape == e.outvars[0].aval.shape)
        ):
            run.append(e)
            ops.append(op)
            run_end = i + 1
            continue
        flush()
        if op is not None:
            run.append(e)
            ops.append(op)
            run_end = i + 1
        else:
            new_eqns.append(e)
    flush()
    if not changed:
        return ir
    return IR(ir.constvars, ir.consts, ir.invars, new_eqns, ir.outvars)
