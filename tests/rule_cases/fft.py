"""Rule-coverage case of functrans/_src/lax/fft.py: one function through all four transform
types (FFT, IFFT, RFFT, IRFFT), with a real and a complex input, products between them so
that the second-order checks see every transpose twice, and a real output."""

import numpy as np

import functrans.numpy as fnp

rng = np.random.default_rng(15)
X = rng.uniform(-1.0, 1.0, (2, 6))
Z = rng.uniform(-1.0, 1.0, (2, 6)) + 1j * rng.uniform(-1.0, 1.0, (2, 6))


def _all_types(x, z):
    a = fnp.fft.rfft(x)  # RFFT: (2, 4) complex
    b = fnp.fft.ifft(fnp.fft.fft(z) * z)  # FFT, IFFT
    c = a * b[:, :4]
    return fnp.fft.irfft(c * c, n=6)  # IRFFT: real (2, 6)


RULE_CASES = {"fft": (_all_types, (X, Z))}
