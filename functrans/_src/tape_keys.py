"""Keys of the eager tape (functrans._src.tape): a primitive's parameters as a hashable value
that is equal only for equal parameters, and sub-programs referenced weakly."""

from __future__ import annotations

import math
import weakref
from typing import Any

import numpy as np

from functrans._src.core import IR, Primitive

_MAX_PARAM_ARRAY = 256  # array-valued parameters up to this size are keyed by value


class _Unfreezable(Exception):
    pass


_ATOMS = frozenset({int, str, bool, type(None)})
_no_effects: weakref.WeakKeyDictionary[IR, bool] = weakref.WeakKeyDictionary()


def _freeze(v: Any) -> Any:
    """A parameter value as a hashable key part that is equal only for equal values."""
    t = type(v)
    if t in _ATOMS:
        return v
    if t is tuple:
        return tuple([_freeze(x) for x in v])
    if t is float:
        return (float, v, math.copysign(1.0, v))  # -0.0 apart from 0.0
    if isinstance(v, np.dtype) or t is type:
        return v
    if t is IR:
        if not _effect_free(v):
            raise _Unfreezable
        return _IRRef(v)  # by identity (programs are immutable), without keeping it alive
    if t is Primitive:
        return v
    if t is slice:
        return (slice, _freeze(v.start), _freeze(v.stop), _freeze(v.step))
    if t is list:
        return (list, tuple([_freeze(x) for x in v]))
    if isinstance(v, np.generic):
        return (t, v.tobytes())
    if t is np.ndarray and v.size <= _MAX_PARAM_ARRAY and v.dtype.kind in "biufc":
        return (np.ndarray, v.shape, v.dtype, v.tobytes())
    raise _Unfreezable


class _IRRef:
    """A sub-program in a key: equal for the same program; a weak reference, so that a cached
    backward program is dropped with the sub-programs it was built for (see _evict)."""

    __slots__ = ("ref", "h")

    def __init__(self, ir: IR) -> None:
        self.ref = weakref.ref(ir)
        self.h = id(ir)

    def __hash__(self) -> int:
        return self.h

    def __eq__(self, other: object) -> bool:
        if type(other) is not _IRRef:
            return False
        a = self.ref()
        return a is not None and a is other.ref()


def _irs_in(x: Any, out: list[IR]) -> list[IR]:
    """The sub-programs referenced by a key."""
    if type(x) is _IRRef:
        ir = x.ref()
        if ir is not None:
            out.append(ir)
    elif type(x) is tuple:
        for y in x:
            _irs_in(y, out)
    return out


def _freeze_params(params: dict[str, Any]) -> tuple[Any, ...]:
    """The parameters as a key part: each value with its type (so 1, 1.0 and True differ), a
    float with its sign (0.0 and -0.0 differ). Tuples of plain values (dimension numbers, axes,
    shapes) are kept as they are; anything else goes through :func:`_freeze`."""
    out = []
    for k, v in params.items():
        t = type(v)
        if t is tuple:
            for x in v:
                if type(x) not in _PLAIN:
                    v = _freeze(v)
                    break
        elif t is float:
            v = (v, math.copysign(1.0, v))
        elif t not in _ATOMS and not isinstance(v, np.dtype) and t is not type:
            v = _freeze(v)
        out.append((k, t, v))
    return tuple(out)


_PLAIN = frozenset({int, str, bool, type(None), tuple})


def _effect_free(ir: IR) -> bool:
    """No effectful primitive anywhere in ``ir`` (its sub-programs included)."""
    r = _no_effects.get(ir)
    if r is None:
        r = True
        for e in ir.eqns:
            if getattr(e.prim, "effectful", False):
                r = False
                break
            for v in e.params.values():
                subs = [v] if type(v) is IR else [x for x in v if type(x) is IR] if type(v) is tuple else []
                if any(not _effect_free(s) for s in subs):
                    r = False
                    break
            if not r:
                break
        _no_effects[ir] = r
    return r
