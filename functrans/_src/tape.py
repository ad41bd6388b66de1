"""Eager ``grad`` through a recorded tape and a cached compiled backward program.

The normal eager path of ``grad`` linearizes the function (a JVP trace whose tangent half is
recorded as a linear program) and then interprets the transpose rules on that program: about
a hundred primitive applications in Python per call for a small network. This module gives the
same gradients with a fraction of that work, on calls where it can be exact:

* **Recording.** The user's function runs under a :class:`TapeTrace`. Its tracers carry concrete
  values, so Python control flow on values, shapes and errors behave as under the JVP trace.
  Each primitive applied to a traced value runs its implementation at once (``bind`` on the
  values, Python-float fast path included) and appends a record: primitive, parameters and
  which earlier values (slots) or constants it read. No JVP rule runs and nothing is staged.
* **Key.** The tape's structure (primitives, parameters, wiring, the shapes/dtypes/weak types of
  the inputs and constants, which value is the output) determines the backward program: every
  *value* (the arguments, closed-over arrays, Python scalar operands, intermediate results) is
  an input of that program, passed at run time and never baked in.
* **Backward program.** On a key miss the VJP of the recorded program is staged once: the
  records are replayed on staged values under the normal machinery (``linearize_flat`` and
  ``backward_pass``), with a memo that answers a JVP rule's recomputation of a recorded primal
  (the same primitive, parameters and inputs) with the tape's value, so the forward pass is not
  computed twice. Only common-subexpression and dead-code elimination run on it (no
  reassociation, no polynomial forms, no numba fusion), then it is compiled to straight-line
  NumPy code (:func:`~functrans._src.codegen.compile_ir`). It is kept in a global LRU cache of
  :data:`CACHE_SIZE` entries; a hit calls it with the tape's values (only those it reads). A
  grad wrapper first compares its last call's key and reuses that program (no hashing).

Policy (``FUNCTRANS_EAGER_TAPE`` = ``auto``, the default; ``always``; ``off``), per grad wrapper:

* ``auto``: the first :data:`WARMUP_CALLS` calls take the normal path (most functions in a test
  suite are differentiated once, and compiling costs milliseconds); later calls record. A
  wrapper may cause at most :data:`MAX_COMPILES` compilations; on a further key miss (its
  structure keeps changing) that call's gradient is computed by interpreting the recorded tape
  with the normal machinery, and the wrapper goes back to the normal path for good.
* ``always``: every eligible call records (no warm-up, no compile budget), for testing.
* The normal path is taken whenever the tape cannot be exact: a transformation is active
  around the call (grad inside jit, vmap, jvp or another grad: the arguments are tracers), an
  argument is not a real floating array or scalar, ``holomorphic``, the function closes over a
  tracer of another transformation, a parameter is not a plain hashable value (a Python
  callable, as custom_jvp/custom_vjp carry; a large array), a sub-program holds an effectful
  primitive, or the backward program cannot be staged (e.g. a missing transpose rule). If that
  is only found while recording or compiling, the function is run again on the normal path
  (its Python side effects happen twice, once per wrapper at most: the wrapper then keeps to the
  normal path), which raises exactly the error it raises without the tape.
  ``debug.print``/``debug.callback`` run while recording, with the primal values, as under the
  JVP trace; they are not part of the backward program.

Results equal the normal path's: the backward program applies the same transpose rules to the
same values; generated code computes what the primitives' implementations compute; CSE, DCE and
the reordering are exact. Tests pin bitwise equality on networks, control flow and scalar
operands. Nested scalar derivatives (grad of grad of ...) agree to a few ulp from the 5th order
on: the normal path's linearize shares products of *equal* Python scalars (its memo keys them by
value), which changes the rounding; the backward program takes them as inputs and cannot.
The program takes its inputs as a list it empties, so the forward's values are freed during the
backward pass (as the normal path's ``backward_pass(release=True)`` does).
"""

from __future__ import annotations

import os
import weakref
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from functrans._src.core import (
    _TRACER_TYPES,
    Primitive,
    ShapedArray,
    Trace,
    Tracer,
    bind,
    get_aval,
    plain,
)
from functrans._src.lax.contraction import _dot_general_impl, dot_general_p
from functrans._src.lax.elementwise import add_p, div_p, integer_pow_p, mul_p, sub_p
from functrans._src.numpy.contraction import _MATMUL_DN
from functrans._src.numpy.contraction import matmul as _fnp_matmul
from functrans._src.source_info import _state
from functrans._src.tape_backward import _build, _interpret, _records
from functrans._src.tape_keys import _MAX_PARAM_ARRAY, _freeze, _freeze_params, _irs_in, _Unfreezable  # noqa: F401
from functrans._src.tree_compiled import leaves_as
from functrans._src.tree_util import tree_flatten

