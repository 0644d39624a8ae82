"""The ``newsfacts`` command: a thin layer of click over the library."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from newsfacts.__about__ import __version__
from newsfacts.build import BuildReport, build, validate
from newsfacts.cache import default_cache_dir
from newsfacts.engines import ENGINES
from newsfacts.ingest import Limits
from newsfacts.ingest.decoding import MAX_BYTES, MAX_DECOMPRESSED_BYTES
from newsfacts.records import BuildError


@click.group()
@click.version_option(__version__, prog_name="newsfacts")
def cli() -> None:
    """newsfacts: turn raw news articles into a validated, versioned data package."""


@cli.command("build")
@click.argument("inputs", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--out",
    "-o",
    default="datapackage",
    show_default=True,
    type=click.Path(path_type=Path),
    help="Folder to write the data package to (datapackage.json and data/). "
    "It is replaced only when the new package is valid.",
)
@click.option("--strict", is_flag=True, help="Fail the build if any input is rejected.")
@click.option(
    "--entities/--no-entities",
    default=True,
    show_default=True,
    help="Run named entity recognition and fact extraction (entities, mentions, facts).",
)
@click.option(
    "--max-bytes",
    default=MAX_BYTES,
    show_default=True,
    type=click.IntRange(min=1),
    help="Larger input files are rejected (too_large) without being read.",
)
@click.option(
    "--max-decompressed-bytes",
    default=MAX_DECOMPRESSED_BYTES,
    show_default=True,
    type=click.IntRange(min=1),
    help="A gzip input that expands beyond this is rejected (too_large).",
)
@click.option(
    "--jobs",
    "-j",
    default=1,
    show_default=True,
    type=click.IntRange(min=1),
    help="Processes for the per-file work (reading, extraction, NER); each loads the model.",
)
@click.option(
    "--engine",
    type=click.Choice(ENGINES),
    default="local",
    show_default=True,
    help="Run the per-file work here (local) or on a Dask distributed cluster (dask).",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    help="The Dask scheduler for --engine dask, e.g. tcp://10.0.0.5:8786.",
)
@click.option(
    "--cache",
    "cache_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=default_cache_dir,
    show_default="$NEWSFACTS_CACHE_DIR or ~/.cache/newsfacts",
    help="Folder of per-file results: unchanged files are not processed again, "
    "and an interrupted build resumes where it stopped.",
)
@click.option("--no-cache", is_flag=True, help="Neither read nor write the cache.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar; print only the summary.")
def build_command(
    inputs: tuple[Path, ...],
    out: Path,
    strict: bool,
    entities: bool,
    max_bytes: int,
    max_decompressed_bytes: int,
    jobs: int,
    engine: str,
    scheduler: str | None,
    cache_dir: Path,
    no_cache: bool,
    quiet: bool,
) -> None:
    """Build a data package from INPUTS: files or folders (searched recursively).

    Each file's format is detected from its content: scraped page text or plain
    article text (.txt), HTML pages (.html, .htm, optionally .gz), JSON and JSON
    Lines records (.json, .jsonl, optionally .gz). Inputs that cannot become an
    article are listed in the rejects table with a reason.

    With no INPUTS, builds the small sample that ships with newsfacts.
    """
    console = Console(stderr=True, quiet=quiet)
    if not inputs:
        console.print("No inputs given: building the sample that ships with newsfacts.")
    try:
        with Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=True,
            disable=quiet,
        ) as bar:
            task = bar.add_task("reading, extracting, recognising", total=None)
            report = build(
                inputs,
                out,
                strict=strict,
                entities=entities,
                limits=Limits(max_bytes, max_decompressed_bytes),
                jobs=jobs,
                engine=engine,
                scheduler=scheduler,
                cache=None if no_cache else cache_dir,
                on_sources=lambda n: bar.update(task, total=n),
                progress=lambda _source: bar.advance(task),
                on_stage=lambda name: bar.update(task, description=name),
            )
    except BuildError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(1)
    _print_summary(report)


def _print_summary(report: BuildReport) -> None:
    console = Console()
    table = Table(title=f"newsfacts build → {report.out}", show_header=False, box=None)
    table.add_row("input files", str(report.files))
    table.add_row("records read", str(report.records))
    table.add_row("articles", str(report.articles))
    table.add_row("duplicates folded", str(report.duplicates))
    reasons = ", ".join(
        f"{reason} {count}" for reason, count in sorted(report.reject_reasons.items())
    )
    table.add_row("rejects", f"{report.rejects}" + (f" ({reasons})" if reasons else ""))
    table.add_row(
        "accounted for",
        f"{report.records} records = {report.articles} articles + {report.duplicates} duplicates"
        f" + {report.rejects - report.file_rejects} record rejects;"
        f" {report.file_rejects} files rejected whole",
    )
    table.add_row("tables", ", ".join(f"{name} {rows}" for name, rows in report.table_rows.items()))
    table.add_row("time", f"{report.seconds:.1f} s")
    if report.cache_hits or report.cache_misses:
        table.add_row(
            "cache",
            f"{report.cache_hits} files reused, {report.cache_misses} processed",
        )
    console.print(table)
    console.print(f"Valid data package written: {report.out / 'datapackage.json'}")


@cli.command("validate")
@click.argument("path", default="datapackage", type=click.Path(path_type=Path))
def validate_command(path: Path) -> None:
    """Validate the data package in PATH (a folder or its datapackage.json) with frictionless."""
    folder = path.parent if path.name == "datapackage.json" else path
    errors = validate(folder)
    if errors:
        for error in errors:
            click.echo(error, err=True)
        click.echo(
            f"Error: {folder} is not a valid data package ({len(errors)} problem(s) shown)",
            err=True,
        )
        sys.exit(1)
    click.echo(f"{folder / 'datapackage.json'} is valid")


@cli.command("publish")
@click.argument("path", default="datapackage", type=click.Path(path_type=Path))
@click.option(
    "--full",
    is_flag=True,
    help="Load every row even when the database of the package this build replaced "
    "can be updated instead.",
)
def publish_command(path: Path, full: bool) -> None:
    """Build the SQLite database (PATH/newsfacts.db) that Datasette serves, from the
    data package in PATH: tables with keys, indexes, full-text search and views.

    After a rebuild, the database of the package it replaced is updated with the
    rows that changed, which is faster than loading every row; the result is the
    same."""
    from newsfacts.publish import method, publish

    try:
        database = publish(path, update=not full)
    except BuildError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(1)
    how = "updated" if method(database) == "update" else "written"
    click.echo(f"SQLite database {how}: {database}")


@cli.command("serve")
@click.argument("path", default="datapackage", type=click.Path(path_type=Path))
@click.option("--host", "-h", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", "-p", default=8001, show_default=True, help="Port to listen on.")
@click.option(
    "--sql-threads",
    default=0,
    show_default=True,
    type=click.IntRange(min=0),
    help="Threads that run SQL; 0 runs it on the server's own thread (fastest for "
    "one user). Use 3 or more for a server many people share.",
)
def serve_command(path: Path, host: str, port: int, sql_threads: int) -> None:
    """Browse and query the data package in PATH with Datasette (read-only).

    The SQLite database is built first when it is missing or older than the package.
    """
    from newsfacts.serve import serve

    if not (path / "datapackage.json").exists():
        click.echo(f"Error: no datapackage.json in {path}: run `newsfacts build` first", err=True)
        sys.exit(1)
    click.echo(f"Serving {path} on http://{host}:{port}/ (Ctrl-C to stop)", err=True)
    sys.exit(serve(path, host, port, sql_threads))


@cli.command("release")
@click.argument("inputs", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--version",
    "version",
    default=None,
    help="Data version X.Y.Z. Omitted: proposed from the diff with the published package.",
)
@click.option(
    "--dist",
    default="dist",
    show_default=True,
    type=click.Path(path_type=Path),
    help="Folder for the release artifacts.",
)
@click.option(
    "--published",
    default="datapackage",
    show_default=True,
    type=click.Path(path_type=Path),
    help="The published package that the release is compared with and replaces.",
)
@click.option(
    "--entities/--no-entities",
    default=True,
    show_default=True,
    help="Run named entity recognition and fact extraction.",
)
def release_command(inputs, version, dist, published, entities) -> None:
    """Build INPUTS into a versioned, checksummed data release.

    Writes to DIST the CSV zip, the Parquet tar.gz, the SQLite database, the
    newsfacts-data wheel, RELEASE_NOTES.md and SHA256SUMS, and updates the
    published package. Refuses a version smaller than the data change requires.
    """
    from newsfacts.release import release

    try:
        report = release(list(inputs), version, dist, published=published, entities=entities)
    except (BuildError, ValueError) as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(1)
    if report.diff is not None:
        click.echo(report.diff.summary())
    click.echo(f"Released {report.version}:")
    for artifact in report.artifacts:
        click.echo(f"  {artifact}")


@cli.command("diff")
@click.argument("old", type=click.Path(exists=True, path_type=Path))
@click.argument("new", type=click.Path(exists=True, path_type=Path))
def diff_command(old: Path, new: Path) -> None:
    """Compare two data packages (folders or release archives): rows added, removed
    and changed per table, schema changes, and the version bump they require."""
    from newsfacts.diff import diff_packages

    try:
        click.echo(diff_packages(old, new).summary())
    except BuildError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(1)
