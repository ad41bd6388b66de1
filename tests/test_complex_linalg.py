"""Complex linear algebra (issue 15): values and gradients pinned against JAX, derivative
rules checked to second order in both modes with complex inputs, vmap against a loop.

Conventions are JAX's: the gradient of a real function of complex ``z`` is
``df/dx - i df/dy``; cholesky/eigh read one triangle and differentiate along Hermitian
perturbations; eigenvalues, singular values and ``slogdet``'s ``logabsdet`` are real.
"""

import warnings

import numpy as np
import pytest
from rule_cases.complex_linalg import COMPLEX_RULE_CASES, NORMS

import functrans
import functrans.lax.linalg as lax_linalg
import functrans.numpy as fnp
import functrans.numpy.linalg as fla
import functrans.scipy.linalg as fsl
from functrans._src.lax import linalg as L
from functrans.test_util import check_grads

pytestmark = pytest.mark.filterwarnings("ignore::numpy.exceptions.ComplexWarning")

rng = np.random.default_rng(1515)


def _c(*s):
    return rng.standard_normal(s) + 1j * rng.standard_normal(s)


A = _c(3, 3) + 3 * np.eye(3)
B = _c(3, 2)
C3 = _c(3, 3)
C32 = _c(3, 2)
W = _c(3, 2)
HPD = A @ A.conj().T + np.eye(3)


def _herm(a):
    return (a + L.mH(a)) / 2


def _pair(x, c):
    return fnp.sum(L.real(x * c))


def _absq(z):
    return L.real(z * L.conj(z))


CASES = {
    "solve": (lambda a: _pair(fla.solve(a, B), C32), A),
    "inv": (lambda a: _pair(fla.inv(a), C3), A),
    "det": (lambda a: L.real(fla.det(a) * (0.3 + 0.7j)), A),
    "slogdet_sign": (lambda a: L.real(fla.slogdet(a)[0] * (0.3 + 0.7j)), A),
    "slogdet_logabs": (lambda a: fla.slogdet(a)[1], A),
    "cholesky": (lambda a: _pair(fla.cholesky(_herm(a)), C3), HPD),
    "cholesky_upper": (lambda a: _pair(fla.cholesky(_herm(a), upper=True), C3), HPD),
    "eigvalsh": (lambda a: fnp.sum(fla.eigvalsh(_herm(a)) * np.array([1.0, -2.0, 0.5])), HPD),
    "eigh_vectors": (lambda a: fnp.sum(_absq(fla.eigh(_herm(a))[1]) * C3.real), HPD),
    "svdvals": (lambda a: fnp.sum(fla.svd(a, compute_uv=False) * np.array([1.0, -0.5])), W),
    "svd_u": (lambda a: fnp.sum(_absq(fla.svd(a, full_matrices=False)[0]) * C32.real), W),
    "svd_uvh": (lambda a: _pair((lambda r: r[0][:, :1] * r[2][:1, :])(fla.svd(a, full_matrices=False)), C3[:, :2]), W),
    "qr_q": (lambda a: _pair(fla.qr(a)[0], C32), W),
    "qr_r": (lambda a: _pair(fla.qr(a)[1], C3[:2, :2]), W),
    "pinv": (lambda a: _pair(fla.pinv(a), C32.T), W),
    "expm": (lambda a: _pair(fsl.expm(a / 3), C3), A),
    "norm_fro": (lambda a: fla.norm(a), A),
    "norm_2": (lambda a: fla.norm(a, 2), A),
    "norm_nuc": (lambda a: fla.norm(a, "nuc"), A),
    "norm_1": (lambda a: fla.norm(a, 1), A),
    "norm_vec3": (lambda a: fla.norm(a[0], 3), A),
    "matrix_power": (lambda a: _pair(fla.matrix_power(a, 3), C3), A),
    "matrix_power_neg": (lambda a: _pair(fla.matrix_power(a, -2), C3), A),
    "trace": (lambda a: L.real(fnp.trace(a @ a) * (0.2 - 1j)), A),
    "solve_triangular_C": (lambda a: _pair(fsl.solve_triangular(a, B, trans="C", lower=True), C32), A),
    "solve_triangular_T": (lambda a: _pair(fsl.solve_triangular(a, B, trans=1, lower=False), C32), A),
    "cho_solve_lower": (lambda a: _pair(fsl.cho_solve(fsl.cho_factor(_herm(a), lower=True), B), C32), HPD),
    "cho_solve_upper": (lambda a: _pair(fsl.cho_solve(fsl.cho_factor(_herm(a), lower=False), B), C32), HPD),
    "lu_solve_2": (lambda a: _pair(fsl.lu_solve(fsl.lu_factor(a), B, trans=2), C32), A),
    "lu_solve_1": (lambda a: _pair(fsl.lu_solve(fsl.lu_factor(a), B, trans=1), C32), A),
    "lu": (lambda a: _pair(fsl.lu(a)[2], C3) + _pair(fsl.lu(a)[1], C3.T), A),
    "lstsq": (lambda a: _pair(fla.lstsq(a, C32[:, 0])[0], B[:2, 0]), W),
}  # fmt: skip

