"""JAX parity of the npmisc names of functrans.numpy (array-API aliases, bitwise and extra
elementwise functions, dtype promotion, index/construction helpers, vectorize & co).

The constants were computed with jax 0.10.2 (x64) by the reference runs behind
tools/jax_diff_npmisc.py; jax is not a test dependency.
"""

import io

import numpy as np
import pytest

import functrans
import functrans.numpy as fnp

nan, inf = np.nan, np.inf
DTS = [
    "bool",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "float16",
    "float32",
    "float64",
    "complex64",
    "complex128",
]
WEAK = {"int": int, "float": float, "complex": complex}
KEYS = DTS + list(WEAK)

FREXP = ([0.0, -0.0, 0.75, -0.75, inf, -inf, nan, 0.7466108948025751, 0.8], [0, 0, 1, 2, 0, 0, 0, 997, -3])
MODF = ([0.0, 0.0, 0.5, 0.0, nan, nan, nan, 0.0, 0.1], [0.0, -0.0, 1.0, -3.0, inf, -inf, nan, 1e300, 0.0])
SPACING = [
    5e-324,
    -5e-324,
    2.220446049250313e-16,
    -4.440892098500626e-16,
    nan,
    nan,
    nan,
    1.487016908477783e284,
    1.3877787807814457e-17,
]
NEXTAFTER = [
    0.0,
    0.0,
    1.4999999999999998,
    -2.9999999999999996,
    1.7976931348623157e308,
    -1.7976931348623157e308,
    nan,
    9.999999999999999e299,
    0.09999999999999999,
]
I0 = [
    1.0226268793515967,
    1.2660658777520084,
    3.289839144050123,
    2354970.223168293,
    5774560606.4663105,
    781672297823.9774,
]
I0P = [
    0.15169384000359273,
    0.5651591039924851,
    -2.516716245288698,
    2284621.5838080794,
    5657865129.878702,
    768532038938.9569,
]
I0PP = [
    0.5169807460062874,
    0.7009067737595233,
    2.2831526459346443,
    2220580.7182384063,
    5548246001.271162,
    756054563192.6787,
]
UNWRAP = (
    [0.0, 3.0, 0.21681469282041377, 0.2, 2.7831853071795862, 2.7168146928204138, 2.0],
    [0.0, -1.0, -1.5, 0.2, 0.5, 1.0, 2.0],
    [0, -1, -2, -4],
)
TRAP = [7.5, 1.75]
KAISER = (
    [
        7.726866835270368e-06,
        0.06815374319396043,
        0.7615093990873935,
        0.7615093990873935,
        0.06815374319396043,
        7.726866835270368e-06,
    ],
    -0.8395289682525358,
)
BARTLETT = [0.0, 0.5, 1.0, 0.5, 0.0]
BLACKMAN = [
    -1.3877787807814457e-17,
    0.3399999999999999,
    0.9999999999999999,
    0.3400000000000001,
    -1.3877787807814457e-17,
]
HAMMING = [0.08000000000000002, 0.54, 1.0, 0.5400000000000001, 0.08000000000000002]
HANNING = [0.0, 0.49999999999999994, 1.0, 0.5000000000000001, 0.0]
SHIFTS = ([-12, -6, -4, 0, 0, 0, 0], [-12, -2, -1, 0, 0, 0, 0])
COUNT = [2, 2, 1, 0, 2, 3, 2]
GCD = ([4, 1, 1, 0, 5, 1, 3], [24, 6, 0, 0, 5, 42, 18])
VECDOT = 2 - 5j
VECMAT = [(3 - 3j), (4 - 5j), (5 - 7j)]
PALA = ([[1.0, -1.0, 0.0], [2.0, 2.0, 9.0]], [[1.0, -1.0, 9.0], [2.0, 2.0, 9.0]])
PALA_GRAD = [[[0.0, -2.0, 0.0], [4.0, 4.0, 0.0]], [[2.0], [4.0]]]
PLACE = [[10.0, -1.0, 0.0], [20.0, 10.0, -3.0]]
CHOOSE = ([0.0, 11.0, 12.0], [0.0, 11.0, 2.0])
MGRID = [[[0.0, 0.0, 0.0], [1.0, 1.0, 1.0]], [[0.0, 0.5, 1.0], [0.0, 0.5, 1.0]]]
APPLY_OVER = [[[60.0], [92.0], [124.0]]]
RT = ["float32", "int8", "float64", "int64", "complex64", "int16", "float64", "float64"]

