"""Serving speed at 100,000 articles: the real Datasette server against bare sqlite3.

What is measured, and why. ``newsfacts serve`` promises that browsing a
large package stays fast: table pages, filters, facets and full-text search
should answer in well under 200 ms at the 95th percentile, and Datasette
should not cost much more than the SQL it runs (target: under 3x bare
sqlite3). This script checks both, in one run, on one database file:

1. A base package is built from real corpus files (the first ``--base-files``
   article-bias-prediction JSON files, sorted) with ``newsfacts.build(...,
   entities=True)`` and published with ``newsfacts.publish.publish``, so the
   tables, indexes, FTS5 tables, views and real entity mentions are exactly
   what users get.
2. The corpus is far smaller than 100k articles, so a copy of the package is
   made whose database holds the articles, mentions, facts and duplicates
   replicated k times with DISTINCT ids (copy c of article ``a`` gets the first
   16 hex digits of sha256(``a:c``); copy 0 keeps the original id). Entities
   are shared between copies; their counts are recomputed from the mentions.
   The FTS index is rebuilt and ``analyze`` re-run. Replicated text means each
   search term occurs k times as often as in the base corpus, which is why the
   search word is chosen to hit a few hundred articles *after* replication.
3. The real server is started with the exact command line newsfacts uses
   (``newsfacts.serve.datasette_command``: immutable mode, generated metadata,
   the newsfacts settings and plugins) and queried over HTTP with httpx.
4. Latency is measured per request (send to last byte, keep-alive, one
   request at a time, after 3 warm-up requests) for: the articles table page as
   JSON, a filtered page, a facet, a full-text search and the HTML table page;
   then for the worst case of a search, the word in the most articles, through
   the table (which counts and facets every match) and through the
   ``search_articles`` canned query (ranked, the first 100).
5. The same queries are run with Python's sqlite3 on the same file, opened the
   way Datasette opens it (``immutable=1``) and set up the way the newsfacts
   plugin sets up the server's connections (``prepare_reader``), timed with
   ``time.perf_counter`` (execute + fetchall). The "core" query is the one the brief names (page,
   filtered page, facet, FTS page; the SQL is checked against the "query" that
   Datasette reports). A Datasette table page also runs ``count(*)`` and every
   facet configured in the metadata (publisher for articles), so the "page
   SQL" column times all of those statements together: the difference
   between it and Datasette is the HTTP/ASGI/JSON cost proper.

p50 is the median; p95 is the nearest-rank 95th percentile of the timed
requests. For sub-millisecond sqlite3 queries the ratio is dominated by the
fixed HTTP/ASGI cost of any request, so the absolute overhead in ms is shown
beside it.

    python benchmarks/serve.py [--base-files N] [--articles N] [--requests N]
                               [--keep] [--json PATH]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

import httpx
from datasette.utils import escape_fts, escape_sqlite

import newsfacts
from newsfacts.publish import database_path, publish
from newsfacts.serve import (
    CANNED_QUERIES,
    datasette_command,
    datasette_metadata,
    prepare_reader,
)

CORPUS = Path("/work/shared/corpus/article-bias-prediction/jsons")
WORK = Path("/tmp/serve-bench")
BASE_DIR = WORK / "base"
REPLICA_DIR = WORK / "replicated"
REPLICATED_TABLES = ("articles", "mentions", "facts", "duplicates")
WARMUP = 3
TARGET_P95_MS = 200.0
TARGET_RATIO = 3.0
SEARCH_TARGET = 300  # articles the search word should hit after replication
STEP_SECONDS: dict[str, float] = {}


@contextmanager
def step(name: str):
    """Print a step's start and end and record how long it took."""
    print(f"\n== {name}", flush=True)
    started = time.perf_counter()
    try:
        yield
    finally:
        STEP_SECONDS[name] = time.perf_counter() - started
        print(f"   ({name}: {STEP_SECONDS[name]:.1f} s)", flush=True)


def log(message: str) -> None:
    """One progress line, flushed at once."""
    print(f"   {message}", flush=True)


# --------------------------------------------------------------------- step 1


