"""``functrans.lax``: the primitives themselves, and control flow (``cond``, ``switch``, ``scan``,
``fori_loop``, ``while_loop``, ``map``), as in ``jax.lax``."""

from functrans._src.api import stop_gradient  # maps over pytrees, as jax.lax.stop_gradient
from functrans._src.control_flow import cond, fori_loop, map, scan, switch, while_loop
from functrans._src.lax import (
    abs,
    acos,
    acosh,
    add,
    argmax,
    argmin,
    asin,
    asinh,
    atan,
    atan2,
    atanh,
    broadcast_to,
    cbrt,
    ceil,
    concatenate,
    convert_element_type,
    cos,
    cosh,
    cumlogsumexp,
    cummax,
    cummin,
    cumprod,
    cumsum,
    digamma,
    div,
    dot_general,
    eq,
    erf,
    erf_inv,
    erfc,
    exp,
    exp2,
    expm1,
    floor,
    ge,
    gt,
    index,
    integer_pow,
    is_finite,
    le,
    lgamma,
    log,
    log1p,
    logical_and,
    logical_not,
    logical_or,
    logistic,
    lt,
    maximum,
    minimum,
    mul,
    ne,
    neg,
    polygamma,
    pow,
    reduce_max,
    reduce_min,
    reduce_prod,
    reduce_sum,
    reshape,
    round,
    select,
    sign,
    sin,
    sinh,
    sort,
    sqrt,
    sub,
    tan,
    tanh,
    top_k,
    transpose,
)
from functrans._src.lax.complex_parts import complex, conj, imag, real  # noqa: A004
from functrans._src.lax.fft import FftType, fft  # jax.lax.fft
from functrans._src.lax.gather import gather, scatter, scatter_add  # advanced indexing

# every public name imported above (keep imports explicit; the list follows them)
__all__ = sorted(n for n in dir() if not n.startswith("_"))


def __getattr__(name: str) -> object:
    raise AttributeError(
        f"functrans.lax does not support jax.lax.{name} yet. The supported functions are listed in "
        "functrans.lax.__all__."
    )
# jax.lax.round: ties away from zero by default (functrans._src.lax.round stays NumPy's half-to-even)
from functrans._src.lax.elementwise_extra import RoundingMethod  # noqa: E402

# jax.lax.div / rem: integer division truncates toward zero, rem has the sign of the dividend
from functrans._src.lax.elementwise_extra import lax_div as div  # noqa: E402, F811
from functrans._src.lax.elementwise_extra import lax_rem as rem  # noqa: E402
from functrans._src.lax.elementwise_extra import lax_round as round  # noqa: E402, A004, F811

__all__ = sorted({*__all__, "rem"})
# more of jax.lax, composed from the primitives above (functrans._src.lax.jax_surface)
from functrans._src.lax.elementwise import maximum as max  # noqa: E402, A004
from functrans._src.lax.elementwise import minimum as min  # noqa: E402, A004
from functrans._src.lax.jax_surface import (  # noqa: E402
    clamp,
    expand_dims,
    rsqrt,
    select_n,
    slice,  # noqa: E402, A004
    square,
    squeeze,
)
from functrans._src.lax.jax_surface import lax_dot_general as dot_general  # noqa: E402, F811
from functrans._src.lax.jax_surface import lax_reshape as reshape  # noqa: E402, F811

__all__ = sorted({*__all__, "max", "min", "clamp", "expand_dims", "rsqrt", "select_n", "square", "squeeze",
                  "slice"})
# construction and dynamic slicing (functrans._src.lax.construction, .dynamic_slicing)
from functrans._src.lax.construction import (  # noqa: E402
    broadcast,
    broadcast_in_dim,
    broadcast_shapes,
    broadcast_to_rank,
    broadcasted_iota,
    collapse,
    empty,
    full,
    full_like,
    iota,
    pad,
    rev,
    split,
    stack,
    tile,
    unstack,
)
from functrans._src.lax.dynamic_slicing import (  # noqa: E402
    dynamic_index_in_dim,
    dynamic_slice,
    dynamic_slice_in_dim,
    dynamic_update_index_in_dim,
    dynamic_update_slice,
    dynamic_update_slice_in_dim,
    index_in_dim,
    index_take,
    slice_in_dim,
)

__all__ = sorted({*__all__, "broadcast", "broadcast_in_dim", "broadcast_shapes", "broadcast_to_rank",
                  "broadcasted_iota", "collapse", "empty", "full", "full_like", "iota", "pad", "rev", "split",
                  "stack", "tile", "unstack", "dynamic_index_in_dim", "dynamic_slice", "dynamic_slice_in_dim",
                  "dynamic_update_index_in_dim", "dynamic_update_slice", "dynamic_update_slice_in_dim",
                  "index_in_dim", "index_take", "slice_in_dim"})
