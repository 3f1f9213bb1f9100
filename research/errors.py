"""The project's error types: each carries a one-line message meant for users."""


class ResearchError(Exception):
    """Base class; the CLI prints ``str(err)`` on one line and exits with code 2."""


class InputError(ResearchError):
    """A document or data file cannot be read or holds nothing usable."""


class AnnotationError(ResearchError):
    """An annotation file is malformed or disagrees with the corpus."""


class ModelError(ResearchError):
    """A model file is missing, untrusted or incompatible."""


class InputWarning(UserWarning):
    """A document was read, but the result may be poor (mixed encodings, damaged text)."""


class ModelWarning(UserWarning):
    """A model file loads, but was saved by other library versions: predictions may differ."""


def warn(message: str, category: type[Warning] = InputWarning) -> None:
    """Issue an :class:`InputWarning` (or ``category``); the CLI prints it as one ``warning:`` line."""
    import warnings

    warnings.warn(message, category, stacklevel=2)
