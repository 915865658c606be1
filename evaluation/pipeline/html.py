"""Combine a report's executed notebooks into one self-contained HTML page with no code.

The page opens with the title, a contents list and the parameters the report was run with; the
executive summary comes first (it runs last, since it may draw on every section), then each
notebook as a section in order. Code, prompts, stderr and the papermill parameter cells are
left out (nbconvert ``exclude_input``); figures are already embedded as data URIs, so the page is a
single file that can be emailed or archived.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter

from evaluation.pipeline.config import EvaluationConfig

HIDDEN_TAGS = {"parameters", "injected-parameters", "remove-cell"}


def _section_title(notebook: nbformat.NotebookNode, fallback: str) -> str:
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            match = re.search(r"^#{1,2}\s+(.+)$", cell.source, flags=re.MULTILINE)
            if match:
                return match.group(1).strip()
    return fallback


def _clean_outputs(cell: nbformat.NotebookNode) -> None:
    if cell.cell_type == "code":
        cell.outputs = [
            o for o in cell.outputs if not (o.output_type == "stream" and o.name == "stderr")
        ]


def combine_notebooks(paths: list[Path], title: str, parameters: dict) -> nbformat.NotebookNode:
    """One notebook holding every section, with a title, parameters and contents cells."""
    paths = sorted(paths, key=lambda p: (not p.stem.endswith("_summary"), p.name))  # summary first
    books = [nbformat.read(str(p), as_version=4) for p in paths]
    titles = [_section_title(b, p.stem) for b, p in zip(books, paths, strict=True)]
    shown = {k: v for k, v in parameters.items() if k not in {"output_dir"}}
    rows = "\n".join(f"| `{k}` | `{v}` |" for k, v in sorted(shown.items()))
    contents = "\n".join(f"{i}. [{t}](#section-{i})" for i, t in enumerate(titles, start=1))
    cells = [
        nbformat.v4.new_markdown_cell(f"# {title}"),
        nbformat.v4.new_markdown_cell(
            "## Contents\n\n" + contents + "\n\n## Parameters\n\n| parameter | value |\n"
            "| --- | --- |\n" + rows
        ),
    ]
    for number, book in enumerate(books, start=1):
        cells.append(nbformat.v4.new_markdown_cell(f'<a id="section-{number}"></a>'))
        for cell in book.cells:
            if HIDDEN_TAGS & set(cell.get("metadata", {}).get("tags", [])):
                continue
            _clean_outputs(cell)
            cells.append(cell)
    for number, cell in enumerate(cells):
        cell["id"] = f"cell-{number}"  # not nbformat's random ids: two runs, the same bytes
    combined = nbformat.v4.new_notebook(cells=cells)
    combined.metadata = books[0].metadata if books else {}
    return combined


def build_html(
    executed: list[Path], output: Path, config: EvaluationConfig, parameters: dict
) -> Path:
    """Write ``report.html``: all sections, no code, images embedded."""
    notebook = combine_notebooks(executed, config.title, parameters)
    exporter = HTMLExporter(
        exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True
    )
    body, _ = exporter.from_notebook_node(notebook, resources={"metadata": {"name": config.title}})
    output.write_text(body, encoding="utf-8")
    return output
