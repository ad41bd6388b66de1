"""``functrans.nn``: activation functions and friends, as ``jax.nn``.

Every function works under every functrans transformation, is numerically stable, and has
JAX's derivatives at its kinks (for example ``relu'(0) = 0``).
"""

from functrans._src.nn import (
    celu,
    elu,
    gelu,
    hard_tanh,
    leaky_relu,
    log_sigmoid,
    log_softmax,
    logsumexp,
    one_hot,
    relu,
    relu6,
    selu,
    sigmoid,
    silu,
    softmax,
    softplus,
    standardize,
    swish,
)

__all__ = [
    "celu", "elu", "gelu", "hard_tanh", "leaky_relu", "log_sigmoid", "log_softmax", "logsumexp", "one_hot",
    "relu", "relu6", "selu", "sigmoid", "silu", "softmax", "softplus", "standardize", "swish",
]  # fmt: skip
# more of jax.nn
from functrans._src.nn import (  # noqa: E402
    glu,
    hard_sigmoid,
    hard_silu,
    hard_swish,
    identity,
    logmeanexp,
    mish,
    soft_sign,
    sparse_plus,
    sparse_sigmoid,
    squareplus,
    tanh,
)

__all__ += ["glu", "hard_sigmoid", "hard_silu", "hard_swish", "identity", "logmeanexp", "mish", "soft_sign",
            "sparse_plus", "sparse_sigmoid", "squareplus", "tanh"]
# attention, log1mexp and the initializers
from functrans._src.nn_attention import dot_product_attention, log1mexp  # noqa: E402
from functrans.nn import initializers  # noqa: E402

__all__ += ["dot_product_attention", "initializers", "log1mexp"]
