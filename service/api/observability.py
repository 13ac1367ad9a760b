"""Structured JSON logs and Prometheus metrics; neither ever holds a question or an answer."""

from __future__ import annotations

import json
import logging
import sys
import time
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

# Only these attributes of a log record are written: a new field must be added here on purpose.
LOG_FIELDS = ("request_id", "route", "method", "status", "latency_ms", "outcome", "category", "cited_doc_ids",
              "index_version", "error_type", "chunks", "documents")


class JsonFormatter(logging.Formatter):
    """One JSON object per line with an allowlist of fields."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage() if record.name.startswith("cited") else "library message",
        }
        for key in LOG_FIELDS:
            if hasattr(record, key):
                out[key] = getattr(record, key)
        return json.dumps(out, default=str)


def configure_logging(level: str) -> None:
    """Send every log record through the JSON formatter on stderr."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("uvicorn.access", "chromadb", "httpx", "sentence_transformers", "transformers"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


class Metrics:
    """The app's Prometheus metrics, in a registry of its own (one per app, so tests stay isolated)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("cited_requests_total", "HTTP requests", ["route", "method", "status"],
                                registry=self.registry)
        self.latency = Histogram("cited_request_seconds", "HTTP request latency", ["route"], registry=self.registry,
                                 buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
        self.answers = Counter("cited_answers_total", "Answers by outcome", ["outcome", "category"],
                               registry=self.registry)
        self.feedback = Counter("cited_feedback_total", "Feedback by rating", ["rating"], registry=self.registry)
        self.index = Gauge("cited_index_info", "Served index version (value 1)", ["index_version"],
                           registry=self.registry)
        self._version = ""

    def set_index_version(self, version: str) -> None:
        """Expose the served index version."""
        if version and version != self._version:
            if self._version:
                self.index.remove(self._version)
            self.index.labels(index_version=version).set(1)
            self._version = version