# jnp.promote_types(row, column) for every pair of KEYS (NumPy's short codes: b1 bool, i4 int32, u8 uint64,
# f2 float16, c8 complex64, ...)
_CODES = {"b1": "bool", "i1": "int8", "i2": "int16", "i4": "int32", "i8": "int64", "u1": "uint8",
          "u2": "uint16", "u4": "uint32", "u8": "uint64", "f2": "float16", "f4": "float32", "f8": "float64",
          "c8": "complex64", "c16": "complex128"}  # fmt: skip
_TABLE = """
bool       b1 i1 i2 i4 i8 u1 u2 u4 u8 f2 f4 f8 c8 c16 i8 f8 c16
int8       i1 i1 i2 i4 i8 i2 i4 i8 f8 f2 f4 f8 c8 c16 i1 f8 c16
int16      i2 i2 i2 i4 i8 i2 i4 i8 f8 f2 f4 f8 c8 c16 i2 f8 c16
int32      i4 i4 i4 i4 i8 i4 i4 i8 f8 f2 f4 f8 c8 c16 i4 f8 c16
int64      i8 i8 i8 i8 i8 i8 i8 i8 f8 f2 f4 f8 c8 c16 i8 f8 c16
uint8      u1 i2 i2 i4 i8 u1 u2 u4 u8 f2 f4 f8 c8 c16 u1 f8 c16
uint16     u2 i4 i4 i4 i8 u2 u2 u4 u8 f2 f4 f8 c8 c16 u2 f8 c16
uint32     u4 i8 i8 i8 i8 u4 u4 u4 u8 f2 f4 f8 c8 c16 u4 f8 c16
uint64     u8 f8 f8 f8 f8 u8 u8 u8 u8 f2 f4 f8 c8 c16 u8 f8 c16
float16    f2 f2 f2 f2 f2 f2 f2 f2 f2 f2 f4 f8 c8 c16 f2 f2 c8
float32    f4 f4 f4 f4 f4 f4 f4 f4 f4 f4 f4 f8 c8 c16 f4 f4 c8
float64    f8 f8 f8 f8 f8 f8 f8 f8 f8 f8 f8 f8 c16 c16 f8 f8 c16
complex64  c8 c8 c8 c8 c8 c8 c8 c8 c8 c8 c8 c16 c8 c16 c8 c8 c8
complex128 c16 c16 c16 c16 c16 c16 c16 c16 c16 c16 c16 c16 c16 c16 c16 c16 c16
int        i8 i1 i2 i4 i8 u1 u2 u4 u8 f2 f4 f8 c8 c16 i8 f8 c16
float      f8 f8 f8 f8 f8 f8 f8 f8 f8 f2 f4 f8 c8 c16 f8 f8 c16
complex    c16 c16 c16 c16 c16 c16 c16 c16 c16 c8 c8 c16 c8 c16 c16 c16 c16
"""
PROMOTE = {r.split()[0]: [_CODES[c] for c in r.split()[1:]] for r in _TABLE.strip().splitlines()}


def _t(k):
    return WEAK.get(k, k)


@pytest.mark.parametrize("a", KEYS)
def test_promote_types_is_jax_lattice(a):
    got = [str(fnp.promote_types(_t(a), _t(b))) for b in KEYS]
    assert got == PROMOTE[a]


