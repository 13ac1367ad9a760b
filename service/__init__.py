"""Cited: evidence-grounded answers for clinics, only from cited passages of approved documents."""

from ._exceptions import (
    CitedError,
    ConfigError,
    IndexUnavailableError,
    IngestError,
    IngestLockedError,
    LoaderError,
)
from .settings import Settings

__version__ = "0.1.0"
__all__ = [
    "CitedError",
    "ConfigError",
    "IndexUnavailableError",
    "IngestError",
    "IngestLockedError",
    "LoaderError",
    "Settings",
    "__version__",
]
