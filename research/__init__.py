"""Research toolkit for Chinese medical-security ("1+4+2") plan texts."""

__version__ = "0.1.0"

from research.numerics import pin_kernels  # noqa: E402

pin_kernels()  # before numpy or tomotopy loads (research.numerics says why)
