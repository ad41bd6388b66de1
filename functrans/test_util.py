"""Numerical checks of derivatives, as ``jax.test_util.check_grads``.

``check_grads(f, args, order)`` compares forward mode with central finite
differences along random directions, and reverse mode with forward mode through
the identity <u, J v> = <J^T u, v>; with ``order > 1`` it repeats the checks on
the JVP and VJP functions themselves, so every rule is checked to that order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

import numpy as np

from functrans._src.api import jvp, vjp
from functrans._src.tree_util import tree_flatten, tree_map

EPS = 1e-4
_DEFAULT_TOL = {
    np.dtype(np.float16): 1e-1,
    np.dtype(np.float32): 2e-2,
    np.dtype(np.float64): 1e-5,
    np.dtype(np.complex64): 2e-2,
    np.dtype(np.complex128): 1e-5,
}


def _is_float(x: Any) -> bool:
    return np.result_type(x).kind in "fc"


def _tol(tree: Any, given: float | None) -> float:
    if given is not None:
        return given
    leaves = [np.asarray(x) for x in tree_flatten(tree)[0] if _is_float(x)]
    return max([_DEFAULT_TOL.get(x.dtype, 1e-5) for x in leaves], default=1e-5)


def _rand_like(rng: np.random.Generator, x: Any) -> Any:
    if not _is_float(x):
        return np.zeros(np.shape(x), dtype=np.dtype([("float0", np.void, 0)]))
    a = np.asarray(x)
    if a.dtype.kind == "c":  # a direction with both real and imaginary parts
        return (rng.standard_normal(a.shape) + 1j * rng.standard_normal(a.shape)).astype(a.dtype)
    return rng.standard_normal(a.shape).astype(a.dtype)


def _add(x: Any, t: Any, scale: float) -> Any:
    if not _is_float(x):
        return x
    return np.asarray(x) + scale * np.asarray(t, dtype=np.asarray(x).dtype)


def _inner(xs: Any, ys: Any) -> float:
    """The pairing under which JAX transposes: Re(sum(x * y)), with no conjugation. A VJP
    ``u -> J^T u`` must satisfy <u, J v> = <J^T u, v> for it, complex values included."""
    total = 0.0
    for x, y in zip(tree_flatten(xs)[0], tree_flatten(ys)[0]):
        if _is_float(x) and _is_float(y):
            total += float(np.sum(np.real(np.asarray(x, np.complex128) * np.asarray(y, np.complex128))))
    return total


def _assert_close(actual: Any, expected: Any, atol: float, rtol: float, msg: str) -> None:
    a_leaves, a_tree = tree_flatten(actual)
    e_leaves, e_tree = tree_flatten(expected)
    if a_tree != e_tree:
        raise AssertionError(f"{msg}: tree structures differ: {a_tree} vs {e_tree}")
    for i, (a, e) in enumerate(zip(a_leaves, e_leaves)):
        if not (_is_float(a) and _is_float(e)):
            continue
        a, e = np.asarray(a), np.asarray(e)
        if a.shape != e.shape:
            raise AssertionError(f"{msg}: leaf {i} has shape {a.shape}, expected {e.shape}")
        if not np.allclose(a, e, atol=atol, rtol=rtol, equal_nan=True):
            err = np.max(np.abs(a - e)) if a.size else 0.0
            raise AssertionError(
                f"{msg}: leaf {i} differs (max abs error {err:.3g}, atol={atol}, rtol={rtol})\n"
                f"actual:\n{a}\nexpected:\n{e}"
            )


def _check_primal(
    v_out: Any, f: Callable[..., Any], args: Sequence[Any], atol: float | None, rtol: float | None, msg: str
) -> tuple[float, float]:
    """Check the transformed function's primal output against ``f``; return the tolerances."""
    atol_, rtol_ = _tol(v_out, atol), _tol(v_out, rtol)
    _assert_close(v_out, f(*args), atol_, rtol_, f"{msg} primal value")
    return atol_, rtol_


def _central_difference(f: Callable[..., Any], primals: Sequence[Any], tangents: Sequence[Any], eps: float) -> Any:
    plus = tree_map(lambda x, t: _add(x, t, eps), tuple(primals), tuple(tangents))
    minus = tree_map(lambda x, t: _add(x, t, -eps), tuple(primals), tuple(tangents))
    return tree_map(
        lambda a, b: (np.asarray(a) - np.asarray(b)) / (2 * eps) if _is_float(a) else np.zeros_like(a),
        f(*plus),
        f(*minus),
    )


