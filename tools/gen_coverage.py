"""Generate the API coverage table of README.md from the code.

For each public module (``functrans``, ``functrans.numpy`` and its ``linalg``/``fft``,
``functrans.lax``, ``functrans.nn``, ``functrans.scipy.special``, ``functrans.scipy.linalg``,
``functrans.random``) it lists the names the module provides and the names of its model
that it does not provide yet: for ``functrans.numpy`` that model is NumPy's own namespace
(read from the installed NumPy and grouped by family), for the others the JAX module of
the same name (a fixed list of JAX's public names below, so that JAX is not needed).
A module that does not exist yet is reported as such.

    python tools/gen_coverage.py           # rewrite the table in README.md
    python tools/gen_coverage.py --check   # exit 1 if README.md is out of date
    python tools/gen_coverage.py --print   # print the table
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
START, END = "<!-- coverage:start -->", "<!-- coverage:end -->"

# NumPy's non-ufunc functions by family (after the sections of NumPy's reference manual).
# Every NumPy ufunc is in the family "elementwise (ufuncs)"; a NumPy function listed in
# no family (I/O, printing, dtype utilities, ...) is not compared.
NUMPY_FAMILIES: dict[str, str] = {
    "array creation": """arange array asarray asanyarray ascontiguousarray asfortranarray asarray_chkfinite
        copy empty empty_like eye identity full full_like ones ones_like zeros zeros_like linspace logspace
        geomspace meshgrid diag diagflat tri tril triu vander fromfunction fromiter frombuffer fromstring
        indices ix_ tril_indices triu_indices tril_indices_from triu_indices_from diag_indices
        diag_indices_from mask_indices astype""",
    "shape and structure": """reshape ravel transpose permute_dims matrix_transpose moveaxis swapaxes rollaxis
        expand_dims squeeze atleast_1d atleast_2d atleast_3d broadcast_to broadcast_arrays broadcast_shapes
        concatenate concat stack vstack hstack dstack column_stack row_stack block unstack split array_split
        hsplit vsplit dsplit tile repeat pad flip fliplr flipud roll rot90 append insert delete resize
        trim_zeros shape size ndim""",
    "sums, products, differences": """sum prod cumsum cumprod cumulative_sum cumulative_prod nansum nanprod
        nancumsum nancumprod diff ediff1d gradient cross trapezoid""",
    "other math": """clip round around fix angle real imag convolve interp sinc i0 nan_to_num unwrap
        real_if_close isneginf isposinf""",
    "statistics": """max min amax amin ptp mean median average std var nanmax nanmin nanmean nanmedian nanstd
        nanvar percentile nanpercentile quantile nanquantile corrcoef cov correlate histogram histogram2d
        histogramdd histogram_bin_edges bincount digitize""",
    "sorting, searching, counting": """sort argsort lexsort partition argpartition searchsorted argmax argmin
        nanargmax nanargmin nonzero flatnonzero argwhere where extract count_nonzero sort_complex""",
    "logic": "all any isclose allclose array_equal array_equiv iscomplex iscomplexobj isreal isrealobj isscalar",
    "products and contractions": "dot vdot inner outer tensordot einsum einsum_path kron trace diagonal",
    "indexing": """take take_along_axis put put_along_axis place putmask choose compress select fill_diagonal
        unravel_index ravel_multi_index""",
    "sets": "unique unique_all unique_counts unique_inverse unique_values isin intersect1d union1d setdiff1d setxor1d",
    "polynomials": "poly polyadd polyder polydiv polyfit polyint polymul polysub polyval roots",
    "window functions": "bartlett blackman hamming hanning kaiser",
    "functional programming": "apply_along_axis apply_over_axes piecewise frompyfunc vectorize",
}

# JAX's public names that a port may use (jax 0.10), per module. Multi-device, sharding,
# configuration-flag and internal helper names are left out.
JAX_NAMES: dict[str, str] = {
    "functrans": """grad value_and_grad jvp vjp linearize linear_transpose jacfwd jacrev jacobian hessian vmap
        jit make_jaxpr eval_shape ShapeDtypeStruct disable_jit checkpoint remat custom_jvp custom_vjp
        custom_gradient closure_convert pure_callback device_put device_get block_until_ready named_call
        named_scope ensure_compile_time_eval typeof Array config debug tree tree_util numpy lax nn scipy random
        pmap shard_map devices default_backend""",
    "functrans.lax": """abs acos acosh add approx_max_k approx_min_k argmax argmin asin asinh associative_scan
        atan atan2 atanh batch_matmul bessel_i0e bessel_i1e betainc bitcast_convert_type bitwise_and bitwise_not
        bitwise_or bitwise_xor broadcast broadcast_in_dim broadcast_shapes broadcast_to_rank broadcasted_iota
        cbrt ceil clamp clz collapse complex concatenate cond conj conv conv_general_dilated conv_transpose
        conv_with_general_padding convert_element_type cos cosh cumlogsumexp cummax cummin cumprod cumsum
        custom_linear_solve custom_root digamma div dot dot_general dynamic_index_in_dim dynamic_slice
        dynamic_slice_in_dim dynamic_update_index_in_dim dynamic_update_slice dynamic_update_slice_in_dim eq erf
        erf_inv erfc exp exp2 expand_dims expm1 fft floor fori_loop full full_like gather ge gt igamma igammac
        imag index_in_dim index_take integer_pow iota is_finite le lgamma log log1p logistic lt map max min mul
        ne neg nextafter pad polygamma population_count pow real reciprocal reduce reduce_and reduce_max
        reduce_min reduce_or reduce_precision reduce_prod reduce_sum reduce_window reduce_xor rem reshape rev
        round rsqrt scan scatter scatter_add scatter_apply scatter_max scatter_min scatter_mul scatter_sub select
        select_n shift_left shift_right_arithmetic shift_right_logical sign sin sinh slice slice_in_dim sort
        sort_key_val split sqrt square squeeze stop_gradient sub switch tan tanh top_k transpose while_loop
        zeta""",
    "functrans.nn": """celu dot_product_attention elu gelu glu hard_sigmoid hard_silu hard_swish hard_tanh
        identity leaky_relu log1mexp log_sigmoid log_softmax logmeanexp logsumexp mish one_hot relu relu6 selu
        sigmoid silu soft_sign softmax softplus sparse_plus sparse_sigmoid squareplus standardize swish tanh""",
    "functrans.scipy.special": """bernoulli bessel_jn beta betainc betaln boxcox boxcox1p comb dawsn digamma entr
        erf erfc erfcx erfinv exp1 expi expit expn factorial fresnel gamma gammainc gammaincc gammaln gammasgn
        hyp1f1 hyp2f1 i0 i0e i1 i1e kl_div log_ndtr log_softmax loggamma logit logsumexp multigammaln ndtr ndtri
        owens_t poch polygamma rel_entr sici softmax spence sph_harm_y wofz xlog1py xlogy zeta""",
    "functrans.scipy.linalg": """block_diag cho_factor cho_solve cholesky circulant companion convolution_matrix
        det dft eigh eigh_tridiagonal expm expm_frechet fiedler fiedler_companion funm hadamard hankel helmert
        hessenberg hilbert inv invhilbert invpascal leslie lu lu_factor lu_solve pascal polar qr qr_multiply
        rsf2csf schur solve solve_sylvester solve_triangular sqrtm svd toeplitz""",
    "functrans.random": """PRNGKey key key_data wrap_key_data split fold_in clone bits uniform normal
        truncated_normal bernoulli categorical choice permutation randint exponential gamma loggamma beta
        dirichlet multivariate_normal laplace logistic gumbel cauchy poisson binomial multinomial chisquare f t
        geometric generalized_normal lognormal maxwell double_sided_maxwell orthogonal pareto rademacher rayleigh
        triangular wald weibull_min ball""",
}


def _runs(code: str) -> bool:
    """True if the snippet runs without an exception (a probe of a feature)."""
    ns: dict[str, object] = {}
    try:
        exec(
            "import numpy as np\nimport functrans\nimport functrans.numpy as fnp\nfrom functrans import lax\n" + code,
            ns,
        )
    except Exception:
        return False
    return True


def _has(dotted: str) -> bool:
    """True if the dotted name (``functrans.lax.scan``) exists, as a module or an attribute."""
    if _import(dotted) is not None:
        return True
    parent = _import(dotted.rpartition(".")[0])
    if parent is None:
        return False
    try:
        getattr(parent, dotted.rpartition(".")[2])
    except AttributeError:
        return False
    return True


# JAX features a port is likely to need: (description, probe). A probe is a dotted name
# that must exist, or a snippet that must run.
FEATURES: list[tuple[str, str]] = [
    ("custom derivative rules (`custom_jvp`, `custom_vjp`)", "functrans.custom_jvp functrans.custom_vjp"),
    (
        "loops as primitives (`lax.scan`, `lax.fori_loop`, `lax.while_loop`)",
        "functrans.lax.scan functrans.lax.fori_loop functrans.lax.while_loop",
    ),
    ("`lax.switch`", "functrans.lax.switch"),
    ("key-based random numbers (`functrans.random`)", "functrans.random"),
    (
        "integer-array and boolean-mask indexing of traced values (`x[idx]`)",
        "run: functrans.grad(lambda a: fnp.sum(a[np.array([0, 0, 1])]))(np.ones(3))",
    ),
    (
        "functional updates (`x.at[i].set(v)`, `.add`, ...)",
        "run: functrans.grad(lambda a: fnp.sum(a.at[0].set(2.0)))(np.ones(3))",
    ),
    ("sorting (`functrans.numpy.sort`, `argsort`)", "functrans.numpy.sort functrans.numpy.argsort"),
    ("cumulative sums and products (`cumsum`, `cumprod`)", "functrans.numpy.cumsum functrans.numpy.cumprod"),
    ("linear algebra (`functrans.numpy.linalg`)", "functrans.numpy.linalg"),
    ("FFTs (`functrans.numpy.fft`)", "functrans.numpy.fft"),
    ("neural-network functions (`functrans.nn`)", "functrans.nn"),
    ("special functions (`functrans.scipy.special`)", "functrans.scipy.special"),
    ("rematerialisation (`checkpoint` / `remat`)", "functrans.checkpoint"),
    (
        "complex differentiation (`grad(..., holomorphic=True)`)",
        "run: functrans.grad(lambda z: z * z, holomorphic=True)(1.0 + 1.0j)",
    ),
    ("`functrans.Array` for `isinstance` checks", "functrans.Array"),
    ("`functrans.debug.print` / `debug.callback`", "functrans.debug.print functrans.debug.callback"),
    ("`functrans.tree` (`tree.map`, `tree.leaves`, ...)", "functrans.tree"),
]


def feature_rows() -> list[tuple[str, bool]]:
    """(description, available) for each feature of :data:`FEATURES`."""
    out = []
    for desc, probe in FEATURES:
        ok = _runs(probe[4:].strip()) if probe.startswith("run:") else all(_has(n) for n in probe.split())
        out.append((desc, ok))
    return out


# functrans.numpy's submodules, compared with NumPy's module of the same name.
NUMPY_SUBMODULES = ("linalg", "fft")


def _words(s: str) -> list[str]:
    return s.split()


def _import(name: str) -> ModuleType | None:
    """The module, or None if it does not exist (yet). Errors inside an existing module propagate."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as e:
        if e.name is not None and (name == e.name or name.startswith(e.name + ".")):
            return None
        raise


