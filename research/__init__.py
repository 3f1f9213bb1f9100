"""Research toolkit for Chinese medical-security ("1+4+2") plan texts."""

__version__ = "0.1.0"
