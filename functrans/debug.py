"""Debugging with runtime values: :func:`print` and :func:`callback`, as ``jax.debug``."""

from functrans._src.debugging import callback, print  # noqa: A004

__all__ = ["callback", "print"]
