"""The map stage: what is done to each input file on its own.

read → extract → recognise entities → resolve them within each article →
find the facts its text states (linked to entity ids later). The
result of a file (``FileResult``) depends on nothing but the file, its place
under its INPUT and the options, which is what lets it be cached, run in a
pool of processes or shipped to a Dask worker, and still give the same
tables. Everything that needs the whole corpus (folding duplicates, entity
ids, facts that link to entities) is the reduce stage, in ``build``.

Files are processed in chunks so that spaCy can batch the articles of many
small files together; a chunk's time is split over its files by their share
of articles for the stage timings.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from newsfacts.extract.article import to_article_row
from newsfacts.extract.resolution import Cluster
from newsfacts.facts import FactFinds
from newsfacts.ingest import FileReading, Limits, read_source
from newsfacts.name_counts import EntityStats
from newsfacts.records import Reject, SourceFile

if TYPE_CHECKING:
    from newsfacts.cache import ArticleCache


@dataclass(frozen=True)
class Options:
    """What changes a file's result besides its content (part of the cache key)."""

    limits: Limits = Limits()
    entities: bool = True


@dataclass
class ArticleResult:
    """One extracted article row with, when entities run, the entity clusters
    resolved within it, the facts its text states and its name counts."""

    row: dict
    clusters: list[Cluster] | None = None
    finds: FactFinds | None = None
    stats: EntityStats | None = None
    # (start, end) of each sentence of the body: where the reduce stage
    # locates the mentions it adds (``newsfacts.known_names``).
    sentences: list[tuple[int, int]] | None = None

    def entity_results(self) -> tuple:
        """What the per-article cache keeps (``ArticleCache``): the clusters,
        the facts and the sentence offsets; ``take_entity_results`` reads it."""
        return (self.clusters, self.finds, self.sentences)

    def take_entity_results(self, cached: tuple) -> None:
        self.clusters, self.finds, self.sentences = cached


@dataclass(frozen=True)
class ArticleIndex:
    """What the reduce stage keeps in memory of an article between its passes."""

    article_id: str
    content_hash: str
    source_path: str
    source_key: str | None


@dataclass
class FileResult:
    """Everything one input file gave, enough for every table of the package."""

    source: SourceFile
    format: str
    sha256: str
    size: int
    records: int  # records found, including those rejected as records
    file_rejects: int  # rejects that concern the file as a whole
    articles: list[ArticleResult] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    seconds: Counter = field(default_factory=Counter)  # stage -> seconds spent on this file
    # Set once the articles are spilled to disk and dropped from memory:
    index: list[ArticleIndex] = field(default_factory=list)
    spill_key: str | None = None

    def indexed(self) -> None:
        self.index = [
            ArticleIndex(
                a.row["article_id"],
                a.row["content_hash"],
                a.row["source_path"],
                a.row["source_key"],
            )
            for a in self.articles
        ]


def _read(source: SourceFile, limits: Limits) -> FileReading:
    try:
        return read_source(source, limits)
    except OSError as error:
        reading = FileReading(source, "unknown", "0" * 64, 0)
        reading.rejects.append(
            Reject(source.source_path, None, "unreadable", f"cannot read the file: {error}")
        )
        return reading


def _extract(reading: FileReading) -> tuple[list[dict], list[Reject]]:
    rows, rejects = [], []
    for record in reading.records:
        try:
            result = to_article_row(record)
        except Exception as error:  # noqa: BLE001 — one bad record must not stop a build
            result = Reject(
                record.source_path,
                record.source_key,
                "unreadable",
                f"extraction failed: {type(error).__name__}: {error}",
            )
        (rejects if isinstance(result, Reject) else rows).append(result)
    return rows, rejects


def read_and_extract(source: SourceFile, limits: Limits) -> FileResult:
    """A file's articles and rejects, without entities."""
    started = time.perf_counter()
    reading = _read(source, limits)
    read_done = time.perf_counter()
    rows, failed = _extract(reading)
    result = FileResult(
        source=source,
        format=reading.format,
        sha256=reading.sha256,
        size=reading.size,
        records=len(reading.records) + sum(1 for r in reading.rejects if r.source_key is not None),
        file_rejects=sum(1 for r in reading.rejects if r.source_key is None),
        articles=[ArticleResult(row) for row in rows],
        rejects=[*reading.rejects, *failed],
    )
    result.seconds["read"] = read_done - started
    result.seconds["extract"] = time.perf_counter() - read_done
    return result


def add_entities(results: list[FileResult], known: ArticleCache | None = None) -> None:
    """Recognise and resolve the entities of every article of ``results``, and
    find its facts, in one spaCy batch stream (each article's result is
    independent of its batch). Articles whose body and date ``known`` has seen
    are taken from it: a duplicate or a re-published article costs no NER."""
    from newsfacts.extract.ner import recognise
    from newsfacts.extract.resolution import resolve
    from newsfacts.facts import find_facts

    articles = [a for result in results for a in result.articles]
    if not articles:
        return
    spent = Counter()
    todo = []
    for article in articles:
        started = time.perf_counter()
        key = known.key(article.row) if known else None
        found = known.get(key) if known else None
        if found is not None:
            article.take_entity_results(found)
        else:
            todo.append((article, key))
        spent["cache"] += time.perf_counter() - started
    stream = recognise(a.row["body"] for a, _ in todo)
    for article, key in todo:
        started = time.perf_counter()
        recognised = next(stream)
        recognised_at = time.perf_counter()
        article.clusters = resolve(article.row["body"], recognised)
        resolved_at = time.perf_counter()
        # The raw NER output is not kept: the clusters hold every mention the
        # tables need, the facts are found while the sentences are at hand, and
        # of the sentences only their offsets are kept.
        article.finds = find_facts(article.row, article.clusters, recognised.sentences)
        article.sentences = recognised.sentences
        finished = time.perf_counter()
        if known:
            known.put(key, article.entity_results())
        spent["entities"] += recognised_at - started
        spent["resolve"] += resolved_at - recognised_at
        spent["facts (find)"] += finished - resolved_at
        spent["cache"] += time.perf_counter() - finished
    for article in articles:
        article.stats = EntityStats.of(article.clusters)
    for result in results:
        share = len(result.articles) / len(articles)
        for stage, seconds in spent.items():
            result.seconds[stage] += seconds * share


def process_chunk(
    sources: list[SourceFile], options: Options, articles: str | None = None
) -> list[FileResult]:
    """The map stage over a chunk of files, results in the order of ``sources``;
    ``articles`` is the folder of the per-article cache, if any."""
    from newsfacts.cache import ArticleCache

    results = [read_and_extract(source, options.limits) for source in sources]
    if options.entities:
        add_entities(results, ArticleCache(Path(articles)) if articles else None)
    return results
