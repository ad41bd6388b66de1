"""The core: abstract values, primitives, tracers, traces and the IR.

Every operation in functrans is a :class:`Primitive`. Applying one goes through
:func:`bind`, which looks at the arguments: if none is a :class:`Tracer` the
primitive's NumPy implementation runs at once; otherwise the trace of the
highest *level* among the arguments interprets it. Each transformation
(jvp, the tangent staging of linearize, make_ir, ...) is a :class:`Trace`
subclass in its own module.

Levels come from a counter that never repeats, so a trace created later (an
inner transformation) always outranks the ones around it, and a value of an
outer transformation seen by an inner one is simply a constant to it: that is
what rules out perturbation confusion. A trace is marked dead when its
transformation returns (normally or by an exception); using one of its tracers
afterwards raises :class:`EscapedTracerError` instead of a wrong answer.

Symbolic zeros: inside the machinery a tangent or cotangent of ``None`` means
"known to be zero". Rules skip work on it; the API boundary turns it into a
real array of zeros.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from functrans._src.source_info import current_transform, trace_kind, where_leaked, where_traced

# The dtype of tangents of integer and boolean values (as in JAX): it holds no data.
float0: np.dtype = np.dtype([("float0", np.void, 0)])

_PY_SCALAR_DTYPES: dict[type, np.dtype] = {
    bool: np.dtype(bool),
    int: np.dtype(np.int64),
    float: np.dtype(np.float64),
    complex: np.dtype(np.complex128),
}


class ShapedArray:
    """The abstract value of an array: its shape and dtype.

    ``weak_type`` marks Python scalars, whose dtype gives way to the other
    operand's in NumPy's promotion (NEP 50).
    """

    __slots__ = ("shape", "dtype", "weak_type")

    def __init__(self, shape: tuple[int, ...], dtype: np.dtype, weak_type: bool = False) -> None:
        self.shape = shape
        self.dtype = dtype
        self.weak_type = weak_type

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return math.prod(self.shape)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, ShapedArray)
            and self.shape == other.shape
            and self.dtype == other.dtype
            and self.weak_type == other.weak_type
        )

    def __hash__(self) -> int:
        return hash((self.shape, self.dtype, self.weak_type))

    def str_short(self) -> str:
        """A compact form such as ``f64[3,4]``."""
        return f"{dtype_short(self.dtype)}[{','.join(map(str, self.shape))}]"

    def __repr__(self) -> str:
        return f"ShapedArray({self.str_short()}{', weak' if self.weak_type else ''})"


def dtype_short(dtype: np.dtype) -> str:
    """``float64`` -> ``f64``, ``int32`` -> ``i32``, ``bool`` -> ``bool``."""
    if dtype == float0:
        return "float0"
    if dtype.kind == "b":
        return "bool"
    return {"f": "f", "i": "i", "u": "u", "c": "c"}.get(dtype.kind, dtype.kind) + str(8 * dtype.itemsize)


_PY_SCALAR_AVALS: dict[type, ShapedArray] = {
    t: ShapedArray((), d, weak_type=t is not bool) for t, d in _PY_SCALAR_DTYPES.items()
}


def get_aval(x: Any) -> ShapedArray:
    """The abstract value of a tracer, array or scalar; a clear TypeError otherwise."""
    t = type(x)
    if t is np.ndarray:  # the common case first
        return ShapedArray(x.shape, x.dtype)
    av = _PY_SCALAR_AVALS.get(t)
    if av is not None:  # shared: abstract values are never mutated
        return av
    if t in _TRACER_TYPES:
        return x.aval
    if isinstance(x, np.ndarray | np.generic):
        return ShapedArray(x.shape, x.dtype)
    if isinstance(x, Tracer):
        return x.aval
    raise TypeError(
        f"Value {x!r} of type {type(x).__name__} is not a valid functrans array type: "
        "expected a NumPy array, a NumPy scalar or a Python bool/int/float/complex."
    )


# the dtypes functrans computes with (as JAX: no float128, strings, objects or records)
VALID_DTYPES: frozenset[np.dtype] = frozenset(
    np.dtype(t)
    for t in (
        bool, np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64,
        np.float16, np.float32, np.float64, np.complex64, np.complex128,
    )
)  # fmt: skip


# ndarray subclasses that add nothing but methods (functrans.Array registers itself)
ARRAY_SUBCLASSES: set[type] = set()


def register_array_subclass(cls: type) -> None:
    """Accept instances of the ndarray subclass ``cls`` wherever a NumPy array is accepted."""
    ARRAY_SUBCLASSES.add(cls)


def check_leaf(x: Any, what: str | Callable[[], str], tangent: bool = False) -> Any:
    """Validate one input leaf at the API boundary (``what`` names it in the error).

    Accepts tracers, NumPy arrays and scalars of a supported dtype and Python scalars;
    masked arrays, object/string/record arrays, float128 and other objects raise TypeError.
    ``what`` may be a function giving the name, called only to build the error message.
    A ``tangent`` may also have dtype float0 (the tangent of an integer).
    """
    t = type(x)
    if t in _TRACER_TYPES:  # a value of an outer transformation (nested derivatives): checked there
        return x
    if t is np.ndarray or isinstance(x, np.generic):
        if x.dtype in VALID_DTYPES or (tangent and x.dtype == float0):
            return x
        what = what() if callable(what) else what
        raise TypeError(
            f"{what} is an array of dtype {x.dtype}, which functrans does not support: expected a "
            "boolean, integer or floating dtype of at most 64 bits (or complex of at most 128 bits)"
        )
    if t in _PY_SCALAR_DTYPES or isinstance(x, Tracer):
        return x
    what = what() if callable(what) else what
    if isinstance(x, np.ma.MaskedArray):
        raise TypeError(
            f"{what} is a NumPy masked array, which functrans does not support: pass arr.filled(value) "
            "(or the data and the mask as two arrays)"
        )
    if type(x) in ARRAY_SUBCLASSES:  # functrans.Array: a plain ndarray plus `.at`
        return check_leaf(x.view(np.ndarray), what, tangent)
    if isinstance(x, np.ndarray):  # another subclass: its extra behaviour would be lost silently
        raise TypeError(
            f"{what} is an instance of {t.__name__}, a subclass of numpy.ndarray that functrans "
            "does not support: pass np.asarray(value)"
        )
    desc = "None" if x is None else f"a value of type {t.__name__}"
    raise TypeError(
        f"{what} is {desc}, which is not a valid functrans type: expected NumPy arrays, "
        "NumPy or Python scalars, or (nested) tuples, lists and dicts of them"
    )


def unaliased(outs: Sequence[Any], ins: Sequence[Any], kept: Sequence[Any] = ()) -> list[Any]:
    """The results of a transformation as they leave the API: every NumPy array writable and
    sharing no memory with an input array in ``ins`` (or another result). Arrays in ``kept``
    (e.g. the residuals a vjp function holds on to) must not be returned themselves or as
    a view of theirs; they are checked by identity only, since there may be many.
    Copies only where needed."""
    if len(outs) == 1:  # the common case: one result, no bookkeeping of results
        o = outs[0]
        if type(o) in _TRACER_TYPES:  # a value of an outer transformation: nothing to copy
            return [o]
        if type(o) is np.ndarray:
            base = o.base  # a fresh array (no base) can only alias an input by being one
            if base is None and o.flags.writeable:
                for a in ins:
                    if a is o:
                        break
                else:
                    if not kept or not _in_ids(o, kept):
                        return [o]
    elif not kept:  # many results, each a new writable array (no base) of its own, none an input
        ids = {id(o) for o in outs if type(o) is np.ndarray and o.base is None and o.flags.writeable}
        if len(ids) == len(outs) and ids.isdisjoint(map(id, ins)):
            return list(outs)
    res: list[Any] = []
    arrays: list[np.ndarray] | None = None
    in_ids: set[int] = set()
    kept_ids: set[int] | None = None
    seen: set[int] = set()
    for o in outs:
        if isinstance(o, np.ndarray):
            if not o.flags.writeable or id(o) in seen:
                o = o.copy()
            else:
                if arrays is None:
                    arrays = [a for a in ins if isinstance(a, np.ndarray)]
                    in_ids = {id(a) for a in arrays}
                base = o.base  # a fresh array (no base) can only alias an input by being one
                if id(o) in in_ids or (base is not None and any(np.may_share_memory(o, a) for a in arrays)):
                    o = o.copy()
                elif kept:
                    if kept_ids is None:
                        kept_ids = {id(k) for k in kept}
                    if id(o) in kept_ids or (base is not None and id(base) in kept_ids):
                        o = o.copy()
            seen.add(id(o))
        res.append(o)
    return res


def _in_ids(o: Any, kept: Sequence[Any]) -> bool:
    """Whether ``o`` is one of ``kept`` (by identity)."""
    return any(k is o for k in kept)


def plain(x: Any) -> Any:
    """``x`` as a plain ``numpy.ndarray`` if it is an instance of a subclass (such as
    ``functrans.Array``; a free view), else ``x`` itself. Transformations take their
    arguments through this, so NumPy never pays for subclass wrapping inside them."""
    t = type(x)
    if t is np.ndarray or t is float or t in _TRACER_TYPES:  # the common cases, without isinstance
        return x
    return x.view(np.ndarray) if isinstance(x, np.ndarray) else x


def is_float_dtype(dtype: np.dtype) -> bool:
    """True for the dtypes that carry real tangents (floating and complex)."""
    return dtype.kind in "fc"


def tangent_dtype(dtype: np.dtype) -> np.dtype:
    """The dtype of a tangent for a primal of ``dtype`` (float0 for int/bool)."""
    return dtype if dtype.kind in "fc" else float0


def tangent_aval(aval: ShapedArray) -> ShapedArray:
    """The abstract value of a tangent of a primal with abstract value ``aval``."""
    if not aval.weak_type and aval.dtype.kind in "fc":  # its own (abstract values are never mutated)
        return aval
    return ShapedArray(aval.shape, tangent_dtype(aval.dtype))


def zeros_for(aval: ShapedArray) -> np.ndarray:
    """A concrete zero array for ``aval`` (used only at the API boundary)."""
    return np.zeros(aval.shape, aval.dtype)


# --------------------------------------------------------------------------- primitives


class Primitive:
    """A named operation and, attached to it, every rule that transformations need.

    Rules (all set where the primitive is declared, in ``functrans._src.lax``):

    * ``impl(*args, **params)``: the NumPy implementation.
    * ``abstract_eval(*avals, **params)``: the shape/dtype rule, returning a
      :class:`ShapedArray` (or a list of them if ``multiple_results``).
    * ``jvp(primals, tangents, **params) -> (primal_out, tangent_out)``; a
      tangent of ``None`` is a symbolic zero, in and out.
    * ``transpose(cts, *args, **params)``: only for primitives linear in some
      inputs; linear inputs arrive as :class:`UndefinedPrimal`. Returns one
      cotangent (or ``None``) per input.
    """

    def __init__(self, name: str, multiple_results: bool = False) -> None:
        self.name = name
        self.multiple_results = multiple_results
        self.impl: Callable[..., Any] | None = None
        self.abstract_eval: Callable[..., Any] | None = None
        self.jvp: Callable[..., Any] | None = None
        self.transpose: Callable[..., Any] | None = None
        self.batch: Callable[..., Any] | None = None
        # Whether every rule above is right for complex operands (JAX's conventions). A primitive
        # that has not been checked for complex values rejects them (see complex_unsupported).
        self.complex_ok = False
        # f(x, y) == f(y, x) exactly, bit for bit (add, mul): recording may share x*y with y*x
        self.commutative = False
        # For a primitive without parameters: an implementation on Python floats alone that gives
        # exactly NumPy's float64 result (Python's + - * and unary -), skipping NumPy's scalar
        # overhead. The result is a Python float, as ``impl``'s would become.
        self.float_impl: Callable[..., Any] | None = None
        # ``simplify(trace, args, atoms)``: while linearize records the tangent program, the result
        # of applying the primitive to ``args`` (the IR ``atoms`` of them) without recording an
        # equation when an exact identity gives it (neg(neg(x)) = x, x * 1.0 = x), else None.
        self.simplify: Callable[..., Any] | None = None
        # ``simplify`` can only apply when an operand is a literal (x * 1.0): recording skips the
        # call for operands that are all variables
        self.simplify_needs_literal = False

    def bind(self, *args: Any, **params: Any) -> Any:
        """Apply the primitive to ``args`` under whatever transformations are active."""
        return bind(self, args, params)

    def __repr__(self) -> str:
        return self.name


def bind(prim: Primitive, args: Sequence[Any], params: dict[str, Any]) -> Any:
    """Dispatch ``prim`` to the highest-level live trace among ``args``, or run it."""
    top: Trace | None = None
    for a in args:
        ta = type(a)
        if ta is _ndarray:
            d = a.dtype  # float64 by identity first (builtin dtypes are singletons): the common case
            if d is not _F64 and (d.kind not in _OPERAND_KINDS or (d.kind == "c" and not prim.complex_ok)):
                raise _bad_operand(prim, a)
        elif ta in _TRACER_TYPES:
            t = a._trace
            if not t.alive:
                raise EscapedTracerError(a, prim)
            if top is None or t.level > top.level:
                top = t
        elif ta not in _SCALAR_TYPES and (
            (not prim.complex_ok)
            if ta is complex
            else (
                not ((isinstance(a, np.generic) or ta in ARRAY_SUBCLASSES) and a.dtype.kind in _OPERAND_KINDS)
                or (a.dtype.kind == "c" and not prim.complex_ok)
            )
        ):
            raise _bad_operand(prim, a)
    if top is None:
        f = prim.float_impl
        if f is not None:
            for a in args:
                if type(a) is not float:
                    break
            else:  # Python floats only: Python's own arithmetic, bit for bit NumPy's float64
                return f(*args)
        try:
            out = prim.impl(*args, **params)  # type: ignore[misc]
        except ValueError as e:
            raise operand_error(e) from None
        if type(out) in _NP_SCALARS:
            for a in args:
                if type(a) not in _PY_SCALARS:
                    return out
            # Python scalars in, a Python scalar out: it stays weakly typed (as in JAX), so
            # 2.0 - 1 does not turn a float32 computation into float64 later on.
            return out.item()
        return out
    return top.process_primitive(prim, args, params)


_PY_SCALARS = frozenset({int, float, complex})
# operand types accepted without further checks (the fast path of bind)
# Operand types bind accepts at once: NumPy arrays, scalars, and tracers (every Tracer subclass
# registers itself here, see Tracer.__init_subclass__); any other type is checked the slow way.
_ndarray = np.ndarray
_SCALAR_TYPES = frozenset({float, int, bool, np.float64, np.float32, np.int64, np.int32, np.bool_})
_TRACER_TYPES: set[type] = set()
# dtype kinds a primitive accepts: bool, integers, floats, complex, and float0 ("V") tangents. The
# finer check (no float128, no record arrays) is done once at the API boundary (check_leaf).
_OPERAND_KINDS = "biufcV"
_F64 = np.dtype(np.float64)


def complex_unsupported(prim: Primitive, what: str) -> TypeError:
    """The error for a complex operand given to a primitive whose rules are real-only."""
    return TypeError(
        f"functrans primitive '{prim.name}' does not support complex values, but got {what}. "
        "Apply it to the real and imaginary parts (functrans.numpy.real / imag) separately."
    )


def _bad_operand(prim: Primitive, a: Any) -> TypeError:
    """The error for a primitive applied to something that is not an array or a scalar."""
    if a.__class__ is complex or (isinstance(a, np.ndarray | np.generic) and a.dtype.kind == "c"):
        if not prim.complex_ok:
            return complex_unsupported(prim, f"a complex operand ({_short_repr(a)})")
    name = type(a).__name__
    what = "None" if a is None else f"{'an' if name[0] in 'aeiou' else 'a'} {name}"
    if isinstance(a, np.ndarray | np.generic):
        what += f" of dtype {a.dtype}"
    hint = (
        " To apply it to every leaf of a tuple, list or dict, use functrans.tree_util.tree_map."
        if isinstance(a, tuple | list | dict)
        else ""
    )
    return TypeError(
        f"functrans primitive '{prim.name}' expects arrays or scalars as operands, but got {what} "
        f"(value {_short_repr(a)}).{hint}"
    )


def _short_repr(a: Any) -> str:
    r = repr(a)
    return r if len(r) <= 60 else r[:57] + "..."


_NP_SCALARS = frozenset({np.float64, np.int64, np.complex128})


class EscapedTracerError(Exception):
    """A traced value was used after the transformation that made it had returned."""

    def __init__(self, tracer: Tracer | str, prim: Primitive | None = None) -> None:
        if isinstance(tracer, str):  # the message itself (as when unpickled)
            super().__init__(tracer)
            return
        where = f" by primitive '{prim.name}'" if prim is not None else ""
        super().__init__(
            f"Encountered an escaped tracer{where}: a value of type {tracer.aval.str_short()} "
            f"({trace_kind(tracer._trace)}) was used after its transformation had "
            "returned. This happens when a traced value is stored outside the transformed "
            "function (a global, a closure, a list) and used later. Return the value from "
            "the function instead. " + where_leaked(tracer)
        )


class OperandError(ValueError, TypeError):
    """Operands an operation cannot combine: shapes that do not broadcast or align, a
    negative integer power of integers. Both a ValueError (NumPy's type for these errors)
    and a TypeError (JAX's), so code written against either catches it."""


def operand_error(e: ValueError) -> BaseException:
    """``e`` as an :class:`OperandError` if it is a plain ValueError (subclasses, e.g. NumPy's
    AxisError or LinAlgError, keep their own type)."""
    if type(e) is ValueError:
        return OperandError(*e.args).with_traceback(e.__traceback__)
    return e


class ConcretizationTypeError(TypeError):
    """A traced value with no concrete value was used where Python needs one."""


class TracerBoolConversionError(ConcretizationTypeError):
    """``bool()`` of a traced value with no concrete value (``if x > 0:`` under jit or vmap)."""


# --------------------------------------------------------------------------- traces

_level_counter = itertools.count(1)


class Trace:
    """One active transformation. Subclasses implement :meth:`process_primitive`."""

    __slots__ = ("level", "alive", "debug")

    def __init__(self) -> None:
        self.level = next(_level_counter)
        self.alive = True
        self.debug = current_transform()  # (user function, transformation name), for messages

    def process_primitive(self, prim: Primitive, args: Sequence[Any], params: dict[str, Any]) -> Any:
        raise NotImplementedError

    def concrete(self, tracer: Tracer, why: str) -> Any:
        """The concrete value of ``tracer`` for Python control flow, or an error."""
        raise ConcretizationTypeError(
            f"{why} needs a concrete value, but got a traced value of type "
            f"{tracer.aval.str_short()} ({trace_kind(self)}). Python control flow "
            "on traced values is not possible while staging a program (make_ir, jit): mark the "
            "argument static (static_argnums / static_argnames), or express the choice with "
            "functrans.lax.cond(pred, true_fun, false_fun, *operands) or functrans.numpy.where.\n"
            + where_traced(tracer)
        )

    def finish(self) -> None:
        """Mark the trace dead: its tracers may not be used any more."""
        self.alive = False


class Tracer:
    """A value being traced by some :class:`Trace`. Operators come from functrans.numpy."""

    __slots__ = ("_trace",)
    __array_priority__ = 1000

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _TRACER_TYPES.add(cls)  # so that bind recognises it with one set lookup

    _trace: Trace

    @property
    def aval(self) -> ShapedArray:
        raise NotImplementedError

    @property
    def shape(self) -> tuple[int, ...]:
        return self.aval.shape

    @property
    def dtype(self) -> np.dtype:
        return self.aval.dtype

    @property
    def ndim(self) -> int:
        return len(self.aval.shape)

    @property
    def size(self) -> int:
        return self.aval.size

    def __len__(self) -> int:
        if not self.aval.shape:
            raise TypeError("len() of unsized object (a traced value of shape ())")
        return self.aval.shape[0]

    def __iter__(self) -> Any:
        if not self.aval.shape:
            raise TypeError("iteration over a 0-d array")
        return (self[i] for i in range(self.aval.shape[0]))

    def __bool__(self) -> bool:
        try:
            return bool(self._trace.concrete(self, "bool() of a traced value (e.g. `if x > 0:`)"))
        except ConcretizationTypeError as e:
            if type(e) is not ConcretizationTypeError:
                raise
            raise TracerBoolConversionError(str(e)) from None  # the subclass JAX raises

    def __float__(self) -> float:
        return float(self._trace.concrete(self, "float() of a traced value"))

    def __int__(self) -> int:
        return int(self._trace.concrete(self, "int() of a traced value"))

    def __index__(self) -> int:
        return int(self._trace.concrete(self, "using a traced value as an index"))

    def __complex__(self) -> complex:
        return complex(self._trace.concrete(self, "complex() of a traced value"))

    def __setitem__(self, idx: Any, value: Any) -> None:
        raise TypeError(
            "functrans arrays are immutable while being traced: item assignment "
            "(x[idx] = y) would silently break differentiation. Build a new array "
            "instead, e.g. with functrans.numpy.where(mask, y, x) or "
            "functrans.numpy.concatenate."
        )

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        raise TypeError(
            f"A traced value of type {self.aval.str_short()} cannot be converted to a NumPy "
            "array: inside a transformed function, use functrans.numpy (import "
            "functrans.numpy as fnp) instead of numpy, so that the operation can be traced."
        )

    def __hash__(self) -> int:
        raise TypeError("traced values are not hashable")

    def __repr__(self) -> str:
        return f"Traced<{self.aval.str_short()}>({trace_kind(self._trace)})"


# --------------------------------------------------------------------------- the IR


class Var:
    """A variable of the IR, defined once, with an abstract value."""

    __slots__ = ("aval",)

    def __init__(self, aval: ShapedArray) -> None:
        self.aval = aval

    def __repr__(self) -> str:
        return f"Var({self.aval.str_short()})"


class Literal:
    """A Python or NumPy scalar constant written inline in the IR."""

    __slots__ = ("val", "aval")

    def __init__(self, val: Any, aval: ShapedArray | None = None) -> None:
        self.val = val
        self.aval = get_aval(val) if aval is None else aval

    def __repr__(self) -> str:
        return repr(self.val)


Atom = Var | Literal


class Eqn:
    """One equation: ``outvars = prim[params](*inputs)``."""

    __slots__ = ("prim", "inputs", "params", "outvars")

    def __init__(self, prim: Primitive, inputs: list[Atom], params: dict[str, Any], outvars: list[Var]) -> None:
        self.prim = prim
        self.inputs = inputs
        self.params = params
        self.outvars = outvars


class IR:
    """A program in A-normal form.

    ``constvars`` are bound to ``consts`` (arrays captured while tracing);
    ``invars`` are the inputs; ``outvars`` the outputs (a Literal output is a
    constant result). Parameters of an equation may hold a sub-IR.
    """

    __slots__ = ("constvars", "consts", "invars", "eqns", "outvars", "__weakref__")

    def __init__(
        self,
        constvars: list[Var],
        consts: list[Any],
        invars: list[Var],
        eqns: list[Eqn],
        outvars: list[Atom],
    ) -> None:
        self.constvars = constvars
        self.consts = consts
        self.invars = invars
        self.eqns = eqns
        self.outvars = outvars

    @property
    def in_avals(self) -> list[ShapedArray]:
        return [v.aval for v in self.invars]

    @property
    def out_avals(self) -> list[ShapedArray]:
        return [v.aval for v in self.outvars]

    def __str__(self) -> str:
        return pp_ir(self)

    __repr__ = __str__


def _var_namer() -> Callable[[Var], str]:
    names: dict[Var, str] = {}

    def name(v: Var) -> str:
        n = names.get(v)
        if n is None:
            i = len(names)
            n = ""
            while True:
                n = chr(ord("a") + i % 26) + n
                i = i // 26 - 1
                if i < 0:
                    break
            names[v] = n
        return n

    return name


def _pp_param(v: Any, indent: str) -> str:
    if isinstance(v, IR):
        return "\n" + "\n".join(indent + "  " + ln for ln in pp_ir(v).splitlines())
    if isinstance(v, tuple) and v and all(isinstance(x, IR) for x in v):
        return "(" + ",".join(_pp_param(x, indent) for x in v) + ")"
    if isinstance(v, np.dtype):
        return str(v)
    return repr(v)


def pp_ir(ir: IR, indent: str = "") -> str:
    """A readable listing: one equation per line, with shapes and dtypes."""
    name = _var_namer()

    def atom(a: Atom) -> str:
        return repr(a.val) if isinstance(a, Literal) else name(a)

    def decl(v: Var) -> str:
        return f"{name(v)}:{v.aval.str_short()}"

    consts = " ".join(decl(v) for v in ir.constvars)
    ins = " ".join(decl(v) for v in ir.invars)
    lines = [f"{{ lambda {consts + ' ; ' if consts else ''}{ins}. let"]
    for e in ir.eqns:
        lhs = " ".join(decl(v) for v in e.outvars)
        params = ", ".join(f"{k}={_pp_param(v, indent + '    ')}" for k, v in sorted(e.params.items()))
        rhs = e.prim.name + (f"[{params}]" if params else "")
        lines.append(f"    {lhs} = {rhs} {' '.join(atom(a) for a in e.inputs)}".rstrip())
    outs = " ".join(atom(a) for a in ir.outvars)
    lines.append(f"  in ({outs}) }}")
    return "\n".join(indent + ln for ln in lines)


def eval_ir(ir: IR, consts: Sequence[Any], args: Sequence[Any]) -> list[Any]:
    """Run ``ir`` on ``args`` (through bind, so it can itself be transformed)."""
    env: dict[Var, Any] = dict(zip(ir.constvars, consts))
    env.update(zip(ir.invars, args))
    for e in ir.eqns:
        ins = [a.val if isinstance(a, Literal) else env[a] for a in e.inputs]
        out = bind(e.prim, ins, e.params)
        if e.prim.multiple_results:
            env.update(zip(e.outvars, out))
        else:
            env[e.outvars[0]] = out
    return [a.val if isinstance(a, Literal) else env[a] for a in ir.outvars]


class IRTypeError(TypeError):
    """An IR failed its typecheck."""


def typecheck_ir(ir: IR) -> None:
    """Check that every variable is defined once before use and that every
    equation's output types agree with its primitive's shape/dtype rule."""
    defined: set[Var] = set()

    def define(v: Var) -> None:
        if v in defined:
            raise IRTypeError(f"variable {v} defined twice")
        defined.add(v)

    for v in ir.constvars:
        define(v)
    for v in ir.invars:
        define(v)
    if len(ir.consts) != len(ir.constvars):
        raise IRTypeError("constvars and consts differ in length")
    for v, c in zip(ir.constvars, ir.consts):
        cav = get_aval(c)
        if cav.shape != v.aval.shape or cav.dtype != v.aval.dtype:
            raise IRTypeError(f"constant of type {cav.str_short()} bound to {v.aval.str_short()}")
    for i, e in enumerate(ir.eqns):
        for a in e.inputs:
            if isinstance(a, Var) and a not in defined:
                raise IRTypeError(f"equation {i} ({e.prim.name}) uses a variable before it is defined")
        if e.prim.abstract_eval is None:
            raise IRTypeError(f"primitive {e.prim.name} has no shape rule")
        out = e.prim.abstract_eval(*[a.aval for a in e.inputs], **e.params)
        outs = out if e.prim.multiple_results else [out]
        if len(outs) != len(e.outvars):
            raise IRTypeError(f"equation {i} ({e.prim.name}): {len(outs)} results for {len(e.outvars)} outputs")
        for o, v in zip(outs, e.outvars):
            if o.shape != v.aval.shape or o.dtype != v.aval.dtype:
                raise IRTypeError(
                    f"equation {i} ({e.prim.name}): the rule gives {o.str_short()} "
                    f"but the output is declared {v.aval.str_short()}"
                )
            define(v)
    for a in ir.outvars:
        if isinstance(a, Var) and a not in defined:
            raise IRTypeError("an output variable is never defined")


class UndefinedPrimal:
    """Marks, in a call to a transpose rule, an input the rule transposes with respect to."""

    __slots__ = ("aval",)

    def __init__(self, aval: ShapedArray) -> None:
        self.aval = aval

    @property
    def shape(self) -> tuple[int, ...]:
        return self.aval.shape

    @property
    def dtype(self) -> Any:
        return self.aval.dtype

    def __repr__(self) -> str:
        return f"UndefinedPrimal({self.aval.str_short()})"


def is_undefined(x: Any) -> bool:
    """True for an :class:`UndefinedPrimal` (a linear input of a transpose rule)."""
    return type(x) is UndefinedPrimal
