"""Combine a report's executed notebooks into one self-contained HTML page, and print it to PDF.

The page opens with the title, a contents list and the parameters the report was run with; the
executive summary comes first (it runs last, since it may draw on every section), then each
notebook as a section in order. Only what a reader needs is written:

- markdown cells (escaped: raw HTML in a notebook's text is shown, never run);
- the outputs a notebook publishes deliberately: tables, figures and findings, which
  :class:`evaluation.publishing.ReportContext` writes as HTML with every string escaped, and
  Markdown displays. Code, prompts, streams, plain-text reprs (a stray Python list) and the
  papermill parameter cells are left out.

The page has no script and loads nothing: styles are inline, fonts are the reader's own, figures
are data URIs, so it opens on a laptop with no network. It holds no cell ids, timestamps or paths
of the machine that built it beyond what the parameters show, so the same inputs give the same
bytes. Print styles keep captions with their tables, wrap wide tables to the page and drop
scrollbars; :func:`write_pdf` prints the page with headless Chromium (offline).
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import mistune
import nbformat

from evaluation.pipeline.config import EvaluationConfig

HIDDEN_TAGS = {"parameters", "injected-parameters", "remove-cell"}
HIDDEN_PARAMETERS = {"output_dir"}
PDF_ENGINES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
_markdown = mistune.create_markdown(escape=True, plugins=["table"])

CSS = """
:root { --ink: #1f1f1f; --muted: #4a4a4a; --rule: #c8c8c8; --band: #f3f5f7; --accent: #005eb8; }
* { box-sizing: border-box; }
html { font-family: "Segoe UI", Arial, "Helvetica Neue", Helvetica, "DejaVu Sans", sans-serif;
       color: var(--ink); background: #ffffff; line-height: 1.5; }
body { margin: 0; }
main { max-width: 72rem; margin: 0 auto; padding: 1.5rem 2rem 4rem; }
h1 { font-size: 1.9rem; margin: 0.4rem 0 1rem; color: #003087; }
h2 { font-size: 1.5rem; margin: 2.2rem 0 0.6rem; color: #003087;
     border-bottom: 2px solid #003087; padding-bottom: 0.2rem; }
h3 { font-size: 1.2rem; margin: 1.6rem 0 0.4rem; }
h4, h5 { font-size: 1rem; margin: 1.2rem 0 0.3rem; }
a { color: var(--accent); }
p, li { max-width: 60rem; }
code { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: 0.9em;
       background: var(--band); padding: 0 0.2em; }
nav.contents ul { list-style: none; padding-left: 0; }
nav.contents li { margin: 0.15rem 0; }
.table-block { margin: 1rem 0 1.4rem; }
table.arf-table { border-collapse: collapse; width: auto; max-width: 100%;
                  min-width: min(100%, 34rem); font-size: 0.85rem; }
table.arf-table caption { caption-side: top; text-align: left; font-size: 0.95rem;
                          padding: 0 0 0.35rem; color: var(--ink); }
table.arf-table th, table.arf-table td { border-bottom: 1px solid var(--rule);
    padding: 0.25rem 0.5rem; text-align: left; vertical-align: top;
    overflow-wrap: break-word; word-break: normal; hyphens: auto; }
table.arf-table th { background: var(--band); font-weight: 600; }
table.arf-table .num { text-align: right; font-variant-numeric: tabular-nums; }
table.arf-table td.suppressed { color: var(--muted); }
table.arf-table tbody tr:nth-child(even) td { background: #fafbfc; }
.table-note, .figure-note { display: block; font-size: 0.85rem; color: var(--muted);
                            margin: 0.3rem 0 0; font-style: italic; }
figure.arf-figure { margin: 1.2rem 0 1.6rem; }
figure.arf-figure img { display: block; max-width: 100%; height: auto; }
figure.arf-figure figcaption { font-size: 0.95rem; margin-top: 0.4rem; }
section.findings { background: var(--band); border-left: 4px solid var(--accent);
                   padding: 0.6rem 1rem; margin: 1rem 0; }
section.findings h3 { margin-top: 0.2rem; }
.scorecard td:first-child { font-weight: 600; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  html { font-size: 10pt; }
  main { max-width: none; padding: 0; }
  section.report-section > h2:first-child { break-before: page; }
  h2, h3, h4, caption { break-after: avoid; }
  .table-block, figure.arf-figure, section.findings { overflow: visible; }
  table.arf-table { width: 100%; table-layout: auto; font-size: 7.5pt; break-inside: auto; }
  table.arf-table th, table.arf-table td { padding: 0.12rem 0.25rem; }
  table.arf-table thead { display: table-header-group; }
  table.arf-table tr, figure.arf-figure { break-inside: avoid; }
  figure.arf-figure img { max-height: 240mm; object-fit: contain; }
  a { color: var(--ink); text-decoration: none; }
}
"""


def _section_title(notebook: nbformat.NotebookNode, fallback: str) -> str:
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            match = re.search(r"^#{1,2}\s+(.+)$", cell.source, flags=re.MULTILINE)
            if match:
                return match.group(1).strip()
    return fallback


def markdown_html(text: str, shift: int = 1) -> str:
    """Markdown as escaped HTML, headings moved down ``shift`` levels (the page has one h1)."""
    rendered = str(_markdown(text))  # mistune's HTML renderer returns a string

    def demote(match: re.Match[str]) -> str:
        level = min(int(match.group(2)) + shift, 6)
        return f"<{match.group(1)}h{level}"

    return re.sub(r"<(/?)h([1-6])", demote, rendered)


def _output_html(output: nbformat.NotebookNode) -> str:
    """What a reader sees of one output: published HTML, Markdown or an image; nothing else."""
    if output.get("output_type") not in ("display_data", "execute_result"):
        return ""  # streams (stdout/stderr) and errors are the analyst's, not the reader's
    data = output.get("data", {})
    if "text/html" in data:
        return (
            "".join(data["text/html"]) if isinstance(data["text/html"], list) else data["text/html"]
        )
    if "text/markdown" in data:
        return markdown_html(data["text/markdown"], shift=2)
    if "image/png" in data:
        alt = output.get("metadata", {}).get("alt", "Figure (no description available)")
        return f'<img src="data:image/png;base64,{data["image/png"]}" alt="{html.escape(alt)}">'
    return ""  # a plain-text repr (a list, a path) is not a published result


def _cells_html(book: nbformat.NotebookNode) -> list[str]:
    parts = []
    for cell in book.cells:
        if HIDDEN_TAGS & set(cell.get("metadata", {}).get("tags", [])):
            continue
        if cell.cell_type == "markdown":
            parts.append(markdown_html(cell.source))
        elif cell.cell_type == "code":
            parts.extend(_output_html(o) for o in cell.get("outputs", []))
    return [p for p in parts if p]


def _sorted_books(paths: list[Path]) -> list[Path]:
    return sorted(paths, key=lambda p: (not p.stem.endswith("_summary"), p.name))  # summary first


def render_report(paths: list[Path], title: str, parameters: dict) -> str:
    """The whole report page as one string (see the module docstring)."""
    paths = _sorted_books(paths)
    books = [nbformat.read(str(p), as_version=4) for p in paths]
    titles = [_section_title(b, p.stem) for b, p in zip(books, paths, strict=True)]
    contents = "".join(
        f'<li><a href="#section-{i}">{html.escape(t)}</a></li>'
        for i, t in enumerate(titles, start=1)
    )
    shown = {k: v for k, v in sorted(parameters.items()) if k not in HIDDEN_PARAMETERS}
    rows = "".join(
        f"<tr><td><code>{html.escape(str(k))}</code></td><td><code>{html.escape(str(v))}</code>"
        "</td></tr>"
        for k, v in shown.items()
    )
    safe_title = html.escape(title)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en-GB">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "img-src data:; style-src 'unsafe-inline'\">",
        f"<title>{safe_title}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        "<main>",
        f"<h1>{safe_title}</h1>",
        f'<nav class="contents" aria-label="Contents"><h2>Contents</h2><ul>{contents}</ul></nav>',
        '<section class="parameters"><h2>Parameters</h2>'
        '<table class="arf-table params"><caption>The parameters this report was run with'
        '</caption><thead><tr><th scope="col">Parameter</th><th scope="col">Value</th></tr>'
        f"</thead><tbody>{rows}</tbody></table></section>",
    ]
    for number, book in enumerate(books, start=1):
        parts.append(f'<section class="report-section" id="section-{number}">')
        parts.extend(_cells_html(book))
        parts.append("</section>")
    parts += ["</main>", "</body>", "</html>", ""]
    return "\n".join(parts)


def build_html(
    executed: list[Path], output: Path, config: EvaluationConfig, parameters: dict
) -> Path:
    """Write ``report.html``: all sections, no code, images embedded, nothing fetched."""
    output.write_text(render_report(executed, config.title, parameters), encoding="utf-8")
    return output


class PdfEngineMissing(RuntimeError):
    """No offline PDF engine (headless Chromium) is installed."""


def pdf_engine() -> str | None:
    """The path of a headless Chromium, or None."""
    for name in PDF_ENGINES:
        found = shutil.which(name)
        if found:
            return found
    return None


def chromium_command(engine: str, *arguments: str) -> list[str]:
    """A headless Chromium call that makes no network request of its own."""
    return [
        engine,
        "--headless",
        "--no-sandbox",  # needed as root in containers; the page runs no script
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-extensions",
        "--metrics-recording-only",
        "--mute-audio",
        *arguments,
    ]


def write_pdf(html_path: Path, pdf_path: Path | None = None, timeout: float = 180) -> Path:
    """Print ``report.html`` to ``report.pdf`` beside it with headless Chromium (offline).

    Raises :class:`PdfEngineMissing` with how to install one when no engine is found.
    """
    engine = pdf_engine()
    if engine is None:
        raise PdfEngineMissing(
            "no PDF engine found: install Chromium (Debian/Ubuntu: `apt-get install chromium`) "
            "and run again; report.html is complete without it"
        )
    html_path = Path(html_path).resolve()
    pdf_path = Path(pdf_path or html_path.with_suffix(".pdf")).resolve()
    with tempfile.TemporaryDirectory(prefix="arf-pdf-") as profile:
        command = chromium_command(
            engine,
            f"--user-data-dir={profile}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf_path}",
            html_path.as_uri(),
        )
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0 or not pdf_path.exists():
        raise RuntimeError(f"Chromium could not print {html_path.name}: {result.stderr[-500:]}")
    return pdf_path