def _public(mod: ModuleType) -> list[str]:
    """The public names of a module (its ``__all__`` if it has one), without submodules."""
    names = getattr(mod, "__all__", None)
    if names is None:
        names = [n for n in vars(mod) if not n.startswith("_")]
    return sorted({n for n in names if not isinstance(getattr(mod, n, None), ModuleType)})


def _numpy_functions(mod: ModuleType) -> list[str]:
    """The public functions and ufuncs of a NumPy module (no classes, modules or constants)."""
    out = []
    for n in dir(mod):
        if n.startswith("_") or n == "test":
            continue
        obj = getattr(mod, n)
        if callable(obj) and not isinstance(obj, type):
            out.append(n)
    return out


def _join(names: Iterable[str]) -> str:
    names = sorted(names, key=str.lower)
    return ", ".join(names) if names else "—"


def numpy_rows() -> tuple[list[tuple[str, list[str], list[str]]], int, int]:
    """(family, supported, not yet) rows for functrans.numpy, the number of NumPy functions it
    provides and the number of NumPy functions compared."""
    fnp = importlib.import_module("functrans.numpy")
    supported = set(_public(fnp))
    np_funcs = set(_numpy_functions(np))
    ufuncs = {n for n in np_funcs if isinstance(getattr(np, n), np.ufunc)}
    families: dict[str, set[str]] = {"elementwise (ufuncs)": ufuncs}
    for fam, names in NUMPY_FAMILIES.items():
        families[fam] = {n for n in _words(names) if n in np_funcs} - ufuncs
    rows, seen = [], set()
    for fam, names in families.items():
        rows.append((fam, sorted(names & supported), sorted(names - supported)))
        seen |= names
    rest = supported - seen
    kept = sorted(n for n in rest if n in np_funcs)
    consts = sorted(n for n in rest if n not in kept and hasattr(np, n))
    extra = sorted(n for n in rest if not hasattr(np, n))
    if kept:
        rows.append(("other NumPy functions", kept, []))
    rows.append(("dtypes, constants, index helpers", consts, []))
    if extra:
        rows.append(("not in NumPy (from JAX)", extra, []))
    compared = set().union(*families.values())
    return rows, len(supported & compared), len(compared)


