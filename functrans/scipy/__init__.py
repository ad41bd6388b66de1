"""``functrans.scipy``: SciPy functions, traceable by every functrans transformation."""

from functrans.scipy import special, stats

__all__ = ["special", "stats"]
