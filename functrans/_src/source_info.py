"""Where an error happened, in the user's words: function, file:line, argument.

Nothing here runs on the hot path. The only thing recorded while tracing is, per
transformation (not per value or per primitive), which user function it transforms and
under which name (``jit``, ``grad``, ...): the public entry points push that on a small
per-thread stack (:func:`push_transform`) and every new trace reads the top of it
(:func:`current_transform`). Everything else is found when an error is raised, by walking
the Python stack (or an exception's traceback):

* the *offending operation* is the innermost frame outside the functrans package;
* the *traced function* is a user frame called directly from functrans (a function a
  transformation called), preferring the one whose parameters hold values of the trace;
* the *argument* a traced value came from: for a recorded program (jit, make_ir), the
  inputs the value depends on, found by walking the recorded equations backwards; for
  vmap, the batched parameters.

This module imports nothing from functrans at import time (core imports it).
"""

from __future__ import annotations

import inspect
import linecache
import os
import sys
import threading
from collections.abc import Iterator
from types import FrameType
from typing import Any

_PKG_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def is_internal(filename: str) -> bool:
    """True for code of the functrans package (and programs it generates)."""
    return filename.startswith(_PKG_DIR) or filename.startswith("<functrans")


# --------------------------------------------------------------------------- transform stack


class _State(threading.local):
    def __init__(self) -> None:
        self.stack: list[Any] = []  # (user function, transformation name), or a jitted function


_state = _State()


def push_transform(fun: Any, name: str) -> None:
    """Mark the start of a public transformation ``name`` applied to the user's ``fun``."""
    _state.stack.append((fun, name))


def pop_transform() -> None:
    """Undo :func:`push_transform`."""
    st = _state.stack
    if st:
        st.pop()


def current_transform() -> tuple[Any, str] | None:
    """The innermost public transformation being applied (read when a trace is created)."""
    st = _state.stack
    if not st:
        return None
    top = st[-1]
    return top if type(top) is tuple else (getattr(top, "fun", None), "jit")  # a jitted function


# --------------------------------------------------------------------------- descriptions

# What each transformation's values are called in messages (no internal class names).
_TRACE_KINDS = {
    "StagingTrace": "staged (jit / make_ir / linearize)",
    "JVPTrace": "differentiated (jvp / grad)",
    "BatchTrace": "vectorised (vmap)",
}


def trace_kind(trace: Any) -> str:
    """How a value of ``trace`` is described to the user, e.g. ``"vectorised (vmap)"``."""
    debug = getattr(trace, "debug", None)
    if debug is not None:
        return f"traced for {debug[1]}"
    return _TRACE_KINDS.get(type(trace).__name__, "traced by a transformation")


def short_path(filename: str) -> str:
    """A file name as messages show it: relative to the working directory when inside it."""
    try:
        rel = os.path.relpath(filename)
    except ValueError:
        return filename
    return filename if rel.startswith("..") else rel


def describe_function(fun: Any) -> str | None:
    """``"f at file.py:12"`` for a Python function (through wrappers), else None."""
    seen = 0
    while seen < 20:
        seen += 1
        code = getattr(fun, "__code__", None)
        if code is not None and not is_internal(code.co_filename):
            name = getattr(fun, "__qualname__", code.co_name)
            return f"{name} at {short_path(code.co_filename)}:{code.co_firstlineno}"
        nxt = getattr(fun, "__wrapped__", None) or getattr(fun, "func", None) or getattr(fun, "fun", None)
        if nxt is None or nxt is fun:
            return None
        fun = nxt
    return None


def _frame_fun_desc(frame: FrameType) -> str:
    code = frame.f_code
    name = getattr(code, "co_qualname", code.co_name)
    return f"{name} at {short_path(code.co_filename)}:{code.co_firstlineno}"