def test_result_type_weak_scalars():
    args = [
        (2.0, np.float32),
        (2, np.int8),
        (2, 2.0),
        (True, 2),
        (1j, np.float32),
        (np.array([1, 2], np.int16), 5),
        (None,),
        (float,),
    ]
    assert [str(fnp.result_type(*a)) for a in args] == RT
    with pytest.raises(ValueError):
        fnp.result_type()


def test_result_type_of_traced_weak_values():
    def f(x):
        assert fnp.result_type(x, np.float32) == np.float32  # a float64 value, not weak
        return x

    functrans.jit(f)(np.float32(1.0))
    assert fnp.result_type(np.float32, 2.0) == np.float32


def test_isdtype_issubdtype_isscalar_broadcast_shapes():
    assert fnp.isdtype(np.float32, "real floating") and not fnp.isdtype(np.uint8, "signed integer")
    assert fnp.isdtype(np.complex64, ("real floating", "complex floating"))
    with pytest.raises(ValueError):
        fnp.isdtype(np.float32, "floats")
    assert fnp.issubdtype(np.float32, fnp.floating) and not fnp.issubdtype(np.int32, int)
    assert [fnp.isscalar(x) for x in (1, np.array(1.0), np.array([1.0]), "a", None, [1])] == [
        True,
        True,
        False,
        True,
        False,
        False,
    ]
    assert fnp.broadcast_shapes((2, 1), (3,)) == (2, 3) and fnp.broadcast_shapes(3, (2, 1)) == (2, 3)
    assert fnp.broadcast_shapes() == ()
    with pytest.raises(ValueError):
        fnp.broadcast_shapes((2,), (3,))


def test_scalar_types_and_unavailable_dtypes():
    assert fnp.float_ is np.float64 and fnp.int_ is np.int64 and fnp.uint is np.uint64 and fnp.bool is np.bool_
    assert fnp.csingle is np.complex64 and fnp.single is np.float32 and fnp.floating is np.floating
    assert fnp.euler_gamma == 0.5772156649015329
    with pytest.raises(AttributeError, match="ml_dtypes"):
        fnp.bfloat16  # noqa: B018


# --------------------------------------------------------------------------- bitwise, aliases

IV = np.array([-12, -3, -1, 0, 5, 7, 9])
J = np.array([8, 2, 0, 0, 5, -6, 6])


def test_shifts_out_of_range_follow_jax():
    s = np.array([0, 1, 2, 63, 64, 65, -3])
    left, right = SHIFTS
    np.testing.assert_array_equal(fnp.left_shift(IV, s), left)
    np.testing.assert_array_equal(fnp.right_shift(IV, s), right)
    np.testing.assert_array_equal(fnp.right_shift(np.array([1, 255], np.uint8), np.uint8(9)), [0, 0])


def test_bitwise_count_gcd_lcm():
    out = fnp.bitwise_count(IV)
    assert out.dtype == np.uint8
    np.testing.assert_array_equal(out, COUNT)
    np.testing.assert_array_equal(fnp.gcd(IV, J), GCD[0])
    np.testing.assert_array_equal(fnp.lcm(IV, J), GCD[1])
    with pytest.raises(ValueError):
        fnp.gcd(2.0, 4.0)
    with pytest.raises(TypeError):
        fnp.bitwise_and(1.0, 2.0)


def test_bitwise_has_zero_gradient_path():
    def f(x):
        k = fnp.floor(4 * x).astype(np.int64)
        return fnp.sum(fnp.where(fnp.bitwise_and(k, 1) == 1, x**2, x))

    np.testing.assert_allclose(functrans.grad(f)(np.array([0.3, 0.1])), [0.6, 1.0])


def test_vecdot_vecmat_conjugate_first():
    assert fnp.vecdot(np.array([1 + 2j, 3j]), np.array([1j, 2])) == VECDOT
    np.testing.assert_allclose(fnp.vecmat(np.arange(2.0) + 1j, np.arange(6.0).reshape(2, 3)), VECMAT)
    with pytest.raises(ValueError):
        fnp.vecmat(np.arange(3.0), np.ones((2, 3)))


