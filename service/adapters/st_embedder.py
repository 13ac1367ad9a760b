"""Sentence-transformers embedder (torch), loaded offline from a local path."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .._exceptions import ConfigError
from ..domain.protocols import Vectors


def empty_vectors(dim: int) -> Vectors:
    """The result of embedding no texts."""
    return np.zeros((0, dim), dtype=np.float32)


def model_fingerprint(path: str) -> str:
    """A short id of the model weights, so a different model never mixes into an index."""
    root = Path(path)
    weights = sorted(root.glob("*.safetensors")) or sorted(root.glob("*.bin"))
    h = hashlib.sha256(root.name.encode())
    for w in weights:
        h.update(w.name.encode())
        h.update(str(w.stat().st_size).encode())
    return h.hexdigest()[:12]


class SentenceTransformerEmbedder:
    """Embeds with sentence-transformers on the CPU; vectors are L2-normalized float32."""

    def __init__(self, model_path: str, batch_size: int = 64) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        if not Path(model_path).is_dir():
            raise ConfigError(f"embedding model directory not found: {model_path}")
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()

        self._model = SentenceTransformer(model_path, device="cpu")
        self._batch = batch_size
        self._fp = model_fingerprint(model_path)
        self._dim = int(self._model.get_embedding_dimension() or 0) if hasattr(
            self._model, "get_embedding_dimension") else int(
            self._model.get_sentence_embedding_dimension() or 0)

    @property
    def fingerprint(self) -> str:
        return self._fp

    @property
    def dimension(self) -> int:
        return self._dim

    def embed(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return empty_vectors(self._dim)
        out = self._model.encode(list(texts), batch_size=self._batch, normalize_embeddings=True,
                                 convert_to_numpy=True, show_progress_bar=False)
        return np.asarray(out, dtype=np.float32)

    def embed_query(self, text: str) -> Vectors:
        return self.embed([text])[0]