def describe_line(frame: FrameType, lineno: int | None = None) -> str:
    """``"file.py:13 (`if x > 0:`)"`` for a frame's current line."""
    lineno = frame.f_lineno if lineno is None else lineno
    fn = frame.f_code.co_filename
    text = linecache.getline(fn, lineno).strip()
    return f"{short_path(fn)}:{lineno}" + (f" (`{text}`)" if text else "")


# --------------------------------------------------------------------------- frames


def stack_frames(skip: int = 1) -> list[tuple[FrameType, int]]:
    """The current Python stack, innermost first, as (frame, line) pairs."""
    out = []
    f: FrameType | None = sys._getframe(skip)
    while f is not None:
        out.append((f, f.f_lineno))
        f = f.f_back
    return out


def tb_frames(tb: Any) -> list[tuple[FrameType, int]]:
    """The frames of a traceback, innermost first, as (frame, line) pairs."""
    out = []
    while tb is not None:
        out.append((tb.tb_frame, tb.tb_lineno))
        tb = tb.tb_next
    out.reverse()
    return out


def innermost_user(frames: list[tuple[FrameType, int]]) -> tuple[FrameType, int] | None:
    """The innermost frame outside functrans (the offending operation)."""
    for f, ln in frames:
        if not is_internal(f.f_code.co_filename):
            return f, ln
    return None


def entry_frames(frames: list[tuple[FrameType, int]]) -> list[FrameType]:
    """User frames called directly from functrans (functions a transformation called), innermost first."""
    out = []
    for i, (f, _) in enumerate(frames):
        if is_internal(f.f_code.co_filename):
            continue
        caller = frames[i + 1][0] if i + 1 < len(frames) else None
        if caller is not None and is_internal(caller.f_code.co_filename):
            out.append(f)
    return out


def _params(frame: FrameType) -> Iterator[tuple[str, Any]]:
    code = frame.f_code
    n = code.co_argcount + code.co_kwonlyargcount
    n += bool(code.co_flags & inspect.CO_VARARGS) + bool(code.co_flags & inspect.CO_VARKEYWORDS)
    loc = frame.f_locals
    for name in code.co_varnames[:n]:
        if name in loc:
            yield name, loc[name]


def _leaves_with_names(name: str, value: Any) -> Iterator[tuple[str, Any]]:
    from functrans._src.tree_extras import keystr, tree_flatten_with_path

    try:
        leaves, _ = tree_flatten_with_path(value)
    except Exception:  # a value that is not a pytree: only itself
        yield name, value
        return
    for path, leaf in leaves:
        yield name + keystr(path), leaf


def _traced_params(frame: FrameType, trace: Any) -> list[tuple[str, Any]]:
    """(name, tracer) for every parameter leaf of ``frame`` that is a value of ``trace``."""
    out = []
    for name, val in _params(frame):
        for n, leaf in _leaves_with_names(name, val):
            if getattr(leaf, "_trace", None) is trace:
                out.append((n, leaf))
    return out


def _staged_deps(tracer: Any) -> set[Any] | None:
    """For a value of a recorded program: the program inputs it depends on (None if unknown)."""
    trace = tracer._trace
    var = getattr(tracer, "ivar", None)
    eqns = getattr(trace, "eqns", None)
    invars = getattr(trace, "invars", None)
    if var is None or eqns is None or invars is None:
        return None
    need = {var}
    for e in reversed(eqns):
        if any(v in need for v in e.outvars):
            need.update(a for a in e.inputs if type(a).__name__ == "Var")
    return need & set(invars)


def _fun_for(trace: Any, entries: list[FrameType]) -> tuple[FrameType | None, list[tuple[str, Any]]]:
    """The entry frame of the function ``trace`` traced, and its traced parameters."""
    debug = getattr(trace, "debug", None)
    code = None
    if debug is not None:
        f = debug[0]
        for _ in range(20):
            code = getattr(f, "__code__", None)
            nxt = getattr(f, "__wrapped__", None)
            if code is not None and not is_internal(code.co_filename) or nxt is None:
                break
            f = nxt
    for fr in entries:
        ps = _traced_params(fr, trace)
        if ps:
            return fr, ps
    for fr in entries:
        if code is not None and fr.f_code is code:
            return fr, []
    return (entries[0] if entries else None), []


