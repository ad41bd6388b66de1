"""Fused kernels for runs of elementwise equations under jit (the optional ``fast`` extra).

When numba is installed (``pip install functrans[fast]``), :func:`fuse` rewrites an
optimised program before code generation: every maximal run of consecutive
elementwise float64 equations over one shape (arithmetic, ``tanh``, ``sin``, ``exp``,
``integer_pow``, ...) becomes a single equation of ``fused_elementwise``, whose
kernel is one compiled loop over the elements computing the whole run per element.
One pass over memory instead of one per operation, and one call instead of
hundreds for chains of tiny operations.

Runs of at least ``fast_ufuncs.limit(name)`` elements (the sizes from which the eager
implementations use them too, so eager and jit compute the same values; never for a
function whose NumPy loop measured faster on this machine) use
fusion_math's vectorisable ``exp``, ``tanh``, ``sin`` and ``cos`` (written with arithmetic
only, so the loop is compiled to SIMD code; NumPy's float64 loops for them are scalar C-library calls on AVX2 machines):
over blocks of ``BLOCK`` elements, the kernel alternates fused arithmetic loops and calls
of each function's block loop (compiled once per process; at most ``MAX_VECTOR_FNS`` per
program, for compile time): bench_speed.py's 10-op chain with sin/tanh/exp on 1e6
elements runs at ~0.32-0.38x of NumPy on one thread (process CPU time). Above
``2 * PAR_CHUNK`` elements the loop is split in contiguous chunks over a small thread
pool (numba's thread count: ``NUMBA_NUM_THREADS``), like XLA:CPU's parallel loop
fusions. Elementwise, so the result does not depend on the number of threads.

Results equal the plain backend's within rounding: small runs call the C library's
``tanh``/``sin``/... per element, large runs are within 1 (exp) or 2 (sin, cos, tanh)
ulp of NumPy; a sin/cos argument beyond ``fusion_math.SIN_LIMIT`` (or inf/NaN) makes the
whole kernel run again with the C library's functions.
Without numba, or with the environment variable ``FUNCTRANS_FUSION=0``, or if a
kernel fails to compile, the program is left as it is (the plain NumPy backend).

Chosen by measurement (benchmarks/bench_speed.py, 10-op chain with sin/tanh/exp on 1e6
elements): numexpr (optional, not used) evaluates the chain at ~0.92x of NumPy (its
sin/tanh/exp are the C library's, per element); NumPy's calls over L2-sized blocks
~0.88x; numba with the C library's functions ~1.05x (everything fused) or ~0.89x (only
the arithmetic fused); the staged kernel with numba ``parallel=True`` (prange over the
blocks) was slower than the same kernel on a plain thread pool (0.41-0.43x against
0.33-0.35x on a busy 2-core machine) and would use numba's threading layer (the workqueue
layer aborts on concurrent calls from two Python threads, OpenMP is not fork-safe), so
large kernels use a plain thread pool. numexpr also cannot
express shared subexpressions with several outputs without re-evaluating them, and its
per-call overhead dominates on small arrays.

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

from functrans._src import fast_ufuncs, lax
from functrans._src.core import IR, Eqn, Literal, Primitive, ShapedArray, Var
from functrans._src.lax.rules import ufunc_of

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
# programs longer than this are left unfused: numba's compile time (seconds per few hundred
# equations) would dominate the first call of a very long program
MAX_PROGRAM_EQNS = 2000
# longer runs are cut into several kernels (each equation is one statement of the kernel, so
# this only bounds the kernel's size). Not smaller than MAX_PROGRAM_EQNS: a cut through a
# gradient's run hands every residual from one kernel to the next as a separate array, which
# cost far more than it saved (the 300-op chain's gradient, 674 equations: 176 us per call and
# 9.5 s to compile as two kernels, 12 us and 1.8 s as one; 1799 equations: 739 us and 34 s
# as five, 26 us and 5.7 s as one)
MAX_EQNS = MAX_PROGRAM_EQNS
# Up to this many elements a run calls the C library's other transcendental functions (log,
# arctan, ...) per element; above it they stay with NumPy, the run fusing only the arithmetic
# around them. exp/tanh/sin/cos use fusion_math's vectorisable versions from
# fast_ufuncs.limit(name) elements on (measured: 3-4x faster than NumPy's float64
# sin/tanh on AVX2; never where NumPy's own loop measured faster, as exp and tanh with
# AVX-512), below it the C library's, exactly as the eager implementations do.
SMALL_RUN = 2048
_CHEAP = frozenset(
    """negative positive square absolute fabs maximum minimum fmax fmin sign copysign reciprocal floor ceil
    trunc rint sqrt""".split()
)
_VECTOR = {"exp": "vexp", "tanh": "vtanh", "sin": "vsin", "cos": "vcos"}
_ESCAPES = frozenset({"sin", "cos"})  # arguments beyond fusion_math.SIN_LIMIT: re-run with the C library
# Large kernels run in chunks of at least this many elements on up to numba's thread count
# (NUMBA_NUM_THREADS; numba.set_num_threads once numba's own pool is running) threads: the
# loop is elementwise, so the result does not depend on the split.
PAR_CHUNK = 1 << 16
BLOCK = 256  # elements per block of a staged kernel
# at most this many vectorised functions per program: each adds a stage, and numba's compile
# time (~0.1-0.3 s per stage) would dominate the first call of long programs; later ones
# are left unfused (their equations call fast_ufuncs' implementations, with the same values)
MAX_VECTOR_FNS = 8

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
    """Turn fusion on or off for programs compiled from now on (``None``: the default), and
    with it the vectorised eager exp/tanh/sin/cos of :mod:`functrans._src.fast_ufuncs`."""
    _state["enabled"] = flag
    fast_ufuncs.refresh(flag)  # the eager impls of exp/tanh/sin/cos follow the same setting


# --------------------------------------------------------------------------- the primitive


class FusedKernel:
    """A compiled run: ``kernel(*inputs) -> list of outputs`` (fresh float64 arrays)."""

    def __init__(self, fn: Callable[..., Any], source: str, n_eqns: int, out_avals: list[ShapedArray],
                 kernel: Any = None, slow: Callable[[], Any] | None = None) -> None:  # fmt: skip
        self.fn = fn
        self.source = source
        self.n_eqns = n_eqns
        self.out_avals = out_avals
        # the compiled loop itself, kernel(m, *flat inputs (0-d ones as floats), *flat outputs) -> escape
        # flag, and slow() -> its C-library version (for functrans._src.fusion_chunks)
        self.kernel = kernel
        self.slow = slow

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
    impl = ufunc_of(e.prim.impl, [a.aval for a in e.inputs])
    if impl is not None and not e.params and impl.nout == 1 and impl.nin == len(e.inputs):
        name = impl.__name__
        if name in _UFUNCS:
            return ("infix", _INFIX[name]) if name in _INFIX else ("call", name)
    return None


def _fusible(e: Eqn, vector_ok: bool = True) -> tuple[str, str] | None:
    op = _scalar_op(e)
    if op is None:
        return None
    o = e.outvars[0].aval
    if o.dtype != _F64 or o.ndim == 0:
        return None
    if op[0] == "call" and op[1] in _VECTOR and _vector_size(op[1], o.size):
        if not vector_ok:  # over the budget: left unfused, to the eager implementation (same values)
            return None
    elif op[0] == "call" and op[1] not in _CHEAP and o.size > SMALL_RUN:
        return None
    if all(_atom_ok(a, o.shape) for a in e.inputs):
        return op
    return None


# --------------------------------------------------------------------------- kernels


def _vector_size(op: str, size: int) -> bool:
    """Whether ``op`` (a key of _VECTOR) on ``size`` elements uses fusion_math's function, as
    the eager implementation (fast_ufuncs) does from the same size on."""
    return size >= fast_ufuncs.limit(op)


def _rhs(kind: str, op: str, args: list[str], vector: bool) -> str:
    if kind == "infix":
        return f"({args[0]} {op} {args[1]})" if len(args) == 2 else f"({op}{args[0]})"
    if kind == "pow":
        y = int(op)
        return f"({args[0]} ** {y})" if y >= 0 else f"(1.0 / ({args[0]} ** {-y}))"
    if vector and op in _VECTOR:
        return f"{_VECTOR[op]}({args[0]})"
    return f"np.{op}({', '.join(args)})"


def _arg(a: Any, names: dict[Var, str]) -> str:
    return repr(float(a.val)) if type(a) is Literal else names[a]


def _kernel_source(run: list[Eqn], ops: list[tuple[str, str]], ins: list[Var], outs: list[Var]) -> str:
    """One loop computing ``run`` per element with the C library's functions (returns 0)."""
    names: dict[Var, str] = {}
    params = []
    for j, v in enumerate(ins):
        names[v] = f"s{j}" if v.aval.shape == () else f"i{j}[k]"
        params.append(f"s{j}" if v.aval.shape == () else f"i{j}")
    lines = [f"def kernel(n, {', '.join(params + [f'o{j}' for j in range(len(outs))])}):", "    for k in range(n):"]
    for t, (e, (kind, op)) in enumerate(zip(run, ops)):
        names[e.outvars[0]] = f"t{t}"
        lines.append(f"        t{t} = {_rhs(kind, op, [_arg(a, names) for a in e.inputs], False)}")
    for j, v in enumerate(outs):
        lines.append(f"        o{j}[k] = {names[v]}")
    lines.append("    return 0")
    return "\n".join(lines) + "\n"


