"""The documentation in docs/ points only at files and names that exist.

A contributor reads docs/ first; a page that names a moved module or a renamed constant sends them
the wrong way, so every path and every name it cites is checked here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from evaluation.paths import REPO_ROOT

DOCS = sorted((REPO_ROOT / "docs").glob("*.md"))
# `evaluation/x.py` or `benchmarks/y.py` or a folder such as `evaluation/synth/`
PATH = re.compile(r"`((?:evaluation|benchmarks|notebooks|survey_data|tests)/[\w./-]*)`")
# a path followed by the names it holds: `evaluation/x.py` (`NAME`, `other`)
PATH_WITH_NAMES = re.compile(r"`((?:evaluation|benchmarks)/[\w/]+\.py)` \(([^)]*)\)")
NAME = re.compile(r"`(\w+)`")


def test_docs_exist():
    names = {p.name for p in DOCS}
    assert {"README.md", "architecture.md", "assumptions_and_caveats.md"} <= names


@pytest.mark.parametrize("page", DOCS, ids=lambda p: p.name)
def test_cited_paths_exist(page: Path):
    missing = [p for p in PATH.findall(page.read_text()) if not (REPO_ROOT / p).exists()]
    assert not missing, f"{page.name} cites paths that do not exist: {missing}"


@pytest.mark.parametrize("page", DOCS, ids=lambda p: p.name)
def test_cited_names_exist_in_their_files(page: Path):
    wrong = []
    for path, names in PATH_WITH_NAMES.findall(page.read_text()):
        source = (REPO_ROOT / path).read_text() if (REPO_ROOT / path).is_file() else ""
        for name in NAME.findall(names):
            if not re.search(rf"\b{name}\b", source):
                wrong.append(f"{name} in {path}")
    assert not wrong, f"{page.name} cites names its files do not hold: {wrong}"


def test_name_check_can_fail(tmp_path: Path):
    """The pattern really finds a cited name (guards the test above against matching nothing)."""
    text = "| x | `evaluation/disclosure.py` (`NO_SUCH_CONSTANT`) |"
    ((path, names),) = PATH_WITH_NAMES.findall(text)
    assert NAME.findall(names) == ["NO_SUCH_CONSTANT"]
    assert "NO_SUCH_CONSTANT" not in (REPO_ROOT / path).read_text()
