"""Every primitive makes an explicit choice about complex operands (issue 15).

A primitive is either ``complex_ok`` (its rules were checked against JAX's complex
conventions) or listed in REJECTED below with the reason it stays real-only. A new primitive
must be added to one or the other, so complex support is never silently forgotten. Each
rejected primitive applied to a complex operand raises a TypeError naming it, eagerly and
under jit (JAX raises TypeError for the lax equivalents too; where jax.numpy raises
ValueError instead -- hypot, signbit, clip, quantile -- the functrans.numpy wrapper does).
"""

import gc
import importlib
import pkgutil

import numpy as np
import pytest

import functrans
import functrans._src as _src
from functrans._src.core import Primitive, bind
from functrans._src.lax import all_primitives

_JAX = "jax.lax rejects complex operands (TypeError)"
_ORDER = "needs an order on the values; complex numbers have none (JAX rejects them)"
_INT = "integer/bit-level operation; jax.lax rejects complex operands"
_RNG = "internal to functrans.random: real-valued samplers and their helpers"
_LAX_ONLY = "real-only at the lax level here; the functrans.numpy wrapper takes complex operands as JAX does"

REJECTED: dict[str, str] = {
    "and": _INT + "; functrans.numpy.logical_and takes the truth value first",
    "or": _INT + "; functrans.numpy.logical_or takes the truth value first",
    "not": _INT + "; functrans.numpy.logical_not takes the truth value first",
    "bitwise_or": _INT,
    "bitwise_xor": _INT,
    "shift_left": _INT,
    "shift_right_logical": _INT,
    "integer_rem": _INT,
    "bitcast_convert_type": _INT + " (used for random bits)",
    "nextafter": "steps to the next float; no complex meaning (JAX rejects it)",
    "argmax": _ORDER,
    "argmin": _ORDER,
    "ge": _ORDER,
    "gt": _ORDER,
    "le": _ORDER,
    "lt": _ORDER,
    "floor": _ORDER,
    "ceil": _ORDER,
    "round": _ORDER + "; jax.numpy.round rounds the parts, as functrans.numpy.round does",
    "floor_divide": _ORDER,
    "fmod": _ORDER,
    "remainder": _ORDER,
    "signbit": "sign bit of a real float (jax.numpy.signbit raises ValueError, as functrans.numpy's)",
    "is_finite": _JAX + "; functrans.numpy.isfinite tests both parts as JAX does",
    "cbrt": _JAX,
    "hypot": "jax.numpy.hypot raises ValueError for complex, as functrans.numpy.hypot does",
    "atan2": _LAX_ONLY + " (functrans.numpy.arctan2; jax.lax.atan2 also accepts complex)",
    "erf": _JAX,
    "erfc": _JAX,
    "erf_inv": _JAX,
    "erf_inv_xla": _JAX + " (internal erf_inv kernel)",
    "erf_libm": _JAX + " (internal erf kernel)",
    "log1p_xla": "internal real log1p kernel of the random samplers",
    "lgamma": _JAX,
    "digamma": _JAX,
    "polygamma": _JAX,
    "ndtri": "jax.scipy.special.ndtri rejects complex (TypeError)",
    "log_ndtr": "jax.scipy.special.log_ndtr rejects complex (TypeError)",
    "xlogx": "zero-safe x log x behind entr; jax.scipy.special.entr rejects complex (ValueError)",
    "fma": "internal fused multiply-add of the random samplers (real)",
    "threefry2x32": _RNG,
    "random_gamma": _RNG,
    "random_gamma_grad": _RNG,
    "random_poisson": _RNG,
    "random_binomial": _RNG,
    "random_cholesky": _RNG,
    "triangular_inverse": _RNG,
    "argsort": _RNG,
    "take": _RNG,
    "take_add": _RNG,
    # jax.lax names of branch laxsurf (functrans._src.lax.bitwise, special_extra)
    "bitwise_and": _INT,
    "bitwise_not": _INT,
    "shift_right_arithmetic": _INT,
    "population_count": _INT,
    "clz": _INT,
    "igamma": _JAX,
    "igammac": _JAX,
    "igamma_grad_a": _JAX,
    "regularized_incomplete_beta": _JAX,
    "zeta": _JAX,
    "bessel_i0e": _JAX,
    "bessel_i1e": _JAX,
    "discrete_ufunc": _INT + " (functrans.numpy's bitwise functions, gcd/lcm, frexp's exponent, nextafter, spacing)",
    "ldexp": "scales a real float by a power of two; jax.numpy.ldexp rejects complex",
    "bessel_i0": "jax.numpy.i0 rejects complex (ValueError), as functrans.numpy.i0 does",
    "bessel_i1": "derivative of bessel_i0 (real only)",
    "reduce_window_max": "windowed max needs an order (as JAX, reals only)",
    "reduce_window_min": "windowed min needs an order (as JAX, reals only)",
    "pmax": "a maximum over the named axis needs an order (reals only)",
    "pmin": "a minimum over the named axis needs an order (reals only)",
    # functrans.scipy.special (real-only in jax.lax / jax.scipy.special too)
    **{n: _JAX for n in ("igamma", "igammac", "igamma_grad_a", "regularized_incomplete_beta", "zeta",
                         "bessel_i0e", "bessel_i1e", "dawsn", "expi", "expn", "spence", "sici_si", "sici_ci",
                         "fresnel_s", "fresnel_c", "owens_t", "hyp1f1", "hyp2f1", "hyp_param_grad", "bessel_jv")},
    "erfcx": "real erfcx here; jax.scipy.special.erfcx takes complex through wofz (not supported in functrans)",
}


