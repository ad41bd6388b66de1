"""functrans.random against jax.random: the same keys give the same numbers.

The constants below were computed with jax 0.10.2 (``jax.config.update("jax_enable_x64", True)``,
its defaults otherwise: threefry2x32, ``jax_threefry_partitionable=True``) and pasted here; jax
is not needed to run these tests. Integer results (keys, bits, randint, permutations, ...) must
match exactly, float samples to float rounding (most are bit-identical, see test_bit_identical).
"""

import numpy as np
import pytest

import functrans
import functrans.numpy as fnp
import functrans.random as fr

K = fr.PRNGKey(42)
COV = np.array([[2.0, 0.5, 0.1], [0.5, 1.0, 0.2], [0.1, 0.2, 0.5]])

# ---------------------------------------------------------------------------- constants computed by jax

KEYS = {
    0: [0, 0],
    42: [0, 42],
    -1: [4294967295, 4294967295],
    1099511627781: [256, 5],
    9223372036854775807: [2147483647, 4294967295],
}

JAX = {
    "split3": np.array([1832780943, 270669613, 64467757, 2916123636, 2465931498, 255383827], np.uint32).reshape((3, 2)),
    "split22": np.array(
        [1832780943, 270669613, 64467757, 2916123636, 2465931498, 255383827, 3134548294, 894150801], np.uint32
    ).reshape((2, 2, 2)),
    "fold_in": np.array([793847391, 18989694], np.uint32).reshape((2,)),
    "fold_in0": np.array([1797259609, 2579123966], np.uint32).reshape((2,)),
    "bits8": np.array([162, 217, 249, 215, 21], np.uint8).reshape((5,)),
    "bits16": np.array([5026, 12505, 63993, 49623, 29461], np.uint16).reshape((5,)),
    "bits32": np.array([2098992034, 2919706841, 2646866425, 2409546199, 1935504149], np.uint32).reshape((5,)),
    "bits64": np.array(
        [
            7871734211187709741,
            276886910877598708,
            10591095138341673235,
            13462782411356743825,
            12687676868490354166,
            11878554724538143822,
        ],
        np.uint64,
    ).reshape((2, 3)),
    "bits_scalar": np.array([7871734211187709741], np.uint64).reshape(()),
    "uniform": np.array(
        [0.4267275666499091, 0.015010069515314584, 0.5741444178995352, 0.7298188969046309, 0.687800341230566],
        np.float64,
    ).reshape((5,)),
    "uniform_ab": np.array(
        [0.13363783324954537, -1.924949652423427, 0.8707220894976759, 1.6490944845231543, 1.43900170615283], np.float64
    ).reshape((5,)),
    "uniform32": np.array(
        [0.48870956897735596, 0.6797971725463867, 0.6162714958190918, 0.5610160827636719, 0.4506446123123169],
        np.float32,
    ).reshape((5,)),
    "normal": np.array(
        [
            -0.18471174528191162,
            -2.169824560397754,
            0.18693555179382582,
            0.6122653570510959,
            0.4896249504757018,
            0.36900430470828355,
        ],
        np.float64,
    ).reshape((2, 3)),
    "normal32": np.array(
        [-0.02830461598932743, 0.4671318531036377, 0.2957029640674591, 0.15354591608047485, -0.12403281778097153],
        np.float32,
    ).reshape((5,)),
    "normal_scalar": np.array([-0.18471174528191162], np.float64).reshape(()),
    "truncated_normal": np.array(
        [0.01998452592513169, -0.9504476695340623, 0.32827144083703297, 0.693751830608632, 0.587854167389416],
        np.float64,
    ).reshape((5,)),
    "truncated_normal32": np.array(
        [0.14770005643367767, 0.5684449076652527, 0.42102551460266113, 0.29997000098228455, 0.0691138207912445],
        np.float32,
    ).reshape((5,)),
    "exponential": np.array(
        [0.5563942243855916, 0.015123860720489336, 0.8536549993431988, 1.30866279263241, 1.1641123638884814], np.float64
    ).reshape((5,)),
    "laplace": np.array(
        [0.15846230602649014, 3.5058868215207473, -0.16050781878325354, -0.6155156120724649, -0.4709651833285354],
        np.float64,
    ).reshape((5,)),
    "logistic": np.array(
        [-0.29521526220084393, -4.183910141360207, 0.29878068416298553, 0.9937039305821678, 0.7898556790232676],
        np.float64,
    ).reshape((5,)),
    "gumbel": np.array(
        [0.16062720630382138, -1.4348544993307841, 0.5890136500161952, 1.1553132453508888, 0.9828133938106242],
        np.float64,
    ).reshape((5,)),
    "cauchy": np.array(
        [-0.23434604341667786, -21.19070234669309, 0.23723777098183235, 0.8806079282226775, 0.6695443089142641],
        np.float64,
    ).reshape((5,)),
    "exponential32": np.array(
        [0.670817494392395, 1.1388006210327148, 0.9578199982643127, 0.8232924938201904, 0.5990096926689148], np.float32
    ).reshape((5,)),
    "gamma": np.array(
        [0.04064462722988022, 0.5161877343182824, 5.75709708230657, 10.874840609482844, 1.0257728674243283e-23],
        np.float64,
    ).reshape((5,)),
    "gamma32": np.array(
        [0.43624743819236755, 0.33158406615257263, 4.194111347198486, 8.321683883666992], np.float32
    ).reshape((4,)),
    "loggamma": np.array(
        [-107.42344335838611, -7.2377671274946245, -0.8579717054671963, 1.0167329590857241], np.float64
    ).reshape((4,)),
    "gamma_shape": np.array(
        [
            2.2980183424083127,
            1.4213185612322232,
            4.9667228163463255,
            2.1967534976652723,
            0.4395502935115208,
            0.3856572435320539,
        ],
        np.float64,
    ).reshape((2, 3)),
    "beta": np.array(
        [0.05412583995929669, 0.016976737327934654, 0.0605913600496202, 0.09257493644678183, 0.3548057254633118],
        np.float64,
    ).reshape((5,)),
    "dirichlet": np.array(
        [
            0.027462761091563287,
            0.07136011651241299,
            0.9011771223960237,
            0.05723775475066185,
            0.05373408950105422,
            0.889028155748284,
        ],
        np.float64,
    ).reshape((2, 3)),
    "mvn": np.array(
        [
            0.738778144692716,
            -3.094990487430765,
            -0.2922122377018199,
            1.8658739717128654,
            -0.32552930389772494,
            0.3851650351929834,
            1.5244959426974398,
            -0.6487474591441058,
            -0.41597393581679254,
            0.10250566159187313,
            -1.8791840957132835,
            -1.2451105679251242,
        ],
        np.float64,
    ).reshape((4, 3)),
    "bernoulli": np.array([False, True, False, False, False, False, False, False, True, True]).reshape((10,)),
    "bernoulli_p": np.array([False, True, False, False, False, False, True, True, True, True]).reshape((10,)),
    "randint": np.array([0, 7, 10, 10, 0, 13, 11, 10, -1, 3], np.int64).reshape((10,)),
    "randint_big": np.array([16428379125301, 961713065416382, 267319332261015, 691515794436143], np.int64).reshape(
        (4,)
    ),
    "randint_uint8": np.array([196, 18, 183, 193, 141, 107], np.uint8).reshape((6,)),
    "randint_int32": np.array([644, 914, 71, 369, 709, 419], np.int32).reshape((6,)),
    "categorical": np.array([2, 0], np.int64).reshape((2,)),
    "categorical_shape": np.array([2, 2, 2, 2, 3, 2], np.int64).reshape((3, 2)),
    "categorical_norepl": np.array([2, 4, 0], np.int32).reshape((3,)),
    "permutation": np.array([7, 4, 2, 5, 3, 6, 8, 9, 0, 1], np.int64).reshape((10,)),
    "permutation_arr": np.array([2.0, 3.0, 0.0, 1.0, 6.0, 7.0, 4.0, 5.0, 10.0, 11.0, 8.0, 9.0], np.float64).reshape(
        (3, 4)
    ),
    "choice": np.array([5, 8, 3, 1, 5], np.int64).reshape((5,)),
    "choice_norepl": np.array([7, 4, 2, 5, 3], np.int64).reshape((5,)),
    "choice_p": np.array([2, 3, 2, 1, 2, 2, 2, 2], np.int64).reshape((8,)),
    "choice_p_norepl": np.array([3, 2, 0], np.int64).reshape((3,)),
    "choice_arr": np.array([1.0, 2.0, 3.0, 3.0, 5.0, 6.0, 7.0, 7.0, 9.0, 10.0, 11.0, 11.0], np.float64).reshape(
        (3, 2, 2)
    ),
    "poisson": np.array([0, 1, 2, 7, 5, 43, 983], np.int64).reshape((7,)),
    "poisson_int32": np.array([6, 3, 2, 2, 5, 3], np.int32).reshape((6,)),
    "permutation_indep": np.array(
        [4.0, 5.0, 2.0, 7.0, 8.0, 9.0, 6.0, 3.0, 0.0, 1.0, 10.0, 11.0]
        + [16.0, 13.0, 22.0, 19.0, 20.0, 17.0, 18.0, 15.0, 12.0, 21.0, 14.0, 23.0]
    ).reshape((2, 3, 4)),
    "rademacher": np.array([1, 1, -1, -1, -1, -1], np.int64),
    "lognormal": np.array(
        [0.9117806140267735, 0.33793142787224595, 1.0979752215045038, 1.3581624935912568], np.float64
    ),
    "pareto": np.array([1.203777755582976, 1.0050540155743009, 1.3291659848108275, 1.5468505040400933], np.float64),
    "chisquare": np.array([4.596036684816625, 2.8426371224644464, 9.933445632692651, 4.393506995330545], np.float64),
    "f": np.array([1.158641615967818, 0.4334901445978058, 6.869564969322846, 1.2631808709546908], np.float64),
    "t": np.array([-0.6868952295334372, -0.49185716623639475, 2.0658955546227156, -0.23200208559344343], np.float64),
    "rayleigh": np.array([2.6101486342144358, 5.795884058247333, 2.1068921475580344, 1.5873471253641838], np.float64),
    "weibull_min": np.array(
        [1.3529603556444487, 0.12231276251644208, 1.7997751636072923, 2.392848295534626], np.float64
    ),
    "maxwell": np.array([2.1856811186160847, 0.866467331447922, 0.8407561365101462, 1.838019102640401], np.float64),
    "geometric": np.array([3, 12, 2, 1, 2, 2], np.int64),
}