def corpus_files(count: int) -> list[Path]:
    """The first ``count`` corpus JSON files, sorted by name."""
    files = sorted(CORPUS.glob("*.json"))[:count]
    if not files:
        raise SystemExit(f"no corpus files in {CORPUS}")
    return files


def build_base(count: int, out: Path) -> None:
    """Build and publish the base package from ``count`` corpus files."""
    files = corpus_files(count)
    read = Counter()

    def on_file(_source) -> None:
        read["files"] += 1
        if read["files"] % 250 == 0:
            log(f"read {read['files']}/{len(files)} files")

    def on_stage(stage: str) -> None:
        log(f"stage {stage}")

    started = time.perf_counter()
    report = newsfacts.build(files, out, entities=True, progress=on_file, on_stage=on_stage)
    log(
        f"built {out}: {report.articles} articles, {report.duplicates} duplicates, "
        f"{report.rejects} rejects, tables {dict(report.table_rows)} "
        f"({time.perf_counter() - started:.1f} s)"
    )
    started = time.perf_counter()
    db = publish(out)
    log(f"published {db} ({size_mb(db):.1f} MB, {time.perf_counter() - started:.1f} s)")


def size_mb(path: Path) -> float:
    """File size in megabytes."""
    return path.stat().st_size / 1e6


# --------------------------------------------------------------------- step 2


def new_id(old: str, copy: int) -> str:
    """The id of copy ``copy`` of ``old``: copy 0 keeps it, others are hashed."""
    if copy == 0:
        return old
    return hashlib.sha256(f"{old}:{copy}".encode()).hexdigest()[:16]


def write_id_map(conn: sqlite3.Connection, copies: int) -> int:
    """Fill temp.idmap(copy, old, new) for copies 1..k-1; check every id is distinct."""
    originals = [r[0] for r in conn.execute("select article_id from articles")]
    conn.execute("create temp table idmap (copy integer, old text, new text)")
    rows = [(c, a, new_id(a, c)) for c in range(1, copies) for a in originals]
    conn.executemany("insert into temp.idmap values (?, ?, ?)", rows)
    conn.execute("create index temp.idmap_old on idmap(old)")
    distinct = len(set(originals) | {r[2] for r in rows})
    if distinct != len(originals) * copies:
        raise SystemExit(f"article ids collide: {distinct} != {len(originals) * copies}")
    return len(originals)


def columns(conn: sqlite3.Connection, table: str) -> list[str]:
    """Column names of a table, in order."""
    return [r[1] for r in conn.execute(f"pragma table_info({escape_sqlite(table)})")]


def replicate_table(conn: sqlite3.Connection, table: str) -> int:
    """Insert copies 1..k-1 of every row of ``table`` with new article (and fact) ids.

    Secondary indexes are dropped first and recreated after (much faster than
    maintaining them row by row); rows go in in new-id order so the primary
    key index is filled in order. Returns the table's row count afterwards.
    """
    cols = columns(conn, table)
    if "article_id" not in cols:
        return 0
    indexes = conn.execute(
        "select name, sql from sqlite_master where type = 'index' and tbl_name = ? "
        "and sql is not null",
        [table],
    ).fetchall()
    for name, _ in indexes:
        conn.execute(f"drop index {escape_sqlite(name)}")
    exprs = []
    for col in cols:
        if col == "article_id":
            exprs.append("m.new")
        elif col == "fact_id":
            exprs.append("new_id(t.fact_id, m.copy)")
        else:
            exprs.append(f"t.{escape_sqlite(col)}")
    col_list = ", ".join(escape_sqlite(c) for c in cols)
    conn.execute(
        f"insert into {escape_sqlite(table)} ({col_list}) select {', '.join(exprs)} "
        f"from {escape_sqlite(table)} t join temp.idmap m on m.old = t.article_id "
        "order by m.new"
    )
    for _, sql in indexes:
        conn.execute(sql)
    return conn.execute(f"select count(*) from {escape_sqlite(table)}").fetchone()[0]