MODES = ("auto", "always", "off")
MODE: str = os.environ.get("FUNCTRANS_EAGER_TAPE", "auto").strip().lower() or "auto"
if MODE not in MODES:
    raise ValueError(f"FUNCTRANS_EAGER_TAPE must be one of {', '.join(MODES)}, got {MODE!r}")
WARMUP_CALLS = 2  # calls of a grad wrapper on the normal path before it records
MAX_COMPILES = 3  # backward programs one wrapper may cause to be compiled (auto mode)
CACHE_SIZE = 256  # backward programs kept (least recently used dropped first)


def set_mode(mode: str) -> str:
    """Set the policy (``"auto"``, ``"always"`` or ``"off"``); returns the previous one."""
    global MODE
    if mode not in MODES:
        raise ValueError(f"eager tape mode must be one of {', '.join(MODES)}, got {mode!r}")
    prev, MODE = MODE, mode
    return prev


_FAILED = object()  # cached for a structure whose backward program cannot be staged
_cache: OrderedDict[Any, Any] = OrderedDict()
stats = {"compiles": 0, "hits": 0, "misses": 0, "fallbacks": 0, "slower": 0}


_generation = [0]  # bumped by clear_cache: a wrapper's last program is not reused across it


def clear_cache() -> None:
    """Drop every cached backward program."""
    _cache.clear()
    _generation[0] += 1


class TapeState:
    """Per grad wrapper: calls seen, compilations caused, whether it keeps to the normal path,
    and the slots its last backward program read (``keep``: the recording stores only those
    results; see :class:`TapeTrace`)."""

    __slots__ = ("calls", "compiles", "off", "keep", "tree", "last")

    def __init__(self) -> None:
        self.calls = 0
        self.compiles = 0
        self.off = False
        self.keep: frozenset[int] | None = None
        self.tree: Any = None  # the structure of the last call's differentiated arguments (api)
        # the last call's key (its parts) and backward program: compared first, without hashing
        self.last: tuple[Any, ...] | None = None


    def leaves(self, dyn: tuple[Any, ...]) -> tuple[list[Any], Any]:
        """The leaves and structure of the differentiated arguments ``dyn``: the last call's
        structure is tried first (a compiled match, see tree_compiled)."""
        tree = self.tree
        flat = None if tree is None else leaves_as(tree, dyn)
        if flat is None:
            flat, tree = tree_flatten(dyn)
            self.tree = tree
        return flat, tree


class _Abort(BaseException):  # noqa: N818  (BaseException: a user's `except Exception` cannot swallow it)
    """The tape cannot record this call exactly: the normal path must run."""


_NO_PARAMS: dict[str, Any] = {}  # shared by the records of binary operators (never modified)


def _operator(prim: Primitive, right: bool) -> Callable[[TapeTracer, Any], Any]:
    """The operator ``self op o`` (``o op self`` if ``right``) of a TapeTracer: straight to the
    recording when the other operand is of it, a float64 array or a Python float (what bind would
    dispatch there), else through bind."""

    def op(self: TapeTracer, o: Any) -> Any:
        t = self._trace
        to = type(o)
        v = self.val
        # the common cases inline (as process_primitive's lean path records them): a float64
        # array and another tracer's float64 array, a float64 array constant or a Python float
        if type(v) is np.ndarray and v.dtype is _F64 and t.alive and _LEAN.get(prim):
            if to is TapeTracer:
                if o._trace is t:
                    ov = o.val
                    if type(ov) is np.ndarray and ov.dtype is _F64 and (v.ndim or ov.ndim):
                        if right:
                            return t._binary(prim, (), _NO_PARAMS, None, (o.slot, self.slot), ov, v, 0)
                        return t._binary(prim, (), _NO_PARAMS, None, (self.slot, o.slot), v, ov, 0)
            elif v.ndim:
                if to is float:
                    t.vals.append(o)
                    if right:
                        return t._binary(prim, (), _NO_PARAMS, None, (float, self.slot), o, v, 1)
                    return t._binary(prim, (), _NO_PARAMS, None, (self.slot, float), v, o, 1)
                if to is np.ndarray and o.dtype is _F64:
                    t.vals.append(o)
                    if right:
                        return t._binary(prim, (), _NO_PARAMS, None, ((o.shape, _F64), self.slot), o, v, 1)
                    return t._binary(prim, (), _NO_PARAMS, None, (self.slot, (o.shape, _F64)), v, o, 1)
        args = (o, self) if right else (self, o)
        if t.alive and ((to is TapeTracer and o._trace is t) or to is float or (to is np.ndarray and o.dtype is _F64)):
            return t.process_primitive(prim, args, _NO_PARAMS, ())
        return bind(prim, args, {})

    op.__name__ = f"__{'r' if right else ''}{prim.name}__"
    return op


