"""Set operations in ``functrans.numpy``: union1d, intersect1d, setdiff1d, setxor1d and the
array-API unique_all, unique_counts, unique_inverse, unique_values (``unique`` itself is in
sorting.py).

As ``jax.numpy``: without ``size=`` the result's length depends on the values, so they must
be concrete (eagerly or under grad/jvp; a ConcretizationTypeError under jit or vmap says to
pass ``size=``), and results that go through ``unique`` are constants (zero derivatives). With
``size=`` the results are truncated or padded (``fill_value``, else the smallest result; 0
for setdiff1d) and differentiable: each value's derivative goes to its first occurrence.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from functrans._src import lax
from functrans._src.core import ConcretizationTypeError, Tracer, get_aval
from functrans._src.numpy.families import FAMILIES as fnp
from functrans._src.numpy.util import _shape

__all__ = [
    "union1d", "intersect1d", "setdiff1d", "setxor1d", "unique_all", "unique_counts", "unique_inverse",
    "unique_values",
]  # fmt: skip

_HINT = ("Pass size= (and fill_value=) for a fixed-size result under jit or vmap, as in JAX.")


def _at(x: Any) -> Any:
    """``x.at`` (plain NumPy constants are wrapped as functrans arrays first)."""
    return fnp.asarray(x).at


def concrete_values(x: Any, name: str, message: str) -> np.ndarray:
    """The values of ``x`` as a NumPy array; a ConcretizationTypeError saying ``message`` if
    they are not known (a traced array under jit or vmap)."""
    if isinstance(x, Tracer):
        try:
            x = x._trace.concrete(x, name)
        except ConcretizationTypeError:
            raise ConcretizationTypeError(message) from None
    return np.asarray(x)


def _concrete(x: Any, name: str) -> np.ndarray:
    """The values of ``x`` (a ConcretizationTypeError naming ``name`` if not known)."""
    return concrete_values(x, name, f"{name}: the size of the result depends on the values of a traced array. {_HINT}")


def _promote(ar1: Any, ar2: Any) -> tuple[Any, Any]:
    a1, a2 = fnp.ravel(fnp.asarray(ar1)), fnp.ravel(fnp.asarray(ar2))
    dt = np.result_type(get_aval(a1).dtype, get_aval(a2).dtype)
    return lax.convert_element_type(a1, dt), lax.convert_element_type(a2, dt)


def _select(x: Any, mask: Any, name: str) -> Any:
    """``x[mask]`` for a mask whose values must be known (the result's length)."""
    return fnp.take(x, np.nonzero(_concrete(mask, name))[0])


def _and(x: Any, y: Any) -> Any:
    return fnp.logical_and(x, y)


def _neq(x: Any, y: Any, equal_nan: bool) -> Any:
    out = x != y
    if equal_nan and get_aval(x).dtype.kind in "fc":
        out = _and(out, fnp.logical_not(_and(fnp.isnan(x), fnp.isnan(y))))
    return out


def _sized_unique(x: Any, size: int, fill_value: Any = None) -> tuple[Any, Any, Any]:
    """The first ``size`` sorted unique values of the 1-d ``x`` (padded with ``fill_value``,
    else with the smallest value), the index of each one's first occurrence (padded with the
    smallest's), and the number of unique values."""
    n = _shape(x)[0]
    if n == 0:  # nothing unique: padding only
        fill = 0 if fill_value is None else fill_value
        return fnp.full(size, fill, dtype=get_aval(x).dtype), np.zeros(size, np.int64), np.zeros((), np.int64)
    srt, perm = lax.sort([x, np.arange(n, dtype=np.int64)], 0, num_keys=1)
    mask = fnp.concatenate([np.ones(1, bool), _neq(srt[1:], srt[:-1], True)])
    (ind,) = fnp.nonzero(mask, size=size, fill_value=0)
    count = fnp.sum(mask)
    vals = fnp.take(srt, ind)
    if fill_value is not None:
        vals = fnp.where(np.arange(size) < count, vals, fnp.asarray(fill_value, dtype=get_aval(x).dtype))
    return vals, fnp.take(perm, ind), count


def _const_unique(x: Any, name: str, **kw: Any) -> Any:
    """NumPy's unique of the concrete values of ``x`` (a constant, as JAX's without size)."""
    return np.unique(_concrete(x, name), **kw)


# --------------------------------------------------------------------------- union, difference


def union1d(ar1: Any, ar2: Any, *, size: int | None = None, fill_value: Any = None) -> Any:
    """The sorted unique values in either array (both flattened)."""
    from functrans._src.numpy.sorting import unique

    a1, a2 = _promote(ar1, ar2)
    if size is None:
        return np.unique(np.concatenate([_concrete(a1, "union1d"), _concrete(a2, "union1d")]))
    return unique(fnp.concatenate([a1, a2]), size=int(size), fill_value=fill_value)


def setdiff1d(ar1: Any, ar2: Any, assume_unique: bool = False, *, size: int | None = None,
              fill_value: Any = None) -> Any:  # fmt: skip
    """The sorted unique values of ``ar1`` that are not in ``ar2`` (with ``assume_unique``,
    the values of ``ar1`` in their order). Padding with ``size`` is ``fill_value`` or 0."""
    from functrans._src.numpy.index_tricks import isin

    a1, a2 = fnp.ravel(fnp.asarray(ar1)), fnp.ravel(fnp.asarray(ar2))
    if size is None:
        _concrete(a1, "setdiff1d")
    else:
        size = int(size)
    dt = get_aval(a1).dtype
    fill = fnp.asarray(0 if fill_value is None else fill_value, dtype=dt)
    n1 = _shape(a1)[0]
    if n1 == 0:
        return fnp.full(size or 0, fill, dtype=dt)
    if not assume_unique:
        a1 = _const_unique(a1, "setdiff1d") if size is None else _sized_unique(a1, n1)[0]
    mask = isin(a1, a2, invert=True)
    if size is None:
        return _select(a1, mask, "setdiff1d")
    if not assume_unique:  # the unique values' padding (copies of the first) is not a result
        n_unique = n1 + 1 - fnp.sum(a1 == a1[0])
        mask = fnp.where(np.arange(n1) < n_unique, mask, False)
    (ind,) = fnp.nonzero(mask, size=size, fill_value=0)
    return fnp.where(np.arange(size) < fnp.sum(mask), fnp.take(a1, ind), fill)


# --------------------------------------------------------------------------- xor


def _pad_fill(vals: Any, valid: Any, fill_value: Any) -> Any:
    """Entries past the results: ``fill_value``, else the smallest result (JAX's choice: the
    padding first takes the largest entry, then the smallest of the lot)."""
    if fill_value is not None:
        return fnp.where(valid, vals, fnp.asarray(fill_value, dtype=get_aval(vals).dtype))
    vals = fnp.where(valid, vals, fnp.max(vals))
    return fnp.where(valid, vals, fnp.min(vals))


def _pick(aux: Any, mask: Any, size: int) -> tuple[Any, Any]:
    """The entries of ``aux`` where ``mask`` holds, first ``size`` (0 past the end), and
    their positions (``len(aux)`` past the end)."""
    n = _shape(aux)[0]
    if n == 0:
        return fnp.zeros(size, get_aval(aux).dtype), np.zeros(0, np.int64)
    (ind,) = fnp.nonzero(mask, size=size, fill_value=n)
    return _at(aux)[ind].get(mode="fill", fill_value=0), ind


def _concat_unique(a1: Any, a2: Any) -> tuple[Any, Any, Any]:
    """The unique values of ``a1`` followed by those of ``a2`` (then padding), the number of
    each."""
    u1, _, c1 = _sized_unique(a1, _shape(a1)[0])
    u2, _, c2 = _sized_unique(a2, _shape(a2)[0])
    n2 = _shape(a2)[0]
    arr = fnp.concatenate([u1, fnp.zeros(n2, get_aval(u1).dtype)])
    arr = _at(arr)[c1 + np.arange(n2)].set(u2)
    return arr, c1, c2


def setxor1d(ar1: Any, ar2: Any, assume_unique: bool = False, *, size: int | None = None,
             fill_value: Any = None) -> Any:  # fmt: skip
    """The sorted values in exactly one of the arrays (both flattened)."""
    a1, a2 = _promote(ar1, ar2)
    if size is not None:
        return _setxor_sized(a1, a2, int(size), fill_value, assume_unique)
    if not assume_unique:
        a1, a2 = _const_unique(a1, "setxor1d"), _const_unique(a2, "setxor1d")
    aux = fnp.concatenate([a1, a2])
    if _shape(aux)[0] == 0:
        return aux
    aux = fnp.sort(aux)
    flag = fnp.concatenate([np.ones(1, bool), aux[1:] != aux[:-1], np.ones(1, bool)])
    return _select(aux, _and(flag[1:], flag[:-1]), "setxor1d")


def _setxor_sized(a1: Any, a2: Any, size: int, fill_value: Any, assume_unique: bool) -> Any:
    if assume_unique:
        aux = fnp.sort(fnp.concatenate([a1, a2]))
        flag = fnp.concatenate([np.full(1, _shape(aux)[0] > 0), aux[1:] != aux[:-1], np.ones(1, bool)])
    else:
        arr, c1, c2 = _concat_unique(a1, a2)
        nu = c1 + c2
        mask = np.arange(_shape(arr)[0] + 1) < nu + 1
        aux = lax.sort([fnp.logical_not(mask[1:]), arr], 0, num_keys=2)[1]
        ends = fnp.concatenate([np.full(1, _shape(aux)[0] > 0), aux[1:] != aux[:-1], np.zeros(1, bool)])
        flag = _and(mask, _at(ends)[nu].set(True))
    keep = _and(flag[1:], flag[:-1])
    vals, _ = _pick(aux, keep, size)
    return _pad_fill(vals, np.arange(size) < fnp.sum(keep), fill_value)


# --------------------------------------------------------------------------- intersection


def intersect1d(ar1: Any, ar2: Any, assume_unique: bool = False, return_indices: bool = False, *,
                size: int | None = None, fill_value: Any = None) -> Any:  # fmt: skip
    """The sorted values in both arrays (both flattened); with ``return_indices`` also the
    index of each in ``ar1`` and in ``ar2`` (first occurrences)."""
    a1, a2 = _promote(ar1, ar2)
    if size is not None:
        return _intersect_sized(a1, a2, int(size), fill_value, assume_unique, return_indices)
    n1 = _shape(a1)[0]
    ind1 = ind2 = None
    if not assume_unique:
        if return_indices:
            a1, ind1 = _const_unique(a1, "intersect1d", return_index=True)
            a2, ind2 = _const_unique(a2, "intersect1d", return_index=True)
        else:
            a1, a2 = _const_unique(a1, "intersect1d"), _const_unique(a2, "intersect1d")
        n1 = a1.shape[0]
    arr = fnp.concatenate([a1, a2])
    n = _shape(arr)[0]
    if return_indices:
        idt = np.int32 if n < 2**31 else np.int64  # as JAX: the smallest signed type for the length
        aux, order = lax.sort([arr, np.arange(n, dtype=idt)], 0, num_keys=1)
    else:
        aux, order = fnp.sort(arr), None
    pos = np.nonzero(_concrete(aux[1:] == aux[:-1], "intersect1d"))[0]
    common = fnp.take(aux, pos)
    if not return_indices:
        return common
    i1 = fnp.take(order, pos)
    i2 = fnp.take(order, pos + 1) - np.asarray(n1, get_aval(order).dtype)
    if ind1 is not None:
        i1, i2 = fnp.take(ind1, i1), fnp.take(ind2, i2)
    return common, i1, i2


def _intersect_sized(a1: Any, a2: Any, size: int, fill_value: Any, assume_unique: bool,
                     return_indices: bool) -> Any:  # fmt: skip
    n1, n2 = _shape(a1)[0], _shape(a2)[0]
    ntot = n1 + n2
    if assume_unique:
        ind1 = ind2 = None
        c1: Any = n1
        aux, order = lax.sort([fnp.concatenate([a1, a2]), np.arange(ntot, dtype=np.int64)], 0, num_keys=1)
        mask: Any = np.ones(ntot, bool)
    else:
        u1, ind1, c1 = _sized_unique(a1, n1, 0)
        u2, ind2, c2 = _sized_unique(a2, n2, 0)
        arr = _at(fnp.concatenate([u1, fnp.zeros(n2, get_aval(u1).dtype)]))[c1 + np.arange(n2)].set(u2)
        mask = np.arange(ntot) < c1 + c2
        _, aux, order = lax.sort([fnp.logical_not(mask), arr, np.arange(ntot, dtype=np.int64)], 0, num_keys=2)
    keep = _and(aux[1:] == aux[:-1], mask[1:])
    nres = fnp.sum(keep)
    vals, pos = _pick(aux, keep, size)
    valid = np.arange(size) < nres
    vals = _pad_fill(vals, valid, fill_value)
    if not return_indices:
        return vals
    if ntot == 0:
        pos = np.full(size, 0, np.int64)
    i1 = fnp.where(valid, _at(order)[pos].get(mode="fill", fill_value=n1), n1)
    i2 = fnp.where(valid, _at(order)[pos + 1].get(mode="fill", fill_value=n2) - c1, n2)
    if ind1 is not None:
        i1 = _at(ind1)[i1].get(mode="fill", fill_value=n1)
        i2 = _at(ind2)[i2].get(mode="fill", fill_value=n2)
    return vals, i1, i2


# --------------------------------------------------------------------------- array-API unique


class UniqueAllResult(NamedTuple):
    """The result of :func:`unique_all`."""

    values: Any
    indices: Any
    inverse_indices: Any
    counts: Any


class UniqueCountsResult(NamedTuple):
    """The result of :func:`unique_counts`."""

    values: Any
    counts: Any


class UniqueInverseResult(NamedTuple):
    """The result of :func:`unique_inverse`."""

    values: Any
    inverse_indices: Any


def _unique(x: Any, size: int | None, fill_value: Any, **kw: Any) -> Any:
    from functrans._src.numpy.sorting import unique

    return unique(x, equal_nan=False, size=size, fill_value=fill_value, **kw)


def unique_all(x: Any, /, *, size: int | None = None, fill_value: Any = None) -> UniqueAllResult:
    """The unique values of ``x`` with the index of each one's first occurrence, the inverse
    indices (``x``'s shape) and the counts; NaNs are distinct (array API)."""
    v, i, inv, c = _unique(x, size, fill_value, return_index=True, return_inverse=True, return_counts=True)
    return UniqueAllResult(v, i, inv, c)


def unique_counts(x: Any, /, *, size: int | None = None, fill_value: Any = None) -> UniqueCountsResult:
    """The unique values of ``x`` and how often each occurs; NaNs are distinct (array API)."""
    v, c = _unique(x, size, fill_value, return_counts=True)
    return UniqueCountsResult(v, c)


def unique_inverse(x: Any, /, *, size: int | None = None, fill_value: Any = None) -> UniqueInverseResult:
    """The unique values of ``x`` and, for each element, the index of its value among them
    (``x``'s shape); NaNs are distinct (array API)."""
    v, inv = _unique(x, size, fill_value, return_inverse=True)
    return UniqueInverseResult(v, inv)


def unique_values(x: Any, /, *, size: int | None = None, fill_value: Any = None) -> Any:
    """The sorted unique values of ``x``; NaNs are distinct (array API)."""
    return _unique(x, size, fill_value)
