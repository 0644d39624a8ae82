"""Where the map stage runs: in this process, in a pool of local processes
(``--jobs N``), or on a Dask distributed cluster (``--engine dask``).

Every engine runs the same ``process_chunk`` on the same chunks and hands
back results in input order, so the tables do not depend on the engine or the
number of jobs. Results found in the cache are not run again; each finished
chunk is cached at once, which is what an interrupted build resumes from.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import gc
import multiprocessing
import os
import signal
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, replace

from newsfacts import package
from newsfacts.cache import Cache
from newsfacts.map_stage import FileResult, Options, process_chunk
from newsfacts.records import BuildError, SourceFile

ENGINES = ("local", "dask")
_PR_SET_PDEATHSIG = 1

# A chunk is at most this many files or bytes: small enough to spread over
# workers and to lose little when a build is killed, large enough that NER
# runs as one long stream. Each chunk is one ``nlp.pipe`` call, and spaCy is
# slower over many short calls than over one long one, in batches of 16 all
# the same (measured on 288 corpus bodies: calls of 16 took 5-11% longer than
# a single call, calls of 64 2.5%, the gap between the build's NER and bare
# spaCy in benchmarks/pipeline.py). Small builds get smaller chunks so that
# every worker has several.
CHUNK_FILES = 64
CHUNK_BYTES = 4 << 20
CHUNKS_PER_WORKER = 4


@dataclass(frozen=True)
class Engine:
    """How to run the map stage: ``jobs`` processes locally, or on the Dask
    scheduler at ``scheduler`` (an address such as ``tcp://10.0.0.5:8786``)."""

    name: str = "local"
    jobs: int = 1
    scheduler: str | None = None

    def __post_init__(self) -> None:
        if self.name not in ENGINES:
            raise BuildError(f"unknown engine {self.name!r}; choose one of {', '.join(ENGINES)}")
        if self.jobs < 1:
            raise BuildError("--jobs must be at least 1")
        if self.name == "dask" and not self.scheduler:
            raise BuildError("--engine dask needs --scheduler ADDRESS")


def _size(source: SourceFile) -> int:
    try:
        return source.path.stat().st_size
    except OSError:
        return 0


def chunks(sources: list[SourceFile], workers: int = 1) -> list[list[SourceFile]]:
    """Consecutive files grouped into chunks (deterministic for a given list)."""
    most = max(1, min(CHUNK_FILES, -(-len(sources) // (CHUNKS_PER_WORKER * workers))))
    grouped: list[list[SourceFile]] = []
    current: list[SourceFile] = []
    size = 0
    for source in sources:
        if current and (len(current) >= most or size >= CHUNK_BYTES):
            grouped.append(current)
            current, size = [], 0
        current.append(source)
        size += _size(source)
    if current:
        grouped.append(current)
    return grouped


def _cache_key(
    cache: Cache, source: SourceFile, options: Options, sha256: str | None = None
) -> str | None:
    """None for files that are not worth caching or cannot be hashed (links
    out of the input, oversized or unreadable files are rejected quickly anyway).
    With ``sha256`` (what the reader saw), the key of that content: a file
    that changed while it was read is not cached under its old hash."""
    try:
        if source.path.is_symlink() or _size(source) > options.limits.max_bytes:
            return None
        return cache.key(source, sha256 or package.file_sha256(source.path), options)
    except OSError:
        return None


def _die_with_parent(parent: int) -> None:
    """Pool workers end when the build does, even when it is killed: an
    orphaned worker would go on burning a core on a build nobody waits for."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass  # not Linux: workers end when they find their queue closed
    if os.getppid() != parent:  # the build died while this worker was starting
        os._exit(1)


# Allocations between two collections of the youngest generation during a
# build (Python's default: 700), and collections of each generation before the
# next one is collected (default 10).
BUILD_GC_THRESHOLD = (50_000, 20, 20)


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    """Run a build with the cyclic garbage collector called less often.

    A build makes millions of small objects, almost none in a cycle: rows,
    mentions, clusters, and in the reduce every article's clusters unpickled
    beside long-lived tables of entities and names, which each collection of
    the oldest generation walks again. Measured with ``gc.callbacks``: 393
    collections and 2.4% of the map stage's time over 300 BBC files (bare
    spaCy over the same bodies: 5 collections, none of it), and a fifth of an
    incremental build's time (17.2-18.3 s, 13.6-14.2 s with this). Collections
    still run, so memory stays bounded; the thresholds are put back after.
    """
    before = gc.get_threshold()
    gc.set_threshold(*BUILD_GC_THRESHOLD)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _start_worker(parent: int) -> None:
    """A pool worker lives for one build: the build's collector thresholds,
    and an end with the build's process."""
    gc.set_threshold(*BUILD_GC_THRESHOLD)
    _die_with_parent(parent)


def process_pool(jobs: int) -> ProcessPoolExecutor:
    """A pool of ``jobs`` worker processes that end with the build.

    spawn: workers start from a clean process, not a fork of one that may hold
    threads (pyarrow, rich), and are children of the build itself, so that
    they can be made to end with it.
    """
    return ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start_worker,
        initargs=(os.getpid(),),
    )


def _run_local(work: list[list[SourceFile]], run: Callable, jobs: int) -> Iterator:
    if jobs == 1 or len(work) == 1:
        for chunk in work:
            yield chunk, run(chunk)
        return
    with process_pool(jobs) as pool:  # each worker loads the model once
        futures = {pool.submit(run, chunk): chunk for chunk in work}
        for future in as_completed(futures):
            yield futures[future], future.result()


def _run_dask(work: list[list[SourceFile]], run: functools.partial, scheduler: str) -> Iterator:
    try:
        from dask.distributed import Client
        from dask.distributed import as_completed as dask_completed
    except ImportError as error:
        raise BuildError(
            "--engine dask needs Dask distributed: pip install 'newsfacts[dask]'"
        ) from error
    try:
        client = Client(scheduler, timeout="30s")
    except OSError as error:
        raise BuildError(f"cannot reach the Dask scheduler at {scheduler}: {error}") from error
    with client:
        futures = client.map(run.func, work, **run.keywords, pure=False)
        chunk_of = {future.key: chunk for future, chunk in zip(futures, work, strict=True)}
        for future, results in dask_completed(futures, with_results=True):
            yield chunk_of[future.key], results


def run_map(
    sources: list[SourceFile],
    options: Options,
    engine: Engine,
    cache: Cache,
    progress: Callable[[SourceFile], None] | None = None,
) -> list[FileResult]:
    """The map stage over every source; results in the order of ``sources``,
    their articles spilled into ``cache`` (``FileResult.spill_key``)."""
    results: dict[int, FileResult] = {}
    keys: dict[int, str | None] = {}
    todo: list[SourceFile] = []
    position = {id(source): i for i, source in enumerate(sources)}
    for i, source in enumerate(sources):
        keys[i] = _cache_key(cache, source, options)
        started = time.perf_counter()
        cached = cache.get(keys[i]) if keys[i] else None
        if cached is not None:
            # Same content at the same place: only the absolute path may differ.
            cached = replace(cached, source=source, seconds=Counter())
            cached.seconds["cache"] = time.perf_counter() - started
            results[i] = cached
            if progress:
                progress(source)
        else:
            todo.append(source)
    # Workers share the per-article cache (on Dask, through a shared file system).
    run = functools.partial(process_chunk, options=options, articles=str(cache.articles))
    # A Dask cluster's size is not known here: plan chunks for a few workers.
    work = chunks(todo, engine.jobs if engine.name == "local" else 8)
    if engine.name == "dask":
        finished = _run_dask(work, run, engine.scheduler)
    else:
        finished = _run_local(work, run, engine.jobs)
    for chunk, chunk_results in finished:
        for source, result in zip(chunk, chunk_results, strict=True):
            i = position[id(source)]
            result.source = source
            started = time.perf_counter()
            if keys[i] and keys[i] == _cache_key(cache, source, options, result.sha256):
                cache.put(keys[i], result)
            else:
                result.indexed()  # not cacheable (changed while read): kept in memory
            result.seconds["cache"] += time.perf_counter() - started
            results[i] = result
            if progress:
                progress(source)
    return [results[i] for i in range(len(sources))]
