"""The ARF status register: each North West organisation's level and, where known, award date.

``arf_status.csv``: ``ods_code, level, awarded_on, evidence``. ``level`` is one of :data:`LEVELS`
(the survey's own ``org_arf_status`` answers); ``awarded_on`` is an ISO date (``YYYY-MM-DD``) or
empty when the date is not known; ``evidence`` says where the level comes from.

A survey year's fieldwork runs from September to November, so an award counts from the survey of
its own year only when made before 1 September (:func:`first_survey_year`).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from evaluation.errors import InputError, Problem

LEVELS = ("Not committed", "Committed but not yet awarded", "Bronze", "Silver", "Gold")
AWARDED = ("Bronze", "Silver", "Gold")
COLUMNS = ["ods_code", "level", "awarded_on", "evidence"]
FIELDWORK_START_MONTH = 9


def read_register(path: Path | str) -> pd.DataFrame:
    """The register, checked: known levels, ISO dates, one row per organisation."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"ARF status register not found: {path}", path)
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    raw.columns = [c.strip() for c in raw.columns]
    for c in COLUMNS[:3]:
        if c not in raw.columns:
            raise InputError(
                [Problem(path.name, 1, c, None, f"required column; expected {COLUMNS}")]
            )
    problems = []
    dates = []
    for i, rec in enumerate(raw.to_dict("records"), start=2):
        code, level, when = rec["ods_code"].strip(), rec["level"].strip(), rec["awarded_on"].strip()
        if not code:
            problems.append(Problem(path.name, i, "ods_code", code, "empty organisation code"))
        if level not in LEVELS:
            problems.append(
                Problem(path.name, i, "level", level, f"expected one of {list(LEVELS)}")
            )
        date = pd.NaT
        if when:
            date = pd.to_datetime(when, format="%Y-%m-%d", errors="coerce")
            if pd.isna(date):
                problems.append(
                    Problem(
                        path.name,
                        i,
                        "awarded_on",
                        when,
                        "expected a date YYYY-MM-DD or empty (not known)",
                    )
                )
            elif level not in AWARDED:
                problems.append(
                    Problem(
                        path.name,
                        i,
                        "awarded_on",
                        when,
                        f"an award date needs a level of {list(AWARDED)}",
                    )
                )
        dates.append(date)
    duplicated = raw["ods_code"].str.strip().duplicated(keep="first")
    for i in map(int, np.flatnonzero(duplicated.to_numpy())):
        problems.append(
            Problem(
                path.name,
                int(i) + 2,
                "ods_code",
                raw["ods_code"].iloc[i],
                "organisation listed twice",
            )
        )
    if problems:
        raise InputError(problems)
    out = pd.DataFrame(
        {
            "ods_code": raw["ods_code"].str.strip(),
            "level": raw["level"].str.strip(),
            "awarded_on": pd.to_datetime(pd.Series(dates, dtype="datetime64[ns]")),
            "evidence": raw.get("evidence", pd.Series("", index=raw.index)),
        }
    )
    out["first_year"] = first_survey_year(out["awarded_on"])
    return out


def first_survey_year(awarded_on: pd.Series) -> pd.Series:
    """The first survey year after an award (``Int64``; missing when the date is not known)."""
    dates = pd.to_datetime(awarded_on)
    year = dates.dt.year + (dates.dt.month >= FIELDWORK_START_MONTH).astype(int)
    return year.astype("Int64")


def register_from_evidence(evidence: Path | str, organisations: Path | str) -> pd.DataFrame:
    """A register built from the public Bronze evidence file and the organisations list.

    An organisation is Bronze where a public page says it holds Bronze (``arf_status_seen``
    starting with "Bronze") or where the organisations list records public evidence of Bronze;
    otherwise "Committed but not yet awarded" (every organisation of the list has committed).
    ``awarded_on`` is filled only from a date the page shows (``date_seen`` starting with an ISO
    date), never from a guess.
    """
    seen = pd.read_csv(evidence, dtype=str, keep_default_na=False)
    orgs = pd.read_csv(organisations, dtype=str, keep_default_na=False)
    code_col = "org_code" if "org_code" in orgs.columns else "ods_code"
    rows = []
    for org in orgs.to_dict("records"):
        code = org[code_col].strip()
        if not code:
            continue
        pages = seen[seen["ods_code"].str.strip() == code]
        bronze_pages = pages[pages["arf_status_seen"].str.lower().str.startswith("bronze")]
        listed = org.get("arf_bronze_public_evidence", "").strip().lower() == "yes"
        date = ""
        for value in bronze_pages["date_seen"]:
            head = value.strip()[:10]
            if pd.notna(pd.to_datetime(head, format="%Y-%m-%d", errors="coerce")):
                date = head
        if len(bronze_pages):
            level = "Bronze"
            first = bronze_pages.iloc[0]
            basis = f"; date: {first['date_basis']}" if first["date_basis"] else ""
            text = f"public page: {first['source_url']}{basis}"
        elif listed:
            level = "Bronze"
            note = "; ".join(p for p in pages["what_the_source_says"] if p)
            text = "listed as Bronze in the organisations list (public announcement)" + (
                f"; page seen: {note}" if note else ""
            )
        else:
            level = "Committed but not yet awarded"
            note = "; ".join(
                f"{s}: {u}"
                for s, u in zip(pages["arf_status_seen"], pages["source_url"], strict=True)
            )
            text = "committed (Assembly's list)" + (f"; page seen: {note}" if note else "")
        rows.append({"ods_code": code, "level": level, "awarded_on": date, "evidence": text})
    return pd.DataFrame(rows, columns=COLUMNS)
