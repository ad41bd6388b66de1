"""``custom_linear_solve`` and ``custom_root``: solves differentiated implicitly, as ``jax.lax``.

``custom_linear_solve(matvec, b, solve, transpose_solve)`` is a higher-order primitive,
``linear_solve``, over the programs of ``matvec`` (and of its transpose, ``vecmat``), ``solve`` and
``transpose_solve``, each with its closed-over values as leading operands. Its value is
``solve(matvec, b)``; it is linear in ``b``:

* JVP: ``x' = solve(matvec, b' - matvec'(x))``, where ``matvec'`` is the derivative of ``matvec``
  through the values it closes over (the solver's own closures are not differentiated: it is
  taken to be an exact inverse);
* transpose (in ``b``): the same primitive with the roles swapped, ``transpose_solve(vecmat, ct)``
  (so reverse mode needs ``transpose_solve``, or ``symmetric=True``);
* batching: every program is vmapped, with ``b`` (and so ``x``) batched.

``custom_root(f, initial_guess, solve, tangent_solve)`` is a ``custom_jvp`` function of the values
``f`` closes over: its value is ``solve(f, initial_guess)`` and its JVP is the implicit function
theorem, ``x' = -tangent_solve(J_x f, d_theta f . theta')``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from functrans._src.core import IR, Primitive, ShapedArray, Tracer, UndefinedPrimal, bind, eval_ir, get_aval
from functrans._src.jit import _batch_program, _cached, executable
from functrans._src.staging import closure_convert, trace_to_ir
from functrans._src.tree_util import PyTreeDef, tree_flatten, tree_structure, tree_unflatten

__all__ = ["custom_linear_solve", "custom_root", "linear_solve_p", "solve_primitives"]

linear_solve_p = Primitive("linear_solve", multiple_results=True)
linear_solve_p.complex_ok = True  # its programs' primitives check complex operands themselves


def _trace(fun: Callable[..., Any], avals: Sequence[ShapedArray]) -> tuple[IR, list[Any]]:
    ir, _ = trace_to_ir(lambda *xs: list(fun(*xs)), avals)
    return closure_convert(ir)


def _avals(xs: Sequence[Any]) -> list[ShapedArray]:
    return [ShapedArray(get_aval(x).shape, get_aval(x).dtype) for x in xs]


def _split(args: Sequence[Any], counts: tuple[int, ...]) -> list[list[Any]]:
    out, k = [], 0
    for c in counts:
        out.append(list(args[k : k + c]))
        k += c
    out.append(list(args[k:]))
    return out


# params: programs (matvec, vecmat, solve, tsolve), each taking (its consts..., vector...), and
# ``counts`` = (n consts of matvec, of solve, of tsolve); vecmat takes matvec's consts. ``tsolve`` may
# be None (no transpose_solve given). ``n_aux``: trailing outputs of solve that are not the solution.


def _impl(*args: Any, matvec: IR, vecmat: IR | None, solve: IR, tsolve: IR | None, counts: tuple[int, ...],
          n_aux: int) -> list[Any]:
    _, sc, _, b = _split(args, counts)
    return executable(solve)(*sc, *b)


def _abstract_eval(*avals: ShapedArray, matvec: IR, vecmat: IR | None, solve: IR, tsolve: IR | None,
                   counts: tuple[int, ...], n_aux: int) -> list[ShapedArray]:
    return [ShapedArray(v.aval.shape, v.aval.dtype) for v in solve.outvars]


def _jvp(primals: Sequence[Any], tangents: Sequence[Any], **params: Any) -> tuple[list[Any], list[Any]]:
    from functrans._src.jvp import jvp_flat

    counts, n_aux = params["counts"], params["n_aux"]
    mc, sc, tc, b = _split(primals, counts)
    mct, _, _, bt = _split(tangents, counts)
    outs = bind(linear_solve_p, primals, params)
    x = outs[: len(outs) - n_aux]
    matvec = params["matvec"]
    rhs: list[Any] = [t if t is not None else None for t in bt]
    if any(t is not None for t in mct):
        # the derivative of matvec through the values it closes over, at the solution
        ts = [np.zeros(get_aval(c).shape, get_aval(c).dtype) if t is None else t for c, t in zip(mc, mct)]
        _, dmv = jvp_flat(lambda *c: eval_ir(matvec, matvec.consts, [*c, *x]), mc, ts)
        rhs = [r if d is None else (-d if r is None else r - d) for r, d in zip(rhs, dmv)]
    if all(r is None for r in rhs):
        return outs, [None] * len(outs)
    rhs = [np.zeros(get_aval(v).shape, get_aval(v).dtype) if r is None else r for r, v in zip(rhs, b)]
    xt = bind(linear_solve_p, [*mc, *sc, *tc, *rhs], params)
    return outs, [*xt[: len(x)], *([None] * n_aux)]


def _transpose(cts: Sequence[Any], *args: Any, matvec: IR, vecmat: IR | None, solve: IR, tsolve: IR | None,
               counts: tuple[int, ...], n_aux: int) -> list[Any]:
    mc, sc, tc, b = _split(args, counts)
    if any(type(a) is UndefinedPrimal for a in [*mc, *sc, *tc]):
        raise NotImplementedError("custom_linear_solve is linear only in b, not in the values its functions "
                                  "close over")
    if tsolve is None or vecmat is None:
        raise TypeError("transpose_solve required for backwards mode automatic differentiation of "
                        "custom_linear_solve")
    n_x = len(cts) - n_aux
    ct = [np.zeros(v.aval.shape, v.aval.dtype) if c is None else c for c, v in zip(cts[:n_x], solve.outvars)]
    params = {"matvec": vecmat, "vecmat": matvec, "solve": tsolve, "tsolve": solve,
              "counts": (counts[0], counts[2], counts[1]), "n_aux": 0 if n_aux == 0 else _n_aux_of(tsolve, n_x)}
    res = bind(linear_solve_p, [*mc, *tc, *sc, *ct], params)
    return [None] * (len(args) - len(b)) + list(res[: len(b)])


def _n_aux_of(prog: IR, n_x: int) -> int:
    return len(prog.outvars) - n_x


def _batch(vals: Sequence[Any], dims: Sequence[int | None], *, matvec: IR, vecmat: IR | None, solve: IR,
           tsolve: IR | None, counts: tuple[int, ...], n_aux: int) -> tuple[list[Any], list[int]]:
    from functrans._src.lax import broadcast_to, moveaxis

    size = next(get_aval(v).shape[d] for v, d in zip(vals, dims) if d is not None)
    nb = len(vals) - sum(counts)
    vals = list(vals)
    dims = list(dims)
    for i in range(len(vals) - nb, len(vals)):  # b (and so the solution) is always batched, along 0
        v, d = vals[i], dims[i]
        vals[i] = broadcast_to(v, (size, *get_aval(v).shape)) if d is None else moveaxis(v, d, 0)
        dims[i] = 0
    mc_d, sc_d, tc_d, b_d = _split(dims, counts)
    mc_v, sc_v, tc_v, b_v = _split(vals, counts)

    def batched(prog: IR | None, cdims: list[int | None], cvals: list[Any]) -> IR | None:
        if prog is None:
            return None
        ds = tuple(cdims) + (0,) * nb
        in_avals = [ShapedArray(get_aval(v).shape, get_aval(v).dtype) for v in [*cvals, *b_v]]
        key = ("linear_solve vmap", ds, size)
        return _cached(prog, key, lambda: _batch_program(prog, ds, size, in_avals))  # type: ignore[no-any-return]

    params = {"matvec": batched(matvec, mc_d, mc_v), "vecmat": batched(vecmat, mc_d, mc_v),
              "solve": batched(solve, sc_d, sc_v), "tsolve": batched(tsolve, tc_d, tc_v), "counts": counts,
              "n_aux": n_aux}
    outs = bind(linear_solve_p, vals, params)
    return outs, [0] * len(outs)


linear_solve_p.impl = _impl
linear_solve_p.abstract_eval = _abstract_eval
linear_solve_p.jvp = _jvp
linear_solve_p.transpose = _transpose
linear_solve_p.batch = _batch


def _check_tree(got: PyTreeDef, want: PyTreeDef, what: str) -> None:
    if got != want:
        raise TypeError(f"custom_linear_solve: {what} must have the same structure as b ({want}), got {got}")


def custom_linear_solve(matvec: Callable[[Any], Any], b: Any, solve: Callable[[Callable[[Any], Any], Any], Any],
                        transpose_solve: Callable[[Callable[[Any], Any], Any], Any] | None = None,
                        symmetric: bool = False, has_aux: bool = False) -> Any:
    """Solve ``matvec(x) == b`` with ``solve(matvec, b)``, differentiated implicitly (without
    differentiating through ``solve``), as ``jax.lax.custom_linear_solve``.

    ``transpose_solve(vecmat, b)`` solves the transposed system (needed for reverse mode unless
    ``symmetric``); with ``has_aux`` ``solve`` returns ``(x, aux)`` and so does this function.
    """
    b_flat, b_tree = tree_flatten(b)
    b_avals = _avals(b_flat)
    if symmetric:
        transpose_solve = solve

    def mv_flat(*xs: Any) -> list[Any]:
        out, tree = tree_flatten(matvec(tree_unflatten(b_tree, list(xs))))
        _check_tree(tree, b_tree, "matvec's output")
        return out

    mv_ir, mv_consts = _trace(mv_flat, b_avals)
    n_mc = len(mv_consts)

    def mv_call(x: Any) -> Any:
        out = eval_ir(mv_ir, mv_ir.consts, [*mv_consts, *tree_flatten(x)[0]])
        return tree_unflatten(b_tree, out)

    aux_tree: list[PyTreeDef] = []

    def solver_flat(fn: Callable[..., Any], op: Callable[[Any], Any], aux: bool) -> Callable[..., list[Any]]:
        def run(*bs: Any) -> list[Any]:
            res = fn(op, tree_unflatten(b_tree, list(bs)))
            if aux:
                res, a = res
                a_flat, a_tree = tree_flatten(a)
                aux_tree.append(a_tree)
            else:
                a_flat = []
            x_flat, x_tree = tree_flatten(res)
            _check_tree(x_tree, b_tree, "solve's output")
            return [*x_flat, *a_flat]

        return run

    s_ir, s_consts = _trace(solver_flat(solve, mv_call, has_aux), b_avals)
    a_tree = aux_tree[-1] if has_aux else None
    vm_ir = ts_ir = None
    ts_consts: list[Any] = []
    if transpose_solve is not None:
        from functrans._src.api import linear_transpose

        def vm_flat(*args: Any) -> list[Any]:
            c, ys = args[:n_mc], args[n_mc:]
            t = linear_transpose(lambda *xs: eval_ir(mv_ir, mv_ir.consts, [*c, *xs]), *[
                np.zeros(a.shape, a.dtype) for a in b_avals])
            return list(t(list(ys)))

        vm_ir, _ = trace_to_ir(vm_flat, [*_avals(mv_consts), *b_avals])

        def vm_call(y: Any) -> Any:
            return tree_unflatten(b_tree, eval_ir(vm_ir, vm_ir.consts, [*mv_consts, *tree_flatten(y)[0]]))

        ts_ir, ts_consts = _trace(solver_flat(transpose_solve, vm_call, has_aux), b_avals)
    counts = (n_mc, len(s_consts), len(ts_consts))
    n_aux = len(s_ir.outvars) - len(b_flat)
    args = [*mv_consts, *s_consts, *ts_consts, *b_flat]
    if not any(isinstance(a, Tracer) for a in args):
        outs = executable(s_ir)(*s_consts, *b_flat)
    else:
        outs = bind(linear_solve_p, args, {"matvec": mv_ir, "vecmat": vm_ir, "solve": s_ir, "tsolve": ts_ir,
                                           "counts": counts, "n_aux": n_aux})
    x = tree_unflatten(b_tree, list(outs[: len(b_flat)]))
    if has_aux:
        return x, tree_unflatten(a_tree, list(outs[len(b_flat) :]))
    return x


# --------------------------------------------------------------------------- custom_root


def custom_root(f: Callable[[Any], Any], initial_guess: Any, solve: Callable[[Callable[[Any], Any], Any], Any],
                tangent_solve: Callable[[Callable[[Any], Any], Any], Any], has_aux: bool = False) -> Any:
    """The root of ``f`` found by ``solve(f, initial_guess)``, differentiated implicitly (by the
    implicit function theorem through the values ``f`` closes over, not through ``solve``), as
    ``jax.lax.custom_root``. ``tangent_solve(g, y)`` solves the linear ``g(x) == y``; with
    ``has_aux`` ``solve`` returns ``(root, aux)`` and so does this function."""
    from functrans._src.api import jvp
    from functrans._src.custom_derivatives import custom_jvp

    g_flat, g_tree = tree_flatten(initial_guess)
    g_avals = _avals(g_flat)

    def f_flat(*xs: Any) -> list[Any]:
        out, tree = tree_flatten(f(tree_unflatten(g_tree, list(xs))))
        if tree != g_tree:
            raise TypeError(f"custom_root: f must return the same structure as initial_guess ({g_tree}), got "
                            f"{tree}")
        return out

    f_ir, f_consts = _trace(f_flat, g_avals)

    def f_at(consts: Sequence[Any], x: Any) -> Any:
        return tree_unflatten(g_tree, eval_ir(f_ir, f_ir.consts, [*consts, *tree_flatten(x)[0]]))

    def root(consts: tuple[Any, ...], guess: Any) -> Any:
        return solve(lambda x: f_at(consts, x), guess)

    croot = custom_jvp(root)

    @croot.defjvp
    def root_jvp(primals: tuple[Any, ...], tangents: tuple[Any, ...]) -> tuple[Any, Any]:
        consts, _ = primals
        dconsts, _ = tangents
        out = croot(consts, primals[1])
        sol, aux = out if has_aux else (out, None)
        if consts:
            _, rhs = jvp(lambda c: f_at(c, sol), (tuple(consts),), (tuple(dconsts),))
        else:  # f closes over nothing: the root does not move
            rhs = tree_unflatten(g_tree, [np.zeros(get_aval(v).shape, get_aval(v).dtype) for v in tree_flatten(sol)[0]])
        sol_dot = tangent_solve(lambda y: jvp(lambda x: f_at(consts, x), (sol,), (y,))[1], rhs)
        neg = tree_unflatten(tree_structure(sol_dot), [-t for t in tree_flatten(sol_dot)[0]])
        if has_aux:
            zeros = tree_unflatten(tree_structure(aux), [np.zeros(get_aval(a).shape, get_aval(a).dtype)
                                                          for a in tree_flatten(aux)[0]])
            return out, (neg, zeros)
        return out, neg

    return croot(tuple(f_consts), initial_guess)


def solve_primitives() -> list[Primitive]:
    """The primitives declared here (for the rule-coverage tests in tests/test_laxconv_rules.py)."""
    return [linear_solve_p]
