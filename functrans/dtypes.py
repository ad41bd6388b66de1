"""``functrans.dtypes``: dtype utilities as ``jax.dtypes`` (JAX's promotion lattice, x64)."""

from functrans._src.dtypes import (
    TypePromotionError,
    canonicalize_dtype,
    extended,
    finfo,
    float0,
    iinfo,
    issubdtype,
    itemsize_bits,
    prng_key,
    promote_types,
    result_type,
    scalar_type_of,
)

__all__ = [
    "TypePromotionError", "canonicalize_dtype", "extended", "finfo", "float0", "iinfo", "issubdtype",
    "itemsize_bits", "prng_key", "promote_types", "result_type", "scalar_type_of",
]  # fmt: skip
