"""The report page: self-contained, escaped, deterministic, labelled for people.

Notebooks are built here with the outputs a report notebook publishes (through
``ReportContext.table/figure/findings``) plus the outputs a reader must never see (code, a
stray Python list, stderr), then rendered with :func:`evaluation.pipeline.html.render_report`.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import re

import matplotlib.pyplot as plt
import nbformat
import pandas as pd
import pytest

from evaluation.disclosure import MARKER
from evaluation.paths import SURVEY_DATA
from evaluation.pipeline import html as html_module
from evaluation.pipeline.config import load_config
from evaluation.pipeline.html import PdfEngineMissing, render_report, write_pdf
from evaluation.plots.labels import column_label, format_p, html_table, shown_frame
from evaluation.publishing import ReportContext, context

CONFIG = load_config(SURVEY_DATA / "synthetic" / "2025" / "evaluation.yaml")
HOSTILE = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>"]


@pytest.fixture
def published(tmp_path, monkeypatch) -> list[str]:
    """Everything a ReportContext displays, as HTML strings (instead of a notebook's outputs)."""
    shown: list[str] = []
    monkeypatch.setattr(context, "_display", lambda *objs: shown.extend(o.data for o in objs))
    rep = ReportContext(config=CONFIG, output_dir=tmp_path / "out", section=3)
    table = pd.DataFrame(
        {
            "org_name": [HOSTILE[1], "Trust B", "Trust C"],
            "n": [120, 45, MARKER],
            "n_aware": [40, 30, MARKER],
            "pct_aware": [33.3, 66.7, MARKER],
            "ci_low": [25.5, 52.1, MARKER],
            "ci_high": [42.1, 78.8, MARKER],
            "p_value": [0.0, 0.04321, MARKER],
        }
    )
    rep.table(table, "awareness_by_org", f"Awareness {HOSTILE[0]}", note=HOSTILE[1])
    fig, ax = plt.subplots()
    ax.bar([HOSTILE[0], "b"], [1, 2])
    rep.figure(fig, "bars", f"Bars {HOSTILE[0]}", caption=HOSTILE[1], alt=f"Alt {HOSTILE[1]}")
    rep.findings([f"Finding about {HOSTILE[0]}"], heading=HOSTILE[1])
    plt.close("all")
    return shown


def _notebook(tmp_path, name: str, title: str, published: list[str]):
    outputs = [nbformat.v4.new_output("display_data", data={"text/html": h}) for h in published]
    outputs += [
        nbformat.v4.new_output("execute_result", data={"text/plain": "['codebook.qdc', 'x']"},
                               execution_count=1),
        nbformat.v4.new_output("stream", name="stderr", text="warning: secret path /home/x"),
        nbformat.v4.new_output("display_data", data={"text/markdown": "*A note* <b>raw</b>"}),
    ]  # fmt: skip
    book = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell(f"# {title}\n\nIntro with <script>x</script>."),
            nbformat.v4.new_code_cell("secret = 1", metadata={"tags": ["parameters"]}),
            nbformat.v4.new_code_cell("from evaluation import secret_code", outputs=outputs),
        ]
    )
    path = tmp_path / name
    nbformat.write(book, str(path))
    return path


def test_page_is_self_contained_and_escaped(tmp_path, published):
    books = [
        _notebook(tmp_path, "03_confidence.ipynb", "3. Confidence", published),
        _notebook(tmp_path, "06_summary.ipynb", "6. Executive summary", []),
    ]
    page = render_report(books, f"Title {HOSTILE[0]} {HOSTILE[1]}", {"scope_value": HOSTILE[1]})
    assert "<script" not in page and "onerror=alert" not in page.replace("onerror=alert(1)&gt;", "")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert not re.search(r"(src|href)=\"(https?:)?//", page)  # nothing fetched
    assert "http://" not in page and "https://" not in page
    assert "default-src 'none'" in page  # and a policy that forbids fetching anyway
    assert "secret_code" not in page and "secret = 1" not in page  # no code, no parameters cell
    assert "codebook.qdc" not in page  # a plain-text repr is not a published result
    assert "/home/x" not in page  # nor is stderr
    assert "<em>A note</em>" in page and "&lt;b&gt;raw&lt;/b&gt;" in page
    # contents: summary first, each title once with its own number (not "1. 6. ...")
    contents = re.search(r'<nav class="contents".*?</nav>', page, flags=re.S).group(0)
    assert re.findall(r">([^<>]+)</a>", contents) == ["6. Executive summary", "3. Confidence"]
    assert page.count('id="section-') == 2


def test_same_notebooks_same_bytes(tmp_path, published):
    path = _notebook(tmp_path, "03_confidence.ipynb", "3. Confidence", published)
    first = render_report([path], "T", {"wave": 2025})
    # an executed notebook carries random cell ids and kernel metadata; none reach the page
    book = nbformat.read(str(path), as_version=4)
    for cell in book.cells:
        cell["id"] = cell["id"][::-1]
    book.metadata["papermill"] = {"start_time": "2026-01-01T00:00:00"}
    nbformat.write(book, str(path))
    assert render_report([path], "T", {"wave": 2025}) == first
    assert "2026-01-01" not in first and 'id="' + book.cells[0]["id"] not in first