def numerical_jvp(f: Callable[..., Any], primals: Sequence[Any], tangents: Sequence[Any], eps: float = EPS) -> Any:
    """Finite-difference approximation of ``jvp(f, primals, tangents)[1]``.

    Central differences at steps ``eps`` and ``eps/2``, combined by Richardson
    extrapolation: the error is O(eps^4) rather than O(eps^2), so functions with
    large higher derivatives do not produce false alarms.
    """
    coarse = _central_difference(f, primals, tangents, eps)
    fine = _central_difference(f, primals, tangents, eps / 2)
    return tree_map(lambda c, d: (4 * d - c) / 3 if _is_float(c) else c, coarse, fine)


def check_jvp(
    f: Callable[..., Any],
    f_jvp: Callable[..., Any],
    args: Sequence[Any],
    atol: float | None = None,
    rtol: float | None = None,
    eps: float = EPS,
    err_msg: str = "",
    rng: np.random.Generator | None = None,
) -> None:
    """Check ``f_jvp(primals, tangents)`` against central differences of ``f``."""
    rng = np.random.default_rng(0) if rng is None else rng
    tangents = tree_map(partial(_rand_like, rng), tuple(args))
    v_out, t_out = f_jvp(tuple(args), tangents)
    atol_, rtol_ = _check_primal(v_out, f, args, atol, rtol, err_msg or "JVP")
    t_num = numerical_jvp(f, args, tangents, eps)
    _assert_close(t_out, t_num, atol_, rtol_, f"{err_msg or 'JVP'} tangent vs finite differences")


def check_vjp(
    f: Callable[..., Any],
    f_vjp: Callable[..., Any],
    args: Sequence[Any],
    atol: float | None = None,
    rtol: float | None = None,
    eps: float = EPS,
    err_msg: str = "",
    rng: np.random.Generator | None = None,
) -> None:
    """Check ``f_vjp(*args)`` by <u, J v> = <J^T u, v> with J v from finite differences."""
    rng = np.random.default_rng(1) if rng is None else rng
    v_out, vjp_fn = f_vjp(*args)
    atol_, rtol_ = _check_primal(v_out, f, args, atol, rtol, err_msg or "VJP")
    tangents = tree_map(partial(_rand_like, rng), tuple(args))
    cotangent = tree_map(partial(_rand_like, rng), v_out)
    ct_in = vjp_fn(cotangent)
    ip = _inner(tangents, ct_in)
    t_num = numerical_jvp(f, args, tangents, eps)
    ip_expected = _inner(t_num, cotangent)
    scale = max(1.0, abs(ip_expected))
    if not abs(ip - ip_expected) <= atol_ * scale + rtol_ * abs(ip_expected):
        raise AssertionError(
            f"{err_msg or 'VJP'}: <J^T u, v> = {ip!r} but <u, J v> by finite differences = {ip_expected!r}"
        )


def check_grads(
    f: Callable[..., Any],
    args: Sequence[Any],
    order: int = 2,
    modes: Sequence[str] = ("fwd", "rev"),
    atol: float | None = None,
    rtol: float | None = None,
    eps: float | None = None,
) -> None:
    """Check ``f``'s derivatives at ``args`` to ``order`` in forward and/or reverse mode.

    Raises ``AssertionError`` describing the first mismatch. Tolerances default
    by dtype (1e-5 for float64, 2e-2 for float32); ``eps`` is the finite-difference step.
    """
    if not callable(f):
        raise TypeError(f"check_grads: expected a callable f, got {type(f).__name__}")
    if not isinstance(args, tuple | list):
        raise TypeError(
            f"check_grads: args must be a tuple or list of the positional arguments of f, got a value of "
            f"type {type(args).__name__} (to check at a single point x, pass (x,))"
        )
    if isinstance(modes, str):
        raise TypeError(f"check_grads: modes must be a sequence such as ('fwd', 'rev'), got the string {modes!r}")
    for m in modes:
        if m not in ("fwd", "rev"):
            raise ValueError(f"check_grads: unknown mode {m!r}; expected 'fwd' and/or 'rev'")
    eps_ = EPS if eps is None else eps
    rng = np.random.default_rng(0)

    def _check(fun: Callable[..., Any], fargs: tuple[Any, ...], k: int, msg: str) -> None:
        if "fwd" in modes:
            fwd_msg = f"JVP of {msg}" if msg else "JVP"
            check_jvp(fun, partial(jvp, fun), fargs, atol, rtol, eps_, fwd_msg, rng)
            if k > 1:
                _check(partial(jvp, fun), (fargs, fargs), k - 1, fwd_msg)
        if "rev" in modes:
            rev_msg = f"VJP of {msg}" if msg else "VJP"
            check_vjp(fun, partial(vjp, fun), fargs, atol, rtol, eps_, rev_msg, rng)
            if k > 1:

                def f_vjp(*a: Any) -> Any:
                    out, vjp_fn = vjp(fun, *a)
                    return vjp_fn(out)

                _check(f_vjp, fargs, k - 1, rev_msg)

    _check(f, tuple(args), order, "")


__all__ = ["check_grads", "check_jvp", "check_vjp", "numerical_jvp"]