class TapeTracer(Tracer):
    """A value of the recording: its concrete value and the slot it occupies on the tape."""

    __slots__ = ("val", "slot", "_aval")

    def __init__(self, trace: TapeTrace, val: Any, slot: int) -> None:
        self._trace = trace
        self.val = val
        self.slot = slot
        self._aval: ShapedArray | None = None

    # the arithmetic operators (see _operator)
    __add__, __radd__ = _operator(add_p, False), _operator(add_p, True)
    __sub__, __rsub__ = _operator(sub_p, False), _operator(sub_p, True)
    __mul__, __rmul__ = _operator(mul_p, False), _operator(mul_p, True)
    __truediv__, __rtruediv__ = _operator(div_p, False), _operator(div_p, True)

    def __matmul__(self, o: Any) -> Any:
        return _matmul(self, o, self, o)

    def __rmatmul__(self, o: Any) -> Any:
        return _matmul(self, o, o, self)

    def __pow__(self, o: Any) -> Any:
        # x ** n of a float64 array for a Python int n: functrans.numpy.power's integer_pow, recorded
        v = self.val
        if type(o) is int and self._trace.alive and type(v) is np.ndarray and v.dtype is _F64:
            if v.ndim and _LEAN.get(integer_pow_p):
                return self._trace._unary(integer_pow_p, (("y", int, o),), {"y": o}, self.slot, v)
            return self._trace.process_primitive(integer_pow_p, (self,), {"y": o}, (("y", int, o),))
        return Tracer.__pow__(self, o)  # type: ignore[operator]

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        # a float64 array on the left of + - * / @: as the operator on the right, else as any tracer's
        if method == "__call__" and not kwargs and len(inputs) == 2 and inputs[1] is self:
            o = inputs[0]
            v = self.val
            if type(o) is np.ndarray and o.dtype is _F64 and type(v) is np.ndarray and v.dtype is _F64:
                if ufunc is np.matmul:
                    return _matmul(self, o, o, self)
                op = _RIGHT_OPS.get(ufunc)
                if op is not None:
                    return op(self, o)
        return Tracer.__array_ufunc__(self, ufunc, method, *inputs, **kwargs)  # type: ignore[attr-defined]

    @property
    def primal(self) -> Any:
        """The value (named as a JVP tracer's)."""
        return self.val

    @property
    def aval(self) -> ShapedArray:
        av = self._aval
        if av is None:
            av = self._aval = get_aval(self.val)
        return av

    @property
    def shape(self) -> tuple[int, ...]:
        v = self.val
        return v.shape if type(v) is np.ndarray else self.aval.shape  # type: ignore[no-any-return]

    @property
    def dtype(self) -> np.dtype:
        v = self.val
        return v.dtype if type(v) is np.ndarray else self.aval.dtype  # type: ignore[no-any-return]

    @property
    def ndim(self) -> int:
        v = self.val
        return v.ndim if type(v) is np.ndarray else len(self.aval.shape)  # type: ignore[no-any-return]




