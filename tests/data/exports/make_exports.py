"""Build the example platform exports in this folder from one plain survey.

Each export holds the same responses as ``survey.csv`` in the layout a platform produces (with
the personal-data columns platforms add, filled with invented values), next to the column
mapping that reads it back. ``tests/test_platforms_examples.py`` checks that every export loads
to the same tidy frame as ``survey.csv``.

Run ``.venv/bin/python tests/data/exports/make_exports.py`` to rebuild them, e.g. after the
instrument changes. The responses come from the committed synthetic wave when it exists
(its first ``N_ROWS`` rows), otherwise from the test suite's ``make_survey_cells``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
N_ROWS = 40
FORMS_BARRIERS = "What gets in the way of anti-racism work in your organisation?"
# Answers written as a platform would word them, read back by the mappings' "answers".
FORMS_WORDING = {"Neither agree nor disagree": "Neutral", "Not sure": "Unsure"}
# Free-text answers with what real exports carry: curly quotes, accents, pound signs, dashes and
# line breaks (all encodable in Windows-1252, so every export can hold them).
COMMENTS = (
    "Our EDI lead – Zoë – set up listening events.\nPeople came.",
    "It’s “on the agenda” now, but nothing changed on the ward.",
    "Café-style sessions cost £200; worth it.",
    "Managers still don't act.\n\nWe report and hear nothing back.",
)


def base_cells() -> pd.DataFrame:
    """The plain survey as text cells (instrument column names, labels as answers)."""
    sys.path.insert(0, str(ROOT / "tests"))
    from conftest import make_survey_cells

    from evaluation.instrument import load_instrument

    instrument = load_instrument()
    synthetic = ROOT / "survey_data" / "synthetic" / "2025" / "survey.csv"
    if synthetic.exists():
        cells = pd.read_csv(synthetic, dtype=str, keep_default_na=False).head(N_ROWS)
    else:
        cells = make_survey_cells(instrument, n=N_ROWS, seed=7)
    rng = np.random.default_rng(7)
    flags = [v.name for v in instrument.of_type("flag")]
    # A platform cannot tell "answered, chose nothing" from "not answered": avoid that row shape.
    none_chosen = (cells[flags] == "0").all(axis=1)
    cells.loc[none_chosen, flags[0]] = "1"
    cells.loc[cells.index[3], flags] = ""  # one respondent skipped the question
    cells.loc[cells.index[5], "arf_understanding"] = ""  # a partial answer
    for i, text in zip(range(0, N_ROWS, 6), COMMENTS * 3, strict=False):
        cells.loc[cells.index[i], "comment_change"] = text
    cells.loc[cells.index[1], "comment_other"] = COMMENTS[3]
    cells["comment_other"] = cells["comment_other"].where(rng.random(len(cells)) < 0.9, "")
    return cells.reset_index(drop=True)


def _personal(i: int) -> dict[str, str]:
    """Invented personal data of the kind platforms export, which the mappings must drop."""
    return {
        "Email": f"person.{i}@nhs.example",
        "Name": f"Person {i}",
    }


def _chosen(row: pd.Series, instrument) -> list[str]:
    return [v.option for v in instrument.of_type("flag") if row[v.name] == "1"]


def _answered(row: pd.Series, instrument) -> bool:
    return any(row[v.name] != "" for v in instrument.of_type("flag"))


def _questions(instrument) -> list:
    """The variables a respondent answers (not the id, wave or derived organisation columns)."""
    skip = {"respondent_id", "wave", "org_code", "icb", "org_type"}
    return [v for v in instrument.variables if v.name not in skip and v.type != "flag"]


def write_forms(cells: pd.DataFrame, instrument, folder: Path) -> None:
    """Microsoft Forms: XLSX, question text headers, multi-select as "A;B;"."""
    rows = []
    for i, row in cells.iterrows():
        out = {
            "ID": row["respondent_id"],
            "Start time": pd.Timestamp("2025-03-03 09:00") + pd.Timedelta(minutes=17 * i),
            "Completion time": pd.Timestamp("2025-03-03 09:12") + pd.Timedelta(minutes=17 * i),
            **_personal(i),
        }
        for v in _questions(instrument):
            out[v.question] = FORMS_WORDING.get(row[v.name], row[v.name])
            if v.name == "arf_made_difference":
                chosen = _chosen(row, instrument)
                out[FORMS_BARRIERS] = "".join(f"{c};" for c in chosen)
        rows.append(out)
    frame = pd.DataFrame(rows)
    with pd.ExcelWriter(folder / "forms.xlsx", engine="openpyxl") as writer:
        frame.to_excel(writer, sheet_name="Form1", index=False)
    mapping = {
        "description": "Microsoft Forms export (XLSX) of the example wave",
        "format": "xlsx",
        "sheet": "Form1",
        "drop": ["Start time", "Completion time", "Email", "Name"],
        "constants": {"wave": "2025"},
        "organisation_from": "org_name",
        "answers": {label: text for text, label in FORMS_WORDING.items()},
        "columns": {"respondent_id": "ID"}
        | {v.name: {"question": v.question} for v in _questions(instrument)},
        "multi_select": [{"column": {"question": FORMS_BARRIERS}, "separator": ";"}],
    }
    _write_mapping(mapping, folder / "forms_mapping.yaml")


QUALTRICS_META = {
    "StartDate": '{"ImportId":"startDate","timeZone":"Europe/London"}',
    "EndDate": '{"ImportId":"endDate","timeZone":"Europe/London"}',
    "Status": '{"ImportId":"status"}',
    "IPAddress": '{"ImportId":"ipAddress"}',
    "Progress": '{"ImportId":"progress"}',
    "Duration (in seconds)": '{"ImportId":"duration"}',
    "Finished": '{"ImportId":"finished"}',
    "ResponseId": '{"ImportId":"_recordId"}',
    "RecipientEmail": '{"ImportId":"recipientEmail"}',
    "UserLanguage": '{"ImportId":"userLanguage"}',
}


def write_qualtrics(cells: pd.DataFrame, instrument, folder: Path) -> None:
    """Qualtrics: CSV (UTF-8 with BOM) with three header rows; multi-select comma-separated."""
    variables = _questions(instrument)
    ids = [f"Q{i + 1}" for i in range(len(variables))] + ["Q99"]
    header = [*QUALTRICS_META, *ids]
    wording = [*QUALTRICS_META, *(v.question for v in variables), FORMS_BARRIERS]
    imports = [*QUALTRICS_META.values(), *(json.dumps({"ImportId": f"QID{i[1:]}"}) for i in ids)]
    records = [header, wording, imports]
    for i, row in cells.iterrows():
        meta = [
            "2025-03-03 09:00:00",
            "2025-03-03 09:12:00",
            "IP Address",
            f"10.0.0.{i}",
            "100",
            "712",
            "True",
            row["respondent_id"],
            _personal(i)["Email"],
            "EN-GB",
        ]
        answers = [row[v.name] for v in variables]
        records.append([*meta, *answers, ",".join(_chosen(row, instrument))])
    # A colleague testing the survey: Qualtrics marks it "Survey Preview"; it is not a respondent.
    preview = list(records[3])
    preview[2], preview[3], preview[7], preview[8] = "Survey Preview", "", "R_preview", ""
    records.append(preview)
    pd.DataFrame(records).to_csv(
        folder / "qualtrics.csv",
        index=False,
        header=False,
        encoding="utf-8-sig",
        lineterminator="\r\n",
    )
    mapping = {
        "description": "Qualtrics CSV export ('Use choice text') of the example wave",
        "format": "qualtrics",
        "drop": [k for k in QUALTRICS_META if k != "ResponseId"],
        "constants": {"wave": "2025"},
        "organisation_from": "org_name",
        "columns": {"respondent_id": "ResponseId"}
        | {v.name: f"Q{i + 1}" for i, v in enumerate(variables)},
        "multi_select": [{"column": "Q99", "separator": ","}],
    }
    _write_mapping(mapping, folder / "qualtrics_mapping.yaml")


def write_smartsurvey(cells: pd.DataFrame, instrument, folder: Path) -> None:
    """SmartSurvey-style CSV: question row, option row, one column per multi-select option."""
    variables = _questions(instrument)
    flags = instrument.of_type("flag")
    top = ["UserID", "IP Address", "Email", *(v.question for v in variables), FORMS_BARRIERS]
    top += [""] * (len(flags) - 1)
    second = [""] * (3 + len(variables)) + [f.option for f in flags]
    records = [top, second]
    for i, row in cells.iterrows():
        chosen = [f.option if row[f.name] == "1" else "" for f in flags]
        records.append(
            [row["respondent_id"], f"10.0.0.{i}", _personal(i)["Email"]]
            + [row[v.name] for v in variables]
            + chosen
        )
    pd.DataFrame(records).to_csv(folder / "smartsurvey.csv", index=False, header=False)
    mapping = {
        "description": "SmartSurvey-style CSV export of the example wave",
        "format": "smartsurvey",
        "drop": ["IP Address", "Email"],
        "constants": {"wave": "2025"},
        "organisation_from": "org_name",
        "columns": {"respondent_id": "UserID"}
        | {v.name: {"question": v.question} for v in variables},
        "multi_select": [
            {"columns": {f.name: f"{FORMS_BARRIERS} | {f.option}" for f in flags}},
        ],
    }
    _write_mapping(mapping, folder / "smartsurvey_mapping.yaml")


def write_spss(cells: pd.DataFrame, instrument, folder: Path) -> None:
    """SPSS .sav: numeric codes with value labels, variable labels, flags as 0/1 variables."""
    import pyreadstat

    data: dict[str, object] = {
        "resp_id": cells["respondent_id"],
        "year": cells["wave"].astype(float),
    }
    labels: dict[str, str] = {"resp_id": "Respondent", "year": "Survey year"}
    value_labels: dict[str, dict] = {}
    names: dict[str, str] = {}
    for i, v in enumerate(instrument.variables):
        if v.name in {"respondent_id", "wave"}:
            continue
        name = f"q{i:02d}"
        names[v.name] = name
        labels[name] = v.question
        if v.type == "categorical":
            codes = {label: float(k + 1) for k, label in enumerate(v.values)}
            data[name] = cells[v.name].map(codes).astype(float)
            value_labels[name] = {code: label for label, code in codes.items()}
        elif v.type == "flag":
            data[name] = pd.to_numeric(cells[v.name], errors="coerce").astype(float)
            value_labels[name] = {1.0: "Selected", 0.0: "Not selected"}
        else:
            data[name] = cells[v.name]
    frame = pd.DataFrame(data)
    pyreadstat.write_sav(
        frame, str(folder / "spss.sav"), column_labels=labels, variable_value_labels=value_labels
    )
    flags = {v.name for v in instrument.of_type("flag")}
    mapping = {
        "description": "SPSS .sav export of the example wave (value labels as answers)",
        "format": "spss",
        "columns": {"respondent_id": "resp_id", "wave": "year"}
        | {k: n for k, n in names.items() if k not in flags},
        "multi_select": [{"columns": {k: n for k, n in names.items() if k in flags}}],
    }
    _write_mapping(mapping, folder / "spss_mapping.yaml")


def write_encodings(cells: pd.DataFrame, folder: Path) -> None:
    """The plain layout in UTF-8 with BOM and in Windows-1252 (Excel's "CSV" on Windows)."""
    cells.to_csv(folder / "survey_utf8_bom.csv", index=False, encoding="utf-8-sig")
    cells.to_csv(
        folder / "survey_windows1252.csv", index=False, encoding="cp1252", lineterminator="\r\n"
    )


def _write_mapping(mapping: dict, path: Path) -> None:
    import yaml

    text = yaml.safe_dump(mapping, sort_keys=False, allow_unicode=True, width=100)
    path.write_text(
        f"# Generated by make_exports.py: the column mapping of {path.stem[:-8]}.\n{text}"
    )


def main(folder: Path = HERE) -> None:
    """Write survey.csv and every example export with its mapping into ``folder``."""
    from evaluation.instrument import load_instrument

    instrument = load_instrument()
    cells = base_cells()
    cells.to_csv(folder / "survey.csv", index=False)
    write_forms(cells, instrument, folder)
    write_qualtrics(cells, instrument, folder)
    write_smartsurvey(cells, instrument, folder)
    write_spss(cells, instrument, folder)
    write_encodings(cells, folder)


if __name__ == "__main__":
    main()
