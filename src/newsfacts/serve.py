"""Serving a data package with Datasette: metadata from the schemas, fast
settings, our article and entity pages, and the server itself.

The metadata is generated, never written by hand: titles, descriptions,
column descriptions, facets, sortable and label columns all come from
``schemas/``; the canned queries are the questions users ask first.
"""

from __future__ import annotations

import html
import json
import sqlite3
import subprocess
import sys
from importlib import resources
from pathlib import Path

from newsfacts.__about__ import __version__
from newsfacts.publish import DATABASE_NAME, database_path, is_stale, publish
from newsfacts.schemas import all_schemas

# Datasette settings that keep large tables fast and facets honest: facet
# suggestions scan every column and dominate page time at 100k rows; a facet
# that times out comes back empty without a word, so its limit is generous.
SETTINGS = {
    "suggest_facets": "off",
    "facet_time_limit_ms": "3000",
    "sql_time_limit_ms": "5000",
    "default_page_size": "50",
    "max_returned_rows": "2000",
    "default_facet_size": "20",
}

# Threads Datasette runs SQL on. 0: on the event loop's own thread, which
# for one user answers about 40% faster (no hand-off to a pool, no GIL
# contention with it; benchmarks/serve.py) and still stops a query at
# sql_time_limit_ms. A server shared by many users wants a pool (Datasette's
# default is 3), so that one slow query does not hold up the others.
DEFAULT_SQL_THREADS = 0

# Bytes of the database file a reading connection maps into memory. A search
# for a common word looks up tens of thousands of article rows, one 4 KB page
# each: through SQLite's own 2 MB page cache every lookup is a read() call,
# through a map it is a memory access (benchmarks/serve.py, 100,500 articles:
# a word in 65,660 articles searched in 259 ms instead of 460 ms at p50, the
# table page in 22.7 ms instead of 25.2 ms). SQLite lowers it to its build's maximum (2 GB in
# common builds), so the rest of a larger file is read as before. The database
# is never written in place (publish renames a new file over it), so the map
# never sees a file shrink under it.
READ_MMAP_BYTES = 1 << 33


def prepare_reader(conn: sqlite3.Connection) -> None:
    """Set up a connection that reads a published newsfacts database.

    ``newsfacts publish`` writes every value from Python strings, so all text
    is valid UTF-8 and sqlite3's own decoder (in C) returns the same strings
    as Datasette's lenient one (a Python function per value; the search page's
    50 bodies fetched in 3.1 ms instead of 3.45 ms).
    """
    conn.text_factory = str
    conn.execute(f"PRAGMA mmap_size = {READ_MMAP_BYTES}")


CANNED_QUERIES = {
    "search_articles": {
        "title": "Search articles by relevance",
        "description": "Articles matching the words (stemmed, as in the table's search), "
        "most relevant first (bm25), with an excerpt around the matches. It neither "
        "counts nor facets every match, so a word found in most articles answers at "
        "once where the articles table's search box is slow.",
        "sql": """select a.article_id, a.title, a.published_date, a.publisher,
  snippet(articles_fts, 1, '«', '»', ' … ', 24) as excerpt
from articles_fts
join articles a on a.rowid = articles_fts.rowid
-- no words: an empty phrase, which matches nothing (a bare '' is an FTS5 syntax error)
where articles_fts match coalesce(nullif(escape_fts(:words), ''), '""')
order by rank
limit 100""",
    },
    "top_entities": {
        "title": "Top entities in a date range",
        "description": "Entities mentioned in the most articles published between two dates.",
        "sql": """select e.entity_id, e.name, e.type, count(distinct m.article_id) as articles,
  count(*) as mentions
from mentions m
join articles a on a.article_id = m.article_id
join entities e on e.entity_id = m.entity_id
where coalesce(a.published_date, '') between :start_date and :end_date
group by e.entity_id
order by articles desc, mentions desc
limit 100""",
    },
    "facts_about_entity": {
        "title": "All facts about an entity",
        "description": "Facts whose subject, object or source is the entity (name or id).",
        "sql": """select f.kind, f.text, f.value_number, f.unit, f.value_date, f.source_text,
  a.title, a.published_date, f.article_id, f.fact_id
from facts f
join articles a on a.article_id = f.article_id
join entities e on e.entity_id in (f.subject_entity_id, f.object_entity_id, f.source_entity_id)
where e.name = :entity or e.entity_id = :entity
order by a.published_date desc""",
    },
    "coverage_over_time": {
        "title": "An entity's coverage over time",
        "description": "Articles and mentions per month for an entity (name or id), oldest "
        "first; articles without a date are left out. The charting options under the query "
        "draw it as a line.",
        # Mentions counted per article first: one article lookup per article,
        # not per mention (twice as fast for the most mentioned entity of
        # 100,000 articles: 165 ms against 331 ms).
        "sql": """select substr(a.published_date, 1, 7) as month, count(*) as articles,
  sum(m.mentions) as mentions
from (
  select m.article_id, count(*) as mentions
  from mentions m join entities e on e.entity_id = m.entity_id
  where e.name = :entity or e.entity_id = :entity
  group by m.article_id
) m
join articles a on a.article_id = m.article_id
where a.published_date is not null
group by month
order by month""",
    },
    "quotes_by_speaker": {
        "title": "Quotes by a speaker",
        "description": "Direct quotations attributed to a person (name as in the entities table).",
        "sql": """select f.text, f.source_text, a.title, a.published_date, f.article_id
from facts f
join articles a on a.article_id = f.article_id
left join entities e on e.entity_id = f.source_entity_id
where f.kind = 'quote' and (e.name = :speaker or f.source_text = :speaker)
order by a.published_date desc""",
    },
    "articles_mentioning_two_entities": {
        "title": "Articles mentioning two entities",
        "description": "Articles that mention both entities (names as in the entities table).",
        "sql": """select a.article_id, a.title, a.published_date, a.publisher
from articles a
where a.article_id in (
    select m.article_id from mentions m join entities e on e.entity_id = m.entity_id
    where e.name = :entity_a)
  and a.article_id in (
    select m.article_id from mentions m join entities e on e.entity_id = m.entity_id
    where e.name = :entity_b)
order by a.published_date desc""",
    },
}