GRADS = {
    "uniform_bounds": (1.9841179459352412, 1.0158820540647588),
    "normal_locscale": (3.0, -2.16760075388584),
    "truncnorm_bounds": (1.5588926352412829, 0.14295753702305514),
    "exponential_scale": (1.4251730844492796,),
}


def _same(got, want, rtol=None):
    got = np.asarray(got)
    assert got.shape == want.shape, (got.shape, want.shape)
    assert got.dtype == want.dtype, (got.dtype, want.dtype)
    if want.dtype.kind == "f":
        tol = rtol if rtol is not None else (2e-6 if want.dtype == np.float32 else 1e-13)
        np.testing.assert_allclose(got, want, rtol=tol, atol=tol * 1e-3)
    else:
        np.testing.assert_array_equal(got, want)


SAMPLERS = {
    "split3": lambda k: fr.split(k, 3),
    "split22": lambda k: fr.split(k, (2, 2)),
    "fold_in": lambda k: fr.fold_in(k, 123456),
    "fold_in0": lambda k: fr.fold_in(fr.PRNGKey(0), 0),
    "bits8": lambda k: fr.bits(k, (5,), "uint8"),
    "bits16": lambda k: fr.bits(k, (5,), np.uint16),
    "bits32": lambda k: fr.bits(k, (5,), np.uint32),
    "bits64": lambda k: fr.bits(k, (2, 3)),
    "bits_scalar": lambda k: fr.bits(k),
    "uniform": lambda k: fr.uniform(k, (5,)),
    "uniform_ab": lambda k: fr.uniform(k, (5,), minval=-2.0, maxval=3.0),
    "uniform32": lambda k: fr.uniform(k, (5,), np.float32),
    "normal": lambda k: fr.normal(k, (2, 3)),
    "normal32": lambda k: fr.normal(k, (5,), np.float32),
    "normal_scalar": lambda k: fr.normal(k),
    "truncated_normal": lambda k: fr.truncated_normal(k, -1.0, 2.0, (5,)),
    "truncated_normal32": lambda k: fr.truncated_normal(k, -1.0, 2.0, (5,), np.float32),
    "exponential": lambda k: fr.exponential(k, (5,)),
    "laplace": lambda k: fr.laplace(k, (5,)),
    "logistic": lambda k: fr.logistic(k, (5,)),
    "gumbel": lambda k: fr.gumbel(k, (5,)),
    "cauchy": lambda k: fr.cauchy(k, (5,)),
    "exponential32": lambda k: fr.exponential(k, (5,), np.float32),
    "gamma": lambda k: fr.gamma(k, np.array([0.3, 1.0, 2.5, 10.0, 0.01])),
    "gamma32": lambda k: fr.gamma(k, np.array([0.3, 1.0, 2.5, 10.0]), dtype=np.float32),
    "loggamma": lambda k: fr.loggamma(k, np.array([0.01, 0.3, 1.0, 2.5])),
    "gamma_shape": lambda k: fr.gamma(k, 2.0, (2, 3)),
    "beta": lambda k: fr.beta(k, 0.5, 2.0, (5,)),
    "dirichlet": lambda k: fr.dirichlet(k, np.array([0.5, 1.0, 3.0]), (2,)),
    "mvn": lambda k: fr.multivariate_normal(k, np.array([1.0, -1.0, 0.0]), COV, (4,)),
    "bernoulli": lambda k: fr.bernoulli(k, 0.3, (10,)),
    "bernoulli_p": lambda k: fr.bernoulli(k, np.linspace(0.05, 0.95, 10)),
    "randint": lambda k: fr.randint(k, (10,), -5, 17),
    "randint_big": lambda k: fr.randint(k, (4,), -(2**40), 2**50),
    "randint_uint8": lambda k: fr.randint(k, (6,), 0, 256, "uint8"),
    "randint_int32": lambda k: fr.randint(k, (6,), 0, 1000, "int32"),
    "categorical": lambda k: fr.categorical(k, np.array([[0.0, 1.0, 2.0, -1.0], [3.0, 0.0, 0.0, 0.5]])),
    "categorical_shape": lambda k: fr.categorical(k, np.array([0.0, 1.0, 2.0, -1.0]), shape=(3, 2)),
    "categorical_norepl": lambda k: fr.categorical(k, np.array([0.0, 1.0, 2.0, -1.0, 0.5]), shape=(3,), replace=False),
    "permutation": lambda k: fr.permutation(k, 10),
    "permutation_arr": lambda k: fr.permutation(k, np.arange(12.0).reshape(3, 4), axis=1),
    "permutation_indep": lambda k: fr.permutation(k, np.arange(24.0).reshape(2, 3, 4), axis=1, independent=True),
    "choice": lambda k: fr.choice(k, 10, (5,)),
    "choice_norepl": lambda k: fr.choice(k, 10, (5,), replace=False),
    "choice_p": lambda k: fr.choice(k, 4, (8,), p=np.array([0.1, 0.2, 0.3, 0.4])),
    "choice_p_norepl": lambda k: fr.choice(k, 4, (3,), replace=False, p=np.array([0.1, 0.2, 0.3, 0.4])),
    "choice_arr": lambda k: fr.choice(k, np.arange(12.0).reshape(3, 4), (2, 2), axis=1),
    "poisson": lambda k: fr.poisson(k, np.array([0.0, 0.5, 3.0, 9.9, 10.0, 50.0, 1000.0])),
    "poisson_int32": lambda k: fr.poisson(k, 4.0, (6,), "int32"),
    "rademacher": lambda k: fr.rademacher(k, (6,)),
    "lognormal": lambda k: fr.lognormal(k, 0.5, (4,)),
    "pareto": lambda k: fr.pareto(k, 3.0, (4,)),
    "chisquare": lambda k: fr.chisquare(k, 4.0, (4,)),
    "f": lambda k: fr.f(k, 3.0, 5.0, (4,)),
    "t": lambda k: fr.t(k, 4.0, (4,)),
    "rayleigh": lambda k: fr.rayleigh(k, 2.0, (4,)),
    "weibull_min": lambda k: fr.weibull_min(k, 2.0, 1.5, (4,)),
    "maxwell": lambda k: fr.maxwell(k, (4,)),
    "geometric": lambda k: fr.geometric(k, 0.3, (6,)),
}


