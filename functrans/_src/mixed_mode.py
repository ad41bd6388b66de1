"""Mixed-mode Jacobians: cut the program at its narrowest points and bracket the chain.

A program ``g: R^n -> R^m`` is a chain of steps, and its Jacobian the product of the
steps' Jacobians, ``J = J_T ... J_2 J_1``. Forward mode evaluates that product from the
right against the ``n x n`` identity (``n`` JVPs), reverse mode from the left against the
``m x m`` identity (``m`` VJPs). Any *cut* of the program -- a set of intermediate values
every path from the inputs to the outputs goes through -- splits the chain in two:
``J = J_after . J_before`` with a middle dimension ``k``, the cut's total size. When ``k`` is
much smaller than ``n`` and ``m`` (an hourglass), ``J_before`` costs ``k`` VJPs, ``J_after``
``k`` JVPs, and their product one small matrix multiplication.

The cuts considered are the program's *frontiers*: after each equation, the values that
depend on the inputs, are already computed and are still needed later (in a straight-line
program every path from inputs to outputs crosses each frontier). The narrowest ones,
ordered along the program, form a chain ``n = d_0, d_1, ..., d_K = m``; the bracketing of
that chain -- which segments to differentiate in which mode and how to multiply the
pieces -- is chosen by the matrix-chain dynamic program over a cost model (passes times the
segment's work, plus a fixed cost per primitive and batched pass, plus matrix products).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from functrans._src import lax
from functrans._src.core import IR, Literal, Tracer, Var, bind
from functrans._src.flatjac import VectorFunction
from functrans._src.jacobian import _signature_key, jacfwd, jacobian_wrapper, jacrev

# cost model, in units of "one element of one elementwise primitive" (about a nanosecond)
_OP = 10_000.0  # fixed cost of one primitive in one batched pass (Python dispatch)
_REV_FACTOR = 1.5  # a VJP records the linearization and runs its transpose
_FLOP = 0.1  # one multiply-add of a matrix product (BLAS)
_MAX_CUTS = 12  # narrowest frontiers kept for the dynamic program
AUTO_MARGIN = 0.5  # mode="auto" takes mixed mode only if predicted at most this fraction of the best pure mode


class _Analysis:
    """Frontiers of a program ``g`` with one vector input and one vector output."""

    def __init__(self, ir: IR) -> None:
        self.ir = ir
        eqns = ir.eqns
        T = len(eqns)
        active: set[Var] = set(ir.invars)
        for e in eqns:
            if any(isinstance(a, Var) and a in active for a in e.inputs):
                active.update(v for v in e.outvars if v.aval.dtype.kind in "fc")
        useful: set[Var] = {a for a in ir.outvars if isinstance(a, Var) and a in active}
        self.useful_eqn = [False] * T
        for i in range(T - 1, -1, -1):
            e = eqns[i]
            if any(v in useful for v in e.outvars):
                self.useful_eqn[i] = True
                useful.update(a for a in e.inputs if isinstance(a, Var) and a in active)
        self.live: set[Var] = useful
        born: dict[Var, int] = {v: 0 for v in ir.invars if v in useful}
        last: dict[Var, int] = {}
        for i, e in enumerate(eqns):
            for v in e.outvars:
                if v in useful:
                    born[v] = i + 1
            for a in e.inputs:
                if isinstance(a, Var) and a in useful:
                    last[a] = i
        for a in ir.outvars:
            if isinstance(a, Var) and a in useful:
                last[a] = T
        # frontier at position t (after t equations): the values with born <= t <= last
        self.born, self.last = born, last
        delta = np.zeros(T + 2)
        for v, b in born.items():
            delta[b] += v.aval.size
            delta[last.get(v, -1) + 1] -= v.aval.size
        self.sizes = [int(s) for s in np.cumsum(delta)[: T + 1]]
        # per-equation work (elements touched; a contraction counts its multiply-adds)
        self.work = np.zeros(T + 1)
        self.ops = np.zeros(T + 1)
        for i, e in enumerate(eqns):
            if not self.useful_eqn[i]:
                continue
            w = sum(v.aval.size for v in e.outvars)
            if e.prim.name == "dot_general":
                (lc, _), _ = e.params["dimension_numbers"]
                w *= int(np.prod([e.inputs[0].aval.shape[d] for d in lc], dtype=np.int64))
            self.work[i + 1] = w
            self.ops[i + 1] = 1
        self.cum_work = np.cumsum(self.work)
        self.cum_ops = np.cumsum(self.ops)

    def frontier(self, t: int) -> list[Var]:
        """The values crossing position ``t`` (in program order)."""
        return [v for v, b in self.born.items() if b <= t <= self.last.get(v, -1)]

    def seg_work(self, a: int, b: int) -> tuple[float, float]:
        """(elements, primitives) of the useful equations between positions a and b."""
        return float(self.cum_work[b] - self.cum_work[a]), float(self.cum_ops[b] - self.cum_ops[a])


def _pass_cost(work: float, ops: float, passes: int, mode: str) -> float:
    if passes == 0:
        return 0.0
    f = 1.0 if mode == "fwd" else _REV_FACTOR
    return f * (ops * _OP + passes * work) + work  # + the primal


def _matmul_cost(a: int, b: int, c: int) -> float:
    return _OP + _FLOP * a * b * c


class Step:
    """One leaf of a plan: the Jacobian of the program between two cuts, by one mode."""

    def __init__(self, a: int, b: int, mode: str, d_in: int, d_out: int) -> None:
        self.a, self.b, self.mode, self.d_in, self.d_out = a, b, mode, d_in, d_out

    @property
    def passes(self) -> int:
        return self.d_in if self.mode == "fwd" else self.d_out


Tree = Any  # a Step, or a pair (left tree, right tree) meaning right @ left


class JacobianPlan:
    """How a full Jacobian is computed: the strategy, the cuts and the predicted passes.

    ``str()`` prints it. ``strategy`` is ``"fwd"``, ``"rev"`` or ``"mixed"``; ``passes`` is
    the total number of JVPs and VJPs the strategy pushes through (their batch sizes);
    ``costs`` holds the model's predicted cost of each strategy.
    """

    def __init__(self, name: str, n: int, m: int, cuts: list[tuple[int, int, str]], tree: Tree,
                 costs: dict[str, float], strategy: str) -> None:  # fmt: skip
        self.name, self.n, self.m, self.cuts, self.tree = name, n, m, cuts, tree
        self.costs, self.strategy = costs, strategy

    def steps(self) -> list[Step]:
        """The leaves of the mixed bracketing, in the order they are computed."""
        out: list[Step] = []

        def walk(t: Tree) -> None:
            if isinstance(t, Step):
                out.append(t)
            else:
                walk(t[0])
                walk(t[1])

        walk(self.tree)
        return out

    @property
    def passes(self) -> int:
        """Predicted passes of the chosen strategy."""
        if self.strategy == "fwd":
            return self.n
        if self.strategy == "rev":
            return self.m
        return sum(s.passes for s in self.steps())

    def _bracket(self, t: Tree) -> str:
        if isinstance(t, Step):
            return f"J[{t.a}->{t.b}]"
        return f"({self._bracket(t[1])} @ {self._bracket(t[0])})"

    def __str__(self) -> str:
        lines = [f"JacobianPlan for {self.name}: R^{self.n} -> R^{self.m}"]
        lines.append("  cuts (position in the program: total size of the values crossing it):")
        for pos, size, what in self.cuts:
            lines.append(f"    {pos:>4}: {size:>7}  {what}")
        mixed = sum(s.passes for s in self.steps())
        lines.append(f"  forward : {self.n:>7} passes  cost {self.costs['fwd']:.3g}")
        lines.append(f"  reverse : {self.m:>7} passes  cost {self.costs['rev']:.3g}")
        lines.append(f"  mixed   : {mixed:>7} passes  cost {self.costs['mixed']:.3g}  J = {self._bracket(self.tree)}")
        for s in self.steps():
            lines.append(f"    J[{s.a}->{s.b}] ({s.d_out}x{s.d_in}) by {s.mode}: {s.passes} passes")
        lines.append(f"  chosen  : {self.strategy} ({self.passes} passes)")
        return "\n".join(lines)

    __repr__ = __str__


def _describe(vs: Sequence[Var]) -> str:
    return " ".join(v.aval.str_short() for v in vs[:4]) + (" ..." if len(vs) > 4 else "")


def _best_bracketing(an: _Analysis, n: int, m: int) -> tuple[list[int], Tree, float]:
    T = len(an.ir.eqns)
    best_pure = min(n, m)
    sz = an.sizes
    # the narrowest positions: first of each plateau of a local minimum, below both pure modes
    cand = [t for t in range(1, T) if 0 < sz[t] < best_pure and sz[t] < sz[t - 1] and sz[t] <= sz[t + 1]]
    if len(cand) > _MAX_CUTS:
        cand = sorted(sorted(cand, key=lambda t: (an.sizes[t], t))[:_MAX_CUTS])
    pos = [0] + cand + [T]
    d = [n] + [an.sizes[t] for t in cand] + [m]
    K = len(pos)
    cost: dict[tuple[int, int], float] = {}
    tree: dict[tuple[int, int], Tree] = {}
    for span in range(1, K):
        for i in range(K - span):
            j = i + span
            w, ops = an.seg_work(pos[i], pos[j])
            options: list[tuple[float, Tree]] = [
                (_pass_cost(w, ops, d[i], "fwd"), Step(pos[i], pos[j], "fwd", d[i], d[j])),
                (_pass_cost(w, ops, d[j], "rev"), Step(pos[i], pos[j], "rev", d[i], d[j])),
            ]
            for k in range(i + 1, j):
                options.append((cost[i, k] + cost[k, j] + _matmul_cost(d[j], d[k], d[i]), (tree[i, k], tree[k, j])))
            cost[i, j], tree[i, j] = min(options, key=lambda o: o[0])
    return pos, tree[0, K - 1], cost[0, K - 1]


def make_plan(an: _Analysis, n: int, m: int, name: str) -> JacobianPlan:
    """The plan for a program analysed by :class:`_Analysis`."""
    T = len(an.ir.eqns)
    pos, tree, mixed_cost = _best_bracketing(an, n, m)
    w, ops = an.seg_work(0, T)
    costs = {"fwd": _pass_cost(w, ops, n, "fwd"), "rev": _pass_cost(w, ops, m, "rev"), "mixed": mixed_cost}
    pure = "fwd" if n <= m else "rev"
    strategy = "mixed" if isinstance(tree, tuple) and mixed_cost <= AUTO_MARGIN * min(costs["fwd"], costs["rev"]) \
        else pure  # fmt: skip
    cuts = [(p, an.sizes[p] if 0 < p < T else (n if p == 0 else m), _describe(an.frontier(p))) for p in pos]
    return JacobianPlan(name, n, m, cuts, tree, costs, strategy)


class _Prepared:
    """Per input signature: the program, its analysis and plan (the program is kept only
    when it closes over no traced values)."""

    def __init__(self, g: VectorFunction, name: str) -> None:
        ir = g.ir()
        self.ir = ir
        self.out_avals = g.out_avals
        self.out_tree = g.flat.out_tree
        self.analysis = _Analysis(ir)
        self.plan = make_plan(self.analysis, g.n, g.m, name)
        self.cacheable = not any(isinstance(c, Tracer) for c in ir.consts)


def _run_segment(an: _Analysis, env: dict[Var, Any], a: int, b: int) -> Callable[[Any], Any]:
    """The part of the program between positions a and b, as a function of a flat vector."""
    ins, outs = an.frontier(a), an.frontier(b)
    # the differentiated equations, and any others whose values the primal pass did not reach
    eqns = [e for i, e in enumerate(an.ir.eqns[a:b], a) if an.useful_eqn[i] or e.outvars[0] not in env]

    def seg(v: Any) -> Any:
        local = dict(env)
        off = 0
        for var in ins:
            piece = v if len(ins) == 1 else lax.index(v, slice(off, off + var.aval.size))
            local[var] = lax.reshape(piece, var.aval.shape)
            off += var.aval.size
        for e in eqns:
            r = bind(e.prim, [x.val if isinstance(x, Literal) else local[x] for x in e.inputs], e.params)
            local.update(zip(e.outvars, r if e.prim.multiple_results else [r]))
        flat = [lax.reshape(local[var], (var.aval.size,)) for var in outs]
        return flat[0] if len(flat) == 1 else lax.concatenate(flat, 0)

    return seg


def _leaves(t: Tree) -> list[Step]:
    return [t] if isinstance(t, Step) else _leaves(t[0]) + _leaves(t[1])


def _concat_values(env: dict[Var, Any], vs: Sequence[Var]) -> Any:
    flat = [lax.reshape(env[v], (v.aval.size,)) for v in vs]
    return flat[0] if len(flat) == 1 else lax.concatenate(flat, 0)


def run_plan(prep: _Prepared, x0: Any, strategy: str | None = None) -> Any:
    """The ``(m, n)`` Jacobian at ``x0`` by the plan (``strategy`` overrides its choice)."""
    an, ir = prep.analysis, prep.ir
    plan = prep.plan
    n, m = plan.n, plan.m
    how = strategy or plan.strategy
    T = len(ir.eqns)
    dtype = ir.invars[0].aval.dtype
    if not an.sizes[T]:  # the outputs do not depend on the inputs
        return np.zeros((m, n), dtype)
    if how in ("fwd", "rev"):
        tree: Tree = Step(0, T, how, n, m)
    else:
        tree = plan.tree
    # the primal: values independent of the input, and the program up to the last cut a step
    # starts from (each step recomputes the primal values it needs itself)
    stop = max(s.a for s in _leaves(tree))
    env: dict[Var, Any] = dict(zip(ir.constvars, ir.consts))
    env[ir.invars[0]] = x0
    for i, e in enumerate(ir.eqns):
        if i >= stop and an.useful_eqn[i]:
            continue
        if any(isinstance(a, Var) and a not in env for a in e.inputs):
            continue  # depends on a value past the last cut
        r = bind(e.prim, [x.val if isinstance(x, Literal) else env[x] for x in e.inputs], e.params)
        env.update(zip(e.outvars, r if e.prim.multiple_results else [r]))

    def evaluate(t: Tree) -> Any:
        if isinstance(t, Step):
            seg = _run_segment(an, env, t.a, t.b)
            v = _concat_values(env, an.frontier(t.a))
            jac = (jacfwd if t.mode == "fwd" else jacrev)(seg)(v)
            return lax.reshape(jac, (t.d_out, t.d_in))
        left, right = evaluate(t[0]), evaluate(t[1])
        return lax.dot_general(right, left, (((1,), (0,)), ((), ())))

    return evaluate(tree)


def _prepare(g: VectorFunction, cache: dict[Any, _Prepared], name: str) -> _Prepared:
    key = g.key
    prep = cache.get(key) if key[0] is not None else None
    if prep is None:
        prep = _Prepared(g, name)
        if key[0] is not None and prep.cacheable:
            cache[key] = prep
    else:
        g.out_avals, g.flat.out_tree = prep.out_avals, prep.out_tree
    return prep


def jacobian_plan(fun: Callable[..., Any], argnums: int | Sequence[int] = 0) -> Callable[..., JacobianPlan]:
    """How ``jacobian(fun, mode="mixed")`` (and ``mode="auto"``) computes the Jacobian.

    ``jacobian_plan(f)(*args)`` traces ``f`` on the arguments' shapes and returns a
    printable :class:`JacobianPlan`: the narrowest cuts of the program, the bracketing the
    matrix-chain dynamic program chose, the passes (JVPs/VJPs) each strategy needs and
    which one ``mode="auto"`` takes.
    """

    def plan_f(*args: Any, **kwargs: Any) -> JacobianPlan:
        g = VectorFunction(fun, args, kwargs, argnums, "jacobian_plan")
        return _Prepared(g, getattr(fun, "__name__", "fun")).plan

    plan_f.__name__ = f"jacobian_plan({getattr(fun, '__name__', 'fun')})"
    return plan_f


def mixed_jacobian(
    fun: Callable[..., Any], argnums: int | Sequence[int] = 0, has_aux: bool = False
) -> Callable[..., Any]:
    """``jacobian(fun, mode="mixed")``: the Jacobian by the bracketing of
    :func:`jacobian_plan` (which may be a single pure-mode pass when no cut pays off).
    Same result structure as :func:`functrans.jacfwd`; plans are cached per input signature."""
    if has_aux:
        raise NotImplementedError("jacobian(mode='mixed') does not support has_aux=True yet; use mode='fwd' or 'rev'")
    cache: dict[Any, _Prepared] = {}

    def jac_f(*args: Any, **kwargs: Any) -> Any:
        g = VectorFunction(fun, args, kwargs, argnums, "jacobian")
        prep = _prepare(g, cache, getattr(fun, "__name__", "fun"))
        jac = run_plan(prep, g.vector(), "mixed")
        return g.unflatten(jac, argnums)

    jac_f.__name__ = f"jacobian({getattr(fun, '__name__', 'fun')})"
    jac_f.__doc__ = fun.__doc__
    return jac_f


def auto_jacobian(
    fun: Callable[..., Any], argnums: int | Sequence[int], fallback: Callable[..., Any]
) -> Callable[..., Any]:
    """``jacobian(fun, mode="auto")``: mixed mode where the plan predicts it clearly cheaper
    than both pure modes, else ``fallback`` (the pure-mode choice). The decision is made once
    per input signature; a function that cannot be traced on abstract values (Python control
    flow on values), has complex or mixed-precision inputs or outputs, goes to ``fallback``."""
    decided: dict[Any, _Prepared | None] = {}
    name = getattr(fun, "__name__", "fun")

    def jac_f(*args: Any, **kwargs: Any) -> Any:
        sig = _signature_key(args, kwargs)  # cheap: a known pure-mode signature goes straight on
        if sig is None or decided.get(sig, False) is None:  # (no signature: no plan to cache)
            return fallback(*args, **kwargs)
        try:
            g = VectorFunction(fun, args, kwargs, argnums, "jacobian")
        except Exception:  # the pure path reports it in its own words
            decided[sig] = None
            return fallback(*args, **kwargs)
        prep = decided.get(sig)
        if prep is not None:
            g.out_avals, g.flat.out_tree = prep.out_avals, prep.out_tree
        else:
            try:
                prep = _Prepared(g, name)
                kinds = {a.dtype for a in g.in_avals + g.out_avals}
                if prep.plan.strategy != "mixed" or len(kinds) != 1 or kinds.pop().kind != "f":
                    prep = None
            except Exception:
                prep = None
            if prep is None or prep.cacheable:
                decided[sig] = prep
            if prep is None:
                return fallback(*args, **kwargs)
        return g.unflatten(run_plan(prep, g.vector(), "mixed"), argnums)

    jac_f.__name__ = f"jacobian({name})"
    jac_f.__doc__ = fun.__doc__
    return jac_f


# --------------------------------------------------------------------------- the public entry point


def jacobian(
    fun: Callable[..., Any],
    argnums: int | Sequence[int] = 0,
    has_aux: bool = False,
    holomorphic: bool = False,
    mode: str = "auto",
    chunk_size: int | None = None,
) -> Callable[..., Any]:
    """The Jacobian of ``fun`` by ``mode``: ``"fwd"``, ``"rev"`` or ``"auto"``.

    ``"auto"`` evaluates ``fun`` once (recording its linearization), then uses
    forward mode if the total input size ``n`` is at most the total output size
    ``m`` and reverse mode otherwise (:func:`jacobian_mode`): the cost is ``n``
    JVPs or ``m`` VJPs. The result is the same in every mode. ``"mixed"`` cuts the
    program at its narrowest points and brackets the chain of Jacobians by dynamic
    programming (:func:`functrans.jacobian_plan` shows the plan); ``"auto"`` takes it
    when predicted clearly cheaper than both pure modes.

    Complex values follow :func:`jacfwd`/:func:`jacrev`: without ``holomorphic`` a complex
    input needs reverse mode (``df/dx - i df/dy``) and a complex output forward mode, which
    ``"auto"`` then takes; ``holomorphic=True`` (complex inputs and outputs) gives ``f'(z)`` in
    either mode. ``"mixed"`` is for real floating values only.
    """
    if mode not in ("fwd", "rev", "auto", "mixed"):
        raise ValueError(f"jacobian: mode must be 'fwd', 'rev', 'auto' or 'mixed', got {mode!r}")
    if mode == "mixed" or (mode == "auto" and not has_aux and chunk_size is None and not holomorphic):
        if mode == "mixed":
            return mixed_jacobian(fun, argnums, has_aux)
        return auto_jacobian(fun, argnums, jacobian_wrapper(fun, argnums, has_aux, mode, chunk_size))
    return jacobian_wrapper(fun, argnums, has_aux, mode, chunk_size, holomorphic)
