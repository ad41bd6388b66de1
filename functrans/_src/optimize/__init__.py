"""IR-to-IR optimisation passes, for programs about to be compiled (``jit``).

Every pass is a pure function ``IR -> IR``: it returns a new :class:`IR` and
never mutates its argument or the argument's :class:`Eqn` objects (an equation
that does not change is shared between the old and the new program). The result
of every pass passes :func:`~functrans._src.core.typecheck_ir`.

The passes:

* :func:`inline_calls`: splice the body of every ``jit`` call into its caller.
* :func:`forward_trivial`: drop identity equations (``reshape`` to the same
  shape, ``convert_element_type`` to the same dtype, ``stop_gradient``, ...).
* :func:`simplify`: algebraic identities (``x*1``, ``x+0``, ``neg(neg x)``,
  ``transpose(transpose x)``, products with zeros, ...).
* :func:`fold_constants`: evaluate equations whose inputs are all constants.
* :func:`reassociate`: value numbering of sums and products modulo reordering.
* :func:`polynomial`: polynomials in a few variables in (nested) Horner form.
* :func:`cse`: common-subexpression elimination.
* :func:`dce`: dead-code elimination.
* :func:`optimize`: all of the above, to a fixed point.

Substitution rule. A pass that replaces a variable ``v`` by another atom ``a``
does so only if ``a`` has exactly ``v``'s shape and dtype, because the
consumers' shape/dtype rules were evaluated for ``v``. The one type difference
that is repaired rather than refused is weak typing: a Python-scalar literal
(weakly typed, it gives way to the other operand in NumPy promotion) that stands
in for a strongly typed variable is rewritten as a NumPy scalar of that dtype.

Semantics. Shapes and dtypes are kept exactly. Values are kept exactly by every
pass except :func:`reassociate` and :func:`polynomial`, with the exceptions that
JAX's symbolic zeros share (documented at :func:`simplify`): ``x * 0 -> 0`` ignores
NaN and infinity in ``x``, and ``x + 0 -> x`` does not turn ``-0.0`` into ``+0.0``.
:func:`reassociate` (used by :func:`optimize` unless ``reassociate_sums=False``)
reorders floating-point sums and products, so its results agree to rounding error,
not bitwise. :func:`polynomial` (used by :func:`optimize` unless
``polynomial_form=False``) also expands products of sums, so its results agree to
rounding error relative to the size of the expanded terms, which can be much larger
than the value (see there). ``stop_gradient`` is dropped: it is the identity at
run time, so :func:`forward_trivial` (and :func:`optimize`) must only be applied to
programs that will not be differentiated again.

Nested derivatives. For the ``k``-th derivative of ``tanh`` by nested ``grad``,
:func:`equation_counts` gives (raw, optimised) equation counts; see
:func:`derivative_eqn_counts`. Nested reverse mode grows geometrically in ``k``
(every order differentiates the whole previous program: the raw programs grow by a
factor of about 2.7 per order). Without :func:`reassociate` and :func:`polynomial`
the optimised programs still grow by a factor of about 2.5 per order, with
:func:`reassociate` alone about 1.7; :func:`polynomial` rewrites ``d^k tanh(x)`` as
the polynomial of degree ``k + 1`` in ``tanh x`` that it is, in ``k + 3`` equations
(for ``k >= 3``), at the precision cost described there.

Each pass lives in its own module of this package (``inline``, ``trivial``, ``simplify``,
``fold``, ``cse``, ``dce``, ``reassociate``, ``polynomial``; shared helpers and limits in
``_common``; the pipeline in ``pipeline``); every name is importable from here.
"""

from functrans._src.optimize._common import MAX_FOLD_SIZE, MAX_INSPECT_SIZE, MAX_VALUE_KEY_SIZE
from functrans._src.optimize.cse import cse
from functrans._src.optimize.dce import dce
from functrans._src.optimize.fold import fold_constants
from functrans._src.optimize.inline import inline_calls
from functrans._src.optimize.pipeline import PASSES, derivative_eqn_counts, equation_counts, optimize
from functrans._src.optimize.polynomial import MAX_BASES, MAX_DEGREE, MAX_POLY_TERMS, polynomial
from functrans._src.optimize.reassociate import MAX_TERMS, reassociate
from functrans._src.optimize.simplify import simplify
from functrans._src.optimize.trivial import forward_trivial

__all__ = [
    "MAX_BASES",
    "MAX_DEGREE",
    "MAX_FOLD_SIZE",
    "MAX_INSPECT_SIZE",
    "MAX_POLY_TERMS",
    "MAX_TERMS",
    "MAX_VALUE_KEY_SIZE",
    "PASSES",
    "cse",
    "dce",
    "derivative_eqn_counts",
    "equation_counts",
    "fold_constants",
    "forward_trivial",
    "inline_calls",
    "optimize",
    "polynomial",
    "reassociate",
    "simplify",
]
