"""Compile an :class:`IR` to straight-line Python source, once.

:func:`compile_ir` turns a program into the text of one Python function with one
assignment per equation, for example::

    def _factory(np_tanh, np_multiply, a):
        def compiled(b):
            c = np_tanh(b)  # tanh -> f64[3]
            d = np_multiply(a, c)  # mul -> f64[3]
            return [d]
        return compiled

and compiles it with :func:`compile` / ``exec`` a single time. The outer factory is
called once with every object the body needs (NumPy functions, the program's
constants, parameter values such as dtypes and index tuples), so the body reads
them as closure cells: running the program involves no interpreter loop, no
environment dictionary and no per-equation dispatch.

Design:

* **Emitters.** ``_EMITTERS`` maps a primitive to a function that writes the
  right-hand side of its equation. Every primitive whose ``impl`` is a NumPy ufunc
  (arithmetic, unary math, comparisons, ``max``/``min``, ``pow``, ``atan2``, ...) is
  emitted as a call of that ufunc (a float64 ``exp``/``tanh``/``sin``/``cos`` large enough
  for :mod:`~functrans._src.fast_ufuncs`, when its wrapper is the impl, as a call of that
  wrapper, which takes ``out=`` too: jit computes what the eager impl does). The others
  have specific emitters (``select`` -> ``np.where``, ``convert_element_type`` -> ``.astype``, shape operations,
  reductions, ``index`` with a precomputed index tuple, ``concatenate``,
  ``dot_general`` with ``np.dot`` for the common matrix layouts, ``np.matmul`` for large
  matrix products, see ``_use_matmul``). A ``jit`` call is
  compiled recursively and called; any other primitive calls its ``impl`` with its
  parameters bound as constants (still straight-line). Every emitter computes
  exactly what the primitive's ``impl`` computes, in value, shape and dtype.
* **Buffer reuse** (``reuse_buffers=True``, :func:`plan_buffer_reuse`). A ufunc
  equation may write its result into the buffer of an operand (``out=``) when that
  buffer was allocated by this program (the result of an earlier ufunc, ``where``,
  ``astype``, reduction, ``concatenate`` or matrix product, never an input, a
  constant or a view), has exactly the result's shape and dtype, has at least one
  dimension, and neither it nor any value that may alias it (views made by
  ``reshape``/``transpose``/``broadcast_to``/``index``/``stop_gradient``, results of
  opaque calls) is used later or returned.
* **Outputs** are NumPy arrays or scalars of the declared dtype: a literal output is a
  NumPy scalar of its declared dtype, an output that may alias a constant is copied
  (so callers cannot modify the constants), and inputs returned as outputs go
  through ``np.asarray``.

The generated code follows the IR's declared types: pass arguments of the declared
dtypes (NumPy arrays or scalars). A Python float passed for a float32 input is not
converted.
"""

from __future__ import annotations

import itertools
import keyword
import math
import re
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from functrans._src import lax
from functrans._src.core import IR, Atom, Eqn, Literal, Primitive, Var
from functrans._src.fast_ufuncs import THRESHOLDS, limit
from functrans._src.fusion import fused_p
from functrans._src.lax.rules import ufunc_of

__all__ = ["CompiledIR", "compile_ir", "plan_buffer_reuse"]


# Kinds of results, for alias analysis:
#   "fresh":  a new array owned by the program (or an immutable NumPy scalar if 0-d);
#   "view":   may share memory with the (first) input;
#   "same":   is the (first) input object itself;
#   "opaque": unknown, may alias any input.
_FRESH, _VIEW, _SAME, _OPAQUE = "fresh", "view", "same", "opaque"


class _Emit:
    """The right-hand side of one equation.

    Either ``expr`` (a Python expression), or ``ufunc`` (the bound name of a ufunc)
    and ``args``: then the expression is ``ufunc(*args)``, and an ``out=`` argument
    may be added by buffer reuse.
    """

    __slots__ = ("expr", "kind", "ufunc", "args")

    def __init__(self, expr: str = "", kind: str = _FRESH, ufunc: str | None = None, args: Sequence[str] = ()) -> None:
        self.expr = expr
        self.kind = kind
        self.ufunc = ufunc
        self.args = list(args)

    def render(self, out: str | None = None) -> str:
        if self.ufunc is None:
            return self.expr
        args = ", ".join(self.args + ([f"out={out}"] if out is not None else []))
        return f"{self.ufunc}({args})"


