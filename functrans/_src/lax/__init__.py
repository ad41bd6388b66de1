"""The primitives, grouped by family (as ``jax/_src/lax``), each declared once with all of its rules.

=====================  ======================================================
module                 primitives
=====================  ======================================================
``rules``              (no primitives) the registry and the shared rule builders
``comparisons``        eq ne lt le gt ge and or not, select, convert_element_type,
                       stop_gradient
``elementwise``        neg add sub mul div, sin ... sqrt abs sign floor ceil round,
                       integer_pow pow max min atan2
``elementwise_extra``  asinh acosh atanh exp2 log2 log10 cbrt logaddexp logaddexp2
                       fmod hypot signbit is_finite sinc_maclaurin
``complex_parts``      real imag conj complex
``special``            logistic logit erf erfc erf_inv lgamma digamma polygamma ndtri
                       log_ndtr xlogy xlog1py xlogx
``slicing``            index, index_put
``gather``             gather, scatter_add, scatter (advanced indexing, ``.at`` updates)
``shape``              broadcast_to reshape transpose concatenate
``reductions``         reduce_sum reduce_max reduce_min reduce_prod
``cumulative``         cumsum cumprod cummax cummin cumlogsumexp
``sorting``            sort argmax argmin searchsorted (and top_k, argsort built on sort)
``contraction``        dot_general
``convolution``        conv_general_dilated (and jax.lax's conv wrappers)
``windowed``           reduce_window_max reduce_window_min (reduce_window, associative_scan)
``linalg``             cholesky cholesky_tangent cholesky_cotangent triangular_solve lu
                       eigh svd qr
``linalg_solve``       solve inv slogdet det expm expm_frechet pinv eig
``linalg_kernels``     (no primitives) the NumPy kernels behind the linalg rules
``fft``                fft (FFT, IFFT, RFFT, IRFFT over the trailing axes)
``jax_surface``        (no primitives) jax.lax names built from the primitives
=====================  ======================================================

Every public name of the family modules is re-exported here, so ``lax.mul`` and
``lax.mul_p`` work whichever module declares them.
"""

from functrans._src.lax.bitwise import *  # noqa: F403, E402
from functrans._src.lax.comparisons import *  # noqa: F403
from functrans._src.lax.complex_parts import *  # noqa: F403
from functrans._src.lax.construction import *  # noqa: F403, E402
from functrans._src.lax.contraction import *  # noqa: F403
from functrans._src.lax.convolution import *  # noqa: F403
from functrans._src.lax.cumulative import *  # noqa: F403
from functrans._src.lax.dynamic_slicing import *  # noqa: F403, E402
from functrans._src.lax.elementwise import *  # noqa: F403
from functrans._src.lax.elementwise_extra import *  # noqa: F403
from functrans._src.lax.fft import *  # noqa: F403
from functrans._src.lax.gather import *  # noqa: F403
from functrans._src.lax.jax_surface_ops import *  # noqa: F403, E402
from functrans._src.lax.linalg import *  # noqa: F403
from functrans._src.lax.linalg_solve import *  # noqa: F403
from functrans._src.lax.numpy_extra import *  # noqa: F403
from functrans._src.lax.reductions import *  # noqa: F403
from functrans._src.lax.rules import *  # noqa: F403
from functrans._src.lax.shape import *  # noqa: F403
from functrans._src.lax.slicing import *  # noqa: F403
from functrans._src.lax.sorting import *  # noqa: F403
from functrans._src.lax.special import *  # noqa: F403
from functrans._src.lax.special_extra import *  # noqa: F403, E402
from functrans._src.lax.special_scipy import *  # noqa: F403
from functrans._src.lax.windowed import *  # noqa: F403
