"""Performance benchmarks of the workbench at national-survey scale (``make bench``, issue 8).

Every figure is measured side by side with its baseline in the same run and reported as seconds and
as a ratio; targets live here, in the benchmark modules, never in the tests. One module per area
(:mod:`.survey_scale`, :mod:`.models_scale`, :mod:`.text_scale`, :mod:`.pipeline_scale`), a small
:mod:`.harness` (paired timings with medians, peak memory in a fresh process, the results table)
and :mod:`.data` (synthetic inputs at any size). ``python -m benchmarks --quick`` runs toy sizes.
"""
