"""jit: trace once per input signature, optimise the IR, run it as generated code.

``jit(fun)`` traces ``fun`` on abstract inputs (shapes and dtypes only) the first
time it sees a given signature — pytree structure, shapes, dtypes, weak types and
the values of static arguments — and caches the resulting :class:`IR`. Calls with
concrete arguments run that IR as straight-line NumPy code generated once
(:mod:`functrans._src.codegen`) after the passes of :mod:`functrans._src.optimize`.

Python side effects in ``fun`` (printing, appending to a list, reading a global)
happen only while tracing, i.e. on the first call for each signature; later calls
replay the recorded program. Arrays ``fun`` closes over are constants of the
trace: their values at tracing time are baked in.

``jit`` is a higher-order primitive, ``jit_p``, whose parameter ``ir`` is the
traced program. When a jitted function is applied to traced values (inside grad,
vmap, make_ir or another jit) the primitive is bound like any other, and its rules
below transform the sub-program — each result is itself a cached program run by
``jit_p`` — so every transformation composes with jit in both directions:

* JVP: the primal outputs come from the program itself; the tangents from a
  second program computing only the tangents (it recomputes the primal values the
  tangents need). Two programs, so that under reverse mode the primal results
  stay concrete while the tangent program is recorded into the linear IR.
* transpose: the known (primal) equations of the tangent program are run
  forward, the rest — linear in the tangents — is transposed.
* batching: the sub-program is vmapped into a new program.
"""

from __future__ import annotations

import inspect
import weakref
from collections.abc import Callable, Hashable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np

from functrans._src.batching import vmap_flat
from functrans._src.core import (
    IR,
    Literal,
    Primitive,
    ShapedArray,
    Tracer,
    Var,
    bind,
    eval_ir,
    get_aval,
    is_float_dtype,
    tangent_aval,
    zeros_for,
)
from functrans._src.jvp import jvp_flat
from functrans._src.staging import closure_convert, trace_to_ir
from functrans._src.transpose import backward_pass, is_undefined
from functrans._src.tree_util import PyTreeDef, tree_flatten, tree_unflatten

jit_p = Primitive("jit", multiple_results=True)

# Programs derived from a sub-program (compiled code, JVP, transpose and batched
# programs), cached on the sub-program itself.
_derived: weakref.WeakKeyDictionary[IR, dict[Hashable, Any]] = weakref.WeakKeyDictionary()


def _cached(ir: IR, key: Hashable, make: Callable[[], Any]) -> Any:
    table = _derived.get(ir)
    if table is None:
        table = _derived[ir] = {}
    val = table.get(key)
    if val is None:
        val = table[key] = make()
    return val


def executable(ir: IR) -> Callable[..., list[Any]]:
    """The compiled form of ``ir`` (optimised, then generated code), built once per program."""

    def make() -> Callable[..., list[Any]]:
        from functrans._src.codegen import compile_ir
        from functrans._src.fusion import fuse
        from functrans._src.optimize import optimize
        from functrans._src.passes.broadcast_products import broadcast_products

        return compile_ir(fuse(broadcast_products(optimize(ir))))

    return _cached(ir, "executable", make)  # type: ignore[no-any-return]


def _jit_impl(*args: Any, ir: IR, name: str) -> list[Any]:
    return executable(ir)(*args)


def _jit_abstract_eval(*avals: ShapedArray, ir: IR, name: str) -> list[ShapedArray]:
    if len(avals) != len(ir.invars):
        raise TypeError(f"jit program {name} takes {len(ir.invars)} inputs, got {len(avals)}")
    for i, (a, v) in enumerate(zip(avals, ir.invars)):
        if a.shape != v.aval.shape or a.dtype != v.aval.dtype:
            raise TypeError(
                f"jit program {name}: input {i} has type {a.str_short()}, expected {v.aval.str_short()}"
            )
    return [ShapedArray(a.aval.shape, a.aval.dtype) for a in ir.outvars]