def _plural(names: list[str]) -> str:
    if len(names) == 1:
        return f"the argument {names[0]}"
    return "the arguments " + ", ".join(names[:-1]) + " and " + names[-1]


def where_traced(tracer: Any, frames: list[tuple[FrameType, int]] | None = None, *, concrete: bool = True) -> str:
    """Sentences saying which function was being traced, where the offending operation is and
    (when ``concrete``) which argument the traced value depends on. '' when nothing is known."""
    try:
        return _where_traced(tracer, stack_frames(2) if frames is None else frames, concrete)
    except Exception:  # describing an error must never raise another one
        return ""


def _where_traced(tracer: Any, frames: list[tuple[FrameType, int]], concrete: bool) -> str:
    trace = tracer._trace
    debug = getattr(trace, "debug", None)
    how = f" for {debug[1]}" if debug is not None else ""
    fr, ps = _fun_for(trace, entry_frames(frames))
    parts = []
    if fr is not None:
        parts.append(f"The error occurred while tracing the function {_frame_fun_desc(fr)}{how}.")
    elif debug is not None and describe_function(debug[0]):
        parts.append(f"The error occurred while tracing the function {describe_function(debug[0])}{how}.")
    user = innermost_user(frames)
    if user is not None:
        parts.append(f"The offending operation is at {describe_line(*user)}.")
    if concrete and ps:
        deps = _staged_deps(tracer)
        if deps is not None:
            names = [n for n, t in ps if getattr(t, "ivar", None) in deps]
        elif any(t is tracer for _, t in ps):
            names = [n for n, t in ps if t is tracer]
        else:
            names = [n for n, _ in ps]
            if len(names) > 1:
                parts.append(f"This value may depend on {_plural(names)} (mapped by vmap).")
                names = []
        if names:
            parts.append(
                f"This concrete value was not available in Python because it depends on the value of {_plural(names)}."
            )
    return " ".join(parts)


def where_leaked(tracer: Any) -> str:
    """For an escaped tracer: the function that was traced, and where the value was used."""
    try:
        parts = []
        debug = getattr(tracer._trace, "debug", None)
        if debug is not None:
            desc = describe_function(debug[0])
            if desc:
                parts.append(f"The function being traced when the value leaked was {desc} traced for {debug[1]}.")
        user = innermost_user(stack_frames(2))
        if user is not None:
            parts.append(f"The leaked value was used at {describe_line(*user)}.")
        return " ".join(parts)
    except Exception:
        return ""


def where_raised(exc: BaseException, transform: str | None = None) -> str:
    """For an error raised by a rule (a shape error): the traced function and the user's line."""
    frames = tb_frames(exc.__traceback__)
    entries = entry_frames(frames)
    user = innermost_user(frames)
    if not entries or user is None or frames[0][0] is user[0]:
        return ""  # not raised by functrans inside a transformed function
    tracer = None
    for f, _ in frames:  # innermost first: the operand of the failing primitive, or the tracer itself
        if not is_internal(f.f_code.co_filename):
            break
        loc = f.f_locals
        args = loc.get("args")
        cands = [loc.get("self"), loc.get("tracer"), *(args if isinstance(args, tuple | list) else ())]
        tracer = next((a for a in cands if hasattr(a, "_trace") and hasattr(a, "aval")), None)
        if tracer is not None:
            break
    if tracer is not None:
        msg = _where_traced(tracer, frames, concrete=True)
        return msg.replace(
            "This concrete value was not available in Python because it depends", "The traced value depends"
        )
    return (
        f"The error occurred while tracing the function {_frame_fun_desc(entries[0])}"
        f"{f' for {transform}' if transform else ''}. "
        f"The offending operation is at {describe_line(*user)}."
    )
