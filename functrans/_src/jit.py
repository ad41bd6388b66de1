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

import functools
import inspect
import threading
import weakref
from collections import OrderedDict
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
    check_leaf,
    eval_ir,
    get_aval,
    is_float_dtype,
    plain,
    tangent_aval,
    unaliased,
    zeros_for,
)
from functrans._src.jvp import jvp_flat
from functrans._src.staging import closure_convert, trace_to_ir
from functrans._src.transpose import backward_pass, is_undefined
from functrans._src.tree_compiled import leaves_as
from functrans._src.tree_compiled import unflatten as unflatten_compiled
from functrans._src.tree_util import PyTreeDef, tree_flatten, tree_unflatten

jit_p = Primitive("jit", multiple_results=True)
jit_p.complex_ok = True  # its body's primitives check complex operands themselves

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
        from functrans._src.fusion_chunks import chunk
        from functrans._src.optimize import optimize
        from functrans._src.passes import before_codegen, schedule_late

        # scheduled late before fusion too, so that a value is computed next to its use and can
        # fuse with it ((1 - h*h) * ct of a tanh layer's backward: one kernel, one pass)
        return compile_ir(schedule_late(chunk(fuse(schedule_late(before_codegen(optimize(ir)))))))

    return _cached(ir, "executable", make)  # type: ignore[no-any-return]


def _jit_impl(*args: Any, ir: IR, name: str) -> list[Any]:
    return executable(ir)(*args)


def _jit_abstract_eval(*avals: ShapedArray, ir: IR, name: str) -> list[ShapedArray]:
    if len(avals) != len(ir.invars):
        raise TypeError(f"jit program {name} takes {len(ir.invars)} inputs, got {len(avals)}")
    for i, (a, v) in enumerate(zip(avals, ir.invars)):
        if a.shape != v.aval.shape or a.dtype != v.aval.dtype:
            raise TypeError(f"jit program {name}: input {i} has type {a.str_short()}, expected {v.aval.str_short()}")
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


def full_jvp_program(ir: IR, nonzero: tuple[bool, ...]) -> tuple[IR, tuple[bool, ...]]:
    """The JVP of ``ir`` as one program: (primals, nonzero tangents) -> (primal outputs,
    nonzero output tangents), and which output tangents are nonzero."""
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
    return prog, tuple(out_nonzero)


def _split_jvp_program(ir: IR, nonzero: tuple[bool, ...]) -> tuple[IR, IR, int, tuple[bool, ...]]:
    """Partial evaluation of the JVP of ``ir``: a *known* program from the primals to the
    primal outputs and the residuals, and a *linear* program from (residuals, nonzero
    tangents) to the nonzero output tangents. The primal work is done once, in the first."""
    n = len(ir.invars)
    prog, out_nonzero_t = full_jvp_program(ir, nonzero)
    out_nonzero = list(out_nonzero_t)
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


class _ThreadState(threading.local):
    """Per-thread jit state (as JAX's): disabling jit in one thread leaves the others alone."""

    jit_disabled = False


_state = _ThreadState()


@contextmanager
def disable_jit(disable: bool = True) -> Iterator[None]:
    """Within this context, jitted functions run eagerly, op by op (for debugging, as
    ``jax.disable_jit``). It applies to the current thread only."""
    prev = _state.jit_disabled
    _state.jit_disabled = bool(disable)
    try:
        yield
    finally:
        _state.jit_disabled = prev


def jit_is_disabled() -> bool:
    """Whether ``disable_jit`` is in force in the current thread."""
    return bool(_state.jit_disabled)


DEFAULT_CACHE_SIZE = 8192  # specialisations kept per jitted function (least recently used dropped first)
_live_jits: weakref.WeakSet[JitFunction] = weakref.WeakSet()