def recount_entities(conn: sqlite3.Connection, copies: int) -> bool:
    """Recompute entities.article_count/mention_count from mentions.

    Returns whether every recomputed count is exactly k times the original
    (it must be: each copy of an article has the same mentions).
    """
    conn.execute(
        "create temp table before as select entity_id, article_count, mention_count from entities"
    )
    conn.execute(
        "create temp table counts as select entity_id, count(*) as mentions, "
        "count(distinct article_id) as articles from mentions group by entity_id"
    )
    conn.execute(
        "update entities set article_count = c.articles, mention_count = c.mentions "
        "from temp.counts c where c.entity_id = entities.entity_id"
    )
    wrong = conn.execute(
        "select count(*) from entities e join temp.before b using (entity_id) "
        "where e.article_count != b.article_count * ? or e.mention_count != b.mention_count * ?",
        [copies, copies],
    ).fetchone()[0]
    return wrong == 0


def replicate(base: Path, out: Path, target: int) -> dict:
    """Copy the base package to ``out`` and grow its database to >= ``target`` articles."""
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(base, out)
    db = database_path(out)
    conn = sqlite3.connect(db, isolation_level=None)
    conn.create_function("new_id", 2, new_id, deterministic=True)
    for pragma in ("journal_mode = off", "synchronous = off", "cache_size = -1000000"):
        conn.execute(f"pragma {pragma}")
    base_articles = conn.execute("select count(*) from articles").fetchone()[0]
    copies = math.ceil(target / base_articles)
    log(f"base database: {base_articles} articles -> {copies} copies")
    conn.execute("begin")
    write_id_map(conn, copies)
    counts = {}
    for table in REPLICATED_TABLES:
        started = time.perf_counter()
        counts[table] = replicate_table(conn, table)
        log(f"{table}: {counts[table]} rows ({time.perf_counter() - started:.1f} s)")
    started = time.perf_counter()
    exact = recount_entities(conn, copies)
    log(
        f"entity counts recomputed, each exactly {copies}x the base: {exact} "
        f"({time.perf_counter() - started:.1f} s)"
    )
    # Each co-occurring pair appears in exactly k times as many articles now;
    # pairs below the threshold in the base stay absent (not benchmarked).
    conn.execute("update entity_cooccurrence set articles = articles * ?", [copies])
    conn.execute("commit")
    started = time.perf_counter()
    conn.execute("insert into articles_fts(articles_fts) values('rebuild')")
    conn.execute("insert into articles_fts(articles_fts) values('optimize')")  # as publish does
    log(f"articles_fts rebuilt ({time.perf_counter() - started:.1f} s)")
    started = time.perf_counter()
    conn.execute("analyze")
    log(f"analyze ({time.perf_counter() - started:.1f} s)")
    conn.close()
    descriptor = out / "datapackage.json"
    stamp = max(time.time(), descriptor.stat().st_mtime + 1)
    os.utime(db, (stamp, stamp))
    return {
        "base_articles": base_articles,
        "copies": copies,
        "rows": counts,
        "entity_counts_exact": exact,
        "db_mb": size_mb(db),
    }


# ------------------------------------------------------------- query choices


def common_publisher(conn: sqlite3.Connection) -> tuple[str, int]:
    """The publisher with the most articles, and how many."""
    return conn.execute(
        "select publisher, count(*) from articles where publisher is not null "
        "group by publisher order by count(*) desc, publisher limit 1"
    ).fetchone()


def document_frequencies(base_db: Path) -> Counter:
    """In how many base articles each real word (lower case, >= 6 letters) occurs."""
    base = sqlite3.connect(f"file:{base_db}?immutable=1", uri=True)
    df: Counter = Counter()
    for (body,) in base.execute("select body from articles"):
        df.update(set(re.findall(r"\b[a-z]{6,}\b", body)))
    base.close()
    return df


def search_word(df: Counter, conn: sqlite3.Connection, copies: int) -> tuple[str, int]:
    """A real word matching a few hundred replicated articles.

    Candidates come from document frequencies in the base bodies (x k); each is
    checked with the real FTS query, since porter stemming also matches variants.
    """
    candidates = sorted(df, key=lambda w: (abs(df[w] * copies - SEARCH_TARGET), w))
    for word in candidates[:50]:
        hits = fts_hits(conn, word)
        if 150 <= hits <= 700:
            return word, hits
    raise SystemExit("no search word hits a few hundred articles")