# --------------------------------------------------------------------------- naming


def _letters(i: int) -> str:
    n = ""
    while True:
        n = chr(ord("a") + i % 26) + n
        i = i // 26 - 1
        if i < 0:
            return n


def _simple_repr(v: Any) -> str | None:
    """Source text that evaluates to ``v`` exactly, for ints, bools, finite floats,
    None, strings and tuples of those; None otherwise."""
    t = type(v)
    if t is bool or t is int or v is None or t is str:
        return repr(v)
    if t is float:
        return repr(v) if math.isfinite(v) else None
    if t is tuple:
        parts = [_simple_repr(x) for x in v]
        if any(p is None for p in parts):
            return None
        return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"  # type: ignore[arg-type]
    return None


class _Ctx:
    """Names, bound objects and type knowledge while generating one function."""

    def __init__(self, ir: IR, reuse_buffers: bool, memo: dict[int, CompiledIR]) -> None:
        self.ir = ir
        self.reuse_buffers = reuse_buffers
        self.memo = memo
        self.names: dict[Var, str] = {}
        self.used: set[str] = set()
        self.bound: list[tuple[str, Any]] = []
        self.bound_ids: dict[int, str] = {}
        self.keep_alive: list[Any] = []
        self.known_array: set[Var] = set()
        self.const_vals: dict[Var, Any] = dict(zip(ir.constvars, ir.consts))
        self.contiguous: set[Var] = set()  # 2-D arrays known C- or Fortran-contiguous
        i = 0
        for v in [*ir.constvars, *ir.invars, *(o for e in ir.eqns for o in e.outvars)]:
            if v in self.names:
                continue
            n = _letters(i)
            i += 1
            if keyword.iskeyword(n):
                n += "_"
            self.names[v] = n
            self.used.add(n)
        for v, c in self.const_vals.items():
            if isinstance(c, np.ndarray):
                self.known_array.add(v)
                if type(c) is np.ndarray and c.ndim == 2 and c.flags.forc:
                    self.contiguous.add(v)

    def fresh_name(self, hint: str) -> str:
        base = re.sub(r"\W+", "_", hint).strip("_") or "k"
        if not base.isidentifier() or keyword.iskeyword(base):
            base = "k_" + base
        if "_" not in base:
            base = base + "_"
        name = base
        for n in itertools.count(1):
            if name not in self.used:
                break
            name = f"{base}{n}"
        self.used.add(name)
        return name

    def bind(self, obj: Any, hint: str) -> str:
        """A closure name for ``obj`` (bound once per object)."""
        hit = self.bound_ids.get(id(obj))
        if hit is not None:
            return hit
        name = self.fresh_name(hint)
        self.bound.append((name, obj))
        self.bound_ids[id(obj)] = name
        self.keep_alive.append(obj)
        return name

    def np_fn(self, fn: Any) -> str:
        return self.bind(fn, "np_" + getattr(fn, "__name__", "fn"))

    def value(self, v: Any, hint: str = "k") -> str:
        """Source text for a parameter value: inline if simple, else a bound constant."""
        r = _simple_repr(v)
        return r if r is not None else self.bind(v, hint)

    def atom(self, a: Atom) -> str:
        if isinstance(a, Var):
            return self.names[a]
        v = a.val
        if type(v) in (bool, int) or (type(v) is float and math.isfinite(v)):
            return repr(v)
        return self.bind(v, "k")

    def note_layout(self, e: Eqn, em: _Emit) -> None:
        """Record the 2-D results of ``e`` (emitted as ``em``) known C- or Fortran-contiguous:
        new arrays of ufuncs, fused kernels, products, ``where``, ``astype``, reductions and
        concatenations (NumPy allocates them contiguous), their transposes, themselves."""
        o = e.outvars[0] if len(e.outvars) == 1 else None
        if o is None or o.aval.ndim != 2:
            return
        if em.kind == _FRESH and (em.ufunc is not None or e.prim in _CONTIGUOUS_RESULTS):
            self.contiguous.add(o)
        elif (em.kind == _SAME or e.prim is lax.transpose_p) and e.inputs[0] in self.contiguous:
            self.contiguous.add(o)

    def array_expr(self, a: Atom, text: str) -> str:
        """``text`` if ``a`` is known to be an ndarray, else ``np_asarray(text)``."""
        if isinstance(a, Var) and a in self.known_array:
            return text
        return f"{self.np_fn(np.asarray)}({text})"


