"""Differential harness for functrans.scipy.special and functrans.scipy.stats vs JAX (x64).

Not part of the test suite. Run from the repo root:

    python tools/jax_diff_scipy.py [--filter SUBSTR] [--no-dtype] [--no-exc]

Each case compares values, shapes, dtypes and exception types, and the gradient of
sum(f(...)) w.r.t. the first argument (tools/jax_diff.run_case); ``grad@k`` cases compare the
gradient w.r.t. argument k. Tolerance 1e-9 (1e-4 for float32).

Known, deliberate differences (the run reports exactly these; everything else agrees to 1e-9):
- expn with an invalid order (negative or fractional n): NaN here (as SciPy); JAX returns
  numbers for x > 1 (its piecewise branches overlap). expn(n, 0) for n >= 2 is 1 / (n - 1)
  here (exact, as SciPy); JAX gives 1 / n. Hence also grad of expn(0, x) (which is -E_{-1}).
- spence: the derivative is log(x) / (1 - x) everywhere it is defined; JAX's (the derivative
  of its rational approximation) is NaN at some points (x = 2.0, 1.01).
- exp1: derivative at x = inf is -0 here, NaN in JAX.
- gumbel_l.ppf / gumbel_r.ppf: JAX's gradient raises TypeError (a float0 from xlog1py(-1, .)
  with an integer -1); functrans returns the gradient.
Other limits (not exercised as differences): derivatives of second order in a parameter of
hyp1f1/hyp2f1 and the derivative of igamma_grad_a in a raise NotImplementedError (JAX also
raises for the latter); expn's order n gets a zero derivative; complex arguments of
loggamma, gamma, erfcx are not supported (JAX supports them); polygamma's order must be
concrete; stats.mode needs concrete data; sph_harm_y is not implemented.
"""

from __future__ import annotations

from typing import Any

import jax.scipy.special as jss
import jax.scipy.stats as jst
import numpy as np
from jax_diff import Cases, cli, main_loop

import functrans.scipy.special as fss
import functrans.scipy.stats as fst

CASES = Cases()
add = CASES.add


def sp(name: str, *args: Any, **kw: Any) -> None:
    add("special." + name, getattr(fss, name), getattr(jss, name), *args, **kw)


def _argk(f: Any, k: int) -> Any:
    """``f`` as a function of its k-th argument first (for gradients w.r.t. argument k)."""

    def g(xk: Any, *rest: Any, **kw: Any) -> Any:
        args = list(rest)
        args.insert(k, xk)
        return f(*args, **kw)

    return g


def sp_grad(name: str, k: int, *args: Any, **kw: Any) -> None:
    rest = list(args)
    xk = rest.pop(k)
    add(f"special.{name}.grad@{k}", _argk(getattr(fss, name), k), _argk(getattr(jss, name), k), xk, *rest, **kw)


X = np.array([-2.5, -1.0, -0.3, 0.0, 0.4, 1.0, 2.5, 7.0])
XP = np.array([0.1, 0.5, 1.0, 2.5, 7.0, 30.0])
XS = np.float64(1.3)
U01 = np.array([0.0, 0.05, 0.3, 0.5, 0.9, 1.0])
A = np.array([0.5, 1.0, 2.0, 3.5, 0.0, -1.0])
I8 = np.array([-2, 0, 1, 3, 5])

for n in "gammasgn gamma loggamma factorial i0 i0e i1 i1e erfcx dawsn expi exp1 sici fresnel".split():
    for x in (X, XP, XS, X.astype(np.float32), I8, np.array([-np.inf, np.inf, np.nan])):
        sp(n, x)
for x in (XP, U01 + 0.01, np.array([0.0, 1.0, 2.0]), np.array([-1.0])):
    sp("spence", x)
sp("spence", I8)
for a, b in (
    (A, XP),
    (XP, A),
    (XS, XP),
    (XP, np.float32(2.0)),
    (np.array([10.0, 20.0, 1e6]), np.array([8.0, 3.0, 1e6])),
):
    for n in ("beta", "betaln", "comb", "poch", "kl_div", "rel_entr", "gammainc", "gammaincc", "boxcox", "boxcox1p"):
        sp(n, a, b)
        sp_grad(n, 1, a, b) if n not in ("comb",) else None