def test_every_jax_constant_has_a_sampler():
    assert set(SAMPLERS) == set(JAX)


@pytest.mark.parametrize("seed", sorted(KEYS))
def test_prngkey_matches_jax(seed):
    key = fr.PRNGKey(seed)
    assert key.dtype == np.uint32 and key.shape == (2,)
    np.testing.assert_array_equal(key, KEYS[seed])
    np.testing.assert_array_equal(fr.key(seed), KEYS[seed])
    np.testing.assert_array_equal(fr.PRNGKey(np.int64(seed) if seed < 2**63 else seed), KEYS[seed])


def test_complex_normal_matches_jax():
    want = [
        -0.5093295292642132 + 0.45954304860759587j,
        -0.18428781404443714 + 0.08377702715980621j,
        1.1890484933280285 - 1.1000597312985396j,
    ]
    got = fr.normal(K, (3,), np.complex128)
    assert got.dtype == np.complex128
    np.testing.assert_array_equal(got, want)
    assert fr.normal(K, (3,), np.complex64).dtype == np.complex64


def test_32_bit_seeds_are_not_sign_extended():
    # jax: a 32-bit seed fills the low word only (jax.random.PRNGKey(np.int32(-5)) == [0, 4294967291])
    np.testing.assert_array_equal(fr.PRNGKey(np.int32(-5)), [0, 4294967291])
    np.testing.assert_array_equal(functrans.jit(fr.PRNGKey)(np.int32(-5)), [0, 4294967291])
    np.testing.assert_array_equal(functrans.jit(fr.PRNGKey)(np.int64(-1)), KEYS[-1])