def module_rows() -> list[tuple[str, str, list[str] | None, list[str]]]:
    """(module, model, supported or None if missing, not yet) rows for the other modules."""
    rows: list[tuple[str, str, list[str] | None, list[str]]] = []
    for name, ref in JAX_NAMES.items():
        model = "jax" + name[len("functrans") :]
        mod = _import(name)
        ref_names = _words(ref)
        if mod is None:
            rows.append((name, model, None, ref_names))
            continue
        have = _public(mod)
        if name == "functrans":  # submodules count as names here
            have = sorted(set(have) | {n for n in ref_names if _import(f"functrans.{n}") or hasattr(mod, n)})
        rows.append((name, model, have, sorted(set(ref_names) - set(have))))
    for sub in NUMPY_SUBMODULES:
        name = f"functrans.numpy.{sub}"
        np_names = _numpy_functions(importlib.import_module(f"numpy.{sub}"))
        mod = _import(name)
        if mod is None:
            rows.append((name, f"numpy.{sub}", None, np_names))
        else:
            have = _public(mod)
            rows.append((name, f"numpy.{sub}", have, sorted(set(np_names) - set(have))))
    return rows


def render() -> str:
    """The Markdown between the markers (without them)."""
    ver = ".".join(np.__version__.split(".")[:2])
    fam_rows, n_funcs, n_np = numpy_rows()
    feats = feature_rows()
    lines = [
        f"_Generated from the code by `python tools/gen_coverage.py` (NumPy {ver}); do not edit by hand._",
        "",
        "JAX features not supported yet (each probed by running code):",
        "",
    ]
    missing = [d for d, ok in feats if not ok]
    have = [d for d, ok in feats if ok]
    lines += [f"- {d}" for d in missing] if missing else ["- none of those probed"]
    lines.append("")
    if have:
        lines += ["Probed and available: " + "; ".join(have) + ".", ""]
    lines += [
        f"**`functrans.numpy`**: {n_funcs} of {n_np} NumPy functions, by family (NumPy's I/O, printing and",
        "dtype utilities are not counted).",
        "",
        "| family | supported | not yet |",
        "|---|---|---|",
    ]
    for fam, have, missing in fam_rows:
        lines.append(f"| {fam} | {_join(have)} | {_join(missing)} |")
    lines += [
        "",
        "**The other modules**, each against its JAX (or NumPy) counterpart:",
        "",
        "| module | supported | not yet (compared with) |",
        "|---|---|---|",
    ]
    for name, model, have, missing in module_rows():
        if have is None:
            lines.append(f"| `{name}` | not provided yet | all of `{model}` |")
        else:
            lines.append(f"| `{name}` | {_join(have)} | {_join(missing)} (vs `{model}`) |")
    return "\n".join(lines) + "\n"


