"""The report as a reader's browser shows it: headless Chromium (Debian's ``chromium``).

A small synthetic wave is built into a report twice (into two folders); then Chromium loads the
page with a network log and checks what a commissioner relies on: no request leaves the machine,
every image has alt text of its own, and with the print styles at the width of an A4 page no
table or figure is wider than the page. The same inputs give the same bytes of ``report.html``.
Skipped, with the reason, when Chromium is not installed.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from evaluation.paths import SURVEY_DATA
from evaluation.pipeline.html import chromium_command, pdf_engine, render_report, write_pdf

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        pdf_engine() is None, reason="Chromium is not installed (apt-get install chromium)"
    ),
]
A4_PRINTABLE_PX = 703  # 210 mm less 2 x 12 mm margins, at 96 px per inch


def _config(folder: Path, wave_dir: Path, reports: Path) -> Path:
    path = folder / "evaluation.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "wave": 2025,
                "survey": str(wave_dir / "survey.csv"),
                "focus_group": str(wave_dir / "focus_group"),
                "codebook": str(SURVEY_DATA / "codebook.yaml"),
                "min_cell": 11,
                "output": str(reports),
                "title": "ARF <script>alert(1)</script> <img src=x onerror=alert(1)>",
            }
        )
    )
    return path


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> tuple[Path, Path]:
    from evaluation.pipeline.config import load_config
    from evaluation.pipeline.run import run_report
    from evaluation.synth import generate_wave

    root = tmp_path_factory.mktemp("browser")
    wave = generate_wave(wave=2025, respondents=160, seed=7, out=root / "2025")
    out = []
    for name in ("first", "second"):
        (root / name).mkdir()
        config = load_config(_config(root / name, wave, root / name / "reports"))
        out.append(run_report(config, progress=False).output_dir / "report.html")
    return out[0], out[1]


def _chromium(*arguments: str, timeout: float = 120) -> subprocess.CompletedProcess:
    engine = pdf_engine()
    assert engine is not None
    return subprocess.run(chromium_command(engine, *arguments), capture_output=True, text=True,
                          timeout=timeout)  # fmt: skip


def _page_requests(net_log: Path) -> list[str]:
    """URLs the page itself asked for (the browser's own update checks are not the page's)."""
    log = json.loads(net_log.read_text())
    types = {v: k for k, v in log["constants"]["logEventTypes"].items()}
    urls = []
    for event in log["events"]:
        params = event.get("params", {})
        if types.get(event["type"]) != "URL_REQUEST_START_JOB" or "url" not in params:
            continue
        if str(params.get("network_isolation_key", "")).startswith("file://"):
            urls.append(params["url"])
    return urls


def test_the_net_log_would_catch_a_page_request(tmp_path):
    # the check below must be able to fail: a page with one remote image is caught
    page = tmp_path / "remote.html"
    page.write_text('<html><body><img src="https://example.invalid/x.png" alt="x"></body></html>')
    log = tmp_path / "net.json"
    _chromium(f"--user-data-dir={tmp_path / 'profile'}", f"--log-net-log={log}",
              "--dump-dom", page.as_uri())  # fmt: skip
    assert any(u.startswith("https://example.invalid") for u in _page_requests(log))


def test_no_request_leaves_the_machine(reports, tmp_path):
    html, _ = reports
    log = tmp_path / "net.json"
    result = _chromium(f"--user-data-dir={tmp_path / 'profile'}", f"--log-net-log={log}",
                       "--dump-dom", html.as_uri())  # fmt: skip
    assert "<main>" in result.stdout
    remote = [u for u in _page_requests(log) if not u.startswith(("file:", "data:"))]
    assert remote == []
    text = html.read_text(encoding="utf-8")
    assert "<script" not in text  # the hostile title is shown, never run
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<img src=x" not in text


class _Images(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.alts: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self.alts.append(dict(attrs).get("alt"))


def test_every_image_has_its_own_alt_text(reports, tmp_path):
    html, _ = reports
    dom = _chromium(f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", html.as_uri())
    parser = _Images()
    parser.feed(dom.stdout)
    assert len(parser.alts) >= 10
    assert all(alt and len(alt) > 40 for alt in parser.alts), parser.alts
    assert len(set(parser.alts)) == len(parser.alts)
    assert not any("No description" in alt for alt in parser.alts)  # type: ignore[operator]


MEASURE = """<script>
window.addEventListener("load", () => {
  const limit = document.querySelector("main").clientWidth;
  const wide = [...document.querySelectorAll("table, img")]
    .filter(e => e.getBoundingClientRect().width > limit + 1)
    .map(e => (e.querySelector && e.querySelector("caption")
               ? e.querySelector("caption").textContent : e.getAttribute("alt") || e.tagName));
  const out = document.createElement("pre");
  out.id = "arf-measure";
  const tables = document.querySelectorAll("table").length;
  out.textContent = JSON.stringify({limit, wide, tables});
  document.body.appendChild(out);
});
</script>"""


def _measured(html_text: str, folder: Path) -> dict:
    """Lay the page out with its print styles at the printable width of A4 and measure it."""
    page = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html_text)
    page = page.replace("@media print", "@media all").replace("</body>", MEASURE + "</body>")
    path = folder / "measure.html"
    path.write_text(page, encoding="utf-8")
    dom = _chromium(f"--user-data-dir={folder / 'profile'}", f"--window-size={A4_PRINTABLE_PX},"
                    "1200", "--virtual-time-budget=10000", "--dump-dom", path.as_uri())  # fmt: skip
    found = re.search(r'<pre id="arf-measure">(.*?)</pre>', dom.stdout, flags=re.S)
    assert found, dom.stderr[-500:]
    return json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&"))


def test_no_table_is_wider_than_the_printed_page(reports, tmp_path):
    html, _ = reports
    measured = _measured(html.read_text(encoding="utf-8"), tmp_path)
    assert measured["tables"] >= 30
    assert measured["wide"] == []


def test_the_widest_table_fits_and_a_too_wide_one_is_caught(tmp_path):
    """The comparison's change table (the widest) fits; an unbreakable row is reported."""
    import nbformat

    from evaluation.analyses import year_on_year as yoy
    from evaluation.io.survey import load_survey
    from evaluation.plots.labels import html_table

    old = load_survey(SURVEY_DATA / "synthetic" / "2025", on_error="exclude").frame
    new = load_survey(SURVEY_DATA / "synthetic" / "2026", on_error="exclude").frame
    change = yoy.compare_waves(old, new, 2025, 2026)
    wide = html_table(change, "<strong>Table 7.3.</strong> change")
    unbreakable = [("x" * 300) + str(i) for i in range(len(change))]  # one word a row
    too_wide = html_table(change.assign(note=unbreakable), "<b>Table 9.9.</b> unbreakable")
    book = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# 7. Change"),
        nbformat.v4.new_code_cell(outputs=[nbformat.v4.new_output(
            "display_data", data={"text/html": wide + too_wide})]),
    ])  # fmt: skip
    path = tmp_path / "07_change.ipynb"
    nbformat.write(book, str(path))
    measured = _measured(render_report([path], "Widths", {}), tmp_path)
    assert measured["wide"] == ["Table 9.9. unbreakable"]


def test_same_inputs_same_bytes(reports):
    first, second = reports
    assert first.read_bytes() == second.read_bytes()


def test_pdf_is_written_with_every_page(reports, tmp_path):
    html, _ = reports
    pdf = write_pdf(html, tmp_path / "report.pdf")
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 100_000
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        assert int(re.search(r"Pages:\s+(\d+)", info).group(1)) > 10
