"""The plain LangChain retrieval pipeline compared against: langchain-chroma + HuggingFaceEmbeddings, k=5."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

K = 5
COLLECTION = "langchain-baseline"


def retriever(persist_dir: Path, model_path: str) -> Any:
    """A LangChain retriever (as_retriever, k=5) over a persistent Chroma collection."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    from langchain_chroma import Chroma
    from langchain_huggingface import HuggingFaceEmbeddings

    client = chromadb.PersistentClient(path=str(persist_dir), settings=ChromaSettings(anonymized_telemetry=False))
    store = Chroma(collection_name=COLLECTION, embedding_function=HuggingFaceEmbeddings(model_name=model_path),
                   client=client)
    return store.as_retriever(search_kwargs={"k": K})


def index(ret: Any, texts: Sequence[str], metadatas: Sequence[dict[str, Any]], ids: Sequence[str]) -> None:
    """Add the chunks through LangChain (it embeds them with HuggingFaceEmbeddings), unless already there."""
    store = ret.vectorstore
    if store._collection.count() >= len(ids):
        return
    for i in range(0, len(ids), 256):
        store.add_texts(list(texts[i:i + 256]), metadatas=list(metadatas[i:i + 256]), ids=list(ids[i:i + 256]))


def write_chunks(path: Path, texts: Sequence[str], metadatas: Sequence[dict[str, Any]], ids: Sequence[str]) -> None:
    """Chunks as JSON lines, for the baseline server to index at startup."""
    with path.open("w", encoding="utf-8") as f:
        for t, m, i in zip(texts, metadatas, ids):
            f.write(json.dumps({"id": i, "text": t, "metadata": m}) + "\n")


def read_chunks(path: Path) -> tuple[list[str], list[dict[str, Any]], list[str]]:
    """The chunks written by write_chunks."""
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    return [r["text"] for r in rows], [r["metadata"] for r in rows], [r["id"] for r in rows]