def _matmul(s: TapeTracer, o: Any, a: Any, b: Any) -> Any:
    """``a @ b``: a matrix times a matrix or vector of float64 straight to the recording (the
    dot_general functrans.numpy.matmul binds), anything else through functrans.numpy.matmul."""
    t = s._trace
    to = type(o)
    if t.alive and ((to is TapeTracer and o._trace is t) or (to is np.ndarray and o.dtype is _F64)):
        av, bv = (a.val if type(a) is TapeTracer else a), (b.val if type(b) is TapeTracer else b)
        if type(av) is np.ndarray and type(bv) is np.ndarray and av.ndim == 2 and 1 <= bv.ndim <= 2:
            # np.dot: what dot_general's impl computes for this layout
            fn = np.dot if dot_general_p.impl is _dot_general_impl else None
            if av.dtype is _F64 and bv.dtype is _F64 and _LEAN.get(dot_general_p):  # as process_primitive's lean path
                if to is TapeTracer:
                    return t._binary(dot_general_p, _MATMUL_FP, _MATMUL_PARAMS, fn, (a.slot, b.slot), av, bv, 0)
                t.vals.append(o)
                refs = ((o.shape, _F64), s.slot) if o is a else (s.slot, (o.shape, _F64))
                return t._binary(dot_general_p, _MATMUL_FP, _MATMUL_PARAMS, fn, refs, av, bv, 1)
            return t.process_primitive(dot_general_p, (a, b), _MATMUL_PARAMS, _MATMUL_FP, fn)
    return _fnp_matmul(a, b)


_MATMUL_PARAMS = {"dimension_numbers": _MATMUL_DN}  # shared by the records of ``@`` (never modified)
_MATMUL_FP = _freeze_params(_MATMUL_PARAMS)
_RIGHT_OPS = {np.add: TapeTracer.__radd__, np.subtract: TapeTracer.__rsub__, np.multiply: TapeTracer.__rmul__,
              np.true_divide: TapeTracer.__rtruediv__}  # fmt: skip