for a, x in (
    (np.array([0.5, 1.0, 2.0, 3.5, 10.0]), np.array([0.2, 1.5, 2.0, 0.5, 12.0])),
    (np.array([0.0, 0.0, -1.0, 1.0, 2.0]), np.array([0.0, 1.0, 1.0, -1.0, np.inf])),
):
    sp("gammainc", a, x)
    sp("gammaincc", a, x)
sp("comb", np.array([5.0, 6.0, 3.0]), np.array([2.0, 0.0, 5.0]), repetition=True)
sp("comb", 5, 2)
for a, b, x in (
    (np.array([0.5, 1.0, 2.0, 5.0]), np.array([1.5, 2.0, 3.0, 0.5]), np.array([0.3, 0.0, 0.9, 1.0])),
    (2.0, 3.0, U01),
    (np.array([0.0, 1.0, -1.0]), np.array([1.0, 0.0, 1.0]), np.array([0.5, 0.5, 0.5])),
):
    sp("betainc", a, b, x)
    sp_grad("betainc", 2, a, b, x)
sp("factorial", 5, exact=True)
sp("factorial", np.array([0.0, 3.0, 10.0, 170.0]))
for x, q in (
    (np.array([2.0, 3.5, 1.5, 4.0]), np.array([1.0, 0.5, 2.0, 10.0])),
    (2.0, XP),
    (np.array([1.0, 0.5, 2.0]), np.array([1.0, 1.0, 0.0])),
):
    sp("zeta", x, q)
    sp_grad("zeta", 1, x, q)
sp("zeta", 2.0)
for n_, x in ((1, XP), (2, XP), (np.array([0, 1, 3]), np.array([0.5, 2.0, 4.0])), (1.0, XP), (3, X)):
    sp("polygamma", n_, x)
    sp_grad("polygamma", 1, n_, x)
for n_, x in ((1, XP), (2, XP), (np.array([0, 1, 3, 7]), np.array([0.5, 2.0, 4.0, 0.0])), (0, XP), (-1, XP), (1.5, XP)):
    sp("expn", n_, x)
    sp_grad("expn", 1, n_, x)
for d in (1, 2, 3):
    sp("multigammaln", np.array([2.0, 3.5, 10.0]), d)
sp("multigammaln", 4.0, 2)
for h, a in ((np.array([0.0, 0.5, 1.0, 2.0, -1.0]), np.array([0.5, 1.0, 2.0, -0.5, 3.0])), (1.0, XP)):
    sp("owens_t", h, a)
    sp_grad("owens_t", 1, h, a)
for a, b, x in (
    (np.array([0.5, 1.0, 2.0, 0.0, 1.5]), np.array([1.5, 2.0, 3.0, 1.0, 1.5]), np.array([0.3, -1.0, 2.0, 1.0, 0.7])),
    (1.0, 2.5, np.array([0.1, 5.0, -3.0])),
):
    sp("hyp1f1", a, b, x)
    sp_grad("hyp1f1", 1, a, b, x)
    sp_grad("hyp1f1", 2, a, b, x)
for a, b, c, x in (
    (
        np.array([0.5, 1.0, 2.0, 1.0]),
        np.array([1.5, 2.0, 0.5, 1.0]),
        np.array([2.5, 3.0, 4.0, 2.0]),
        np.array([0.3, -0.5, 0.9, 0.0]),
    ),
    (1.0, 1.0, 2.0, np.array([0.1, 0.5, -0.7])),
):
    sp("hyp2f1", a, b, c, x)
    for k in (1, 2, 3):
        sp_grad("hyp2f1", k, a, b, c, x)
for v in (0, 1, 3):
    sp("bessel_jn", np.array([0.5, 1.0, 2.5, 6.0]), v=v)
sp("bessel_jn", XS, v=2)
for n_ in (0, 1, 2, 3, 10, 20):
    add("special.bernoulli", fss.bernoulli, jss.bernoulli, n_)
