"""Rule-coverage cases of functrans/_src/lax/convolution.py and windowed.py."""

import numpy as np

from functrans._src.lax import convolution as conv

rng = np.random.default_rng(21)
X = rng.uniform(-1.0, 1.0, (2, 4, 5, 4))
K = rng.uniform(-1.0, 1.0, (4, 2, 2, 3))


def _conv(x, k):
    # strides, padding that is partly negative, both dilations and feature groups at once
    return conv.conv_general_dilated(x, k, (2, 1), ((1, 2), (-1, 1)), (1, 2), (2, 1), ("NCHW", "OIHW", "NHWC"),
                                     feature_group_count=2)


RULE_CASES = {
    "conv_general_dilated": (lambda x, k: _conv(x, k) ** 2, (X, K)),
}
