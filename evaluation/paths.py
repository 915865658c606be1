"""Where the workbench finds its data and writes its reports.

The repository layout is the default; ``ARF_SURVEY_DATA`` and ``ARF_REPORTS`` override it (for
example to point an installed copy at a secure data folder).
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
SURVEY_DATA = Path(os.environ.get("ARF_SURVEY_DATA", REPO_ROOT / "survey_data"))
CODEBOOK = SURVEY_DATA / "codebook.yaml"
REPORTS = Path(os.environ.get("ARF_REPORTS", REPO_ROOT / "reports"))
NOTEBOOKS = REPO_ROOT / "notebooks"
