"""environment.yml (conda users) lists exactly the dependencies of pyproject.toml."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml

from evaluation.paths import REPO_ROOT


def _pip_section(environment: dict) -> list[str]:
    for item in environment["dependencies"]:
        if isinstance(item, dict) and "pip" in item:
            return item["pip"]
    return []


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    wanted = project["dependencies"] + project["optional-dependencies"]["dev"]
    environment = yaml.safe_load((REPO_ROOT / "environment.yml").read_text())
    assert sorted(_pip_section(environment)) == sorted(wanted)


def test_pre_commit_config_guards_sensitive_data():
    """The hooks that keep outputs, large files and secrets out of git are configured and valid."""
    config = REPO_ROOT / ".pre-commit-config.yaml"
    hooks = {h["id"] for repo in yaml.safe_load(config.read_text())["repos"] for h in repo["hooks"]}
    assert {
        "nbstripout",
        "check-added-large-files",
        "detect-secrets",
        "ruff-check",
        "mypy",
    } <= hooks
    tool = shutil.which("pre-commit", path=str(Path(sys.executable).parent))
    assert tool, "pre-commit is in the dev extra"
    done = subprocess.run([tool, "validate-config", str(config)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