# --------------------------------------------------------------------------- emitters

_Emitter = Callable[[_Ctx, Eqn, list[str]], _Emit]
_EMITTERS: dict[Primitive, _Emitter] = {}


def _emitter(*prims: Primitive) -> Callable[[_Emitter], _Emitter]:
    def register(fn: _Emitter) -> _Emitter:
        for p in prims:
            _EMITTERS[p] = fn
        return fn

    return register


def _ufunc_of(e: Eqn) -> np.ufunc | None:
    impl = ufunc_of(e.prim.impl, [a.aval for a in e.inputs])
    if (
        impl is not None
        and not e.params
        and not e.prim.multiple_results
        and impl.nout == 1
        and impl.nin == len(e.inputs)
    ):
        return impl
    return None


def _fast_size(e: Eqn) -> bool:
    """Whether a float64 result is large enough for fast_ufuncs' vectorised loop (smaller ones
    call the ufunc directly, without the wrapper's checks)."""
    o = e.outvars[0].aval
    return o.dtype == np.float64 and e.prim.name in THRESHOLDS and o.size >= limit(e.prim.name)


@_emitter(lax.integer_pow_p)
def _emit_integer_pow(ctx: _Ctx, e: Eqn, args: list[str]) -> _Emit:
    y = e.params["y"]
    x = e.inputs[0]
    dt, odt = x.aval.dtype, e.outvars[0].aval.dtype
    if y == 2 and dt == odt and dt.kind in "fiu":
        return _Emit(ufunc=ctx.np_fn(np.square), args=args)  # np.power(x, 2) is x*x for these
    if y >= 0:
        return _Emit(ufunc=ctx.np_fn(np.power), args=[args[0], repr(int(y))])
    return _emit_impl(ctx, e, args)


@_emitter(lax.select_p)
def _emit_select(ctx: _Ctx, e: Eqn, args: list[str]) -> _Emit:
    return _Emit(f"{ctx.np_fn(np.where)}({', '.join(args)})")


@_emitter(lax.convert_element_type_p)
def _emit_convert(ctx: _Ctx, e: Eqn, args: list[str]) -> _Emit:
    src, dst = e.inputs[0].aval.dtype.kind, e.params["new_dtype"].kind
    if (src == "c" and dst != "c") or (src == "f" and dst in "iu"):
        return _emit_impl(ctx, e, args)  # the real part without ComplexWarning; float->int saturates
    dt = ctx.bind(e.params["new_dtype"], "dt_" + str(e.params["new_dtype"]))
    return _Emit(f"{ctx.array_expr(e.inputs[0], args[0])}.astype({dt})")  # astype copies: a fresh array


@_emitter(lax.stop_gradient_p)
def _emit_stop_gradient(ctx: _Ctx, e: Eqn, args: list[str]) -> _Emit:
    return _Emit(args[0], _SAME)


@_emitter(lax.broadcast_to_p)
def _emit_broadcast_to(ctx: _Ctx, e: Eqn, args: list[str]) -> _Emit:
    return _Emit(f"{ctx.np_fn(np.broadcast_to)}({args[0]}, {ctx.value(e.params['shape'])})", _VIEW)


def _emit_view(ctx: _Ctx, e: Eqn, args: list[str], method: str, param: str) -> _Emit:
    """``x.method(param)`` on a known ndarray (cheaper), else ``np.method(x, param)``; a view."""
    value = ctx.value(e.params[param])
    x = e.inputs[0]
    if isinstance(x, Var) and x in ctx.known_array:
        return _Emit(f"{args[0]}.{method}({value})", _VIEW)
    return _Emit(f"{ctx.np_fn(getattr(np, method))}({args[0]}, {value})", _VIEW)


@_emitter(lax.reshape_p)
def _emit_reshape(ctx: _Ctx, e: Eqn, args: list[str]) -> _Emit:
    return _emit_view(ctx, e, args, "reshape", "new_shape")


@_emitter(lax.transpose_p)
def _emit_transpose(ctx: _Ctx, e: Eqn, args: list[str]) -> _Emit:
    return _emit_view(ctx, e, args, "transpose", "permutation")


