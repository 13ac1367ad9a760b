"""Builds the adapters from Settings: the one place that wires concrete classes together."""

from __future__ import annotations

import logging
from functools import lru_cache

from ._exceptions import ConfigError
from .adapters.chroma_store import ChromaStore, make_client
from .domain.protocols import Embedder
from .ingest.chunking import ChunkConfig
from .ingest.lock import writer_lock
from .ingest.pipeline import Ingestor, IngestReport, Progress
from .settings import Settings

log = logging.getLogger(__name__)


def build_store(settings: Settings) -> ChromaStore:
    """The Chroma store the settings point at (embedded or server)."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return ChromaStore(make_client(settings.chroma_url, str(settings.data_dir)), settings.collection_prefix)


@lru_cache(maxsize=4)
def _load_embedder(path: str, backend: str, batch: int, cache_dir: str) -> Embedder:
    from .adapters.st_embedder import SentenceTransformerEmbedder

    if backend == "onnx":
        from .adapters.onnx_embedder import OnnxEmbedder

        try:
            return OnnxEmbedder(path, batch_size=batch, cache_dir=cache_dir)
        except (ConfigError, OSError, RuntimeError) as exc:  # no export possible here: torch is correct, only slower
            log.warning("ONNX embedder unavailable (%s); using torch", exc)

    return SentenceTransformerEmbedder(path, batch_size=batch)


def build_embedder(settings: Settings) -> Embedder:
    """The embedding model, loaded once per process per configuration."""
    return _load_embedder(settings.resolved_model_path(), settings.embedding_backend,
                          settings.embedding_batch_size, str(settings.data_dir / "models"))


def run_ingest(settings: Settings, progress: Progress | None = None,
               store: ChromaStore | None = None, embedder: Embedder | None = None) -> IngestReport:
    """Ingest the corpus directory under the writer lock."""
    with writer_lock(settings.data_dir):
        ingestor = Ingestor(store or build_store(settings), embedder or build_embedder(settings),
                            ChunkConfig(settings.chunk_size, settings.chunk_overlap),
                            int(settings.max_file_mb * 1e6), progress)
        return ingestor.run(settings.corpus_dir)
