"""Parity with JAX (0.10.2, x64) of convolutions, windowed reductions, associative_scan, the named-axis
collectives and the custom solves; the constants were computed with JAX (tools/jax_diff_laxconv.py
holds the full differential run) and pasted in: jax is not imported here.
"""
from __future__ import annotations

import numpy as np
import pytest

import functrans as ft
import functrans.lax as L
import functrans.numpy as jnp

# fmt: off
CONV = np.array(
    [[[[0.49999999999999994, 0.6666666666666666], [-0.08333333333333333, -0.25], [-0.33333333333333337, 0.75]],
    [[-1.3333333333333333, 0.4166666666666666], [-0.08333333333333334, 0.4166666666666665], [0.25,
    -0.49999999999999994]]], [[[-0.6666666666666667, 0.5833333333333333], [-0.08333333333333334,
    -0.3333333333333333], [0.75, -0.3333333333333333]], [[-2.7755575615628914e-17, -0.7499999999999999],
    [0.6666666666666667, -0.16666666666666663], [0.16666666666666666, -0.24999999999999997]]]]
)
CONV_GX = np.array(
    [[[[0.18010076862271324, 0.30646512942124016, -0.3333333333333333], [-0.3299974988668151, 0.38256377336886865,
    0.1387156121823808], [0.7880889323998352, -1.4716379728406053, 0.3979819755772505], [-0.7987106099160111,
    0.6074287232315767, -0.3299974988668151]], [[-0.8914142758813455, 0.2513007514477682, 0.1375120215380409],
    [0.400710109833968, -0.3037100872948923, 0.5104201520507089], [0.23784902450482936, 0.8241334977750085,
    -1.4537457605910142], [0.048500011269537846, -0.6559201858593224, 0.400710109833968]], [[0.2513007514477682,
    0.1375120215380409, -0.32005676221678864], [-0.3037100872948923, 0.5104201520507089, 0.048500011269537846],
    [0.8241334977750085, -1.4537457605910142, 0.530991261139919], [-0.6559201858593224, 0.400710109833968,
    -0.3037100872948923]], [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]],
    [[[0.3024822604833987, -0.042395215145136, -0.2812846529108307], [-0.25322930428627377, 0.5976167540444366,
    -0.04557907273594453], [0.7945280611937625, -1.3200489944862521, 0.6217020872578602], [-0.46087953583660296,
    0.1620711588143847, -0.25322930428627377]], [[-0.7697793448916098, 0.32956820606222303, -0.21892527329505931],
    [-0.08947828780083848, -0.1825764200747561, 0.6372075480251068], [0.6241459882928638, 0.7016309747613403,
    -1.0811978822657695], [-0.1360273539377973, -0.22912548621171494, -0.08947828780083848]],
    [[0.32956820606222303, -0.21892527329505931, -0.2201055694146934], [-0.1825764200747561, 0.6372075480251068,
    -0.1360273539377973], [0.7016309747613403, -1.0811978822657695, 0.6628884815271021], [-0.22912548621171494,
    -0.08947828780083848, -0.1825764200747561]], [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0,
    0.0]]]]
)
CONV_GK = np.array(
    [[[[0.20208490866135262, 1.491595782325872], [0.21309407551838655, 1.4304307893447923], [-1.4561947592627202,
    0.049936851262929904]], [[0.6552291433790957, 0.46102631483113254], [0.41185279093046573, 1.4904893578288594],
    [0.882620046655272, 1.5614261954341162]]], [[[-0.4807711673563432, -0.39863309042975426],
    [-0.5597197228032291, -1.0231189358934638], [0.4013352362478382, 0.2824199994258956]], [[0.6666646521635244,
    0.21096688202815853], [-0.22145700701337348, -0.7391081461710616], [-0.581698034807059,
    -0.7372080483406959]]]]
)
GROUPS = np.array(
    [[[[-0.75, 1.0], [0.75, -0.75], [1.0, 1.0], [-0.5, -0.25], [-0.75, -0.75], [0.0, 0.25], [-0.75, -0.75], [0.5,
    0.75]], [[0.75, -0.75], [0.0, -0.25], [-0.5, -0.25], [-0.5, -0.75], [0.0, 0.25], [0.75, 0.5], [0.5, 0.75],
    [0.25, 0.0]], [[0.25, 0.0], [-0.75, -0.75], [-0.25, -0.5], [1.0, 1.0], [-0.75, 0.75], [1.0, -0.75], [0.5,
    0.25], [-0.75, -0.75]], [[-0.75, -0.75], [0.5, 0.75], [1.0, 1.0], [-0.75, -0.5], [1.0, -0.75], [-0.25, 0.0],
    [-0.75, -0.75], [0.25, 0.5]]], [[[1.0, 1.0], [-0.75, -0.5], [1.0, -0.75], [-0.25, 0.0], [-0.75, -0.75], [0.25,
    0.5], [-0.75, 1.0], [0.75, -0.75]], [[-0.75, -0.5], [-0.25, -0.5], [-0.25, 0.0], [-0.75, 0.75], [0.25, 0.5],
    [0.5, 0.25], [0.75, -0.75], [0.0, -0.25]], [[0.0, -0.25], [-0.75, 1.0], [-0.5, -0.75], [1.0, 1.0], [0.75,
    0.5], [-0.75, -0.75], [0.25, 0.0], [-0.75, -0.75]], [[-0.75, 1.0], [0.75, -0.75], [1.0, 1.0], [-0.5, -0.25],
    [-0.75, -0.75], [0.0, 0.25], [-0.75, -0.75], [0.5, 0.75]]]]
)
GROUPS_GX = np.array(
    [[[[-4.5, 1.5, 5.0, -2.5], [4.0, -3.0, 3.0, -3.5], [-1.5, 3.0, -2.5, 2.5], [-3.5, 2.0, -4.5, 1.5]], [[-4.0,
    3.5, -4.5, 3.0], [5.5, -4.5, 5.0, -5.0], [4.5, -5.5, -3.0, 4.5], [-3.5, 4.0, -4.0, 3.5]]], [[[5.0, -2.5, 4.0,
    -3.0], [3.0, -3.5, -1.5, 3.0], [-2.5, 2.5, -3.5, 2.0], [-4.5, 1.5, 5.0, -2.5]], [[-4.5, 3.0, 5.5, -4.5], [5.0,
    -5.0, 4.5, -5.5], [-3.0, 4.5, -3.5, 4.0], [-4.0, 3.5, -4.5, 3.0]]]]
)
GROUPS_GK = np.array(
    [[[[-9.25, 3.875], [13.125, -11.0]]], [[[-3.875, 7.125], [-9.25, 3.875]]], [[[12.375, -10.875], [-3.75,
    7.125]]], [[[-8.625, 3.75], [12.375, -10.875]]]]
)
BGC = np.array(
    [[[[4.5, -0.5], [-2.5, 4.5]], [[2.0, -2.0], [2.0, 2.0]]], [[[-0.5, -1.5], [4.5, -0.5]], [[-2.0, -2.0], [2.0,
    -2.0]]]]
)
BGC_GK = np.array([[[[-48.0, -12.0], [44.0, -48.0]]], [[[-8.0, 40.0], [-24.0, -8.0]]]])
CONVT = np.array(
    [[[[0.25, -0.5], [-0.75, -0.5], [0.5, -0.625], [0.0, 0.625], [-0.375, 1.0], [-0.125, -0.875]], [[-0.75, -0.5],
    [0.25, -0.5], [-0.75, 0.125], [0.25, -0.125], [-0.125, -0.25], [-0.625, 1.125]], [[-0.375, -0.375], [0.625,
    -0.875], [0.125, -0.875], [-0.5, 0.5], [0.125, 0.625], [0.125, 0.125]], [[1.375, -0.375], [-0.625, 0.125],
    [0.875, -0.5], [0.25, -0.375], [-0.25, 0.875], [0.25, 0.0]], [[-0.375, 0.0], [1.375, 0.25], [-0.75, 0.75],
    [-0.625, -1.0], [0.125, 0.5], [0.0, 1.25]], [[0.0, 0.625], [0.25, -0.125], [-0.125, -0.25], [-0.625, 1.125],
    [-0.375, -0.625], [0.25, -0.25]]]]
)
PATCHES = np.array(
    [[[[-0.75, 0.0, 0.75], [0.5, -0.5, 0.25], [0.0, 0.75, -0.25]], [[0.0, 0.75, -0.25], [-0.5, 0.25, -0.75],
    [0.75, -0.25, 0.5]], [[0.5, -0.5, 0.25], [0.0, 0.75, -0.25], [-0.5, 0.25, -0.75]], [[-0.5, 0.25, -0.75],
    [0.75, -0.25, 0.5], [0.25, -0.75, 0.0]], [[-0.5, 0.25, -0.75], [0.75, -0.25, 0.5], [0.25, -0.75, 0.0]],
    [[0.25, -0.75, 0.0], [-0.25, 0.5, -0.5], [-0.75, 0.0, 0.75]], [[0.75, -0.25, 0.5], [0.25, -0.75, 0.0], [-0.25,
    0.5, -0.5]], [[-0.25, 0.5, -0.5], [-0.75, 0.0, 0.75], [0.5, -0.5, 0.25]]]]
)
MAX_TIES = np.array([[3.0, 3.0, 3.0, 3.0], [3.0, 3.0, 3.0, 3.0], [0.0, 0.0, 0.0, 0.0]])
MAX_TIES_G = np.array([[0.0, 3.0, 3.0, 0.0], [5.0, 0.0, 13.0, 12.0], [9.0, 10.0, 11.0, 12.0]])
MIN_TIES_G = np.array([[1.0, 0.0, 0.0, 0.0], [0.0, 2.0, 0.0, 0.0], [5.0, 6.0, 0.0, 0.0]])
SUM = np.array([[1.0, 2.0, 3.0, 4.0], [6.0, 8.0, 10.0, 12.0], [14.0, 16.0, 18.0, 20.0]])
SUM_G = np.array([[14.0, 20.0, 26.0, 32.0], [40.0, 48.0, 56.0, 64.0], [28.0, 32.0, 36.0, 40.0]])
MUL = np.array([[2.0, 6.0, 12.0, 4.0], [30.0, 42.0, 56.0, 8.0], [90.0, 110.0, 132.0, 12.0]])
ADD_INIT = np.array([[15.5, 19.5, 23.5, 13.5], [31.5, 35.5, 39.5, 21.5], [20.5, 22.5, 24.5, 13.5]])
ASCAN = np.array([-1.375, -5.75, -4.375, 4.375, 1.25])
ASCAN_G = np.array([90.5625, 109.453125, -222.46875, 65.9375, 4.125])
SOFTMAX_G = np.array([-0.5169055552462746, -0.01589096753683665, 0.28206705405433097, 0.2507294687287802])
GATHER_G = np.array([144.0, 56.0, 192.0, 144.0])
PPERM_G = np.array([1.0, 9.0, 8.0, 9.0])
NESTED = np.array([[18.0, 128.0, 238.0], [327.0, 437.0, 547.0]])
CLS = np.array([0.6762589928057553, -1.1366906474820142, 0.7338129496402879])
CLS_GA = np.array(
    [[-0.43233533870589974, 0.726691313995023, -0.46912983561704025], [1.0728580636344913, -1.8033146175984003,
    1.1641651328799802], [-1.0326766380488073, 1.7357756256565058, -1.12056401149977]]
)
CLS_GB = np.array([0.6393043838310646, -1.586460328140365, 1.5270431137104705])
ROOT_G = np.array([2.121320343559642, 2.5980762113533165, 3.354101966249685])
ROOT_H = np.array(
    [[-0.08838834764831846, -0.0, -0.0], [-0.0, -0.0481125224324688, -0.0], [-0.0, -0.0, -0.02236067977499789]]
)
# fmt: on

