"""The build: read → extract → fold duplicates → validate → write → validate → publish.

``build()`` is the library entry point behind ``newsfacts build``. Bad input
never stops it: each failure becomes a ``rejects`` row and the report counts
it. The package is written to a staging folder, validated with frictionless,
and only then moved into place, so a failed build leaves the previous package
as it was.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import shutil
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from newsfacts import package
from newsfacts.__about__ import __version__
from newsfacts.cache import Cache
from newsfacts.engines import Engine, run_map
from newsfacts.entities import entity_tables
from newsfacts.facts import fact_rows
from newsfacts.ingest import Limits, discover
from newsfacts.map_stage import FileResult, Options
from newsfacts.records import BuildError, Reject, SourceFile
from newsfacts.schemas import all_schemas, load_schema


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


def fold_duplicates(rows: list[dict]) -> tuple[list[dict], list[dict], list[dict]]:
    """One row per article; the other copies become ``duplicates`` rows.

    The copy kept is the first by (source_path, source_key), whatever the
    order inputs were read in, so the result does not depend on input order.
    Returns the kept rows (the same objects, with ``duplicate_count`` set), the
    ``duplicates`` rows, and the folded copies they were made from, in order.
    """
    groups: dict[str, list[dict]] = {}
    for row in rows:
        groups.setdefault(row["article_id"], []).append(row)
    articles, duplicates, folded = [], [], []
    for article_id, copies in groups.items():
        copies.sort(key=lambda r: (r["source_path"], r["source_key"] or ""))
        if len({c["content_hash"] for c in copies}) > 1:
            raise BuildError(f"two different articles share the id {article_id}")
        kept = copies[0]
        kept["duplicate_count"] = len(copies) - 1
        articles.append(kept)
        for copy in copies[1:]:
            duplicates.append(
                {
                    "article_id": article_id,
                    "source_path": copy["source_path"],
                    "source_key": copy["source_key"],
                }
            )
            folded.append(copy)
    return articles, duplicates, folded


FileKey = tuple[str, str]  # (input name, source path): unique even when two INPUTs share a path


def _file_key(source: SourceFile) -> FileKey:
    return (source.input_name, source.source_path)


def _source_rows(readings: list[FileResult], records, articles, duplicates, rejects) -> list[dict]:
    """The manifest: every input file with what became of it — the articles it
    gave (or was folded into) and the reasons it was rejected. ``articles`` and
    ``duplicates`` are (file key, row) pairs, ``rejects`` (file key, Reject)."""
    kept = Counter(key for key, _ in articles)
    folded = Counter(key for key, _ in duplicates)
    rejected = Counter(key for key, _ in rejects)
    ids: dict[FileKey, set[str]] = {}
    for key, row in [*articles, *duplicates]:
        ids.setdefault(key, set()).add(row["article_id"])
    reasons: dict[FileKey, list[str]] = {}
    for key, reject in rejects:
        reasons.setdefault(key, []).append(reject.reason)
    rows = []
    for reading in readings:
        key = _file_key(reading.source)
        rows.append(
            {
                "source_path": reading.source.source_path,
                "input_name": reading.source.input_name,
                "source_format": reading.format,
                "bytes": reading.size,
                "sha256": reading.sha256,
                "records": records[key],
                "articles": kept[key],
                "duplicates": folded[key],
                "rejects": rejected[key],
                "article_ids": sorted(ids.get(key, ())),
                "reject_reasons": sorted(reasons.get(key, [])),
            }
        )
    return rows


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


def _swap_into_place(staging: Path, out: Path) -> None:
    """Replace ``out`` with ``staging`` so that a reader, or a build killed at any
    moment, finds either the old package or the new one, never a mix."""
    if out.exists() and _exchange(staging, out):
        shutil.rmtree(staging)  # now holds the previous package
        return
    backup = _backup_of(out)
    if backup.exists():
        shutil.rmtree(backup)
    if out.exists():
        os.replace(out, backup)
    os.replace(staging, out)
    if backup.exists():
        shutil.rmtree(backup)


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
    store = Cache(Path(cache)) if cache is not None else None
    sources = discover(inputs)
    if on_sources:
        on_sources(len(sources))
    options = Options(limits or Limits(), entities)
    map_started = time.perf_counter()
    results = run_map(sources, options, runner, store, progress)
    timings = Counter()
    for result in results:
        timings.update(result.seconds)
    timings["map (wall)"] = time.perf_counter() - map_started

    if on_stage:
        on_stage("entities and facts" if entities else "articles")
    tables, report = _reduce(results, strict, entities, timings)
    report.out = out
    report.files = len(sources)
    report.timings = timings
    if store:
        report.cache_hits, report.cache_misses = store.hits, store.misses
    if on_stage:
        on_stage("writing")
    names = " ".join(sorted({r.source.input_name for r in results}))
    _write(tables, results, out, report, version or __version__, f"newsfacts build {names}")
    report.seconds = time.perf_counter() - started
    return report


def _reduce(results, strict: bool, entities: bool, timings: Counter):
    """Fold duplicates, validate articles, give entity ids, find facts."""
    rows: list[dict] = []
    rejects: list[tuple[FileKey, Reject]] = []
    records: dict[FileKey, int] = {}
    origin: dict[int, FileKey] = {}  # id(row) -> the file it came from
    found: dict[int, object] = {}  # id(row) -> its ArticleResult
    for result in results:
        key = _file_key(result.source)
        records[key] = result.records
        for article in result.articles:
            origin[id(article.row)] = key
            found[id(article.row)] = article
            rows.append(article.row)
        rejects.extend((key, r) for r in result.rejects)

    articles, duplicates, folded = fold_duplicates(rows)
    checked = time.perf_counter()
    articles, invalid = package.validate_rows(load_schema("articles"), articles)
    timings["validate (pandera)"] += time.perf_counter() - checked
    rejects.extend(
        (
            origin[id(row)],
            Reject(
                row["source_path"],
                row["source_key"],
                "invalid_row",
                f"the article failed validation: {message}",
            ),
        )
        for row, message in invalid
    )
    if strict and rejects:
        first = min((r for _, r in rejects), key=lambda r: (r.source_path, r.source_key or ""))
        raise BuildError(
            f"--strict: {len(rejects)} input(s) rejected, first {first.source_path}: "
            f"{first.reason} ({first.detail})"
        )

    entity_rows, mention_rows, facts = [], [], []
    if entities:
        step = time.perf_counter()
        ordered = sorted(articles, key=lambda a: a["article_id"])
        resolved = [(row, found[id(row)].clusters, found[id(row)].recognised) for row in ordered]
        entity_rows, mention_rows, cluster_ids = entity_tables(resolved)
        timings["entity ids"] += time.perf_counter() - step
        step = time.perf_counter()
        facts = fact_rows(resolved, cluster_ids)
        timings["facts"] += time.perf_counter() - step

    tables = {
        "articles": articles,
        "duplicates": duplicates,
        "entities": entity_rows,
        "mentions": mention_rows,
        "facts": facts,
        "rejects": [r.as_row() for _, r in rejects],
        "sources": _source_rows(
            results,
            records,
            [(origin[id(row)], row) for row in articles],
            [(origin[id(copy)], row) for copy, row in zip(folded, duplicates, strict=True)],
            rejects,
        ),
    }
    report = BuildReport(
        out=Path(),
        records=sum(records.values()),
        articles=len(articles),
        duplicates=len(duplicates),
        rejects=len(rejects),
        file_rejects=sum(r.file_rejects for r in results),
        reject_reasons=Counter(r.reason for _, r in rejects),
    )
    return tables, report


def _write(
    tables: dict[str, list[dict]],
    readings,
    out: Path,
    report: BuildReport,
    version: str,
    command: str,
) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    recover(out)
    staging = out.with_name(f".{out.name}.staging")
    if staging.exists():
        shutil.rmtree(staging)
    (staging / "data").mkdir(parents=True)
    try:
        stats = {}
        timings = report.timings
        for schema in all_schemas():
            step = time.perf_counter()
            rows = package.sort_rows(schema, tables[schema.name])
            timings["sort"] += time.perf_counter() - step
            step = time.perf_counter()
            good, bad = package.validate_rows(schema, rows)
            timings["validate (pandera)"] += time.perf_counter() - step
            if bad:
                raise BuildError(
                    f"table {schema.name}: {len(bad)} row(s) fail the schema, first: {bad[0][1]}"
                )
            step = time.perf_counter()
            stats[schema.name] = package.write_table(schema, good, staging / "data", version)
            timings["write (Parquet + CSV)"] += time.perf_counter() - step
            report.table_rows[schema.name] = len(good)
        package.write_descriptor(
            package.package_descriptor(stats, _package_sources(readings), version, command),
            staging,
        )
        step = time.perf_counter()
        errors = package.validate_package(staging)
        timings["validate (frictionless)"] += time.perf_counter() - step
        if errors:
            raise BuildError(f"the package fails frictionless validation: {errors[0]}")
        _swap_into_place(staging, out)
    finally:
        if staging.exists():
            shutil.rmtree(staging)


def validate(path: str | Path) -> list[str]:
    """Re-validate a written data package; the list of errors, empty if valid."""
    return package.validate_package(Path(path))