def fts_hits(conn: sqlite3.Connection, word: str) -> int:
    """How many articles the full-text search for ``word`` matches."""
    return conn.execute(
        "select count(*) from articles_fts where articles_fts match escape_fts(?)", [word]
    ).fetchone()[0]


def common_word(df: Counter) -> str:
    """The word in the most base articles: the worst case of a search, which
    matches most of the database."""
    return min(df, key=lambda w: (-df[w], w))


# --------------------------------------------------------------------- server


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(package_dir: Path, log_path: Path) -> tuple[subprocess.Popen, str]:
    """Start Datasette with newsfacts' own command line; the process and base URL."""
    port = free_port()
    command = datasette_command(package_dir, "127.0.0.1", port)
    log("command: " + " ".join(command))
    log_file = log_path.open("w")
    proc = subprocess.Popen(command, stdout=log_file, stderr=subprocess.STDOUT, cwd=WORK)
    return proc, f"http://127.0.0.1:{port}"


def wait_ready(proc: subprocess.Popen, base_url: str, log_path: Path, timeout=180) -> float:
    """Poll /-/versions.json until it answers; seconds waited."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if proc.poll() is not None:
            raise SystemExit(f"datasette exited ({proc.returncode}):\n{log_path.read_text()}")
        try:
            if httpx.get(f"{base_url}/-/versions.json", timeout=5).status_code == 200:
                return time.perf_counter() - started
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"datasette did not answer in {timeout} s")


def stop_server(proc: subprocess.Popen) -> None:
    """Terminate the server and wait for it (kill if it will not stop)."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    log(f"server stopped (exit code {proc.returncode})")


# ------------------------------------------------------------------- queries


def queries(
    article_columns: list[str], publisher: str, word: str, common: str, facets: list[str]
) -> list[dict]:
    """The measured queries: URL, and the SQL Datasette runs for it.

    ``core`` is the single statement compared with Datasette; ``page`` is every
    statement a Datasette table page runs (page, count(*), configured facets
    plus any requested with ``_facet``), in the forms of datasette 0.65
    (views/table.py, filters.py, facets.py).
    """
    cols = ", ".join(escape_sqlite(c) for c in article_columns)
    fts = "rowid in (select rowid from articles_fts where articles_fts match escape_fts(:search))"
    specs = [
        ("a. table page JSON", "/newsfacts/articles.json?_size=50", "", {}, 50, []),
        (
            "b. filtered page JSON",
            "/newsfacts/articles.json?"
            + str(httpx.QueryParams({"publisher": publisher, "_size": 50})),
            'where "publisher" = :p0 ',
            {"p0": publisher},
            50,
            [],
        ),
        (
            # A facet a user adds to the configured one (asking for publisher
            # again would make Datasette run it twice).
            "c. facet date JSON",
            "/newsfacts/articles.json?_facet=published_date&_size=0",
            "",
            {},
            0,
            ["published_date"],
        ),
        (
            "d. FTS search JSON",
            "/newsfacts/articles.json?" + str(httpx.QueryParams({"_search": word, "_size": 50})),
            f"where {fts} ",
            {"search": word},
            50,
            [],
        ),
        ("e. table page HTML", "/newsfacts/articles?_size=50", "", {}, 50, []),
        (
            "f. FTS common word JSON",
            "/newsfacts/articles.json?" + str(httpx.QueryParams({"_search": common, "_size": 50})),
            f"where {fts} ",
            {"search": common},
            50,
            [],
        ),
    ]
    out = []
    for name, url, where, params, size, requested in specs:
        page = f"select {cols} from articles {where}order by article_id limit {size + 1}"
        facet_sql = [
            facet_query(c, f"select {cols} from articles {where}") for c in facets + requested
        ]
        core = facet_sql[-1] if requested else page
        out.append(
            {
                "name": name,
                "url": url,
                "params": params,
                "core": core,
                "page_sql": [page, f"select count(*) from articles {where}", *facet_sql],
            }
        )
    # The canned query that ranks matches instead of counting and faceting them
    # all: a query page runs its SQL and nothing else.
    ranked = CANNED_QUERIES["search_articles"]["sql"]
    out.append(
        {
            "name": "g. ranked search, common",
            "url": "/newsfacts/search_articles.json?" + str(httpx.QueryParams({"words": common})),
            "params": {"words": common},
            "core": ranked,
            "page_sql": [ranked],
        }
    )
    return out


