"""``python -m evaluation``: the same command line as ``arf-eval``."""

from evaluation.cli import app

app()
