"""functrans: JAX-style composable function transformations in pure Python on NumPy.

>>> import functrans
>>> import functrans.numpy as fnp
>>> float(functrans.grad(lambda x: fnp.sin(x) * x)(0.0))
0.0
"""

from functrans import lax, nn, numpy, scipy, tree_util
from functrans._src.api import (
    grad,
    hessian,
    hvp,
    jacfwd,
    jacobian,
    jacobian_mode,
    jacrev,
    jvp,
    linear_transpose,
    linearize,
    make_ir,
    stop_gradient,
    value_and_grad,
    vjp,
    vmap,
)
from functrans._src.core import (
    IR,
    ConcretizationTypeError,
    EscapedTracerError,
    ShapedArray,
    float0,
    typecheck_ir,
)
from functrans._src.jit import Lowered, disable_jit, jit

__version__ = "0.1.0"

__all__ = [
    "IR",
    "ConcretizationTypeError",
    "EscapedTracerError",
    "ShapedArray",
    "float0",
    "grad",
    "hessian",
    "hvp",
    "jacfwd",
    "jacobian",
    "jacobian_mode",
    "jacrev",
    "jit",
    "disable_jit",
    "Lowered",
    "jvp",
    "lax",
    "linear_transpose",
    "linearize",
    "make_ir",
    "nn",
    "numpy",
    "scipy",
    "stop_gradient",
    "tree_util",
    "typecheck_ir",
    "value_and_grad",
    "vjp",
    "vmap",
]