def clear_caches() -> None:
    """Forget every traced and compiled program: the caches of all jitted functions, the
    programs derived from them (JVP, transpose, vmap) and the shape/dtype rule caches."""
    for f in list(_live_jits):
        f.clear_cache()
    _derived.clear()
    from functrans._src import lax

    for v in list(vars(lax).values()):
        clear = getattr(v, "cache_clear", None)
        if callable(clear):
            clear()


class _Entry:
    """One specialisation of a jitted function: its program and output structure."""

    __slots__ = ("ir", "out_tree", "run", "closed_over", "key")

    def __init__(self, ir: IR, out_tree: PyTreeDef, closed_over: list[Any]) -> None:
        self.key: Hashable = None  # its key in the jitted function's cache
        self.ir = ir
        self.out_tree = out_tree
        # values of enclosing transformations the function closed over: leading inputs of ir
        self.closed_over = closed_over
        self.run = executable(ir)


_SCALAR_TYPES = frozenset({bool, int, float, complex, np.float64, np.float32, np.int64, np.int32, np.bool_})


def _leaf_key(x: Any) -> tuple[Any, ...]:
    if type(x) is np.ndarray:
        return (x.shape, x.dtype, False)
    if type(x) not in _SCALAR_TYPES and not isinstance(x, Tracer):
        check_leaf(x, "an argument")  # raises for subclasses (masked arrays), objects, ...
    av = get_aval(x)
    return (av.shape, av.dtype, av.weak_type)


def _run_fast(hit: Any, leaves: Sequence[Any]) -> list[Any]:
    """Run a fast-path entry's compiled function; its outputs as arrays."""
    return [o if type(o) is np.ndarray else np.asarray(o) for o in hit[0](*leaves)]