def _jvp_program(ir: IR, nonzero: tuple[bool, ...], instantiate: bool = False) -> tuple[IR, tuple[bool, ...]]:
    """A program from (primals, nonzero tangents) to the nonzero output tangents.

    With ``instantiate`` every floating output gets a tangent (zeros where it is a
    symbolic zero), so that programs of the same outputs agree on which are returned.
    """
    n = len(ir.invars)
    in_avals = [v.aval for v in ir.invars]
    in_avals += [tangent_aval(a) for a, nz in zip(in_avals, nonzero) if nz]
    out_nonzero: list[bool] = []

    def tangents_only(*args: Any) -> list[Any]:
        rest = iter(args[n:])
        tangents = [next(rest) if nz else None for nz in nonzero]
        _, touts = jvp_flat(lambda *xs: eval_ir(ir, ir.consts, xs), args[:n], tangents)
        if instantiate:
            touts = [
                (zeros_for(tangent_aval(v.aval)) if t is None else t) if is_float_dtype(v.aval.dtype) else None
                for t, v in zip(touts, ir.outvars)
            ]
        out_nonzero.extend(t is not None for t in touts)
        return [t for t in touts if t is not None]

    prog, _ = trace_to_ir(tangents_only, in_avals)
    return prog, tuple(out_nonzero)


def _split_jvp_program(ir: IR, nonzero: tuple[bool, ...]) -> tuple[IR, IR, int, tuple[bool, ...]]:
    """Partial evaluation of the JVP of ``ir``: a *known* program from the primals to the
    primal outputs and the residuals, and a *linear* program from (residuals, nonzero
    tangents) to the nonzero output tangents. The primal work is done once, in the first."""
    n = len(ir.invars)
    in_avals = [v.aval for v in ir.invars]
    in_avals += [tangent_aval(a) for a, nz in zip(in_avals, nonzero) if nz]
    out_nonzero: list[bool] = []

    def full(*args: Any) -> list[Any]:
        rest = iter(args[n:])
        tangents = [next(rest) if nz else None for nz in nonzero]
        pouts, touts = jvp_flat(lambda *xs: eval_ir(ir, ir.consts, xs), args[:n], tangents)
        out_nonzero.extend(t is not None for t in touts)
        return list(pouts) + [t for t in touts if t is not None]

    prog, _ = trace_to_ir(full, in_avals)
    n_out = len(ir.outvars)
    unknown: set[Var] = set(prog.invars[n:])
    known_eqns, lin_eqns = [], []
    for e in prog.eqns:
        if any(type(a) is Var and a in unknown for a in e.inputs):
            lin_eqns.append(e)
            unknown.update(e.outvars)
        else:
            known_eqns.append(e)
    constvars = set(prog.constvars)
    residuals: list[Var] = []
    seen: set[Var] = set()
    uses = [a for e in lin_eqns for a in e.inputs] + list(prog.outvars[n_out:])
    for a in uses:
        if type(a) is Var and a not in unknown and a not in constvars and a not in seen:
            seen.add(a)
            residuals.append(a)
    known = IR(prog.constvars, prog.consts, prog.invars[:n], known_eqns, list(prog.outvars[:n_out]) + residuals)
    lin = IR(prog.constvars, prog.consts, residuals + prog.invars[n:], lin_eqns, list(prog.outvars[n_out:]))
    return known, lin, len(residuals), tuple(out_nonzero)


def _jit_jvp(primals: Sequence[Any], tangents: Sequence[Any], ir: IR, name: str) -> tuple[Any, Any]:
    nonzero = tuple(t is not None for t in tangents)
    known, lin, _, out_nonzero = _cached(ir, ("jvp", nonzero), lambda: _split_jvp_program(ir, nonzero))
    if not any(out_nonzero):
        return bind(jit_p, primals, {"ir": ir, "name": name}), [None] * len(ir.outvars)
    res = bind(jit_p, primals, {"ir": known, "name": name})
    n_out = len(ir.outvars)
    args = res[n_out:] + [t for t in tangents if t is not None]
    touts = iter(bind(jit_p, args, {"ir": lin, "name": f"jvp({name})"}))
    return res[:n_out], [next(touts) if nz else None for nz in out_nonzero]