def facet_query(column: str, inner: str) -> str:
    """Datasette's column facet SQL (facet size 20, so limit 21)."""
    col = escape_sqlite(column)
    return (
        f"select {col} as value, count(*) as count from ( {inner} ) where {col} is not null "
        f"group by {col} order by count desc, value limit 21"
    )


def percentiles(samples: list[float]) -> tuple[float, float]:
    """(median, nearest-rank 95th percentile) in milliseconds."""
    ordered = sorted(samples)
    p95 = ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]
    return statistics.median(ordered) * 1000, p95 * 1000


def time_http(client: httpx.Client, url: str, repeats: int) -> tuple[list[float], httpx.Response]:
    """Per-request seconds (send to last byte) after the warm-up; the last response."""
    samples = []
    for i in range(WARMUP + repeats):
        started = time.perf_counter()
        response = client.get(url)
        _ = response.content
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}: {response.text[:300]}")
        if i >= WARMUP:
            samples.append(elapsed)
    return samples, response


def time_sql(
    conn: sqlite3.Connection, statements: list[str], params: dict, repeats: int
) -> list[float]:
    """Seconds to execute and fetch all of ``statements``, per repetition, after warm-up."""
    samples = []
    for i in range(WARMUP + repeats):
        started = time.perf_counter()
        for sql in statements:
            conn.execute(sql, params).fetchall()
        elapsed = time.perf_counter() - started
        if i >= WARMUP:
            samples.append(elapsed)
    return samples


def normalise_sql(sql: str) -> str:
    """Whitespace-collapsed SQL for comparing with what Datasette reports."""
    return " ".join(sql.split())


def check_response(query: dict, response: httpx.Response) -> dict:
    """Facts about one response: rows, count, facets, timed-out facets, same SQL."""
    if not query["url"].split("?")[0].endswith(".json"):
        return {"bytes": len(response.content), "html": "<table" in response.text}
    data = response.json()
    facets = {k: len(v.get("results", [])) for k, v in data.get("facet_results", {}).items()}
    reported = (data.get("query") or {}).get("sql", "")
    return {
        "bytes": len(response.content),
        "rows": len(data.get("rows", [])),
        "count": data.get("filtered_table_rows_count"),
        "facets": facets,
        "facets_timed_out": data.get("facets_timed_out", []),
        "same_sql": normalise_sql(reported) == normalise_sql(query["page_sql"][0]),
        "reported_sql": reported,
    }


def measure(base_url: str, db: Path, qs: list[dict], repeats: int) -> list[dict]:
    """Time every query over HTTP, then with sqlite3 on the same file."""
    results = []
    with httpx.Client(base_url=base_url, timeout=60) as client:
        for q in qs:
            samples, response = time_http(client, q["url"], repeats)
            results.append({**q, "http": samples, "check": check_response(q, response)})
            p50, p95 = percentiles(samples)
            log(f"datasette {q['name']}: p50 {p50:.1f} ms, p95 {p95:.1f} ms")
    conn = sqlite3.connect(f"file:{db}?immutable=1", uri=True, check_same_thread=False)
    # Set up as the server's connections are (memory map, text decoding): the
    # comparison is then of the same SQL on the same connection settings.
    prepare_reader(conn)
    conn.create_function("escape_fts", 1, escape_fts)
    for r in results:
        r["sqlite_core"] = time_sql(conn, [r["core"]], r["params"], repeats)
        r["sqlite_page"] = time_sql(conn, r["page_sql"], r["params"], repeats)
        p50, p95 = percentiles(r["sqlite_core"])
        log(f"sqlite3   {r['name']}: p50 {p50:.2f} ms, p95 {p95:.2f} ms")
    conn.close()
    return results


# ------------------------------------------------------------------- report


