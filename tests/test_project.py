"""The project's own promises: dependency lists agree, the README starts right, CLI help works."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib

import yaml

from research import paths


def _name(spec: str) -> str:
    return re.split(r"[<>=!\[ ]", spec.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_names_the_same_packages_as_pyproject():
    project = tomllib.loads((paths.ROOT / "pyproject.toml").read_text())["project"]
    declared = {_name(d) for d in project["dependencies"]}
    declared |= {_name(d) for extra in project["optional-dependencies"].values() for d in extra}
    env = yaml.safe_load((paths.ROOT / "environment.yml").read_text())
    conda, pip = set(), set()
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip |= {_name(d) for d in dep["pip"] if not d.startswith("-e")}
        else:
            conda.add(_name(dep))
    conda -= {"python", "pip"}
    assert conda | pip == declared


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


def test_pipeline_steps_are_commands_in_dependency_order():
    from research.cli import PIPELINE, build_parser

    parser = build_parser()
    for step in PIPELINE:
        assert callable(parser.parse_args(list(step)).func), step
    commands = [step[0] for step in PIPELINE]
    assert commands[0] == "corpus" and commands[-1] == "report"
    assert max(i for i, c in enumerate(commands) if c == "topics") < commands.index("train")
