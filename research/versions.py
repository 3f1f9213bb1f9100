"""The versions that made an output: Python and the installed versions of the packages whose
code decides the numbers and figures (recorded in ``models/metrics.json`` and ``study.json``;
``requirements.lock`` pins the same versions)."""

from __future__ import annotations

import platform
from importlib import metadata

#: Distributions whose code computes, tokenizes, fits, draws or stores the results.
KEY_PACKAGES = ("research", "numpy", "scipy", "pandas", "scikit-learn", "gensim", "tomotopy", "rjieba",
                "opencc", "skops", "matplotlib", "mplfonts", "fonttools", "pyldavis", "threadpoolctl")


def package_versions(packages: tuple[str, ...] = KEY_PACKAGES) -> dict[str, str | None]:
    """``{"python": "3.11", "numpy": "2.4.6", ...}``: the running Python (major.minor: what the
    lock is for; a patch release would change the recorded files on another machine) and each
    package's installed version (None when it is not installed), in the order given."""
    versions: dict[str, str | None] = {"python": ".".join(platform.python_version_tuple()[:2])}
    for name in packages:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions
