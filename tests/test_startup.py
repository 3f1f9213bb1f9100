"""Start-up does only what the command needs: labelling imports neither scikit-learn, skops,
scipy nor pandas (issue #24; the times themselves are measured by ``make bench``)."""

from __future__ import annotations

import json
import subprocess
import sys

from research import paths

HEAVY = ("sklearn", "skops", "scipy", "pandas", "gensim", "matplotlib", "jieba")


def imported(code: str) -> set[str]:
    """Top-level packages a fresh interpreter has imported after running ``code``."""
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}})))"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return set(json.loads(result.stdout.strip().splitlines()[-1]))


def test_loading_the_model_and_labelling_import_no_heavy_package():
    loaded = imported("from research.classify import load_model\n"
                      "print(load_model().predict(['推进医保支付方式改革。']))")
    assert not loaded & set(HEAVY), loaded & set(HEAVY)


def test_classify_command_imports_no_heavy_package(tmp_path):
    seed = paths.SEEDS / "004_5ae382eb9c728642.txt"
    out = tmp_path / "labels.csv"
    code = ("import sys\nfrom research.cli import main\n"
            f"assert main(['classify', {str(seed)!r}, '--out', {str(out)!r}]) == 0")
    loaded = imported(code)
    assert not loaded & set(HEAVY), loaded & set(HEAVY)
    assert out.read_text(encoding="utf-8").count("\n") > 50
