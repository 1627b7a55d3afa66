"""`fiches …`: a thin command-line layer over the library functions.

``fiches serve`` starts the server and nothing else: the ingest stack (parsers, crawler, network client) and
rich (progress bars, tables) are imported by the commands that use them, when they run.
"""

from __future__ import annotations

import importlib
import json
import logging
import sys
from functools import cache
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

from app.domain.collector import paused

with paused():  # the modules' objects live as long as the process: nothing to collect while they load
    import typer
    import uvicorn
    from sqlalchemy.exc import InterfaceError, OperationalError

    from app.api.logs import log_config as json_log_config
    from app.domain.errors import FichesError, StoreUnavailable, UnusableInput
    from app.services.documents import import_with_documents
    from app.services.imports import catch_up_index
    from app.services.runtime import Runtime
    from ingest.export import export_csv, export_json

if TYPE_CHECKING:
    from rich.console import Console

    from ingest.importer import ImportReport

app = typer.Typer(help="Fiches actions des centres sociaux : import, index, recherche.", no_args_is_help=True)
# Exit codes of `fiches import`: 0 clean, 1 some fiches rejected, 2 unusable input, 3 infrastructure failure.
INFRASTRUCTURE = 3


@cache
def console() -> Console:
    """The error stream, with rich's colours (made on first use: ``serve`` does without rich)."""
    from rich.console import Console  # noqa: PLC0415 - see the module's docstring

    return Console(stderr=True)


def _first_line(error: BaseException) -> str:
    return str(getattr(error, "orig", None) or error).strip().split("\n", 1)[0][:200]


def _runtime() -> Runtime:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    return Runtime()


@app.command("import")
def import_cmd(
    paths: Annotated[list[str] | None, typer.Argument(help="Fichiers, dossiers, motifs (*.txt) ou URL http(s).")] = None,
    crawl: Annotated[str | None, typer.Option(
        "--crawl", help="Suivre page à page une liste SENACS (fiches ou structures) depuis cette URL ; les pages "
                        "lues sont gardées (FICHES_CRAWL_CACHE_DIR) : relancer reprend sans tout retélécharger.",
    )] = None,
    batch_size: Annotated[int | None, typer.Option(help="Fiches par transaction (par défaut : FICHES_BATCH_SIZE).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Sans barre de progression.")] = False,
    json_report: Annotated[bool, typer.Option("--json", help="Rapport en JSON sur la sortie standard.")] = False,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", min=1, help=(
        "Processus qui lisent les fichiers en parallèle (par défaut : un par cœur) ; même résultat qu'avec 1."))] = None,
) -> None:
    """Importer des fiches (texte SENACS, pages catalogue, ancien format, HTML, exports JSON/CSV)."""
    # the ingest stack and rich's progress bar, for this command only (see the module's docstring)
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn  # noqa: PLC0415

    from ingest.crawl import Crawler, crawl_options  # noqa: PLC0415
    from ingest.fetch import Fetcher  # noqa: PLC0415
    from ingest.pipeline import default_jobs  # noqa: PLC0415
    from ingest.sources import expand, iter_sources  # noqa: PLC0415

    try:
        with _runtime() as runtime, Progress(
            TextColumn("[bold]Import"), BarColumn(), TextColumn("{task.completed} fiches"), TimeElapsedColumn(),
            console=console(), disable=quiet or json_report, transient=False,
            auto_refresh=False,  # no drawing thread: the parsing processes are forked from this one
        ) as progress:
            runtime.migrate()
            task = progress.add_task("import", total=None)
            fetcher = Fetcher(allow_private=runtime.settings.allow_private_urls)
            if not paths and not crawl:
                raise UnusableInput("Rien à importer : indiquez des fichiers, des URL ou --crawl URL.")
            names = expand(list(paths or []))  # raises before anything is read

            def advance(count: int) -> None:
                progress.advance(task, count)
                progress.refresh()

            sources = iter_sources(names, fetcher=fetcher)
            workers = jobs or default_jobs()
            crawler = None
            if crawl:
                crawler = Crawler(runtime.settings.crawl_cache_dir, crawl_options(runtime.settings))
                sources = chain(sources, crawler.pages(crawl))
            else:
                workers = min(workers, len(names))  # never more parsing processes than files
            try:
                report, documents = import_with_documents(runtime, sources, batch_size, on_batch=advance,
                                                          jobs=workers)
            finally:
                if crawler is not None:
                    crawler.close()
            index_error = catch_up_index(runtime)
    except StoreUnavailable as exc:
        console().print(f"[red]Erreur d'infrastructure :[/red] {exc.message}")
        raise typer.Exit(INFRASTRUCTURE) from exc
    except (OperationalError, InterfaceError) as exc:
        console().print(f"[red]Erreur d'infrastructure :[/red] base de données inaccessible ({_first_line(exc)}).")
        raise typer.Exit(INFRASTRUCTURE) from exc
    except OSError as exc:
        console().print(f"[red]Erreur d'infrastructure :[/red] base ou index inaccessible ({exc}).")
        raise typer.Exit(INFRASTRUCTURE) from exc
    except FichesError as exc:
        console().print(f"[red]Erreur :[/red] {exc.message}")
        raise typer.Exit(2) from exc
    if json_report:
        print(json.dumps({**report.as_dict(), "index_error": index_error, "documents": documents.stored},
                         ensure_ascii=False, indent=1))
    else:
        _print_report(report)
        if documents.stored:
            console().print(f"Projets sociaux et plans fédéraux : {documents.created} créé(s), {documents.updated} "
                            f"mis à jour, {documents.unchanged} inchangé(s).")
        if crawler is not None:
            stats = crawler.stats
            console().print(f"Exploration : {stats.fetched} page(s) téléchargée(s), {stats.from_cache} relue(s) du "
                            f"cache, {stats.retries} nouvel(s) essai(s), {len(stats.skipped)} ignorée(s).")
            for item in stats.skipped[:20]:
                console().print(f"[yellow]Ignorée :[/yellow] {item}")
    if index_error:
        console().print(f"[red]Erreur d'infrastructure :[/red] index inaccessible ({index_error}). Les fiches sont "
                        "enregistrées ; relancez « fiches reindex » une fois le disque réparé.")
        raise typer.Exit(INFRASTRUCTURE)
    raise typer.Exit(report.exit_code)