def summarise(r: dict) -> dict:
    """The numbers printed for one query."""
    d50, d95 = percentiles(r["http"])
    s50, s95 = percentiles(r["sqlite_core"])
    p50, p95 = percentiles(r["sqlite_page"])
    return {
        "query": r["name"],
        "url": r["url"],
        "datasette_p50_ms": d50,
        "datasette_p95_ms": d95,
        "sqlite_p50_ms": s50,
        "sqlite_p95_ms": s95,
        "ratio": d50 / s50 if s50 else None,
        "overhead_ms": d50 - s50,
        "page_sql_p50_ms": p50,
        "page_sql_p95_ms": p95,
        "page_ratio": d50 / p50 if p50 else None,
        "core_sql": r["core"],
        "page_sql": r["page_sql"],
        "check": r["check"],
    }


def print_table(rows: list[dict]) -> None:
    """The results table and the targets."""
    head = (
        f"{'query':<24} {'ds p50':>8} {'ds p95':>8} {'sql p50':>8} {'sql p95':>8} "
        f"{'ratio':>7} {'+ms':>7} | {'pageSQL p50':>11} {'ratio':>6}"
    )
    print("\n" + head + "\n" + "-" * len(head))
    for s in rows:
        print(
            f"{s['query']:<24} {s['datasette_p50_ms']:>8.1f} {s['datasette_p95_ms']:>8.1f} "
            f"{s['sqlite_p50_ms']:>8.2f} {s['sqlite_p95_ms']:>8.2f} {s['ratio']:>6.1f}x "
            f"{s['overhead_ms']:>7.1f} | {s['page_sql_p50_ms']:>11.2f} "
            f"{s['page_ratio']:>5.1f}x"
        )
    print(
        "(ms; 'sql' = the core statement with sqlite3; '+ms' = datasette p50 - sqlite3 p50;"
        "\n 'pageSQL' = all statements a Datasette page runs: page, count(*), facets)"
    )
    print(
        f"\nTargets: p95 < {TARGET_P95_MS:.0f} ms; Datasette p50 < {TARGET_RATIO:.0f}x "
        "bare sqlite3 p50 (for sub-millisecond SQL the ratio measures the fixed HTTP/ASGI "
        "cost, see '+ms')."
    )
    for s in rows:
        fast = "PASS" if s["datasette_p95_ms"] < TARGET_P95_MS else "FAIL"
        ratio = "PASS" if s["ratio"] and s["ratio"] < TARGET_RATIO else "FAIL"
        print(
            f"  {s['query']:<24} p95 {s['datasette_p95_ms']:6.1f} ms {fast}; "
            f"overhead {s['ratio']:5.1f}x {ratio} (+{s['overhead_ms']:.1f} ms; "
            f"{s['page_ratio']:.1f}x the page's full SQL)"
        )


def print_checks(rows: list[dict]) -> None:
    """What each response held: rows, counts, facets, and whether the SQL matched."""
    print("\nResponse checks:")
    for s in rows:
        c = s["check"]
        if "rows" not in c:
            print(f"  {s['query']:<24} {c['bytes']} bytes, has a <table>: {c['html']}")
            continue
        print(
            f"  {s['query']:<24} {c['rows']} rows of {c['count']}, {c['bytes']} bytes; "
            f"facets {c['facets']}; timed out: {c['facets_timed_out'] or 'none'}; "
            f"page SQL as Datasette reports it: {'same' if c['same_sql'] else 'DIFFERENT'}"
        )
        if not c["same_sql"]:
            print(f"      datasette: {c['reported_sql']}\n      ours:      {s['page_sql'][0]}")


# ---------------------------------------------------------------------- main


def parse_args() -> argparse.Namespace:
    """Command-line options."""
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--base-files", type=int, default=1500, help="corpus files in the base")
    p.add_argument("--articles", type=int, default=100_000, help="articles after replication")
    p.add_argument("--requests", type=int, default=40, help="timed requests per query")
    p.add_argument("--keep", action="store_true", help=f"reuse {BASE_DIR} if it exists")
    p.add_argument("--json", type=Path, help="write the results to this file")
    return p.parse_args()


