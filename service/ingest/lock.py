"""One writer at a time: a second ingest fails fast instead of waiting or corrupting."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from .._exceptions import IngestLockedError


@contextmanager
def writer_lock(data_dir: Path) -> Iterator[None]:
    """Hold the data dir's ingest lock, or raise IngestLockedError at once."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "ingest.lock"
    lock = FileLock(str(path), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise IngestLockedError(
            f"another ingest is already running on {data_dir} (lock {path}); wait for it to finish"
        ) from None
    try:
        yield
    finally:
        lock.release()
