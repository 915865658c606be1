"""ARF Evaluation Workbench: reproducible evaluation of the NHS North West Anti-racist Framework."""

from importlib.metadata import PackageNotFoundError, version

try:  # one source of the version: pyproject.toml, as installed
    __version__ = version("arf-evaluation")
except PackageNotFoundError:  # pragma: no cover - a checkout used without installing
    __version__ = "unknown"
