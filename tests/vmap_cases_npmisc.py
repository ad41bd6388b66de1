"""The vmap sweep cases (tests/test_vmap.py) of the npmisc names: array-API aliases, bitwise
and extra elementwise functions, index/construction helpers, vectorize and friends.

``npmisc_cases(A)`` takes test_vmap's argument-spec class; ``NPMISC_NOT_SWEPT`` lists the
functions with no array operand to batch (dtype introspection, windows, I/O constructors).
"""

import numpy as np

import functrans.numpy as fnp

NPMISC_NOT_SWEPT = {
    "result_type", "promote_types", "isdtype", "isscalar", "broadcast_shapes",  # static answers
    "bartlett", "blackman", "hamming", "hanning", "mask_indices",  # constants from sizes
    "frombuffer", "fromstring", "fromiter", "fromfile", "load", "from_dlpack",  # I/O constructors
}  # fmt: skip


def npmisc_cases(A):
    v, m, m3 = (3,), (2, 3), (2, 3, 4)
    cases = [
        (name, getattr(fnp, name), [A(m, kind)])
        for name, kind in [
            ("acos", "unit"), ("asin", "unit"), ("atan", "normal"), ("asinh", "normal"),
            ("atanh", "unit"), ("i0", "normal"), ("matrix_transpose", "normal"), ("bitwise_count", "int"),
            ("invert", "int"), ("bitwise_not", "int"), ("bitwise_invert", "int"), ("sort_complex", "normal"),
            ("unwrap", "normal"), ("trapezoid", "normal"), ("spacing", "int"),
        ]
    ]  # fmt: skip
    cases += [
        (name, getattr(fnp, name), [A(m, k1), A(v, k2)])
        for name, k1, k2 in [
            ("atan2", "normal", "nz"), ("pow", "pos", "normal"), ("bitwise_and", "int", "int"),
            ("bitwise_or", "int", "int"), ("bitwise_xor", "int", "int"), ("left_shift", "int", "int"),
            ("right_shift", "int", "int"), ("bitwise_left_shift", "int", "int"),
            ("bitwise_right_shift", "int", "int"), ("gcd", "int", "int"), ("lcm", "int", "int"),
            ("nextafter", "int", "int"), ("vecdot", "normal", "normal"), ("matvec", "normal", "normal"),
        ]
    ]  # fmt: skip
    cases += [
        ("acos/f32", lambda x: fnp.acos(x / 8), [A(v, "f32")]),
        ("acosh/shifted", lambda x: fnp.acosh(x + 1.0), [A(m, "pos")]),
        ("bitwise_and/bool", fnp.bitwise_and, [A(m, "bool"), A(v, "bool")]),
        ("left_shift/i32", fnp.left_shift, [A(m, "i32"), A(v, "i32")]),
        ("ldexp/int_exp", fnp.ldexp, [A(m), A(v, "int")]),
        ("frexp/mantissa", lambda x: fnp.frexp(x)[0], [A(m)]),
        ("frexp/exponent", lambda x: fnp.frexp(x)[1], [A(m)]),
        ("modf/frac", lambda x: fnp.modf(3 * x)[0], [A(m)]),
        ("modf/whole", lambda x: fnp.modf(3 * x)[1], [A(m)]),
        ("vecmat/conj", fnp.vecmat, [A(v), A((3, 4))]),
        ("vecdot/complex", fnp.vecdot, [A(m, "complex"), A(v, "complex")]),
        ("concat/axis1", lambda x, y: fnp.concat([x, y], axis=1), [A(m), A(m)]),
        ("permute_dims/3d", lambda x: fnp.permute_dims(x, (2, 0, 1)), [A(m3)]),
        ("unstack/axis1", lambda x: fnp.stack(fnp.unstack(x, axis=1), axis=-1) * 2, [A(m3)]),
        ("cumulative_prod/axis1", lambda x: fnp.cumulative_prod(x, axis=1, include_initial=True), [A(m)]),
        ("trapezoid/x", lambda y, x: fnp.trapezoid(y, x), [A(m), A(v)]),
        ("unwrap/period", lambda p: fnp.unwrap(3 * p, period=2.0, axis=0), [A(m)]),
        ("ix_/two", lambda a, b: fnp.ix_(a, b)[0] + fnp.ix_(a, b)[1], [A(v), A((2,))]),
        ("choose/clip", lambda a, b: fnp.choose(np.array([0, 1, 3]), [a, b], mode="clip"), [A(v), A(v)]),
        ("choose/batched_index", lambda i, a: fnp.choose(i, [a, -a], mode="wrap"), [A(v, "int"), A(v)]),
        ("block/2x2", lambda a, b: fnp.block([[a, b], [b, a]]), [A(m), A(m)]),
        (
            "put_along_axis/axis1",
            lambda a, v_: fnp.put_along_axis(a, np.array([[0], [2]]), v_, axis=1, inplace=False),
            [A(m), A((2, 1))],
        ),
        ("place/mask", lambda a, v_: fnp.place(a, a > 0, v_, inplace=False), [A(m), A(v)]),
        ("kaiser/beta", lambda b: fnp.kaiser(5, b), [A((), "pos")]),
        (
            "vectorize/signature",
            lambda a, b: fnp.vectorize(lambda x, y: x @ y, signature="(n,m),(m)->(n)")(a, b),
            [A(m3), A((4,))],
        ),
        ("vectorize/scalar", lambda a, b: fnp.vectorize(lambda x, y: fnp.sin(x) * y)(a, b), [A(m), A(v)]),
        ("apply_along_axis/sum", lambda a: fnp.apply_along_axis(lambda t: fnp.sum(t**2), 1, a), [A(m3)]),
        ("apply_over_axes/sum", lambda a: fnp.apply_over_axes(fnp.sum, a, [0, 2]), [A(m3)]),
        ("fromfunction/closure", lambda a: fnp.fromfunction(lambda i, j: i * a[0] + j * a[1], (2, 3)), [A(v)]),
    ]
    return cases
