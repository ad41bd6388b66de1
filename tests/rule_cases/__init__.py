"""Rule-coverage cases of the primitive families, one module per family (or per feature).

Each module defines ``RULE_CASES = {primitive name: (function using it, example args)}``
and may define ``NOT_FINITE_DIFFERENCE_CHECKABLE`` (a set of names). tests/test_rule_coverage.py
merges them with its own table; a name defined twice is an error. A module may also define
``COMPLEX_CASES = {label: (function, complex example args)}``: tests/test_complex_rules.py
checks each to second order in both modes, under vmap against a loop and under jit.
"""

import importlib
import pkgutil


def collect():
    cases, unchecked = {}, set()
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        mod = importlib.import_module(f"{__name__}.{info.name}")
        for name, case in mod.RULE_CASES.items():
            if name in cases:
                raise ValueError(f"rule case {name!r} is defined twice (in {info.name})")
            cases[name] = case
        unchecked |= set(getattr(mod, "NOT_FINITE_DIFFERENCE_CHECKABLE", ()))
    return cases, unchecked


def collect_complex():
    cases = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        mod = importlib.import_module(f"{__name__}.{info.name}")
        for name, case in getattr(mod, "COMPLEX_CASES", {}).items():
            cases[f"{info.name}:{name}"] = case
    return cases
