"""Shared test configuration.

SciPy is an optional extra (``pip install functrans[scipy]``): a few special functions need
it for their values and raise an ImportError naming the extra when it is absent. On a
machine without SciPy, a test that reaches such a function is reported as skipped (with
that reason) instead of failed; tests/test_scipy_special.py checks the error itself.
"""

import importlib.util
import os

import pytest

# fast_ufuncs (the [fast] extra) chooses by measurement whether its exp/tanh/sin/cos loops beat
# NumPy's on this machine; the tests pin what the loops compute, so they always use them
# (tests/test_fast_ufuncs.py checks the measured choice itself)
os.environ.setdefault("FUNCTRANS_FAST_UFUNCS", "on")

HAVE_SCIPY = importlib.util.find_spec("scipy") is not None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    exc = call.excinfo
    if (
        not HAVE_SCIPY
        and exc is not None
        and exc.errisinstance(ImportError)
        and "functrans[scipy]" in str(exc.value)
        and report.when == "call"
    ):
        report.outcome = "skipped"
        report.longrepr = (str(item.path), item.location[1] or 0, f"Skipped: needs SciPy ({exc.value})")


@pytest.fixture
def normal_eager_path():
    """Pins that count the work of the normal eager path (linearize, then the transpose rules
    interpreted) use this: with FUNCTRANS_EAGER_TAPE=always grad would record a tape instead."""
    from functrans._src import tape

    prev = tape.set_mode("off")
    yield
    tape.set_mode(prev)


@pytest.fixture
def tape_on():
    """The eager tape forced on (no warm-up) with a fresh cache; the stats and mode restored
    afterwards. The fixture's value switches the mode: ``tape_on("off")``."""
    from functrans._src import tape

    prev = tape.set_mode("always")
    tape.clear_cache()
    before = dict(tape.stats)
    yield lambda m: tape.set_mode(m)
    tape.set_mode(prev)
    tape.stats.update(before)