_REDUCTIONS: dict[Primitive, tuple[Callable[..., Any], str]] = {
    lax.reduce_sum_p: (np.sum, "sum"),
    lax.reduce_max_p: (np.max, "max"),
    lax.reduce_min_p: (np.min, "min"),
    lax.reduce_prod_p: (np.prod, "prod"),
}


@_emitter(*_REDUCTIONS)
def _emit_reduction(ctx: _Ctx, e: Eqn, args: list[str]) -> _Emit:
    fn, method = _REDUCTIONS[e.prim]
    if method in ("max", "min") and 0 in [e.inputs[0].aval.shape[a] for a in e.params["axes"]]:
        return _emit_impl(ctx, e, args)  # an empty max/min is the identity (as JAX), not an error
    kw = f"axis={ctx.value(tuple(e.params['axes']))}, keepdims={bool(e.params.get('keepdims', False))!r}"
    x = e.inputs[0]
    if isinstance(x, Var) and x in ctx.known_array:  # ndarray.sum is what np.sum calls
        return _Emit(f"{args[0]}.{method}({kw})")
    return _Emit(f"{ctx.np_fn(fn)}({args[0]}, {kw})")


@_emitter(lax.index_p)
def _emit_index(ctx: _Ctx, e: Eqn, args: list[str]) -> _Emit:
    idx = tuple(slice(*i) if type(i) is tuple else i for i in e.params["idx"])
    return _Emit(f"{ctx.array_expr(e.inputs[0], args[0])}[{ctx.bind(idx, 'ix')}]", _VIEW)


@_emitter(lax.index_put_p)
def _emit_index_put(ctx: _Ctx, e: Eqn, args: list[str]) -> _Emit:
    em = _emit_impl(ctx, e, args)
    em.kind = _FRESH  # it scatters into a new array of zeros
    return em


@_emitter(lax.gather_p, lax.scatter_add_p, lax.scatter_p)
def _emit_gather_scatter(ctx: _Ctx, e: Eqn, args: list[str]) -> _Emit:
    em = _emit_impl(ctx, e, args)
    em.kind = _FRESH  # a new array (fancy indexing copies; scatters build their result afresh)
    return em


@_emitter(lax.concatenate_p)
def _emit_concatenate(ctx: _Ctx, e: Eqn, args: list[str]) -> _Emit:
    xs = "(" + ", ".join(args) + ("," if len(args) == 1 else "") + ")"
    return _Emit(f"{ctx.np_fn(np.concatenate)}({xs}, axis={int(e.params['axis'])})")


# primitives whose fresh results (not the fallback to ``impl``) NumPy allocates contiguous
_CONTIGUOUS_RESULTS = frozenset(
    (fused_p, lax.dot_general_p, lax.select_p, lax.convert_element_type_p, lax.concatenate_p, *_REDUCTIONS)
)

# np.dot zero-fills its result before BLAS's gemm overwrites it: one more pass over the result
# (~11 us of a ~100 us product of 32x256 matrices with a 256x256 result). np.matmul makes the
# same gemm call without it, but its call costs ~0.7 us more: it pays for results from ~4-8k
# float64 on (measured; AVX-512, OpenBLAS 0.3.31)
MATMUL_MIN_BYTES = 1 << 16
_BLAS_DTYPES = frozenset(map(np.dtype, ("float32", "float64", "complex64", "complex128")))


def _use_matmul(e: Eqn, k: int) -> bool:
    """Whether the 2-D x 2-D product ``e`` (contraction length ``k``) is a ``np.matmul``.

    With C- or Fortran-contiguous operands (:func:`_blas_operand`) np.matmul and np.dot make
    the same BLAS call (gemm, or syrk for ``x.T @ x`` on one buffer) with the same transpose
    flags, so the same bits: for float32/64 and complex64/128 operands of one dtype and every
    dimension at least 2 (with a dimension of 1 np.matmul takes its own loops).
    """
    x, y = e.inputs
    o = e.outvars[0].aval
    dt = x.aval.dtype
    if dt not in _BLAS_DTYPES or y.aval.dtype != dt or o.dtype != dt:
        return False
    return k >= 2 and min(o.shape) >= 2 and o.size * dt.itemsize >= MATMUL_MIN_BYTES


