"""The whole pipeline, stage by stage, against bare spaCy in the same run.

    python benchmarks/pipeline.py                    # the shared corpus (~4,300 files)
    python benchmarks/pipeline.py --articles 10000   # a replicated corpus
    python benchmarks/pipeline.py --articles 100000 --no-jobs --no-incremental

Each build runs in a child process of its own, so that its peak RSS is its
own. First a child that runs only the baseline — bare spaCy ``nlp.pipe``
with the same model and the same components (sentencizer, tok2vec, ner) over
the same article bodies; then a child that runs ``newsfacts.build`` (one
job, a fresh cache) and ``newsfacts.publish`` (SQLite + FTS5, what Datasette
serves), then the baseline again. The headline is total time / bare spaCy time (the mean of
the two baseline runs, which cancels most of a shared machine's drift).

Then, unless switched off: the same build with ``--jobs 2`` (speed-up from 1
to 2 jobs), and an incremental rebuild after adding 1% new articles, reusing
the first build's cache (its time as a share of the full build's). The new
articles are corpus articles with their paragraphs in reverse order: real news
text, but a body no cache has seen, so they cost what new articles cost (NER
included).

``--articles N`` replicates the articles of the shared corpus (as extracted by
newsfacts) into JSON Lines files of 1,000 records until there are N; each copy
gets a distinct title, hence a distinct article id, and the same body. The
output says so. Identical bodies meet newsfacts' per-article cache, so NER runs
once per distinct body while every other stage handles all N articles: these
runs measure the pipeline's own scaling (time and memory of read, extract,
reduce, write, validate, SQLite), not NER. Map-stage rows are summed over
processes (so with 2 jobs they exceed the wall time); "map (wall)" is the
elapsed time of the map stage.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
SHARED = Path(os.environ.get("NEWSFACTS_SHARED", REPO.parent / "shared"))
CORPUS_INPUTS = [
    SHARED / "corpus",
    SHARED / "corpus-html" / "article-extraction-benchmark" / "html",
]
RECORDS_PER_FILE = 1000

MAP_STAGES = ("read", "extract", "entities", "resolve", "facts (find)", "cache")
REDUCE_STAGES = (
    "load spilled results",
    "entity ids",
    "facts (link)",
    "sort",
    "validate (pandera)",
    "write (Parquet + CSV)",
    "validate (frictionless)",
)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def peak_rss_mb() -> float:
    """This process's own peak (VmHWM): ru_maxrss would also count the image of
    the process it was forked from before its exec."""
    try:
        status = Path("/proc/self/status").read_text()
        return int(status.split("VmHWM:")[1].split()[0]) / 1024
    except (OSError, IndexError, ValueError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ------------------------------------------------------------------ the child


def bare_spacy(bodies: list[str]) -> float:
    """Seconds for bare spaCy ``nlp.pipe`` over ``bodies``: the same model and
    components as the build, loaded afresh."""
    import spacy  # noqa: F401 — imported before the clock starts, as in the build's process

    from newsfacts.extract.ner import load_model

    step = time.perf_counter()
    load_model.cache_clear()
    nlp = load_model()
    for _ in nlp.pipe(bodies, batch_size=16):
        pass
    return time.perf_counter() - step


def corpus_bodies(inputs: list[str]) -> list[str]:
    """The article bodies a build of ``inputs`` has, extracted without NER."""
    import tempfile

    import pyarrow.parquet as pq

    import newsfacts

    with tempfile.TemporaryDirectory() as scratch:
        newsfacts.build(inputs, Path(scratch) / "out", entities=False)
        table = pq.read_table(Path(scratch) / "out" / "data" / "articles.parquet")
        return table.column("body").to_pylist()


def child(args: argparse.Namespace) -> None:
    """One measured build + publish, then the baseline (or, with
    ``--baseline-only``, the baseline alone, which the parent runs before the
    build: a process of its own, so that the build's peak RSS stays its own);
    prints a JSON line of figures.

    The baseline runs before and after the build and the ratio uses their
    mean: on a shared 2-core machine the speed of a core drifts by 10% or more
    over the half hour this takes, and a baseline on one side only measures
    the drift as much as the pipeline."""
    import pyarrow.parquet as pq

    import newsfacts

    inputs = json.loads(args.child)
    if args.baseline_only:
        print(json.dumps({"bare": bare_spacy(corpus_bodies(inputs))}))
        return
    rss = {}
    started = time.perf_counter()
    report = newsfacts.build(
        inputs,
        args.out,
        jobs=args.jobs,
        cache=args.cache,
        on_stage=lambda stage: rss.setdefault(f"before {stage}", peak_rss_mb()),
    )
    build_seconds = time.perf_counter() - started
    rss["after build"] = peak_rss_mb()
    step = time.perf_counter()
    newsfacts.publish(args.out)
    publish_seconds = time.perf_counter() - step
    rss["after publish"] = peak_rss_mb()
    figures = {
        "build": build_seconds,
        "publish": publish_seconds,
        "timings": dict(report.timings),
        "files": report.files,
        "articles": report.articles,
        "duplicates": report.duplicates,
        "rejects": report.rejects,
        "tables": report.table_rows,
        "cache_hits": report.cache_hits,
        "rss": rss,
    }
    if args.baseline:
        bodies = pq.read_table(Path(args.out) / "data" / "articles.parquet", columns=["body"])
        bodies = bodies.column("body").to_pylist()
        figures["words"] = sum(len(body.split()) for body in bodies)
        figures["bare after"] = bare_spacy(bodies)
    print(json.dumps(figures))


def run_child(
    inputs: list[Path], out: Path, cache: Path, jobs: int, baseline: bool, only: bool = False
) -> dict:
    command = [
        sys.executable,
        __file__,
        "--child",
        json.dumps([str(p) for p in inputs]),
        "--out",
        str(out),
        "--cache",
        str(cache),
        "--jobs",
        str(jobs),
    ]
    if baseline:
        command.append("--baseline")
    if only:
        command.append("--baseline-only")
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"the build failed:\n{done.stderr[-3000:]}")
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    figures["wall"] = time.perf_counter() - started
    return figures


# ------------------------------------------------------------------ inputs


def corpus_articles(work: Path) -> list[dict]:
    """The shared corpus's articles (title, body, date, publisher), as newsfacts
    extracts them, for replication."""
    import pyarrow.parquet as pq

    import newsfacts

    out = work / "extracted"
    if not (out / "data" / "articles.parquet").exists():
        log("extracting the shared corpus once, without entities, to replicate it")
        newsfacts.build(CORPUS_INPUTS, out, entities=False)
    columns = ["title", "body", "published_date", "publisher", "url"]
    return pq.read_table(out / "data" / "articles.parquet", columns=columns).to_pylist()


def reversed_paragraphs(body: str) -> str:
    """The body with its paragraphs in reverse order (unchanged if it has one)."""
    return "\n\n".join(reversed([p for p in body.split("\n") if p.strip()]))


def write_records(
    articles: list[dict], count: int, folder: Path, tag: str, new_text: bool = False
) -> None:
    """``count`` JSON Lines records cycling over ``articles``, each titled apart;
    with ``new_text``, over the articles of more than one paragraph, reordered
    (``reversed_paragraphs``)."""
    if new_text:
        reordered = [{**a, "body": reversed_paragraphs(a["body"])} for a in articles]
        articles = [n for n, a in zip(reordered, articles, strict=True) if n["body"] != a["body"]]
        if not articles:
            sys.exit("no article has more than one paragraph to reorder into new text")
    folder.mkdir(parents=True, exist_ok=True)
    handle = None
    for i in range(count):
        if i % RECORDS_PER_FILE == 0:
            if handle:
                handle.close()
            handle = (folder / f"{tag}-{i // RECORDS_PER_FILE:05d}.jsonl").open("w")
        article = articles[i % len(articles)]
        record = {
            "title": f"{article['title']} ({tag} {i})",
            "body": article["body"],
            "date": str(article["published_date"]) if article["published_date"] else None,
            "publisher": article["publisher"],
            "url": article["url"],
        }
        handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    if handle:
        handle.close()


# ------------------------------------------------------------------ report


def stage_table(figures: dict, title: str) -> None:
    timings = figures["timings"]
    articles = figures["articles"]
    words = figures.get("words", 0)
    total = figures["build"] + figures["publish"]
    bare = figures.get("bare")
    rss = figures["rss"]
    map_rss = rss.get("before articles", rss.get("after build"))
    rows = [(name, timings.get(name, 0.0), map_rss) for name in MAP_STAGES if name in timings]
    rows.append(("map (wall)", timings.get("map (wall)", 0.0), map_rss))
    rows += [(name, timings.get(name, 0.0), rss["after build"]) for name in REDUCE_STAGES]
    rows.append(("SQLite + FTS5 (publish)", figures["publish"], rss["after publish"]))
    rows.append(("total (build + publish, wall)", total, rss["after publish"]))
    if bare:
        rows.append(("bare spaCy nlp.pipe, same model + components (mean)", bare, None))
        rows.append(("  bare spaCy before the build", figures["bare before"], None))
        rows.append(("  bare spaCy after the build", figures["bare after"], None))
    print(f"\n## {title}\n")
    counted = f"{words:,} words" if words else "words not counted (no baseline in this run)"
    print(
        f"{figures['files']:,} files → {articles:,} articles, {figures['duplicates']:,} "
        f"duplicates, {figures['rejects']:,} rejects; {counted}; tables "
        + ", ".join(f"{k} {v:,}" for k, v in figures["tables"].items())
    )
    print("\n| stage | seconds | share of total | articles/s | words/s | peak RSS MB so far |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, seconds, peak in rows:
        rate = f"{articles / seconds:,.0f}" if seconds > 0.01 else "—"
        word_rate = f"{words / seconds:,.0f}" if seconds > 0.01 and words else "—"
        share = "—" if "bare spaCy" in name else f"{seconds / total:.1%}"
        memory = f"{peak:,.0f}" if peak else "—"
        print(f"| {name} | {seconds:.2f} | {share} | {rate} | {word_rate} | {memory} |")
    validation = timings.get("validate (pandera)", 0) + timings.get("validate (frictionless)", 0)
    print(f"\nvalidation (pandera + frictionless): {validation / total:.1%} of total")
    if bare:
        print(
            f"**total / bare spaCy: {total / bare:.2f}** (single process each; against the "
            f"baseline before the build {total / figures['bare before']:.2f}, after it "
            f"{total / figures['bare after']:.2f})"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, help="replicate the corpus to this many articles")
    parser.add_argument(
        "--inputs", type=Path, nargs="+", help="measure on these inputs instead of the corpus"
    )
    parser.add_argument("--work", type=Path, default=Path("/tmp/newsfacts-bench"))
    parser.add_argument("--no-jobs", action="store_true", help="skip the --jobs 2 run")
    parser.add_argument(
        "--no-baseline", action="store_true", help="skip bare spaCy (hours at 100,000 articles)"
    )
    parser.add_argument("--no-incremental", action="store_true", help="skip the 1%% rebuild")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--cache", help=argparse.SUPPRESS)
    parser.add_argument("--jobs", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--baseline", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--baseline-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return 0

    work = args.work
    work.mkdir(parents=True, exist_ok=True)
    articles = None
    if args.articles:
        articles = corpus_articles(work)
        inputs = [work / f"replicated-{args.articles}"]
        if not inputs[0].exists():
            log(f"writing {args.articles:,} replicated records to {inputs[0]}")
            write_records(articles, args.articles, inputs[0], "replica")
        title = (
            f"replicated corpus: {args.articles:,} articles "
            f"(the shared corpus's {len(articles):,} articles, copied with distinct titles)"
        )
    elif args.inputs:
        inputs = args.inputs
        title = "inputs: " + ", ".join(str(p) for p in inputs)
    else:
        for path in CORPUS_INPUTS:
            if not path.exists():
                sys.exit(f"shared corpus not found at {path} (set NEWSFACTS_SHARED)")
        inputs = CORPUS_INPUTS
        title = "shared corpus: " + ", ".join(str(p) for p in CORPUS_INPUTS)

    cache = work / "cache"
    shutil.rmtree(cache, ignore_errors=True)
    # A full build from nothing: no cache, and no earlier package to compare with.
    shutil.rmtree(work / "out-1", ignore_errors=True)
    log("bare spaCy baseline, build with 1 job and a fresh cache, baseline again")
    before = None
    if not args.no_baseline:
        before = run_child(inputs, work / "unused", cache, 1, baseline=True, only=True)["bare"]
    one = run_child(inputs, work / "out-1", cache, 1, baseline=not args.no_baseline)
    if before is not None:
        one["bare before"] = before
        one["bare"] = (before + one["bare after"]) / 2
    stage_table(one, title + " — 1 job")

    if not args.no_jobs:
        log("the same build with 2 jobs, no cache")
        two = run_child(inputs, work / "out-2", work / "cache-2", 2, baseline=False)
        shutil.rmtree(work / "cache-2", ignore_errors=True)
        same = _same_tables(work / "out-1", work / "out-2")
        speedup = (one["build"] + one["publish"]) / (two["build"] + two["publish"])
        print("\n## jobs\n")
        print("| jobs | build + publish s | map (wall) s | peak RSS MB (parent) |")
        print("|---:|---:|---:|---:|")
        for jobs, figures in ((1, one), (2, two)):
            print(
                f"| {jobs} | {figures['build'] + figures['publish']:.1f} | "
                f"{figures['timings']['map (wall)']:.1f} | {figures['rss']['after publish']:,.0f} |"
            )
        print(f"\n**speed-up 1 → 2 jobs: {speedup:.2f}×**; tables identical: {same}")

    if not args.no_incremental:
        articles = articles or corpus_articles(work)
        new_count = max(1, round(one["articles"] / 100))
        extra = work / "new-articles"
        shutil.rmtree(extra, ignore_errors=True)
        write_records(articles, new_count, extra, "update", new_text=True)
        log(f"incremental: {new_count} new articles (new text), reusing the cache")
        again = run_child([*inputs, extra], work / "out-1", cache, 1, baseline=False)
        full = one["build"] + one["publish"]
        part = again["build"] + again["publish"]
        print("\n## incremental rebuild\n")
        print("| run | files reused | articles | build + publish s |")
        print("|---|---:|---:|---:|")
        print(f"| full build | 0 | {one['articles']:,} | {full:.1f} |")
        print(
            f"| + {new_count:,} new articles | {again['cache_hits']:,} | "
            f"{again['articles']:,} | {part:.1f} |"
        )
        print(f"\n**incremental / full: {part / full:.1%}**")
        stage_table(again, title + f" + {new_count:,} new articles — incremental rebuild")
    return 0


def _same_tables(first: Path, second: Path) -> bool:
    names = sorted(p.name for p in (first / "data").iterdir() if p.suffix in (".csv", ".parquet"))
    return all(
        (first / "data" / n).read_bytes() == (second / "data" / n).read_bytes() for n in names
    )


if __name__ == "__main__":
    sys.exit(main())