add("special.wofz", fss.wofz, jss.wofz, np.array([1 + 1j, 0.5 - 2j, -1.0 + 0.5j, 3.0 + 0j]))
add("special.wofz", fss.wofz, jss.wofz, np.array([0.5, 1.0]))
add("special.erfcx.big", fss.erfcx, jss.erfcx, np.array([10.0, 30.0, 1e3, -5.0]))
for n in ("gammainc", "gammaincc"):
    add(f"special.{n}.grad_a", getattr(fss, n), getattr(jss, n), np.array([0.5, 1.0, 2.0, 3.5, 10.0]),
        np.array([0.2, 1.5, 2.0, 0.5, 12.0]))

# ---------------------------------------------------------------- scipy.stats


def st(dist: str, fn: str, *args: Any, **kw: Any) -> None:
    add(f"stats.{dist}.{fn}", getattr(getattr(fst, dist), fn), getattr(getattr(jst, dist), fn), *args, **kw)


def st_grad(dist: str, fn: str, k: int, *args: Any) -> None:
    rest = list(args)
    xk = rest.pop(k)
    add(
        f"stats.{dist}.{fn}.grad@{k}",
        _argk(getattr(getattr(fst, dist), fn), k),
        _argk(getattr(getattr(jst, dist), fn), k),
        xk,
        *rest,
    )


XR = np.array([-3.0, -0.5, 0.0, 0.3, 1.0, 2.5, 10.0])
Q = np.array([0.0, 0.01, 0.3, 0.5, 0.9, 1.0, 1.2, -0.1])
KI = np.array([-1.0, 0.0, 1.0, 2.0, 3.0, 5.0, 2.5])
LOCSCALE = [(), (0.5,), (0.5, 2.0), (np.float64(-1.0), np.array([0.5, 1.0, 2.0, 3.0, 1.0, 1.0, 1.0]))]
CONT = {  # dist: (shape args, functions)
    "cauchy": ((), "logpdf pdf cdf logcdf sf logsf"),
    "expon": ((), "logpdf pdf cdf logcdf sf logsf"),
    "laplace": ((), "logpdf pdf cdf"),
    "logistic": ((), "logpdf pdf cdf sf"),
    "gumbel_l": ((), "logpdf pdf cdf logcdf sf logsf"),
    "gumbel_r": ((), "logpdf pdf cdf logcdf sf logsf"),
    "uniform": ((), "logpdf pdf cdf"),
    "norm": ((), "logpdf pdf cdf logcdf sf logsf"),
    "chi2": ((3.0,), "logpdf pdf cdf logcdf sf logsf"),
    "gamma": ((2.5,), "logpdf pdf cdf logcdf sf logsf"),
    "pareto": ((1.5,), "logpdf pdf cdf logcdf sf logsf"),
    "t": ((4.0,), "logpdf pdf"),
    "beta": ((2.0, 3.0), "logpdf pdf cdf logcdf sf logsf"),
    "truncnorm": ((-1.0, 2.0), "logpdf pdf cdf logcdf sf logsf"),
}
for dist, (shape, fns) in CONT.items():
    for fn in fns.split():
        for ls in LOCSCALE:
            x = XR if dist != "beta" else np.array([-0.1, 0.0, 0.2, 0.5, 0.9, 1.0, 1.5])
            st(dist, fn, x, *shape, *ls)
        st(dist, fn, XR.astype(np.float32), *shape)
        for k in range(1, len(shape) + 1):
            xg = np.array([0.3, 0.7, 1.5]) if dist not in ("beta", "truncnorm") else np.array([0.2, 0.5, 0.8])
            st_grad(dist, fn, k, xg, *shape)
        if dist not in ("beta",):
            st_grad(dist, fn, len(shape) + 1, np.array([0.3, 0.7, 1.5]), *shape, -0.5, 2.0)
            st_grad(dist, fn, len(shape) + 2, np.array([0.3, 0.7, 1.5]), *shape, -0.5, 2.0)
