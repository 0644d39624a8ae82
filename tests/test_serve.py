"""A real Datasette server over a database built from real corpus articles,
checked through HTTP JSON, and a real browser (Debian's Chromium) on its pages."""

from __future__ import annotations

import asyncio
import json
import os
import re
import socket
import sqlite3
import subprocess
import time
from collections import Counter, defaultdict
from pathlib import Path

import httpx
import pyarrow.parquet as pq
import pytest

import newsfacts
from newsfacts.publish import database_path, publish
from newsfacts.schemas import all_schemas
from newsfacts.serve import CANNED_QUERIES, datasette_command, datasette_metadata, site_dir
from tests.conftest import CORPUS, SEED, require

ARTIFACTS = Path(__file__).resolve().parents[1] / "build" / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _corpus_inputs() -> list[Path]:
    require(CORPUS)
    bbc = sorted((CORPUS / "bbc-fulltext").rglob("*.txt"))[::60]
    records = sorted((CORPUS / "article-bias-prediction" / "jsons").glob("*.json"))[::60]
    return [SEED, *bbc, *records]


@pytest.fixture(scope="module")
def package(tmp_path_factory):
    out = tmp_path_factory.mktemp("served") / "package"
    newsfacts.build(_corpus_inputs(), out)
    publish(out)
    return out


