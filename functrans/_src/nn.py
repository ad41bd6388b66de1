"""Neural-network functions of ``functrans.nn`` (as ``jax.nn``), built from primitives.

All are numerically stable (no overflow for ``|x|`` up to the float range: exponentials
only of non-positive numbers) and have JAX's derivatives at their kinks: ``relu'(0) = 0``,
``relu6'(0) = relu6'(6) = 0``, ``leaky_relu'(0) = 1``, ``hard_tanh'(+-1) = 1``,
``elu'(0) = alpha``, ``celu'(0) = 1`` (with ``celu''(0) = 1 / (4 alpha)``).
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from functrans._src import lax
from functrans._src.core import get_aval
from functrans._src.numpy.reductions import mean as _mean
from functrans._src.numpy.reductions import sum as _sum
from functrans._src.numpy.util import _arr, _axes, _shape
from functrans._src.numpy.util import _as_float as _float
from functrans._src.scipy_special import logsumexp

__all__ = [
    "relu", "relu6", "sigmoid", "log_sigmoid", "softplus", "softmax", "log_softmax", "logsumexp",
    "gelu", "silu", "swish", "elu", "celu", "selu", "leaky_relu", "hard_tanh", "one_hot", "standardize",
]  # fmt: skip




def _zero(x: Any) -> np.ndarray:
    return np.zeros((), get_aval(x).dtype)


def relu(x: Any) -> Any:
    """``max(x, 0)``; its derivative at 0 is 0 (as JAX); NaN stays NaN."""
    x = _arr(x)
    return lax.select(lax.gt(x, 0), x, lax.stop_gradient(lax.maximum(x, _zero(x))))


def relu6(x: Any) -> Any:
    """``min(max(x, 0), 6)``; derivative 1 strictly inside (0, 6), else 0 (as JAX)."""
    x = _arr(x)
    inside = lax.logical_and(lax.gt(x, 0), lax.lt(x, 6))
    clipped = lax.minimum(lax.maximum(x, _zero(x)), np.asarray(6, get_aval(x).dtype))
    return lax.select(inside, x, lax.stop_gradient(clipped))


def sigmoid(x: Any) -> Any:
    """The logistic function ``1 / (1 + exp(-x))``."""
    return lax.logistic(_arr(x))


def softplus(x: Any) -> Any:
    """``log(1 + exp(x))`` without overflow."""
    return lax.logaddexp(_float(x), 0.0)


def log_sigmoid(x: Any) -> Any:
    """``log(sigmoid(x)) = -softplus(-x)``, without overflow."""
    return lax.neg(softplus(lax.neg(_float(x))))


def _masked(x: Any, where: Any, fill: float) -> Any:
    return x if where is None else lax.select(_arr(where), x, np.asarray(fill, get_aval(x).dtype))


def _shifted(x: Any, axis: Any, where: Any) -> Any:
    x = _float(x)
    # as JAX, a non-finite maximum is not replaced: a row with +inf (or only -inf) gives NaN
    m = lax.reduce_max(_masked(x, where, -np.inf), _axes(axis, len(_shape(x))), True)
    return lax.sub(_masked(x, where, -np.inf), lax.stop_gradient(m))


def softmax(x: Any, axis: Any = -1, where: Any = None) -> Any:
    """``exp(x) / sum(exp(x), axis)``, computed after subtracting the maximum; entries
    outside ``where`` (if given) are 0, also where every entry is masked (as JAX)."""
    e = _masked(lax.exp(_shifted(x, axis, where)), where, 0.0)
    return _masked(lax.div(e, _sum(e, axis, keepdims=True)), where, 0.0)


def log_softmax(x: Any, axis: Any = -1, where: Any = None) -> Any:
    """``x - logsumexp(x, axis)``, computed after subtracting the maximum."""
    s = _shifted(x, axis, where)
    out = lax.sub(s, lax.log(_sum(_masked(lax.exp(s), where, 0.0), axis, keepdims=True)))
    return _masked(out, where, -np.inf)


_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)


def gelu(x: Any, approximate: bool = True) -> Any:
    """Gaussian error linear unit: ``x * Phi(x)`` (exact, with erf) or its tanh approximation."""
    x = _float(x)
    if approximate:
        inner = lax.mul(_SQRT_2_OVER_PI, lax.add(x, lax.mul(0.044715, lax.integer_pow(x, 3))))
        return lax.mul(x, lax.mul(0.5, lax.add(1.0, lax.tanh(inner))))
    return lax.div(lax.mul(x, lax.add(lax.erf(lax.div(x, math.sqrt(2.0))), 1.0)), 2.0)


def silu(x: Any) -> Any:
    """``x * sigmoid(x)`` (also called swish)."""
    x = _float(x)
    return lax.mul(x, lax.logistic(x))


swish = silu


def elu(x: Any, alpha: float = 1.0) -> Any:
    """``x`` for ``x > 0``, else ``alpha * (exp(x) - 1)``; derivative ``alpha`` at 0 (as JAX)."""
    x = _float(x)
    pos = lax.gt(x, 0)
    safe = lax.select(pos, _zero(x), x)  # exp only of non-positive numbers
    return lax.select(pos, x, lax.mul(alpha, lax.expm1(safe)))


def celu(x: Any, alpha: float = 1.0) -> Any:
    """``max(x, 0) + alpha * expm1(min(x, 0) / alpha)``."""
    x = _float(x)
    return lax.add(lax.maximum(x, 0.0), lax.mul(alpha, lax.expm1(lax.div(lax.minimum(x, 0.0), alpha))))


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def selu(x: Any) -> Any:
    """Scaled ELU with the self-normalising constants (alpha 1.6733, scale 1.0507)."""
    return lax.mul(_SELU_SCALE, elu(x, _SELU_ALPHA))


def leaky_relu(x: Any, negative_slope: float = 1e-2) -> Any:
    """``x`` for ``x >= 0``, else ``negative_slope * x``; derivative 1 at 0 (as JAX)."""
    x = _arr(x)
    return lax.select(lax.ge(x, 0), x, lax.mul(negative_slope, x))


def hard_tanh(x: Any) -> Any:
    """``x`` clipped to [-1, 1]; derivative 1 on the closed interval (as JAX)."""
    x = _arr(x)
    dt = get_aval(x).dtype
    one = np.ones((), dt)
    return lax.select(lax.gt(x, 1), one, lax.select(lax.lt(x, -1), lax.neg(one), x))


def one_hot(x: Any, num_classes: int, *, dtype: Any = np.float64, axis: int = -1) -> Any:
    """One-hot encoding of the integers ``x`` along a new axis of length ``num_classes``
    (all zeros for values outside ``[0, num_classes)``)."""
    x = _arr(x)
    if get_aval(x).dtype.kind not in "biuf":
        raise TypeError(f"one_hot expects integer class indices, got dtype {get_aval(x).dtype}")
    if get_aval(x).dtype.kind == "f":
        # compared with the classes as JAX does (1.5 is no class), deprecated there too
        warnings.warn(f"one_hot input should be integer-typed; got dtype={get_aval(x).dtype}",
                      DeprecationWarning, stacklevel=2)
    num_classes = int(num_classes)
    shape = _shape(x)
    nd = len(shape) + 1
    ax = _axes(axis, nd)[0]
    classes = np.arange(num_classes).reshape((num_classes,) + (1,) * (nd - 1 - ax))
    xk = lax.reshape(x, shape[:ax] + (1,) + shape[ax:])
    return lax.convert_element_type(lax.eq(xk, classes), np.dtype(dtype))


def standardize(
    x: Any, axis: Any = -1, mean: Any = None, variance: Any = None, epsilon: float = 1e-5, where: Any = None
) -> Any:
    """``(x - mean) / sqrt(variance + epsilon)`` along ``axis``, the variance computed as JAX
    does by default (``mean(x**2) - mean(x)**2``, clipped at 0); with ``where``, the mean and
    variance are taken over the selected entries only (every entry is still standardized)."""
    x = _float(x)

    def avg(v: Any) -> Any:
        if where is None:
            return _mean(v, axis, keepdims=True)
        w = _arr(where)
        kept = _sum(lax.select(w, v, _zero(v)), axis, keepdims=True)
        return lax.div(kept, _sum(lax.convert_element_type(w, get_aval(v).dtype), axis, keepdims=True))

    if mean is None:
        mean = avg(x)
    if variance is None:
        variance = lax.maximum(0.0, lax.sub(avg(lax.integer_pow(x, 2)), lax.integer_pow(mean, 2)))
    return lax.mul(lax.sub(x, mean), lax.div(1.0, lax.sqrt(lax.add(variance, epsilon))))


# --------------------------------------------------------------------------- more of jax.nn
# Compositions as jax.nn writes them, so values and derivatives at the kinks are JAX's
# (clip/minimum/maximum split ties equally; relu6 has zero derivative at 0 and 6).


def glu(x: Any, axis: int = -1) -> Any:
    """Gated linear unit: the first half of ``x`` along ``axis`` times the sigmoid of the second."""
    x = _arr(x)
    shape = _shape(x)
    ax = _axes(axis, len(shape))[0]
    if shape[ax] % 2:
        raise ValueError(f"glu: the size of axis {axis} must be divisible by 2, got {shape[ax]}")
    h = shape[ax] // 2
    first = tuple(slice(0, h) if i == ax else slice(None) for i in range(len(shape)))
    second = tuple(slice(h, None) if i == ax else slice(None) for i in range(len(shape)))
    return lax.mul(lax.index(x, first), sigmoid(lax.index(x, second)))


def sparse_plus(x: Any) -> Any:
    """0 for ``x <= -1``, ``x`` for ``x >= 1``, ``(x + 1)**2 / 4`` between."""
    x = _float(x)
    mid = lax.div(lax.integer_pow(lax.add(x, 1.0), 2), 4.0)
    return lax.select(lax.le(x, -1.0), _zero(x), lax.select(lax.ge(x, 1.0), x, mid))


def sparse_sigmoid(x: Any) -> Any:
    """``clip(x + 1, 0, 2) / 2``."""
    x = _float(x)
    return lax.mul(0.5, lax.minimum(lax.maximum(lax.add(x, 1.0), 0.0), 2.0))


def squareplus(x: Any, b: Any = 4) -> Any:
    """``(x + sqrt(x**2 + b)) / 2``."""
    x = _float(x)
    return lax.div(lax.add(x, lax.sqrt(lax.add(lax.integer_pow(x, 2), b))), 2.0)


def mish(x: Any) -> Any:
    """``x * tanh(softplus(x))``."""
    x = _float(x)
    return lax.mul(x, lax.tanh(softplus(x)))


def hard_sigmoid(x: Any) -> Any:
    """``relu6(x + 3) / 6``."""
    return lax.div(relu6(lax.add(_float(x), 3.0)), 6.0)


def hard_silu(x: Any) -> Any:
    """``x * hard_sigmoid(x)`` (also called hard_swish)."""
    x = _float(x)
    return lax.mul(x, hard_sigmoid(x))


hard_swish = hard_silu


def soft_sign(x: Any) -> Any:
    """``x / (|x| + 1)``."""
    x = _float(x)
    return lax.div(x, lax.add(lax.abs(x), 1.0))


def tanh(x: Any) -> Any:
    """Hyperbolic tangent (``jax.nn.tanh`` is ``jax.numpy.tanh``)."""
    return lax.tanh(_float(x))


def identity(x: Any) -> Any:
    """``x`` itself."""
    return _arr(x)


def logmeanexp(x: Any, axis: Any = None, where: Any = None, keepdims: bool = False) -> Any:
    """``logsumexp(x) - log(n)``, ``n`` the number of (selected) entries reduced."""
    x = _float(x)
    lse = logsumexp(x, axis=axis, where=where, keepdims=keepdims)
    dt = get_aval(lse).dtype
    if where is None:
        axes = _axes(axis, len(_shape(x)))
        count: Any = np.asarray(math.prod(_shape(x)[a] for a in axes), dt)
    else:
        w = lax.convert_element_type(lax.broadcast_to(_arr(where), _shape(x)), dt)
        count = _sum(w, axis, keepdims=keepdims)
    return lax.sub(lse, lax.log(count))


__all__ += ["glu", "sparse_plus", "sparse_sigmoid", "squareplus", "mish", "hard_sigmoid", "hard_silu",
            "hard_swish", "soft_sign", "tanh", "identity", "logmeanexp"]
