"""Products of ``functrans.numpy``: dot, matmul, tensordot, vdot, inner, outer (``einsum`` is in einsum.py)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from functrans._src import lax
from functrans._src.lax.complex_parts import conj_if_complex as conj
from functrans._src.numpy.lax_numpy import broadcast_to, ravel, reshape
from functrans._src.numpy.util import _arr, _axis, _shape

__all__ = ["dot", "matmul", "tensordot", "vdot", "inner", "outer"]


def dot(a: Any, b: Any) -> Any:
    """``numpy.dot``: sum over the last axis of ``a`` and the second-to-last of ``b``."""
    a, b = _arr(a), _arr(b)
    na, nb = len(_shape(a)), len(_shape(b))
    if na == 0 or nb == 0:
        return lax.mul(a, b)
    rc = 0 if nb == 1 else nb - 2
    return lax.dot_general(a, b, (((na - 1,), (rc,)), ((), ())))


_MATMUL_DN = (((1,), (0,)), ((), ()))


def matmul(a: Any, b: Any) -> Any:
    """``numpy.matmul`` (``@``): batched matrix product with broadcast batch axes."""
    a, b = _arr(a), _arr(b)
    sa, sb = _shape(a), _shape(b)
    if len(sa) == 2 and len(sb) <= 2 and sb:
        return lax.dot_general(a, b, _MATMUL_DN)
    if not sa or not sb:
        raise ValueError("matmul: Input operand does not have enough dimensions (scalars are not allowed)")
    if len(sa) == 1 and len(sb) == 1:
        return lax.dot_general(a, b, (((0,), (0,)), ((), ())))
    if len(sb) == 1:
        return lax.dot_general(a, b, (((len(sa) - 1,), (0,)), ((), ())))
    if len(sa) == 1:
        return lax.dot_general(a, b, (((0,), (len(sb) - 2,)), ((), ())))
    if len(sa) == 2 and len(sb) == 2:
        return lax.dot_general(a, b, (((1,), (0,)), ((), ())))
    batch = tuple(np.broadcast_shapes(sa[:-2], sb[:-2]))
    a = broadcast_to(a, batch + sa[-2:])
    b = broadcast_to(b, batch + sb[-2:])
    nb = len(batch)
    return lax.dot_general(a, b, (((nb + 1,), (nb,)), (tuple(range(nb)), tuple(range(nb)))))


def tensordot(a: Any, b: Any, axes: int | Sequence[Any] = 2) -> Any:
    """``numpy.tensordot``."""
    a, b = _arr(a), _arr(b)
    na, nb = len(_shape(a)), len(_shape(b))
    if isinstance(axes, int | np.integer):
        n = int(axes)
        la, lb = tuple(range(na - n, na)), tuple(range(n))
    else:
        xa, xb = axes
        la = tuple(_axis(i, na) for i in ((xa,) if isinstance(xa, int) else xa))
        lb = tuple(_axis(i, nb) for i in ((xb,) if isinstance(xb, int) else xb))
    return lax.dot_general(a, b, ((la, lb), ((), ())))


def vdot(a: Any, b: Any) -> Any:
    """Dot product of the flattened inputs, conjugating ``a`` first (as NumPy and JAX)."""
    return dot(conj(ravel(a)), ravel(b))


def inner(a: Any, b: Any) -> Any:
    """Inner product over the last axes."""
    a, b = _arr(a), _arr(b)
    na, nb = len(_shape(a)), len(_shape(b))
    if na == 0 or nb == 0:
        return lax.mul(a, b)
    return lax.dot_general(a, b, (((na - 1,), (nb - 1,)), ((), ())))


def outer(a: Any, b: Any) -> Any:
    """Outer product of the flattened inputs."""
    a, b = ravel(_arr(a)), ravel(_arr(b))
    return lax.mul(reshape(a, (-1, 1)), reshape(b, (1, -1)))