def _staged_source(run: list[Eqn], ops: list[tuple[str, str]], ins: list[Var], outs: list[Var]) -> str:
    """The run over blocks of BLOCK elements in stages: each vectorisable exp/tanh/sin/cos is a
    call of fusion_math's compiled block loop (``sin_blk(m, x, o)``), the arithmetic between
    them one fused loop. Values crossing stages live in block-sized buffers (reused once dead)
    that stay in cache. Returns 1 when sin/cos met an argument beyond fusion_math.SIN_LIMIT
    (or inf/NaN): the caller then re-runs the C-library kernel."""
    n = math.prod(run[0].outvars[0].aval.shape)
    calls: set[int] = set()
    stage_of: list[int] = []
    sg = 0
    for t, (e, (kind, op)) in enumerate(zip(run, ops)):
        a = e.inputs[0]
        if kind == "call" and op in _VECTOR and type(a) is Var and a.aval.shape != () and _vector_size(op, n):
            sg += 1
            calls.add(t)
        stage_of.append(sg)
    defined = {e.outvars[0]: t for t, e in enumerate(run)}
    last_use: dict[Var, int] = {}
    need: set[Var] = set()  # values kept in a buffer
    for t, e in enumerate(run):
        for a in e.inputs:
            if type(a) is Var and a in defined:
                last_use[a] = max(last_use.get(a, -1), stage_of[t])
                if t in calls or stage_of[defined[a]] != stage_of[t]:
                    need.add(a)
        if t in calls:
            need.add(e.outvars[0])
    slot: dict[Var, int] = {}  # buffer number of each kept value
    live: dict[Var, int] = {}
    free: list[int] = []
    n_slots = 0
    for s in range(sg + 1):
        for v in [v for v in live if last_use.get(v, stage_of[defined[v]]) < s]:
            free.append(live.pop(v))
        for t in range(len(run)):
            v = run[t].outvars[0]
            if stage_of[t] == s and v in need:
                if not free:
                    free.append(n_slots)
                    n_slots += 1
                slot[v] = live[v] = free.pop()
    params = [f"s{j}" if v.aval.shape == () else f"i{j}" for j, v in enumerate(ins)]
    lines = [f"def kernel(n, {', '.join(params + [f'o{j}' for j in range(len(outs))])}):", "    bad = 0"]
    lines += [f"    b{r} = np.empty({BLOCK})" for r in range(n_slots)]
    lines += [f"    for st in range(0, n, {BLOCK}):", f"        m = min({BLOCK}, n - st)"]
    in_names = {v: (f"s{j}" if v.aval.shape == () else f"i{j}[st + k]") for j, v in enumerate(ins)}
    for s in range(sg + 1):
        names = dict(in_names)
        names.update({v: f"b{slot[v]}[k]" for v in slot if stage_of[defined[v]] < s or defined[v] in calls})
        body = []
        for t, (e, (kind, op)) in enumerate(zip(run, ops)):
            if stage_of[t] != s:
                continue
            v = e.outvars[0]
            if t in calls:
                a = e.inputs[0]
                arg = f"b{slot[a]}" if a in defined else f"i{ins.index(a)}[st:st + m]"
                lines.append(f"        bad |= {op}_blk(m, {arg}, b{slot[v]})")
                continue
            names[v] = f"t{t}"
            body.append(f"            t{t} = {_rhs(kind, op, [_arg(a, names) for a in e.inputs], False)}")
            if v in slot:
                body.append(f"            b{slot[v]}[k] = t{t}")
        body += [f"            o{j}[st + k] = {names[v]}" for j, v in enumerate(outs) if stage_of[defined[v]] == s]
        if body:
            lines += ["        for k in range(m):"] + body
    lines.append("    return bad")
    return "\n".join(lines) + "\n"


