"""The `cited` command line: ingest, status, search, ask, serve."""

from __future__ import annotations

import json
import logging
import os
import sys

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ._exceptions import CitedError
from .settings import Settings

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Cited: answers only from cited passages.")
console = Console(stderr=True)


def _settings() -> Settings:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    logging.getLogger("chromadb").setLevel(logging.ERROR)
    return Settings()


def _fail(exc: CitedError) -> None:
    console.print(f"[red]error:[/red] {exc}")
    raise typer.Exit(code=2)


@app.command()
def ingest() -> None:
    """Bring the index in line with the corpus directory (new, changed, removed documents)."""
    from .runtime import run_ingest

    settings = _settings()
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  TimeElapsedColumn(), console=console, transient=True) as bar:
        task = bar.add_task("embedding", total=None)

        def progress(stage: str, done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        try:
            report = run_ingest(settings, progress)
        except CitedError as exc:
            _fail(exc)
            return
    table = Table(title=f"Ingest of {settings.corpus_dir} ({report.seconds:.1f} s)")
    for col in ("", "documents"):
        table.add_column(col)
    for name in ("added", "updated", "removed", "unchanged", "flagged"):
        items = getattr(report, name)
        table.add_row(name, f"{len(items)}" + (f"  {', '.join(items[:8])}" if items and name != "unchanged" else ""))
    table.add_row("skipped", str(len(report.skipped)))
    Console().print(table)
    for name, why in report.skipped.items():
        console.print(f"[yellow]skipped[/yellow] {name}: {why}")
    console.print(f"chunks: {report.chunks_total} served, {report.chunks_written} written, "
                  f"{report.chunks_embedded} embedded; index version {report.index_version}")


@app.command()
def status(as_json: bool = typer.Option(False, "--json", help="machine-readable output")) -> None:
    """Index version, counts, model, flagged and skipped files."""
    from .runtime import build_store

    try:
        manifest = build_store(_settings()).read_manifest()
    except CitedError as exc:
        _fail(exc)
        return
    if manifest is None:
        console.print("no index yet: run `cited ingest`")
        raise typer.Exit(code=1)
    served = manifest.served_docs()
    info = {
        "index_version": manifest.index_version, "model": manifest.model, "updated_at": manifest.updated_at,
        "documents": len(manifest.documents), "served_documents": len(served),
        "chunks": sum(e.chunk_count for e in served.values()),
        "flagged": {d: e.flags for d, e in manifest.documents.items() if d not in served},
        "skipped": manifest.skipped, "gc_pending": manifest.gc_pending,
    }
    if as_json:
        print(json.dumps(info, indent=2))
        return
    for key, value in info.items():
        Console().print(f"[bold]{key}[/bold]: {value}")


def _engine():  # noqa: ANN202 - the Engine type is imported lazily to keep `cited --help` fast
    from .adapters.llm import build_chat_model
    from .answering.conversation import ConversationMemory
    from .answering.engine import Engine
    from .runtime import build_embedder, build_store

    settings = _settings()
    return Engine(settings, build_store(settings), build_embedder(settings),
                  ConversationMemory(settings.conversation_ttl_seconds), build_chat_model(settings))


@app.command()
def search(query: str, k: int = typer.Option(5, min=1, max=50)) -> None:
    """Top passages for a query, with fused and dense scores (hybrid retrieval, no triage)."""
    try:
        results = _engine().retriever.search(query, k=k)
    except CitedError as exc:
        _fail(exc)
        return
    table = Table(show_lines=True)
    for col in ("#", "rrf", "dense", "document / section", "passage"):
        table.add_column(col)
    for i, r in enumerate(results, start=1):
        dense = f"{r.dense_similarity:.3f}" if r.dense_similarity is not None else "-"
        table.add_row(str(i), f"{r.score:.4f}", dense, f"{r.hit.meta.get('doc_id')}\n{r.hit.meta.get('section')}",
                      r.hit.text[:300])
    Console().print(table)


@app.command()
def ask(question: str, as_json: bool = typer.Option(False, "--json", help="the full answer contract"),
        debug: bool = typer.Option(False, help="include the decision trail")) -> None:
    """Answer a question exactly as the API would."""
    from .answering.engine import answer_question

    try:
        answer = answer_question(_engine(), question)
    except CitedError as exc:
        _fail(exc)
        return
    if not debug:
        answer.debug = None
    if as_json:
        print(answer.model_dump_json(indent=2))
        return
    Console().print(f"[bold]{answer.outcome}[/bold]" + (f" ({answer.category})" if answer.category else ""))
    Console().print(answer.answer)
    for c in answer.citations:
        Console().print(f"  [{c.n}] {c.title} — {c.section} (v{c.version}) {c.chunk_id}")


@app.command()
def approve(document_id: str) -> None:
    """Approve a flagged document's current version for serving."""
    from .ingest.lock import writer_lock
    from .runtime import build_store

    settings = _settings()
    with writer_lock(settings.data_dir):
        store = build_store(settings)
        manifest = store.read_manifest()
        entry = manifest.documents.get(document_id) if manifest else None
        if manifest is None or entry is None:
            console.print(f"[red]error:[/red] no document {document_id!r} in the index")
            raise typer.Exit(code=2)
        manifest.approvals[document_id] = entry.doc_hash
        store.write_manifest(manifest)
    console.print(f"approved {document_id} (flags: {', '.join(entry.flags) or 'none'}); "
                  f"index version {manifest.index_version}")


@app.command("eval")
def eval_(split: str = typer.Option("test", help="test, dev or all"),
          report: str = typer.Option("reports/eval", help="directory for report.json and report.html"),
          url: str = typer.Option(None, help="evaluate a running server instead of this process"),
          api_key: str = typer.Option(None, envvar="CITED_EVAL_API_KEY", help="staff key for --url"),
          evals_dir: str = typer.Option("evals", help="golden.jsonl, safety/, thresholds.toml, baseline.json"),
          write_baseline: bool = typer.Option(False, help="store this run's metrics as the new baseline")) -> None:
    """Citation fidelity, refusals, crisis handling and retrieval on the eval sets; non-zero exit when a
    threshold in evals/thresholds.toml is broken."""
    import json as _json
    from pathlib import Path

    from .evaluation.datasets import load_cases
    from .evaluation.html_report import render
    from .evaluation.runner import evaluate
    from .evaluation.targets import EngineTarget, HttpTarget, Target

    folder = Path(evals_dir)
    cases = load_cases(folder, split)
    if not cases:
        console.print(f"[red]error:[/red] no eval cases for split {split!r} in {folder}")
        raise typer.Exit(code=2)
    target: Target
    if url:
        target = HttpTarget(url, api_key)
    else:
        from .runtime import run_ingest

        run_ingest(_settings())
        target = EngineTarget(_engine())
    with Progress(TextColumn("eval"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  TimeElapsedColumn(), console=console, transient=True) as bar:
        task = bar.add_task("eval", total=len(cases))
        result, broken = evaluate(cases, target, folder / "thresholds.toml", folder / "baseline.json",
                                  lambda n: bar.update(task, completed=n))
    out = Path(report)
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(_json.dumps(result, indent=2), "utf-8")
    (out / "report.html").write_text(render(result, f"Cited eval ({split} split)"), "utf-8")
    if write_baseline:
        (folder / "baseline.json").write_text(_json.dumps({"split": split, "metrics": result["metrics"]},
                                                          indent=2) + "\n", "utf-8")
    table = Table(title=f"Cited eval, {split} split, {len(cases)} cases")
    for col in ("metric", "value", "baseline", "change"):
        table.add_column(col)
    for name, row in result["comparison"].items():
        table.add_row(name, f"{row['value']:.4f}", "" if row["baseline"] is None else f"{row['baseline']:.4f}",
                      "" if row["delta"] is None else f"{row['delta']:+.4f}")
    Console().print(table)
    Console().print(f"failures: {len(result['failures'])}; report: {out / 'report.html'}")
    if broken:
        console.print("[red]thresholds broken:[/red]\n  " + "\n  ".join(broken))
        raise typer.Exit(code=1)


@app.command("new-key")
def new_key(role: str = typer.Option("staff", help="staff or admin")) -> None:
    """Create an API key; prints the key once and the hash to put in CITED_STAFF/ADMIN_KEY_HASHES."""
    from .api.security import hash_key
    from .api.security import new_key as make

    key = make()
    print(f"key:  {key}\nhash: {hash_key(key)}\nset:  CITED_{role.upper()}_KEY_HASHES='[\"{hash_key(key)}\"]'")


@app.command()
def serve(host: str = typer.Option(None, help="bind address"), port: int = typer.Option(None)) -> None:
    """Serve the HTTP API and the widget."""
    import uvicorn

    from .api.app import create_app

    settings = _settings()
    uvicorn.run(create_app(settings), host=host or settings.host, port=port or settings.port,
                log_level="warning", access_log=False)


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