for dist, shape in (
    ("cauchy", ()),
    ("expon", ()),
    ("logistic", ()),
    ("gumbel_l", ()),
    ("gumbel_r", ()),
    ("uniform", ()),
    ("pareto", (1.5,)),
):
    for fn in ("ppf", "isf"):
        if hasattr(getattr(jst, dist), fn):
            st(dist, fn, Q, *shape)
            st(dist, fn, Q, *shape, 0.5, 2.0)
            st(dist, fn, np.array([0.1, 0.5, 0.8]), *shape, 0.5, 2.0)
for fn in ("logpdf", "pdf", "cdf"):
    for b in (0.5, 1.0, 2.0, 5.0):
        st("gennorm", fn, XR, b)
    st_grad("gennorm", fn, 1, np.array([-0.5, 0.3, 1.2]), 1.5)
for fn in ("logpdf", "pdf"):
    for kappa in (0.5, 2.0, 0.0):
        st("vonmises", fn, XR, kappa)
    st_grad("vonmises", fn, 1, np.array([-0.5, 0.3, 1.2]), 1.5)
    for c in (0.2, 0.7, 0.0, 1.0):
        st("wrapcauchy", fn, np.array([-0.5, 0.0, 1.0, 3.0, 6.3]), c)
    st_grad("wrapcauchy", fn, 1, np.array([0.5, 1.0, 3.0]), 0.4)
for fn in ("logpmf", "pmf"):
    st("bernoulli", fn, KI, 0.3)
    st("bernoulli", fn, KI, 0.0)
    st("bernoulli", fn, KI, 0.3, 1)
    st_grad("bernoulli", fn, 1, np.array([0.0, 1.0]), 0.3)
    st("binom", fn, KI, 5.0, 0.3)
    st("binom", fn, KI, 5.0, 0.0)
    st("binom", fn, KI, 0.0, 0.5)
    st("binom", fn, KI, 5.0, 1.0, 1)
    st_grad("binom", fn, 2, np.array([0.0, 2.0, 5.0]), 5.0, 0.4)
    st("betabinom", fn, KI, 5.0, 2.0, 3.0)
    st("betabinom", fn, KI, 0.0, 2.0, 3.0)
    st("betabinom", fn, KI, 5.0, 2.0, 3.0, 1)
    st_grad("betabinom", fn, 2, np.array([0.0, 2.0, 5.0]), 5.0, 2.0, 3.0)
    st("nbinom", fn, KI, 3.0, 0.4)
    st("nbinom", fn, KI, 3.0, 0.4, 1)
    st_grad("nbinom", fn, 2, np.array([0.0, 2.0, 5.0]), 3.0, 0.4)
    st("geom", fn, KI, 0.3)
    st("geom", fn, KI, 0.3, 1)
    st_grad("geom", fn, 1, np.array([1.0, 2.0, 5.0]), 0.3)
    st("poisson", fn, KI, 2.0)
    st("poisson", fn, KI, 2.0, 1)
    st("poisson", fn, KI, 0.0)
    st_grad("poisson", fn, 1, np.array([0.0, 2.0, 5.0]), 2.0)
    st("multinomial", fn, np.array([1, 2, 0]), 3, np.array([0.2, 0.5, 0.3]))
    st("multinomial", fn, np.array([[1, 2, 0], [0, 3, 0]]), 3, np.array([0.2, 0.5, 0.3]))
    st("multinomial", fn, np.array([1, 2, 1]), 3, np.array([0.2, 0.5, 0.3]))
    st("multinomial", fn, np.array([1.0, 2.0, 0.0]), 3, np.array([0.2, 0.5, 0.3]))
    st_grad("multinomial", fn, 2, np.array([1, 2, 0]), 3, np.array([0.2, 0.5, 0.3]))
