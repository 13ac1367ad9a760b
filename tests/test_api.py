"""HTTP API: every route and status code, through the real app with a fake embedder."""

from __future__ import annotations

import json
import logging
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service.api.app import create_app
from service.api.observability import JsonFormatter
from service.api.security import hash_key
from service.runtime import run_ingest
from service.settings import Settings

from .conftest import ROOT, FakeEmbedder

STAFF, ADMIN = "staff-key-123", "admin-key-456"
QUESTION = "What are the common side effects of oral ketamine?"


def _settings(tmp_path: Path, **over: object) -> Settings:
    corpus = tmp_path / "corpus"
    if not corpus.exists():
        shutil.copytree(ROOT / "corpus", corpus)
    base: dict[str, object] = dict(corpus_dir=corpus, data_dir=tmp_path / "data", staff_key_hashes=[hash_key(STAFF)],
                                   admin_key_hashes=[hash_key(ADMIN)], rate_limit="1000/minute",
                                   evidence_threshold=0.05)
    base.update(over)
    return Settings(**base)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, FakeEmbedder]:
    tmp = tmp_path_factory.mktemp("api")
    s = _settings(tmp)
    emb = FakeEmbedder()
    run_ingest(s, embedder=emb)
    return s, emb


@pytest.fixture
def client(indexed: tuple[Settings, FakeEmbedder]) -> Iterator[TestClient]:
    s, emb = indexed
    with TestClient(create_app(s, embedder=emb, configure_logs=False)) as c:
        yield c