@pytest.mark.parametrize("name", sorted(SAMPLERS))
def test_matches_jax(name):
    _same(SAMPLERS[name](K), JAX[name])


@pytest.mark.parametrize(
    "name",
    [
        "uniform",
        "uniform_ab",
        "uniform32",
        "normal",
        "normal_scalar",
        "gamma",
        "loggamma",
        "gamma_shape",
        "gumbel",
        "cauchy",
        "mvn",
        "exponential",
        "laplace",
        "logistic",
        "truncated_normal",
        "permutation_arr",
        "choice_arr",
    ],
)
def test_bit_identical(name):
    """These float samples are the very same floats as JAX's (XLA's fused multiply-adds, its
    log1p and its rewrite of x / sqrt(y) are reproduced)."""
    np.testing.assert_array_equal(SAMPLERS[name](K), JAX[name])


@pytest.mark.parametrize("name", sorted(SAMPLERS))
def test_jit_matches_eager(name):
    f = SAMPLERS[name]
    _same(functrans.jit(f)(K), JAX[name])


VMAP_CASES = [
    "split3",
    "fold_in",
    "bits64",
    "uniform_ab",
    "normal",
    "truncated_normal",
    "gamma",
    "beta",
    "dirichlet",
    "mvn",
    "bernoulli_p",
    "randint",
    "categorical",
    "categorical_norepl",
    "permutation",
    "permutation_arr",
    "choice_norepl",
    "choice_p",
    "choice_arr",
    "permutation_indep",
    "poisson",
    "exponential32",
]


