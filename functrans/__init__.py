"""functrans: JAX-style composable function transformations in pure Python on NumPy.

>>> import functrans
>>> import functrans.numpy as fnp
>>> float(functrans.grad(lambda x: fnp.sin(x) * x)(0.0))
0.0
"""

from functrans import lax, nn, numpy, random, scipy, tree, tree_util
from functrans._src.api import (
    grad,
    hessian,
    hvp,
    jacfwd,
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
from functrans._src.compat import (
    ShapeDtypeStruct,
    block_until_ready,
    config,
    device_get,
    device_put,
    eval_shape,
    make_jaxpr,
)
from functrans._src.core import (
    IR,
    ConcretizationTypeError,
    EscapedTracerError,
    ShapedArray,
    float0,
    typecheck_ir,
)
from functrans._src.jit import Lowered, clear_caches, disable_jit, jit
from functrans._src.mixed_mode import JacobianPlan, jacobian, jacobian_plan
from functrans._src.numpy.array import Array
from functrans._src.sparse_jacobian import jacobian_sparsity, sparse_jacobian

__version__ = "0.1.0"

__all__ = [
    "Array",
    "ShapeDtypeStruct",
    "block_until_ready",
    "config",
    "device_get",
    "device_put",
    "eval_shape",
    "make_jaxpr",
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
    "random",
    "scipy",
    "stop_gradient",
    "tree",
    "tree_util",
    "typecheck_ir",
    "value_and_grad",
    "vjp",
    "vmap",
    "JacobianPlan",
    "jacobian_plan",
    "jacobian_sparsity",
    "sparse_jacobian",
    "clear_caches",
]


def __getattr__(name: str) -> object:
    raise AttributeError(
        f"module 'functrans' has no attribute '{name}': functrans does not provide jax.{name} (yet). "
        "The supported names are listed in functrans.__all__; see README.md, 'Differences from JAX'."
    )

# custom differentiation rules and rematerialisation
from functrans import checkpoint_policies  # noqa: E402
from functrans._src.checkpoint import checkpoint, remat  # noqa: E402

__all__ += ["checkpoint", "checkpoint_policies", "remat"]
from functrans import custom_derivatives  # noqa: E402
from functrans._src.custom_derivatives import custom_jvp, custom_vjp  # noqa: E402

__all__ += ["custom_derivatives", "custom_jvp", "custom_vjp"]

# Public entry points: tracebacks leaving them hide functrans' frames (FUNCTRANS_TRACEBACK_FILTERING=off
# or config.update("jax_traceback_filtering", "off") shows them), and errors name the user's function.
from functrans._src import traceback_util as _tb  # noqa: E402
from functrans._src.jit import JitFunction as _JitFunction  # noqa: E402

grad = _tb.transformation(grad, "grad")
value_and_grad = _tb.transformation(value_and_grad, "value_and_grad")
jacfwd = _tb.transformation(jacfwd, "jacfwd")
jacrev = _tb.transformation(jacrev, "jacrev")
jacobian = _tb.transformation(jacobian, "jacobian")
hessian = _tb.transformation(hessian, "hessian")
vmap = _tb.transformation(vmap, "vmap")
make_ir = _tb.transformation(make_ir, "make_ir")
make_jaxpr = _tb.transformation(make_jaxpr, "make_jaxpr")
linear_transpose = _tb.transformation(linear_transpose, "linear_transpose")
checkpoint = remat = _tb.transformation(checkpoint, "checkpoint")  # noqa: F811
jvp = _tb.direct(jvp, "jvp")
vjp = _tb.direct(vjp, "vjp")
linearize = _tb.direct(linearize, "linearize")
hvp = _tb.direct(hvp, "hvp")
eval_shape = _tb.direct(eval_shape, "eval_shape")
if not getattr(_JitFunction.__call__, "_functrans_boundary", False):
    _JitFunction.__call__ = _tb.method(_JitFunction.__call__, "jit")  # type: ignore[method-assign]
    _JitFunction.__call__._functrans_boundary = True  # type: ignore[attr-defined]
from functrans import debug  # noqa: E402

__all__ += ["debug"]
# jax.errors.TracerBoolConversionError: bool() of a traced value (a ConcretizationTypeError)
from functrans._src.core import TracerBoolConversionError  # noqa: E402

__all__ += ["TracerBoolConversionError"]
# jax top-level utilities: hand-written gradients, closure conversion, names, host callbacks, devices
from functrans import dtypes  # noqa: E402
from functrans._src.api_extras import (  # noqa: E402
    closure_convert,
    custom_gradient,
    default_backend,
    device_count,
    devices,
    ensure_compile_time_eval,
    local_device_count,
    local_devices,
    named_call,
    named_scope,
    process_count,
    process_index,
    pure_callback,
    typeof,
)

__all__ += [
    "closure_convert", "custom_gradient", "default_backend", "device_count", "devices", "dtypes",
    "ensure_compile_time_eval", "local_device_count", "local_devices", "named_call", "named_scope",
    "process_count", "process_index", "pure_callback", "typeof",
]  # fmt: skip
