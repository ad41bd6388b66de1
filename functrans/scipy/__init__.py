"""``functrans.scipy``: SciPy functions, traceable by every functrans transformation.

``linalg`` needs only NumPy; some of ``special`` needs SciPy (``pip install functrans[scipy]``)."""

from functrans.scipy import linalg, special, stats

__all__ = ["linalg", "special", "stats"]