def _blas_operand(x: Any) -> np.ndarray:
    """``x`` as np.dot gives it to BLAS: itself if C- or Fortran-contiguous, else a C-ordered
    copy (np.matmul would pass a padded Fortran-ordered view as it is, or copy a strided
    or broadcast one in another order: other transpose flags, which may change the bits)."""
    if type(x) is not np.ndarray:
        x = np.asarray(x)
    return x if x.flags.forc else np.ascontiguousarray(x)


def _blas_operand_t(x: Any) -> np.ndarray:
    """:func:`_blas_operand` of ``x.T``."""
    x = (x if type(x) is np.ndarray else np.asarray(x)).T
    return x if x.flags.forc else np.ascontiguousarray(x)


def _matmul_operand(ctx: _Ctx, a: Atom, text: str, transpose: bool) -> str:
    if isinstance(a, Var) and a in ctx.contiguous:
        return text + (".T" if transpose else "")
    if transpose:
        return f"{ctx.bind(_blas_operand_t, 'blas_operand_t')}({text})"
    return f"{ctx.bind(_blas_operand, 'blas_operand')}({text})"


@_emitter(lax.dot_general_p)
def _emit_dot_general(ctx: _Ctx, e: Eqn, args: list[str]) -> _Emit:
    (lc, rc), (lb, rb) = e.params["dimension_numbers"]
    ln, rn = e.inputs[0].aval.ndim, e.inputs[1].aval.ndim
    x, y = args
    if not lb and rn <= 2 and len(lc) == 1:  # the BLAS layouts, exactly as lax's impl computes them
        if ln == 2 and rn == 2 and _use_matmul(e, e.inputs[0].aval.shape[lc[0]]):
            xa = _matmul_operand(ctx, e.inputs[0], x, lc[0] == 0)
            ya = _matmul_operand(ctx, e.inputs[1], y, rc[0] == 1)
            # an expression, not a ufunc _Emit: buffer reuse must not make it write into an operand
            return _Emit(f"{ctx.np_fn(np.matmul)}({xa}, {ya})")
        dot = ctx.np_fn(np.dot)
        if lc[0] == ln - 1 and rc[0] == 0:
            return _Emit(f"{dot}({x}, {y})")
        # a 2-D operand's transpose as the ``.T`` view (np.transpose's Python wrapper costs ~1 us)
        if rn == 2 and lc[0] == ln - 1 and rc[0] == 1:
            return _Emit(f"{dot}({x}, {ctx.array_expr(e.inputs[1], y)}.T)")
        if ln == 2 and lc[0] == 0 and rc[0] == 0:
            return _Emit(f"{dot}({ctx.array_expr(e.inputs[0], x)}.T, {y})")
        if ln == 2 and rn == 2 and lc[0] == 0 and rc[0] == 1:
            return _Emit(f"{dot}({ctx.array_expr(e.inputs[0], x)}.T, {ctx.array_expr(e.inputs[1], y)}.T)")
    if not lb and not lc and ln == 1 and rn == 1:  # an outer product (as lax's impl computes it)
        return _Emit(f"{ctx.np_fn(np.multiply)}.outer({x}, {y})")
    return _emit_impl(ctx, e, args)


def _emit_impl(ctx: _Ctx, e: Eqn, args: list[str]) -> _Emit:
    """The fallback: call the primitive's ``impl`` with its parameters as constants."""
    if e.prim.impl is None:
        raise NotImplementedError(f"primitive {e.prim.name} has no implementation to compile")
    fn = ctx.bind(e.prim.impl, "impl_" + e.prim.name)
    kws = [f"{k}={ctx.value(v, 'p_' + k)}" for k, v in e.params.items()]
    return _Emit(f"{fn}({', '.join(args + kws)})", _OPAQUE)


def _emit_jit(ctx: _Ctx, e: Eqn, args: list[str]) -> _Emit:
    sub = e.params["ir"]
    compiled = ctx.memo.get(id(sub))
    if compiled is None:
        compiled = ctx.memo[id(sub)] = _compile(sub, ctx.reuse_buffers, ctx.memo, str(e.params.get("name", "jit")))
    fn = ctx.bind(compiled.fn, "jit_" + str(e.params.get("name", "call")))
    ctx.keep_alive.append(compiled)
    return _Emit(f"{fn}({', '.join(args)})", _OPAQUE)