_OPTIONAL = {"numba", "scipy"}


def _every_primitive() -> dict[str, Primitive]:
    for m in pkgutil.walk_packages(_src.__path__, "functrans._src."):
        try:
            importlib.import_module(m.name)
        except ModuleNotFoundError as e:  # a module of an optional extra (numba: fusion_math)
            if e.name not in _OPTIONAL:
                raise
    found = {p.name: p for p in all_primitives()}
    for o in gc.get_objects():
        if isinstance(o, Primitive):
            found.setdefault(o.name, o)
    return found


PRIMS = _every_primitive()


def test_every_primitive_chose_complex_or_is_rejected_with_a_reason():
    undecided = sorted(n for n, p in PRIMS.items() if not p.complex_ok and n not in REJECTED)
    assert not undecided, f"mark these complex_ok (rules checked) or list them in REJECTED: {undecided}"
    stale = sorted(n for n in REJECTED if n in PRIMS and PRIMS[n].complex_ok)
    assert not stale, f"complex_ok now, remove from REJECTED: {stale}"
    unknown = sorted(set(REJECTED) - set(PRIMS))
    assert not unknown, f"no such primitive: {unknown}"
    assert all(isinstance(r, str) and r for r in REJECTED.values())


def test_the_higher_order_primitives_are_walked_and_complex_ok():
    for name in ("jit", "cond", "scan", "while", "checkpoint", "custom_jvp_call", "custom_vjp_call"):
        assert PRIMS[name].complex_ok, name  # their bodies' primitives check operands themselves


Z = np.array([1.5 + 0.5j, -0.25 + 2j])


@pytest.mark.parametrize("name", sorted(REJECTED))
def test_rejected_primitive_raises_type_error_naming_it(name):
    p = PRIMS[name]
    with pytest.raises(TypeError, match=f"'{name}'.*complex"):
        bind(p, (Z, Z), {})
    with pytest.raises(TypeError, match=f"'{name}'.*complex"):
        bind(p, (1.0 + 2.0j,), {})  # a Python complex scalar
    with pytest.raises(TypeError, match=f"'{name}'.*complex"):
        functrans.jit(lambda v: bind(p, (v, v), {}))(Z)