def _compile(src: str, ins: list[Var], n_outs: int) -> Any:
    """The numba-compiled ``kernel`` of ``src`` (shared by source and signature), False if
    numba cannot compile it."""
    numba = _load_numba()
    arr, f64 = numba.float64[::1], numba.float64
    # inputs are only read: a read-only array type accepts writable and read-only arrays alike
    # (closed-over constants are read-only copies)
    arr_in = numba.types.Array(numba.float64, 1, "C", readonly=True)
    sig = numba.int64(numba.int64, *[f64 if v.aval.shape == () else arr_in for v in ins], *[arr] * n_outs)
    key = (src, str(sig))
    compiled = _compiled.get(key)
    if compiled is None:
        try:
            ns: dict[str, Any] = {"np": np}
            if "_blk(" in src:
                from functrans._src import fusion_math

                ns.update({f"{op}_blk": fusion_math.block(op) for op in _VECTOR if f"{op}_blk(" in src})
            exec(compile(src, f"<functrans fused kernel #{next(_counter)}>", "exec"), ns)
            compiled = numba.njit(sig, cache=False, error_model="numpy", nogil=True)(ns["kernel"])
        except Exception as err:  # an operation numba cannot compile: keep the plain NumPy code
            compiled = False
            failures.append(f"{type(err).__name__}: {err}"[:500])
        _compiled[key] = compiled
    return compiled


