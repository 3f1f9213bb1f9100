"""Execute the numbered notebooks top to bottom on a fresh kernel (nbclient).

Notebooks with a cell tagged ``parameters`` can be executed for any study: the values given
are injected in a new cell after it (tagged ``injected-parameters``, as papermill does)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from research import paths
from research.errors import ResearchError

NOTEBOOKS = paths.ROOT / "notebooks"
TIMEOUT = 600


def notebook_files() -> list[Path]:
    return sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def _inject(notebook, parameters: dict) -> bool:
    """Insert ``parameters`` after the cell tagged ``parameters``; False when there is none."""
    import nbformat

    for i, cell in enumerate(notebook.cells):
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            source = "# Parameters injected for this run\n" + "\n".join(f"{k} = {v!r}" for k, v in parameters.items())
            injected = nbformat.v4.new_code_cell(source, metadata={"tags": ["injected-parameters"]})
            injected["id"] = "injected-parameters"
            notebook.cells.insert(i + 1, injected)
            return True
    return False


def parameter_names(path: Path) -> list[str]:
    """Names assigned in the notebook's cell tagged ``parameters`` (empty: not parameterized)."""
    import re

    import nbformat

    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            return re.findall(r"^([A-Za-z_]\w*)\s*=", cell.source, re.MULTILINE)
    return []


#: What a study gives each notebook parameter (paths relative to ``study/notebooks/``), and
#: the file that must exist in the study for it.
STUDY_PARAMETERS = {"study": ("..", "labels.csv"), "topics_dir": ("../topics", "topics/summary.json")}


#: What the kernel process itself may print after the notebook is done and that says nothing about
#: it: libzmq's abort when a socket's signaler sees a hang-up while the kernel's context closes at
#: exit (zeromq/libzmq#1307), seen once in CI on a loaded machine.  Cell output never goes here.
_KERNEL_TEARDOWN = ("Assertion failed: pfd.revents & POLLIN (src/signaler.cpp",)


def _relay_kernel_stderr(path: Path) -> None:
    """Print what the kernel process wrote to its own stderr, but its teardown noise."""
    import sys

    if not path.exists():
        return
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.strip() and not line.startswith(_KERNEL_TEARDOWN):
            print(line, file=sys.stderr)


def execute(path: Path, out: Path | None = None, timeout: int = TIMEOUT, parameters: dict | None = None,
            cwd: Path | None = None) -> Path:
    """Run one notebook (with ``parameters`` injected, working folder ``cwd``, default the
    notebook's own); write it with its outputs to ``out`` (default: in place)."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
    from traitlets.config import Config

    from research.atomic import atomic_path

    notebook = nbformat.read(path, as_version=4)
    if parameters and not _inject(notebook, parameters):
        raise ResearchError(f"{path.name}: no cell tagged 'parameters' to inject {', '.join(parameters)} into")
    with tempfile.TemporaryDirectory(prefix="kernel-") as sockets:
        # Unix sockets in a private folder: no network port (so no plain-TCP warning from the
        # kernel), and two notebooks run at once in one folder cannot meet.
        config = Config()
        config.KernelManager.transport = "ipc"
        config.KernelManager.ip = os.path.join(sockets, "ipc")
        client = NotebookClient(notebook, timeout=timeout, kernel_name="python3", record_timing=False,
                                resources={"metadata": {"path": str(cwd or path.parent)}}, config=config)
        kernel_stderr = Path(sockets) / "kernel.stderr"
        try:
            with kernel_stderr.open("w+b") as stderr:
                client.execute(stderr=stderr)
        except CellExecutionError as err:
            first = str(err).strip().splitlines()
            raise ResearchError(f"{path.name}: a cell failed ({first[-1] if first else 'error'})") from None
        finally:
            _relay_kernel_stderr(kernel_stderr)
    target = Path(out) / path.name if out else path
    target.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(target) as tmp:
        nbformat.write(notebook, tmp)
    return target


def execute_for_study(study: Path) -> tuple[list[Path], dict[str, str]]:
    """Execute every numbered notebook whose parameters a study provides (``study``, and
    ``topics_dir`` when topics were fitted) and write it to ``study/notebooks/``; return the
    notebooks written and, for the others, why they were not run.  The notebooks run there
    with paths relative to it, so the folder can be moved afterwards."""
    out = Path(study) / "notebooks"
    out.mkdir(parents=True, exist_ok=True)
    written, skipped = [], {}
    for path in notebook_files():
        names = parameter_names(path)
        unknown = [n for n in names if n not in STUDY_PARAMETERS]
        missing = [STUDY_PARAMETERS[n][1] for n in names if n in STUDY_PARAMETERS
                   and not (Path(study) / STUDY_PARAMETERS[n][1]).exists()]
        if not names or unknown or missing:
            skipped[path.name] = ("no parameters cell" if not names else
                                  f"parameter(s) {', '.join(unknown)} unknown to a study" if unknown else
                                  f"the study has no {', '.join(missing)}")
            continue
        written.append(execute(path, out, parameters={n: STUDY_PARAMETERS[n][0] for n in names}, cwd=out))
    return written, skipped
