"""The real model and real Chroma, embedded and as a server; kill -9 during ingest."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from service.runtime import build_embedder, build_store, run_ingest
from service.settings import Settings

from .chroma_server import chroma_server
from .conftest import ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def real_embedder():
    return build_embedder(Settings())


def _nearest_doc(settings: Settings, embedder, question: str) -> str:
    store = build_store(settings)
    m = store.read_manifest()
    hits = store.query(m.chunk_collection, embedder.embed_query(question), 3)
    return hits[0].meta["doc_id"]


def test_embedded_real_model_finds_the_right_document(tmp_path: Path, real_embedder) -> None:
    s = Settings(corpus_dir=ROOT / "corpus", data_dir=tmp_path / "data")
    r = run_ingest(s, embedder=real_embedder)
    assert len(r.added) >= 15 and not r.skipped
    assert _nearest_doc(s, real_embedder, "what does dissociation feel like") == "ketamine-dissociation"
    r2 = run_ingest(s, embedder=real_embedder)
    assert r2.chunks_embedded == 0 and r2.index_version == r.index_version


def test_server_mode_against_chroma_run(tmp_path: Path, real_embedder) -> None:
    with chroma_server(tmp_path / "server") as (url, _):
        s = Settings(corpus_dir=ROOT / "corpus", data_dir=tmp_path / "replica-a", chroma_url=url)
        r = run_ingest(s, embedder=real_embedder)
        assert len(r.added) >= 15
        # another replica with an empty data dir serves from the server alone
        other = Settings(data_dir=tmp_path / "replica-b", chroma_url=url)
        assert build_store(other).read_manifest().index_version == r.index_version
        assert _nearest_doc(other, real_embedder, "is ketamine addictive") == "ketamine-dependency-and-misuse"


def test_kill_9_during_ingest_leaves_a_whole_state(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "kill_soak.py"), "--trials", "2",
                           "--work", str(tmp_path)], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "2 passed, 0 failed" in proc.stdout


def test_onnx_query_vectors_match_torch(tmp_path: Path) -> None:
    import numpy as np

    from service.adapters.onnx_embedder import OnnxEmbedder
    from service.adapters.st_embedder import SentenceTransformerEmbedder

    path = Settings().resolved_model_path()
    onnx = OnnxEmbedder(path, cache_dir=str(tmp_path / "models"))  # exports, verifies, caches
    assert (tmp_path / "models").glob("*.onnx")
    torch = SentenceTransformerEmbedder(path)
    texts = ["how long does dissociation last?", "Oral ketamine is taken as a lozenge at home.", "988",
             "¿Qué es la ketamina?", "x " * 300]
    cos = np.sum(onnx.embed(texts) * torch.embed(texts), axis=1)
    assert cos.min() >= 0.999
    assert onnx.fingerprint == torch.fingerprint, "the same weights must give the same index"
    again = OnnxEmbedder(path, cache_dir=str(tmp_path / "models"))  # loads the cached export
    assert float(np.dot(again.embed_query("side effects"), torch.embed_query("side effects"))) >= 0.999