X = (np.arange(2 * 4 * 4 * 3) % 7 - 3.0).reshape(2, 4, 4, 3) / 4  # NHWC
K1 = (np.arange(2 * 2 * 3 * 2) % 5 - 2.0).reshape(2, 2, 3, 2) / 3  # HWIO
XC = X.transpose(0, 3, 1, 2)[:, :2]  # NCHW, two features
KG = (np.arange(4 * 1 * 2 * 2) % 3 - 1.0).reshape(4, 1, 2, 2)
XB = (np.arange(4 * 1 * 3 * 3) % 4 - 1.5).reshape(4, 1, 3, 3)
KB = (np.arange(2 * 1 * 2 * 2) % 3 - 1.0).reshape(2, 1, 2, 2)
KT = (np.arange(3 * 3 * 2 * 3) % 4 - 1.0).reshape(3, 3, 2, 3) / 2
T = np.array([[1.0, 3, 3, 2], [3, 1, 3, 3], [0, 0, 0, 0]])
WT = np.arange(1.0, 13.0).reshape(3, 4)
V = np.array([3.0, 1.0, 3.0, 2.0])


def close(a, b):
    np.testing.assert_allclose(np.asarray(a), b, rtol=1e-12, atol=1e-12)


def _conv(x, k):
    return L.conv_general_dilated(x, k, (2, 1), ((1, 0), (0, 1)), (1, 1), (1, 2), ("NHWC", "HWIO", "NHWC"))