@pytest.mark.parametrize("name", VMAP_CASES)
def test_vmap_over_keys_equals_a_loop(name):
    f = SAMPLERS[name]
    keys = fr.split(K, 4)
    out = functrans.vmap(f)(keys)
    loop = np.stack([np.asarray(f(k)) for k in keys])
    assert out.dtype == loop.dtype

    # a batched matrix product may sum in another order than the per-example one
    def check(a, b):
        if name == "mvn":
            np.testing.assert_allclose(a, b, rtol=1e-14)
        else:
            np.testing.assert_array_equal(a, b)

    check(out, loop)
    out = functrans.vmap(f, in_axes=1, out_axes=0)(np.ascontiguousarray(keys.T))
    check(out, loop)


def test_vmap_normal_over_split_keys():
    keys = fr.split(fr.PRNGKey(0), 8)
    out = functrans.vmap(lambda k: fr.normal(k, (3,)))(keys)
    np.testing.assert_array_equal(out, np.stack([fr.normal(k, (3,)) for k in keys]))
    out = functrans.jit(functrans.vmap(lambda k: fr.normal(k, (3,))))(keys)
    np.testing.assert_array_equal(out, np.stack([fr.normal(k, (3,)) for k in keys]))


def test_traced_seed_and_fold_in_data():
    f = functrans.jit(lambda s, d: fr.fold_in(fr.PRNGKey(s), d))
    np.testing.assert_array_equal(f(np.int64(42), np.int64(123456)), JAX["fold_in"])
    keys = functrans.vmap(fr.PRNGKey)(np.arange(3))
    np.testing.assert_array_equal(keys, np.stack([fr.PRNGKey(i) for i in range(3)]))
    ks = functrans.vmap(lambda d: fr.fold_in(K, d))(np.array([123456, 0]))
    np.testing.assert_array_equal(ks[0], JAX["fold_in"])