def _start_server(package: Path, **options):
    """A real Datasette on a free port over the package; yields its base URL."""
    port = _free_port()
    process = subprocess.Popen(
        datasette_command(package, "127.0.0.1", port, **options),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/-/versions.json", timeout=2).status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.3)
    else:
        process.kill()
        pytest.fail(f"datasette did not start: {process.stdout.read().decode()[-2000:]}")
    try:
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def server(package):
    yield from _start_server(package)


def _json(url: str, **params):
    response = httpx.get(url, params=params, timeout=30)
    assert response.status_code == 200, (url, response.text[:500])
    return response.json()


def test_sql_runs_on_the_server_thread_unless_a_pool_is_asked_for(server, package):
    assert _json(f"{server}/-/settings.json")["num_sql_threads"] == 0
    pooled = _start_server(package, sql_threads=3)
    base = next(pooled)
    try:
        assert _json(f"{base}/-/settings.json")["num_sql_threads"] == 3
        found = _json(f"{base}/newsfacts/articles.json", _search="the", _size=1)
        assert found["filtered_table_rows_count"] > 0
    finally:
        pooled.close()


def test_the_served_database_is_read_through_a_memory_map(package, tmp_path):
    # Datasette as `serve` runs it (immutable, our plugins), beside a database
    # of someone else's, which must keep Datasette's own connection settings.
    from datasette.app import Datasette

    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("create table t (x)")
    ds = Datasette(
        [str(other)],
        immutables=[str(database_path(package))],
        plugins_dir=str(site_dir() / "plugins"),
    )

    def settings(conn):
        return conn.execute("pragma mmap_size").fetchone()[0], conn.text_factory

    async def both():
        return [await ds.databases[name].execute_fn(settings) for name in ("newsfacts", "other")]

    (ours_map, ours_text), (their_map, their_text) = asyncio.run(both())
    assert ours_map > 0 and ours_text is str
    assert their_map == 0 and their_text is not str


def test_table_row_counts_equal_parquet_row_counts(server, package):
    for schema in all_schemas():
        expected = pq.ParquetFile(package / "data" / f"{schema.name}.parquet").metadata.num_rows
        data = _json(f"{server}/newsfacts/{schema.name}.json", _size=1)
        assert data["filtered_table_rows_count"] == expected, schema.name
    assert expected >= 0


def test_mentions_link_to_their_article_and_entity(server):
    rows = _json(f"{server}/newsfacts/mentions.json", _labels="on", _size=5, _shape="array")
    assert rows
    for row in rows:
        assert row["article_id"]["label"] and row["entity_id"]["label"]
        article = _json(
            f"{server}/newsfacts/articles/{row['article_id']['value']}.json", _shape="array"
        )
        body = article[0]["body"]
        assert body[row["start"] : row["end"]] == row["text"]


def _cooccurrence_by_sql(conn) -> list[tuple]:
    """Pairs of entities (in 2+ articles) named together in 2+ articles: the
    definition, as a SQL self-join of the published mentions."""
    return conn.execute(
        """with pairs as (
             select distinct m.article_id, m.entity_id from mentions m
             join entities e on e.entity_id = m.entity_id where e.article_count >= 2)
           select a.entity_id, b.entity_id, count(*) from pairs a
           join pairs b on a.article_id = b.article_id and a.entity_id < b.entity_id
           group by 1, 2 having count(*) >= 2 order by 1, 2"""
    ).fetchall()


def test_cooccurrence_counts_the_articles_naming_both_entities(package, tmp_path, monkeypatch):
    import importlib
    import shutil
    import sqlite3

    from newsfacts.publish import database_path

    with sqlite3.connect(database_path(package)) as conn:
        expected = _cooccurrence_by_sql(conn)
        table = "select entity_a, entity_b, articles from entity_cooccurrence order by rowid"
        assert len(expected) > 10 and conn.execute(table).fetchall() == expected
    # An article's mentions cut across row groups count once all the same, and
    # counts merged many times add up.
    monkeypatch.setattr(importlib.import_module("newsfacts.publish"), "_MERGE_CODES", 16)
    shutil.copytree(package / "data", tmp_path / "data")
    shutil.copy(package / "datapackage.json", tmp_path)
    mentions = pq.read_table(package / "data" / "mentions.parquet")
    pq.write_table(mentions, tmp_path / "data" / "mentions.parquet", row_group_size=3)
    publish(tmp_path)
    with sqlite3.connect(database_path(tmp_path)) as conn:
        assert conn.execute(table).fetchall() == expected


def test_an_entity_page_links_to_the_place_s_wikidata_and_geonames_pages(server):
    rows = _json(
        f"{server}/newsfacts/entities.json", name="Russia", place_kind="country", _shape="array"
    )
    assert len(rows) == 1 and rows[0]["wikidata_id"] == "Q159"
    page = httpx.get(f"{server}/newsfacts/entities/{rows[0]['entity_id']}", timeout=30).text
    assert '<a href="https://www.wikidata.org/wiki/Q159">Q159</a>' in page
    geonames = rows[0]["geonames_id"]
    assert f'<a href="https://www.geonames.org/{geonames}">{geonames}</a>' in page


def test_text_is_served_exactly_as_the_package_holds_it(server, package):
    # The plugin hands decoding to sqlite3 for this database; curly quotes,
    # accents and dashes must come back as the Parquet file has them.
    expected = pq.read_table(
        package / "data" / "articles.parquet", columns=["article_id", "title", "body"]
    ).to_pylist()
    rows = _json(
        f"{server}/newsfacts/articles.json",
        _col=["title", "body"],
        _size="max",
        _shape="array",
    )
    assert {r["article_id"]: (r["title"], r["body"]) for r in rows} == {
        r["article_id"]: (r["title"], r["body"]) for r in expected
    }
    assert any(not r["body"].isascii() for r in expected)


def test_full_text_search_finds_a_known_article(server):
    rows = _json(f"{server}/newsfacts/articles.json", _search="Dushanbe", _shape="array")
    assert any(r["title"].startswith("Russia Holds Military Drills") for r in rows)


def test_the_articles_page_points_to_the_ranked_search(server):
    page = httpx.get(f"{server}/newsfacts/articles", timeout=30)
    assert page.status_code == 200
    link = re.search(r'<a href="([^"]+)">Search articles by relevance</a>', page.text)
    assert link, "no link to the ranked search on the articles page"
    target = httpx.get(str(httpx.URL(f"{server}/newsfacts/articles").join(link.group(1))))
    assert target.status_code == 200 and "words" in target.text


def test_publisher_facet_returns_counts(server):
    data = _json(f"{server}/newsfacts/articles.json", _facet="publisher", _size=0)
    results = data["facet_results"]["publisher"]["results"]
    assert results and all(r["count"] > 0 for r in results)
    assert not data["facet_results"]["publisher"]["truncated"] or len(results) >= 20


@pytest.mark.parametrize("query", sorted(CANNED_QUERIES))
def test_each_canned_query_runs(server, query):
    params = {
        "start_date": "2000-01-01",
        "end_date": "2030-12-31",
        "entity": "Russia",
        "speaker": "Barack Obama",
        "entity_a": "Russia",
        "entity_b": "Tajikistan",
        "words": "Dushanbe drills",
    }
    data = _json(f"{server}/newsfacts/{query}.json", _shape="objects", **params)
    assert "rows" in data
    if query == "search_articles":
        assert data["rows"][0]["title"].startswith("Russia Holds Military Drills")
        assert "«Dushanbe»" in data["rows"][0]["excerpt"]
    if query == "top_entities":
        assert data["rows"] and data["rows"][0]["articles"] >= 1
    if query == "articles_mentioning_two_entities":
        assert any(r["title"].startswith("Russia Holds") for r in data["rows"])


def test_coverage_over_time_counts_an_entity_s_articles_and_mentions_by_month(server, package):
    def table(name, columns):
        return pq.read_table(package / "data" / f"{name}.parquet", columns=columns).to_pylist()

    ids = {
        e["entity_id"] for e in table("entities", ["entity_id", "name"]) if e["name"] == "Russia"
    }
    dates = {
        a["article_id"]: a["published_date"]
        for a in table("articles", ["article_id", "published_date"])
    }
    articles, mentions = defaultdict(set), Counter()
    for m in table("mentions", ["article_id", "entity_id"]):
        if m["entity_id"] in ids and dates[m["article_id"]] is not None:
            month = f"{dates[m['article_id']]:%Y-%m}"
            articles[month].add(m["article_id"])
            mentions[month] += 1
    assert len(articles) >= 2, "the fixture should date Russia's articles in several months"
    rows = _json(f"{server}/newsfacts/coverage_over_time.json", entity="Russia", _shape="array")
    assert [(r["month"], r["articles"], r["mentions"]) for r in rows] == [
        (month, len(articles[month]), mentions[month]) for month in sorted(articles)
    ]


def test_metadata_has_every_column_description_from_the_schemas(server, package):
    served = _json(f"{server}/-/metadata.json")
    generated = datasette_metadata(package)
    assert served["license"] == generated["license"] == "CC0-1.0"
    for schema in all_schemas():
        columns = served["databases"]["newsfacts"]["tables"][schema.name]["columns"]
        for field in schema.fields:
            assert columns.get(field["name"]), (schema.name, field["name"])
            assert columns[field["name"]] == field["description"]


def test_pages_name_a_few_inputs_not_every_one(server, package):
    # The fixture builds from ~70 inputs given one by one (as a shell glob
    # gives them); every page's footer carries the source line.
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    inputs = [s["title"] for s in descriptor["sources"]]
    assert len(inputs) > 10
    page = httpx.get(f"{server}/newsfacts/entities", timeout=30).text
    assert inputs[0] in page
    assert inputs[-1] not in page
    assert f"and {len(inputs) - 5:,} more inputs (see the sources table)" in page


def _browser():
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        message = "Debian chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    manager = sync_playwright().start()
    browser = manager.chromium.launch(
        executable_path=str(CHROMIUM),
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    )
    return manager, browser


@pytest.fixture(scope="module")
def page():
    manager, browser = _browser()
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    yield page
    browser.close()
    manager.stop()


def test_browser_index_article_entity_and_search(server, page):
    page.goto(f"{server}/")
    assert "newsfacts" in page.content()
    page.screenshot(path=str(ARTIFACTS / "index.png"))

    page.goto(f"{server}/newsfacts/articles?_search=Dushanbe")
    row = page.locator("tr", has_text="Russia Holds Military Drills in Tajikistan")
    row.locator("td a").first.click()
    page.wait_for_selector(".nf-body")
    assert page.inner_text("h1.nf-title").startswith("Russia Holds Military Drills")
    highlighted = page.locator(".nf-body a.nf-ent").all_inner_texts()
    assert "Dushanbe" in highlighted and "Interfax" in highlighted
    sidebar = page.inner_text(".nf-entities")
    assert "Collective Security Treaty Organization" in sidebar
    page.screenshot(path=str(ARTIFACTS / "article.png"), full_page=True)

    page.click(".nf-body a.nf-ent:text('Dushanbe')")
    page.wait_for_selector(".nf-entity-articles")
    assert "Russia Holds Military Drills" in page.inner_text(".nf-entity-articles")
    assert "TJ" in page.content()
    page.screenshot(path=str(ARTIFACTS / "entity.png"), full_page=True)

    page.goto(f"{server}/newsfacts/articles")
    page.fill("input#_search", "Interfax")
    page.press("input#_search", "Enter")
    page.wait_for_load_state()
    assert "Russia Holds Military Drills" in page.content()
    page.screenshot(path=str(ARTIFACTS / "search.png"))


def test_browsers_may_keep_static_files_but_not_pages(server):
    page = httpx.get(f"{server}/newsfacts/articles", timeout=30)
    scripts = re.findall(r'<script src="(/-/static[^"]+)"', page.text)
    assert any("datasette_vega" in s for s in scripts) and len(scripts) >= 2
    for script in scripts:
        response = httpx.get(f"{server}{script}", timeout=30)
        assert response.status_code == 200
        assert response.headers["cache-control"] == "public, max-age=3600", script
    # Pages keep Datasette's own short cache time (default_cache_ttl).
    assert page.headers["cache-control"] != "public, max-age=3600"


def test_browser_charts_an_entity_s_coverage_from_its_page(server, page):
    # datasette-vega draws a query's rows; the entity page links to its
    # coverage query with the chart's options in the URL, so one click draws it.
    russia = _json(f"{server}/newsfacts/entities.json", name="Russia", _shape="array")[0]
    page.goto(f"{server}/newsfacts/entities/{russia['entity_id']}")
    page.click("a.nf-coverage")
    chart = page.wait_for_selector(".vega-embed canvas, .vega-embed svg")
    assert chart.bounding_box()["height"] > 50
    assert page.is_checked("#graphForm input[value=line]")
    assert page.input_value("#graphForm select[name=x_column]") == "month"
    rows = page.locator("table.rows-and-columns tbody tr")
    assert rows.count() >= 2
    page.screenshot(path=str(ARTIFACTS / "chart.png"), full_page=True)


def test_serve_command_refuses_a_folder_without_a_package(tmp_path):
    from click.testing import CliRunner

    from newsfacts.cli import cli

    result = CliRunner().invoke(cli, ["serve", str(tmp_path)])
    assert result.exit_code == 1 and "run `newsfacts build` first" in result.output


def test_no_name_runs_across_a_line_break(package):
    mentions = pq.read_table(package / "data" / "mentions.parquet", columns=["text"])
    entities = pq.read_table(package / "data" / "entities.parquet", columns=["name"])
    assert mentions.num_rows > 1000
    assert not [t for t in mentions["text"].to_pylist() if "\n" in t]
    assert not [n for n in entities["name"].to_pylist() if "\n" in n]


def test_the_search_index_is_merged_into_one_segment(tmp_path):
    # Loading 400 articles writes the index in several segments, each of which
    # every search would read; publish merges them, as the database is never
    # written again.
    import sqlite3

    require(CORPUS)
    records = sorted((CORPUS / "article-bias-prediction" / "jsons").glob("*.json"))[:400]
    newsfacts.build(records, tmp_path, entities=False)
    conn = sqlite3.connect(publish(tmp_path))
    try:
        rows = conn.execute("select count(*) from articles_fts").fetchone()[0]
        segments = conn.execute("select count(distinct segid) from articles_fts_idx").fetchone()[0]
    finally:
        conn.close()
    assert (rows, segments) == (400, 1)


def test_database_is_stale_once_the_package_is_newer(package):
    from newsfacts.publish import database_path, is_stale

    assert not is_stale(package)
    older = (package / "datapackage.json").stat().st_mtime - 10
    os.utime(database_path(package), (older, older))
    assert is_stale(package)
    publish(package)
    assert not is_stale(package)


PAYLOAD = (
    "<script>window.__pwned = 1; alert('xss')</script><img src=x onerror=\"window.__pwned = 2\">"
)


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("xss")
    (folder / "in").mkdir()
    record = {
        "title": f"Council meeting {PAYLOAD}",
        "source": "Test Gazette",
        "date": "2024-03-01",
        "content": (
            f"The council met on Monday in Valmouth. A reader wrote {PAYLOAD} in the comments, "
            "the clerk said.\n\nThe meeting ended after two hours and 40 residents attended, "
            "officials said."
        ),
    }
    (folder / "in" / "xss.json").write_text(__import__("json").dumps(record))
    out = folder / "package"
    newsfacts.build([folder / "in"], out)
    publish(out)
    yield from _start_server(out)


def test_script_in_an_article_never_runs_in_a_browser(hostile_server, page):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{hostile_server}/newsfacts/articles")
    page.locator("td a").first.click()
    page.wait_for_selector(".nf-body")
    assert "<script>" in page.inner_text(".nf-body")  # shown as text
    assert "<script>" in page.inner_text("h1.nf-title")
    page.goto(f"{hostile_server}/newsfacts/articles?_search=reader")
    page.wait_for_load_state()
    assert dialogs == []
    assert page.evaluate("window.__pwned === undefined")
    page.screenshot(path=str(ARTIFACTS / "xss.png"))


def test_the_server_takes_no_writes(hostile_server):
    def count():
        return _json(f"{hostile_server}/newsfacts/articles.json", _size=0)[
            "filtered_table_rows_count"
        ]

    before = count()
    response = httpx.post(f"{hostile_server}/newsfacts/articles/-/insert", json={"row": {}})
    assert response.status_code != 200
    response = httpx.get(f"{hostile_server}/newsfacts.json", params={"sql": "delete from articles"})
    assert response.status_code != 200 or not response.json().get("ok", True)
    assert count() == before == 1
