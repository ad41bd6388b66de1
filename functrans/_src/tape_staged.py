"""Eager Jacobians and Hessians through the tape: the function is recorded on the eager tape
(:mod:`functrans._src.tape`) and the transformation (``jacfwd``, ``jacrev``, ``jacobian``,
``hessian``) of the recorded program runs as a compiled program, staged once per structure.

On plain NumPy inputs the normal eager path of ``hessian(f)`` interprets a JVP trace under a
batching trace over the linearization of ``f``: several hundred primitive applications in Python
per call, for a program that, staged, is a few dozen NumPy calls. Here a call

* records ``f`` on the tape (its tracers carry values, so Python control flow on values, shapes
  and errors behaves as on the normal path; the tape's key is the recorded structure with the
  shapes and dtypes of the inputs and constants);
* on a key miss, stages the transformation of a *replay* of the records (a function of the
  differentiated inputs and of the recorded constants: closed-over arrays, Python scalar operands,
  results of piecewise-constant primitives such as comparisons, whose derivative is zero) with the
  normal machinery, runs only common-subexpression and dead-code elimination and late scheduling
  on it (so it computes what the normal path computes: the same primitives in the same order on
  the same values) and compiles it to straight-line NumPy code;
* on a hit, calls the compiled program with this call's inputs and constants.

The tape's policy applies (``FUNCTRANS_EAGER_TAPE``, warm-up calls, a compile budget per wrapper,
the shared LRU cache); the normal path runs whenever the tape cannot be exact (an argument not a
float64 ``numpy.ndarray``, a transformation active around the call, an output that is not a
traced value, ``has_aux``/``holomorphic``, a program that cannot be staged), as for ``grad``.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Callable, Hashable, Sequence
from time import perf_counter
from typing import Any

import numpy as np

from functrans._src import tape
from functrans._src.batching import GUARDED_SELECT
from functrans._src.boundary import _dyn_args, _Flat, _partial_args
from functrans._src.core import get_aval, unaliased
from functrans._src.tape_backward import _records, _replayer
from functrans._src.tree_util import PyTreeDef, tree_flatten, tree_unflatten

_F64 = np.dtype(np.float64)
SAMPLES = 3  # timed calls of a compiled program before it is compared with the normal path

# transform(g, argnums) -> the transformed function of g (the normal, unstaged transformation)
Transform = Callable[[Callable[..., Any], Any], Callable[..., Any]]


class _Staged:
    """A compiled transformation of a recorded program: ``fn(*values at used)``."""

    __slots__ = ("fn", "used", "keep", "out_tree")

    def __init__(self, fn: Callable[..., list[Any]], used: tuple[int, ...], out_tree: PyTreeDef) -> None:
        self.fn = fn
        self.used = used  # the constants' slots, then the inputs'
        self.keep = frozenset(used)
        self.out_tree = out_tree


def staged(
    fun: Callable[..., Any], normal: Callable[..., Any], argnums: int | tuple[int, ...], transform: Transform,
    tag: Hashable, fname: str,
) -> Callable[..., Any]:  # fmt: skip
    """``normal`` (the transformation ``transform`` of ``fun`` at ``argnums``), computed on
    eligible eager calls by a compiled program of the transformation of ``fun``'s recording.
    ``tag`` names the transformation in the cache keys (with its options).

    Chosen by measurement (``auto`` mode): the normal path's warm-up calls are timed, and so
    are the first :data:`SAMPLES` calls that run a compiled program; if the fastest of those
    is slower than the fastest warm-up call, the wrapper keeps to the normal path (whose
    eager tricks on concrete values, such as a product of a closed-over matrix with the
    standard basis taken as a slice of it, a staged program cannot apply to its inputs)."""
    state, best_normal, samples = _shared_state(fun, (tag, argnums))

    def timed_normal(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        t0 = perf_counter()
        out = normal(*args, **kwargs)
        best_normal[0] = min(best_normal[0], perf_counter() - t0)
        return out

    def staged_f(*args: Any, **kwargs: Any) -> Any:
        if tape.MODE == "off" or state.off:
            return normal(*args, **kwargs)
        try:
            nums, dyn = _dyn_args(args, argnums, fname)
        except (TypeError, ValueError):
            return normal(*args, **kwargs)  # which raises JAX's error
        flat, tree = state.leaves(dyn)
        for leaf in flat:
            if type(leaf) is not np.ndarray or leaf.dtype is not _F64:
                return normal(*args, **kwargs)
        t0 = perf_counter()
        ff = _Flat(_partial_args(fun, args, kwargs, nums), tree)
        run = tape.record(state, ff, flat, False, ff.split, True)
        if run is None:
            return timed_normal(args, kwargs) if tape.MODE == "auto" and not state.off else normal(*args, **kwargs)
        compiles = state.compiles
        res = _run(run, ff, tree, flat, type(argnums) is int, transform, tag)
        if res is None:  # the recording cannot be staged: the normal path decides (and is kept to)
            state.off = True
            tape.stats["fallbacks"] += 1
            return normal(*args, **kwargs)
        if tape.MODE == "auto" and len(samples) < SAMPLES and state.compiles == compiles:
            samples.append(perf_counter() - t0)
            if len(samples) == SAMPLES and min(samples) > best_normal[0]:
                state.off = True  # slower than the normal path here
                tape.stats["slower"] += 1
        return res

    staged_f.__name__ = getattr(normal, "__name__", fname)
    staged_f.__doc__ = getattr(normal, "__doc__", None)
    return staged_f


class _Shared:
    """What the wrappers of one function and transformation share: the tape's state (warm-up
    calls, compilations, whether to keep to the normal path) and the timings of the choice."""

    __slots__ = ("state", "best_normal", "samples")

    def __init__(self) -> None:
        self.state = tape.TapeState()
        self.best_normal = [math.inf]
        self.samples: list[float] = []


# function -> {(transformation, argnums): _Shared}: a wrapper made anew for each call (as in
# ``hessian(loss)(w, X, y)`` inside a loop) keeps its function's warm-up and compiled programs
_SHARED: weakref.WeakKeyDictionary[Any, dict[Hashable, _Shared]] = weakref.WeakKeyDictionary()


def _shared_state(fun: Any, key: Hashable) -> tuple[tape.TapeState, list[float], list[float]]:
    """The state of ``fun``'s wrappers for ``key`` (a wrapper's own if ``fun`` cannot be weakly referenced)."""
    try:
        per = _SHARED.setdefault(fun, {})
        sh = per.get(key)
        if sh is None:
            sh = per[key] = _Shared()
    except TypeError:  # not weakly referenceable, or not hashable
        sh = _Shared()
    return sh.state, sh.best_normal, sh.samples


def _run(run: Any, ff: _Flat, tree: PyTreeDef, flat: list[Any], one: bool, transform: Transform,
         tag: Hashable) -> Any:  # fmt: skip
    """The transformation's result from the compiled program of this recording (``None``: the
    normal path must run)."""
    tr = run.trace
    vals = tr.vals
    n = run.n_in
    slots = run.slots
    if None in slots:  # an output that is not a traced value (a constant, an integer result)
        return None
    key = ("staged", tag, one, tree, ff.out_tree, tuple(tr.keys), tuple([v.shape for v in flat]), tuple(slots))
    cache = tape._cache
    entry = cache.get(key)
    state = run.state
    if entry is None:
        tape.stats["misses"] += 1
        if tape.MODE != "always" and state.compiles >= tape.MAX_COMPILES:
            return None
        state.compiles += 1
        tape.stats["compiles"] += 1
        try:
            entry = _build(_records(tr, n), vals, n, slots, ff.out_tree, tree, one, transform)
        except Exception:
            entry = tape._FAILED
        cache[key] = entry
        while len(cache) > tape.CACHE_SIZE:
            try:
                cache.popitem(last=False)
            except KeyError:  # emptied meanwhile (by another thread)
                break
    else:
        tape.stats["hits"] += 1
        try:
            cache.move_to_end(key)
        except KeyError:  # evicted meanwhile (by another thread)
            pass
    if entry is tape._FAILED:
        return None
    args = [vals[i] for i in entry.used]
    for a in args:
        if type(a) is tape._Gone:  # pragma: no cover - constants and inputs are always stored
            return None
    state.keep = entry.keep
    tr.vals = []
    outs = [o if type(o) is np.ndarray else np.asarray(o) for o in entry.fn(*args)]
    # results are fresh, never an input, a constant (a closed-over array) or a view of one
    return tree_unflatten(entry.out_tree, unaliased(outs, args))


def _build(recs: Sequence[Any], vals: Sequence[Any], n: int, slots: Sequence[int], out_tree: PyTreeDef,
           tree: PyTreeDef, one: bool, transform: Transform) -> _Staged:  # fmt: skip
    """Stage ``transform`` of the replay of ``recs`` on the inputs' and constants' shapes, and compile it."""
    from functrans._src.codegen import compile_ir
    from functrans._src.optimize.cse import cse
    from functrans._src.optimize.dce import dce
    from functrans._src.passes.schedule_late import schedule_late
    from functrans._src.staging import trace_to_ir

    produced = {s for rec in recs for s in rec[3]}
    consts = [s for s in range(n, len(vals)) if s not in produced]
    n_slots = len(vals)
    nc = len(consts)
    argnums_g: Any = 0 if one else tuple(range(len(tree.children())))
    out_trees: list[PyTreeDef] = []

    def flat_fun(*leaves: Any) -> list[Any]:
        cs = leaves[:nc]
        env: list[Any] = [None] * n_slots
        for s, c in zip(consts, cs):
            env[s] = c
        flat_replay = _replayer(recs, env, n, slots)

        def replay(*dyn: Any) -> Any:
            return tree_unflatten(out_tree, flat_replay(*tree_flatten(dyn)[0]))

        out = transform(replay, argnums_g)(*tree_unflatten(tree, list(leaves[nc:])))
        res, td = tree_flatten(out)
        out_trees.append(td)
        return res

    used = (*consts, *range(n))
    guarded, GUARDED_SELECT[0] = GUARDED_SELECT[0], True  # a closed-over matrix times the basis: a slice
    try:
        ir, _ = trace_to_ir(flat_fun, [get_aval(vals[s]) for s in used])
    finally:
        GUARDED_SELECT[0] = guarded
    ir = schedule_late(dce(cse(ir)))
    return _Staged(compile_ir(ir, reuse_buffers=True, name="tape_staged").fn, used, out_trees[0])

