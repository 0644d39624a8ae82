"""Publishing a rebuilt package by updating the database of the one it replaced.

The update must leave the database exactly as loading the new package from
nothing would (same rows, same search index), whatever changed: articles
added and removed, rows changed in place (an article's duplicate count, an
entity's counts), tables emptied.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pyarrow
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import newsfacts
from newsfacts.changes import table_changes
from newsfacts.publish import BASE_FOLDER, database_path, method, publish

from .conftest import CORPUS, require

# ------------------------------------------------------------------ row changes

_rows = st.dictionaries(
    st.tuples(st.sampled_from(["a", "ab", "b", "ba", "c"]), st.integers(0, 120)),
    st.tuples(st.one_of(st.none(), st.integers(0, 3)), st.lists(st.sampled_from("xy"), max_size=2)),
    max_size=60,
)


def _sorted_groups(rows: dict, sizes: list[int]) -> list[pyarrow.Table]:
    """The rows as a package stores them: sorted on the key as text, in row
    groups of the given sizes (the last group takes the rest)."""
    keys = sorted(rows, key=lambda k: (k[0], str(k[1])))
    table = pyarrow.table(
        {
            "id": pyarrow.array([k[0] for k in keys], pyarrow.string()),
            "n": pyarrow.array([k[1] for k in keys], pyarrow.int64()),
            "value": pyarrow.array([rows[k][0] for k in keys], pyarrow.int64()),
            "tags": pyarrow.array([rows[k][1] for k in keys], pyarrow.list_(pyarrow.string())),
        }
    )
    groups, start = [], 0
    for size in sizes:
        groups.append(table.slice(start, size))
        start += size
    groups.append(table.slice(start))
    return groups


@settings(max_examples=150, deadline=None)
@given(
    _rows, _rows, st.lists(st.integers(1, 9), max_size=8), st.lists(st.integers(1, 9), max_size=8)
)
def test_changes_are_the_rows_that_differ_whatever_the_row_groups(old, new, old_sizes, new_sizes):
    gone, come, changed = [], [], 0
    for chunk in table_changes(
        _sorted_groups(old, old_sizes), _sorted_groups(new, new_sizes), ["id", "n"]
    ):
        gone += [(r["id"], r["n"]) for r in chunk.gone.to_pylist()]
        come += [(r["id"], r["n"]) for r in chunk.come.to_pylist()]
        changed += chunk.changed
    differ = {k for k in old.keys() & new.keys() if old[k] != new[k]}
    assert sorted(gone) == sorted((old.keys() - new.keys()) | differ)
    assert sorted(come) == sorted((new.keys() - old.keys()) | differ)
    assert changed == len(differ)


# ------------------------------------------------------------------ whole packages


def _tables(db: Path) -> dict[str, list]:
    """Every table and view of the database, rows sorted, with its schema;
    the search indexes checked against their tables and read as the rows
    each word finds."""
    conn = sqlite3.connect(db)
    try:
        found = {
            "schema": sorted(
                conn.execute(
                    "select type, name, sql from sqlite_master "
                    "where name not like 'sqlite_stat%' order by name"
                )
            )
        }
        names = [
            r[0]
            for r in conn.execute(
                "select name from sqlite_master where type in ('table', 'view') "
                "and name not like '%fts%' and name not like 'sqlite_%' "
                "and name != '_newsfacts_info'"
            )
        ]
        for name in names:
            found[name] = sorted(conn.execute(f"select * from [{name}]"), key=repr)
        for table, key in (("articles", "article_id"), ("entities", "entity_id")):
            # 'integrity-check' with a rank of 1 also compares the index with
            # the rows of its external content table.
            conn.execute(f"insert into {table}_fts({table}_fts, rank) values('integrity-check', 1)")
            for word in ("the", "said", "minister", "police"):
                found[f"{table} search {word}"] = [
                    r[0]
                    for r in conn.execute(
                        f"select t.{key} from {table}_fts join {table} t "
                        f"on t.rowid = {table}_fts.rowid where {table}_fts match ? order by 1",
                        (word,),
                    )
                ]
        return found
    finally:
        conn.close()


def _fresh_copy(package: Path, to: Path) -> Path:
    """The package without its database or kept base: what loading from nothing sees."""
    shutil.copytree(package, to, ignore=shutil.ignore_patterns("*.db", BASE_FOLDER))
    publish(to)
    assert method(database_path(to)) == "load"
    return to


def _published_by_update_as_by_load(package: Path, scratch: Path) -> dict[str, list]:
    """Publish ``package`` (an update), check it against loading a copy into
    ``scratch``; the updated database's tables."""
    publish(package)
    assert method(database_path(package)) == "update"
    updated = _tables(database_path(package))
    assert updated == _tables(database_path(_fresh_copy(package, scratch)))
    return updated


def _corpus_files(count: int) -> list[Path]:
    files = sorted((CORPUS / "bbc-fulltext").rglob("*.txt"))
    return files[: count * 7 : 7]  # across the categories


