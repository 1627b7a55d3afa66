"""`fiches …`: a thin command-line layer over the library functions."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Annotated

import typer
import uvicorn
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy.exc import InterfaceError, OperationalError

from app.domain.errors import FichesError, StoreUnavailable
from app.services.runtime import Runtime
from ingest.export import export_csv, export_json
from ingest.importer import ImportReport, import_paths

app = typer.Typer(help="Fiches actions des centres sociaux : import, index, recherche.", no_args_is_help=True)
console = Console(stderr=True)
# Exit codes of `fiches import`: 0 clean, 1 some fiches rejected, 2 unusable input, 3 infrastructure failure.
INFRASTRUCTURE = 3


def _first_line(error: BaseException) -> str:
    return str(getattr(error, "orig", None) or error).strip().split("\n", 1)[0][:200]


def _runtime() -> Runtime:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    return Runtime()


@app.command("import")
def import_cmd(
    paths: Annotated[list[str], typer.Argument(help="Fichiers, dossiers, motifs (*.txt) ou URL http(s).")],
    batch_size: Annotated[int | None, typer.Option(help="Fiches par transaction (par défaut : FICHES_BATCH_SIZE).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Sans barre de progression.")] = False,
    json_report: Annotated[bool, typer.Option("--json", help="Rapport en JSON sur la sortie standard.")] = False,
) -> None:
    """Importer des fiches (texte SENACS, pages catalogue, ancien format, HTML, exports JSON/CSV)."""
    try:
        with _runtime() as runtime, Progress(
            TextColumn("[bold]Import"), BarColumn(), TextColumn("{task.completed} fiches"), TimeElapsedColumn(),
            console=console, disable=quiet or json_report, transient=False,
        ) as progress:
            runtime.migrate()
            task = progress.add_task("import", total=None)
            report = import_paths(paths, runtime.store, batch_size=batch_size or runtime.settings.batch_size,
                                  on_batch=lambda n: progress.advance(task, n))
            runtime.search.sync()
    except StoreUnavailable as exc:
        console.print(f"[red]Erreur d'infrastructure :[/red] {exc.message}")
        raise typer.Exit(INFRASTRUCTURE) from exc
    except (OperationalError, InterfaceError) as exc:
        console.print(f"[red]Erreur d'infrastructure :[/red] base de données inaccessible ({_first_line(exc)}).")
        raise typer.Exit(INFRASTRUCTURE) from exc
    except OSError as exc:
        console.print(f"[red]Erreur d'infrastructure :[/red] base ou index inaccessible ({exc}).")
        raise typer.Exit(INFRASTRUCTURE) from exc
    except FichesError as exc:
        console.print(f"[red]Erreur :[/red] {exc.message}")
        raise typer.Exit(2) from exc
    if json_report:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=1))
    else:
        _print_report(report)
    raise typer.Exit(report.exit_code)


def _print_report(report: ImportReport) -> None:
    table = Table(title="Résumé de l'import", show_header=False)
    for label, value in (("Créées", report.created), ("Mises à jour", report.updated),
                         ("Inchangées", report.unchanged), ("Rejetées", report.rejected),
                         ("Doublons regroupés", report.duplicates_grouped)):
        table.add_row(label, str(value))
    console.print(table)
    for item in report.unusable:
        console.print(f"[red]Illisible :[/red] {item}")
    for rejection in report.rejections[:50]:
        console.print(f"[yellow]Rejetée :[/yellow] {rejection}")
    if len(report.rejections) > 50:
        console.print(f"… et {len(report.rejections) - 50} autres rejets.")
    if report.warnings:
        console.print(f"{len(report.warnings)} avertissement(s) : relancez avec --json pour la liste.")


@app.command("export")
def export_cmd(
    fmt: Annotated[str, typer.Option("--format", "-f", help="json ou csv")] = "json",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Fichier (par défaut : sortie standard).")] = None,
) -> None:
    """Exporter toutes les fiches en JSON ou en CSV (réimportables)."""
    if fmt not in ("json", "csv"):
        console.print("[red]Erreur :[/red] --format doit valoir json ou csv.")
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
        console.print(f"Index reconstruit : {runtime.store.count()} fiches.")


@app.command()
def check() -> None:
    """Vérifier que l'index et la base contiennent les mêmes fiches."""
    with _runtime() as runtime:
        runtime.migrate()
        result = runtime.search.check()
    missing_index, missing_store = result["missing_in_index"], result["missing_in_store"]
    if not missing_index and not missing_store:
        console.print("Index et base concordent.")
        return
    console.print(f"Absentes de l'index : {len(missing_index)} {' '.join(missing_index[:20])}")
    console.print(f"Absentes de la base : {len(missing_store)} {' '.join(missing_store[:20])}")
    console.print("Corrigez avec : fiches reindex")
    raise typer.Exit(1)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Adresse d'écoute.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    workers: Annotated[int, typer.Option(help="Processus serveurs.")] = 1,
) -> None:
    """Servir le catalogue (API et page de recherche). Importe les fiches d'exemple au premier démarrage."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    console.print(f"Catalogue sur http://{host}:{port}/")
    uvicorn.run("app.main:create_app", factory=True, host=host, port=port, workers=workers)


@app.command("db-upgrade")
def db_upgrade() -> None:
    """Appliquer les migrations de la base (Alembic)."""
    with _runtime() as runtime:
        runtime.migrate()
        console.print("Base à jour.")


if __name__ == "__main__":
    app()
