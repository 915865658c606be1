"""environment.yml (conda users) lists exactly the dependencies of pyproject.toml."""

from __future__ import annotations

import tomllib

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