def _groups(x, k):
    return L.conv_general_dilated(x, k, (1, 2), ((1, 1), (0, 1)), (2, 1), None, feature_group_count=2)


def test_conv_nhwc_strides_padding_dilation_and_both_gradients():
    out = _conv(X, K1)
    close(out, CONV)
    w = np.cos(np.arange(out.size)).reshape(out.shape)
    gx, gk = ft.grad(lambda x, k: jnp.sum(_conv(x, k) * w), (0, 1))(X, K1)
    close(gx, CONV_GX)
    close(gk, CONV_GK)
    close(ft.jit(_conv)(X, K1), CONV)


def test_conv_feature_groups_and_lhs_dilation():
    close(_groups(XC, KG), GROUPS)
    gx, gk = ft.grad(lambda x, k: jnp.sum(_groups(x, k) ** 2), (0, 1))(XC, KG)
    close(gx, GROUPS_GX)
    close(gk, GROUPS_GK)


def test_conv_batch_groups():
    h = lambda x, k: L.conv_general_dilated(x, k, (1, 1), "VALID", batch_group_count=2)  # noqa: E731
    close(h(XB, KB), BGC)
    close(ft.grad(lambda k: jnp.sum(h(XB, k) ** 2))(KB), BGC_GK)


def test_conv_transpose_and_patches():
    close(L.conv_transpose(X[:1, :3, :3], KT, (2, 2), "SAME", transpose_kernel=True), CONVT)
    close(L.conv_general_dilated_patches(XC[:1], (2, 2), (1, 1), "VALID"), PATCHES)


