"""The public namespace of ``functrans.numpy``, built once from the family modules.

Each family module lists its public names in ``__all__``; :data:`NAMESPACE` maps every
one of them to its object. ``functrans.numpy`` re-exports it, and the NumPy protocol
hooks of traced values (array_methods.py) look functions up in it.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from functrans._src.numpy import (
    aliases,
    construction,
    contraction,
    dtypes_api,
    einsum,
    elementwise_misc,
    index_tricks,
    indexing,
    joining,
    lax_numpy,
    packing,
    polynomial,
    reductions,
    setops,
    signal_poly,
    sorting,
    statistics,
    structure,
    ufuncs,
)

FAMILIES: tuple[ModuleType, ...] = (
    ufuncs, reductions, lax_numpy, contraction, einsum, structure, joining, indexing, sorting,
    signal_poly, index_tricks, statistics, setops, polynomial, packing,
    aliases, dtypes_api, elementwise_misc, construction,
)  # fmt: skip


def _collect(modules: tuple[ModuleType, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for m in modules:
        for name in m.__all__:
            if name in out and out[name] is not getattr(m, name):
                raise ImportError(f"functrans.numpy: {name!r} is defined by two family modules")
            out[name] = getattr(m, name)
    return out


NAMESPACE: dict[str, Any] = _collect(FAMILIES)
"""Every public name of ``functrans.numpy``, mapped to its object."""

# the ufunc objects (jax.numpy.ufunc) replace the plain functions of the same names
from functrans._src.numpy import ufunc_api  # noqa: E402

NAMESPACE.update({name: getattr(ufunc_api, name) for name in ufunc_api.__all__})
