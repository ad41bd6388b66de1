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

# windowed reductions (functrans/_src/lax/windowed.py): distinct values, so no ties
from functrans import lax as flax  # noqa: E402

Y = rng.permutation(60).reshape(3, 4, 5) / 17.0


def _rw(comp, init):
    return lambda x: flax.reduce_window(x * x, init, comp, (1, 2, 3), (1, 1, 2), ((0, 0), (1, 0), (1, 2)),
                                        base_dilation=(1, 2, 1), window_dilation=(1, 1, 2))


RULE_CASES.update({
    "reduce_window_max": (_rw(flax.max, -np.inf), (Y,)),
    "reduce_window_min": (_rw(flax.min, np.inf), (Y,)),
})

# complex operands (bilinear: no conjugation), checked by tests/test_complex_rules.py
XZ = X[:1, :, :4, :3] + 0.5j * X[1:, :, 1:, 1:]
KZ = K[:, :, :2, :2] - 0.25j * K[:, :, :2, 1:]
COMPLEX_CASES = {
    "conv_general_dilated": (lambda x, k: conv.conv_general_dilated(x, k, (1, 2), "SAME", None, (2, 1),
                                                                    feature_group_count=2), (XZ, KZ)),
}
