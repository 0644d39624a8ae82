"""Entity quality and speed: newsfacts against the bare spaCy pipeline, same run.

Quality is scored on the hand-annotated articles in ``tests/annotations/entities``
(guidelines: ``tests/annotations/entity-guidelines.md``). The unit is the
distinct entity per article: a predicted entity matches a gold one when any of
their written forms agree after normalisation (case, "the", possessives,
punctuation); the typed score also asks for the same type. Matching is one to one.

The baseline is the same model with only ``tok2vec`` + ``ner``, its entities of
the ten contract types grouped by normalised text — what a user gets from
``nlp(text).ents``. Each newsfacts correction is switched off in turn to show
what it is worth.

Speed: ``newsfacts.build`` (read, extract, NER, resolution, validation, Parquet
+ CSV, frictionless) over corpus files, against bare ``nlp.pipe`` over the same
article bodies, in the same process.

The annotated articles are also scored inside a build of the whole corpus
(``--whole-corpus``): that is what a user who builds the corpus gets, since
the corpus-wide decisions (one type per name, bare surnames, acronyms) are
taken over every article of the build.

    python benchmarks/entities.py [--speed-files N] [--no-speed] [--whole-corpus]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from newsfacts.entities import entity_tables  # noqa: E402
from newsfacts.evaluation import score_entities  # noqa: E402
from newsfacts.extract.article import to_article_row  # noqa: E402
from newsfacts.extract.ner import (  # noqa: E402
    ALL_CORRECTIONS,
    ENTITY_TYPES,
    bare_model,
    recognise,
)
from newsfacts.extract.resolution import ALL_STEPS, name_key, resolve  # noqa: E402
from newsfacts.ingest import SourceFile, read_source  # noqa: E402

ANNOTATIONS = REPO / "tests" / "annotations" / "entities"


def load_gold(corpus: Path) -> list[tuple[str, str, list[tuple[set, str]]]]:
    """(path, body, [(forms, type)]) for every annotated article."""
    items = []
    for file in sorted(ANNOTATIONS.glob("*.json")):
        for path, annotation in sorted(json.loads(file.read_text())["articles"].items()):
            source = corpus / path
            reading = read_source(SourceFile(source, path, "corpus"))
            row = to_article_row(reading.records[0])
            gold = [
                ({name_key(e["name"])} | {name_key(a) for a in e["aliases"]}, e["type"])
                for e in annotation["entities"]
            ]
            items.append((path, row["body"], gold))
    return items


def newsfacts_entities(bodies, corrections=ALL_CORRECTIONS, steps=ALL_STEPS):
    """Each article's entities as the build writes them: resolved in the article,
    then typed and merged across the articles (``entity_tables``)."""
    articles = [{"article_id": f"{i:016x}", "body": b} for i, b in enumerate(bodies)]
    resolved = []
    for article, recognised in zip(articles, recognise(bodies, corrections), strict=True):
        resolved.append((article, resolve(article["body"], recognised, steps), recognised))
    entity_tables(resolved)
    return [
        [({name_key(c.name)} | {name_key(a) for a in c.aliases}, c.type) for c in clusters]
        for _, clusters, _ in resolved
    ]


def bare_entities(nlp, bodies):
    out = []
    for doc in nlp.pipe(bodies, batch_size=16):
        seen = {}
        for ent in doc.ents:
            if ent.label_ in ENTITY_TYPES:
                seen.setdefault((name_key(ent.text), ent.label_), None)
        out.append([({k}, t) for k, t in seen])
    return out


def whole_corpus_entities(corpus: Path, bodies: list[str], jobs: int) -> tuple[list, int]:
    """Each article's entities as a build of the whole corpus writes them: the
    corpus-wide decisions (one type per name, surnames, acronyms) then rest on
    thousands of articles, not on the annotated ones alone. An article is found
    by its body (a file whose text another file repeats is kept once). Returns
    the entities and the number of articles built. The build's per-file cache
    is newsfacts' default one, so a second run skips NER."""
    import pyarrow.parquet as pq

    import newsfacts
    from newsfacts.cache import default_cache_dir

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "pkg"
        report = newsfacts.build([corpus], out, jobs=jobs, cache=default_cache_dir())
        articles = pq.read_table(out / "data" / "articles.parquet", columns=["article_id", "body"])
        mentions = pq.read_table(
            out / "data" / "mentions.parquet", columns=["article_id", "entity_id", "text", "type"]
        )
    article_of = dict(
        zip(articles["body"].to_pylist(), articles["article_id"].to_pylist(), strict=True)
    )
    missing = [b[:60] for b in bodies if b not in article_of]
    if missing:
        raise SystemExit(f"annotated articles not in the corpus build: {missing}")
    found: dict[str, dict[str, tuple[set, str]]] = {article_of[b]: {} for b in bodies}
    for m in mentions.to_pylist():
        if m["article_id"] in found:
            forms, _ = found[m["article_id"]].setdefault(m["entity_id"], (set(), m["type"]))
            forms.add(name_key(m["text"]))
    return [list(found[article_of[b]].values()) for b in bodies], report.articles


