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