# bitwise primitives, reduce & friends, more special functions (functrans._src.lax.bitwise,
# .jax_surface_ops, .special_extra)
from functrans._src.lax.bitwise import (  # noqa: E402
    bitwise_and,
    bitwise_not,
    bitwise_or,
    bitwise_xor,
    clz,
    population_count,
    reduce_and,
    reduce_or,
    reduce_xor,
    shift_left,
    shift_right_arithmetic,
    shift_right_logical,
)
from functrans._src.lax.jax_surface_ops import (  # noqa: E402
    DotAlgorithmPreset,
    DotDimensionNumbers,
    Precision,
    PrecisionLike,
    batch_matmul,
    dot,
    optimization_barrier,
    reciprocal,
    reduce,
    sort_key_val,
    with_sharding_constraint,
)
from functrans._src.lax.special_lax import (  # noqa: E402
    bessel_i0e,
    bessel_i1e,
    betainc,
    igamma,
    igamma_grad_a,
    igammac,
    zeta,
)
from functrans._src.random_samplers import random_gamma_grad  # noqa: E402

__all__ = sorted({*__all__, "bitwise_and", "bitwise_not", "bitwise_or", "bitwise_xor", "clz", "population_count",
                  "reduce_and", "reduce_or", "reduce_xor", "shift_left", "shift_right_arithmetic",
                  "shift_right_logical", "DotAlgorithmPreset", "DotDimensionNumbers", "Precision",
                  "PrecisionLike", "batch_matmul", "dot", "optimization_barrier", "reciprocal", "reduce",
                  "sort_key_val", "with_sharding_constraint", "bessel_i0e", "bessel_i1e", "betainc", "igamma",
                  "igamma_grad_a", "igammac", "zeta", "nextafter", "random_gamma_grad"})
# gather/scatter with JAX's dimension numbers (functrans._src.lax.jax_scatter); gather, scatter and
# scatter_add keep functrans' point form when called without dimension numbers
from functrans._src.lax.jax_scatter import (  # noqa: E402
    GatherDimensionNumbers,
    GatherScatterMode,
    ScatterDimensionNumbers,
    scatter_apply,
    scatter_max,
    scatter_min,
    scatter_mul,
    scatter_sub,
)
from functrans._src.lax.jax_scatter import lax_gather as gather  # noqa: E402, F811
from functrans._src.lax.jax_scatter import lax_scatter as scatter  # noqa: E402, F811
from functrans._src.lax.jax_scatter import lax_scatter_add as scatter_add  # noqa: E402, F811

__all__ = sorted({*__all__, "GatherDimensionNumbers", "GatherScatterMode", "ScatterDimensionNumbers",
                  "scatter_apply", "scatter_max", "scatter_min", "scatter_mul", "scatter_sub"})
# the *_p primitive objects jax.lax exports, where functrans has the primitive
from functrans._src.lax.primitive_aliases import primitive_aliases as _primitive_aliases  # noqa: E402
from functrans._src.prng import bitcast_convert_type, bitcast_convert_type_p, nextafter_p  # noqa: E402

globals().update(_primitive_aliases())
__all__ = sorted({*__all__, *_primitive_aliases(), "bitcast_convert_type", "bitcast_convert_type_p",
                  "nextafter_p"})
# jax.lax's argument names for wrappers whose functrans names differ (functrans._src.lax.jax_names)
from functrans._src.lax.jax_names import lax_concatenate as concatenate  # noqa: E402, F811
from functrans._src.lax.jax_names import lax_convert_element_type as convert_element_type  # noqa: E402, F811
from functrans._src.lax.jax_names import lax_select as select  # noqa: E402, F811
from functrans._src.lax.jax_names import lax_transpose as transpose  # noqa: E402, F811


def nextafter(x1: object, x2: object) -> object:
    """The next float after ``x1`` in the direction of ``x2`` (``jax.lax.nextafter``; zero derivative)."""
    from functrans._src.prng import nextafter as _nextafter

    return _nextafter(x1, x2)
# convolutions (functrans._src.lax.convolution)
from functrans._src.lax.convolution import (  # noqa: E402
    ConvDimensionNumbers,
    conv,
    conv_dimension_numbers,
    conv_general_dilated,
    conv_general_dilated_patches,
    conv_general_permutations,
    conv_shape_tuple,
    conv_transpose,
    conv_with_general_padding,
    padtype_to_pads,
)

__all__ = sorted({*__all__, "ConvDimensionNumbers", "conv", "conv_dimension_numbers", "conv_general_dilated",
                  "conv_general_dilated_patches", "conv_general_permutations", "conv_shape_tuple",
                  "conv_transpose", "conv_with_general_padding", "padtype_to_pads"})
# windowed reductions and the pytree associative_scan (functrans._src.lax.windowed)
from functrans._src.lax.windowed import associative_scan_tree as associative_scan  # noqa: E402
from functrans._src.lax.windowed import reduce_window  # noqa: E402

__all__ = sorted({*__all__, "associative_scan", "reduce_window"})
# collectives over vmap's named axes (functrans._src.parallel)
from functrans._src.parallel import all_gather, axis_index, axis_size, pmax, pmean, pmin, ppermute, psum  # noqa: E402

__all__ = sorted({*__all__, "all_gather", "axis_index", "axis_size", "pmax", "pmean", "pmin", "ppermute", "psum"})
# solves differentiated implicitly (functrans._src.control_flow.solves)
from functrans._src.control_flow.solves import custom_linear_solve, custom_root  # noqa: E402

__all__ = sorted({*__all__, "custom_linear_solve", "custom_root"})
