"""The package's layers, checked from its import statements (an AST walk, no imports run).

- ``evaluation.stats``, ``evaluation.disclosure`` and ``evaluation.text`` are general: they import
  nothing from the ARF-specific or orchestration layers (analyses, instrument, inputs,
  publishing, pipeline, cli, the notebooks' helpers);
- the notebooks import no orchestration (``pipeline``, ``cli``): they publish through
  ``evaluation.publishing``;
- the package has no import cycle between its modules.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "evaluation"
GENERAL = ("evaluation.stats", "evaluation.disclosure", "evaluation.text")
ARF_OR_ORCHESTRATION = (
    "evaluation.analyses", "evaluation.instrument", "evaluation.inputs", "evaluation.publishing",
    "evaluation.pipeline", "evaluation.cli", "evaluation.explore", "evaluation.io",
    "evaluation.synth", "evaluation.outcomes", "evaluation.plots", "evaluation.audit",
    "evaluation.release_audit", "evaluation.paths", "evaluation.coding_session",
    "evaluation.themes",
)  # fmt: skip
# Known, dated exceptions: (importer, imported) -> why it is still there. Delete a line when the
# change it names lands; the test below then holds the rule for it too.
PENDING: dict[tuple[str, str], str] = {}


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(tree: ast.AST, module: str, is_package: bool) -> set[str]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = module.split(".") if is_package else module.split(".")[:-1]
                parts = parts[: len(parts) - node.level + 1]
                base = ".".join([*parts, *([node.module] if node.module else [])])
            found.add(base)
            found |= {f"{base}.{a.name}" for a in node.names}
    return {name for name in found if name.startswith("evaluation")}


def _graph() -> dict[str, set[str]]:
    paths = {_module(p): p for p in PACKAGE.rglob("*.py")}
    graph = {}
    for module, path in paths.items():
        names = _imports(ast.parse(path.read_text()), module, path.name == "__init__.py")
        graph[module] = {n for n in names if n in paths and n != module}
    return graph


def _within(module: str, layers: tuple[str, ...]) -> bool:
    return any(module == layer or module.startswith(layer + ".") for layer in layers)


def test_general_layers_know_nothing_of_the_arf_or_orchestration() -> None:
    graph = _graph()
    wrong = sorted(
        f"{module} imports {target}"
        for module, targets in graph.items()
        if _within(module, GENERAL)
        for target in targets
        if _within(target, ARF_OR_ORCHESTRATION) and (module, target) not in PENDING
    )
    assert wrong == [], "\n".join(wrong)


def test_the_package_has_no_import_cycle() -> None:
    graph = _graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for module in graph:
        if module not in index:
            visit(module)
    assert cycles == [], cycles


def test_notebooks_import_no_orchestration() -> None:
    wrong = []
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell in json.loads(notebook.read_text())["cells"]:
            if cell["cell_type"] != "code":
                continue
            source = "".join(cell["source"])
            try:
                tree = ast.parse(source)
            except SyntaxError:  # IPython magics
                continue
            for name in _imports(tree, "notebook", False):
                if _within(name, ("evaluation.pipeline", "evaluation.cli")):
                    wrong.append(f"{notebook.name}: {name}")
    assert wrong == [], wrong