def quality_table(items, corpus: Path | None = None, jobs: int = 1) -> None:
    bodies = [b for _, b, _ in items]
    gold = [g for _, _, g in items]
    rows = [
        ("bare spaCy (tok2vec+ner)", bare_entities(bare_model(), bodies)),
        ("newsfacts", newsfacts_entities(bodies)),
    ]
    if corpus is not None:
        predicted, built = whole_corpus_entities(corpus, bodies, jobs)
        rows.append((f"newsfacts in a {built:,}-article build", predicted))
    for correction in sorted(ALL_CORRECTIONS):
        rows.append(
            (
                f"newsfacts without {correction}",
                newsfacts_entities(bodies, corrections=ALL_CORRECTIONS - {correction}),
            )
        )
    for step in sorted(ALL_STEPS):
        rows.append(
            (f"newsfacts without {step}", newsfacts_entities(bodies, steps=ALL_STEPS - {step}))
        )
    print(
        f"Entity quality on {len(items)} hand-annotated articles "
        f"({sum(len(g) for g in gold)} gold entities)"
    )
    print(f"{'method':34} | {'P':>5} {'R':>5} {'F1':>5} | {'typed P':>7} {'R':>5} {'F1':>5}")
    for label, predicted in rows:
        untyped = score_entities(predicted, gold, typed=False)
        typed = score_entities(predicted, gold, typed=True)
        print(
            f"{label:34} | {untyped[0]:5.3f} {untyped[1]:5.3f} {untyped[2]:5.3f} | "
            f"{typed[0]:7.3f} {typed[1]:5.3f} {typed[2]:5.3f}"
        )


def _bare_seconds(bodies: list[str]) -> float:
    """Seconds of bare spaCy (model load included, as in a build) over ``bodies``."""
    started = time.perf_counter()
    nlp = bare_model()
    for _ in nlp.pipe(bodies, batch_size=16):
        pass
    return time.perf_counter() - started


def speed_table(corpus: Path, files: int) -> None:
    """newsfacts.build against bare spaCy on the same bodies. The baseline runs
    before and after the build and the ratio uses their mean: on a shared
    machine the speed of either drifts by 10% or more within minutes."""
    import newsfacts

    paths = sorted((corpus / "bbc-fulltext").rglob("*.txt"))[: files // 2]
    paths += sorted((corpus / "article-bias-prediction" / "jsons").glob("*.json"))[: files // 2]
    with tempfile.TemporaryDirectory() as tmp:
        # The bodies the build will write, found first (no NER) for the first baseline.
        newsfacts.build(paths, Path(tmp) / "bodies", entities=False, cache=None)
        bodies = _bodies(Path(tmp) / "bodies")
        bare_model()  # a first load reads the model from disk: no run should pay for it
        bare_before = _bare_seconds(bodies)
        started = time.perf_counter()
        report = newsfacts.build(paths, Path(tmp) / "pkg", cache=None)
        build_seconds = time.perf_counter() - started
        if _bodies(Path(tmp) / "pkg") != bodies:
            raise SystemExit("the two builds wrote different bodies")
    bare_after = _bare_seconds(bodies)
    bare_seconds = (bare_before + bare_after) / 2
    words = sum(len(b.split()) for b in bodies)
    print(f"\nSpeed on {len(paths)} corpus files, {report.articles} articles, {words} words")
    print(f"{'pipeline':48} | {'seconds':>7} | {'words/s':>8}")
    for label, seconds in (
        ("bare spaCy nlp.pipe (load + tok2vec + ner), before", bare_before),
        ("bare spaCy nlp.pipe (load + tok2vec + ner), after", bare_after),
        ("newsfacts.build (everything, entities on)", build_seconds),
    ):
        print(f"{label:48} | {seconds:7.1f} | {words / seconds:8.0f}")
    print(
        f"newsfacts speed / bare spaCy speed (mean of before and after) = "
        f"{bare_seconds / build_seconds:.2f} (target >= 0.80; "
        f"{bare_before / build_seconds:.2f} against the first, "
        f"{bare_after / build_seconds:.2f} against the second)"
    )


def _bodies(package: Path) -> list[str]:
    import pyarrow.parquet as pq

    return pq.read_table(package / "data" / "articles.parquet").column("body").to_pylist()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--speed-files", type=int, default=600)
    parser.add_argument("--no-speed", action="store_true")
    parser.add_argument(
        "--whole-corpus",
        action="store_true",
        help="also score the annotated articles inside a build of the whole corpus "
        "(NER over ~4,200 articles the first time: about 8 minutes with --jobs 1)",
    )
    parser.add_argument("--jobs", type=int, default=1, help="processes for --whole-corpus")
    args = parser.parse_args()
    if not args.corpus.exists():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 2
    quality_table(
        load_gold(args.corpus), args.corpus if args.whole_corpus else None, jobs=args.jobs
    )
    if not args.no_speed:
        speed_table(args.corpus, args.speed_files)
    return 0


if __name__ == "__main__":
    sys.exit(main())