def _emit_fused(ctx: _Ctx, e: Eqn, args: list[str]) -> _Emit:
    """A fused kernel (:mod:`functrans._src.fusion`): its caller, called directly; every
    result is a fresh array (so later equations may reuse it and call its methods)."""
    fn = ctx.bind(e.params["kernel"].fn, "fused")
    return _Emit(f"{fn}({', '.join(args)})", _FRESH)


def _emit(ctx: _Ctx, e: Eqn) -> _Emit:
    args = [ctx.atom(a) for a in e.inputs]
    if e.prim.name == "jit" and isinstance(e.params.get("ir"), IR):
        return _emit_jit(ctx, e, args)
    if e.prim is fused_p:
        return _emit_fused(ctx, e, args)
    uf = _ufunc_of(e)
    if uf is not None:
        impl = e.prim.impl
        if impl is not uf and _fast_size(e):  # fast_ufuncs' wrapper: as the eager impl computes it
            return _Emit(ufunc=ctx.bind(impl, impl.__name__), args=args)
        return _Emit(ufunc=ctx.np_fn(uf), args=args)
    emitter = _EMITTERS.get(e.prim)
    if emitter is not None and not e.prim.multiple_results:
        return emitter(ctx, e, args)
    return _emit_impl(ctx, e, args)


def _implicit_broadcasts(ir: IR, emits: list[_Emit], ctx: _Ctx) -> None:
    """A ``broadcast_to`` of a 0-d float64 variable whose every reader is a ufunc with another
    float64 operand of the broadcast shape is emitted as the 0-d value itself: the ufunc
    broadcasts it (with stride 0, as the view's), so the results are the same, without
    ``np.broadcast_to``'s Python wrapper (a few microseconds; a grad of a mean has one)."""
    readers: dict[Var, list[Eqn]] = {}
    for e in ir.eqns:
        for a in e.inputs:
            if isinstance(a, Var):
                readers.setdefault(a, []).append(e)
    outs = {a for a in ir.outvars if isinstance(a, Var)}
    f64 = np.dtype(np.float64)
    for i, e in enumerate(ir.eqns):
        x = e.inputs[0] if e.prim is lax.broadcast_to_p else None
        if not isinstance(x, Var) or x.aval.shape != () or x.aval.dtype != f64:
            continue
        o = e.outvars[0]
        if o in outs or o.aval.dtype != f64:
            continue
        shape = o.aval.shape
        if all(
            _ufunc_of(r) is not None
            and r.outvars[0].aval.shape == shape
            and any(b is not o and b.aval.shape == shape and b.aval.dtype == f64 for b in r.inputs)
            for r in readers.get(o, ())
        ):
            emits[i] = _Emit(ctx.atom(x), _SAME)


# --------------------------------------------------------------------------- buffer reuse


def _last_uses(ir: IR) -> dict[Var, float]:
    """The index of the last equation that reads each variable (infinity for outputs)."""
    last: dict[Var, float] = {}
    for i, e in enumerate(ir.eqns):
        for a in e.inputs:
            if isinstance(a, Var):
                last[a] = i
    for a in ir.outvars:
        if isinstance(a, Var):
            last[a] = math.inf
    return last