class TapeTrace(Trace):
    """Runs each primitive at once on the values and records it (see the module docstring).

    With ``keep`` (the slots the wrapper's last backward program read) a result in another slot
    is not stored (only its shape and dtype, in ``vals``): it is freed as soon as the function drops it, as
    hand-written code frees ``x @ W`` once ``x @ W + b`` exists, instead of living until the
    backward pass (measured: keeping every intermediate of a 4-layer MLP at batch 32 alive
    costs hand-written NumPy 12-16%, through the caches). If the call turns out to need a
    value that was not stored (its structure differs: a new backward program is compiled as
    usual), its gradient is computed by replaying the tape from its inputs and constants
    (:func:`_interpret`), and the next call keeps what the new program reads."""

    __slots__ = ("vals", "keys", "params", "aborted", "keep", "dropped", "_memo")

    def __init__(self) -> None:
        super().__init__()
        self.vals: list[Any] = []  # slot -> value
        self.keys: list[tuple[Any, ...]] = []  # per record: (prim, frozen params, input refs)
        self.params: list[dict[str, Any]] = []  # per record: its parameters
        # as the JVP trace's memo under linearize (see JVPTrace): a parameterless primitive applied
        # again to the very same 0-d operands returns the earlier result, so that code testing
        # operands for identity (mul's rule for x * x) sees what it sees on the normal path
        self._memo: dict[tuple[Any, ...], tuple[Any, Sequence[Any]]] = {}
        self.aborted = False
        self.keep: frozenset[int] | None = None
        self.dropped = False

    def concrete(self, tracer: Tracer, why: str) -> Any:
        return tracer.val  # type: ignore[attr-defined]

    def finish(self) -> None:
        super().finish()
        # the memo's tracers refer to this trace: a reference cycle, left to the garbage
        # collector (measured: its collections cost ~8% of a small network's gradient)
        self._memo.clear()

    def abort(self) -> _Abort:
        self.aborted = True
        return _Abort()

    def _general(self, prim: Primitive, args: Sequence[Any], params: dict[str, Any]) -> Any:
        """process_primitive's general path (any operands and primitives)."""
        how = _HOW.get(prim)
        if how is None:
            how = _HOW[prim] = _how(prim)
        vals = self.vals
        base = len(vals)
        ins = []
        refs = []
        fast = True  # float64 arrays and scalars, Python floats, one NumPy operand at least: impl at once
        arr = big = False
        for a in args:
            ta = type(a)
            if ta is TapeTracer and a._trace is self:
                refs.append(a.slot)
                a = a.val
                ta = type(a)
            elif ta in _TRACER_TYPES or isinstance(a, Tracer):  # closed over from another transformation
                raise self.abort()
            else:  # a constant: its value is an input of the backward program (a new slot)
                vals.append(a)
                if ta in _PY_SCALARS:
                    refs.append(ta)
                else:
                    try:
                        refs.append(_const_ref(a))
                    except TypeError:  # not an operand: bind raises its own error on the normal path
                        raise self.abort() from None
            ins.append(a)
            if ta is np.ndarray:
                arr = True
                if a.dtype is not _F64:
                    fast = False
                if a.ndim:
                    big = True
            elif ta is np.float64:  # (bind would return the impl's result as it is)
                arr = True
            elif ta is not float:
                fast = False
        if how:
            del vals[base:]
            if how == _NO_RULE:  # the normal path raises its error: let it
                raise self.abort()
            return bind(prim, ins, params)  # effectful or piecewise constant: runs now, not traced
        if not params and not big and not prim.multiple_results:  # a 0-d result is possible
            key = _memo_key(prim, args)
            if key is not None:
                hit = self._memo.get(key)
                if hit is not None:
                    del vals[base:]
                    return hit[0]
                out = self._record(prim, ins, params, refs, base, fast, arr)
                v = out.val if type(out) is TapeTracer else None
                if v is not None and (type(v) is float or type(v) is np.float64 or np.ndim(v) == 0):
                    self._memo[key] = (out, tuple(args))
                return out
        return self._record(prim, ins, params, refs, base, fast, arr)

    def process_primitive(self, prim: Primitive, args: Sequence[Any], params: dict[str, Any],
                          fp: tuple[Any, ...] | None = None, fn: Callable[..., Any] | None = None) -> Any:  # fmt: skip
        """Record ``prim`` applied to ``args``. The common case first, lean: a recorded
        single-result primitive (``_how`` 0) on float64 arrays (one not 0-d) and Python floats,
        its impl run at once (no memo: see _general). ``fp``: the frozen ``params`` if the caller
        knows them; ``fn``: a function computing exactly what the impl computes on such operands
        (the operators of TapeTracer pass them)."""
        plain = _LEAN.get(prim)
        if plain is None:
            plain = _LEAN[prim] = _how(prim) == 0 and not prim.multiple_results
        if not plain:
            return self._general(prim, args, params)
        if len(args) == 1 and fn is None:  # the common unary case first
            a = args[0]
            if type(a) is TapeTracer and a._trace is self:
                v = a.val
                if type(v) is np.ndarray and v.dtype is _F64 and v.ndim:
                    if fp is None:
                        try:
                            fp = _freeze_params(params) if params else ()
                        except _Unfreezable:
                            raise self.abort() from None
                    return self._unary(prim, fp, params, a.slot, v)
        vals = self.vals
        base = len(vals)
        ins = []
        refs = []
        big = False
        for a in args:
            ta = type(a)
            if ta is TapeTracer and a._trace is self:
                refs.append(a.slot)
                a = a.val
                if type(a) is not np.ndarray or a.dtype is not _F64:
                    break
            elif ta is np.ndarray and a.dtype is _F64:  # a constant: an input of the backward program
                refs.append((a.shape, _F64))
                vals.append(a)
            elif ta is float:
                refs.append(float)
                vals.append(a)
                ins.append(a)
                continue
            else:
                break
            if a.ndim:
                big = True
            ins.append(a)
        else:
            if big:
                if fp is None:
                    try:
                        fp = _freeze_params(params) if params else ()
                    except _Unfreezable:
                        raise self.abort() from None
                if fn is not None:
                    out = fn(*ins)
                elif params:
                    out = prim.impl(*ins, **params)  # type: ignore[misc]
                else:
                    out = prim.impl(*ins)  # type: ignore[misc]
                if type(out) is np.ndarray and out.dtype.kind == "f":
                    return self._push(prim, fp, tuple(refs), params, out)
                return self._emit(prim, fp, params, refs, base, out)
        del vals[base:]
        return self._general(prim, args, params)

    def _unary(self, prim: Primitive, fp: tuple[Any, ...], params: dict[str, Any], ref: int, x: Any) -> Any:
        """process_primitive's lean path for one operand, a float64 array (not 0-d) in slot ``ref``."""
        out = prim.impl(x, **params) if params else prim.impl(x)  # type: ignore[misc]
        if type(out) is np.ndarray and out.dtype.kind == "f":
            return self._push(prim, fp, (ref,), params, out)
        return self._emit(prim, fp, params, [ref], len(self.vals), out)

    def _binary(self, prim: Primitive, fp: tuple[Any, ...], params: dict[str, Any], fn: Callable[..., Any] | None,
                refs: tuple[Any, ...], x: Any, y: Any, n_const: int) -> Any:  # fmt: skip
        """process_primitive's lean path for two float64 operands (one an array that is not 0-d)
        whose input references ``refs`` are known (``n_const`` constants already stored)."""
        if fn is not None:
            out = fn(x, y)
        elif params:
            out = prim.impl(x, y, **params)  # type: ignore[misc]
        else:
            out = prim.impl(x, y)  # type: ignore[misc]
        if type(out) is np.ndarray and out.dtype.kind == "f":
            return self._push(prim, fp, refs, params, out)
        return self._emit(prim, fp, params, list(refs), len(self.vals) - n_const, out)

    def _push(self, prim: Primitive, fp: tuple[Any, ...], refs: tuple[Any, ...], params: dict[str, Any],
              out: np.ndarray) -> TapeTracer:  # fmt: skip
        """Record a float array result of the lean paths; stored as :meth:`_store` does (inline)."""
        self.keys.append((prim, fp, refs))
        self.params.append(params)
        vals = self.vals
        slot = len(vals)
        keep = self.keep
        if keep is None or slot in keep:
            vals.append(out)
        else:
            vals.append(_Gone((out.shape, out.dtype)))
            self.dropped = True
        return TapeTracer(self, out, slot)

    def _record(
        self, prim: Primitive, ins: list[Any], params: dict[str, Any], refs: list[Any], base: int, fast: bool, arr: bool
    ) -> Any:
        if params:
            try:
                fp = _freeze_params(params)
            except _Unfreezable:
                raise self.abort() from None
            out = prim.impl(*ins, **params) if fast and arr else bind(prim, ins, params)  # type: ignore[misc]
        else:
            fp = ()
            out = prim.impl(*ins) if fast and arr else bind(prim, ins, params)  # type: ignore[misc]
        return self._emit(prim, fp, params, refs, base, out)

    def _emit(self, prim: Primitive, fp: tuple[Any, ...], params: dict[str, Any], refs: list[Any], base: int,
              out: Any) -> Any:  # fmt: skip
        """Record the application whose result is ``out`` (not traced if not a float)."""
        vals = self.vals
        if prim.multiple_results:
            outs = []
            any_float = False
            for o in out:
                k = _kind(o)
                if k == "c":
                    raise self.abort()
                if k == "f":
                    any_float = True
                    outs.append(TapeTracer(self, o, len(vals)))
                else:
                    outs.append(o)
                vals.append(o)
            if not any_float:  # nothing differentiable: not recorded
                del vals[base:]
                return list(out)
            self.keys.append((prim, fp, tuple(refs), len(outs)))
            self.params.append(params)
            return outs
        t = type(out)
        if t is not float and t is not np.float64 and (out.dtype.kind if t is np.ndarray else _kind(out)) != "f":
            del vals[base:]
            if _kind(out) == "c":
                raise self.abort()
            return out  # integer or boolean: no tangent, not traced (as under JVP)
        self.keys.append((prim, fp, tuple(refs)))
        self.params.append(params)
        return TapeTracer(self, out, self._store(out))

    def _store(self, out: Any) -> int:
        """The slot of a recorded single result: stored unless ``keep`` says it is not read."""
        vals = self.vals
        slot = len(vals)
        keep = self.keep
        if keep is None or slot in keep or type(out) is not np.ndarray:
            vals.append(out)
        else:
            vals.append(_Gone((out.shape, out.dtype)))
            self.dropped = True
        return slot


