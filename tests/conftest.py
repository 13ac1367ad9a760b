"""Shared fixtures: a deterministic fake embedder and isolated settings."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from service.settings import Settings

DIM = 64


class FakeEmbedder:
    """Hashes words into a bag-of-words vector: deterministic, fast, similar texts stay close."""

    fingerprint = "fake-bow-64"
    dimension = DIM

    def __init__(self) -> None:
        self.calls = 0
        self.texts_embedded = 0

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        self.texts_embedded += len(texts)
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in re.findall(r"[a-z0-9]+", text.lower()):
                out[i, int(hashlib.md5(word.encode()).hexdigest(), 16) % DIM] += 1.0
            out[i, 0] += 1e-3
        return out / np.linalg.norm(out, axis=1, keepdims=True)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed([text])[0]


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    return Settings(corpus_dir=corpus, data_dir=tmp_path / "data", chunk_size=300, chunk_overlap=60)


ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def corpus_engine(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201 - Engine, imported lazily
    """The sample corpus in real embedded Chroma with the fake embedder, shared by the answering tests."""
    import shutil

    from service.answering.engine import Engine
    from service.runtime import build_store, run_ingest

    tmp = tmp_path_factory.mktemp("corpus-engine")
    shutil.copytree(ROOT / "corpus", tmp / "corpus")
    s = Settings(corpus_dir=tmp / "corpus", data_dir=tmp / "data", evidence_threshold=0.05)
    emb = FakeEmbedder()
    run_ingest(s, embedder=emb)
    return Engine(s, build_store(s), emb)