def test_vmap_over_parameters():
    a = np.array([0.5, 2.0, 7.0])
    out = functrans.vmap(lambda a: fr.gamma(K, a, (2,)))(a)
    np.testing.assert_array_equal(out, np.stack([fr.gamma(K, x, (2,)) for x in a]))
    lam = np.array([1.0, 20.0])
    out = functrans.vmap(lambda la: fr.poisson(K, la, (3,)))(lam)
    np.testing.assert_array_equal(out, np.stack([fr.poisson(K, x, (3,)) for x in lam]))
    x = np.arange(12.0).reshape(3, 4)
    out = functrans.vmap(lambda r: fr.permutation(K, r))(x)
    np.testing.assert_array_equal(out, np.stack([fr.permutation(K, r) for r in x]))


# ---------------------------------------------------------------------------- gradients


def test_gradients_match_jax():
    g = functrans.grad(lambda lo, hi: fnp.sum(fr.uniform(K, (3,), minval=lo, maxval=hi)), argnums=(0, 1))(-1.0, 2.0)
    np.testing.assert_allclose(g, GRADS["uniform_bounds"], rtol=1e-13)
    g = functrans.grad(lambda m, s: fnp.sum(m + s * fr.normal(K, (3,))), argnums=(0, 1))(1.0, 2.0)
    np.testing.assert_allclose(g, GRADS["normal_locscale"], rtol=1e-13)
    g = functrans.grad(lambda lo, hi: fnp.sum(fr.truncated_normal(K, lo, hi, (3,))), argnums=(0, 1))(-1.0, 2.0)
    np.testing.assert_allclose(g, GRADS["truncnorm_bounds"], rtol=1e-12)
    g = functrans.grad(lambda s: fnp.sum(s * fr.exponential(K, (3,))))(2.0)
    np.testing.assert_allclose(g, GRADS["exponential_scale"], rtol=1e-13)


def test_gradients_fwd_rev_and_second_order():
    from functrans.test_util import check_grads

    check_grads(lambda lo, hi: fr.uniform(K, (4,), minval=lo, maxval=hi) ** 2, (-1.0, 2.0), order=2)
    check_grads(lambda lo, hi: fr.truncated_normal(K, lo, hi, (4,)) ** 3, (-1.0, 2.0), order=2)
    check_grads(lambda m: fr.multivariate_normal(K, m, COV, (2,)) ** 2, (np.array([1.0, -1.0, 0.0]),), order=2)
    check_grads(lambda x: fr.permutation(K, x) ** 2, (np.arange(1.0, 6.0),), order=2)
    check_grads(lambda x: fr.choice(K, x, (7,)) ** 3, (np.arange(1.0, 6.0),), order=2)


def test_gradient_through_a_traced_key_is_zero_for_the_key():
    def f(x):
        k = fr.fold_in(K, fnp.astype(x * 0, np.int64))  # a traced key
        return fnp.sum(x * fr.normal(k, (3,)))

    np.testing.assert_allclose(functrans.grad(f)(1.5), np.sum(fr.normal(fr.fold_in(K, 0), (3,))), rtol=1e-14)


