"""Run a command as on a machine with no CJK font: in a private mount namespace (root and
``unshare``), an empty tmpfs is mounted over every folder in which fontconfig lists a Chinese
font; the mounts vanish with the command.  Used by the font and browser tests."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

#: Mount an empty tmpfs over each folder given before ``--``, then run the rest.
_SCRIPT = ('while [ "$1" != -- ]; do mount -t tmpfs -o size=64k,mode=755 none "$1" || exit 97; shift; done; '
           'shift; exec "$@"')


def cjk_font_dirs() -> list[str]:
    """Folders holding the fonts that fontconfig lists for Chinese (empty: none installed)."""
    if not shutil.which("fc-list"):
        return []
    out = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True).stdout
    return sorted({str(Path(line.split(":")[0].strip()).parent) for line in out.splitlines() if line.strip()})


def why_not_hidden() -> str | None:
    """Why the system fonts cannot be hidden here (None: they can)."""
    if os.geteuid() != 0:
        return "hiding the system fonts needs root (bind mounts in a private mount namespace)"
    if not shutil.which("unshare"):
        return "no unshare(1) on this machine"
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True, text=True)
    return None if probe.returncode == 0 else f"unshare -m fails here: {probe.stderr.strip()}"


def hidden(argv: list[str], dirs: list[str] | None = None) -> list[str]:
    """``argv`` wrapped so that it runs with the folders ``dirs`` (default: the system's CJK
    font folders) hidden under empty ones; file descriptors pass through unchanged."""
    dirs = cjk_font_dirs() if dirs is None else dirs
    return ["unshare", "-m", "sh", "-c", _SCRIPT, "sh", *dirs, "--", *argv]