def test_published_table_figure_and_findings(published):
    table, figure, findings = published
    assert "<caption><strong>Table 3.1.</strong> Awareness &lt;script&gt;" in table
    assert "&lt;img src=x onerror=alert(1)&gt;" in table and "<img src=x" not in table
    assert '<th scope="col">Organisation</th>' in table  # label for people, not org_name
    assert "% aware" in table and "95% CI" in table and "pct_aware" not in table
    assert "&lt;0.001" in table and ">0.0<" not in table  # p = 0 is never printed as 0.0
    assert 'class="num suppressed">[c]<' in table
    assert figure.count("<img") == 1 and 'alt="Alt &lt;img src=x onerror=alert(1)&gt;"' in figure
    assert "<strong>Figure 3.1.</strong> Bars &lt;script&gt;" in figure
    assert "<li>Finding about &lt;script&gt;" in findings and "<h3>&lt;img" in findings


def test_figure_alt_text_defaults_to_the_plot_description(tmp_path, monkeypatch):
    from evaluation.plots.survey import proportions_with_intervals

    shown: list[str] = []
    monkeypatch.setattr(context, "_display", lambda *objs: shown.extend(o.data for o in objs))
    rep = ReportContext(config=CONFIG, output_dir=tmp_path / "out", section=2)
    table = pd.DataFrame({"role_level": ["Frontline", "Executive"], "n": [300, MARKER],
                          "pct_aware": [30.0, MARKER], "ci_low": [25.1, MARKER],
                          "ci_high": [35.3, MARKER]})  # fmt: skip
    rep.figure(proportions_with_intervals(table, "role_level", "pct_aware", "Who knows?"),
               "aware", "Awareness")  # fmt: skip
    alt = re.search(r'alt="([^"]*)"', shown[0]).group(1)
    assert "Frontline 30%" in alt and "not shown (too few respondents): Executive" in alt


def test_labels_for_people():
    frame = pd.DataFrame(
        {
            "item": ["org_capability_to_respond", "safe_to_speak_up", "leaders_accountable"],
            "barrier": ["a", "b", "c"],
            "option": ["Fear", "Time", "Money"],
            "ci_low": [1.0, 2.0, 3.0],
            "ci_high": [4.0, 5.0, 6.0],
            "adjustment": ["holm", "holm", "holm"],
            "statistic": [1.23456, 2.0, 3.5],
        }
    )
    shown = shown_frame(frame)
    assert shown["Question"].iloc[0].startswith("I am confident that my organisation")
    assert "barrier" not in shown.columns and "Option" in shown.columns  # no repeated id
    assert shown["95% CI"].tolist() == ["1.0 to 4.0", "2.0 to 5.0", "3.0 to 6.0"]
    assert shown["Statistic"].tolist() == ["1.235", "2", "3.5"]  # rounded for reading
    page = html_table(frame, "cap")
    assert "Adjustment: holm (every row)." in page and '<th scope="col">Adjustment' not in page
    assert column_label("pct_confident") == "% confident" and column_label("role_level") == (
        "Role level"
    )
    assert [format_p(p) for p in (0.0, 0.0004, 0.0123, 0.5)] == ["<0.001", "<0.001", "0.012",
                                                               "0.500"]  # fmt: skip


def test_pdf_without_an_engine_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(html_module.shutil, "which", lambda name: None)
    page = tmp_path / "report.html"
    page.write_text("<html></html>")
    with pytest.raises(PdfEngineMissing, match="apt-get install chromium"):
        write_pdf(page)


def test_svg_text_is_escaped(tmp_path):
    from evaluation.plots.style import save_figure

    fig, ax = plt.subplots()
    ax.set_title(HOSTILE[0] + " " + HOSTILE[1])
    _, svg = save_figure(fig, tmp_path, "hostile")
    text = svg.read_text()
    assert "<script>" not in text and "<img" not in text and "&lt;script&gt;" in text


def test_page_colours_meet_wcag_aa():
    from evaluation.plots.style import contrast_ratio

    colours = dict(re.findall(r"--([a-z]+): (#[0-9a-f]{6})", html_module.CSS))
    for text in ("ink", "muted", "accent"):
        for background in ("#ffffff", colours["band"], "#fafbfc"):
            assert contrast_ratio(colours[text], background) >= 4.5, (text, background)
    assert contrast_ratio("#003087", "#ffffff") >= 4.5  # headings


def test_theme_ids_are_shown_by_name():
    shown = shown_frame(pd.DataFrame({"code_id": ["uneven_awareness"], "n": [20]}))
    assert shown["Theme"].iloc[0] == "Awareness high among leaders, low on the frontline"