# name: (value, real parts, imaginary parts of the gradient), from JAX 0.10.2 with x64:
# jax.grad of each real-valued case below at its input (the gradient is d/dx - i d/dy, JAX's)
JAX = {
    'solve': (-1.779832264075925, [0.3875381327055978, -0.025383462103511, -0.1243614902447189,
        0.09816197810699462, 0.03157981852565302, 0.04628731121501233, 1.277690275475989, -0.1531433348797439,
        0.06994405509270371], [0.2630507439661571, 0.1650550061404683, -0.01008375882544418, 0.4640315240945028,
        -0.06597204039149632, -0.05556248694563859, 0.3515472399697408, -0.4714055987506638,
        -0.2838540903016581]),
    'inv': (-0.5430773582037604, [0.1754771031805888, -0.05206928673389726, -0.06891159003273767,
        0.2889507444632382, 0.002071675774776245, -0.02813523603022347, 0.2976778130286429, 0.05424737564732263,
        0.02407339865721904], [0.1114915451196733, 0.1855765331040919, -0.05102548241670656,
        0.06112407368639087, 0.07522767347099643, -0.08715443576367304, -0.3647464842158905, 0.184655352295795,
        -0.3178201497322843]),
    'det': (10.896818805489364, [1.371073802724082, -0.2955298384534965, -1.90261109222826, -0.5280968598168394,
        2.646062601496254, -0.3366169845499661, -1.219364519093527, -1.35111762203838, 5.695219074423456],
        [5.801018324060309, 1.780090847476159, 0.4592864787454888, 0.1772904478337586, 3.282732931763841,
        2.048814901289662, 5.20206493210875, -1.693690455269416, 3.716950220872]),
    'slogdet_sign': (0.494191625693287, [-0.09389680262371561, -0.04761845157630164, -0.0602376627331329,
        -0.01783512935071553, -0.004033019677814605, -0.05471439061047524, -0.148497730595695,
        0.002450720340618242, 0.06630037179111758], [0.183007639632696, 0.04011925026505378,
        -0.0305440243796599, -0.007170185736768076, 0.1454386813577002, 0.04625464668165268, 0.1092776838943201,
        -0.07472201853088177, 0.2251149328974373]),
    'slogdet_logabs': (3.093302824679094, [0.3158241060188507, 0.06923550500152686, -0.05271112841674301,
        -0.01237389600154874, 0.2509897489118252, 0.0798236208432079, 0.1885851699579443, -0.1289509812257234,
        0.3884904617999598], [0.1620417257234836, 0.08217719724308456, 0.1039547093200028, 0.03077884504835691,
        0.006959954441566746, 0.09442296253643549, 0.2562688809349274, -0.004229312843067164,
        -0.1144173854800439]),
    'cholesky': (-0.8971446899274966, [-0.1260758185244499, -0.283032717469623, -0.112964028873964,
        -0.283032717469623, 0.0499090427036564, -0.1132487641962512, -0.112964028873964, -0.1132487641962512,
        -0.1639121326876591], [0, 0.08875706514125434, -0.2533907940549466, -0.08875706514125434, 0,
        0.03544219395923703, 0.2533907940549466, -0.03544219395923703, 0]),
    'cholesky_upper': (0.04072203297047006, [-0.1720225656222232, -0.01531774915604032, 0.027938906266775,
        -0.01531774915604032, 0.05343215112846291, 0.0826379799717688, 0.027938906266775, 0.0826379799717688,
        -0.1639121326876591], [0, -0.2057165613180827, 0.1948584465096223, 0.2057165613180827, 0,
        0.0795307912138426, -0.1948584465096223, -0.0795307912138426, 0]),
    'eigvalsh': (1.6010929131504135, [-1.18729804193572, -0.6980405267194014, 0.5736261694175675,
        -0.6980405267194014, -0.1293089167443504, 0.1177875157777225, 0.5736261694175675, 0.1177875157777225,
        0.8166069586800703], [0, -0.834228947458076, -0.1630532556873859, 0.834228947458076, 0,
        -0.1602250302759345, 0.1630532556873859, 0.1602250302759345, 0]),
    'eigh_vectors': (0.17651124508250654, [0.0192153862887193, -0.002945791026029834, 0.01460163875653327,
        -0.002945791026029834, 0.001066342902026293, 0.007603699537471958, 0.01460163875653327,
        0.007603699537471958, -0.0202817291907459], [0, -0.01711928390584888, 0.0123564194654774,
        0.01711928390584888, 0, 0.02394877126564545, -0.0123564194654774, -0.02394877126564545, 0]),
    'svdvals': (2.8937055658635904, [0.3559084693034066, 0.2218843139333981, -0.6922501319570582,
        0.1438887441431436, 0.1730067317928067, 0.2223226277485426], [-0.00672752818815639, 0.2785623463277572,
        -0.05587611561951367, -0.5014532586116233, 0.3635536408636267, -0.1744494645644493]),
    'svd_u': (-0.3200743818850054, [-0.03481684059722115, 0.2227499824927512, 0.03086137557909414,
        0.1058862965272232, 0.1248025506305424, -0.258702772800016], [0.1736095532822382, 0.1618168721238652,
        0.07643687423702458, 0.1044227215044194, 0.09550751697712201, 0.09732041911847102]),
    'svd_uvh': (0.7926742698880436, [-0.2153661130668785, -0.05375473726366905, -0.2838526038807942,
        -0.04660734851524762, -0.160751606323168, -0.147671531005824], [0.099628417958477, -0.3735058303523769,
        -0.1893085090917299, 0.2018829748528081, 0.3725401599907287, -0.1109931365075456]),
    'qr_q': (-0.15926070153261546, [0.2180755759562298, -0.5920099843456856, 0.179063173112871,
        -0.06514546491951245, -0.3956078030783491, -0.3068690090978709], [-0.1544411226485759,
        -0.6189022720765012, 0.03329853747867757, -0.388134120550952, -0.4672552472602761, -1.070379337787979]),
    'qr_r': (3.5713644883223323, [0.1619076543931492, 0.3032687518985451, -0.3421294611543884,
        -0.1263099903698065, 0.03657127803819507, -0.2917998326448275], [0.1694297288894957, 0.4938460573489564,
        -0.2064734086674953, -1.147479705038949, 0.4063720872922769, 0.05415678035894499]),
    'pinv': (0.6018557243421889, [-0.1676307166233789, 0.4018040615528733, -0.2214749612488527,
        -0.5632738804153427, 0.0335283003426101, 0.2707758868328846], [0.2741135820605601, 0.07526790524341145,
        -0.3417151900480794, 0.1892003084583973, 0.2241495808651812, -0.3262167532154762]),
    'expm': (2.418644036411651, [0.1944377770896522, -0.6322641381956622, 0.2928276796941404,
        -1.692640338830828, 1.084016819619417, 0.8943238809549818, 0.318612242224696, -1.321865122463567,
        -0.4722399179051857], [0.2622816257749576, -1.031150388974009, 0.4487975580558727, -0.2157941054565861,
        1.287995063022312, 0.6096536072331925, 0.3530889866101559, 0.1934848018648102, 1.392389473688145]),
    'norm_fro': (5.776623170635989, [0.3791080797956344, -0.0004557966510663143, -0.2385159765466234,
        -0.1480555873502123, 0.6716366180480545, 0.1796098559845056, 0.02842201648783392, -0.09712756879644881,
        0.3444704016768137], [0.1717538963920308, -0.09962891770994781, 0.2038876854138353, 0.1026307992547413,
        0.1258654315154824, -0.1659172446978277, 0.05930449313282144, 0.1523461658831881,
        -0.05986685421849124]),
    'norm_2': (4.871846465368305, [0.1539383952772811, -0.1598770368339997, -0.2030103570856928,
        -0.2731309499609109, 0.63936884038798, 0.1608268128827972, -0.07497183910327473, -0.01615386747245301,
        0.1515685711927744], [0.04980923914221626, -0.3039013550115217, 0.07565538782770898, 0.1514963755594026,
        0.1749894732479783, -0.386062374645765, -0.08766075986264062, 0.2442769252266173, 0.02971645495835038]),
    'norm_nuc': (9.194624295703248, [0.7846435956764887, 0.1265468506122719, -0.3045082539259758,
        -0.1174147699231635, 0.9416926980405766, 0.2686012296816713, 0.2610650141379887, -0.2592823120638071,
        0.8152486865193864], [0.3821455591070777, 0.05681532602938248, 0.3554319007037124, 0.1175727271323892,
        0.1156503231541589, 0.009147145097476689, 0.3775376583207098, 0.1156307104126489, -0.209957556500293]),
    'norm_1': (5.566542053506119, [0, -0.004574895438811858, -0, -0, 0.9828897924176981, 0, 0,
        -0.5375844459810302, 0], [0, -0.9999895351111049, 0, 0, 0.184194614365063, 0, 0, 0.8432099165921075,
        0]),
    'norm_vec3': (2.716373712335814, [0.713565797453291, -0.0002053667476078572, -0.338467177086724, 0, 0, 0, 0,
        0, 0], [0.3232790662513881, -0.04488946276791755, 0.2893277436753903, 0, 0, 0, 0, 0, 0]),
    'matrix_power': (135.08674577851065, [20.75885043166948, -28.15917140745794, 4.329310146499097,
        -55.1566525161946, 52.98902301723093, 36.55232109673963, 19.66629527564577, -55.04010333463373,
        -9.491886722052302], [4.382523628504286, -28.06397199179533, 8.210378180147782, -4.704570835901658,
        60.00421305179106, 13.46683090164421, -22.20103683009186, 23.35869278230898, 32.58481423021649]),
    'matrix_power_neg': (-0.2016221776125842, [0.1069290686362712, -0.07731254114462036, -0.05163997887828897,
        0.2207384881283684, 6.18700926610879e-05, -0.02152586847463815, 0.274180797757774, 0.04334201225226254,
        -0.04156302952308499], [0.1742595055410326, 0.1266827264684752, -0.006049233328144922,
        0.06197945169234285, 0.09308946796279385, -0.04427987460980651, -0.2402107910444771, 0.164288287637518,
        -0.1983406607152605]),
    'trace': (-7.511606791086767, [-1.108329267921325, -1.527823440563401, -0.6194861067078306,
        1.149984242819082, 0.09776232387672867, -1.984520529363599, -2.906691422212242, 2.33189818256098,
        1.487606796033074], [-4.776792050863644, 1.473378891660382, -0.4653984416611907, 0.2354734167947642,
        -8.050414167357744, 0.7701201721148631, 2.284520902264628, -1.691700351457555, -3.841420104956487]),
    'solve_triangular_C': (-0.8160402383746288, [0.08263284768301189, 0, 0, -0.2146909317559412,
        -0.06215881663664004, 0, -0.1245558231681034, -0.009449923137843543, 0.1427590618206961],
        [0.5781216790873291, 0, 0, -0.2459091709105125, -0.07593661374711991, 0, 0.1406040736758453,
        0.02782363296565814, 0.06229059065564205]),
    'solve_triangular_T': (-1.7863822229381359, [0.7884083969276439, -0.1293886091040759, 0.8885407355218116, 0,
        -0.307407564218413, 0.03183759739837688, 0, 0, 0.2601958705222859], [0.8428515183520171,
        -0.1325078688389686, 0.2708540537074126, 0, 0.1603150719126595, -0.9595188282321638, 0, 0,
        0.9892905991631212]),
    'cho_solve_lower': (-0.8898364436227666, [0.0655593961475973, -0.003802617337801076, 0.07695107342327248,
        -0.003802617337801076, 0.009839307839092122, 0.004943975061025774, 0.07695107342327248,
        0.004943975061025774, 0.132246825404804], [0, -0.01353192985684916, -0.0186853525049636,
        0.01353192985684916, 0, 0.04699781250225046, 0.0186853525049636, -0.04699781250225046, 0]),
    'cho_solve_upper': (-0.8898364436227666, [0.0655593961475973, -0.003802617337801076, 0.07695107342327248,
        -0.003802617337801076, 0.009839307839092122, 0.004943975061025774, 0.07695107342327248,
        0.004943975061025774, 0.132246825404804], [0, -0.01353192985684916, -0.0186853525049636,
        0.01353192985684916, 0, 0.04699781250225046, 0.0186853525049636, -0.04699781250225046, 0]),
    'lu_solve_2': (-1.5132408222096068, [-0.1544014754563726, -0.05264711949168352, 0.3706637407727008,
        -0.7813934164585614, -0.06847295744478643, 0.1730371077888086, -0.1119223879232526,
        -0.09158691706841313, 0.4020867776431241], [0.8339567075868259, -0.1298377344281249, 0.349568639594157,
        0.1194148813523226, -0.2863142222390936, 0.6775611934535832, 1.04446743433632, 0.07589608589606564,
        0.01451851305846302]),
    'lu_solve_1': (-2.0661204131296214, [0.7510809166525512, -0.1260179946500158, 0.7233997198258368,
        0.1837307772566592, -0.1279366419558559, -0.1849781943892184, 0.1579332804194404, -0.02211093104242564,
        0.4644607251624995], [0.6443936738531884, 0.1602618353032537, 0.1347696946846787, -0.3151807334043939,
        0.1490088830987581, -0.6979327519115248, 0.8001124831972807, -0.00897136616548358, 0.757372025290891]),
    'lu': (-1.2223959946182212, [-0.1927632100058496, -0.5536981146857453, 0.04048733077108391,
        -0.3043584963887495, 0.4524131950694396, 0.01851218019929657, -1.429839523573013, 0.5287424795978375,
        -0.7056731273879722], [0.03240042042769964, -0.8167952250715717, 0.5664117526165383,
        -0.2369745052618729, 0.8111642454073132, 0.9191544681556296, 0.3085152203344548, -0.2325325286303407,
        1.870378925012016]),
    'lstsq': (-1.6967816683594932, [0.0518598255470244, -0.2205838489079127, -0.08162199846923068,
        -0.0198266662557591, 1.005198397313747, -2.538445010138135], [-0.1825199136143088, -0.1468179831066164,
        -0.02658974643810968, 0.1556904942333897, -1.587011855293091, -2.103721815532354]),
}