class _Gone(tuple):  # type: ignore[type-arg]
    """A result the recording did not keep: ``(shape, dtype)`` (for compiling a new program);
    a tuple (made without a Python-level ``__init__``), never an operand."""

    __slots__ = ()


_F64 = np.dtype(np.float64)


def _memo_key(prim: Primitive, args: Sequence[Any]) -> tuple[Any, ...] | None:
    """The memo key of an application, as the JVP trace's (functrans._src.jvp._memo_key): tracers
    and NumPy scalars by identity, Python scalars by type, value and (for a zero) sign; None
    with a NumPy array operand (it could change in place between two applications)."""
    key: list[Any] = [prim]
    for a in args:
        t = type(a)
        if t is TapeTracer:
            key.append(id(a))
        elif t in _PY_SCALARS:
            key.append((t, a) if a else (t, a, str(a)))
        elif isinstance(a, np.ndarray):
            return None
        else:
            key.append(id(a))
    return tuple(key)


_ZERO_JVP = "defjvp_zero.<locals>.rule"
_NO_RULE, _UNTRACED = 1, 2
_HOW: dict[Primitive, int] = {}
_LEAN: dict[Primitive, bool] = {}  # recorded (_how is 0) with a single result


def _how(prim: Primitive) -> int:
    """0: recorded; _UNTRACED: effectful (debug.print runs now, as under JVP) or piecewise
    constant (its result is not traced, as its tangent is a symbolic zero under JVP);
    _NO_RULE: no JVP rule (the normal path raises the error)."""
    if getattr(prim, "effectful", False):
        return _UNTRACED
    rule = prim.jvp
    if rule is None:
        return _NO_RULE
    return _UNTRACED if getattr(rule, "__qualname__", "") == _ZERO_JVP else 0


