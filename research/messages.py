"""How the command line speaks: every warning as one ``warning:`` line, except a short list of
library warnings checked to be harmless here (:data:`HARMLESS_WARNINGS`)."""

from __future__ import annotations

import os
import sys
import warnings

#: Library warnings checked to be harmless here, hidden by message, category and module
#: (``warnings.filterwarnings`` arguments); every other warning is printed as one line.
HARMLESS_WARNINGS = (
    # jieba (the test reference) imports pkg_resources, deprecated in setuptools 67-80.
    {"message": "pkg_resources is deprecated", "category": UserWarning},
    # tomotopy 0.14 on import: "builtin type _VocabDict has no __module__ attribute" (raised from
    # importlib, so it can only be matched by its message).
    {"message": r"builtin type \w+ has no __module__ attribute", "category": DeprecationWarning},
    # jieba's own deprecated internals (regex escapes, imp) on import.
    {"category": DeprecationWarning, "module": "jieba"},
)


def show_warning(message, category, filename, lineno, file=None, line=None):
    """One ``warning:`` line per warning: the project's own as they are, a library's with its
    category and the file that raised it."""
    from research.errors import InputWarning, ModelWarning

    text = " ".join(str(message).split())
    if issubclass(category, (InputWarning, ModelWarning)):
        print(f"warning: {text}", file=sys.stderr)
    else:
        print(f"warning: {category.__name__}: {text} ({os.path.basename(filename)}:{lineno})", file=sys.stderr)


def show_warnings() -> None:
    """Install the policy: harmless library warnings hidden, the project's own shown every time,
    each warning printed by :func:`show_warning`."""
    from research.errors import InputWarning, ModelWarning

    warnings.showwarning = show_warning
    for spec in HARMLESS_WARNINGS:
        warnings.filterwarnings("ignore", **spec)
    warnings.filterwarnings("always", category=InputWarning)
    warnings.filterwarnings("always", category=ModelWarning)