class Lowered:
    """A jitted function specialised to some arguments: its traced and optimised programs
    and the generated source. ``str()`` shows the optimised program and the source.
    ``executed`` is what a call runs: the optimised program after jit's code-generation
    passes and fusion (``executed.ir``) and its source (``executed.source``)."""

    def __init__(self, name: str, ir: IR) -> None:
        from functrans._src.codegen import compile_ir
        from functrans._src.optimize import optimize

        self.name = name
        self.traced_ir = ir
        self.ir = optimize(ir)
        self._compiled = compile_ir(self.ir)
        self.source: str = self._compiled.source
        # what a call actually runs: the optimised program after the code-generation passes
        # (functrans._src.passes.before_codegen) and fusion
        self.executed: Any = executable(ir)

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
        self,
        fun: Callable[..., Any],
        static_argnums: tuple[int, ...],
        static_argnames: tuple[str, ...],
        cache_size: int | None = None,
    ) -> None:
        self.fun = fun
        self.__name__ = getattr(fun, "__name__", "fun")
        self.__doc__ = fun.__doc__
        self.__wrapped__ = fun
        self._cache: OrderedDict[Hashable, _Entry] = OrderedDict()
        self.cache_size = DEFAULT_CACHE_SIZE if cache_size is None else cache_size
        _live_jits.add(self)
        # dispatch fast path: positional plain ndarrays only -> (generated function, output tree, single leaf)
        self._fast: dict[tuple[Any, ...], tuple[Callable[..., list[Any]], PyTreeDef, bool, Hashable]] = {}
        self._last_tree: PyTreeDef | None = None  # the last pytree arguments' structure (tried first)
        nums, names = set(static_argnums), set(static_argnames)
        try:
            all_params = list(inspect.signature(fun).parameters.values())
        except (TypeError, ValueError):
            all_params = None
        if all_params is not None:
            _check_static_spec(self.__name__, all_params, static_argnums, static_argnames)
            params = [p for p in all_params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
            # a static argument may be named by position or by keyword, as in JAX
            for i, p in enumerate(params):
                if p.name in names:
                    nums.add(i)
                if (i in nums or i - len(params) in nums) and p.kind is p.POSITIONAL_OR_KEYWORD:
                    names.add(p.name)
        self.static_argnums = tuple(sorted(nums))
        self.static_argnames = tuple(sorted(names))

    def _split(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, list[Any], PyTreeDef, Hashable]:
        statics = tuple(n % len(args) if n < 0 else n for n in self.static_argnums if -len(args) <= n < len(args))
        dyn_args = tuple(a for i, a in enumerate(args) if i not in statics)
        dyn_kwargs = {k: v for k, v in kwargs.items() if k not in self.static_argnames}
        static_vals = tuple((i, _static_key(args[i])) for i in statics) + tuple(
            sorted(((k, _static_key(v)) for k, v in kwargs.items() if k in self.static_argnames), key=lambda kv: kv[0])
        )
        try:
            hash(static_vals)
        except TypeError:
            bad = next(v[1] for _, v in static_vals if _unhashable(v))
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
            self._check_args(args, kwargs, statics)
            raise
        cache = self._cache
        entry = cache.get(key)
        if entry is None:
            entry = self._trace(args, kwargs, flat, tree, statics)
            if not entry.closed_over:  # a trace that closed over traced values is good for this call only
                entry.key = key
                cache[key] = entry
                while len(cache) > self.cache_size:
                    try:
                        cache.popitem(last=False)  # the least recently used
                    except KeyError:  # emptied by another thread
                        break
                    self._fast.clear()  # the dispatch fast path holds only cached specialisations
        elif len(cache) > 1:
            try:
                cache.move_to_end(key)
            except KeyError:  # evicted by another thread meanwhile: the entry is still good
                pass
        return entry, flat

    def _check_args(self, args: tuple[Any, ...], kwargs: dict[str, Any], statics: Any) -> None:
        """Raise for an invalid argument leaf, naming the argument (only on the error path)."""
        from functrans._src.boundary import _arg_names

        names = _arg_names(self.fun, len(args))
        where = f"of jitted function {self.__name__}"
        for i, a in enumerate(args):
            if i not in statics:
                for x in tree_flatten(a)[0]:
                    check_leaf(x, f"{names[i]} {where}")
        for k, v in kwargs.items():
            if k not in self.static_argnames:
                for x in tree_flatten(v)[0]:
                    check_leaf(x, f"keyword argument {k!r} {where}")

    def _trace(
        self, args: tuple[Any, ...], kwargs: dict[str, Any], flat: list[Any], tree: PyTreeDef, statics: Any
    ) -> _Entry:
        from functrans._src.boundary import _check_leaf

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

        self._check_args(args, kwargs, statics)
        avals = [get_aval(x) for x in flat]
        ir, _ = trace_to_ir(flat_fun, avals)
        ir, closed_over = closure_convert(ir)
        return _Entry(ir, out_tree[0], closed_over)

    def _fast_hit(self, leaves: Sequence[Any], tree: PyTreeDef) -> Any:
        """The dispatch fast path's entry for pytree arguments of structure ``tree`` whose
        ``leaves`` are plain ndarrays (None if one is not, or for a first call), keyed by the
        structure and the leaves' shapes and dtypes."""
        key: list[Any] = [tree]
        for a in leaves:
            if type(a) is not np.ndarray:
                return None
            key += (a.shape, a.dtype)
        hit = self._fast.get(tuple(key))
        if hit is not None:
            self._touch(hit)
        return hit

    def _touch(self, hit: Any) -> None:
        """Mark a fast-path entry's specialisation as used, for the least-recently-used bound."""
        try:
            self._cache.move_to_end(hit[3])
        except KeyError:  # evicted by another thread meanwhile
            pass

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if _state.jit_disabled:
            return self.fun(*args, **kwargs)
        if not kwargs:  # fast paths: plain-ndarray arguments (or pytree leaves), seen before
            key: list[Any] = []  # every argument a plain ndarray (inline: the hottest path)
            for a in args:
                if type(a) is not np.ndarray:
                    break
                key += (a.shape, a.dtype)
            else:
                hit = self._fast.get(tuple(key))
                if hit is not None:
                    self._touch(hit)
                    outs = unaliased([o if type(o) is np.ndarray else np.asarray(o) for o in hit[0](*args)], args)
                    return outs[0] if hit[2] else tree_unflatten(hit[1], outs)
            if not self.static_argnums:  # pytree arguments with plain-ndarray leaves
                args_tree = self._last_tree  # the last call's structure first: a compiled match
                flat_args = None if args_tree is None else leaves_as(args_tree, args)
                if flat_args is None:
                    flat_args, args_tree = tree_flatten(args)
                    self._last_tree = args_tree
                hit = self._fast_hit(flat_args, args_tree)
                if hit is not None:
                    return unflatten_compiled(hit[1], unaliased(_run_fast(hit, flat_args), flat_args))
        entry, flat = self._entry(args, kwargs)
        if not kwargs and not self.static_argnums and not entry.closed_over:
            if len(flat) == len(args) and all(type(a) is np.ndarray for a in args):
                single = entry.out_tree.num_leaves == 1 and tree_unflatten(entry.out_tree, [args]) is args
                fast_key = tuple(k for a in args for k in (a.shape, a.dtype))
                self._fast[fast_key] = (entry.run.fn, entry.out_tree, single, entry.key)
            elif all(type(a) is np.ndarray for a in flat):
                # keyed by the structure of the positional arguments (its leaves are ``flat``, in order)
                fast_key = (tree_flatten(args)[1], *(k for a in flat for k in (a.shape, a.dtype)))
                self._fast[fast_key] = (entry.run.fn, entry.out_tree, False, entry.key)
        if entry.closed_over:
            flat = entry.closed_over + flat
        for x in flat:
            if isinstance(x, Tracer):
                outs = bind(jit_p, flat, {"ir": entry.ir, "name": self.__name__})
                break
        else:
            outs = entry.run(*[plain(x) for x in flat])
        outs = [o if isinstance(o, np.ndarray | Tracer) else np.asarray(o) for o in outs]
        return tree_unflatten(entry.out_tree, unaliased(outs, flat))

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


def _check_static_spec(name: str, params: list[inspect.Parameter], nums: Sequence[int], names: Sequence[str]) -> None:
    """static_argnums in range of the positional parameters and static_argnames naming parameters."""
    kinds = {p.kind for p in params}
    n_pos = sum(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) for p in params)
    if inspect.Parameter.VAR_POSITIONAL not in kinds:
        bad = [n for n in nums if not -n_pos <= n < n_pos]
        if bad:
            raise ValueError(
                f"jit: static_argnums={tuple(nums)!r} of function {name} is out of range: the function "
                f"takes {n_pos} positional argument{'s' if n_pos != 1 else ''}"
            )
    if inspect.Parameter.VAR_KEYWORD not in kinds:
        known = {p.name for p in params if p.kind is not p.POSITIONAL_ONLY}
        unknown = sorted(set(names) - known)
        if unknown:
            raise ValueError(
                f"jit: static_argnames names {unknown} that function {name} does not take as keyword "
                f"arguments (it takes {sorted(known)})"
            )


