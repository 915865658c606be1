# ruff: noqa: E501 (the official layouts' long question texts and rows)
"""Write the small public-outcomes fixtures in the official layouts (run once; outputs committed).

    python tests/data/outcomes/make_fixtures.py

Invented organisations and numbers; the layouts are those of the NHS Staff Survey "detailed
spreadsheets" (title on row 1 with the question wording, header on row 5), a compiled panel and
a White / BME rates file. The organisational workbook is for 2023 and numbers its questions
differently from 2024 (harassment as Q13, discrimination as Q17), as happens between years, so
a reader that matched by number would fail.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl

HERE = Path(__file__).parent
NOTE = "\nNote: In order to the preserve anonymity of individual staff, where there were fewer than 10 responses to a question results are not displayed"
ORG_HEAD = ["ODS code", "Organisation name", "Benchmarking group", "Region", "ICS", "Weighting"]
ORGS = [
    (
        "RW5",
        "Lancashire and South Cumbria NHS Foundation Trust",
        "Mental Health & Learning Disability and Mental Health, Learning Disability & Community Trusts",
        "North West",
        "Lancashire and South Cumbria",
    ),
    (
        "RBL",
        "Wirral University Teaching Hospital NHS Foundation Trust",
        "Acute and Acute & Community Trusts",
        "North West",
        "Cheshire and Merseyside",
    ),
    ("RX1", "Example Acute Trust", "Acute and Acute & Community Trusts", "Midlands", "Example ICS"),
    ("RX2", "Example Small Trust", "Acute and Acute & Community Trusts", "London", "Example ICS"),
]
NEVER_BLOCK = [
    "% Never",
    "% 1 to 2",
    "% 3 to 5",
    "% 6 to 10",
    "% More than 10",
    "Base (number of responses)",
]
HARASSMENT = {
    "Q13a": "In the last 12 months how many times have you personally experienced harassment, bullying or abuse at work from patients / service users, their relatives or other members of the public?",
    "Q13b": "In the last 12 months how many times have you personally experienced harassment, bullying or abuse at work from managers?",
    "Q13c": "In the last 12 months how many times have you personally experienced harassment, bullying or abuse at work from other colleagues?",
}
# % Never, then the four other options, base, per org (RX2 Q13b not published)
HARASSMENT_VALUES = {
    "Q13a": [
        (72.0, 15, 6, 4, 3, 1000),
        (75.5, 14, 5, 3, 2.5, 800),
        (70.0, 16, 7, 4, 3, 1200),
        (80.0, 10, 5, 3, 2, 40),
    ],
    "Q13b": [
        (90.0, 6, 2, 1, 1, 998),
        (91.0, 5, 2, 1, 1, 801),
        (89.0, 7, 2, 1, 1, 1199),
        ("-", "-", "-", "-", "-", "-"),
    ],
    "Q13c": [
        (85.0, 9, 3, 2, 1, 997),
        (86.0, 8, 3, 2, 1, 799),
        (84.0, 10, 3, 2, 1, 1198),
        (88.0, 7, 3, 1, 1, 39),
    ],
}
Q15 = "Does your organisation act fairly with regard to career progression / promotion, regardless of ethnic background, gender, religion, sexual orientation, disability or age?"
Q16A = "In the last 12 months have you personally experienced discrimination at work from patients / service users, their relatives or other members of the public?"
Q16B = "In the last 12 months have you personally experienced discrimination at work from manager / team leader or other colleagues?"
DISCRIMINATION_VALUES = [  # (q15 yes, no, dk, base), (q16a yes, no, base), (q16b yes, no, base)
    ((58.6, 12.0, 29.4, 990), (7.9, 92.1, 995), (7.85, 92.15, 994)),
    ((61.2, 10.0, 28.8, 790), (5.5, 94.5, 792), (6.25, 93.75, 791)),
    ((55.0, 14.0, 31.0, 1190), (9.0, 91.0, 1195), (9.5, 90.5, 1194)),
    ((50.0, 20.0, 30.0, 38), ("-", "-", "-"), (10.0, 90.0, 39)),
]
WHITE = [
    "White - English / Welsh / Scottish / Northern Irish / British",
    "White - Irish",
    "White - Gypsy or Irish Traveller",
    "White - Any other White background",
]
OTHER = [
    "Mixed/Multiple ethnic background - White and Black Caribbean",
    "Asian/Asian British - Indian",
    "Black/African/Caribbean/Black British - African",
    "Other ethnic group - Any other ethnic background",
]
ETHNIC_VALUES = [  # four White shares, four others, base
    (80.0, 2.0, 0.0, 4.6, 3.0, 6.0, 3.4, 1.0, 980),
    (85.0, 1.5, 0.1, 3.4, 2.0, 4.0, 3.0, 1.0, 780),
    (60.0, 2.0, 0.0, 8.0, 5.0, 12.0, 10.0, 3.0, 1180),
    (40.0, 1.0, 0.0, 9.0, 10.0, 20.0, 15.0, 5.0, 37),
]


def _sheet(book, title, blocks, rows, year=2023, block_title=""):
    ws = book.create_sheet(title)
    ws.cell(1, 1, f"NHS Staff Survey {year} - WEIGHTED Results")
    ws.cell(2, 1, block_title or title)
    ws.cell(3, 1, NOTE)
    col = 7
    head = list(ORG_HEAD)
    for header, options in blocks:
        ws.cell(1, col, header)
        head += options
        col += len(options)
    for j, h in enumerate(head, start=1):
        ws.cell(5, j, h)
    for i, row in enumerate(rows, start=6):
        for j, v in enumerate(row, start=1):
            ws.cell(i, j, v)


def organisational_workbook(path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.title = "Notes"
    book["Notes"].cell(2, 2, "NHS Staff Survey 2023 - Detailed Spreadsheets")
    weight = "Occupation Group"
    rows = []
    for k, org in enumerate(ORGS):
        row = [*org, weight]
        for q in HARASSMENT:
            row += list(HARASSMENT_VALUES[q][k])
        rows.append(row)
    rows.insert(2, [None] * 6)  # a blank row is ignored
    _sheet(
        book,
        "HEALTH WELLBEING SAFETY Q12-13",
        [(f"{q} - {text}", NEVER_BLOCK) for q, text in HARASSMENT.items()],
        rows,
    )
    rows = []
    for k, org in enumerate(ORGS):
        q15, q16a, q16b = DISCRIMINATION_VALUES[k]
        rows.append([*org, weight, *q15, *q16a, *q16b])
    _sheet(
        book,
        "HEALTH WELLBEING SAFETY Q16-17",
        [
            (f"Q16 - {Q15}", ["% Yes", "% No", "% Don't know", "Base (number of responses)"]),
            (f"Q17a - {Q16A}", ["% Yes", "% No", "Base (number of responses)"]),
            (f"Q17b - {Q16B}", ["% Yes", "% No", "Base (number of responses)"]),
        ],
        rows,
    )
    rows = [[*org, weight, *ETHNIC_VALUES[k]] for k, org in enumerate(ORGS)]
    _sheet(
        book,
        "BACKGROUND INFORMATION Q27-30",
        [
            (
                "Q28 - What is your ethnic group?",
                [f"% {c}" for c in WHITE + OTHER] + ["Base (number of responses)"],
            ),
        ],
        rows,
    )
    book.save(path)


def national_workbook(path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.title = "Notes"
    ws = book.create_sheet("HEALTH WELLBEING SAFETY Q16-17")
    ws.cell(1, 1, "NHS Staff Survey 2023 - WEIGHTED Results")
    ws.cell(3, 1, NOTE)
    ws.cell(1, 5, f"Q16 - {Q15}")
    ws.cell(1, 9, f"Q17b - {Q16B}")
    head = [
        "Base",
        "Breakdown",
        "Breakdown subgroup",
        "Weighting",
        "% Yes",
        "% No",
        "% Don't know",
        "Base (number of responses)",
        "% Yes",
        "% No",
        "Base (number of responses)",
    ]
    for j, h in enumerate(head, start=1):
        ws.cell(5, j, h)
    rows = [
        [
            "National",
            None,
            None,
            "Organisation Size and Occupation Group",
            56.0,
            12.5,
            31.5,
            700000,
            9.0,
            91.0,
            698000,
        ],
        [
            "National",
            "Region",
            "North West",
            "Organisation Size",
            57.0,
            11.8,
            31.2,
            95000,
            8.0,
            92.0,
            94800,
        ],
        [
            "National",
            "Gender",
            "Female",
            "Organisation Size",
            57.7,
            11.3,
            31.0,
            500000,
            8.6,
            91.4,
            499000,
        ],
        [
            "National",
            "Ethnic background (summary)",
            "White staff",
            "Organisation Size",
            59.0,
            10.5,
            30.5,
            500000,
            6.8,
            93.2,
            499000,
        ],
        [
            "National",
            "Ethnic background (summary)",
            "Staff from all other ethnic groups combined",
            "Organisation Size",
            49.5,
            17.0,
            33.5,
            190000,
            15.2,
            84.8,
            189000,
        ],
    ]
    for i, row in enumerate(rows, start=6):
        for j, v in enumerate(row, start=1):
            ws.cell(i, j, v)
    book.save(path)


def compiled_panel(path: Path) -> None:
    lines = [
        "ODS code,Year,Organisation name,Benchmarking group,Region,ICS/STP,Weighting,"
        "Discrimination_internal_base,Discrimination_internal_rate,Discrimination_public_base,"
        "Discrimination_public_rate,Emotional_public_base,Emotional_public_rate,"
        "Ethnic_minority_base,Ethnic_minority_rate"
    ]
    data = [
        ("RW5", 2022, 900, 6.4, 905, 6.0, 910, 28.0, 890, 9.3),
        ("RW5", 2023, 994, 7.85, 995, 7.9, 1000, 28.0, 980, 13.4),
        ("RBL", 2022, 700, 5.9, 702, 5.0, 705, 25.0, 690, 8.0),
        ("RBL", 2023, 791, 6.25, 792, 5.5, 800, 24.5, 780, 10.0),
        ("RX1", 2022, 1100, 9.1, 1101, 8.5, 1102, 31.0, 1090, 20.0),
        ("RX1", 2023, 1194, 9.5, 1195, 9.0, 1200, 30.0, 1180, 30.0),
        ("RX2", 2022, 9, "NA", "", "NA", 9, "NA", 9, "NA"),
    ]
    names = {o[0]: o[1] for o in ORGS}
    groups = {o[0]: o[2] for o in ORGS}
    regions = {o[0]: o[3] for o in ORGS}
    for code, year, *vals in data:
        lines.append(
            ",".join(
                [
                    code,
                    str(year),
                    f'"{names[code]}"',
                    f'"{groups[code]}"',
                    regions[code],
                    "-",
                    "Occupation Group",
                    *map(str, vals),
                ]
            )
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def white_bme(path: Path) -> None:
    lines = ["Indicator,Trust,Trust Type,White Rate,BME Rate,Likelihood Ratio (BME/White)"]
    rows = [
        ("Q15: Fair career progression", "RBL", 0.62, 0.50),
        ("Q16b: Discrimination from manager/colleagues", "RBL", 0.055, 0.16),
        ("Harassment from patients (by ethnicity)", "RBL", 0.24, 0.28),
        ("Harassment from staff (by ethnicity)", "RBL", 0.18, 0.23),
        ("Q16b: Discrimination from manager/colleagues", "RX1", 0.07, 0.14),
    ]
    for ind, trust, w, b in rows:
        lines.append(f"{ind},{trust},Acute&Acute Community Trusts,{w},{b},{b / w}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    folder = HERE / "folder"
    folder.mkdir(exist_ok=True)
    organisational_workbook(folder / "NSS23_detailed_spreadsheets_organisational_results.xlsx")
    national_workbook(folder / "NSS23_detailed_spreadsheets_national_results.xlsx")
    compiled_panel(folder / "compiled_panel_2022_2023.csv")
    white_bme(folder / "white_vs_bme_2023_by_trust.csv")
    (folder / "README.md").write_text("Fixture folder: small files in the official layouts.\n")
    (folder / "notes.csv").write_text("a,b\n1,2\n")
    (folder / "evidence.csv").write_text(
        "ods_code,org_name,arf_status_seen,date_seen\nRW5,x,Bronze,\n"
    )
