"""``functrans.scipy``: SciPy functions, traceable by every functrans transformation (NumPy only at run time)."""

from functrans.scipy import linalg

__all__ = ["linalg"]