def test_gamma_family_gradients_match_jax():
    """Implicit reparameterisation, as jax.grad computes it (values from jax)."""
    a = np.array([0.3, 1.0, 2.5, 10.0])
    g = functrans.grad(lambda a: fnp.sum(fr.gamma(K, a)))(a)
    np.testing.assert_allclose(
        g, [0.427441827004906, 0.8217798569927198, 1.5749419289232929, 1.0600616646747387], rtol=1e-10
    )
    g = functrans.grad(lambda a, b: fnp.sum(fr.beta(K, a, b, (5,))), argnums=(0, 1))(0.7, 2.0)
    np.testing.assert_allclose(g, [1.7653229981639904, -0.4790077110339088], rtol=1e-10)
    al = np.array([0.5, 1.0, 3.0])
    g = functrans.grad(lambda a: fnp.sum(fr.dirichlet(K, a, (4,))[:, 0]))(al)
    np.testing.assert_allclose(g, [0.7907176176755207, -0.057955892683692174, -0.06410511672051124], rtol=1e-10)
    # d sample / d a at given (a, sample) pairs, both series and continued-fraction branches
    from functrans._src.random_samplers import random_gamma_grad

    a = np.array([0.01, 0.3, 1.0, 2.5, 10.0, 100.0, 0.5, 3.0])
    x = np.array([1e-5, 0.2, 2.5, 1.0, 14.0, 90.0, 3.0, 0.5])
    want = [0.010952158246714484, 1.2120372612897223, 1.79703223326168, 0.650793859686282]
    want += [1.1974228977739487, 0.9498259498011444, 2.912942416440366, 0.3761753563104819]
    np.testing.assert_allclose(random_gamma_grad(a, x), want, rtol=1e-10)
    # forward mode, vmap and jit agree
    _, t = functrans.jvp(lambda a: fr.gamma(K, a, (3,)), (2.0,), (1.0,))
    np.testing.assert_allclose(t, functrans.jacfwd(lambda a: fr.gamma(K, a, (3,)))(2.0), rtol=1e-12)
    gv = functrans.vmap(functrans.grad(lambda a: fnp.sum(fr.gamma(K, a, (2,)))))(np.array([0.5, 2.0]))
    gl = [functrans.grad(lambda a: fnp.sum(fr.gamma(K, a, (2,))))(a) for a in (0.5, 2.0)]
    np.testing.assert_allclose(gv, gl, rtol=1e-12)
    gj = functrans.jit(functrans.grad(lambda a: fnp.sum(fr.gamma(K, a, (2,)))))(2.0)
    np.testing.assert_allclose(gj, gl[1], rtol=1e-12)


def test_gamma_second_derivative_in_its_shape_parameter_raises():
    with pytest.raises(NotImplementedError, match="second derivatives"):
        functrans.hessian(lambda a: fnp.sum(fr.gamma(K, a, (3,))))(2.0)


def test_multivariate_normal_gradient_in_cov_matches_jax():
    def loss(c):
        return fnp.sum(fr.multivariate_normal(K, np.zeros(3), c, (2,)) ** 2)

    want = np.array(
        [
            [0.59411774, -0.73753372, -0.01494034],
            [-0.73753372, 5.04193644, 0.85363142],
            [-0.01494034, 0.85363142, 0.12901569],
        ]
    )  # jax.grad of the same loss
    np.testing.assert_allclose(functrans.grad(loss)(COV), want, atol=1e-8)
    from functrans.test_util import check_grads

    check_grads(lambda c: fr.multivariate_normal(K, np.zeros(3), c, (2,)) ** 2, (COV,), order=2)


# ---------------------------------------------------------------------------- shapes, dtypes, distributions


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_float_dtypes_and_shapes(dtype):
    for f in (fr.uniform, fr.normal, fr.exponential, fr.laplace, fr.logistic, fr.gumbel, fr.cauchy):
        x = f(K, (2, 3), dtype)
        assert x.shape == (2, 3) and x.dtype == dtype, f
        assert np.all(np.isfinite(x))
    assert fr.normal(K).shape == () and fr.normal(K).dtype == np.float64
    assert fr.uniform(K, (0,)).shape == (0,)