def _auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_health_ready_and_metrics(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["ready"] is True
    client.post("/v1/ask", json={"question": QUESTION})
    body = client.get("/metrics").text
    assert "cited_answers_total" in body and "cited_request_seconds_bucket" in body and "cited_index_info" in body


def test_ask_answers_with_resolving_citations(client: TestClient) -> None:
    r = client.post("/v1/ask", json={"question": QUESTION})
    assert r.status_code == 200, r.text
    a = r.json()
    assert a["outcome"] == "answered" and a["citations"] and a["debug"] is None
    markers = {int(m) for m in re.findall(r"\[(\d+)\]", a["answer"])}
    assert markers == {c["n"] for c in a["citations"]}
    for c in a["citations"]:
        assert c["passage"][c["start"]:c["end"]] == c["quote"] and c["quote"] in a["answer"]
    assert r.headers["X-Request-ID"] == a["request_id"]


def test_staff_key_sees_debug(client: TestClient) -> None:
    a = client.post("/v1/ask", json={"question": QUESTION}, headers=_auth(STAFF)).json()
    assert a["debug"] and "triage" in a["debug"]


@pytest.mark.parametrize(("question", "outcome", "category"), [
    ("how many mg of ketamine should i take", "refused", "dosing"),
    ("i want to kill myself", "crisis", "self_harm"),
])
def test_safety_outcomes(client: TestClient, question: str, outcome: str, category: str) -> None:
    a = client.post("/v1/ask", json={"question": question}).json()
    assert (a["outcome"], a["category"]) == (outcome, category) and a["citations"] == []


@pytest.mark.parametrize(("body", "code"), [
    ({"question": ""}, "invalid_request"),
    ({"question": "   \u200b "}, "invalid_request"),
    ({"question": "x" * 1001}, "invalid_request"),
    ({"question": "ok?", "extra": 1}, "invalid_request"),
    ({"question": "ok?", "conversation_id": "../etc"}, "invalid_request"),
    ({"q": "missing"}, "invalid_request"),
    ([1, 2], "invalid_request"),
])
def test_bad_questions_get_422_with_a_clear_message(client: TestClient, body: object, code: str) -> None:
    r = client.post("/v1/ask", json=body)
    assert r.status_code == 422 and r.json()["error"]["code"] == code
    assert r.json()["error"]["message"]


def test_malformed_json_and_big_bodies(client: TestClient) -> None:
    r = client.post("/v1/ask", content=b"{not json", headers={"Content-Type": "application/json"})
    assert r.status_code == 422
    r = client.post("/v1/ask", content=b'{"question": "' + b"a" * 20000 + b'"}',
                    headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and r.json()["error"]["code"] == "payload_too_large"


def _events(text: str) -> list[tuple[str, object]]:
    out = []
    for block in text.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines())
        out.append((lines["event"], json.loads(lines["data"])))
    return out


@pytest.mark.parametrize("question", [QUESTION, "what's the max dose", "i want to end my life"])
def test_stream_ends_with_exactly_the_ask_body(client: TestClient, question: str) -> None:
    plain = client.post("/v1/ask", json={"question": question}).json()
    r = client.post("/v1/ask/stream", json={"question": question})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
    events = _events(r.text)
    names = [e for e, _ in events]
    assert names[0] == "meta" and names[-2:] == ["citations", "done"] and "delta" in names
    done = events[-1][1]
    assert isinstance(done, dict)
    assert "".join(d["text"] for e, d in events if e == "delta") == done["answer"]  # type: ignore[index]
    for key in ("outcome", "category", "answer", "citations", "index_version"):
        assert done[key] == plain[key]
    assert events[0][1]["outcome"] == plain["outcome"]  # type: ignore[index]


def test_documents_need_a_staff_key(client: TestClient) -> None:
    assert client.get("/v1/documents").status_code == 401
    assert client.get("/v1/documents", headers=_auth("wrong")).status_code == 401
    r = client.get("/v1/documents", headers={"X-API-Key": STAFF})
    assert r.status_code == 200
    docs = r.json()["documents"]
    assert len(docs) >= 15 and all(d["served"] and d["chunks"] > 0 for d in docs)


def test_reindex_needs_an_admin_key(client: TestClient) -> None:
    assert client.post("/v1/admin/reindex").status_code == 401
    r = client.post("/v1/admin/reindex", headers=_auth(STAFF))
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    r = client.post("/v1/admin/reindex", headers=_auth(ADMIN))
    assert r.status_code == 200 and r.json()["unchanged"] >= 15 and r.json()["added"] == []


def test_passages(client: TestClient) -> None:
    cite = client.post("/v1/ask", json={"question": QUESTION}).json()["citations"][0]
    r = client.get(f"/v1/passages/{cite['chunk_id']}")
    assert r.status_code == 200 and r.json()["passage"] == cite["passage"]
    missing = client.get("/v1/passages/nope:0123456789:0123456789ab")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "passage_not_found"
    assert client.get("/v1/passages/..%2F..%2Fetc").status_code in (404, 422)


def test_feedback(client: TestClient) -> None:
    rid = client.post("/v1/ask", json={"question": QUESTION}).json()["request_id"]
    r = client.post("/v1/feedback", json={"request_id": rid, "rating": "up", "reason": "helpful"})
    assert r.status_code == 201
    bad = client.post("/v1/feedback", json={"request_id": rid, "rating": "up", "comment": "free text"})
    assert bad.status_code == 422
    assert 'cited_feedback_total{rating="up"} 1.0' in client.get("/metrics").text


def test_cors_allowlist(client: TestClient) -> None:
    pre = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    ok = client.options("/v1/ask", headers={"Origin": "http://localhost:8000", **pre})
    assert ok.headers.get("access-control-allow-origin") == "http://localhost:8000"
    assert "access-control-allow-credentials" not in ok.headers
    bad = client.options("/v1/ask", headers={"Origin": "https://evil.example", **pre})
    assert "access-control-allow-origin" not in bad.headers


def test_rate_limit_returns_429_with_retry_after(indexed: tuple[Settings, FakeEmbedder]) -> None:
    s, emb = indexed
    limited = s.model_copy(update={"rate_limit": "3/minute"})
    with TestClient(create_app(limited, embedder=emb, configure_logs=False)) as c:
        codes = [c.post("/v1/ask", json={"question": QUESTION}).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        r = c.post("/v1/ask", json={"question": QUESTION})
        assert int(r.headers["Retry-After"]) >= 1 and r.json()["error"]["code"] == "rate_limited"
        # a spoofed X-Forwarded-For from an untrusted peer does not buy a fresh quota
        assert c.post("/v1/ask", json={"question": QUESTION},
                      headers={"X-Forwarded-For": "203.0.113.9"}).status_code == 429
        assert c.get("/healthz").status_code == 200


def test_forwarded_for_is_trusted_only_from_configured_proxies(indexed: tuple[Settings, FakeEmbedder]) -> None:
    s, emb = indexed
    proxied = s.model_copy(update={"rate_limit": "1/minute", "trusted_proxies": ["testclient"]})
    with TestClient(create_app(proxied, embedder=emb, configure_logs=False)) as c:
        first = c.post("/v1/ask", json={"question": QUESTION}, headers={"X-Forwarded-For": "198.51.100.1"})
        second = c.post("/v1/ask", json={"question": QUESTION}, headers={"X-Forwarded-For": "198.51.100.2"})
        again = c.post("/v1/ask", json={"question": QUESTION}, headers={"X-Forwarded-For": "198.51.100.1"})
        assert (first.status_code, second.status_code, again.status_code) == (200, 200, 429)


def test_docs_switch_off_in_production(indexed: tuple[Settings, FakeEmbedder]) -> None:
    s, emb = indexed
    with TestClient(create_app(s, embedder=emb, configure_logs=False)) as c:
        assert c.get("/openapi.json").status_code == 200
    prod = s.model_copy(update={"environment": "production"})
    with TestClient(create_app(prod, embedder=emb, configure_logs=False)) as c:
        assert c.get("/docs").status_code == 404 and c.get("/openapi.json").status_code == 404


def test_not_ready_without_an_index(tmp_path: Path) -> None:
    s = _settings(tmp_path)
    with TestClient(create_app(s, embedder=FakeEmbedder(), configure_logs=False)) as c:
        assert c.get("/healthz").status_code == 200
        assert c.get("/readyz").status_code == 503
        r = c.post("/v1/ask", json={"question": QUESTION})
        assert r.status_code == 503 and r.json()["error"]["code"] == "index_unavailable"
        assert "Retry-After" in r.headers
        crisis = c.post("/v1/ask", json={"question": "i'm going to overdose on my pills tonight"})
        assert crisis.status_code == 200 and crisis.json()["outcome"] == "crisis"
        assert c.post("/v1/ask", json={"question": "how much ketamine can i take"}).json()["outcome"] == "refused"


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(JsonFormatter())
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


def test_canary_patient_details_never_reach_logs_metrics_or_disk(tmp_path: Path) -> None:
    canary = "Zebulon Quartermaine-Vexley"
    dob, mrn = "1957-03-14", "MRN-88412977"
    s = _settings(tmp_path)
    emb = FakeEmbedder()
    run_ingest(s, embedder=emb)
    cap = _Capture()
    logging.getLogger().addHandler(cap)
    logging.getLogger().setLevel(logging.DEBUG)
    try:
        with TestClient(create_app(s, embedder=emb, configure_logs=False)) as c:
            text = f"I am {canary}, born {dob}, record {mrn}. What are the side effects of ketamine?"
            for q in (text, f"{canary} how many mg should I take", f"{canary} wants to kill himself",
                      f"{canary} {dob} {mrn} what is the capital of Peru"):
                c.post("/v1/ask", json={"question": q, "conversation_id": "conv1"})
                c.post("/v1/ask/stream", json={"question": q})
            c.post("/v1/ask", json={"question": text * 30})
            c.post("/v1/feedback", json={"request_id": "0" * 32, "rating": "down", "reason": canary})
            c.get(f"/v1/passages/{canary}")
            c.get("/v1/documents", headers=_auth(canary))
            c.post("/v1/admin/reindex", headers=_auth(ADMIN))
            metrics = c.get("/metrics").text
    finally:
        logging.getLogger().removeHandler(cap)
    assert cap.lines, "the app logged nothing"
    logs = "\n".join(cap.lines)
    for secret in (canary, dob, mrn, "Zebulon", STAFF, ADMIN):
        assert secret not in logs and secret not in metrics
    for path in s.data_dir.rglob("*"):
        if path.is_file():
            blob = path.read_bytes()
            assert canary.encode() not in blob and mrn.encode() not in blob, path