st("bernoulli", "cdf", KI, 0.3)
st("bernoulli", "cdf", KI, 1.3)
st("bernoulli", "ppf", Q, 0.3)
st("poisson", "cdf", KI, 2.0)
st("poisson", "cdf", KI, 2.0, 1)
st_grad("poisson", "cdf", 1, np.array([0.0, 2.0, 5.0]), 2.0)
st("poisson", "entropy", np.array([0.0, 0.5, 3.0, 20.0, 150.0]))
for fn in ("logpdf", "pdf"):
    alpha = np.array([1.5, 2.0, 3.0])
    st("dirichlet", fn, np.array([0.2, 0.3, 0.5]), alpha)
    st("dirichlet", fn, np.array([0.2, 0.3]), alpha)
    st("dirichlet", fn, np.array([[0.2, 0.1], [0.3, 0.1], [0.5, 0.8]]), alpha)
    st("dirichlet", fn, np.array([0.2, 0.3, 0.6]), alpha)
    st("dirichlet", fn, np.array([0.2, 0.3, 0.5]), np.ones((2, 3)))
    st_grad("dirichlet", fn, 1, np.array([0.2, 0.3, 0.5]), alpha)
    cov = np.array([[2.0, 0.3], [0.3, 1.0]])
    st("multivariate_normal", fn, np.array([0.5, -1.0]), np.zeros(2), cov)
    st("multivariate_normal", fn, np.array([[0.5, -1.0], [1.0, 2.0], [0.0, 0.0]]), np.array([0.1, 0.2]), cov)
    st("multivariate_normal", fn, np.array([0.5, -1.0]), np.zeros(2), 2.0)
    st("multivariate_normal", fn, np.array([0.5, -1.0, 0.3]), 0.0, 2.0)
    st("multivariate_normal", fn, np.array([0.5, -1.0]), np.zeros(3), cov)
    st_grad("multivariate_normal", fn, 1, np.array([0.5, -1.0]), np.array([0.1, 0.2]), cov)
    st_grad("multivariate_normal", fn, 2, np.array([0.5, -1.0]), np.array([0.1, 0.2]), cov)
add(
    "stats.multivariate_normal.logpdf",
    fst.multivariate_normal.logpdf,
    jst.multivariate_normal.logpdf,
    np.array([0.5, -1.0]),
    np.zeros(2),
    np.eye(2),
    allow_singular=True,
)
RD = np.array([3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0, 5.0])
for m in ("average", "min", "max", "dense", "ordinal"):
    add("stats.rankdata", fst.rankdata, jst.rankdata, RD, m)
    add("stats.rankdata", fst.rankdata, jst.rankdata, RD.reshape(3, 3), m, axis=1)
add("stats.rankdata", fst.rankdata, jst.rankdata, np.array([1.0, np.nan, 2.0]))
add("stats.rankdata", fst.rankdata, jst.rankdata, RD, "bogus")
add("stats.rankdata", fst.rankdata, jst.rankdata, np.array([3, 1, 2]))
for kw in ({}, {"axis": 1}, {"axis": None}, {"ddof": 0}, {"keepdims": True}, {"nan_policy": "omit"}):
    add("stats.sem", fst.sem, jst.sem, RD.reshape(3, 3), **kw)
add("stats.sem", fst.sem, jst.sem, RD)
add("stats.sem", fst.sem, jst.sem, RD, nan_policy="bogus")
for kw in ({}, {"axis": 1}, {"axis": None}, {"keepdims": True}, {"axis": None, "keepdims": True}):
    add("stats.mode", fst.mode, jst.mode, np.array([[1, 2, 2], [3, 3, 1], [1, 2, 1]]), **kw)
add("stats.mode", fst.mode, jst.mode, RD)
add("stats.mode", fst.mode, jst.mode, RD, nan_policy="omit")


def main() -> None:
    args = cli()
    t = main_loop(CASES, args, name_of=lambda key: key.split(".grad")[0])
    t.summary("cases", t.counts("functions"))
    if not args.filter:
        for name, jmod, fmod in (("special", jss, fss), ("stats", jst, fst)):
            miss = sorted(set(dir(jmod)) - set(dir(fmod)))
            print(f"jax.scipy.{name} names missing:", " ".join(n for n in miss if not n.startswith("_")))


if __name__ == "__main__":
    main()
