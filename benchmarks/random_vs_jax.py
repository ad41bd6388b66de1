"""How many of functrans.random's draws are bit-identical to jax.random's (needs jax).

For two seeds and 20000 draws per sampler (float64 and float32), prints how many values are
the very same float (or integer) as JAX's under ``jax_enable_x64``, and the largest relative
difference of the others.

Run:  python benchmarks/random_vs_jax.py
"""

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import functrans.random as fr  # noqa: E402

try:
    import jax
except ImportError:
    sys.exit("jax is not installed (pip install jax): nothing to compare with")
jax.config.update("jax_enable_x64", True)
import jax.random as jr  # noqa: E402

N = 20000
COV = np.array([[2.0, 0.5, 0.1], [0.5, 1.0, 0.2], [0.1, 0.2, 0.5]])
P = np.array([0.1, 0.2, 0.3, 0.4])
LAM = np.array([0.0, 0.5, 3.0, 9.9, 10.0, 50.0, 1000.0] * (N // 70))
ALPHA = np.array([0.01, 0.3, 1.0, 2.5, 10.0, 100.0] * (N // 30))
LOGITS = np.random.default_rng(0).normal(size=(N // 10, 10))


def float_cases(dt):
    return {
        "uniform": lambda m, k: m.uniform(k, (N,), dt, -2.0, 3.0),
        "normal": lambda m, k: m.normal(k, (N,), dt),
        "truncated_normal": lambda m, k: m.truncated_normal(k, -1.0, 2.0, (N,), dt),
        "exponential": lambda m, k: m.exponential(k, (N,), dt),
        "laplace": lambda m, k: m.laplace(k, (N,), dt),
        "logistic": lambda m, k: m.logistic(k, (N,), dt),
        "gumbel": lambda m, k: m.gumbel(k, (N,), dt),
        "cauchy": lambda m, k: m.cauchy(k, (N,), dt),
        "gamma": lambda m, k: m.gamma(k, ALPHA.astype(dt), dtype=dt),
        "loggamma": lambda m, k: m.loggamma(k, ALPHA.astype(dt), dtype=dt),
        "beta": lambda m, k: m.beta(k, 0.5, 2.0, (N // 10,), dt),
        "dirichlet": lambda m, k: m.dirichlet(k, np.array([0.5, 1.0, 3.0]), (N // 30,), dt),
        "multivariate_normal": lambda m, k: m.multivariate_normal(k, np.zeros(3, dt), COV.astype(dt), (N // 30,)),
        "t": lambda m, k: m.t(k, 4.0, (N,), dt),
        "chisquare": lambda m, k: m.chisquare(k, 4.0, (N,), dt),
    }


INT_CASES = {
    "bits": lambda m, k: m.bits(k, (N,)),
    "split": lambda m, k: m.split(k, N),
    "bernoulli": lambda m, k: m.bernoulli(k, 0.3, (N,)),
    "randint": lambda m, k: m.randint(k, (N,), -5, 17),
    "categorical": lambda m, k: m.categorical(k, LOGITS),
    "permutation": lambda m, k: m.permutation(k, N),
    "choice_p": lambda m, k: m.choice(k, 4, (N,), p=P),
    "poisson": lambda m, k: m.poisson(k, LAM),
    "geometric": lambda m, k: m.geometric(k, 0.3, (N,)),
}


def compare(name, a, b):
    a, b = np.asarray(a), np.asarray(b)
    assert a.shape == b.shape and a.dtype == b.dtype, (name, a.shape, b.shape, a.dtype, b.dtype)
    same = int((a == b).sum())
    line = f"{name:30s} {str(a.dtype):8s} {same:6d}/{a.size:<6d} identical"
    if a.dtype.kind == "f" and same < a.size:
        rel = np.abs(a - b) / np.maximum(np.abs(a), np.finfo(a.dtype).tiny)
        line += f"   max relative difference {float(np.nanmax(rel)):.1e}"
    print(line)


def main():
    for seed in (0, 42):
        kj, kf = jr.PRNGKey(seed), fr.PRNGKey(seed)
        for name, case in INT_CASES.items():
            compare(f"{name}[{seed}]", case(jr, kj), case(fr, kf))
        for dt in (np.float64, np.float32):
            for name, case in float_cases(dt).items():
                compare(f"{name}[{seed}, {np.dtype(dt).name}]", case(jr, kj), case(fr, kf))


if __name__ == "__main__":
    main()
