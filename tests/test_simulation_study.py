"""The simulation study script runs end to end on one small wave and tallies every figure family
(the figures themselves need hundreds of waves: ``python -m benchmarks.simulation_study``)."""

from __future__ import annotations

import json

from benchmarks.simulation_study import main


def test_one_small_wave_tallies_every_family(tmp_path, capsys) -> None:
    out = tmp_path / "figures.json"
    assert main(["--waves", "1", "--respondents", "400", "--seed", "3", "--out", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["waves"] == 1
    names = " | ".join(f["figure"] for f in data["figures"])
    for family in (
        "Wilson: awareness by role level",
        "Newcombe 95% (unadjusted)",
        "Newcombe Bonferroni-adjusted",
        "year-on-year test",
        "logistic model interval: every published term",
        "ordinal model interval: every published term",
        "chi-square test by role_level",
        "trend test by role_level",
        "real power",
        "weighted (raked, linearised, FPC) Wilson",
    ):
        assert family in names, family
    assert all(0 <= f["percent"] <= 100 and f["count"] > 0 for f in data["figures"])
    assert "simulation study: 1 waves of 400 respondents" in capsys.readouterr().out


def test_chunks_run_apart_add_up(tmp_path, capsys) -> None:
    """Waves ``--first 0`` and ``--first 1`` run apart are one two-wave study once combined,
    and ``--bench-out`` writes the harness's results.json."""
    paths = []
    for first in (0, 1):
        paths.append(tmp_path / f"chunk{first}.json")
        args = ["--waves", "1", "--first", str(first), "--respondents", "300"]
        assert main([*args, "--out", str(paths[-1])]) == 0
    chunks = [json.loads(p.read_text(encoding="utf-8")) for p in paths]
    combined = tmp_path / "combined.json"
    argv = ["--combine", *map(str, paths), "--out", str(combined), "--bench-out", str(tmp_path)]
    assert main(argv) == 0
    data = json.loads(combined.read_text(encoding="utf-8"))
    assert data["waves"] == 2
    counts = {f["figure"]: f["count"] for f in data["figures"]}
    for name in counts:
        parts = [f["count"] for c in chunks for f in c["figures"] if f["figure"] == name]
        assert counts[name] == sum(parts)
    bench = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    rows = {f["benchmark"]: f for f in bench["figures"]}
    assert rows["simulation/ordinal model interval: every published term"]["size"] == 2
    assert (tmp_path / "results.md").exists()


def test_combine_adds_waves_end_to_end_and_families_side_by_side(tmp_path, capsys) -> None:
    def chunk(name: str, waves: int, figure: str, hits: int, count: int):
        path = tmp_path / name
        row = {"figure": figure, "percent": 0, "mc_se": 0, "hits": hits, "count": count}
        record = {"waves": waves, "respondents": 10, "seed": 1, "seconds": 1.0, "figures": [row]}
        path.write_text(json.dumps(record), encoding="utf-8")
        return str(path)

    a = chunk("a.json", 5, "ordinal model interval: every published term", 19, 20)
    b = chunk("b.json", 5, "ordinal model interval: every published term", 18, 20)
    c = chunk("c.json", 5, "weighted (raked, linearised, FPC) Wilson: covers", 9, 10)
    out = tmp_path / "out.json"
    assert main(["--combine", a, b, c, "--out", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["waves"] == 10  # a and b: other waves; c: another family beside them
    rows = {f["figure"]: f for f in data["figures"]}
    assert rows["ordinal model interval: every published term"]["percent"] == 92.5
    assert rows["weighted (raked, linearised, FPC) Wilson: covers"]["count"] == 10
