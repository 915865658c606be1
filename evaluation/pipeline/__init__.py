"""Papermill orchestration: configs, report runs, HTML, manifest, packs and comparisons."""
