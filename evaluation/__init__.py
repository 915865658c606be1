"""ARF Evaluation Workbench: reproducible evaluation of the NHS North West Anti-racist Framework."""

__version__ = "0.1.0"