@pytest.fixture(scope="module")
def rebuilds(tmp_path_factory):
    """A package built from corpus articles and published; then rebuilt three
    times: with articles added, one input left out and one article copied into a
    new file (its duplicate count changes in place); again without publishing;
    and from nothing but one article. Returns the folders to check."""
    require(CORPUS)
    root = tmp_path_factory.mktemp("rebuilds")
    inputs = root / "inputs"
    inputs.mkdir()
    files = _corpus_files(16)
    for path in files[:12]:
        shutil.copy(path, inputs / f"{path.parent.name}-{path.name}")
    out, cache = root / "package", root / "cache"
    newsfacts.build([inputs], out, cache=cache)
    publish(out)
    assert method(database_path(out)) == "load"

    (inputs / f"{files[0].parent.name}-{files[0].name}").unlink()
    for path in files[12:]:
        shutil.copy(path, inputs / f"{path.parent.name}-{path.name}")
    shutil.copy(files[1], inputs / "copy-of-an-article.txt")
    newsfacts.build([inputs], out, cache=cache)
    return root, inputs, out, cache


def test_a_rebuild_updates_the_database_to_what_loading_it_makes(rebuilds):
    root, _, out, _ = rebuilds
    assert (out / BASE_FOLDER / "newsfacts.db").is_file()
    updated = _published_by_update_as_by_load(out, root / "fresh-1")
    assert not (out / BASE_FOLDER).exists()  # used up
    assert len(updated["articles"]) == 15


def test_builds_without_a_publish_between_pass_the_last_database_on(rebuilds):
    root, inputs, out, cache = rebuilds
    publish(out)
    for path in _corpus_files(16)[12:14]:
        (inputs / f"{path.parent.name}-{path.name}").unlink()
    newsfacts.build([inputs], out, cache=cache)
    newsfacts.build([inputs / "copy-of-an-article.txt"], out, cache=cache)
    updated = _published_by_update_as_by_load(out, root / "fresh-2")
    assert len(updated["articles"]) == 1


def test_a_database_not_made_from_the_files_beside_it_is_loaded_whole(rebuilds):
    root, inputs, out, cache = rebuilds
    publish(out)
    newsfacts.build([inputs], out, cache=cache)
    kept = out / BASE_FOLDER / "data" / "entities.parquet"
    kept.write_bytes(kept.read_bytes()[:-8] + b"tampered")
    publish(out)
    assert method(database_path(out)) == "load"
    assert _tables(database_path(out)) == _tables(database_path(_fresh_copy(out, root / "fresh-3")))

    newsfacts.build([inputs], out, cache=cache)
    publish(out, update=False)
    assert method(database_path(out)) == "load"


def test_a_database_of_another_layout_is_loaded_whole(rebuilds):
    _, inputs, out, cache = rebuilds
    publish(out)
    with sqlite3.connect(database_path(out)) as conn:
        conn.execute("update _newsfacts_info set value = 'older' where key = 'layout'")
    newsfacts.build([inputs], out, cache=cache)
    publish(out)
    assert method(database_path(out)) == "load"
    info = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    assert info["name"] == "newsfacts"


def test_the_publish_command_says_whether_it_updated_or_loaded(tmp_path):
    from click.testing import CliRunner

    from newsfacts.cli import cli

    out = str(tmp_path / "package")

    def run(*args: str) -> str:
        result = CliRunner().invoke(cli, list(args))
        assert result.exit_code == 0, result.output
        return result.output

    run("build", "-q", "-o", out)
    assert "SQLite database written" in run("publish", out)
    run("build", "-q", "-o", out)
    assert "SQLite database updated" in run("publish", out)
    run("build", "-q", "-o", out)
    assert "SQLite database written" in run("publish", "--full", out)
    assert not (tmp_path / "package" / BASE_FOLDER).exists()


def test_a_damaged_kept_database_is_loaded_whole_with_a_warning(rebuilds):
    root, inputs, out, cache = rebuilds
    publish(out)
    newsfacts.build([inputs], out, cache=cache)
    with sqlite3.connect(database_path(out / BASE_FOLDER)) as conn:
        conn.execute("drop table mentions")  # its hashes and layout still match
    with pytest.warns(UserWarning, match="could not update the database"):
        publish(out)
    assert method(database_path(out)) == "load"
    assert _tables(database_path(out)) == _tables(database_path(_fresh_copy(out, root / "fresh-4")))


def test_a_build_that_cannot_keep_the_old_database_still_succeeds(tmp_path, monkeypatch):
    """Keeping the old database is a shortcut for the next publish: when moving
    it fails (a full or read-only disk), the build still puts its package in
    place, and the next publish loads every row."""
    import os

    out = tmp_path / "package"
    newsfacts.build(None, out)
    publish(out)
    replace = os.replace

    def failing(source, target):
        if BASE_FOLDER in str(target):
            raise OSError(28, "No space left on device")
        return replace(source, target)

    monkeypatch.setattr(os, "replace", failing)
    report = newsfacts.build(None, out)
    monkeypatch.undo()
    assert report.articles and not (out / BASE_FOLDER).exists()
    publish(out)
    assert method(database_path(out)) == "load"