def test_conv_vmap_over_both_operands_matches_a_loop():
    xs, ks = np.stack([XC, 2 * XC]), np.stack([KG, KG - 1])
    got = ft.vmap(_groups)(xs, ks)
    close(got, np.stack([_groups(XC, KG), _groups(2 * XC, KG - 1)]))


def test_conv_dimension_numbers_and_errors():
    dn = L.conv_dimension_numbers((2, 5, 6, 3), (3, 2, 3, 4), ("NHWC", "HWIO", "NHWC"))
    assert dn == L.ConvDimensionNumbers((0, 3, 1, 2), (3, 2, 0, 1), (0, 3, 1, 2))
    assert L.padtype_to_pads((5, 6, 7), (2, 3, 4), (2, 1, 3), "SAME_LOWER") == [(1, 0), (1, 1), (2, 1)]
    with pytest.raises(TypeError):  # dtypes differ
        L.conv(XC, KG[:, :1].astype(np.float32).repeat(2, 1), (1, 1), "SAME")
    with pytest.raises(ValueError):  # feature_group_count does not divide the features
        L.conv_general_dilated(XC, KG, (1, 1), "SAME", feature_group_count=3)
    with pytest.raises(ValueError):  # string padding with lhs dilation
        L.conv_general_dilated(XC, KG.repeat(2, 1), (1, 1), "SAME", lhs_dilation=(2, 1))
    with pytest.raises(TypeError):  # bad layout string
        L.conv_general_dilated(X, K1, (1, 1), "SAME", dimension_numbers=("NHWC", "HWXO", "NHWC"))
    with pytest.raises(ValueError):  # negative padding larger than the input
        L.conv(XC, KG.repeat(2, 1), (1, 1), ((-7, 0), (0, 0)))


