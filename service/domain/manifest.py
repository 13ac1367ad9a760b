"""The manifest: which document versions the index serves. Writing it is the commit point."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field


@dataclass
class DocEntry:
    """One served document version."""

    doc_id: str
    source_path: str
    doc_hash: str
    title: str
    version: str
    chunk_count: int
    meta: dict[str, str] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)


@dataclass
class Manifest:
    """Documents, versions, hashes and the embedding model of one index state."""

    model: str
    chunk_collection: str
    sentence_collection: str
    documents: dict[str, DocEntry] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)  # file name -> reason
    approvals: dict[str, str] = field(default_factory=dict)  # doc_id -> approved doc_hash
    gc_pending: bool = False
    updated_at: str = ""

    @property
    def index_version(self) -> str:
        """Deterministic id of the served state: same documents and model, same version."""
        h = hashlib.sha256(self.model.encode())
        for doc_id in sorted(self.documents):
            h.update(f"{doc_id}={self.documents[doc_id].doc_hash};".encode())
        for doc_id in sorted(self.approvals):
            h.update(f"ok:{doc_id}={self.approvals[doc_id]};".encode())
        return h.hexdigest()[:16]

    def is_served(self, doc_id: str, doc_hash: str) -> bool:
        """Whether a chunk of this document version may be shown to users."""
        entry = self.documents.get(doc_id)
        if entry is None or entry.doc_hash != doc_hash:
            return False
        return not entry.flags or self.approvals.get(doc_id) == doc_hash

    def served_docs(self) -> dict[str, DocEntry]:
        """Documents whose chunks may be shown."""
        return {d: e for d, e in self.documents.items() if self.is_served(d, e.doc_hash)}

    def to_json(self) -> str:
        """Serialize for storage in the vector store."""
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, raw: str) -> Manifest:
        """Parse a stored manifest."""
        data = json.loads(raw)
        docs = {k: DocEntry(**v) for k, v in data.pop("documents", {}).items()}
        return cls(documents=docs, **data)
