"""The ``functrans.numpy`` functions of the family modules, looked up by name.

Modules that build on many families (``index_tricks``, ``signal_poly``) read them through
:data:`FAMILIES` (``FAMILIES.where``, ``FAMILIES.take``) instead of importing each by name.
"""

from __future__ import annotations

from typing import Any

from functrans._src.numpy import (
    contraction,
    indexing,
    joining,
    lax_numpy,
    reductions,
    sorting,
    structure,
    ufuncs,
)


class _Families:
    """The NumPy functions of the family modules, by name."""

    def __getattr__(self, name: str) -> Any:
        for m in (ufuncs, reductions, lax_numpy, contraction, structure, joining, indexing, sorting):
            if name in m.__all__:
                return getattr(m, name)
        raise AttributeError(name)


FAMILIES = _Families()