def test_distribution_moments():
    k1, k2, k3, k4 = fr.split(K, 4)
    g = fr.gamma(k1, 3.0, (20000,))
    assert abs(g.mean() - 3.0) < 0.08 and abs(g.var() - 3.0) < 0.25
    g = fr.gamma(k2, 0.2, (20000,))
    assert abs(g.mean() - 0.2) < 0.02
    p = fr.poisson(k3, np.array([2.0, 40.0])[:, None], (2, 20000))
    assert abs(p[0].mean() - 2.0) < 0.06 and abs(p[1].mean() - 40.0) < 0.3 and abs(p[1].var() - 40.0) < 3.0
    d = fr.dirichlet(k4, np.array([1.0, 2.0, 3.0]), (5000,))
    np.testing.assert_allclose(d.sum(-1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(d.mean(0), [1 / 6, 2 / 6, 3 / 6], atol=0.02)
    u = fr.uniform(K, (20000,), minval=2.0, maxval=5.0)
    assert u.min() >= 2.0 and u.max() < 5.0 and abs(u.mean() - 3.5) < 0.05
    t = fr.truncated_normal(K, -0.5, 0.25, (5000,))
    assert t.min() > -0.5 and t.max() < 0.25


def test_permutation_and_choice_without_replacement_are_permutations():
    assert sorted(fr.permutation(K, 50).tolist()) == list(range(50))
    c = fr.choice(K, 20, (20,), replace=False)
    assert sorted(c.tolist()) == list(range(20))
    assert len(set(fr.choice(K, 6, (4,), replace=False, p=np.full(6, 1 / 6)).tolist())) == 4


# ---------------------------------------------------------------------------- errors


def test_bad_keys_raise():
    with pytest.raises(TypeError, match="uint32 array of shape"):
        fr.normal(np.zeros(2, np.int32))
    with pytest.raises(TypeError, match="uint32 array of shape"):
        fr.normal(np.zeros(3, np.uint32))
    with pytest.raises(TypeError, match="PRNG key"):
        fr.normal(42)
    with pytest.raises(ValueError, match="single key"):
        fr.normal(fr.split(K, 2))
    with pytest.raises(ValueError, match="single key"):
        fr.split(fr.split(K, 2))


def test_bad_arguments_raise():
    with pytest.raises(TypeError, match="scalar seed"):
        fr.PRNGKey(np.array([1, 2]))
    with pytest.raises(TypeError, match="integer seed"):
        fr.PRNGKey(1.5)
    with pytest.raises(ValueError, match="float dtype"):
        fr.uniform(K, (2,), np.int32)
    with pytest.raises(ValueError, match="unsigned int dtype"):
        fr.bits(K, (2,), np.int32)
    with pytest.raises(TypeError, match="integer dtypes"):
        fr.randint(K, (2,), 0, 5, np.float64)
    with pytest.raises(ValueError, match="broadcast-compatible"):
        fr.uniform(K, (2,), minval=np.zeros(3))
    with pytest.raises(TypeError, match="shape must be a tuple of non-negative integers"):
        fr.normal(K, (2.5,))
    with pytest.raises(ValueError, match="non-negative"):
        fr.normal(K, (-1,))
    with pytest.raises(TypeError, match="static argument"):
        functrans.jit(lambda n: fr.normal(K, (n,)))(3)
    assert functrans.jit(lambda n: fr.normal(K, (n,)), static_argnums=0)(3).shape == (3,)
    with pytest.raises(ValueError, match="Cannot take a larger sample"):
        fr.choice(K, 3, (4,), replace=False)
    with pytest.raises(ValueError, match="p must be None or a 1D vector"):
        fr.choice(K, 3, (2,), p=np.ones(4) / 4)
    with pytest.raises(TypeError, match="bernoulli probability"):
        fr.bernoulli(K, np.array([1, 0]))
    with pytest.raises(NotImplementedError, match="mode='high' is not supported"):
        fr.bernoulli(K, 0.5, (2,), mode="high")
    with pytest.raises(OverflowError, match="out of bounds for uint32"):
        fr.fold_in(K, -1)
    with pytest.raises(ValueError, match="cov.shape"):
        fr.multivariate_normal(K, np.zeros(3), np.eye(2))