def test_reduce_window_max_min_gradients_go_to_the_first_extremal_element():
    rw = lambda x: L.reduce_window(x, -np.inf, L.max, (2, 2), (1, 1), "SAME")  # noqa: E731
    close(rw(T), MAX_TIES)
    close(ft.grad(lambda x: jnp.sum(rw(x) * WT))(T), MAX_TIES_G)
    close(ft.jacfwd(lambda x: jnp.sum(rw(x) * WT))(T), MAX_TIES_G)
    rwmin = lambda x: L.reduce_window(x, np.inf, L.min, (2, 3), (1, 1), "VALID")  # noqa: E731
    close(ft.grad(lambda x: jnp.sum(rwmin(x) * WT[:2, :2]))(T), MIN_TIES_G)


def test_reduce_window_sum_mul_and_other_inits():
    s = lambda x: L.reduce_window(x, 0.0, L.add, (2, 2), (1, 2), ((1, 0), (0, 1)), (1, 2), (1, 1))  # noqa: E731
    close(s(WT), SUM)
    close(ft.grad(lambda x: jnp.sum(s(x) ** 2))(WT), SUM_G)
    close(L.reduce_window(WT, 1.0, L.mul, (1, 2), (1, 1), "SAME"), MUL)
    # padding takes no part in the reduction: the init value is counted once per window
    close(L.reduce_window(WT, 1.5, L.add, (2, 2), (1, 1), "SAME"), ADD_INIT)


def test_associative_scan_pytree_reverse_and_gradient():
    a = np.array([0.5, 2.0, -1.0, 1.5, 0.25])
    fn = lambda p, q: (p[0] * q[0], p[1] * q[0] + q[1])  # noqa: E731
    close(L.associative_scan(fn, (a, a + 1), reverse=True)[1], ASCAN)
    close(ft.grad(lambda v: jnp.sum(L.associative_scan(fn, (v, v + 1))[1] ** 2))(a), ASCAN_G)
    with pytest.raises(TypeError):  # as JAX: reverse with a negative axis
        L.associative_scan(L.add, a, reverse=True, axis=-1)


def test_collectives_under_named_vmap():
    sm = lambda u: jnp.exp(u) / L.psum(jnp.exp(u), "i")  # noqa: E731
    close(ft.grad(lambda v: jnp.sum(ft.vmap(sm, axis_name="i")(v) * np.arange(4.0)))(V), SOFTMAX_G)
    ag = lambda u: L.all_gather(u * u, "i")  # noqa: E731
    w = np.arange(16.0).reshape(4, 4)
    close(ft.grad(lambda v: jnp.sum(ft.vmap(ag, axis_name="i")(v) * w))(V), GATHER_G)
    pp = lambda u: L.ppermute(u, "i", [(0, 1), (1, 2), (2, 3), (3, 0)]) * u  # noqa: E731
    close(ft.grad(lambda v: jnp.sum(ft.vmap(pp, axis_name="i")(v) * np.arange(4.0)))(V), PPERM_G)
    nested = lambda u: L.psum(u, "j") + 10 * L.pmean(u, "i") + 100 * L.axis_index(("i", "j"))  # noqa: E731
    m = np.arange(6.0).reshape(2, 3)
    close(ft.vmap(ft.vmap(nested, axis_name="j"), axis_name="i")(m), NESTED)
    close(ft.vmap(ft.jit(sm), axis_name="i")(V), ft.vmap(sm, axis_name="i")(V))  # jit inside the named vmap
    idx = ft.vmap(lambda u: L.axis_index("i"), axis_name="i")(V)
    assert idx.dtype == np.int32 and idx.tolist() == [0, 1, 2, 3]
    assert ft.vmap(lambda u: L.psum(np.int32(2), "i"), axis_name="i")(V).dtype == np.int32


