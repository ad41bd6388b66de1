"""The eager implementations of float64 exp/tanh/sin/cos with the [fast] extra
(functrans._src.fast_ufuncs): fusion_math's vectorised loops on large C-contiguous float64
arrays, NumPy's ufuncs for everything else and whenever fusion is off or numba is missing."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import functrans
import functrans.numpy as fnp
from functrans._src import fast_ufuncs, fusion
from functrans._src.api import make_ir
from functrans._src.lax import elementwise as el

NAMES = ("exp", "tanh", "sin", "cos")
PRIMS = {"exp": el.exp_p, "tanh": el.tanh_p, "sin": el.sin_p, "cos": el.cos_p}
UFUNCS = {"exp": np.exp, "tanh": np.tanh, "sin": np.sin, "cos": np.cos}
FNP = {"exp": fnp.exp, "tanh": fnp.tanh, "sin": fnp.sin, "cos": fnp.cos}
N = 4096  # above every threshold


@pytest.fixture
def fast_on() -> Any:
    pytest.importorskip("numba")
    fusion.set_enabled(True)
    yield
    fusion.set_enabled(None)


@pytest.fixture
def fast_off() -> Any:
    fusion.set_enabled(False)
    yield
    fusion.set_enabled(None)


def _ulps(got: np.ndarray, want: np.ndarray) -> float:
    assert got.shape == want.shape and got.dtype == want.dtype
    same = (got == want) | (np.isnan(got) & np.isnan(want))
    assert np.all(np.signbit(got[got == 0]) == np.signbit(want[got == 0])), "sign of zero differs"
    if same.all():
        return 0.0
    g, w = got[~same], want[~same]
    assert np.all(np.isfinite(g) == np.isfinite(w))
    return float(np.max(np.abs(g - w) / np.spacing(np.abs(w))))


_RNG = np.random.default_rng(7)
_SPECIAL = [0.0, -0.0, 5e-324, -5e-324, 2.2e-308, -1e-310, 1e-300, 1e-9, -1e-9, 0.5, 1.0, 22.0, -30.0, 709.78,
            -745.13, -800.0, 800.0, np.inf, -np.inf, np.nan]  # fmt: skip


def _cases(name: str) -> list[np.ndarray]:
    wide = {"exp": (-745.0, 709.0), "tanh": (-25.0, 25.0), "sin": (-65536.0, 65536.0), "cos": (-65536.0, 65536.0)}[name]
    special = np.resize(np.array(_SPECIAL), N)  # inf/NaN make sin/cos fall back to NumPy: a case of their own
    return [_RNG.uniform(-4.0, 4.0, N), _RNG.uniform(*wide, N), _RNG.uniform(-1e-6, 1e-6, N).reshape(64, 64), special]


@pytest.mark.parametrize("name", NAMES)
def test_within_two_ulp_of_numpy_eagerly(fast_on: None, name: str) -> None:
    for x in _cases(name):
        with np.errstate(all="ignore"):
            got, want = np.asarray(FNP[name](x)), UFUNCS[name](x)
        assert _ulps(got, want) <= (1.0 if name == "exp" else 2.0), (name, x[:3])
    assert fast_ufuncs._blocks[name] is not False  # the compiled loop ran


@pytest.mark.parametrize("name", ["sin", "cos"])
def test_sin_cos_beyond_the_limit_are_numpys(fast_on: None, name: str) -> None:
    from functrans._src.fusion_math import SIN_LIMIT

    x = np.linspace(-3.0, 3.0, N)
    vector = np.asarray(FNP[name](x))
    for bad in (np.nextafter(SIN_LIMIT, np.inf), 1e22, -np.inf, np.nan):
        y = x.copy()
        y[N // 2] = bad
        with np.errstate(invalid="ignore"):
            got = np.asarray(FNP[name](y))
            np.testing.assert_array_equal(got, UFUNCS[name](y))  # the whole call by NumPy
    assert _ulps(vector, UFUNCS[name](x)) <= 2.0


@pytest.mark.parametrize("name", NAMES)
def test_impls_are_the_ufuncs_when_fusion_is_off(fast_off: None, name: str) -> None:
    # the primitive's own impl: the ufunc behind JAX's integer-operand casts
    assert fast_ufuncs.as_ufunc(PRIMS[name].impl) is UFUNCS[name] and not fast_ufuncs.installed()
    x = _RNG.uniform(-3.0, 3.0, N)
    np.testing.assert_array_equal(np.asarray(FNP[name](x)), UFUNCS[name](x))
    g = functrans.grad(lambda x: fnp.sum(FNP[name](x)))(x)
    assert g.dtype == np.float64


def test_set_enabled_swaps_the_impls(fast_on: None) -> None:
    for name in NAMES:
        impl = PRIMS[name].impl
        assert impl is not UFUNCS[name] and fast_ufuncs.as_ufunc(impl) is UFUNCS[name]
    assert fast_ufuncs.installed()
    fusion.set_enabled(False)
    assert not fast_ufuncs.installed() and fast_ufuncs.as_ufunc(el.tanh_p.impl) is np.tanh
    fusion.set_enabled(True)
    assert fast_ufuncs.installed()


@pytest.mark.parametrize(
    "x",
    [
        np.linspace(-2.0, 2.0, N).astype(np.float32),  # float32
        np.linspace(-2.0, 2.0, N) * (1 + 0.5j),  # complex
        np.arange(-5, N - 5),  # integers
        np.linspace(-2.0, 2.0, 100),  # below the thresholds
        np.linspace(-2.0, 2.0, 2 * N)[::2],  # strided
        np.linspace(-2.0, 2.0, N).reshape(64, 64).T,  # Fortran order
        np.float64(0.3),  # a NumPy scalar
    ],
    ids=["f32", "complex", "int", "small", "strided", "fortran", "scalar"],
)
@pytest.mark.parametrize("name", NAMES)
def test_other_operands_are_numpys_bit_for_bit(fast_on: None, name: str, x: Any) -> None:
    with np.errstate(all="ignore"):
        got, want = PRIMS[name].impl(x), UFUNCS[name](x)
    assert type(got) is type(want) and got.dtype == want.dtype
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("name", NAMES)
def test_out_argument_as_a_ufunc(fast_on: None, name: str) -> None:
    impl, uf = PRIMS[name].impl, UFUNCS[name]
    x = _RNG.uniform(-3.0, 3.0, (64, 64))
    want = impl(x)
    o = np.empty_like(x)
    assert impl(x, out=o) is o
    np.testing.assert_array_equal(o, want)
    y = x.copy()
    assert impl(y, out=y) is y  # in place
    np.testing.assert_array_equal(y, want)
    z = np.concatenate([x.reshape(-1), [0.0]])  # out overlapping the input, shifted: NumPy's result
    got = impl(z[1:], out=z[:-1])
    # NumPy's own SIMD loops (AVX-512 exp) may round an overlapping call differently by 1 ulp
    np.testing.assert_allclose(got, uf(np.concatenate([x.reshape(-1), [0.0]])[1:]), rtol=3e-16, atol=0)
    if name in ("sin", "cos"):  # in place with an escaping argument: the input is still NumPy's input
        y = x.copy()
        y[3, 3] = 1e30
        want = uf(y)
        np.testing.assert_array_equal(impl(y, out=y), want)


@pytest.mark.parametrize("name", NAMES)
def test_eager_and_jit_single_op_agree_bit_for_bit(fast_on: None, name: str) -> None:
    x = _RNG.uniform(-3.0, 3.0, (64, 64))
    f = functrans.jit(FNP[name])
    np.testing.assert_array_equal(f(x), FNP[name](x))
    src = str(f.lower(x))
    assert f"fast_{name}(" in src  # codegen calls the same implementation
    small = np.linspace(-1.0, 1.0, 8)
    assert f"fast_{name}(" not in str(functrans.jit(FNP[name]).lower(small))  # small: the ufunc itself


def _mlp(params: Any, x: Any) -> Any:
    for w in params:
        x = fnp.tanh(x @ w)
    return fnp.sum(fnp.sin(x) + fnp.exp(-x * x))


def test_grads_keep_their_structure_and_agree_with_jit(fast_on: None) -> None:
    rng = np.random.default_rng(3)
    params = [rng.standard_normal((64, 64)) * 0.2 for _ in range(3)]
    x = rng.standard_normal((32, 64))
    g_on = functrans.grad(_mlp)(params, x)
    ir_on = str(make_ir(functrans.grad(_mlp))(params, x))
    g_jit = functrans.jit(functrans.grad(_mlp))(params, x)
    fusion.set_enabled(False)
    g_off = functrans.grad(_mlp)(params, x)
    ir_off = str(make_ir(functrans.grad(_mlp))(params, x))
    assert ir_on == ir_off  # the same program: only the implementation of four primitives differs
    for a, b, c in zip(g_on, g_off, g_jit):
        np.testing.assert_allclose(a, b, rtol=1e-13, atol=1e-14)
        np.testing.assert_allclose(a, c, rtol=1e-13, atol=1e-14)


def test_numba_failure_falls_back_to_numpy(fast_on: None, monkeypatch: pytest.MonkeyPatch) -> None:
    from functrans._src import fusion_math

    def broken(name: str) -> Any:
        raise RuntimeError("no compiler")

    monkeypatch.setattr(fusion_math, "apply", broken)
    monkeypatch.setattr(fast_ufuncs, "_blocks", {})
    monkeypatch.setitem(fast_ufuncs._state, "broken", False)
    x = _RNG.uniform(-3.0, 3.0, N)
    try:
        np.testing.assert_array_equal(np.asarray(fnp.tanh(x)), np.tanh(x))
        assert fast_ufuncs.as_ufunc(el.tanh_p.impl) is np.tanh and not fast_ufuncs.installed()
    finally:
        fast_ufuncs._state["broken"] = False
        fusion.set_enabled(True)
    assert fast_ufuncs.installed()


def test_compiles_without_the_disk_cache_when_numba_refuses_it(monkeypatch: pytest.MonkeyPatch) -> None:
    numba = pytest.importorskip("numba")
    from functrans._src import fusion_math

    real = numba.njit
    seen: list[bool] = []

    def njit(*args: Any, **kw: Any) -> Any:
        seen.append(bool(kw.get("cache")))
        if kw.get("cache"):
            raise RuntimeError("cannot cache function: no locator available")  # numba's refusal
        return real(*args, **kw)

    monkeypatch.setattr(fusion_math.numba, "njit", njit)
    monkeypatch.setattr(fusion_math, "_applies", {})
    fn = fusion_math.apply("exp")
    x, o = np.linspace(-1.0, 1.0, 8), np.empty(8)
    assert fn(x, o) == 0 and seen == [True, False]
    assert _ulps(o, np.exp(x)) <= 1.0


@pytest.fixture
def measured(monkeypatch: pytest.MonkeyPatch) -> Any:
    """A fresh choice (no function measured yet), restored afterwards."""
    pytest.importorskip("numba")
    fusion.set_enabled(True)
    monkeypatch.setattr(fast_ufuncs, "_measured", set())
    saved = {k: list(v) for k, v in fast_ufuncs._limits.items()}
    for k, v in fast_ufuncs._limits.items():
        v[0] = fast_ufuncs.THRESHOLDS[k]
    yield
    for k, v in fast_ufuncs._limits.items():
        v[0] = saved[k][0]
    fusion.set_enabled(None)


def test_a_loop_slower_than_numpys_is_never_used(measured: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FUNCTRANS_FAST_UFUNCS", "measure")
    monkeypatch.setattr(fast_ufuncs, "_faster", lambda fn, uf: uf is np.sin)  # only sin wins
    assert fast_ufuncs.limit("tanh") == fast_ufuncs.NEVER
    assert fast_ufuncs.limit("sin") == fast_ufuncs.THRESHOLDS["sin"]
    x = _RNG.uniform(-3.0, 3.0, N)
    np.testing.assert_array_equal(np.asarray(fnp.tanh(x)), np.tanh(x))  # NumPy's, bit for bit
    assert _ulps(np.asarray(fnp.sin(x)), np.sin(x)) <= 2.0
    ir = functrans.make_jaxpr(lambda x: fnp.tanh(x) * 2.0)(x)
    assert fusion._vector_size("sin", N) and not fusion._vector_size("tanh", N)
    assert ir is not None


@pytest.mark.parametrize("choice", ["on", "off"])
def test_the_choice_can_be_forced(measured: None, monkeypatch: pytest.MonkeyPatch, choice: str) -> None:
    monkeypatch.setenv("FUNCTRANS_FAST_UFUNCS", choice)
    monkeypatch.setattr(fast_ufuncs, "_faster", lambda fn, uf: pytest.fail("measured"))
    want = fast_ufuncs.THRESHOLDS["exp"] if choice == "on" else fast_ufuncs.NEVER
    assert fast_ufuncs.limit("exp") == want


def test_a_bad_choice_is_named(measured: None, monkeypatch: pytest.MonkeyPatch) -> None:
    with monkeypatch.context() as m:
        m.setenv("FUNCTRANS_FAST_UFUNCS", "fast")
        with pytest.raises(ValueError, match="FUNCTRANS_FAST_UFUNCS must be one of measure, on, off, got 'fast'"):
            fast_ufuncs.limit("cos")


def test_the_measurement_compares_with_the_ufunc(measured: None) -> None:
    from functrans._src import fusion_math

    slow = lambda x, o: [np.exp(x, out=o) for _ in range(20)] and 0  # noqa: E731  (20x the ufunc's work)
    assert not fast_ufuncs._faster(slow, np.exp)
    assert isinstance(fast_ufuncs._faster(fusion_math.apply("sin"), np.sin), bool)
