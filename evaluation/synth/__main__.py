"""``python -m evaluation.synth --wave 2025 --respondents 274 --seed 1 --out DIR``."""

from __future__ import annotations

import argparse
from pathlib import Path

from evaluation.synth.wave import generate_wave


def main(argv: list[str] | None = None) -> Path:
    """Parse the command line and generate one wave folder."""
    parser = argparse.ArgumentParser(
        prog="python -m evaluation.synth",
        description="Generate a seeded synthetic evaluation wave with planted effects.",
    )
    parser.add_argument("--wave", type=int, required=True, help="wave year, e.g. 2025")
    parser.add_argument("--respondents", type=int, default=274, help="number of respondents")
    parser.add_argument("--seed", type=int, default=1, help="random seed (non-negative)")
    parser.add_argument("--out", type=Path, required=True, help="wave folder to write")
    parser.add_argument("--no-text", action="store_true", help="leave free-text answers blank")
    parser.add_argument(
        "--survey-only", action="store_true", help="skip the focus group and codings"
    )
    parser.add_argument(
        "--phrasings",
        choices=("normal", "held_back"),
        default="normal",
        help="theme wording: normal, or held back from the rule patterns",
    )
    args = parser.parse_args(argv)
    out = generate_wave(
        args.wave,
        args.respondents,
        args.seed,
        args.out,
        with_text=not args.no_text,
        with_focus_group=not args.survey_only,
        phrasings=args.phrasings,
    )
    print(out)
    return out


if __name__ == "__main__":
    main()
