"""Above a number of free-text answers, project.qdpx holds a stratified sample with its frame.

Checked on the bundled synthetic wave with a small limit: the sample has the allocated size in
each stratum (proportional, at least one), every transcript and every segment of a sampled
source is in the project and nothing else, the frame's counts are the wave's, the full
coded_segments.csv is untouched, two exports are byte-identical, and under the limit nothing
changes.
"""

from __future__ import annotations

import uuid

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from evaluation.inputs import prepare_inputs
from evaluation.io.survey import load_survey
from evaluation.paths import CODEBOOK, SURVEY_DATA
from evaluation.text import refi_qda
from evaluation.text.codebook import load_codebook
from evaluation.text.exports import sample_free_text_sources
from evaluation.text.refi_qda import import_qdpx
from evaluation.themes import build_theme_project

WAVE = SURVEY_DATA / "synthetic" / "2025"
LIMIT = 60
KEY = ["source_id", "start", "end", "code_id", "coder"]


@pytest.fixture(scope="module")
def project():
    loaded = load_survey(WAVE, on_error="exclude")
    prepared = prepare_inputs(loaded, WAVE / "focus_group")
    # min_cell=1: every role group shown, so the strata are the role levels (the themes tier
    # withholds a respondent's role where the report hides a cell: tests/test_themes_tier.py)
    return build_theme_project(
        load_codebook(CODEBOOK),
        prepared.survey.frame,
        prepared.turns,
        prepared.sources,
        prepared.codings,
        min_cell=1,
    )


@pytest.fixture(scope="module")
def sampled(project, tmp_path_factory):
    out = tmp_path_factory.mktemp("sampled")
    return project.write(out, project_name="sampled", max_free_text_sources=LIMIT)


def test_sampling_frame_counts_the_wave_and_allocates_proportionally(project, sampled):
    frame = pd.read_csv(sampled["qdpx_sampling_frame"], keep_default_na=False)
    free = project.sources[project.sources["kind"] == "free_text"]
    # respondents carry one survey attribute in themes/ (role level): the strata
    assert list(frame.columns) == ["role_level", "answers", "sampled", "fraction", "weight"]
    assert frame["answers"].sum() == len(free)
    assert frame["sampled"].sum() == LIMIT  # the wave has fewer strata than the limit
    assert (frame["sampled"] >= 1).all() and (frame["sampled"] <= frame["answers"]).all()
    # proportional: each stratum within one answer of its exact share (plus the minimum of one)
    exact = frame["answers"] * LIMIT / len(free)
    assert ((frame["sampled"] - exact).abs() < 1 + (frame["sampled"] == 1)).all()
    writers = project.cases.set_index("case_id").loc[free["case_id"].astype(str)]
    by_role = writers["role_level"].astype(object).fillna("(not recorded)").value_counts()
    assert frame.groupby("role_level")["answers"].sum().to_dict() == by_role.to_dict()
    assert frame["weight"].to_numpy() == pytest.approx(frame["answers"] / frame["sampled"])


def test_project_holds_the_sample_every_transcript_and_their_segments(project, sampled):
    sample = pd.read_csv(sampled["qdpx_sample"], dtype={"source_id": str})
    back = import_qdpx(sampled["qdpx"])
    kinds = back.sources["kind"].value_counts()
    transcripts = (project.sources["kind"] == "transcript").sum()
    assert kinds["free_text"] == len(sample) == LIMIT and kinds["transcript"] == transcripts
    assert set(back.sources.loc[back.sources["kind"] == "free_text", "source_id"]) == set(
        sample["source_id"]
    )
    kept = project.segments[
        project.segments["source_id"].isin(set(back.sources["source_id"]))
    ].astype({"start": "int64", "end": "int64"})
    left = kept[KEY].astype(str).sort_values(KEY).reset_index(drop=True)
    right = back.segments[KEY].astype(str).sort_values(KEY).reset_index(drop=True)
    pd.testing.assert_frame_equal(left, right)
    # cases: the sampled answers' respondents and every participant, no other respondent
    respondents = set(back.cases["case_id"]) - set(project.turns["speaker"])
    assert respondents == set(sample["case_id"].astype(str))
    assert "stratified random sample of 60 of the" in _description(sampled["qdpx"])
    # the segment tables stay complete
    written = pd.read_csv(sampled["csv"], dtype=str)
    assert len(written) == len(project.segments)


def _description(path) -> str:
    import zipfile

    from lxml import etree

    with zipfile.ZipFile(path) as archive:
        root = etree.fromstring(archive.read("project.qde"))
    return root.findtext("{urn:QDA-XML:project:1.0}Description")


def test_sampled_export_is_reproducible_and_unsampled_export_unchanged(project, tmp_path):
    again = project.write(tmp_path / "again", project_name="sampled", max_free_text_sources=LIMIT)
    first = project.write(tmp_path / "first", project_name="sampled", max_free_text_sources=LIMIT)
    for name in ("qdpx", "qdpx_sample", "qdpx_sampling_frame"):
        assert again[name].read_bytes() == first[name].read_bytes()
    whole = project.write(tmp_path / "whole", project_name="sampled", max_free_text_sources=None)
    default = project.write(tmp_path / "default", project_name="sampled")
    assert "qdpx_sample" not in whole and "qdpx_sample" not in default
    assert whole["qdpx"].read_bytes() == default["qdpx"].read_bytes()
    assert "sample" not in _description(default["qdpx"])


def test_sample_without_case_attributes_is_one_stratum() -> None:
    sources = pd.DataFrame(
        {
            "source_id": [f"R{i}__comment" for i in range(40)] + ["fg1"],
            "kind": ["free_text"] * 40 + ["transcript"],
            "text": "x",
            "case_id": [f"R{i}" for i in range(40)] + [pd.NA],
        }
    )
    frame, sample = sample_free_text_sources(sources, None, 7)
    assert frame.to_dict("records") == [
        {"stratum": "all", "answers": 40, "sampled": 7, "fraction": 7 / 40, "weight": 40 / 7}
    ]
    assert len(sample) == 7 and sample["source_id"].is_unique
    assert set(sample["source_id"]) <= set(sources["source_id"][:40])


_KEYS = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)


@given(kind=st.sampled_from(["code", "source", "selection", "case"]), key=_KEYS)
def test_stable_guid_is_uuid5_of_the_workbench_namespace(kind: str, key: str) -> None:
    expected = uuid.uuid5(refi_qda._GUID_NAMESPACE, f"{kind}:{key}")
    assert refi_qda.stable_guid(kind, key) == str(expected)
