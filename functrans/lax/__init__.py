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
# special functions of jax.lax backed by SciPy values (functrans._src.lax.special_extra)
from functrans._src.lax.special_extra import (  # noqa: E402
    bessel_i0e,
    bessel_i1e,
    betainc,
    igamma,
    igamma_grad_a,
    igammac,
    zeta,
)

__all__ = sorted({*__all__, "bessel_i0e", "bessel_i1e", "betainc", "igamma", "igamma_grad_a", "igammac", "zeta"})
