"""The peer libraries of benchmarks/fwd_vs_rev.py: HIPS autograd, torch.func and JAX, each when installed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

Thunk = Callable[[], Any]
Params = tuple[np.ndarray, ...]
Problem = Any


def peer_backends(Backend: Any, _version: Callable[[str], str]) -> tuple[list[Any], list[str]]:
    """The peers that import, and a note for each that does not."""
    backends: list[Backend] = []
    notes: list[str] = []
    try:
        import autograd
        import autograd.numpy as anp
    except ImportError:
        notes.append("HIPS autograd is not installed: skipped (pip install autograd)")
    else:

        def prep_autograd(p: Problem, x: np.ndarray, params: Params) -> dict[str, Thunk]:
            j = autograd.jacobian(p.fn(anp))  # reverse mode, one VJP per output
            return {"rev": lambda: j(x, *params)}

        backends.append(Backend("autograd", _version("autograd"), prep_autograd))
    try:
        import torch
        import torch.func
    except ImportError:
        notes.append("PyTorch is not installed: torch.func skipped (pip install torch)")
    else:

        def prep_torch(p: Problem, x: np.ndarray, params: Params) -> dict[str, Thunk]:
            f = p.fn(torch)
            tx = torch.from_numpy(x)
            tp = tuple(torch.from_numpy(a) for a in params)
            jf, jr = torch.func.jacfwd(f), torch.func.jacrev(f)
            return {"fwd": lambda: jf(tx, *tp), "rev": lambda: jr(tx, *tp)}

        backends.append(Backend("torch.func", torch.__version__, prep_torch, lambda t: t.detach().numpy()))
    try:
        import jax
        import jax.numpy as jnp
    except ImportError:
        notes.append("JAX is not installed: skipped (pip install jax jaxlib)")
    else:
        jax.config.update("jax_enable_x64", True)

        def prep_jax(jit: bool) -> Callable[[Problem, np.ndarray, Params], dict[str, Thunk]]:
            def prep(p: Problem, x: np.ndarray, params: Params) -> dict[str, Thunk]:
                f = p.fn(jnp)
                jx, jp = jnp.asarray(x), tuple(jnp.asarray(a) for a in params)
                # the parameters are arguments, not closed-over constants, so jit does not fold them
                jf, jr = jax.jacfwd(f), jax.jacrev(f)
                if jit:
                    jf, jr = jax.jit(jf), jax.jit(jr)
                return {
                    "fwd": lambda: jf(jx, *jp).block_until_ready(),
                    "rev": lambda: jr(jx, *jp).block_until_ready(),
                }

            return prep

        backends.append(Backend("jax", jax.__version__, prep_jax(False)))
        backends.append(Backend("jax.jit", jax.__version__, prep_jax(True)))
    return backends, notes