def _static_key(v: Any) -> Hashable:
    """A cache key for a static value: its type and value (so 1, 1.0 and True differ),
    recursively through tuples."""
    if type(v) is tuple:
        return (tuple, tuple(_static_key(x) for x in v))
    return (type(v), v)


def _unhashable(v: Any) -> bool:
    try:
        hash(v)
        return False
    except TypeError:
        return True


_NOT_GIVEN: Any = object()  # jit(static_argnames=...) without the function: a decorator


def jit(
    fun: Any = _NOT_GIVEN,
    static_argnums: int | Sequence[int] | None = (),
    static_argnames: str | Sequence[str] | None = (),
    *,
    donate_argnums: int | Sequence[int] | None = (),
    donate_argnames: str | Sequence[str] | None = (),
    cache_size: int | None = None,
    in_shardings: Any = None,
    out_shardings: Any = None,
    keep_unused: bool = False,
    device: Any = None,
    backend: Any = None,
    inline: bool = False,
    compiler_options: Any = None,
    abstracted_axes: Any = None,
) -> Any:
    """Compile ``fun``: trace it once per input signature, optimise, and run generated code.

    As ``jax.jit``: the cache key is the pytree structure, shapes and dtypes of the
    arguments and the values of the static ones (``static_argnums`` by position,
    ``static_argnames`` by keyword; static values must be hashable). Python side
    effects run only while tracing. Branching in Python on a traced argument
    raises :class:`~functrans.ConcretizationTypeError`: make it static, or use
    ``functrans.numpy.where``. Composes with grad, vmap, jacfwd/jacrev and itself.
    ``jit(f).lower(*args)`` shows the optimised program and the generated code.

    Arrays that ``fun`` closes over are captured (copied) when it is traced: mutating
    them afterwards does not change the compiled program (as in JAX, where arrays are
    immutable). At most ``cache_size`` specialisations are kept (default
    ``DEFAULT_CACHE_SIZE``, 8192, as JAX), the least recently used dropped first;
    ``jit(f).clear_cache()`` and :func:`functrans.clear_caches` empty the caches.
    ``donate_argnums``/``donate_argnames`` are accepted for JAX compatibility and change
    nothing: results never reuse an argument's memory (donated arrays stay valid); so are
    the sharding, device and compiler keywords. Without ``fun`` (``jit(static_argnames=...)``)
    it returns a decorator, as ``jax.jit``.
    """
    if fun is _NOT_GIVEN:
        return functools.partial(jit, static_argnums=static_argnums, static_argnames=static_argnames,
                                 donate_argnums=donate_argnums, donate_argnames=donate_argnames,
                                 cache_size=cache_size)  # fmt: skip
    static_argnums = () if static_argnums is None else static_argnums
    static_argnames = () if static_argnames is None else static_argnames
    donate_argnums = () if donate_argnums is None else donate_argnums
    donate_argnames = () if donate_argnames is None else donate_argnames
    if not callable(fun):
        raise TypeError(f"jit: expected a callable (the function to compile), got {type(fun).__name__}")
    if isinstance(static_argnums, int | np.integer) and not isinstance(static_argnums, bool):
        nums: tuple[Any, ...] = (static_argnums,)
    elif isinstance(static_argnums, tuple | list):
        nums = tuple(static_argnums)
    else:
        raise TypeError(f"jit: static_argnums must be an int or a tuple of ints, got {static_argnums!r}")
    if isinstance(static_argnames, str):
        names: tuple[Any, ...] = (static_argnames,)
    elif isinstance(static_argnames, tuple | list):
        names = tuple(static_argnames)
    else:
        raise TypeError(f"jit: static_argnames must be a string or a tuple of strings, got {static_argnames!r}")
    for n in nums:
        if not isinstance(n, int | np.integer) or isinstance(n, bool):
            raise TypeError(f"jit: static_argnums must be an int or a tuple of ints, got {static_argnums!r}")
    for s in names:
        if not isinstance(s, str):
            raise TypeError(f"jit: static_argnames must be a string or a tuple of strings, got {static_argnames!r}")
    for what, v in (("donate_argnums", donate_argnums), ("donate_argnames", donate_argnames)):
        kind = str if what == "donate_argnames" else int
        items = (v,) if isinstance(v, kind) else v
        if not isinstance(items, tuple | list) or not all(
            isinstance(i, kind) and not isinstance(i, bool) for i in items
        ):
            raise TypeError(f"jit: {what} must be {'a string' if kind is str else 'an int'} or a tuple of "
                            f"them, got {v!r}")
    if cache_size is not None and (not isinstance(cache_size, int) or isinstance(cache_size, bool) or cache_size < 1):
        raise ValueError(f"jit: cache_size must be a positive int, got {cache_size!r}")
    return JitFunction(fun, tuple(int(n) for n in nums), names, cache_size)
