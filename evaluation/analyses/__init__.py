"""The evaluation's questions, composed from stats, text and the instrument; every published
survey table is declared once in :mod:`evaluation.analyses.tables`."""