def plan_buffer_reuse(ir: IR, kinds: Sequence[str], in_place: Sequence[bool]) -> dict[int, Var]:
    """Which equations may write their result into an operand's buffer.

    ``kinds[i]`` is the alias kind of equation ``i``'s results (``"fresh"``,
    ``"view"``, ``"same"`` or ``"opaque"``) and ``in_place[i]`` says whether it can
    take an ``out=`` argument. Returns ``{equation index: operand variable}``.

    A buffer is *owned* if an equation of this program allocated it (a fresh result
    with at least one dimension); inputs, constants and views never are. Every
    variable carries the set of owned buffers it may share memory with (a view or
    ``stop_gradient`` shares its input's, an opaque result all of its inputs'). An
    equation may write into operand ``x`` if ``x`` is a whole owned buffer with the
    result's shape and dtype, no other operand of the equation may share it, and
    no variable that may share it is read by a later equation or returned.
    """
    last = _last_uses(ir)
    roots: dict[Var, frozenset[Var]] = {}
    owner: dict[Var, Var] = {}
    # for each owned buffer, the last equation reading any variable that may share it (a running
    # maximum, so that each check is O(1) and planning stays linear in the program's length)
    busy_until: dict[Var, float] = {}
    plan: dict[int, Var] = {}
    empty: frozenset[Var] = frozenset()

    def share(v: Var, rs: frozenset[Var]) -> None:
        roots[v] = rs
        lv = last.get(v, -1)
        for r in rs:
            if lv > busy_until[r]:
                busy_until[r] = lv

    for i, (e, kind) in enumerate(zip(ir.eqns, kinds)):
        in_vars = [a for a in e.inputs if isinstance(a, Var)]
        if in_place[i] and len(e.outvars) == 1 and e.outvars[0].aval.ndim >= 1:
            o = e.outvars[0]
            for x in in_vars:
                r = owner.get(x)
                if r is None or x.aval.shape != o.aval.shape or x.aval.dtype != o.aval.dtype:
                    continue
                if busy_until[r] > i:
                    continue
                if any(w is not x and r in roots.get(w, empty) for w in in_vars):
                    continue
                plan[i] = x
                owner[o] = r
                share(o, frozenset((r,)))
                break
            if i in plan:
                continue
        for o in e.outvars:
            if kind == _FRESH:
                if o.aval.ndim >= 1:
                    owner[o] = o
                    busy_until[o] = -1
                    share(o, frozenset((o,)))
                else:
                    roots[o] = empty
            elif kind in (_VIEW, _SAME):
                x = e.inputs[0]
                rs = roots.get(x, empty) if isinstance(x, Var) else empty
                share(o, rs)
                if kind == _SAME and isinstance(x, Var) and x in owner:
                    owner[o] = owner[x]
            else:
                rs = frozenset().union(*(roots.get(a, empty) for a in in_vars)) if in_vars else empty
                share(o, rs)
    return plan


# --------------------------------------------------------------------------- the compiled program


class CompiledIR:
    """A program compiled to a Python function.

    ``compiled(*args)`` returns the list of outputs (equal to
    ``eval_ir(ir, ir.consts, args)`` in value, shape and dtype). ``source`` is the
    generated Python text, ``fn`` the generated function itself (calling it directly
    saves one call), ``reused`` the number of equations that write into a buffer
    they reuse.
    """

    __slots__ = ("ir", "source", "fn", "reuse_buffers", "reused", "_keep_alive")

    def __init__(
        self, ir: IR, source: str, fn: Callable[..., list[Any]], reuse_buffers: bool, reused: int, keep: list[Any]
    ) -> None:
        self.ir = ir
        self.source = source
        self.fn = fn
        self.reuse_buffers = reuse_buffers
        self.reused = reused
        self._keep_alive = keep

    def __call__(self, *args: Any) -> list[Any]:
        return self.fn(*args)

    def __repr__(self) -> str:
        return f"<CompiledIR: {len(self.ir.invars)} inputs, {len(self.ir.eqns)} equations, {self.reused} in place>"


def compile_ir(ir: IR, reuse_buffers: bool = True, name: str = "compiled", take_args: bool = False) -> CompiledIR:
    """Compile ``ir`` to a straight-line Python function (see the module docstring).

    With ``reuse_buffers``, ufunc equations write into dead temporary buffers of
    the right shape and dtype (``out=``) instead of allocating; results are the same.
    With ``take_args`` the function takes one list of the inputs, which it empties, and
    drops each input after its last use: the caller can let large inputs be freed while
    the program runs (the eager tape's backward program does).
    """
    return _compile(ir, reuse_buffers, {}, name, take_args)


