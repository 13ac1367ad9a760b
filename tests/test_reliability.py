"""Bad inputs, properties of the index and answers, and faults: a clear error or a safe answer, never a 500,
never a partial index."""

from __future__ import annotations

import errno
import json
import shutil
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.answering.engine import Engine, answer_question
from service.api.app import create_app
from service.ingest.chunking import ChunkConfig, chunk_document
from service.ingest.loaders import load_file
from service.runtime import build_store, run_ingest
from service.settings import Settings

from .chroma_server import chroma_server, start_chroma
from .conftest import ROOT, FakeEmbedder
from .helpers import md_doc, write


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    tmp = tmp_path_factory.mktemp("rel")
    shutil.copytree(ROOT / "corpus", tmp / "corpus")
    s = Settings(corpus_dir=tmp / "corpus", data_dir=tmp / "data", rate_limit="100000/minute",
                 evidence_threshold=0.05)
    emb = FakeEmbedder()
    run_ingest(s, embedder=emb)
    with TestClient(create_app(s, embedder=emb, configure_logs=False)) as c:
        yield c


NESTED = "[" * 10_000 + "]" * 10_000
BAD_QUESTIONS = [
    "", "   ", "\t\n", "\x00", "\x00what is ketamine\x00", "\ud800 lone surrogate", "\u200b\u200c\u200d",
    "\u202eevil bidi\u202c what is dissociation", "<script>alert(1)</script> what is ketamine?",
    "<img src=x onerror=alert(1)>", "a" * 5000, "¿Qué es la ketamina oral?", "ケタミンとは何ですか",
    "🙂🙂🙂 what are side effects? 🙂", "' OR 1=1; DROP TABLE chunks; --", "{{7*7}} ${jndi:ldap://x}",
]


@pytest.mark.parametrize("route", ["/v1/ask", "/v1/ask/stream"])
@pytest.mark.parametrize("question", BAD_QUESTIONS)
def test_bad_questions_get_a_clear_error_or_a_safe_answer(client: TestClient, route: str, question: str) -> None:
    body = json.dumps({"question": question}, ensure_ascii=True)
    r = client.post(route, content=body.encode(), headers={"Content-Type": "application/json"})
    assert r.status_code in (200, 422), r.text
    if r.status_code == 422:
        assert r.json()["error"]["code"] in ("invalid_request", "invalid_question") and r.json()["error"]["message"]
    elif route == "/v1/ask":
        a = r.json()
        assert a["outcome"] in ("answered", "refused", "crisis", "not_found")
        for c in a["citations"]:
            assert c["passage"][c["start"]:c["end"]] == c["quote"]


@pytest.mark.parametrize("route", ["/v1/ask", "/v1/ask/stream", "/v1/feedback"])
@pytest.mark.parametrize("raw", [b"x" * (1024 * 1024), NESTED.encode(), b"\xff\xfe\x00garbage", b"null", b"[]",
                                 b'{"question": 42}', b'{"question": ["a"]}'])
def test_hostile_bodies(client: TestClient, route: str, raw: bytes) -> None:
    r = client.post(route, content=raw, headers={"Content-Type": "application/json"})
    assert r.status_code in (413, 422), (r.status_code, r.text[:200])
    assert r.json()["error"]["code"]


def test_wrong_content_type_and_methods(client: TestClient) -> None:
    assert client.post("/v1/ask", content=b"question=hi", headers={"Content-Type": "text/plain"}).status_code == 422
    assert client.get("/v1/ask").status_code == 405
    assert client.get("/nope").status_code == 404 and client.get("/nope").json()["error"]["code"] == "not_found"


# --- properties ---------------------------------------------------------------------------------------------

PARAGRAPH = st.lists(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1,
                             max_size=80), min_size=1, max_size=6).map(lambda xs: ". ".join(xs) + ".")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(PARAGRAPH, min_size=1, max_size=8), st.integers(80, 600), st.integers(0, 120))
def test_chunks_reassemble_their_document(paragraphs: list[str], size: int, overlap: int) -> None:
    body = "\n\n".join(f"## Part {i}\n{p}" for i, p in enumerate(paragraphs))
    try:
        doc = load_file(Path("p.md"), md_doc("p", "P", body).encode())
    except Exception:  # noqa: BLE001 - text that normalizes to nothing is a LoaderError, tested elsewhere
        return
    chunks = chunk_document(doc, "h" * 64, ChunkConfig(size, overlap))
    covered = set()
    for c in chunks:
        assert doc.text[c.start:c.end] == c.text
        for a, b in c.sentences:
            covered.update(range(c.start + a, c.start + b))
    for section in doc.sections:  # every non-space character of every section is in some chunk
        for i in range(section.start, section.end):
            assert doc.text[i].isspace() or i in covered