_PY_SCALARS = frozenset({float, int, bool, complex})


def _kind(x: Any) -> str:
    t = type(x)
    if t is float:
        return "f"
    if t is np.ndarray or isinstance(x, np.generic):
        return x.dtype.kind  # type: ignore[no-any-return]
    return get_aval(x).dtype.kind


def _const_ref(v: Any) -> Any:
    """A constant operand in the key: its shape and dtype (its value is passed at run time)."""
    if type(v) is np.ndarray or isinstance(v, np.generic):
        return (v.shape, v.dtype)
    av = get_aval(v)
    return (av.shape, av.dtype, av.weak_type)


def _evict(key: Any) -> None:
    _cache.pop(key, None)


# --------------------------------------------------------------------------- recording


class TapeRun:
    """A recorded call: the outputs (values), their structure, aux, and the tape."""

    __slots__ = ("trace", "outs", "out_tree", "aux", "out_slot", "slots", "n_in", "state")

    def __init__(self, trace: TapeTrace, outs: list[Any], out_tree: Any, aux: Any, slots: list[int | None],
                 n_in: int, state: TapeState) -> None:  # fmt: skip
        self.trace = trace
        self.outs = outs
        self.out_tree = out_tree
        self.aux = aux
        self.out_slot = slots[0] if slots else None  # (grad's output)
        self.slots = slots  # per flat result (outputs, then aux): its slot, None if not recorded
        self.n_in = n_in
        self.state = state

    def grads(self, out_aval: ShapedArray) -> list[Any] | None:
        """The gradients of the inputs (``None`` entries for zeros), or ``None`` if the normal
        path must compute them (the backward program cannot be staged)."""
        tr = self.trace
        vals = tr.vals
        n = self.n_in
        if self.out_slot is None:  # the output does not depend on the inputs
            return [None] * n
        # the inputs are floats, NumPy floating arrays and scalars (see record): as _const_ref
        sig = tuple([float if type(v) is float else (v.shape, v.dtype) for v in vals[:n]])
        del vals  # (not held here while _run frees the forward's values one by one)
        state = self.state
        last = state.last
        # the wrapper's last key first, part by part (equality, as the cache's lookup; no hashing)
        if (last is not None and last[0] == tr.keys and last[1] == sig and last[2] == self.out_slot
                and last[3] == out_aval.shape and last[4] == out_aval.dtype and last[5] == out_aval.weak_type
                and last[6] == _generation[0]):  # fmt: skip
            stats["hits"] += 1
            return self._run(last[7], out_aval)
        key = (tuple(tr.keys), sig, self.out_slot, out_aval.shape, out_aval.dtype, out_aval.weak_type)
        try:
            entry = _cache.get(key)
        except TypeError:  # pragma: no cover - frozen keys are hashable
            entry = None
            key = None
        if entry is None:
            stats["misses"] += 1
            if key is None or (MODE != "always" and state.compiles >= MAX_COMPILES):
                state.off = True  # its structure keeps changing: the normal path from now on
                return _interpret(tr, n, self.out_slot, seed(out_aval))
            state.compiles += 1
            stats["compiles"] += 1
            try:
                avals = [ShapedArray(v[0], v[1]) if type(v) is _Gone else get_aval(v) for v in tr.vals]
                entry = _build(_records(tr, n), avals, n, self.out_slot, seed(out_aval))
            except Exception:
                entry = _FAILED
            _cache[key] = entry
            for ir in _irs_in(key, []):  # dropped when one of its sub-programs is
                weakref.finalize(ir, _evict, key)
            while len(_cache) > CACHE_SIZE:
                try:
                    _cache.popitem(last=False)
                except KeyError:  # emptied meanwhile (by another thread)
                    break
        else:
            stats["hits"] += 1
            try:
                _cache.move_to_end(key)
            except KeyError:  # evicted meanwhile (by another thread)
                pass
        if entry is _FAILED:
            state.off = True
            stats["fallbacks"] += 1
            return None
        state.last = (tr.keys, sig, self.out_slot, out_aval.shape, out_aval.dtype, out_aval.weak_type,
                      _generation[0], entry)  # fmt: skip
        return self._run(entry, out_aval)

    def _run(self, entry: Any, out_aval: ShapedArray) -> list[Any]:
        """The gradients from the compiled backward program ``entry`` (see :meth:`grads`)."""
        tr = self.trace
        vals = tr.vals
        state = self.state
        n = self.n_in
        args = [vals[i] for i in entry.used]
        keep, state.keep = tr.keep, entry.keep
        # a value this program reads was not kept (the recording kept what another program read)
        if tr.dropped and keep is not entry.keep and any(type(a) is _Gone for a in args):
            return _interpret(tr, n, self.out_slot, seed(out_aval))
        tr.vals = vals = []
        check = entry.check
        kept = [[args[p] for p in ps] for _, ps in check] if check else None
        res = entry.fn(args)  # it empties args: each value is freed after its last use
        if kept:  # a gradient may be an input (a closed-over array) or a view of one
            for (i, _), ins in zip(check, kept):
                o = res[i]
                if type(o) is np.ndarray and any(
                    o is a or (type(a) is np.ndarray and o.base is not None and np.may_share_memory(o, a)) for a in ins
                ):
                    res[i] = o.copy()
        for i in entry.scalars:  # (the others are arrays: see codegen's outputs)
            o = res[i]
            if type(o) is not np.ndarray:
                res[i] = np.asarray(o)
        if len(res) == len(entry.nonzero):
            return res
        it = iter(res)
        return [next(it) if nz else None for nz in entry.nonzero]


