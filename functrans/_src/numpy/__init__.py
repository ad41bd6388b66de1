"""The implementation of ``functrans.numpy``, one module per family.

- util.py: shared helpers (shapes, axes, list inputs)
- ufuncs.py: elementwise functions, ``where``, ``clip``; the floor_divide and remainder primitives
- reductions.py: sum, prod, max, min, mean, var, std
- lax_numpy.py: shape/structure functions, stacking, array creation, constants and dtypes
- contraction.py: dot, matmul, tensordot, vdot, inner, outer
- einsum.py: einsum
- signal_poly.py: convolve, correlate, polyval, polyfit, vander, interp, bincount, digitize, histogram
- index_tricks.py: indices, tril/triu/diag_indices, unravel_index, lexsort, argpartition, piecewise, isin, put
- statistics.py: cov, corrcoef, nanargmax/nanargmin, nanmedian/nanquantile/nanpercentile, histogram2d/dd
- setops.py: union1d, intersect1d, setdiff1d, setxor1d, unique_all/counts/inverse/values (unique: sorting.py)
- polynomial.py: poly, polyadd, polysub, polymul, polydiv, polyder, polyint, roots
- packing.py: packbits, unpackbits, ravel_multi_index
- namespace.py: the public namespace collected from the family modules
- array_methods.py: operators, methods and NumPy protocol hooks of traced values
"""

from functrans._src.numpy import array_methods as array_methods  # installs the traced-value operators
from functrans._src.numpy.namespace import NAMESPACE as NAMESPACE
