"""The reduce stage: what needs the whole corpus, in bounded memory.

The map stage's results are on disk (the cache, or a temporary spill), one
entry per input file; what stays in memory is a small index per article. The
reduce reads the entries twice, in input order:

1. fold duplicates (from the index), validate the kept articles with pandera
   in batches, write them, and count what the corpus says about names
   (``EntityStats``);
2. give entity ids, write mentions and facts article by article, and sum up
   the entities.

Every table goes through a ``TableSink`` (sorted, validated runs merged at
the end), so memory grows with the number of input files, distinct entities
and distinct words (the lower-case vocabulary ``newsfacts.known_names``
weighs names against), not with the number of articles' texts, mentions or
facts.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from newsfacts import package
from newsfacts.cache import Cache
from newsfacts.entities import Decisions, EntityTable
from newsfacts.facts import article_facts
from newsfacts.map_stage import ArticleResult, FileResult, Options, process_chunk
from newsfacts.name_counts import EntityStats
from newsfacts.records import BuildError, Reject
from newsfacts.schemas import all_schemas, load_schema
from newsfacts.tables import TableSink

FileKey = tuple[str, str]  # (input name, source path): unique even when two INPUTs share a path
Place = tuple[int, int]  # (index of the file, position of the article in it)
VALIDATION_BATCH = 2_000


def file_key(result: FileResult) -> FileKey:
    return (result.source.input_name, result.source.source_path)


@dataclass
class Folded:
    """Which copy of each article is kept, and the others as ``duplicates`` rows."""

    kept: set[Place]
    duplicates: list[tuple[Place, dict]]


def fold_duplicates(results: list[FileResult]) -> Folded:
    """The copy kept is the first by (source_path, source_key), whatever the
    order inputs were read in, so the result does not depend on input order."""
    groups: dict[str, list] = defaultdict(list)
    for i, result in enumerate(results):
        for position, entry in enumerate(result.index):
            groups[entry.article_id].append((entry, (i, position)))
    folded = Folded(set(), [])
    for article_id, copies in groups.items():
        copies.sort(key=lambda c: (c[0].source_path, c[0].source_key or ""))
        if len({entry.content_hash for entry, _ in copies}) > 1:
            raise BuildError(f"two different articles share the id {article_id}")
        folded.kept.add(copies[0][1])
        for entry, place in copies[1:]:
            row = {
                "article_id": article_id,
                "source_path": entry.source_path,
                "source_key": entry.source_key,
            }
            folded.duplicates.append((place, row))
    return folded


class Reducer:
    """Streams the map results into the package's tables (``sinks``)."""

    def __init__(
        self,
        results: list[FileResult],
        spill: Cache,
        work: Path,
        timings: Counter,
        options: Options,
    ) -> None:
        self.results = results
        self.spill = spill
        self.timings = timings
        self.options = options
        self.sinks = {
            # Articles are validated in batches before they reach their sink.
            s.name: TableSink(s, work, timings, validate=s.name != "articles")
            for s in all_schemas()
        }
        self.rejects: list[tuple[FileKey, Reject]] = [
            (file_key(r), reject) for r in results for reject in r.rejects
        ]
        self.folded = fold_duplicates(results)
        self.duplicate_counts = Counter(row["article_id"] for _, row in self.folded.duplicates)
        self.valid: set[Place] = set()

    def _load(self, result: FileResult, entities: bool) -> list[ArticleResult]:
        if result.spill_key is None:
            return result.articles
        step = time.perf_counter()
        articles = self.spill.load(result.spill_key, entities)
        self.timings["load spilled results"] += time.perf_counter() - step
        if articles is None or len(articles) != len(result.index):
            # The entry was damaged or removed since the map stage: redo the file.
            [again] = process_chunk([result.source], self.options)
            if [a.row["article_id"] for a in again.articles] != [
                e.article_id for e in result.index
            ]:
                raise BuildError(f"{result.source.source_path} changed during the build")
            articles = again.articles
        return articles

    def _articles(
        self, wanted: set[Place], entities: bool
    ) -> Iterator[tuple[Place, ArticleResult]]:
        """The articles at ``wanted`` places, in input order; with ``entities``,
        with their clusters and facts, else with their name counts only."""
        files = sorted({i for i, _ in wanted})
        for i in files:
            for position, article in enumerate(self._load(self.results[i], entities)):
                if (i, position) in wanted:
                    yield (i, position), article

    def write_articles(self, entities: bool) -> EntityStats:
        """Pass 1: validate and write the kept articles; count the corpus's names."""
        stats = EntityStats()
        batch: list[tuple[Place, ArticleResult]] = []
        for item in self._articles(self.folded.kept, entities=False):
            batch.append(item)
            if len(batch) >= VALIDATION_BATCH:
                self._validate(batch, stats, entities)
                batch = []
        self._validate(batch, stats, entities)
        return stats

    def _validate(self, batch, stats: EntityStats, entities: bool) -> None:
        if not batch:
            return
        for _, article in batch:
            article.row["duplicate_count"] = self.duplicate_counts[article.row["article_id"]]
        step = time.perf_counter()
        _, bad = package.validate_rows(load_schema("articles"), [a.row for _, a in batch])
        self.timings["validate (pandera)"] += time.perf_counter() - step
        failed = {id(row): message for row, message in bad}
        for place, article in batch:
            row = article.row
            if id(row) in failed:
                reject = Reject(
                    row["source_path"],
                    row["source_key"],
                    "invalid_row",
                    f"the article failed validation: {failed[id(row)]}",
                )
                self.rejects.append((file_key(self.results[place[0]]), reject))
                continue
            self.valid.add(place)
            self.sinks["articles"].add(row)
            if entities:
                stats.merge(article.stats)
                stats.add_words(row["body"])

    def write_entities_and_facts(self, stats: EntityStats) -> None:
        """Pass 2: entity ids, mentions and facts, article by article."""
        table = EntityTable(Decisions.from_stats(stats))
        for _, article in self._articles(self.valid, entities=True):
            step = time.perf_counter()
            mentions, cluster_ids = table.add(article.row, article.clusters, article.sentences)
            middle = time.perf_counter()
            facts = article_facts(article.row, article.clusters, None, cluster_ids, article.finds)
            self.timings["entity ids"] += middle - step
            self.timings["facts (link)"] += time.perf_counter() - middle
            self.sinks["mentions"].extend(mentions)
            self.sinks["facts"].extend(facts)
        self.sinks["entities"].extend(table.rows())

    def write_manifest(self) -> None:
        """``duplicates``, ``rejects`` and ``sources``: every input file with what
        became of it — the articles it gave (or was folded into), its rejects."""
        self.sinks["duplicates"].extend(row for _, row in self.folded.duplicates)
        self.sinks["rejects"].extend(reject.as_row() for _, reject in self.rejects)
        kept = Counter(i for i, _ in self.valid)
        folded = Counter(i for (i, _), _ in self.folded.duplicates)
        ids: dict[int, set[str]] = defaultdict(set)
        for i, position in self.valid:
            ids[i].add(self.results[i].index[position].article_id)
        for (i, _), row in self.folded.duplicates:
            ids[i].add(row["article_id"])
        rejected = Counter(key for key, _ in self.rejects)
        reasons: dict[FileKey, list[str]] = defaultdict(list)
        for key, reject in self.rejects:
            reasons[key].append(reject.reason)
        for i, result in enumerate(self.results):
            key = file_key(result)
            self.sinks["sources"].add(
                {
                    "source_path": result.source.source_path,
                    "input_name": result.source.input_name,
                    "source_format": result.format,
                    "bytes": result.size,
                    "sha256": result.sha256,
                    "records": result.records,
                    "articles": kept[i],
                    "duplicates": folded[i],
                    "rejects": rejected[key],
                    "article_ids": sorted(ids[i]),
                    "reject_reasons": sorted(reasons[key]),
                }
            )

    def check_strict(self) -> None:
        if not self.rejects:
            return
        first = min((r for _, r in self.rejects), key=lambda r: (r.source_path, r.source_key or ""))
        raise BuildError(
            f"--strict: {len(self.rejects)} input(s) rejected, first {first.source_path}: "
            f"{first.reason} ({first.detail})"
        )
