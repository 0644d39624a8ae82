"""The map stage's engines and cache: the same tables whoever runs the work,
whatever was cached, and a killed build that resumes from its cache."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import newsfacts
from newsfacts import cache as cache_module
from newsfacts.records import BuildError

from .conftest import BENCHMARK, CORPUS, require


def _tables(package: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((package / "data").iterdir())}


@pytest.fixture(scope="module")
def mixed_inputs(tmp_path_factory) -> Path:
    """A small folder of real corpus files of every format: JSON records,
    BBC plain text, scraped seed text and HTML pages."""
    folder = tmp_path_factory.mktemp("mixed")
    picks = {
        "json": sorted((require(CORPUS) / "article-bias-prediction" / "jsons").glob("*.json"))[:8],
        "bbc": sorted((CORPUS / "bbc-fulltext" / "politics").glob("*.txt"))[:6],
        "seed": sorted((CORPUS / "seed").glob("*.txt")),
        "html": sorted((require(BENCHMARK) / "html").glob("*.html.gz"))[:6],
    }
    for kind, files in picks.items():
        (folder / kind).mkdir()
        for path in files:
            shutil.copy(path, folder / kind / path.name)
    return folder


@pytest.fixture(scope="module")
def reference(mixed_inputs, tmp_path_factory) -> Path:
    """The mixed inputs built the plain way: one process, no cache."""
    out = tmp_path_factory.mktemp("reference") / "package"
    newsfacts.build([mixed_inputs], out)
    return out


def test_two_jobs_give_the_same_tables_as_one(mixed_inputs, reference, tmp_path):
    newsfacts.build([mixed_inputs], tmp_path / "two", jobs=2)
    assert _tables(tmp_path / "two") == _tables(reference)


def test_a_warm_cache_skips_every_file_and_changes_nothing(mixed_inputs, reference, tmp_path):
    cache = tmp_path / "cache"
    cold = newsfacts.build([mixed_inputs], tmp_path / "cold", cache=cache)
    warm = newsfacts.build([mixed_inputs], tmp_path / "warm", cache=cache)
    assert (cold.cache_hits, cold.cache_misses) == (0, cold.files)
    assert (warm.cache_hits, warm.cache_misses) == (warm.files, 0)
    assert "entities" not in warm.timings  # no NER ran
    assert _tables(tmp_path / "cold") == _tables(tmp_path / "warm") == _tables(reference)


def test_only_new_or_changed_files_are_processed_again(mixed_inputs, tmp_path):
    inputs = tmp_path / "in"
    shutil.copytree(mixed_inputs, inputs)
    cache = tmp_path / "cache"
    first = newsfacts.build([inputs], tmp_path / "first", cache=cache, entities=False)
    changed = next((inputs / "bbc").iterdir())
    changed.write_text(changed.read_text() + "\nOne more closing sentence for the record.\n")
    (inputs / "bbc" / "new.txt").write_text(
        "A new headline\n\nA short article that was added after the first build ran.\n"
    )
    second = newsfacts.build([inputs], tmp_path / "second", cache=cache, entities=False)
    assert second.files == first.files + 1
    assert (second.cache_hits, second.cache_misses) == (first.files - 1, 2)
    fresh = newsfacts.build([inputs], tmp_path / "fresh", entities=False)
    assert fresh.table_rows == second.table_rows
    assert _tables(tmp_path / "fresh") == _tables(tmp_path / "second")


def test_a_new_pipeline_version_misses_the_cache(mixed_inputs, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    newsfacts.build([mixed_inputs], tmp_path / "one", cache=cache, entities=False)
    monkeypatch.setattr(cache_module, "pipeline_fingerprint", lambda: "another version")
    again = newsfacts.build([mixed_inputs], tmp_path / "two", cache=cache, entities=False)
    assert again.cache_hits == 0


def test_torn_or_foreign_cache_entries_are_misses_not_errors(mixed_inputs, tmp_path):
    cache = tmp_path / "cache"
    newsfacts.build([mixed_inputs], tmp_path / "one", cache=cache, entities=False)
    entries = sorted(cache.rglob("*.head"))
    entries[0].write_bytes(entries[0].read_bytes()[:20])  # torn
    entries[1].write_bytes(b"not a cache entry")
    again = newsfacts.build([mixed_inputs], tmp_path / "two", cache=cache, entities=False)
    assert again.cache_misses == 2
    assert _tables(tmp_path / "one") == _tables(tmp_path / "two")


def test_the_fingerprint_covers_the_code_and_the_model():
    fingerprint = cache_module.pipeline_fingerprint()
    assert len(fingerprint) == 64
    cache_module.pipeline_fingerprint.cache_clear()
    assert cache_module.pipeline_fingerprint() == fingerprint  # stable within one install


def test_the_fingerprint_reads_the_map_stage_code_only():
    root = cache_module._package_root()
    sources = {p.relative_to(root).as_posix() for p in cache_module.map_stage_sources()}
    # Reached from map_stage at the top, inside functions (ner, cache) and through
    # other modules (the fact finders through facts.py).
    for needed in (
        "map_stage.py",
        "extract/ner.py",
        "cache.py",
        "ingest/html.py",
        "extract/facts/quantities.py",
        "extract/resolution.py",
        "name_counts.py",
    ):
        assert needed in sources
    # Writing, validating, publishing and serving do not change a cached result,
    # nor do the corpus-wide entity decisions of the reduce stage.
    for after in (
        "entities.py",
        "known_names.py",
        "tables.py",
        "package.py",
        "integrity.py",
        "publish.py",
        "serve.py",
        "build.py",
        "reduce_stage.py",
        "__init__.py",
    ):
        assert after not in sources


def test_a_killed_build_resumes_from_its_cache(mixed_inputs, reference, tmp_path):
    cache = tmp_path / "cache"
    env = {**os.environ, "NEWSFACTS_CACHE_DIR": str(cache)}
    command = [sys.executable, "-m", "newsfacts", "build", "-q", str(mixed_inputs)]
    process = subprocess.Popen(
        [*command, "--out", str(tmp_path / "killed")], env=env, stdout=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 120
    while not list(cache.rglob("*.head")) and time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail("the build ended before any chunk was cached")
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert not (tmp_path / "killed").exists()  # nothing half-written in place
    resumed = newsfacts.build([mixed_inputs], tmp_path / "resumed", cache=cache)
    assert resumed.cache_hits >= 1
    assert _tables(tmp_path / "resumed") == _tables(reference)


def test_the_dask_engine_on_a_local_cluster_gives_the_same_tables(
    mixed_inputs, reference, tmp_path
):
    from dask.distributed import LocalCluster

    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        report = newsfacts.build(
            [mixed_inputs], tmp_path / "dask", engine="dask", scheduler=cluster.scheduler_address
        )
    assert report.articles > 0
    assert _tables(tmp_path / "dask") == _tables(reference)


def test_engine_options_are_checked():
    with pytest.raises(BuildError, match="needs --scheduler"):
        newsfacts.build(None, "unused", engine="dask")
    with pytest.raises(BuildError, match="unknown engine"):
        newsfacts.build(None, "unused", engine="spark")
    with pytest.raises(BuildError, match="at least 1"):
        newsfacts.build(None, "unused", jobs=0)


def test_a_damaged_cached_article_list_is_redone_not_trusted(mixed_inputs, reference, tmp_path):
    cache = tmp_path / "cache"
    newsfacts.build([mixed_inputs], tmp_path / "one", cache=cache)
    # Article rows (read by both passes) in some entries, clusters and facts
    # (in the per-article cache, read by the second) in others.
    clusters = sorted(p for p in (cache / "articles").rglob("*") if p.is_file())
    for entry in [*sorted(cache.rglob("*.articles"))[:2], *clusters[-2:]]:
        entry.write_bytes(b"damaged after the map stage read its head")
    again = newsfacts.build([mixed_inputs], tmp_path / "two", cache=cache)
    assert again.cache_hits == again.files
    assert _tables(tmp_path / "two") == _tables(reference)


def test_spilled_runs_and_small_batches_give_the_same_tables(
    mixed_inputs, reference, tmp_path, monkeypatch
):
    """Forces every table through many sorted runs and the articles through
    many validation batches: the bounded-memory path of a large build."""
    from newsfacts import reduce_stage, tables

    monkeypatch.setattr(tables, "RUN_ROWS", 97)
    monkeypatch.setattr(reduce_stage, "VALIDATION_BATCH", 3)
    newsfacts.build([mixed_inputs], tmp_path / "small", cache=tmp_path / "cache")
    assert _tables(tmp_path / "small") == _tables(reference)


def test_killing_a_build_also_ends_its_worker_processes(mixed_inputs, tmp_path):
    import psutil

    command = [sys.executable, "-m", "newsfacts", "build", "-q", "--no-cache", "-j", "2"]
    process = subprocess.Popen(
        [*command, str(mixed_inputs), "--out", str(tmp_path / "out")], stdout=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 60
    workers: list = []
    while len(workers) < 3 and time.monotonic() < deadline:  # 2 workers + resource tracker
        workers = psutil.Process(process.pid).children(recursive=True)
        time.sleep(0.1)
    assert len(workers) >= 3, "the pool never started"
    process.send_signal(signal.SIGKILL)
    process.wait()
    gone, alive = psutil.wait_procs(workers, timeout=30)
    assert not alive, f"orphaned workers still running: {alive}"


def test_the_same_text_under_another_title_is_recognised_once(tmp_path):
    import json

    body = (
        "Russia's Defense Ministry said on Wednesday that some 1,000 troops had moved to "
        "Tajikistan. Officials in Dushanbe told Interfax the exercises would last a week. "
        "The Collective Security Treaty Organization (CSTO) said it was watching closely."
    )
    (tmp_path / "in").mkdir()
    for name, title in (("a.json", "Troops move to Tajikistan"), ("b.json", "Border drills")):
        record = {"title": title, "body": body, "date": "2021-07-14", "source": "Wire"}
        (tmp_path / "in" / name).write_text(json.dumps(record))
    cache = tmp_path / "cache"
    report = newsfacts.build([tmp_path / "in"], tmp_path / "cached", cache=cache)
    assert report.articles == 2
    assert len([p for p in (cache / "articles").rglob("*") if p.is_file()]) == 1
    newsfacts.build([tmp_path / "in"], tmp_path / "plain")
    assert _tables(tmp_path / "cached") == _tables(tmp_path / "plain")