def datasette_metadata(package_dir: Path) -> dict:
    descriptor = json.loads((Path(package_dir) / "datapackage.json").read_text(encoding="utf-8"))
    licence = (descriptor.get("licenses") or [{}])[0]
    tables = {}
    for schema in all_schemas():
        hints = schema.datasette
        table = {
            "title": schema.descriptor.get("title", schema.name),
            "description": schema.descriptor.get("description", ""),
            "columns": {f["name"]: f.get("description", f.get("title", "")) for f in schema.fields},
        }
        for key in ("facets", "label_column"):
            if key in hints:
                table[key] = hints[key]
        if "sortable_columns" in hints:
            # The primary key stays sortable: Datasette's own search and filter
            # forms submit the current sort, which defaults to it.
            table["sortable_columns"] = list(
                dict.fromkeys(schema.primary_key + hints["sortable_columns"])
            )
        tables[schema.name] = table
    # The table's search box counts and facets every match: 0.15–0.25 s for a
    # word found in most of 100,000 articles (benchmarks/serve.py). Where people
    # search, point them to the ranked query, which answers that in 0.1 s. The
    # link is relative to the table's page, so it holds under any base URL.
    search = CANNED_QUERIES["search_articles"]
    tables["articles"]["description_html"] = (
        f"{html.escape(tables['articles']['description'])} To search by relevance, with "
        f'excerpts, fast for common words too: <a href="search_articles">{search["title"]}</a>.'
    )
    for hidden in ("_newsfacts_info",):
        tables[hidden] = {"hidden": True}
    tables["entity_cooccurrence"] = {
        "title": "Entity co-occurrence",
        "description": "Pairs of entities mentioned in the same articles, with how many.",
        "sortable_columns": ["articles"],
    }
    sources = _named_inputs(descriptor.get("sources", []))
    return {
        "title": descriptor.get("title", "newsfacts"),
        "description": f"Data package version {descriptor.get('version')}, built by "
        f"newsfacts {__version__} from: {sources}.",
        "license": licence.get("name"),
        "license_url": licence.get("path"),
        "source": f"newsfacts data package {descriptor.get('version')} ({sources})",
        "databases": {DATABASE_NAME: {"tables": tables, "queries": CANNED_QUERIES}},
    }


# Datasette prints the source in the footer of every page: a build from a
# glob of 1,500 files named every file there, 34 KB of names per page.
_NAMED_INPUTS = 5


def _named_inputs(sources: list[dict]) -> str:
    """The package's inputs as a phrase: all of them when they are few, the
    first few and how many more otherwise (the sources table lists them all)."""
    names = [s.get("title", "") for s in sources]
    if len(names) <= _NAMED_INPUTS:
        return ", ".join(names)
    more = len(names) - _NAMED_INPUTS
    return f"{', '.join(names[:_NAMED_INPUTS])} and {more:,} more inputs (see the sources table)"


def site_dir() -> Path:
    return Path(str(resources.files("newsfacts") / "site"))


def datasette_command(
    package_dir: Path, host: str, port: int, sql_threads: int = DEFAULT_SQL_THREADS
) -> list[str]:
    """The ``datasette serve`` command line for a package (database built if stale)."""
    package_dir = Path(package_dir)
    if is_stale(package_dir):
        publish(package_dir)
    metadata_path = package_dir / ".datasette-metadata.json"
    metadata_path.write_text(
        json.dumps(datasette_metadata(package_dir), indent=2, sort_keys=True), encoding="utf-8"
    )
    command = [
        sys.executable,
        "-m",
        "datasette",
        "serve",
        "-i",
        str(database_path(package_dir)),
        "--metadata",
        str(metadata_path),
        "--template-dir",
        str(site_dir() / "templates"),
        "--plugins-dir",
        str(site_dir() / "plugins"),
        "--host",
        host,
        "--port",
        str(port),
    ]
    for name, value in SETTINGS.items():
        command += ["--setting", name, value]
    command += ["--setting", "num_sql_threads", str(sql_threads)]
    return command


def serve(
    package_dir: str | Path = "datapackage",
    host: str = "127.0.0.1",
    port: int = 8001,
    sql_threads: int = DEFAULT_SQL_THREADS,
) -> int:
    """Run Datasette in the foreground on the package's database; its exit code."""
    return subprocess.call(datasette_command(Path(package_dir), host, port, sql_threads))