def _compile(
    ir: IR, reuse_buffers: bool, memo: dict[int, CompiledIR], name: str, take_args: bool = False
) -> CompiledIR:
    ctx = _Ctx(ir, reuse_buffers, memo)
    fname = name if name.isidentifier() and not keyword.iskeyword(name) else "compiled"
    if fname in ctx.used:
        fname = ctx.fresh_name(fname)
    ctx.used.add(fname)
    names = ctx.names

    emits: list[_Emit] = []
    for e in ir.eqns:
        em = _emit(ctx, e)
        emits.append(em)
        ctx.note_layout(e, em)
        if em.kind == _SAME:
            x = e.inputs[0]
            if isinstance(x, Var) and x in ctx.known_array:
                ctx.known_array.add(e.outvars[0])
        elif em.kind != _OPAQUE:
            for o in e.outvars:
                if o.aval.ndim >= 1:
                    ctx.known_array.add(o)

    _implicit_broadcasts(ir, emits, ctx)
    plan: dict[int, Var] = {}
    if reuse_buffers:
        plan = plan_buffer_reuse(ir, [em.kind for em in emits], [em.ufunc is not None for em in emits])

    # Values that may alias a constant (returned copies), and results of opaque calls.
    const_alias: set[Var] = set(ir.constvars)
    opaque: set[Var] = set()
    for e, em in zip(ir.eqns, emits):
        if em.kind == _OPAQUE:
            opaque.update(e.outvars)
        if em.kind != _FRESH and any(isinstance(a, Var) and a in const_alias for a in e.inputs):
            const_alias.update(e.outvars)

    last = _last_uses(ir)
    invars = set(ir.invars)
    outvar_set = {a for a in ir.outvars if isinstance(a, Var)}
    body: list[str] = []
    for i, (e, em) in enumerate(zip(ir.eqns, emits)):
        target = plan.get(i)
        rhs = em.render(None if target is None else names[target])
        outs = [names[o] for o in e.outvars]
        if e.prim.multiple_results or len(outs) != 1:
            lhs = "(" + ", ".join(outs) + ("," if len(outs) == 1 else "") + ") = " if outs else ""
        else:
            lhs = outs[0] + " = "
        types = " ".join(o.aval.str_short() for o in e.outvars)
        body.append(f"{lhs}{rhs}  # {e.prim.name}{' (in place)' if target is not None else ''} -> {types}")
        # free dead temporaries early (a name whose buffer was reused in place is dropped too:
        # the result's name keeps the buffer alive)
        dead = []
        for v in dict.fromkeys([*(a for a in e.inputs if isinstance(a, Var)), *e.outvars]):
            if (v in invars and not take_args) or v in outvar_set or v in ctx.const_vals or v.aval.ndim == 0:
                continue
            if last.get(v, -1) <= i:
                dead.append(names[v])
        if dead:
            body.append("del " + ", ".join(dead))

    rets = []
    for a in ir.outvars:
        if isinstance(a, Literal):
            rets.append(ctx.bind(np.asarray(a.val, dtype=a.aval.dtype)[()], "lit"))
        elif a in invars:
            rets.append(f"{ctx.np_fn(np.asarray)}({names[a]})")
        elif a in const_alias and a.aval.ndim >= 1 or a in ctx.const_vals:
            rets.append(f"{ctx.np_fn(np.array)}({names[a]})")  # a copy: constants stay unchanged
        elif a in opaque and a.aval.ndim == 0:
            dt = ctx.bind(a.aval.dtype, "dt_" + str(a.aval.dtype))
            rets.append(f"{ctx.np_fn(np.asarray)}({names[a]}, {dt})")
        else:
            rets.append(names[a])
    body.append("return [" + ", ".join(rets) + "]")

    # constants are closure variables under their own names
    bound = [(names[v], c) for v, c in zip(ir.constvars, ir.consts)] + ctx.bound
    params = ", ".join(n for n, _ in bound)
    if take_args:  # one list of inputs, emptied: the locals hold the only references
        arg_names = [names[v] for v in ir.invars]
        prologue = [f"({', '.join(arg_names)}{',' if len(arg_names) == 1 else ''}) = _args", "_args.clear()"]
        signature = "_args"
        if not arg_names:
            prologue = []
    else:
        prologue = []
        signature = ", ".join(names[v] for v in ir.invars)
    lines = [
        f"def _factory({params}):",
        f"    def {fname}({signature}):",
        *("        " + ln for ln in prologue + body),
        f"    return {fname}",
    ]
    source = "\n".join(lines) + "\n"
    # One filename for every program: CPython keeps each distinct code filename for good, so a
    # numbered name per compilation would grow memory with every fresh jit. The source is on
    # CompiledIR.source (and jit(f).lower(...)).
    filename = "<functrans compiled>"
    namespace: dict[str, Any] = {}
    exec(compile(source, filename, "exec"), namespace)
    fn = namespace["_factory"](*[obj for _, obj in bound])
    return CompiledIR(ir, source, fn, reuse_buffers, len(plan), ctx.keep_alive)