def test_cumulative_prod_dtypes():
    assert fnp.cumulative_prod(np.array([1, 2], np.int8)).dtype == np.int8
    np.testing.assert_array_equal(fnp.cumulative_prod(np.array([True, False])), [1, 0])
    np.testing.assert_array_equal(fnp.cumulative_prod(np.array([1.0, 2.0, 3.0]), include_initial=True), [1, 1, 2, 6])
    with pytest.raises(ValueError):
        fnp.cumulative_prod(np.ones((2, 2)))


def test_matrix_transpose_and_unstack():
    with pytest.raises(ValueError):
        fnp.matrix_transpose(np.ones(3))
    parts = fnp.unstack(np.arange(6.0).reshape(2, 3), axis=1)
    assert isinstance(parts, tuple) and len(parts) == 3
    np.testing.assert_array_equal(parts[1], [1.0, 4.0])


# --------------------------------------------------------------------------- elementwise

X = np.array([0.0, -0.0, 1.5, -3.0, inf, -inf, nan, 1e300, 0.1])


def test_frexp_modf_spacing_nextafter_values():
    m, e = fnp.frexp(X)
    np.testing.assert_array_equal(m, FREXP[0])
    np.testing.assert_array_equal(e, FREXP[1])
    assert e.dtype == np.int32
    frac, whole = fnp.modf(X)
    np.testing.assert_array_equal(frac, MODF[0])
    np.testing.assert_array_equal(whole, MODF[1])
    assert not np.signbit(frac[3])  # JAX: -3.0 - trunc(-3.0) = +0.0
    np.testing.assert_array_equal(fnp.spacing(X), SPACING)
    np.testing.assert_array_equal(fnp.nextafter(X, 0.0), NEXTAFTER)
    assert fnp.nextafter(np.float32(1), 2.0).dtype == np.float32


def test_inexact_dtypes_follow_jax():
    for d in (np.int8, np.int32, np.uint16, np.bool_):
        x = np.ones(2, d)
        assert fnp.i0(x).dtype == np.float32
        assert fnp.modf(x)[0].dtype == np.float32
        assert fnp.trapezoid(x).dtype == np.float32
        assert fnp.sort_complex(x).dtype == np.complex64
    assert fnp.i0(np.ones(2, np.int64)).dtype == np.float64
    assert fnp.ldexp(np.float32(1.5), np.int64(3)).dtype == np.float32


def test_frexp_ldexp_modf_gradients():
    g = functrans.grad(lambda t: fnp.sum(fnp.frexp(t)[0]))(np.array([1.0, 3.0, 0.5]))
    np.testing.assert_array_equal(g, [0.5, 0.25, 1.0])
    np.testing.assert_array_equal(functrans.grad(lambda t: fnp.sum(fnp.ldexp(t, 3)))(np.array([1.0, 3.0])), [8, 8])
    g = functrans.grad(lambda t: fnp.sum(fnp.modf(t)[0] * 2 + fnp.modf(t)[1]))(np.array([1.5, -3.25]))
    np.testing.assert_array_equal(g, [2.0, 2.0])


def test_nextafter_and_spacing_gradients_raise_as_jax():
    with pytest.raises(NotImplementedError):
        functrans.grad(lambda t: fnp.nextafter(t, 3.0))(1.0)
    with pytest.raises(NotImplementedError):
        functrans.grad(lambda t: fnp.spacing(t))(1.0)


XS = np.array([0.3, 1.0, -2.5, 17.0, 25.0, 30.0])