def seed(aval: ShapedArray) -> Any:
    """grad's output cotangent: a one of the output's dtype, weakly typed (a Python scalar) when
    the output is, as JAX's. A weak one times any float leaves it unchanged, so transpose rules
    can skip the product (see elementwise._is_one)."""
    if aval.weak_type and aval.dtype.kind in "fc":
        return 1.0 if aval.dtype.kind == "f" else 1.0 + 0.0j
    return np.ones((), aval.dtype)


def record(
    state: TapeState, fun: Callable[..., list[Any]], flat: Sequence[Any], has_aux: bool, split: Callable[..., Any],
    f64: bool = False,
) -> TapeRun | None:
    """Run the flat function ``fun`` on the recording trace, or ``None`` if this call takes the
    normal path (see the module docstring). ``split`` separates outputs from aux. ``f64``: the
    caller found every input a float64 ``numpy.ndarray`` (nothing to check or convert)."""
    if MODE == "off" or state.off:
        return None
    state.calls += 1
    if MODE == "auto" and state.calls <= WARMUP_CALLS:
        return None
    if len(_state.stack) > 1:  # inside another transformation (jit, vmap, jvp, grad)
        return None
    if not f64:
        for x in flat:
            t = type(x)
            if t is not float and not ((t is np.ndarray or isinstance(x, np.floating)) and x.dtype.kind == "f"):
                if not (isinstance(x, np.ndarray) and x.dtype.kind == "f"):  # functrans.Array
                    return None
    trace = TapeTrace()
    trace.keep = state.keep
    try:
        trace.vals = vals = list(flat) if f64 else [x if type(x) is np.ndarray else plain(x) for x in flat]
        ins = [TapeTracer(trace, v, i) for i, v in enumerate(vals)]
        try:
            outs = fun(*ins)
        except _Abort:
            outs = None
        if outs is None or trace.aborted:
            state.off = True
            stats["fallbacks"] += 1
            return None
        slots: list[int | None] = []
        res = []
        for o in outs:
            if type(o) is TapeTracer and o._trace is trace:
                slots.append(o.slot)
                o = o.val
            else:
                slots.append(None)
            res.append(o)
        outs_, aux = split(res)
        return TapeRun(trace, outs_, None, aux, slots, len(flat), state)
    finally:
        trace.finish()