def _transpose_program(ir: IR, undefined: tuple[bool, ...], ct_nonzero: tuple[bool, ...]) -> IR:
    """A program from (known inputs, nonzero output cotangents) to the undefined inputs' cotangents."""
    known_in = [v for v, u in zip(ir.invars, undefined) if not u]
    lin_in = [v for v, u in zip(ir.invars, undefined) if u]
    out_avals = [tangent_aval(a.aval) for a, nz in zip(ir.outvars, ct_nonzero) if nz]

    def transposed(*args: Any) -> list[Any]:
        env: dict[Var, Any] = dict(zip(ir.constvars, ir.consts))
        env.update(zip(known_in, args[: len(known_in)]))
        rest = iter(args[len(known_in) :])
        cts = [next(rest) if nz else None for nz in ct_nonzero]
        linear = []
        for e in ir.eqns:  # run what does not depend on the linear inputs; keep the rest
            if all(type(a) is Literal or a in env for a in e.inputs):
                out = bind(e.prim, [a.val if type(a) is Literal else env[a] for a in e.inputs], e.params)
                env.update(zip(e.outvars, out if e.prim.multiple_results else [out]))
            else:
                linear.append(e)
        lin = IR(list(env), list(env.values()), lin_in, linear, ir.outvars)
        cts_in = backward_pass(lin, lin.consts, cts)
        return [zeros_for(tangent_aval(v.aval)) if c is None else c for c, v in zip(cts_in, lin_in)]

    prog, _ = trace_to_ir(transposed, [v.aval for v in known_in] + out_avals)
    return prog


def _jit_transpose(cts: Sequence[Any], *args: Any, ir: IR, name: str) -> list[Any]:
    undefined = tuple(is_undefined(a) for a in args)
    ct_nonzero = tuple(c is not None for c in cts)
    if not any(ct_nonzero):
        return [None] * len(args)
    prog = _cached(ir, ("transpose", undefined, ct_nonzero), lambda: _transpose_program(ir, undefined, ct_nonzero))
    ins = [a for a in args if not is_undefined(a)] + [c for c in cts if c is not None]
    res = iter(bind(jit_p, ins, {"ir": prog, "name": f"transpose({name})"}))
    return [next(res) if u else None for u in undefined]


def _batch_program(ir: IR, dims: tuple[int | None, ...], size: int, in_avals: list[ShapedArray]) -> IR:
    """The program vmapped over axes ``dims`` of its inputs; every output batched along axis 0."""
    from functrans._src.lax import broadcast_to, moveaxis

    def batched(*args: Any) -> list[Any]:
        outs, out_dims = vmap_flat(lambda *xs: eval_ir(ir, ir.consts, xs), args, dims, size)
        return [
            broadcast_to(o, (size,) + get_aval(o).shape) if d is None else moveaxis(o, d, 0)
            for o, d in zip(outs, out_dims)
        ]

    prog, _ = trace_to_ir(batched, in_avals)
    return prog


def _jit_batch(vals: Sequence[Any], dims: Sequence[int | None], ir: IR, name: str) -> tuple[Any, Any]:
    size = next(np.shape(v)[d] for v, d in zip(vals, dims) if d is not None)
    in_avals = [ShapedArray(get_aval(v).shape, get_aval(v).dtype) for v in vals]
    key = ("vmap", tuple(dims), size)
    prog = _cached(ir, key, lambda: _batch_program(ir, tuple(dims), size, in_avals))
    outs = bind(jit_p, vals, {"ir": prog, "name": f"vmap({name})"})
    return outs, [0] * len(outs)


jit_p.impl = _jit_impl
jit_p.abstract_eval = _jit_abstract_eval
jit_p.jvp = _jit_jvp
jit_p.transpose = _jit_transpose
jit_p.batch = _jit_batch

# --------------------------------------------------------------------------- the API

_jit_disabled = False


@contextmanager
def disable_jit() -> Iterator[None]:
    """Within this context, jitted functions run eagerly, op by op (for debugging, as ``jax.disable_jit``)."""
    global _jit_disabled
    prev = _jit_disabled
    _jit_disabled = True
    try:
        yield
    finally:
        _jit_disabled = prev


class _Entry:
    """One specialisation of a jitted function: its program and output structure."""

    __slots__ = ("ir", "out_tree", "run", "closed_over")

    def __init__(self, ir: IR, out_tree: PyTreeDef, closed_over: list[Any]) -> None:
        self.ir = ir
        self.out_tree = out_tree
        # values of enclosing transformations the function closed over: leading inputs of ir
        self.closed_over = closed_over
        self.run = executable(ir)


def _leaf_key(x: Any) -> tuple[Any, ...]:
    if isinstance(x, np.ndarray):
        return (x.shape, x.dtype, False)
    av = get_aval(x)
    return (av.shape, av.dtype, av.weak_type)