def prepare(args: argparse.Namespace) -> dict:
    """Steps 1 and 2: the base package and its replicated copy."""
    WORK.mkdir(parents=True, exist_ok=True)
    if args.keep and (BASE_DIR / "datapackage.json").exists():
        with step("1. base package (kept)"):
            if not database_path(BASE_DIR).exists():
                publish(BASE_DIR)
            log(f"reusing {BASE_DIR} ({size_mb(database_path(BASE_DIR)):.1f} MB database)")
    else:
        with step(f"1. build + publish base package from {args.base_files} corpus files"):
            build_base(args.base_files, BASE_DIR)
    with step(f"2. replicate to >= {args.articles} articles"):
        info = replicate(BASE_DIR, REPLICA_DIR, args.articles)
    return info


def main() -> None:
    """Run every step and print the report."""
    args = parse_args()
    total_started = time.perf_counter()
    info = prepare(args)
    db = database_path(REPLICA_DIR)
    conn = sqlite3.connect(f"file:{db}?immutable=1", uri=True)
    conn.create_function("escape_fts", 1, escape_fts)
    article_columns = columns(conn, "articles")
    with step("choose filter value and search word"):
        publisher, publisher_n = common_publisher(conn)
        df = document_frequencies(database_path(BASE_DIR))
        word, word_n = search_word(df, conn, info["copies"])
        common = common_word(df)
        common_n = fts_hits(conn, common)
        articles = conn.execute("select count(*) from articles").fetchone()[0]
        log(
            f"publisher {publisher!r}: {publisher_n} articles; search {word!r}: {word_n} "
            f"articles; common word {common!r}: {common_n} articles"
        )
    conn.close()
    facets = datasette_metadata(REPLICA_DIR)["databases"]["newsfacts"]["tables"]["articles"]
    qs = queries(article_columns, publisher, word, common, list(facets.get("facets", [])))
    log_path = WORK / "datasette.log"
    proc = None
    try:
        with step("3. start datasette"):
            proc, base_url = start_server(REPLICA_DIR, log_path)
            log(f"answering after {wait_ready(proc, base_url, log_path):.1f} s at {base_url}")
        with step(f"4+5. measure ({WARMUP} warm-up + {args.requests} timed requests each)"):
            results = measure(base_url, db, qs, args.requests)
    finally:
        if proc is not None:
            with step("7. stop datasette"):
                stop_server(proc)
    rows = [summarise(r) for r in results]
    words = f"{word!r} (common: {common!r})"
    report(info, articles, db, publisher, words, rows)
    STEP_SECONDS["total"] = time.perf_counter() - total_started
    print("\nStep times: " + ", ".join(f"{k}: {v:.1f} s" for k, v in STEP_SECONDS.items()))
    if args.json:
        write_json(args.json, info, articles, db, publisher, words, rows)


def report(
    info: dict, articles: int, db: Path, publisher: str, word: str, rows: list[dict]
) -> None:
    """Print the data set description, the table, the targets and the checks."""
    print("\n" + "=" * 78)
    print(
        f"Data: {info['base_articles']} articles built from real corpus files, REPLICATED "
        f"{info['copies']} TIMES with DISTINCT ids\n      (articles, mentions, facts, "
        "duplicates copied; entities shared, their counts recomputed)."
    )
    print(
        f"Database: {db} — {articles} articles, {info['db_mb']:.0f} MB; rows "
        + ", ".join(f"{t} {n}" for t, n in info["rows"].items())
    )
    print(f"Filter publisher = {publisher!r}; search word {word}.")
    print_table(rows)
    print_checks(rows)


def write_json(
    path: Path, info: dict, articles: int, db: Path, publisher: str, word: str, rows: list[dict]
) -> None:
    """Write everything printed as JSON."""
    payload = {
        "replication": info,
        "articles": articles,
        "database": str(db),
        "publisher": publisher,
        "search_word": word,
        "warmup": WARMUP,
        "results": rows,
        "step_seconds": STEP_SECONDS,
        "targets": {"p95_ms": TARGET_P95_MS, "ratio": TARGET_RATIO},
    }
    path.write_text(json.dumps(payload, indent=2, default=str), encoding="utf-8")
    print(f"results written to {path}")


if __name__ == "__main__":
    main()
