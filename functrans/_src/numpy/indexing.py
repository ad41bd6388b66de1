"""NumPy indexing on traced values, ``x.at[idx]`` updates, and the index functions of
``functrans.numpy`` (take, take_along_axis, nonzero, argwhere, flatnonzero).

Every index expression is parsed once (:func:`_parse`) into one entry per axis of the
array: a slice, a new axis (``None``) or an *advanced* entry (an integer array, or an
integer when arrays are present; a boolean mask becomes the integer arrays of its
``nonzero``). Then:

* reading ``x[idx]``: basic indices (ints, slices, ``None``, ``...``) alone use the
  static ``index`` primitive (a view, the fast path); otherwise the basic part is applied
  first and one ``gather`` picks the advanced axes, whose dimensions are moved to where
  NumPy puts them (in place if the advanced entries are adjacent, else first).
* updating ``x.at[idx].op(v)``: slices that do not cover their axis become ``arange``
  index arrays, so the whole expression is one ``scatter``/``scatter_add`` over the
  indexed axes, with ``v`` broadcast to ``x[idx]``'s shape and transposed to the
  scatter's layout.

Out-of-bounds indices follow JAX: clamped when reading, dropped when updating (``mode=``
chooses otherwise), static ints as well as index arrays (NumPy raises IndexError).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from functrans._src import lax
from functrans._src.core import ConcretizationTypeError, Tracer, get_aval
from functrans._src.numpy.array import HOOKS, as_array
from functrans._src.numpy.util import _arr, _axis, _shape

__all__ = ["take", "take_along_axis", "nonzero", "argwhere", "flatnonzero"]

_VALID = (
    "only integers, slices (`:`), ellipsis (`...`), numpy.newaxis (`None`) and integer or boolean arrays "
    "are valid indices"
)


def _concrete(x: Any, why: str, way_out: str) -> np.ndarray:
    """The concrete value of ``x``, or a ConcretizationTypeError naming ``way_out``."""
    if not isinstance(x, Tracer):
        return np.asarray(x)
    try:
        return np.asarray(x._trace.concrete(x, why))
    except ConcretizationTypeError:
        raise ConcretizationTypeError(
            f"{why} needs a concrete value, but got an abstract traced value of type "
            f"{x.aval.str_short()} (under jit or vmap its value is not known while tracing, and the "
            f"shape of the result would depend on it). {way_out}"
        ) from None


# --------------------------------------------------------------------------- parsing

# An entry per axis of the result of the basic part: ("none",), ("slice", (start, stop, step)),
# ("adv", array-like) or ("int", k) (a static int, only when no arrays are present).


def _parse(shape: tuple[int, ...], idx: Any) -> tuple[list[tuple[Any, ...]], bool]:
    """Entries, one per consumed axis or new axis, and whether any entry is an array."""
    if not isinstance(idx, tuple):
        idx = (idx,)
    items: list[Any] = []
    for i in idx:
        if isinstance(i, list):
            i = (
                np.asarray(i)
                if all(not isinstance(e, Tracer) for e in np.ravel(np.asarray(i, dtype=object)))
                else _arr(i)
            )
            if isinstance(i, np.ndarray) and i.size == 0:
                i = i.astype(np.intp)
        if isinstance(i, np.ndarray | Tracer):
            dt = get_aval(i).dtype
            if dt.kind == "b":
                mask = _concrete(
                    i, "boolean mask indexing",
                    "Boolean masks must be concrete; use functrans.numpy.where(mask, x, 0) to keep the shape, "
                    "or functrans.numpy.nonzero(mask, size=...) for a fixed number of indices.",
                )  # fmt: skip
                items.append(("mask", mask) if mask.ndim else ("bscalar", bool(mask)))
                continue
            if dt.kind not in "iu":
                raise IndexError("arrays used as indices must be of integer (or boolean) type")
            items.append(("adv", i))
        elif i is None or i is Ellipsis or isinstance(i, slice):
            items.append(i)
        elif isinstance(i, bool | np.bool_):
            items.append(("bscalar", bool(i)))
        elif isinstance(i, int | np.integer):
            items.append(("int", int(i)))
        else:
            raise IndexError(_VALID)
    n_ell = sum(1 for i in items if i is Ellipsis)
    if n_ell > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    consumed = sum(
        (i[1].ndim if i[0] == "mask" else 0 if i[0] == "bscalar" else 1) if type(i) is tuple else 1
        for i in items
        if i is not None and i is not Ellipsis
    )
    if consumed > len(shape):
        raise IndexError(f"too many indices for array: array is {len(shape)}-dimensional, but {consumed} were indexed")
    if n_ell:
        k = items.index(Ellipsis)
        items[k : k + 1] = [slice(None)] * (len(shape) - consumed)
    else:
        items += [slice(None)] * (len(shape) - consumed)
    entries: list[tuple[Any, ...]] = []
    dim = 0
    for i in items:
        if i is None:
            entries.append(("none",))
            continue
        if type(i) is tuple and i[0] == "bscalar":  # True/False: a new axis indexed by [0] or []
            entries.append(("newadv", np.zeros(int(i[1]), np.intp)))
            continue
        if isinstance(i, slice):
            start, stop, step = i.indices(shape[dim])
            entries.append(("slice", (start, stop, step), dim, i))
            dim += 1
        elif i[0] == "mask":
            mask = i[1]
            want = shape[dim : dim + mask.ndim]
            if mask.shape != want:
                raise IndexError(
                    f"boolean index did not match indexed array along axis {dim}; size of axis is "
                    f"{want} but size of corresponding boolean axis is {mask.shape}"
                )
            for j, nz in enumerate(np.nonzero(mask)):
                entries.append(("adv", nz, dim + j))
            dim += mask.ndim
        else:
            if i[0] == "int" and shape[dim] == 0:
                raise IndexError(f"index {i[1]} is out of bounds for axis {dim} with size 0")
            entries.append((i[0], i[1], dim))  # out of bounds: clamped on reading, dropped on updating (JAX)
            dim += 1
    has_array = any(e[0] in ("adv", "newadv") for e in entries)
    if has_array:  # with arrays present, ints are advanced indices too (NumPy)
        entries = [("adv", np.intp(e[1]), e[2]) if e[0] == "int" else e for e in entries]
    return entries, has_array


def _adjacent(entries: list[tuple[Any, ...]]) -> bool:
    pos = [k for k, e in enumerate(entries) if e[0] in ("adv", "int", "newadv")]
    return pos == list(range(pos[0], pos[0] + len(pos)))


def _broadcast_indices(arrs: list[Any]) -> tuple[list[Any], tuple[int, ...]]:
    b = np.broadcast_shapes(*[_shape(a) for a in arrs])
    out = []
    for a in arrs:
        if _shape(a) == b:
            out.append(a)
        elif isinstance(a, Tracer):
            out.append(lax.broadcast_to(a, b))
        else:
            out.append(np.broadcast_to(a, b))
    return out, tuple(b)


def _basic_only(idx: Any) -> bool:
    if not isinstance(idx, tuple):
        idx = (idx,)
    for i in idx:
        if not (
            i is None
            or i is Ellipsis
            or isinstance(i, slice)
            or (isinstance(i, int | np.integer) and not isinstance(i, bool | np.bool_))
        ):
            return False
    return True


# --------------------------------------------------------------------------- reading


def getitem(x: Any, idx: Any, mode: str | None = None, fill_value: Any = None) -> Any:
    """``x[idx]`` with NumPy's indexing rules; out-of-bounds index arrays are clamped
    (``mode="clip"``, the default) or give ``fill_value`` (``mode="fill"``)."""
    x = _arr(x)
    if mode is None or mode == "promise_in_bounds":
        mode = "clip"
    if mode not in ("clip", "fill"):
        raise ValueError(f"mode must be 'clip', 'fill' or 'promise_in_bounds' for reading, got {mode!r}")
    if _basic_only(idx):
        return lax.index(x, idx)
    shape = _shape(x)
    entries, has_array = _parse(shape, idx)
    basic: list[Any] = []
    adv_pos: list[int] = []
    adv: list[Any] = []
    ydim = 0  # axes of y = x[basic part] so far
    for e in entries:
        if e[0] == "none":
            basic.append(None)
        elif e[0] == "slice":
            basic.append(e[3])
        elif e[0] == "int":
            basic.append(e[1])
            continue
        elif e[0] == "newadv":
            basic.append(None)
            adv_pos.append(ydim)
            adv.append(e[1])
        else:
            adv_pos.append(ydim)
            adv.append(e[1])
            basic.append(slice(None))
        ydim += 1
    y = (
        x
        if all(type(b) is slice and b == slice(None) for b in basic) and len(basic) == len(shape)
        else lax.index(x, tuple(basic))
    )
    if not has_array:
        return y
    arrs, b = _broadcast_indices(adv)
    out = lax.gather(y, arrs, adv_pos, mode, fill_value)
    p = adv_pos[0]
    if _adjacent(entries) and p:
        nb, nd = len(b), len(_shape(out))
        out = lax.transpose(out, tuple(range(nb, nb + p)) + tuple(range(nb)) + tuple(range(nb + p, nd)))
    return out


# --------------------------------------------------------------------------- updating


def _scatter_layout(
    shape: tuple[int, ...], idx: Any
) -> tuple[list[Any], tuple[int, ...], tuple[int, ...], list[int], list[int]]:
    """Index arrays over the indexed axes, those axes, the shape of ``x[idx]``, and the
    transposition from ``x[idx]`` (new axes removed) to the scatter layout ``B + rest``."""
    entries, _ = _parse(shape, idx)
    if any(e[0] == "newadv" for e in entries):
        raise TypeError(".at[] with a boolean scalar index is not supported; index without it")
    adv = [e for e in entries if e[0] in ("adv", "int")]
    arrs, b = _broadcast_indices([e[1] for e in adv]) if adv else ([], ())
    adjacent = bool(adv) and _adjacent(entries)
    # the result of x[idx] as NumPy lays it out: labels of its axes
    labels: list[Any] = []
    for e in entries:
        if e[0] == "none":
            labels.append("none")
        elif e[0] == "slice":
            labels.append(("slice", e[2]))
        elif e[0] in ("adv", "int") and e is adv[0] and adjacent:
            labels += [("b", j) for j in range(len(b))]
    if adv and not adjacent:
        labels = [("b", j) for j in range(len(b))] + labels
    result_shape = tuple(
        1 if lab == "none" else b[lab[1]] if lab[0] == "b" else len(range(*_slice_of(entries, lab[1])))
        for lab in labels
    )
    kept = [lab for lab in labels if lab != "none"]
    slices = {e[2]: e[1] for e in entries if e[0] == "slice"}
    partial = [a for a, (start, stop, step) in slices.items() if not (start == 0 and step == 1 and stop == shape[a])]
    # index arrays: advanced entries (shape B + 1s), then one arange per partial slice
    nb, npart = len(b), len(partial)
    grid = b + tuple(len(range(*slices[a])) for a in partial)
    index_arrays: list[Any] = []
    for a in arrs:
        a = lax.reshape(a, b + (1,) * npart) if isinstance(a, Tracer) else np.reshape(a, b + (1,) * npart)
        index_arrays.append(lax.broadcast_to(a, grid) if isinstance(a, Tracer) else np.broadcast_to(a, grid))
    for j, a in enumerate(partial):
        r = np.arange(*slices[a]).reshape((1,) * (nb + j) + (-1,) + (1,) * (npart - j - 1))
        index_arrays.append(np.broadcast_to(r, grid))
    axes = [e[2] for e in adv] + partial
    order = (
        [("b", j) for j in range(nb)]
        + [("slice", a) for a in partial]
        + [("slice", a) for a in range(len(shape)) if a in slices and a not in partial]
    )
    perm = [kept.index(lab) for lab in order]
    return index_arrays, tuple(axes), result_shape, [i for i, lab in enumerate(labels) if lab != "none"], perm


def _slice_of(entries: list[tuple[Any, ...]], axis: int) -> tuple[int, int, int]:
    """The normalised (start, stop, step) of the slice entry on ``axis``."""
    for e in entries:
        if e[0] == "slice" and e[2] == axis:
            return e[1]
    raise KeyError(axis)


def _update(x: Any, idx: Any, values: Any, op: str, mode: str | None) -> Any:
    x = _arr(x)
    if mode is None or mode in ("drop", "fill", "promise_in_bounds"):
        mode = "drop"
    if mode not in ("clip", "drop"):
        raise ValueError(f"mode must be 'drop', 'clip', 'fill' or 'promise_in_bounds' for updates, got {mode!r}")
    xav = get_aval(x)
    shape = xav.shape
    index_arrays, axes, result_shape, kept, perm = _scatter_layout(shape, idx)
    v = _arr(values)
    vav = get_aval(v)
    if vav.dtype != xav.dtype:
        v = lax.convert_element_type(v, xav.dtype)
    try:
        target = np.broadcast_shapes(vav.shape, result_shape)
    except ValueError:
        target = None
    if target != tuple(result_shape):
        raise ValueError(
            f"cannot update an indexed region of shape {tuple(result_shape)} with values of shape {vav.shape}"
        )
    if vav.shape != tuple(result_shape):
        v = lax.broadcast_to(v, tuple(result_shape))
    squeezed = tuple(result_shape[i] for i in kept)
    if squeezed != tuple(result_shape):
        v = lax.reshape(v, squeezed)
    if perm != sorted(perm):
        v = lax.transpose(v, tuple(perm))
    if not axes:  # the whole array: one position of a new leading axis
        x2 = lax.reshape(x, (1,) + shape)
        out = lax.scatter(x2, [np.zeros((1,), np.intp)], lax.reshape(v, (1,) + shape), (0,), op, mode)
        return lax.reshape(out, shape)
    return lax.scatter(x, index_arrays, v, axes, op, mode)


class _IndexUpdateRef:
    """``x.at[idx]``: the methods return a new array (``x`` is unchanged), as JAX."""

    __slots__ = ("array", "index")

    def __init__(self, array: Any, index: Any) -> None:
        self.array = array
        self.index = index

    def get(
        self,
        *,
        indices_are_sorted: bool = False,
        unique_indices: bool = False,
        mode: str | None = None,
        fill_value: Any = None,
    ) -> Any:
        """``x[idx]`` (out-of-bounds: clamped, or ``fill_value`` with ``mode="fill"``)."""
        return _wrap(getitem(self.array, self.index, mode, fill_value))

    def set(
        self, values: Any, *, indices_are_sorted: bool = False, unique_indices: bool = False, mode: str | None = None
    ) -> Any:
        """``x[idx] = values`` on a copy; of repeated indices the last value wins."""
        return _wrap(_update(self.array, self.index, values, "set", mode))

    def add(
        self, values: Any, *, indices_are_sorted: bool = False, unique_indices: bool = False, mode: str | None = None
    ) -> Any:
        """``x[idx] += values`` on a copy; repeated indices accumulate."""
        return _wrap(_update(self.array, self.index, values, "add", mode))

    def subtract(
        self, values: Any, *, indices_are_sorted: bool = False, unique_indices: bool = False, mode: str | None = None
    ) -> Any:
        """``x[idx] -= values`` on a copy; repeated indices accumulate."""
        return _wrap(_update(self.array, self.index, lax.neg(_arr(values)), "add", mode))

    def multiply(
        self, values: Any, *, indices_are_sorted: bool = False, unique_indices: bool = False, mode: str | None = None
    ) -> Any:
        """``x[idx] *= values`` on a copy; repeated indices multiply."""
        return _wrap(_update(self.array, self.index, values, "mul", mode))

    mul = multiply

    def divide(
        self, values: Any, *, indices_are_sorted: bool = False, unique_indices: bool = False, mode: str | None = None
    ) -> Any:
        """``x[idx] /= values`` on a copy (divided by the product of repeated values)."""
        x = _arr(self.array)
        ones = np.ones(get_aval(x).shape, get_aval(x).dtype)
        return _wrap(lax.div(x, _update(ones, self.index, values, "mul", mode)))

    def power(
        self, values: Any, *, indices_are_sorted: bool = False, unique_indices: bool = False, mode: str | None = None
    ) -> Any:
        """``x[idx] **= values`` on a copy (raised to the product of repeated values)."""
        x = _arr(self.array)
        ones = np.ones(get_aval(x).shape, get_aval(x).dtype)
        return _wrap(lax.pow(x, _update(ones, self.index, values, "mul", mode)))

    def min(
        self, values: Any, *, indices_are_sorted: bool = False, unique_indices: bool = False, mode: str | None = None
    ) -> Any:
        """``x[idx] = minimum(x[idx], values)`` on a copy."""
        return _wrap(_update(self.array, self.index, values, "min", mode))

    def max(
        self, values: Any, *, indices_are_sorted: bool = False, unique_indices: bool = False, mode: str | None = None
    ) -> Any:
        """``x[idx] = maximum(x[idx], values)`` on a copy."""
        return _wrap(_update(self.array, self.index, values, "max", mode))

    def apply(
        self, func: Any, *, indices_are_sorted: bool = False, unique_indices: bool = False, mode: str | None = None
    ) -> Any:
        """``x[idx] = func(x[idx])`` on a copy (``func`` elementwise)."""
        x = _arr(self.array)
        return _wrap(_update(x, self.index, func(getitem(x, self.index)), "set", mode))

    def __repr__(self) -> str:
        return f"_IndexUpdateRef({self.array!r}, {self.index!r})"


class _IndexUpdateHelper:
    """The ``.at`` property: ``x.at[idx]`` gives an :class:`_IndexUpdateRef`."""

    __slots__ = ("array",)

    def __init__(self, array: Any) -> None:
        self.array = array

    def __getitem__(self, index: Any) -> _IndexUpdateRef:
        return _IndexUpdateRef(self.array, index)

    def __repr__(self) -> str:
        return f"_IndexUpdateHelper({self.array!r})"


def _wrap(x: Any) -> Any:
    """Concrete results become :class:`functrans.Array` (so ``.at`` chains eagerly)."""

    return as_array(x)


# --------------------------------------------------------------------------- functions


def take(
    a: Any,
    indices: Any,
    axis: int | None = None,
    out: None = None,
    mode: str | None = None,
    unique_indices: bool = False,
    indices_are_sorted: bool = False,
    fill_value: Any = None,
) -> Any:  # noqa: E501
    """Elements of ``a`` at ``indices`` along ``axis`` (flattened if None).

    As JAX: out-of-bounds indices give ``fill_value`` (NaN for floats) by default
    (``mode="fill"``), or are clamped with ``mode="clip"``; ``mode="wrap"`` takes them
    modulo the axis length. Negative indices count from the end, except with
    ``mode="clip"``, where (as in JAX's ``take``) they clamp to 0.
    """
    if out is not None:
        raise NotImplementedError("functrans.numpy.take: out= is not supported")
    a = _arr(a)
    if axis is None:
        a = lax.reshape(a, (math.prod(_shape(a)),))
        axis = 0
    ax = _axis(axis, len(_shape(a)))
    i = _arr(indices)
    if get_aval(i).dtype.kind not in "iu":
        raise IndexError("arrays used as indices must be of integer (or boolean) type")
    if mode is None:
        mode = "fill"
    if mode == "wrap":
        n = _shape(a)[ax]
        i = np.mod(i, n) if not isinstance(i, Tracer) else lax.rem(lax.add(lax.rem(i, n), n), n)
        mode = "clip"
    elif mode == "clip":  # as jnp.take: no wrapping of negative indices, they clamp to 0
        zero = np.zeros((), get_aval(i).dtype)
        i = np.maximum(i, zero) if not isinstance(i, Tracer) else lax.maximum(i, zero)
    elif mode == "raise":
        raise NotImplementedError("functrans.numpy.take: mode='raise' is not supported (as in JAX)")
    elif mode not in ("fill", "clip"):
        raise ValueError(f"functrans.numpy.take: invalid mode {mode!r}")
    out_ = lax.gather(a, [i], (ax,), mode, fill_value)
    nb = len(_shape(i))
    if ax and nb:
        nd = len(_shape(out_))
        out_ = lax.transpose(out_, tuple(range(nb, nb + ax)) + tuple(range(nb)) + tuple(range(nb + ax, nd)))
    return out_


def take_along_axis(arr: Any, indices: Any, axis: int | None = -1, mode: str | None = None, fill_value: Any = None, *,
                    wrap_negative_indices: Any = None) -> Any:  # fmt: skip
    """``arr`` picked along ``axis`` by ``indices`` (same rank, broadcast on the other axes).

    As JAX: out-of-bounds indices give ``fill_value`` (NaN for floats) by default
    (``mode="fill"``), or are clamped with ``mode="clip"``.
    """
    arr = _arr(arr)
    idx = _arr(indices)
    if get_aval(idx).dtype.kind not in "iu":
        raise IndexError("take_along_axis: indices must be of integer type, got " + str(get_aval(idx).dtype))
    if axis is None:
        arr = lax.reshape(arr, (math.prod(_shape(arr)),))
        axis = 0
    shape, ishape = _shape(arr), _shape(idx)
    if len(shape) != len(ishape):
        raise ValueError(
            "take_along_axis: indices and arr must have the same number of dimensions; "
            f"got {len(ishape)} and {len(shape)}"
        )
    ax = _axis(axis, len(shape))
    b = tuple(
        ishape[ax] if d == ax else int(np.broadcast_shapes((shape[d],), (ishape[d],))[0]) for d in range(len(shape))
    )
    arrs: list[Any] = []
    axes: list[int] = []
    for d in range(len(shape)):
        if d == ax:
            arrs.append(idx if ishape == b else lax.broadcast_to(idx, b))
        elif shape[d] == 1 and b[d] != 1:
            continue  # broadcast along an axis of length one: no index needed there, handled below
        else:
            r = np.arange(b[d]).reshape((1,) * d + (-1,) + (1,) * (len(shape) - d - 1))
            arrs.append(np.broadcast_to(r, b))
        axes.append(d)
    if len(axes) != len(shape):  # arr has length-one axes that the indices broadcast over
        arr = lax.broadcast_to(arr, tuple(b[d] if d != ax else shape[d] for d in range(len(shape))))
        arrs = []
        axes = list(range(len(shape)))
        for d in range(len(shape)):
            if d == ax:
                arrs.append(idx if ishape == b else lax.broadcast_to(idx, b))
            else:
                r = np.arange(b[d]).reshape((1,) * d + (-1,) + (1,) * (len(shape) - d - 1))
                arrs.append(np.broadcast_to(r, b))
    if mode is None or mode == "promise_in_bounds":
        mode = "fill"
    if mode not in ("fill", "clip"):
        raise ValueError(f"take_along_axis: invalid mode {mode!r}")
    return lax.gather(arr, arrs, axes, mode, fill_value)


def nonzero(a: Any, *, size: int | None = None, fill_value: Any = None) -> tuple[Any, ...]:
    """The indices of the non-zero elements, one array per axis.

    The result's length depends on the values, so ``a`` must be concrete (under jit or
    vmap a ConcretizationTypeError names the way out: pass ``size=``). With ``size`` the
    result is truncated or padded with ``fill_value`` (default 0), as JAX.
    """
    if size is not None and isinstance(a, Tracer):
        try:
            c = a._trace.concrete(a, "nonzero")
        except ConcretizationTypeError:
            return _nonzero_sized(a, int(size), fill_value)
        return nonzero(c, size=size, fill_value=fill_value)
    v = _concrete(
        _arr(a), "functrans.numpy.nonzero (also where(condition), argwhere, flatnonzero and boolean masks)",
        "Pass a static size: functrans.numpy.nonzero(x, size=n, fill_value=...) (also for where, argwhere and "
        "flatnonzero), or use the three-argument functrans.numpy.where(cond, x, y).",
    )  # fmt: skip
    if v.ndim == 0:
        raise ValueError("Calling nonzero on 0d arrays is not allowed. Use atleast_1d(a).nonzero() instead.")
    out = np.nonzero(v)
    if size is None:
        return out
    fills = (fill_value,) * v.ndim if not isinstance(fill_value, tuple | list) else tuple(fill_value)
    res = []
    for o, f in zip(out, fills):
        o = o[:size]
        if o.size < size:
            o = np.concatenate([o, np.full(size - o.size, 0 if f is None else f, o.dtype)])
        res.append(o)
    return tuple(res)


def _nonzero_sized(a: Any, size: int, fill_value: Any) -> tuple[Any, ...]:
    """nonzero with a static size on an abstract value: each non-zero's rank (a prefix count by
    doubling), then a scatter of the element numbers to their ranks."""
    shape = _shape(a)
    n = math.prod(shape)
    flat = lax.reshape(lax.ne(a, 0) if get_aval(a).dtype.kind != "b" else a, (n,))
    rank = lax.convert_element_type(flat, np.int64)
    k = 1
    while k < n:  # inclusive count of non-zeros up to each element: a scan by doubling, log2(n) steps
        shifted = lax.concatenate([np.zeros(k, np.int64), lax.index(rank, slice(0, n - k))], 0)
        rank = lax.add(rank, shifted)
        k *= 2
    pos = lax.select(flat, lax.sub(rank, 1), np.full(n, size, np.int64))
    picked = lax.scatter(np.full(size, -1, np.int64), [pos], np.arange(n), (0,), "set", "drop")
    found = lax.ge(picked, 0)
    coords = np.unravel_index(np.arange(n), shape) if shape else ()
    fills = (fill_value,) * len(shape) if not isinstance(fill_value, tuple | list) else tuple(fill_value)
    out = []
    for c, f in zip(coords, fills):
        g = lax.gather(np.asarray(c, np.int64), [lax.select(found, picked, np.zeros(size, np.int64))], (0,), "clip")
        out.append(lax.select(found, g, np.full(size, 0 if f is None else f, np.int64)))
    return tuple(out)


def argwhere(a: Any, *, size: int | None = None, fill_value: Any = None) -> Any:
    """The indices of the non-zero elements, one row per element (``nonzero`` stacked)."""
    a = _arr(a)
    if len(_shape(a)) == 0:
        a = lax.reshape(a, (1,))
        return argwhere(a, size=size, fill_value=fill_value)[:, :0]
    cols = nonzero(a, size=size, fill_value=fill_value)
    if all(not isinstance(c, Tracer) for c in cols):
        return np.stack(cols, axis=1)
    return lax.concatenate([lax.reshape(c, (_shape(c)[0], 1)) for c in cols], 1)


def flatnonzero(a: Any, *, size: int | None = None, fill_value: Any = None) -> Any:
    """The indices of the non-zero elements of the flattened array."""
    a = _arr(a)
    return nonzero(lax.reshape(a, (math.prod(_shape(a)),)), size=size, fill_value=fill_value)[0]


HOOKS["at"] = _IndexUpdateHelper
HOOKS["getitem"] = getitem
