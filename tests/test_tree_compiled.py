"""functrans._src.tree_compiled: the compiled match/build of a known structure give what the
generic flatten/unflatten give, and the match refuses every other structure."""

from __future__ import annotations

import collections
import random
from typing import Any

import numpy as np
import pytest

from functrans._src import tree_compiled as tc
from functrans._src.tree_util import tree_flatten


def _random_tree(rng: random.Random, depth: int = 0) -> Any:
    r = rng.random()
    if depth > 3 or r < 0.3:
        return rng.choice([np.ones(2), 1.0, 3, None, "s", np.float32(1)])
    if r < 0.5:
        return tuple(_random_tree(rng, depth + 1) for _ in range(rng.randint(0, 3)))
    if r < 0.7:
        return [_random_tree(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    if r < 0.8:
        return {rng.choice("abcd"): _random_tree(rng, depth + 1) for _ in range(rng.randint(0, 3))}
    if r < 0.9:
        return collections.OrderedDict(a=_random_tree(rng, depth + 1))
    return {1: _random_tree(rng, depth + 1)}


def test_match_and_build_agree_with_the_generic_code() -> None:
    rng = random.Random(0)
    matched = 0
    for _ in range(1500):
        tree = _random_tree(rng)
        leaves, treedef = tree_flatten(tree)
        for _ in range(3):  # compiled on a later use
            got = tc.leaves_as(treedef, tree)
            if got is not None:
                matched += 1
                assert len(got) == len(leaves) and all(a is b for a, b in zip(got, leaves))
            built = tc.unflatten(treedef, leaves)
            want = treedef.unflatten(leaves)
            assert type(built) is type(want) and repr(built) == repr(want)
        other = _random_tree(rng)
        other_leaves, other_def = tree_flatten(other)
        got = tc.leaves_as(treedef, other)
        if got is not None:  # only for the very same structure
            assert other_def == treedef and all(a is b for a, b in zip(got, other_leaves))
    assert matched > 1000


def test_near_misses_are_refused() -> None:
    a = np.ones(2)
    tree = ([(a, a), (a, a)], {"x": a, "y": None})
    treedef = tree_flatten(tree)[1]
    tc.leaves_as(treedef, tree)  # the first use counts; the second compiles
    for _ in range(3):
        assert tc.leaves_as(treedef, tree) is not None
    for other in [
        ([(a, a), (a, a, a)], {"x": a, "y": None}),
        ([(a, a), [a, a]], {"x": a, "y": None}),
        ([(a, a), (a, a)], {"x": a, "z": None}),
        ([(a, a), (a, a)], {"x": a, "y": a}),
        ([(a, a), (a, (a,))], {"x": a, "y": None}),
        ([(a, a), (a, a)], {"x": a}),
        ([(a, a), (a, a)], collections.OrderedDict(x=a, y=None)),
    ]:
        assert tc.leaves_as(treedef, other) is None


def test_unflatten_errors_are_the_generic_ones() -> None:
    treedef = tree_flatten(([1.0, 2.0], (3.0,)))[1]
    for _ in range(3):
        tc.unflatten(treedef, [1, 2, 3])
    with pytest.raises(ValueError, match="Too few leaves"):
        tc.unflatten(treedef, [1, 2])
