"""``functrans.numpy``: NumPy's API, traceable by every functrans transformation.

Use it in place of ``numpy`` inside functions you transform::

    import functrans.numpy as fnp
    def f(x):
        return fnp.sum(fnp.tanh(x) ** 2)

A NumPy function that is not (yet) supported raises an ``AttributeError`` that names it.
"""

from __future__ import annotations

from typing import Any

import numpy as _np

from functrans._src.numpy import NAMESPACE as _NAMESPACE
from functrans._src.numpy.dtypes_api import UNAVAILABLE_DTYPES as _UNAVAILABLE_DTYPES

__all__ = sorted(_NAMESPACE)
globals().update(_NAMESPACE)

from functrans.numpy import fft, linalg  # noqa: E402  (numpy.fft's and numpy.linalg's namespaces)

__all__ += ["linalg", "fft"]

from functrans._src import numpy_transforms as _transforms  # noqa: E402  (built on vmap)

__all__ += _transforms.__all__
globals().update({_n: getattr(_transforms, _n) for _n in _transforms.__all__})


def __getattr__(name: str) -> Any:
    if name in _UNAVAILABLE_DTYPES:
        raise AttributeError(
            f"functrans.numpy.{name} is not available: JAX's {name} comes from the ml_dtypes package, "
            "which functrans does not use (NumPy has no such dtype)."
        )
    if hasattr(_np, name):
        raise AttributeError(
            f"functrans.numpy does not support numpy.{name} yet. The supported functions are listed "
            "in functrans.numpy.__all__."
        )
    raise AttributeError(f"module 'functrans.numpy' has no attribute '{name}'")
