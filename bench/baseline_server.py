"""A naive FastAPI + LangChain server: POST /v1/ask runs the LangChain retriever and returns the top passages.

Usage: python bench/baseline_server.py --data-dir DIR --chunks chunks.jsonl --port 8001 (binds 127.0.0.1 only)
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import langchain_baseline
import uvicorn
from fastapi import FastAPI
from pydantic import BaseModel


class AskBody(BaseModel):
    """The question, as Cited's API takes it."""

    question: str


def create_app(data_dir: Path, chunks: Path, model_path: str) -> FastAPI:
    """The app; the chunks are embedded and indexed through LangChain at startup when the store is empty."""
    ret = langchain_baseline.retriever(data_dir, model_path)
    langchain_baseline.index(ret, *langchain_baseline.read_chunks(chunks))
    app = FastAPI(title="LangChain baseline")

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/v1/ask")
    def ask(body: AskBody) -> dict[str, Any]:
        docs = ret.invoke(body.question)
        return {"passages": [{"text": d.page_content, "metadata": d.metadata} for d in docs]}

    return app


def main() -> None:
    """Serve on 127.0.0.1 with the same uvicorn options as `cited serve`."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data-dir", type=Path, required=True)
    ap.add_argument("--chunks", type=Path, required=True)
    ap.add_argument("--port", type=int, default=8001)
    ap.add_argument("--model", default=None, help="sentence-transformers model dir; default: Cited's packaged MiniLM")
    args = ap.parse_args()
    if args.model is None:
        from service.settings import Settings

        args.model = Settings().resolved_model_path()
    uvicorn.run(create_app(args.data_dir, args.chunks, args.model), host="127.0.0.1", port=args.port,
                log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