def test_i0_values_and_derivatives():
    np.testing.assert_allclose(fnp.i0(XS), I0, rtol=1e-14)
    np.testing.assert_allclose(functrans.vmap(functrans.grad(fnp.i0))(XS), I0P, rtol=1e-13)
    np.testing.assert_allclose(functrans.vmap(functrans.grad(functrans.grad(fnp.i0)))(XS), I0PP, rtol=1e-13)
    # the exact second derivative at 0 is i1'(0) = 1/2 (JAX gives 0 there; see the harness)
    assert functrans.grad(functrans.grad(fnp.i0))(0.0) == 0.5
    with pytest.raises(ValueError):
        fnp.i0(np.array([1j]))


def test_unwrap_trapezoid_sort_complex():
    ph = np.array([0.0, 3.0, 6.5, 0.2, -3.5, 9.0, 2.0])
    np.testing.assert_allclose(fnp.unwrap(ph), UNWRAP[0], rtol=1e-15)
    np.testing.assert_allclose(fnp.unwrap(ph, period=4.0), UNWRAP[1], rtol=1e-15)
    out = fnp.unwrap(np.array([0, 5, 10, 2]), period=6)
    assert out.dtype == np.int64
    np.testing.assert_array_equal(out, UNWRAP[2])
    y = np.array([[1.0, 2.0, 4.0], [0.5, -1.0, 3.0]])
    np.testing.assert_allclose(fnp.trapezoid(y, np.array([0.0, 1.0, 3.0])), TRAP)
    np.testing.assert_array_equal(fnp.sort_complex(np.array([3 + 1j, 1 - 1j, 1 - 2j, 2])), [1 - 2j, 1 - 1j, 2, 3 + 1j])


# --------------------------------------------------------------------------- index / construction

M = np.array([[1.0, -1.0, 0.0], [2.0, 2.0, -3.0]])


def test_windows():
    np.testing.assert_allclose(fnp.kaiser(6, 14.0), KAISER[0], rtol=1e-13)
    np.testing.assert_allclose(functrans.grad(lambda b: fnp.sum(fnp.kaiser(5, b)))(2.0), KAISER[1], rtol=1e-13)
    for name, ref in [("bartlett", BARTLETT), ("blackman", BLACKMAN), ("hamming", HAMMING), ("hanning", HANNING)]:
        np.testing.assert_allclose(getattr(fnp, name)(5), ref, rtol=1e-15, atol=1e-16)
        assert getattr(fnp, name)(0).shape == (0,) and getattr(fnp, name)(1).tolist() == [1.0]


def test_put_along_axis_and_place():
    with pytest.raises(ValueError, match="inplace=False"):
        fnp.put_along_axis(M, np.array([[0]]), 1.0, axis=1)
    idx = np.array([[5], [-1]])
    np.testing.assert_array_equal(fnp.put_along_axis(M, idx, 9.0, axis=1, inplace=False), PALA[0])
    np.testing.assert_array_equal(fnp.put_along_axis(M, idx, 9.0, axis=1, inplace=False, mode="clip"), PALA[1])

    def loss(x, v):
        return fnp.sum(fnp.put_along_axis(x, np.array([[0], [2]]), v, axis=1, inplace=False) ** 2)

    gx, gv = functrans.grad(loss, argnums=(0, 1))(M, np.array([[1.0], [2.0]]))
    np.testing.assert_array_equal(gx, PALA_GRAD[0])
    np.testing.assert_array_equal(gv, PALA_GRAD[1])
    with pytest.raises(ValueError, match="inplace=False"):
        fnp.place(M, M > 0, 1.0)
    np.testing.assert_array_equal(fnp.place(M, M > 0, np.array([10.0, 20.0]), inplace=False), PLACE)
    with pytest.raises(ValueError):
        fnp.place(M, M > 0, np.array([]), inplace=False)