@pytest.fixture
def engine(corpus_engine: Engine) -> Engine:
    return corpus_engine


WORDS = ["ketamine", "side", "effects", "dissociation", "session", "lozenge", "how", "long", "what", "is", "the",
         "research", "glutamate", "prepare", "home", "integration", "screening", "blood", "pressure", "safe"]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=10))
def test_every_quote_is_verbatim_in_its_passage(engine: Engine, words: list[str]) -> None:
    a = answer_question(engine, " ".join(words) + "?")
    for c in a.citations:
        assert c.passage[c.start:c.end] == c.quote and f"[{c.n}]" in a.answer


def test_ingesting_twice_equals_ingesting_once(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "corpus", tmp_path / "corpus")
    emb = FakeEmbedder()
    once = Settings(corpus_dir=tmp_path / "corpus", data_dir=tmp_path / "once")
    twice = Settings(corpus_dir=tmp_path / "corpus", data_dir=tmp_path / "twice")
    run_ingest(once, embedder=emb)
    run_ingest(twice, embedder=emb)
    run_ingest(twice, embedder=emb)

    def state(s: Settings) -> tuple[str, list[tuple[str, str]]]:
        store = build_store(s)
        m = store.read_manifest()
        assert m is not None
        return m.index_version, sorted((h.chunk_id, h.text) for h in store.iter_all(m.chunk_collection))

    assert state(once) == state(twice)


# --- faults ---------------------------------------------------------------------------------------------------

def test_write_failure_keeps_the_previous_index_serving(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = tmp_path / "corpus"
    write(corpus / "a.md", md_doc("a", "A", "## S\nOral ketamine can cause nausea."))
    s = Settings(corpus_dir=corpus, data_dir=tmp_path / "data", evidence_threshold=0.05)
    emb = FakeEmbedder()
    first = run_ingest(s, embedder=emb)
    write(corpus / "b.md", md_doc("b", "B", "## S\nDissociation fades within hours."))
    from service.adapters.chroma_store import ChromaStore

    def disk_full(*_a, **_k):  # noqa: ANN002, ANN003, ANN202
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(ChromaStore, "upsert", disk_full)
    with pytest.raises(OSError):
        run_ingest(s, embedder=emb)
    monkeypatch.undo()
    engine = Engine(s, build_store(s), emb)
    assert engine.retriever.snapshot().manifest.index_version == first.index_version
    assert answer_question(engine, "what about nausea").outcome == "answered"
    assert run_ingest(s, embedder=emb).added == ["b"]


@pytest.mark.slow
def test_chroma_server_outage_and_recovery(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "corpus", tmp_path / "corpus")
    emb = FakeEmbedder()
    with chroma_server(tmp_path / "server") as (url, proc):
        s = Settings(corpus_dir=tmp_path / "corpus", data_dir=tmp_path / "replica", chroma_url=url,
                     manifest_poll_seconds=0, rate_limit="100000/minute", evidence_threshold=0.05)
        run_ingest(s, embedder=emb)
        port = url.rsplit(":", 1)[1]
        with TestClient(create_app(s, embedder=emb, configure_logs=False)) as c:
            assert c.get("/readyz").status_code == 200
            assert c.post("/v1/ask", json={"question": "what is dissociation"}).json()["outcome"] == "answered"
            proc.terminate()
            proc.wait(timeout=15)
            assert c.get("/readyz").status_code == 503
            r = c.post("/v1/ask", json={"question": "what is dissociation"})
            assert r.status_code == 503 and r.json()["error"]["code"] == "index_unavailable"
            assert c.post("/v1/ask", json={"question": "i want to kill myself"}).json()["outcome"] == "crisis"
            assert c.post("/v1/ask", json={"question": "how many mg should i take"}).json()["outcome"] == "refused"
            assert c.get("/healthz").status_code == 200
            restarted = start_chroma(tmp_path / "server", int(port))
            try:
                deadline = time.monotonic() + 30
                while c.get("/readyz").status_code != 200 and time.monotonic() < deadline:
                    time.sleep(0.5)
                assert c.get("/readyz").status_code == 200
                assert c.post("/v1/ask", json={"question": "what is dissociation"}).json()["outcome"] == "answered"
            finally:
                restarted.terminate()
                restarted.wait(timeout=15)
