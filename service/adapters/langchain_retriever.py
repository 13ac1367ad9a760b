"""The hybrid retriever as a LangChain BaseRetriever, for staff who build their own chains."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from ..answering.retriever import HybridRetriever


class CitedRetriever(BaseRetriever):
    """Returns served passages with Cited's metadata (document id, title, section, page, version, chunk id)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    retriever: HybridRetriever
    k: int = 5

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        docs = []
        for r in self.retriever.search(query, k=self.k):
            meta: dict[str, Any] = {
                "document_id": r.hit.meta.get("doc_id"), "title": r.hit.meta.get("title"),
                "section": r.hit.meta.get("section"), "version": r.hit.meta.get("version"),
                "url": r.hit.meta.get("url"), "chunk_id": r.hit.chunk_id, "score": r.score,
                "page": None if int(r.hit.meta.get("page", -1)) < 0 else int(r.hit.meta["page"]),
                "index_version": self.retriever.index_version,
            }
            docs.append(Document(page_content=r.hit.text, metadata=meta, id=r.hit.chunk_id))
        return docs