def test_collective_errors_as_jax():
    with pytest.raises(NameError, match="unbound axis name"):
        L.psum(1.0, "i")
    with pytest.raises(NameError):
        ft.vmap(lambda u: L.axis_index("j"), axis_name="i")(V)
    with pytest.raises(NotImplementedError):  # pmax has no derivative rule in JAX
        ft.grad(lambda v: jnp.sum(ft.vmap(lambda u: L.pmax(u, "i"), axis_name="i")(v)))(V)
    np.testing.assert_array_equal(ft.vmap(lambda u: L.pmax(u, "i"), axis_name="i")(V), [3.0] * 4)


A = np.array([[4.0, 1.5, 0], [1, 3, 1], [0.25, 1, 2]])
B = np.array([1.0, -2.0, 0.5])


def _cls(a, b):
    return L.custom_linear_solve(lambda x: a @ x, b, lambda m, y: jnp.linalg.solve(a, y),
                                 lambda m, y: jnp.linalg.solve(a.T, y))


def test_custom_linear_solve_value_and_implicit_gradients():
    close(_cls(A, B), CLS)
    ga, gb = ft.grad(lambda a, b: jnp.sum(_cls(a, b) ** 2), (0, 1))(A, B)
    close(ga, CLS_GA)
    close(gb, CLS_GB)
    close(ft.jit(ft.grad(lambda a, b: jnp.sum(_cls(a, b) ** 2), 1))(A, B), CLS_GB)
    got = ft.vmap(ft.grad(lambda a, b: jnp.sum(_cls(a, b) ** 2)))(np.stack([A, A.T]), np.stack([B, 2 * B]))
    close(got[0], CLS_GA)
    no_t = lambda b: L.custom_linear_solve(lambda x: A @ x, b, lambda m, y: jnp.linalg.solve(A, y))  # noqa: E731
    close(ft.jvp(no_t, (B,), (B,))[1], CLS)  # forward mode needs no transpose_solve
    with pytest.raises(TypeError, match="transpose_solve"):
        ft.grad(lambda b: jnp.sum(no_t(b)))(B)


def _sqrt(c):
    def solve(f, x0):
        x = x0
        for _ in range(25):
            x = x - f(x) / (2 * x)
        return x

    return L.custom_root(lambda x: x**2 - c, 1.0 + 0 * c, solve, lambda g, y: y / g(jnp.ones_like(y)))


def test_custom_root_implicit_derivatives():
    c = np.array([2.0, 3.0, 5.0])
    close(_sqrt(c), np.sqrt(c))
    close(ft.grad(lambda v: jnp.sum(_sqrt(v) ** 3))(c), ROOT_G)
    close(ft.hessian(lambda v: jnp.sum(_sqrt(v)))(c), ROOT_H)
    close(ft.vmap(_sqrt)(np.stack([c, 4 * c])), np.sqrt(np.stack([c, 4 * c])))


def test_collectives_inside_custom_jvp_scan_and_cond_under_named_vmap():
    # the batching rules of higher-order primitives vmap their programs over the same named axis
    @ft.custom_jvp
    def f(x):
        return x * L.psum(x, "i")

    f.defjvp(lambda p, t: (f(p[0]), 2 * t[0] * L.psum(p[0], "i")))
    g = ft.grad(lambda x: jnp.sum(ft.vmap(f, axis_name="i")(x) ** 2))
    close(g(V), [972.0, 324.0, 972.0, 648.0])  # JAX's values
    sc = ft.vmap(lambda u: L.scan(lambda c, _: (c + L.psum(u, "i"), c), 0.0, None, length=3)[1], axis_name="i")
    close(sc(V), [[0.0, 9.0, 18.0]] * 4)
    cd = ft.vmap(lambda u: L.cond(u > 1.5, lambda v: L.psum(v, "i"), lambda v: -v, u), axis_name="i")
    close(cd(V), [9.0, -1.0, 9.0, 9.0])