def numpy_version_of(section: str) -> str | None:
    """The NumPy version a generated section was computed with."""
    m = re.search(r"\(NumPy (\d+\.\d+)\)", section)
    return m.group(1) if m else None


def current_section(text: str) -> str:
    """The text between the markers of README.md."""
    if START not in text or END not in text:
        raise ValueError(f"README.md has no {START} ... {END} section")
    return text.split(START, 1)[1].split(END, 1)[0].strip("\n") + "\n"


def update(text: str, table: str) -> str:
    """``text`` with the section between the markers replaced by ``table``."""
    head, rest = text.split(START, 1)
    tail = rest.split(END, 1)[1]
    return f"{head}{START}\n{table}{END}{tail}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="exit 1 if README.md's table is out of date")
    ap.add_argument("--print", action="store_true", help="print the table instead of writing README.md")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    table = render()
    if args.print:
        print(table, end="")
        return 0
    text = README.read_text(encoding="utf-8")
    if args.check:
        if current_section(text) != table:
            print("README.md's coverage table is out of date: run python tools/gen_coverage.py", file=sys.stderr)
            return 1
        return 0
    new = update(text, table)
    if new != text:
        README.write_text(new, encoding="utf-8")
        print("README.md: coverage table updated")
    else:
        print("README.md: coverage table already up to date")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
