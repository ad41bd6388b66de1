"""Products of ``functrans.numpy``: dot, matmul, tensordot, vdot, inner, outer (``einsum`` is in einsum.py)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from functrans._src import lax
from functrans._src.core import get_aval
from functrans._src.lax.complex_parts import conj_if_complex as conj
from functrans._src.numpy.lax_numpy import broadcast_to, ravel, reshape
from functrans._src.numpy.util import _arr, _axis, _shape

__all__ = ["dot", "matmul", "tensordot", "vdot", "inner", "outer"]


def _pet_in(a: Any, b: Any, pet: Any) -> tuple[Any, Any]:
    """Operands for ``preferred_element_type``: integer operands of a floating preferred type
    are converted first (as jax.lax.dot_general)."""
    pdt = np.dtype(pet)
    if pdt.kind in "fc":
        if get_aval(a).dtype.kind in "biu":
            a = lax.convert_element_type(a, pdt)
        if get_aval(b).dtype.kind in "biu":
            b = lax.convert_element_type(b, pdt)
    return a, b


def _pet_out(out: Any, pet: Any) -> Any:
    return out if pet is None or get_aval(out).dtype == np.dtype(pet) else lax.convert_element_type(out, pet)


def dot(a: Any, b: Any, *, precision: Any = None, preferred_element_type: Any = None, out_sharding: Any = None) -> Any:
    """``numpy.dot``: sum over the last axis of ``a`` and the second-to-last of ``b``.
    ``preferred_element_type`` sets the result dtype; ``precision`` is accepted and ignored
    (NumPy computes at full precision), as are the sharding keywords."""
    a, b = _arr(a), _arr(b)
    if preferred_element_type is not None:
        return _pet_out(dot(*_pet_in(a, b, preferred_element_type)), preferred_element_type)
    na, nb = len(_shape(a)), len(_shape(b))
    if na == 0 or nb == 0:
        return lax.mul(a, b)
    rc = 0 if nb == 1 else nb - 2
    return lax.dot_general(a, b, (((na - 1,), (rc,)), ((), ())))


_MATMUL_DN = (((1,), (0,)), ((), ()))


def matmul(a: Any, b: Any, *, precision: Any = None, preferred_element_type: Any = None,
           out_sharding: Any = None) -> Any:  # fmt: skip
    """``numpy.matmul`` (``@``): batched matrix product with broadcast batch axes (keywords as
    :func:`dot`)."""
    a, b = _arr(a), _arr(b)
    if preferred_element_type is not None:
        return _pet_out(matmul(*_pet_in(a, b, preferred_element_type)), preferred_element_type)
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


def tensordot(a: Any, b: Any, axes: int | Sequence[Any] = 2, *, precision: Any = None,
              preferred_element_type: Any = None, out_sharding: Any = None) -> Any:  # fmt: skip
    """``numpy.tensordot`` (keywords as :func:`dot`)."""
    a, b = _arr(a), _arr(b)
    if preferred_element_type is not None:
        return _pet_out(tensordot(*_pet_in(a, b, preferred_element_type), axes), preferred_element_type)
    na, nb = len(_shape(a)), len(_shape(b))
    if isinstance(axes, int | np.integer):
        n = int(axes)
        la, lb = tuple(range(na - n, na)), tuple(range(n))
    else:
        xa, xb = axes
        la = tuple(_axis(i, na) for i in ((xa,) if isinstance(xa, int) else xa))
        lb = tuple(_axis(i, nb) for i in ((xb,) if isinstance(xb, int) else xb))
    return lax.dot_general(a, b, ((la, lb), ((), ())))


def vdot(a: Any, b: Any, *, precision: Any = None, preferred_element_type: Any = None) -> Any:
    """Dot product of the flattened inputs, conjugating ``a`` first (as NumPy and JAX)."""
    return dot(conj(ravel(a)), ravel(b), preferred_element_type=preferred_element_type)


def inner(a: Any, b: Any, *, precision: Any = None, preferred_element_type: Any = None) -> Any:
    """Inner product over the last axes (keywords as :func:`dot`)."""
    a, b = _arr(a), _arr(b)
    if preferred_element_type is not None:
        return _pet_out(inner(*_pet_in(a, b, preferred_element_type)), preferred_element_type)
    na, nb = len(_shape(a)), len(_shape(b))
    if na == 0 or nb == 0:
        return lax.mul(a, b)
    return lax.dot_general(a, b, (((na - 1,), (nb - 1,)), ((), ())))


def outer(a: Any, b: Any, out: None = None) -> Any:
    """Outer product of the flattened inputs."""
    if out is not None:
        raise NotImplementedError("The 'out' argument to jnp.outer is not supported.")
    a, b = ravel(_arr(a)), ravel(_arr(b))
    return lax.mul(reshape(a, (-1, 1)), reshape(b, (1, -1)))
