"""The publishing layer: everything a report notebook calls to put a result in the report.

- :mod:`evaluation.publishing.context`: :func:`open_report` and :class:`ReportContext` (the
  scoped survey; ``rep.table`` audits, writes and numbers a table; ``rep.figure`` a figure);
- :mod:`evaluation.publishing.dictionary`: ``table_dictionary.csv``, a description of every column
  of every table the report holds.

The tables it publishes are declared once in :mod:`evaluation.analyses.tables`
(``rep.publish(name)`` builds one). The same layer uses :mod:`evaluation.audit` (the disclosure
audit of a whole report) and :mod:`evaluation.safe_output` (formula-safe CSVs, safe file
names). Its inputs come from the safe-input stage (:mod:`evaluation.inputs`), never from raw
files.
"""

from evaluation.publishing.context import ReportContext, open_report

__all__ = ["ReportContext", "open_report"]