def test_every_case_is_pinned():
    assert set(CASES) == set(JAX)


@pytest.mark.parametrize("name", sorted(CASES))
def test_value_and_gradient_match_jax(name):
    f, a = CASES[name]
    v, re, im = JAX[name]
    np.testing.assert_allclose(float(f(a)), v, rtol=1e-10, atol=1e-12)
    g = functrans.grad(f)(a)
    assert g.dtype == np.complex128 and g.shape == a.shape
    np.testing.assert_allclose(g, (np.array(re) + 1j * np.array(im)).reshape(a.shape), rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("name", sorted(COMPLEX_RULE_CASES))
def test_complex_rules_to_second_order_in_both_modes(name):
    f, args = COMPLEX_RULE_CASES[name]
    check_grads(f, args, order=2, modes=("fwd", "rev"))


@pytest.mark.parametrize("name", sorted(NORMS))
def test_norms_and_powers_to_second_order(name):
    f, args = NORMS[name]
    check_grads(f, args, order=2, modes=("fwd", "rev"))


@pytest.mark.parametrize("name", sorted(COMPLEX_RULE_CASES))
def test_complex_batching_matches_a_loop(name):
    f, args = COMPLEX_RULE_CASES[name]
    batched = [np.stack([a * (1.0 + 0.05 * k) + 0.01j * k for k in range(3)]) for a in args]

    def loop(g):
        return np.stack([np.asarray(g(*[b[k] for b in batched])) for k in range(3)])

    out = functrans.vmap(f)(*batched)
    ref = loop(f)
    assert out.shape == ref.shape and out.dtype == ref.dtype
    np.testing.assert_allclose(out, ref, rtol=1e-12, atol=1e-12)

    def loss(*a):
        return fnp.sum(_absq(f(*a)))

    g = functrans.grad(loss)
    np.testing.assert_allclose(functrans.vmap(g)(*batched), loop(g), rtol=1e-10, atol=1e-12)


def test_dtypes_and_values_as_jax():
    sign, logabs = fla.slogdet(A)
    assert sign.dtype == np.complex128 and logabs.dtype == np.float64
    np.testing.assert_allclose(sign * np.exp(logabs), np.linalg.det(A), rtol=1e-12)
    w, v = fla.eigh(HPD)
    assert w.dtype == np.float64 and v.dtype == np.complex128
    assert fla.svd(W, compute_uv=False).dtype == np.float64
    a64 = A.astype(np.complex64)
    assert fla.inv(a64).dtype == np.complex64
    assert fla.slogdet(a64)[1].dtype == np.float32 and fla.eigh(HPD.astype(np.complex64))[0].dtype == np.float32
    np.testing.assert_allclose(fla.inv(a64), np.linalg.inv(a64), rtol=1e-5, atol=1e-6)
    # lu pivots by |re| + |im| (LAPACK's getrf): this column's largest modulus is row 0,
    # its largest |re| + |im| row 1 (JAX: permutation [1, 0])
    m = np.array([[1.0 + 0.0j, 2.0], [0.75 + 0.75j, 1.0]])
    assert list(lax_linalg.lu(m)[2]) == [1, 0]


def test_triangular_solve_conjugate_option():
    t = np.tril(A)
    for transpose_a in (False, True):
        x = lax_linalg.triangular_solve(t, B.T, left_side=False, lower=True, transpose_a=transpose_a, conjugate_a=True)
        op = t.conj().T if transpose_a else t.conj()
        np.testing.assert_allclose(x @ op, B.T, rtol=1e-12, atol=1e-12)


def test_real_paths_record_no_conjugation():
    a = np.real(A)
    for f in (lambda a: fla.eigh((a + a.T) / 2)[1], lambda a: fla.svd(a)[0], lambda a: fla.qr(a)[0], fla.pinv):
        names = {e.prim.name for e in functrans.make_ir(functrans.grad(lambda a, f=f: fnp.sum(f(a) ** 2)))(a).eqns}
        assert not names & {"conj", "real", "imag"}


def test_complex64_first_order():
    f, a = CASES["cholesky"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_grads(f, (a.astype(np.complex64),), order=1, modes=("fwd", "rev"), atol=5e-2, rtol=5e-2)


AR = np.array([[1.0, 2, 0], [-1, 1, 3], [0.5, 0, 2]])
EIG_JAX = {  # jnp.linalg.eigvals and jax.grad (JAX 0.10.2, x64)
    "w": [1.55556088 - 1.24882862j, -1.2238474 - 1.32726141j, -1.27208161 + 1.20268358j],
    "grad": [[2.05786013 - 0.01599432j, 0.15439896 + 0.33947037j, -0.13655027 - 0.1735831j],
             [0.06767143 - 0.46649269j, 1.42335189 - 0.03983809j, -0.11364837 + 0.4625261j],
             [-0.16726261 + 0.43733816j, -0.15806437 - 0.89605171j, 2.51878798 + 0.0558324j]],
    "grad_real": [[1.73186466, 0.19010607, 0.18120032], [0.28279592, 1.73186466, 0.22100269],
                  [1.32601611, 1.08720194, 2.53627068]],
}  # fmt: skip


def _eigvals_loss(a):
    return fnp.sum(L.real(fla.eigvals(a) * np.array([1.0, 2, 3])))


def _eigvals_loss_real(a):
    w = fla.eigvals(a)
    return fnp.sum(L.real(w) * np.array([1.0, 2, 3]) + L.imag(w))


def test_eig_values_and_eigenvalue_gradients_match_jax():
    r = np.random.default_rng(1515)
    a = r.standard_normal((3, 3)) + 1j * r.standard_normal((3, 3))
    np.testing.assert_allclose(fla.eigvals(a), EIG_JAX["w"], rtol=1e-8)
    np.testing.assert_allclose(functrans.grad(_eigvals_loss)(a), EIG_JAX["grad"], rtol=1e-7, atol=1e-8)
    # a real matrix: complex eigenvalues, a real gradient
    w, v = fla.eig(AR)
    assert w.dtype == v.dtype == np.complex128
    np.testing.assert_allclose(AR @ v, v * w, atol=1e-12)
    g = functrans.grad(_eigvals_loss_real)(AR)
    assert g.dtype == np.float64
    np.testing.assert_allclose(g, EIG_JAX["grad_real"], rtol=1e-7, atol=1e-8)
    check_grads(_eigvals_loss, (a,), order=1, modes=("fwd", "rev"))
    check_grads(_eigvals_loss_real, (AR,), order=1, modes=("fwd", "rev"))


def test_eig_batching_and_unsupported_derivatives():
    stack = np.stack([AR + 0.1 * k * np.eye(3) + 0.05j * k for k in range(3)])
    np.testing.assert_allclose(functrans.vmap(fla.eigvals)(stack), np.stack([fla.eigvals(m) for m in stack]))
    g = functrans.grad(_eigvals_loss)
    np.testing.assert_allclose(functrans.vmap(g)(stack), np.stack([g(m) for m in stack]), rtol=1e-12)
    with pytest.raises(NotImplementedError, match="eigenvectors"):
        functrans.grad(lambda a: fnp.sum(_absq(fla.eig(a)[1])))(AR)
    with pytest.raises(NotImplementedError, match="eigenvectors"):  # second order, as JAX
        functrans.hessian(_eigvals_loss_real)(AR)


@pytest.mark.parametrize("name", ["cholesky", "svd_u", "qr_q", "slogdet_sign", "det", "eigh_vectors", "lstsq"])
def test_jit_of_grad_matches_eager(name):
    f, a = CASES[name]
    np.testing.assert_allclose(functrans.jit(functrans.grad(f))(a), functrans.grad(f)(a), rtol=1e-12, atol=1e-14)


def test_vecdot_conjugates_its_first_argument():
    # numpy.linalg.vecdot / jnp.linalg.vecdot: sum(conj(x1) * x2)
    a, b = np.array([1 + 2j, 3 - 1j]), np.array([2 - 1j, 1 + 1j])
    np.testing.assert_allclose(fnp.linalg.vecdot(a, b), 2 - 1j)
    check_grads(fnp.linalg.vecdot, (a, b), order=2, modes=("fwd", "rev"))