def _make_kernel(run: list[Eqn], ops: list[tuple[str, str]], ins: list[Var], outs: list[Var]) -> FusedKernel | None:
    shape = run[0].outvars[0].aval.shape
    n = math.prod(shape)
    vector = any(kind == "call" and op in _VECTOR and _vector_size(op, n) for kind, op in ops)
    src = _staged_source(run, ops, ins, outs) if vector else _kernel_source(run, ops, ins, outs)
    compiled = _compile(src, ins, len(outs))
    if compiled is False:
        return None
    # the caller: allocate the outputs, flatten the operands, run the loop
    call_args = []
    w_params = []
    for j, v in enumerate(ins):
        w_params.append(f"a{j}")
        # ndarray.ravel: np.ravel's Python wrapper costs ~0.25 us more per operand
        call_args.append(f"float(a{j})" if v.aval.shape == () else f"a{j}.ravel()")
    body = [f"def run({', '.join(w_params)}):"]
    for j in range(len(outs)):
        body.append(f"    r{j} = empty(shape, f64)")
    outs_flat = [f"r{j}.reshape(-1)" for j in range(len(outs))]
    if n < 2 * PAR_CHUNK and not vector:
        body.append(f"    kernel({', '.join(['n'] + call_args + outs_flat)})")
    else:
        body.append(f"    args = ({', '.join(call_args + outs_flat)},)")
        body.append("    if execute(kernel, n, args):")
        body.append("        slow()(n, *args)")
    body.append(f"    return [{', '.join(f'r{j}' for j in range(len(outs)))}]")
    wsrc = "\n".join(body) + "\n"
    slow_src = _kernel_source(run, ops, ins, outs) if vector else src

    def slow() -> Any:
        """The kernel with the C library's functions (compiled on first need)."""
        fn = _compile(slow_src, ins, len(outs))
        if fn is False:
            raise RuntimeError("functrans fusion: the fallback kernel failed to compile: " + failures[-1])
        return fn

    wns: dict[str, Any] = {"kernel": compiled, "n": n, "shape": shape, "f64": _F64, "execute": execute, "slow": slow}
    wns.update(empty=np.empty)
    exec(compile(wsrc, f"<functrans fused caller #{next(_counter)}>", "exec"), wns)
    out_avals = [ShapedArray(v.aval.shape, _F64) for v in outs]
    return FusedKernel(wns["run"], src + "\n" + wsrc, len(run), out_avals, compiled, slow)


# --------------------------------------------------------------------------- threads


_pools: dict[str, Any] = {}


def num_threads() -> int:
    """How many threads a large kernel may use: numba's setting (``NUMBA_NUM_THREADS``, or
    ``numba.set_num_threads`` once numba's own thread pool has been started)."""
    numba = _load_numba()
    from numba.np.ufunc import parallel

    if parallel._is_initialized:  # don't start numba's pool just to ask (fork safety)
        return int(numba.get_num_threads())
    return int(numba.config.NUMBA_NUM_THREADS)


def _pool(workers: int) -> Any:
    from concurrent.futures import ThreadPoolExecutor

    pid = os.getpid()
    pool = _pools.get("pool")
    if pool is None or _pools["pid"] != pid or _pools["workers"] < workers:  # a forked child needs its own
        pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="functrans-fused")
        _pools.update(pool=pool, pid=pid, workers=workers)
    return pool


def execute(kernel: Callable[..., int], n: int, args: tuple[Any, ...]) -> int:
    """Run ``kernel`` over ``n`` elements, split in contiguous chunks over threads when it is
    large (the kernels release the GIL); the or of the chunks' escape flags."""
    t = min(num_threads(), n // PAR_CHUNK)
    if t <= 1:
        return kernel(n, *args)
    bounds = [n * j // t for j in range(t + 1)]

    def part(j: int) -> int:
        lo, hi = bounds[j], bounds[j + 1]
        return kernel(hi - lo, *[a[lo:hi] if isinstance(a, np.ndarray) else a for a in args])

    futures = [_pool(t - 1).submit(part, j) for j in range(1, t)]
    bad = part(0)
    for f in futures:
        bad |= f.result()
    return bad


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

    vector_left = MAX_VECTOR_FNS
    for i, e in enumerate(ir.eqns):
        op = _fusible(e, vector_left > 0)
        if op is not None and op[0] == "call" and op[1] in _VECTOR and _vector_size(op[1], e.outvars[0].aval.size):
            vector_left -= 1
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