def test_choose_block_grids():
    choices = [np.arange(3.0), 10 + np.arange(3.0)]
    np.testing.assert_array_equal(fnp.choose(np.array([0, 5, -1]), choices, mode="wrap"), CHOOSE[0])
    np.testing.assert_array_equal(fnp.choose(np.array([0, 5, -1]), choices, mode="clip"), CHOOSE[1])
    with pytest.raises(ValueError):
        fnp.choose(np.array([0, 5, -1]), choices)
    with pytest.raises(ValueError):
        fnp.block((np.ones(2), np.ones(2)))
    with pytest.raises(ValueError):
        fnp.block([[np.ones(2)], np.ones(2)])
    out = fnp.block([[np.ones((2, 2)), np.zeros((2, 1))], [np.ones((1, 3))]])
    np.testing.assert_array_equal(out, [[1, 1, 0], [1, 1, 0], [1, 1, 1]])
    np.testing.assert_array_equal(fnp.mgrid[0:2, 0:1:3j], MGRID)
    o = fnp.ogrid[0:3, 0:2]
    assert isinstance(o, list) and o[0].shape == (3, 1) and o[1].shape == (1, 2)
    with pytest.raises(NotImplementedError):
        fnp.ix_(np.array([True, False]))
    a, b = fnp.ix_(np.array([0, 2]), np.array([1, 2, 3]))
    assert a.shape == (2, 1) and b.shape == (1, 3)
    r, c = fnp.mask_indices(3, fnp.triu, 1)
    np.testing.assert_array_equal(r, [0, 0, 1])
    np.testing.assert_array_equal(c, [1, 2, 2])


def test_vectorize_apply():
    f = fnp.vectorize(lambda a, b: a @ b, signature="(n,m),(m)->(n)")
    assert f(np.ones((4, 2, 3)), np.ones(3)).shape == (4, 2)
    with pytest.raises(ValueError, match="core dimension 'm'"):
        f(np.ones((2, 3)), np.ones(2))
    with pytest.raises(TypeError, match="wrong number of positional arguments"):
        f(np.ones((2, 3)))
    with pytest.raises(ValueError, match="does not match core dimensions"):
        fnp.vectorize(lambda a: a, signature="(n)->()")(np.ones(3))
    with pytest.raises(ValueError, match="not a valid gufunc signature"):
        fnp.vectorize(lambda a: a, signature="(n->()")(np.ones(3))
    with pytest.raises(NotImplementedError, match="excluded"):
        fnp.vectorize(lambda x, y=1.0: x * y)(np.ones(3), y=2.0)
    np.testing.assert_array_equal(fnp.vectorize(lambda a, n: a * n, excluded={1})(np.ones(3), 3), [3, 3, 3])
    assert fnp.vectorize(lambda a: fnp.sum(a), signature="(n)->()")(np.ones((1, 3))).shape == (1,)
    np.testing.assert_array_equal(fnp.apply_over_axes(fnp.sum, np.arange(24.0).reshape(2, 3, 4), [0, 2]), APPLY_OVER)
    out = fnp.apply_along_axis(lambda v: fnp.outer(v, v), 1, M)
    assert out.shape == (2, 3, 3)
    np.testing.assert_array_equal(fnp.fromfunction(lambda i, j: i + 2 * j, (2, 3)), [[0, 2, 4], [1, 3, 5]])


def test_io_pass_throughs():
    buf = io.BytesIO()
    fnp.save(buf, np.arange(3.0))
    out = fnp.load(io.BytesIO(buf.getvalue()))
    assert isinstance(out, functrans.Array) and out.tolist() == [0.0, 1.0, 2.0]
    assert fnp.frombuffer(b"\x01\x02\x03\x04", dtype=np.uint8, count=2, offset=1).tolist() == [2, 3]
    assert fnp.fromstring("1 2 3", sep=" ").tolist() == [1.0, 2.0, 3.0]
    assert fnp.from_dlpack(np.arange(3.0)).tolist() == [0.0, 1.0, 2.0]
    with pytest.raises(NotImplementedError):
        fnp.fromiter(range(3), dtype=float)
    with pytest.raises(NotImplementedError):
        fnp.fromfile("x")
