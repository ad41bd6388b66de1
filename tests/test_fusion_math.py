"""Large fused runs (functrans._src.fusion with fusion_math): the vectorisable exp/tanh/sin/cos
against NumPy in ulps, staged kernels, the C-library fallback for large sin/cos arguments,
and threaded execution whose result does not depend on the number of threads."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

pytest.importorskip("numba")

import functrans  # noqa: E402
import functrans.numpy as fnp  # noqa: E402
from functrans._src import fast_ufuncs, fusion  # noqa: E402
from functrans._src import fusion_math as fm  # noqa: E402
from functrans._src.api import make_ir  # noqa: E402
from functrans._src.codegen import compile_ir  # noqa: E402
from functrans._src.optimize import optimize  # noqa: E402

N = 3 * fusion.SMALL_RUN + 17  # above SMALL_RUN: the vectorised functions, several blocks and a remainder


@pytest.fixture(autouse=True)
def _fusion_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fusion, "_state", {"enabled": True})


def _loop(fn: Any) -> Any:
    import numba

    ns: dict[str, Any] = {"f": fn}
    exec("def k(x, o):\n    for i in range(x.size):\n        o[i] = f(x[i])\n", ns)
    k = numba.njit("void(float64[::1], float64[::1])", error_model="numpy")(ns["k"])

    def run(x: np.ndarray) -> np.ndarray:
        o = np.empty_like(x)
        k(np.ascontiguousarray(x, dtype=np.float64), o)
        return o

    return run


def _ulps(got: np.ndarray, want: np.ndarray) -> float:
    same = (got == want) | (np.isnan(got) & np.isnan(want))
    assert np.all(np.signbit(got[got == 0]) == np.signbit(want[got == 0])), "sign of zero differs"
    if same.all():
        return 0.0
    g, w = got[~same], want[~same]
    assert np.all(np.isfinite(g) == np.isfinite(w)), list(zip(g, w))[:5]
    return float(np.max(np.abs(g - w) / np.spacing(np.abs(w))))


_RNG = np.random.default_rng(1)
_SPECIAL = np.array([0.0, -0.0, 5e-324, -5e-324, 1e-300, 2.2e-308, 1e-9, -1e-9, 0.5, 1.0, np.inf, -np.inf, np.nan])


@pytest.mark.parametrize(
    "name, bound, arrays",
    [
        ("exp", 1.0, [_RNG.uniform(-5, 5, 20000), _RNG.uniform(-745.5, 710, 20000), _RNG.uniform(-1e-6, 1e-6, 2000),
                      np.array([709.78, 709.79, -745.13, -745.14, -708.4, -720.0, -1074 * np.log(2.0)])]),
        ("tanh", 2.0, [_RNG.uniform(-3, 3, 20000), _RNG.uniform(-30, 30, 20000), _RNG.uniform(-1e-3, 1e-3, 2000),
                       _RNG.uniform(0.5, 0.6, 2000), np.array([22.0, 21.9, 19.06, 0.55, -0.55, 710.0])]),
        ("sin", 2.0, [_RNG.uniform(-4, 4, 20000), _RNG.uniform(-65536, 65536, 20000), _RNG.uniform(-1e-6, 1e-6, 2000),
                      np.pi * np.arange(-20, 21) / 2, np.array([355.0, 103993.0 / 2, 65536.0, -65536.0])]),
        ("cos", 2.0, [_RNG.uniform(-4, 4, 20000), _RNG.uniform(-65536, 65536, 20000), _RNG.uniform(-1e-6, 1e-6, 2000),
                      np.pi * np.arange(-20, 21) / 2, np.array([355.0, 65536.0])]),
    ],
)  # fmt: skip
def test_vector_functions_match_numpy(name: str, bound: float, arrays: list[np.ndarray]) -> None:
    run = _loop(getattr(fm, "v" + name))
    ref = getattr(np, name)
    for x in arrays + ([] if name in ("sin", "cos") else [_SPECIAL]):
        with np.errstate(all="ignore"):
            assert _ulps(run(x), ref(x)) <= bound, (name, x[:4])


def test_trig_escape_flags_what_vsin_cannot_do() -> None:
    import numba

    esc = _loop(numba.njit(lambda v: float(fm.trig_escape(v))))
    x = np.array([0.0, -fm.SIN_LIMIT, fm.SIN_LIMIT, np.nextafter(fm.SIN_LIMIT, np.inf), 1e300, np.inf, -np.inf, np.nan])
    assert esc(x).tolist() == [0, 0, 0, 1, 1, 1, 1, 1]
    # within the limit, special values of sin are exact
    np.testing.assert_array_equal(_loop(fm.vsin)(_SPECIAL[:10]), np.sin(_SPECIAL[:10]))


def transcendental_chain(x: Any) -> Any:
    y = fnp.sin(x) * 1.5 + 0.25
    y = fnp.tanh(y) * x - 0.5
    y = fnp.exp(-y * y) + x
    return y * 2.0


def _fused_kernels(fun: Any, *args: Any) -> tuple[Any, Any, list[Any]]:
    ir = optimize(make_ir(fun)(*args))
    fused = fusion.fuse(ir)
    return ir, fused, [e.params["kernel"] for e in fused.eqns if e.prim is fusion.fused_p]


def test_large_chain_is_one_staged_kernel() -> None:
    x = np.linspace(-2.0, 2.0, N)
    ir, fused, kernels = _fused_kernels(transcendental_chain, x)
    assert len(fused.eqns) == 1 and len(kernels) == 1  # sin, tanh, exp fused with the arithmetic
    src = kernels[0].source
    assert src.count("for k in range(m)") == 3  # the arithmetic after each vectorised function
    assert "sin_blk(" in src and "tanh_blk(" in src and "exp_blk(" in src and "np.sin" not in src
    assert src.count("np.empty(") == 3  # buffers reused once dead (5 values cross stages)
    got = compile_ir(fused)(x)[0]
    want = compile_ir(ir)(x)[0]
    np.testing.assert_allclose(got, want, rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(functrans.jit(transcendental_chain)(x), transcendental_chain(x), rtol=1e-14, atol=1e-15)


def test_small_runs_keep_the_c_library() -> None:
    x = np.linspace(-2.0, 2.0, min(fast_ufuncs.THRESHOLDS.values()) - 1)
    _, _, kernels = _fused_kernels(transcendental_chain, x)
    assert len(kernels) == 1
    assert "np.sin(" in kernels[0].source and "_blk(" not in kernels[0].source
    np.testing.assert_allclose(functrans.jit(transcendental_chain)(x), transcendental_chain(x), rtol=1e-14, atol=1e-15)


def test_each_function_is_vectorised_from_its_eager_threshold() -> None:
    """A run uses fusion_math's function for exactly the sizes where the eager implementation
    does (fast_ufuncs.THRESHOLDS), so eager and jit compute the same values."""
    th = fast_ufuncs.THRESHOLDS
    assert th["tanh"] <= th["sin"] < th["exp"]
    x = np.linspace(-2.0, 2.0, th["sin"])  # sin and tanh vectorised, exp not yet
    _, _, kernels = _fused_kernels(transcendental_chain, x)
    src = kernels[0].source
    assert "sin_blk(" in src and "tanh_blk(" in src and "exp_blk(" not in src and "np.exp(" in src
    # the kernel's np.exp is the C library's; NumPy's own exp is a SIMD loop on AVX-512 (1 ulp apart)
    np.testing.assert_allclose(functrans.jit(transcendental_chain)(x), transcendental_chain(x), rtol=1e-14, atol=1e-15)


def several_outputs(x: Any, y: Any) -> Any:
    a = fnp.cos(x) * y
    b = fnp.tanh(a) + fnp.exp(-x * x)  # a, x used across stages
    c = fnp.sin(b) - a
    return c, fnp.sum(a), b * 2.0


def test_several_outputs_and_values_across_stages() -> None:
    rng = np.random.default_rng(0)
    x, y = rng.uniform(-3, 3, (2, N // 2)), rng.standard_normal((2, N // 2))
    _, _, kernels = _fused_kernels(several_outputs, x, y)
    assert len(kernels) == 1 and kernels[0].source.count("_blk(") == 4
    got = functrans.jit(several_outputs)(x, y)
    want = several_outputs(x, y)
    for g, w in zip(got, want):
        assert np.shape(g) == np.shape(w)
        np.testing.assert_allclose(g, w, rtol=1e-13, atol=1e-14)
    # and under grad: the transcendental derivatives are fused too
    def loss(x: Any) -> Any:
        return fnp.sum(several_outputs(x, y)[0])

    np.testing.assert_allclose(functrans.jit(functrans.grad(loss))(x), functrans.grad(loss)(x), rtol=1e-12, atol=1e-13)


def test_large_sin_arguments_fall_back_to_the_c_library() -> None:
    def f(x: Any) -> Any:
        return fnp.sin(x * 1.0) + fnp.cos(x) * 2.0

    x = np.linspace(-3.0, 3.0, N)
    x[5], x[100], x[N - 1] = 1e6, np.inf, np.nan
    with np.errstate(invalid="ignore"):
        got = functrans.jit(f)(x)
        want = np.sin(x) + np.cos(x) * 2.0
    np.testing.assert_array_equal(got, want)  # the whole run recomputed by the C-library kernel


def _set_threads(monkeypatch: pytest.MonkeyPatch, t: int) -> None:
    monkeypatch.setattr(fusion, "num_threads", lambda: t)


def test_threads_split_the_loop_and_do_not_change_the_result(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fusion, "PAR_CHUNK", 1000)
    x = np.linspace(-2.0, 2.0, 3 * 1000 + 5)
    _, fused, _ = _fused_kernels(transcendental_chain, x)
    raw = compile_ir(fused)
    results = {}
    for t in (1, 2, 3, 8):
        _set_threads(monkeypatch, t)
        results[t] = raw(x)[0]
    for t in (2, 3, 8):
        np.testing.assert_array_equal(results[t], results[1])
    # the split itself: contiguous chunks covering the loop once
    _set_threads(monkeypatch, 3)
    out = np.empty_like(x)
    seen: list[tuple[int, int]] = []

    def probe(n: int, xi: np.ndarray, o: np.ndarray) -> int:
        seen.append((n, int(np.flatnonzero(x == xi[0])[0])))
        o[:] = xi
        return 0

    assert fusion.execute(probe, x.size, (x, out)) == 0
    assert sorted(seen) == [(1001, 0), (1002, 1001), (1002, 2003)]
    np.testing.assert_array_equal(out, x)


def test_escape_in_one_chunk_reruns_the_whole_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fusion, "PAR_CHUNK", 1000)
    x = np.linspace(-2.0, 2.0, 4000)
    x[3999] = 1e7  # only the last chunk escapes
    results = {}
    for t in (1, 4):
        _set_threads(monkeypatch, t)
        results[t] = functrans.jit(transcendental_chain)(x)
    np.testing.assert_array_equal(results[4], results[1])
    np.testing.assert_allclose(results[1], transcendental_chain(x), rtol=1e-14, atol=1e-15)


def test_thread_count_follows_numba(monkeypatch: pytest.MonkeyPatch) -> None:
    import numba
    from numba.np.ufunc import parallel

    if parallel._is_initialized:
        assert fusion.num_threads() == numba.get_num_threads()
    else:
        monkeypatch.setattr(numba.config, "NUMBA_NUM_THREADS", 3)
        assert fusion.num_threads() == 3


def test_vectorised_functions_per_program_are_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past MAX_VECTOR_FNS (compile time), transcendentals stay NumPy calls between kernels."""
    monkeypatch.setattr(fusion, "MAX_VECTOR_FNS", 2)
    x = np.linspace(-2.0, 2.0, N)
    ir, fused, kernels = _fused_kernels(transcendental_chain, x)
    assert sum(k.source.count("_blk(") for k in kernels) == 2
    assert [e.prim.name for e in fused.eqns if e.prim is not fusion.fused_p] == ["exp"]
    np.testing.assert_allclose(compile_ir(fused)(x)[0], compile_ir(ir)(x)[0], rtol=1e-14, atol=1e-15)


def test_concurrent_calls_from_python_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Several Python threads running threaded kernels at once share the pool safely."""
    from concurrent.futures import ThreadPoolExecutor

    monkeypatch.setattr(fusion, "PAR_CHUNK", 1000)
    _set_threads(monkeypatch, 2)
    j = functrans.jit(transcendental_chain)
    xs = [np.linspace(-2.0, 2.0 + i, 4000) for i in range(6)]
    want = [j(x) for x in xs]
    with ThreadPoolExecutor(3) as ex:
        got = list(ex.map(j, xs))
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w)
