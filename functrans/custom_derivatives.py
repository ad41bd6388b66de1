"""``functrans.custom_derivatives``: custom differentiation rules, as ``jax.custom_derivatives``."""

from functrans._src.custom_derivatives import SymbolicZero, custom_jvp, custom_vjp

__all__ = ["SymbolicZero", "custom_jvp", "custom_vjp"]
