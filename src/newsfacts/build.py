"""The build: the map stage per file (``map_stage``, run by ``engines``), the
reduce stage over the corpus (``reduce_stage``), then write → validate → swap.

``build()`` is the library entry point behind ``newsfacts build``. Bad input
never stops it: each failure becomes a ``rejects`` row and the report counts
it. The package is written to a staging folder, validated with frictionless,
and only then moved into place, so a failed build leaves the previous package
as it was.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import os
import shutil
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from newsfacts import integrity, package
from newsfacts.__about__ import __version__
from newsfacts.cache import Cache
from newsfacts.engines import Engine, fewer_collections, run_map
from newsfacts.ingest import Limits, discover
from newsfacts.map_stage import FileResult, Options
from newsfacts.publish import keep_for_update
from newsfacts.records import BuildError, SourceFile
from newsfacts.reduce_stage import Reducer
from newsfacts.schemas import all_schemas


@dataclass
class BuildReport:
    """What a build did, for the summary screen and for callers of ``build()``."""

    out: Path
    files: int = 0
    records: int = 0
    articles: int = 0
    duplicates: int = 0
    rejects: int = 0
    reject_reasons: Counter = field(default_factory=Counter)
    table_rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    file_rejects: int = 0
    timings: Counter = field(default_factory=Counter)  # stage -> seconds (map: summed over files)
    cache_hits: int = 0
    cache_misses: int = 0

    @property
    def balanced(self) -> bool:
        """Every record read is an article, a folded duplicate or a record reject;
        every file that gave no record is a file reject."""
        record_rejects = self.rejects - self.file_rejects
        return self.records == self.articles + self.duplicates + record_rejects


def sample_dir() -> Path:
    """The sample inputs shipped inside the package (text written by the project)."""
    return Path(str(resources.files("newsfacts") / "sample" / "articles"))


def _package_sources(readings: list[FileResult]) -> list[dict]:
    """One entry per INPUT: its name, file count and a hash over its files' hashes."""
    by_input: dict[str, list[FileResult]] = {}
    for reading in readings:
        by_input.setdefault(reading.source.input_name, []).append(reading)
    sources = []
    for name, group in sorted(by_input.items()):
        digest = hashlib.sha256()
        for reading in sorted(group, key=lambda r: r.source.source_path):
            digest.update(f"{reading.source.source_path}\0{reading.sha256}\n".encode())
        sources.append(
            {
                "title": name,
                "path": name,
                "hash": f"sha256:{digest.hexdigest()}",
                "newsfacts:files": len(group),
            }
        )
    return sources


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _exchange(first: Path, second: Path) -> bool:
    """Swap two directories in one atomic step (Linux renameat2); False if the
    system cannot, in which case the caller falls back to two renames."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(
        _AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE
    )
    return result == 0


def _backup_of(out: Path) -> Path:
    return out.with_name(f".{out.name}.previous")


def recover(out: Path) -> None:
    """Put back a package that a killed two-rename swap left aside."""
    backup = _backup_of(out)
    if backup.exists() and not out.exists():
        os.replace(backup, out)


def check_output(out: Path) -> None:
    """Refuse an ``out`` the build would destroy: it replaces the folder whole,
    which is right for a package it wrote before and wrong for anything else
    (``-o ~/Documents``, ``-o corpus``, a file)."""
    if not out.exists() and not out.is_symlink():
        return
    if not out.is_dir():
        raise BuildError(f"output {out} exists and is not a folder: choose another -o")
    if not any(out.iterdir()):
        return
    try:
        descriptor = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        descriptor = None
    if not isinstance(descriptor, dict) or "newsfacts:generator" not in descriptor:
        raise BuildError(
            f"output {out} holds files that are not a newsfacts data package, and a build "
            "replaces its output folder whole: build into a new or empty folder"
        )


def _swap_into_place(staging: Path, out: Path) -> None:
    """Replace ``out`` with ``staging`` so that a reader, or a build killed at any
    moment, finds either the old package or the new one, never a mix."""
    if out.exists() and _exchange(staging, out):
        keep_for_update(staging, out)  # staging now holds the previous package
        shutil.rmtree(staging)
        return
    backup = _backup_of(out)
    if backup.exists():
        shutil.rmtree(backup)
    if out.exists():
        os.replace(out, backup)
    os.replace(staging, out)
    if backup.exists():
        keep_for_update(backup, out)
        shutil.rmtree(backup)


@fewer_collections()  # the whole build: see engines.fewer_collections
def build(
    inputs: Iterable[str | Path] | None = None,
    out: str | Path = "datapackage",
    *,
    strict: bool = False,
    entities: bool = True,
    version: str | None = None,
    limits: Limits | None = None,
    jobs: int = 1,
    engine: str = "local",
    scheduler: str | None = None,
    cache: str | Path | None = None,
    progress: Callable[[SourceFile], None] | None = None,
    on_sources: Callable[[int], None] | None = None,
    on_stage: Callable[[str], None] | None = None,
) -> BuildReport:
    """Build the data package in ``out`` from files and folders in ``inputs``.

    With no inputs, builds the sample that ships with the package.
    ``version`` is the data version written into datapackage.json and the
    Parquet metadata (default: the code version). With
    ``entities=False`` the NER step is skipped and the entities, mentions and
    facts tables are written empty (facts link to entities).

    The per-file work runs in ``jobs`` local processes, or on the Dask
    scheduler at ``scheduler`` with ``engine="dask"``; the tables are the same
    whichever runs it. ``cache`` is a folder of per-file results (see
    ``newsfacts.cache``): files seen before with the same content and code are
    not processed again. Returns a ``BuildReport``; raises ``BuildError``
    (with a one-line message) when no valid package can be written, leaving
    any previous package in ``out`` as it was.
    """
    started = time.perf_counter()
    inputs = list(inputs or []) or [sample_dir()]
    out = Path(out)
    runner = Engine(engine, jobs, scheduler)
    sources = discover(inputs, exclude=[out] + ([Path(cache)] if cache is not None else []))
    if on_sources:
        on_sources(len(sources))
    out.parent.mkdir(parents=True, exist_ok=True)
    recover(out)
    check_output(out)
    staging = out.with_name(f".{out.name}.staging")
    work = out.with_name(f".{out.name}.work")  # spilled map results and sorted runs
    for folder in (staging, work):
        if folder.is_dir() and not folder.is_symlink():
            shutil.rmtree(folder)
        elif folder.exists() or folder.is_symlink():
            folder.unlink()
    (staging / "data").mkdir(parents=True)
    try:
        store = Cache(Path(cache)) if cache is not None else Cache(work / "spill")
        options = Options(limits or Limits(), entities)
        timings: Counter = Counter()
        step = time.perf_counter()
        results = run_map(sources, options, runner, store, progress)
        for result in results:
            timings.update(result.seconds)
        timings["map (wall)"] = time.perf_counter() - step

        stage = on_stage or (lambda _name: None)
        stage("articles")
        reducer = Reducer(results, store, work / "runs", timings, options)
        stats = reducer.write_articles(entities)
        if strict:
            reducer.check_strict()
        if entities:
            stage("entities and facts")
            reducer.write_entities_and_facts(stats)
        reducer.write_manifest()
        report = BuildReport(
            out=out,
            files=len(sources),
            records=sum(r.records for r in results),
            articles=len(reducer.valid),
            duplicates=len(reducer.folded.duplicates),
            rejects=len(reducer.rejects),
            file_rejects=sum(r.file_rejects for r in results),
            reject_reasons=Counter(r.reason for _, r in reducer.rejects),
            timings=timings,
        )
        if cache is not None:
            report.cache_hits, report.cache_misses = store.hits, store.misses
        stage("writing")
        names = " ".join(sorted({r.source.input_name for r in results}))
        command = f"newsfacts build {names}"
        _write(reducer.sinks, results, staging, report, version or __version__, command)
        report.timings["validate (frictionless)"] += _validate(staging, out, runner)
        _swap_into_place(staging, out)
    finally:
        for folder in (staging, work):
            if folder.exists():
                shutil.rmtree(folder)
    report.seconds = time.perf_counter() - started
    return report


def _write(sinks, results, staging: Path, report: BuildReport, version: str, command: str):
    """Every table into ``staging/data``, and the descriptor."""
    stats = {}
    for schema in all_schemas():
        sink = sinks[schema.name]
        parquet = sink.finish(staging / "data", version)
        stats[schema.name] = {
            "csv": package.file_sha256(parquet.with_suffix(".csv")),
            "parquet": package.file_sha256(parquet),
            "rows": sink.rows,
        }
        report.table_rows[schema.name] = sink.rows
    package.write_descriptor(
        package.package_descriptor(stats, _package_sources(results), version, command), staging
    )


def _validate(staging: Path, out: Path, runner: Engine) -> float:
    """The checks of ``frictionless validate`` on the staged package; seconds.
    Rows already in the package it replaces were checked when it was built."""
    step = time.perf_counter()
    jobs = runner.jobs if runner.name == "local" else 1
    errors = integrity.check_package(staging, jobs, previous=out)
    if errors:
        raise BuildError(f"the package fails frictionless validation: {errors[0]}")
    return time.perf_counter() - step


def validate(path: str | Path) -> list[str]:
    """Re-validate a written data package; the list of errors, empty if valid."""
    return package.validate_package(Path(path))
