"""Execute the numbered notebooks top to bottom on a fresh kernel (nbclient)."""

from __future__ import annotations

from pathlib import Path

from research import paths
from research.errors import ResearchError

NOTEBOOKS = paths.ROOT / "notebooks"
TIMEOUT = 600


def notebook_files() -> list[Path]:
    return sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def execute(path: Path, out: Path | None = None, timeout: int = TIMEOUT) -> Path:
    """Run one notebook; write it with its outputs to ``out`` (default: in place)."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    from research.atomic import atomic_path

    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3", record_timing=False,
                            resources={"metadata": {"path": str(path.parent)}})
    try:
        client.execute()
    except CellExecutionError as err:
        first = str(err).strip().splitlines()
        raise ResearchError(f"{path.name}: a cell failed ({first[-1] if first else 'error'})") from None
    target = Path(out) / path.name if out else path
    target.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(target) as tmp:
        nbformat.write(notebook, tmp)
    return target
