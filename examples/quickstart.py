"""A walk through Jacobians, the chain rule and backpropagation with functrans.

Each section computes a worked example with known answers and checks it:

1. The Jacobian of (f, g) = (3x^2 y, 2x + y^8), one row per function.
2. The Jacobian of an elementwise sigmoid is diagonal, with s(1 - s) on the diagonal.
3. The Jacobian of x -> A x is A.
4. The chain rule: J_{g o h}(x) = J_g(h(x)) J_h(x), an (m x p)(p x n) product, outer first.
5. A small network (3 inputs, 2 tanh units, scalar output): reverse mode is a chain of
   vector-Jacobian products that equals the product of the layer Jacobians and forward mode.
6. The IR: what the tracer records for a function and for its gradient.

Run:  python examples/quickstart.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import functrans  # noqa: E402
import functrans.numpy as fnp  # noqa: E402

np.set_printoptions(precision=4, suppress=True)


def section(title: str) -> None:
    print(f"\n=== {title}")


def check(name: str, got: np.ndarray, expected: np.ndarray) -> None:
    ok = np.allclose(got, expected, rtol=1e-10, atol=1e-12)
    print(f"  {name}: {'matches' if ok else 'DIFFERS from'} the closed form")
    if not ok:
        raise SystemExit(f"{name}: got\n{got}\nexpected\n{expected}")


def main() -> None:
    section("1. Jacobian of (f, g) = (3x^2 y, 2x + y^8) at (x, y) = (1, 2)")

    def fg(v):
        x, y = v[0], v[1]
        return fnp.stack([3 * x**2 * y, 2 * x + y**8])

    v = np.array([1.0, 2.0])
    J = functrans.jacfwd(fg)(v)
    print(J)
    check("jacfwd", J, np.array([[6 * 1 * 2, 3 * 1**2], [2, 8 * 2**7]]))
    check("jacrev", functrans.jacrev(fg)(v), J)

    section("2. Elementwise sigmoid: a diagonal Jacobian with s(1 - s)")
    theta = np.array([-2.0, 0.0, 1.0, 3.0])

    def sigmoid(t):
        return 1.0 / (1.0 + fnp.exp(-t))

    Js = functrans.jacrev(sigmoid)(theta)
    s = 1 / (1 + np.exp(-theta))
    print(Js)
    check("diagonal s(1-s)", Js, np.diag(s * (1 - s)))

    section("3. The Jacobian of x -> A x is A")
    rng = np.random.default_rng(0)
    A = rng.standard_normal((3, 4))
    check("jacfwd(A @ x)", functrans.jacfwd(lambda x: A @ x)(np.ones(4)), A)

    section("4. Chain rule: J_{g o h} = J_g(h(x)) J_h(x), shapes (m x p)(p x n)")
    n, p, m = 4, 3, 2
    W1, W2 = rng.standard_normal((p, n)), rng.standard_normal((m, p))
    h = lambda x: fnp.tanh(W1 @ x)  # noqa: E731
    g = lambda u: fnp.sin(W2 @ u)  # noqa: E731
    x = rng.standard_normal(n)
    Jh, Jg = functrans.jacfwd(h)(x), functrans.jacfwd(g)(h(x))
    Jgh = functrans.jacrev(lambda x: g(h(x)))(x)
    print(f"  J_g is {Jg.shape}, J_h is {Jh.shape}, J_(g o h) is {Jgh.shape}")
    check("J_(g o h) = J_g @ J_h", Jgh, Jg @ Jh)

    section("5. A 3-2-1 tanh network: backpropagation as vector-Jacobian products")
    V, b = rng.standard_normal((2, 3)), rng.standard_normal(2)
    w = rng.standard_normal(2)
    layer1 = lambda x: fnp.tanh(V @ x + b)  # noqa: E731
    layer2 = lambda z: fnp.dot(w, z)  # noqa: E731
    net = lambda x: layer2(layer1(x))  # noqa: E731
    x = np.array([0.5, -1.0, 2.0])
    J1 = functrans.jacfwd(layer1)(x)  # 2 x 3
    J2 = functrans.jacrev(layer2)(layer1(x))  # the 1 x 2 row of a scalar output
    print(f"  layer Jacobians: J1 {J1.shape}, J2 {J2.shape}; product J2 @ J1 = {J2 @ J1}")
    check("grad (reverse mode)", functrans.grad(net)(x), J2 @ J1)
    check("jacfwd (forward mode)", functrans.jacfwd(net)(x), J2 @ J1)
    _, vjp_fn = functrans.vjp(net, x)
    shapes = sorted({v.aval.shape for e in vjp_fn.linear_ir.eqns for v in e.outvars})
    print(f"  shapes of the values reverse mode computes: {shapes} (no 2x3 Jacobian is formed)")

    section("6. The IR of the network and of its gradient")
    print(functrans.make_ir(net)(x))
    print()
    print(functrans.make_ir(functrans.grad(net))(x))
    print("\nAll worked examples check out.")


if __name__ == "__main__":
    main()