class Lowered:
    """A jitted function specialised to some arguments: its traced and optimised programs
    and the generated source. ``str()`` shows the optimised program and the source."""

    def __init__(self, name: str, ir: IR) -> None:
        from functrans._src.codegen import compile_ir
        from functrans._src.optimize import optimize

        self.name = name
        self.traced_ir = ir
        self.ir = optimize(ir)
        self._compiled = compile_ir(self.ir)
        self.source: str = self._compiled.source

    def as_text(self) -> str:
        """The optimised program followed by the Python source generated from it."""
        n0, n1 = len(self.traced_ir.eqns), len(self.ir.eqns)
        return (
            f"# {self.name}: {n0} equations traced, {n1} after optimisation\n"
            f"{self.ir}\n\n# generated code\n{self.source}"
        )

    __str__ = as_text

    def compile(self, interpret: bool = False) -> Callable[..., list[Any]]:
        """The flat callable: generated code, or with ``interpret=True`` the IR interpreter."""
        if interpret:
            ir = self.ir
            return lambda *args: eval_ir(ir, ir.consts, args)
        return self._compiled  # type: ignore[no-any-return]


class JitFunction:
    """The callable returned by :func:`jit`."""

    def __init__(
        self, fun: Callable[..., Any], static_argnums: tuple[int, ...], static_argnames: tuple[str, ...]
    ) -> None:
        self.fun = fun
        self.__name__ = getattr(fun, "__name__", "fun")
        self.__doc__ = fun.__doc__
        self.__wrapped__ = fun
        self._cache: dict[Hashable, _Entry] = {}
        # dispatch fast path: positional plain ndarrays only -> (generated function, output tree, single leaf)
        self._fast: dict[tuple[Any, ...], tuple[Callable[..., list[Any]], PyTreeDef, bool]] = {}
        nums, names = set(static_argnums), set(static_argnames)
        try:  # a static argument may be named by position or by keyword, as in JAX
            params = [
                p
                for p in inspect.signature(fun).parameters.values()
                if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
            ]
            for i, p in enumerate(params):
                if p.name in names:
                    nums.add(i)
                if i in nums and p.kind is p.POSITIONAL_OR_KEYWORD:
                    names.add(p.name)
        except (TypeError, ValueError):
            pass
        self.static_argnums = tuple(sorted(nums))
        self.static_argnames = tuple(sorted(names))

    def _split(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, list[Any], PyTreeDef, Hashable]:
        statics = tuple(n % len(args) if n < 0 else n for n in self.static_argnums if -len(args) <= n < len(args))
        dyn_args = tuple(a for i, a in enumerate(args) if i not in statics)
        dyn_kwargs = {k: v for k, v in kwargs.items() if k not in self.static_argnames}
        static_vals = tuple((i, args[i]) for i in statics) + tuple(
            sorted((k, v) for k, v in kwargs.items() if k in self.static_argnames)
        )
        try:
            hash(static_vals)
        except TypeError:
            bad = next(v for _, v in static_vals if _unhashable(v))
            raise ValueError(
                f"jit: static arguments must be hashable (they key the cache), but got a value of type "
                f"{type(bad).__name__}. Pass arrays as ordinary (traced) arguments, or convert the "
                "static value to a tuple."
            ) from None
        flat, tree = tree_flatten((dyn_args, dyn_kwargs))
        return static_vals, flat, tree, statics

    def _entry(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[_Entry, list[Any]]:
        static_vals, flat, tree, statics = self._split(args, kwargs)
        try:
            key = (tree, static_vals, tuple(_leaf_key(x) for x in flat))
        except TypeError:
            from functrans._src.api import _check_leaf

            for i, x in enumerate(flat):
                _check_leaf(x, f"argument leaf {i} of jitted function {self.__name__}")
            raise
        entry = self._cache.get(key)
        if entry is None:
            entry = self._trace(args, kwargs, flat, tree, statics)
            if not entry.closed_over:  # a trace that closed over traced values is good for this call only
                self._cache[key] = entry
        return entry, flat

    def _trace(
        self, args: tuple[Any, ...], kwargs: dict[str, Any], flat: list[Any], tree: PyTreeDef, statics: Any
    ) -> _Entry:
        from functrans._src.api import _check_leaf

        out_tree: list[PyTreeDef] = []

        def flat_fun(*leaves: Any) -> list[Any]:
            dyn_args, dyn_kwargs = tree_unflatten(tree, list(leaves))
            it = iter(dyn_args)
            full = [args[i] if i in statics else next(it) for i in range(len(args))]
            kw = {k: (kwargs[k] if k in self.static_argnames else dyn_kwargs[k]) for k in kwargs}
            out = self.fun(*full, **kw)
            leaves_out, td = tree_flatten(out)
            for leaf in leaves_out:
                _check_leaf(leaf, f"An output of jitted function {self.__name__}")
            out_tree.append(td)
            return leaves_out

        avals = [get_aval(_check_leaf(x, f"argument leaf {i}")) for i, x in enumerate(flat)]
        ir, _ = trace_to_ir(flat_fun, avals)
        ir, closed_over = closure_convert(ir)
        return _Entry(ir, out_tree[0], closed_over)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if _jit_disabled:
            return self.fun(*args, **kwargs)
        if not kwargs:  # fast path: every argument a plain ndarray, seen before
            key: list[Any] = []
            for a in args:
                if type(a) is not np.ndarray:
                    break
                key += (a.shape, a.dtype)
            else:
                hit = self._fast.get(tuple(key))
                if hit is not None:
                    outs = hit[0](*args)
                    if hit[2]:
                        o = outs[0]
                        return o if type(o) is np.ndarray else np.asarray(o)
                    return tree_unflatten(hit[1], [o if type(o) is np.ndarray else np.asarray(o) for o in outs])
        entry, flat = self._entry(args, kwargs)
        if not kwargs and not self.static_argnums and not entry.closed_over and len(flat) == len(args):
            if all(type(a) is np.ndarray for a in args):
                single = entry.out_tree.num_leaves == 1 and tree_unflatten(entry.out_tree, [args]) is args
                self._fast[tuple(k for a in args for k in (a.shape, a.dtype))] = (entry.run.fn, entry.out_tree, single)
        if entry.closed_over:
            flat = entry.closed_over + flat
        for x in flat:
            if isinstance(x, Tracer):
                outs = bind(jit_p, flat, {"ir": entry.ir, "name": self.__name__})
                break
        else:
            outs = entry.run(*flat)
        return tree_unflatten(
            entry.out_tree, [o if isinstance(o, np.ndarray | Tracer) else np.asarray(o) for o in outs]
        )

    def lower(self, *args: Any, **kwargs: Any) -> Lowered:
        """Trace (or fetch from the cache) for these arguments; the result shows the optimised
        program (``str()``/``as_text()``) and the generated code (``.source``)."""
        entry, _ = self._entry(args, kwargs)
        return Lowered(self.__name__, entry.ir)

    def clear_cache(self) -> None:
        """Forget every traced specialisation."""
        self._cache.clear()
        self._fast.clear()

    def _cache_size(self) -> int:
        return len(self._cache)


def _unhashable(v: Any) -> bool:
    try:
        hash(v)
        return False
    except TypeError:
        return True


def jit(
    fun: Callable[..., Any],
    static_argnums: int | Sequence[int] = (),
    static_argnames: str | Sequence[str] = (),
) -> JitFunction:
    """Compile ``fun``: trace it once per input signature, optimise, and run generated code.

    As ``jax.jit``: the cache key is the pytree structure, shapes and dtypes of the
    arguments and the values of the static ones (``static_argnums`` by position,
    ``static_argnames`` by keyword; static values must be hashable). Python side
    effects run only while tracing. Branching in Python on a traced argument
    raises :class:`~functrans.ConcretizationTypeError`: make it static, or use
    ``functrans.numpy.where``. Composes with grad, vmap, jacfwd/jacrev and itself.
    ``jit(f).lower(*args)`` shows the optimised program and the generated code.
    """
    if not callable(fun):
        raise TypeError(f"jit: expected a function, got {type(fun).__name__}")
    nums = (static_argnums,) if isinstance(static_argnums, int) else tuple(static_argnums)
    names = (static_argnames,) if isinstance(static_argnames, str) else tuple(static_argnames)
    for n in nums:
        if not isinstance(n, int):
            raise TypeError(f"jit: static_argnums must be ints, got {static_argnums!r}")
    for s in names:
        if not isinstance(s, str):
            raise TypeError(f"jit: static_argnames must be strings, got {static_argnames!r}")
    return JitFunction(fun, nums, names)
