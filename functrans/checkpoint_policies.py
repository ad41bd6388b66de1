"""Policies for ``functrans.checkpoint``: which intermediate values may be saved, as
``jax.checkpoint_policies``. A policy is ``policy(prim, *avals, **params) -> bool``."""

from functrans._src.checkpoint import (
    checkpoint_dots,
    dots_saveable,
    dots_with_no_batch_dims_saveable,
    everything_saveable,
    nothing_saveable,
)

__all__ = [
    "checkpoint_dots",
    "dots_saveable",
    "dots_with_no_batch_dims_saveable",
    "everything_saveable",
    "nothing_saveable",
]