def _print_report(report: ImportReport) -> None:
    from rich.table import Table  # noqa: PLC0415 - see the module's docstring

    table = Table(title="Résumé de l'import", show_header=False)
    for label, value in (("Créées", report.created), ("Mises à jour", report.updated),
                         ("Inchangées", report.unchanged), ("Rejetées", report.rejected),
                         ("Doublons regroupés", report.duplicates_grouped)):
        table.add_row(label, str(value))
    console().print(table)
    if report.structures:
        console().print("Structures : {created} créée(s), {updated} mise(s) à jour, {unchanged} inchangée(s), "
                        "{fiches_linked} fiche(s) reliée(s).".format(**report.structures))
    for item in report.unusable:
        console().print(f"[red]Illisible :[/red] {item}")
    for rejection in report.rejections[:50]:
        console().print(f"[yellow]Rejetée :[/yellow] {rejection}")
    if len(report.rejections) > 50:
        console().print(f"… et {len(report.rejections) - 50} autres rejets.")
    if report.warnings:
        console().print(f"{len(report.warnings)} avertissement(s) : relancez avec --json pour la liste.")


@app.command("export")
def export_cmd(
    fmt: Annotated[str, typer.Option("--format", "-f", help="json ou csv")] = "json",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Fichier (par défaut : sortie standard).")] = None,
) -> None:
    """Exporter toutes les fiches en JSON ou en CSV (réimportables)."""
    if fmt not in ("json", "csv"):
        console().print("[red]Erreur :[/red] --format doit valoir json ou csv.")
        raise typer.Exit(2)
    writer = export_json if fmt == "json" else export_csv
    with _runtime() as runtime:
        runtime.migrate()
        fiches = (f.model_dump() for f in runtime.store.iter_live())
        if output:
            with output.open("w", encoding="utf-8", newline="") as fp:
                writer(fiches, fp)
        else:
            writer(fiches, sys.stdout)


@app.command()
def reindex() -> None:
    """Reconstruire l'index de recherche depuis la base (dans un nouveau dossier, puis bascule)."""
    with _runtime() as runtime:
        runtime.migrate()
        runtime.search.rebuild()
        console().print(f"Index reconstruit : {runtime.store.count()} fiches.")


@app.command()
def check() -> None:
    """Vérifier l'index (sommes de contrôle, ids face à la base) ; un index endommagé est reconstruit."""
    with _runtime() as runtime:
        runtime.migrate()
        result = runtime.search.check()
        if result["problem"] is None and not result["missing_in_index"] and not result["missing_in_store"]:
            console().print("Index et base concordent.")
            return
        if result["problem"] is not None:
            console().print(f"[yellow]Index endommagé :[/yellow] {result['problem']}")
        for label, ids in (("Absentes de l'index", result["missing_in_index"]),
                           ("Absentes de la base", result["missing_in_store"])):
            if ids:
                console().print(f"{label} : {len(ids)} {' '.join(ids[:20])}")
        count = runtime.search.rebuild()
        console().print(f"Index reconstruit depuis la base dans une nouvelle génération : {count} fiches.")
    raise typer.Exit(1)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Adresse d'écoute.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    workers: Annotated[int, typer.Option(help="Processus serveurs (un seul écrit l'index, les autres le lisent).")] = 1,
    worker_timeout: Annotated[int, typer.Option(
        help="Secondes sans réponse avant qu'un processus serveur soit tenu pour bloqué et remplacé.")] = 60,
    access_log: Annotated[bool, typer.Option(help="Journal de chaque requête.")] = True,
    keep_alive: Annotated[int, typer.Option(
        help="Secondes de maintien d'une connexion inactive (derrière nginx : plus que son keepalive_timeout).")] = 5,
) -> None:
    """Servir le catalogue (API et page de recherche). Importe les fiches d'exemple au premier démarrage."""
    typer.echo(f"Catalogue sur http://{host}:{port}/", err=True)
    # every worker process logs in JSON with the request id (uvicorn configures logging in each of them);
    # a long index catch-up holds the GIL for a while: the supervisor must not take it for a hang
    if workers == 1:  # served from this process: the app's modules load with the collector paused too
        with paused():
            importlib.import_module("app.main")
    uvicorn.run("app.main:create_served_app", factory=True, host=host, port=port, workers=workers,
                log_config=json_log_config(), timeout_worker_healthcheck=worker_timeout, access_log=access_log,
                timeout_keep_alive=keep_alive)


@app.command("db-upgrade")
def db_upgrade() -> None:
    """Appliquer les migrations de la base (Alembic)."""
    with _runtime() as runtime:
        runtime.migrate()
        console().print("Base à jour.")


if __name__ == "__main__":
    app()
