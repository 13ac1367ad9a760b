"""The exception tree of the service.

CitedError
 +-- ConfigError            settings that cannot work (bad model path, bad URL)
 +-- IngestError            an ingest that could not run
 |    +-- IngestLockedError another writer holds the data dir
 +-- LoaderError            one file could not be parsed (reported, skipped)
 +-- IndexUnavailableError  the vector store cannot be reached or holds no index
"""

from __future__ import annotations

__all__ = [
    "CitedError",
    "ConfigError",
    "IndexUnavailableError",
    "IngestError",
    "IngestLockedError",
    "LoaderError",
]


class CitedError(Exception):
    """Base of every error the service raises on purpose."""


class ConfigError(CitedError):
    """The settings cannot work."""


class IngestError(CitedError):
    """An ingest could not run."""


class IngestLockedError(IngestError):
    """Another ingest holds the writer lock."""


class LoaderError(CitedError):
    """A file could not be parsed into a document."""


class IndexUnavailableError(CitedError):
    """The index (vector store) is unreachable or empty."""
