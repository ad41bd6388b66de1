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

from functrans._src import numpy_api as _api

__all__ = [
    n
    for n in dir(_api)
    if not n.startswith("_") and n not in {"annotations", "Any", "Sequence", "Tracer", "get_aval", "lax", "np"}
]
globals().update({n: getattr(_api, n) for n in __all__})


def __getattr__(name: str) -> Any:
    if hasattr(_np, name):
        raise AttributeError(
            f"functrans.numpy does not support numpy.{name} yet. The supported functions are listed "
            "in functrans.numpy.__all__."
        )
    raise AttributeError(f"module 'functrans.numpy' has no attribute '{name}'")
