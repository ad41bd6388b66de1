"""Traceback filtering at the public entry points, as JAX's ``jax_traceback_filtering``.

An exception that leaves a public transformation (``grad(f)(x)``, ``jit(f)(x)``, ...) is
re-raised with functrans' own frames removed from its traceback, so that it points into
the user's code. The exception object itself (type, message, attributes) is unchanged;
only ``__traceback__`` is rebuilt, and for an error raised by a shape rule inside a
transformed function a note (:pep:`678`) saying where it happened in the user's code is
added. Filtering is on by default; turn it off with the environment variable
``FUNCTRANS_TRACEBACK_FILTERING=off`` or
``functrans.config.update("jax_traceback_filtering", "off")``.

Each entry point also records which user function it transforms (see
:mod:`functrans._src.source_info`), for error messages.
"""

from __future__ import annotations

import functools
import os
import sys
import types
from collections.abc import Callable
from typing import Any

from functrans._src.core import ConcretizationTypeError, EscapedTracerError
from functrans._src.source_info import _state, is_internal, pop_transform, push_transform, where_raised

_OFF = ("off", "0", "false", "no", "none")


def filtering_enabled() -> bool:
    """Whether tracebacks leaving functrans are filtered (config first, then the environment)."""
    compat = sys.modules.get("functrans._src.compat")
    if compat is not None:
        v = compat.config._values.get("jax_traceback_filtering", "auto")
        if v not in ("auto", None):
            return str(v).lower() not in _OFF
    return os.environ.get("FUNCTRANS_TRACEBACK_FILTERING", "auto").lower() not in _OFF


def filter_traceback(tb: types.TracebackType | None) -> types.TracebackType | None:
    """``tb`` without the frames of functrans' own code."""
    kept = []
    while tb is not None:
        if not is_internal(tb.tb_frame.f_code.co_filename):
            kept.append(tb)
        tb = tb.tb_next
    new = None
    for t in reversed(kept):
        new = types.TracebackType(new, t.tb_frame, t.tb_lasti, t.tb_lineno)
    return new


_NOTED = "_functrans_where_noted"


def _add_where(e: BaseException, transform: str | None) -> None:
    """Add a note naming the user's function and line to an error a rule raised while tracing."""
    if isinstance(e, ConcretizationTypeError | EscapedTracerError) or not isinstance(e, TypeError | ValueError):
        return
    if getattr(e, _NOTED, False):
        return
    try:
        note = where_raised(e, transform)
    except Exception:
        return
    try:
        setattr(e, _NOTED, True)
    except Exception:
        return
    if note:
        e.add_note(note)


def _on_error(e: BaseException, transform: str | None) -> bool:
    """Add the user-code note to ``e``; True if its traceback is to be filtered."""
    _add_where(e, transform)
    return filtering_enabled()


def boundary(call: Callable[..., Any], fun: Any, name: str) -> Callable[..., Any]:
    """``call`` as a public entry point: it records (``fun``, ``name``) for error messages and
    filters the traceback of an exception leaving it."""

    info = (fun, name)

    @functools.wraps(call)
    def entry(*args: Any, **kwargs: Any) -> Any:
        __tracebackhide__ = True  # noqa: F841
        stack = _state.stack
        stack.append(info)
        try:
            return call(*args, **kwargs)
        except Exception as e:
            if not _on_error(e, name):
                raise
            raise e.with_traceback(filter_traceback(e.__traceback__))  # noqa: B904
        finally:
            stack.pop()

    return entry


def transformation(transform: Callable[..., Any], name: str) -> Callable[..., Any]:
    """Wrap a transformation ``transform(fun, ...) -> callable`` so that the callable it returns
    is a public entry point (and the transformation itself too)."""

    @functools.wraps(transform)
    def make(fun: Any, *args: Any, **kwargs: Any) -> Any:
        __tracebackhide__ = True  # noqa: F841
        try:
            out = transform(fun, *args, **kwargs)
        except Exception as e:
            if not filtering_enabled():
                raise
            raise e.with_traceback(filter_traceback(e.__traceback__))  # noqa: B904
        return boundary(out, fun, name) if callable(out) else out

    return make


def direct(api: Callable[..., Any], name: str) -> Callable[..., Any]:
    """Wrap an API that calls the user's function at once (``jvp(fun, primals, tangents)``)."""

    @functools.wraps(api)
    def call(fun: Any, *args: Any, **kwargs: Any) -> Any:
        __tracebackhide__ = True  # noqa: F841
        push_transform(fun, name)
        try:
            return api(fun, *args, **kwargs)
        except Exception as e:
            if not _on_error(e, name):
                raise
            raise e.with_traceback(filter_traceback(e.__traceback__))  # noqa: B904
        finally:
            pop_transform()

    return call


def method(call: Callable[..., Any], name: str) -> Callable[..., Any]:
    """Wrap ``__call__`` of a transformed-function object (with the user function at ``.fun``)."""

    @functools.wraps(call)
    def entry(self: Any, *args: Any, **kwargs: Any) -> Any:
        __tracebackhide__ = True  # noqa: F841
        stack = _state.stack
        stack.append(self)  # read as (self.fun, "jit") by current_transform, only if a trace is made
        try:
            return call(self, *args, **kwargs)
        except Exception as e:
            if not _on_error(e, name):
                raise
            raise e.with_traceback(filter_traceback(e.__traceback__))  # noqa: B904
        finally:
            stack.pop()

    return entry
