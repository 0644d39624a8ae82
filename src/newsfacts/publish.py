"""From a data package to a SQLite database that Datasette serves well.

Tables, types, primary and foreign keys, indexes and full-text search all come
from ``schemas/`` (via ``newsfacts.schemas``); nothing here names a column
that the schemas do not declare, except in the views (SQL over declared
columns) and the co-occurrence table (counted from the declared mentions and
entities columns).

A rebuild of a large package changes few of its rows, and loading every row
and indexing every text again is the slowest part of publishing it. So a build
that replaces a package keeps the old package's database and Parquet files
aside (``keep_for_update``), and the next ``publish`` brings a copy of that
database up to date: the rows that differ between the two packages' tables
(``newsfacts.changes``) are deleted and inserted, with their search index
entries. It does so only when that database was made by this same code from
those very files (a digest of the layout and each file's hash are recorded in
it); otherwise, and with ``update=False``, it loads the package whole.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import warnings
from itertools import chain
from pathlib import Path

import numpy
import pyarrow
import pyarrow.compute as pc
import pyarrow.parquet as pq
import sqlite_utils

from newsfacts.changes import table_changes
from newsfacts.package import file_sha256
from newsfacts.records import BuildError
from newsfacts.schemas import TableSchema, all_schemas
from newsfacts.tables import row_groups

DATABASE_NAME = "newsfacts"
# Where a build leaves the database of the package it replaced, with the
# Parquet files it was made from, for the next publish to update.
BASE_FOLDER = ".publish-base"
_SQL_TYPES = {
    "string": str,
    "integer": int,
    "number": float,
    "boolean": int,
    "date": str,
    "array": str,
}
_BATCH = 5_000

VIEWS = {
    "facts_with_context": """
        select f.fact_id, f.kind, f.text, f.value_number, f.unit, f.value_date, f.source_text,
               s.name as source_name, f.source_entity_id, f.article_id, a.title,
               a.published_date, a.publisher
        from facts f
        join articles a on a.article_id = f.article_id
        left join entities s on s.entity_id = f.source_entity_id
    """,
    "article_entities": """
        select m.article_id, a.title, a.published_date, m.entity_id, e.name, e.type,
               count(*) as mentions
        from mentions m
        join articles a on a.article_id = m.article_id
        join entities e on e.entity_id = m.entity_id
        group by m.article_id, m.entity_id
    """,
}


def database_path(package_dir: Path) -> Path:
    return Path(package_dir) / f"{DATABASE_NAME}.db"


def method(database: Path) -> str:
    """How a database was last published: "load" (every row loaded) or "update"
    (the rows that differ from the package it was made from)."""
    return _recorded(database).get("method", "load")


def _recorded(database: Path) -> dict[str, str]:
    """What ``publish`` recorded in a database (``_newsfacts_info``), read only."""
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as conn:
        return dict(conn.execute("select key, value from _newsfacts_info"))


def is_stale(package_dir: Path) -> bool:
    """The database is missing or older than the package it was built from."""
    db = database_path(package_dir)
    descriptor = Path(package_dir) / "datapackage.json"
    return not db.exists() or db.stat().st_mtime < descriptor.stat().st_mtime


def _sql_value(field: dict, value):
    if value is None:
        return None
    if field["type"] == "array":
        return json.dumps(list(value), ensure_ascii=False)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _load_table(db: sqlite_utils.Database, schema: TableSchema, data_dir: Path) -> None:
    columns = {f["name"]: _SQL_TYPES[f["type"]] for f in schema.fields}
    foreign_keys = [
        (fk["fields"][0], fk["reference"]["resource"], fk["reference"]["fields"][0])
        for fk in schema.descriptor.get("foreignKeys", [])
    ]
    pk = schema.primary_key
    table = db.table(schema.name)
    table.create(
        columns,
        pk=(pk[0] if len(pk) == 1 else tuple(pk)) if pk else None,
        foreign_keys=foreign_keys or None,
        not_null={f["name"] for f in schema.fields if f.get("constraints", {}).get("required")},
    )
    _insert_all(db, schema, data_dir)


def _insert_all(db: sqlite_utils.Database, schema: TableSchema, data_dir: Path) -> None:
    """Every row of the table's Parquet file in ``data_dir``, a row group at a time."""
    for group in row_groups(data_dir / f"{schema.name}.parquet"):
        _insert(db, schema, group)


def _insert(db: sqlite_utils.Database, schema: TableSchema, rows: pyarrow.Table) -> None:
    # sqlite-utils made the table with its keys; the rows go in through one
    # prepared statement, column by column from Arrow (its per-row dicts cost
    # more than SQLite's own work on tables of millions of rows).
    names = ", ".join(f"[{f['name']}]" for f in schema.fields)
    marks = ", ".join("?" for _ in schema.fields)
    insert = f"insert into [{schema.name}] ({names}) values ({marks})"
    for batch in rows.to_batches(max_chunksize=_BATCH):
        columns = [_sql_column(f, batch.column(f["name"])) for f in schema.fields]
        db.conn.executemany(insert, zip(*columns, strict=True))


def _sql_column(field: dict, column) -> list:
    values = column.to_pylist()
    if field["type"] in ("array", "date"):
        return [_sql_value(field, value) for value in values]
    return values


def _index_and_search(db: sqlite_utils.Database, schema: TableSchema) -> None:
    hints = schema.datasette
    table = db.table(schema.name)
    fk_columns = [fk["fields"][0] for fk in schema.descriptor.get("foreignKeys", [])]
    for column in dict.fromkeys(fk_columns + hints.get("indexes", [])):
        if schema.primary_key[:1] != [column]:
            # With the primary key after the column, a filtered page ("publisher =
            # X", ordered by key as Datasette orders it) reads in index order
            # instead of sorting every matching row.
            table.create_index([column, *schema.primary_key], if_not_exists=True)
    if hints.get("fts"):
        table.enable_fts(hints["fts"], tokenize="porter", create_triggers=False)
        # The database is never written again, so the index is merged into one
        # segment: every search then reads one b-tree instead of one per segment
        # written while loading (13 at 100,500 articles; FTS page SQL 2.2 → 1.9 ms).
        table.optimize()


def _cooccurrence(db: sqlite_utils.Database, data_dir: Path, min_articles: int) -> None:
    """``entity_cooccurrence``: each pair of entities named together in at
    least ``min_articles`` articles, with how many, ``entity_a < entity_b``.

    Counted with Arrow and numpy over the mentions file a row group at a time
    (memory: the distinct pairs and one row group), rather than by a SQL
    self-join of the mentions: the same rows, 0.84 → 0.5 s on the shared
    corpus, writing included. Only entities in ``min_articles`` articles or
    more can be in a kept pair, so the others (three in four) are left out
    first."""
    entities = pq.read_table(data_dir / "entities.parquet", columns=["entity_id", "article_count"])
    entities = entities.filter(pc.greater_equal(entities["article_count"], min_articles))
    names = entities["entity_id"].combine_chunks()
    names = names.take(pc.sort_indices(names))  # codes in text order: a < b as in SQL
    found, counts = _pair_counts(data_dir / "mentions.parquet", names)
    keep = counts >= min_articles
    found, counts = found[keep], counts[keep]
    width, text = len(names), names.to_pylist()
    db.conn.execute(
        "create table entity_cooccurrence (entity_a TEXT, entity_b TEXT, articles INTEGER)"
    )
    db.conn.executemany(
        "insert into entity_cooccurrence values (?, ?, ?)",
        zip(
            [text[i] for i in (found // width).tolist()],
            [text[i] for i in (found % width).tolist()],
            counts.tolist(),
            strict=True,
        ),
    )
    db.conn.execute("create index entity_cooccurrence_b on entity_cooccurrence(entity_b)")
    db.conn.execute("create index entity_cooccurrence_a on entity_cooccurrence(entity_a)")


_MERGE_CODES = 1 << 20


def _pair_counts(mentions_path: Path, names) -> tuple[numpy.ndarray, numpy.ndarray]:
    """(pair codes ``a * len(names) + b``, articles) for every pair of entities
    of ``names`` named in one article, codes ascending. The file is sorted by
    article, so an article's mentions are contiguous: the last article of a row
    group is held back and counted with the next group. New codes wait until
    they are as many as the distinct ones so far (at least ``_MERGE_CODES``)
    before they are merged in: each merge sorts them all."""
    found = numpy.empty(0, numpy.int64)
    counts = numpy.empty(0, numpy.int64)
    held = None
    pending: list[numpy.ndarray] = []
    waiting = 0
    for group in chain(row_groups(mentions_path, ["article_id", "entity_id"]), [None]):
        if group is None:  # the end: the article held back is complete
            group, held = held, None
            if group is None:
                break
        else:
            # Each mention's entity as its code (its place in ``names``); the
            # mentions of other entities have none and are left out.
            entity = pc.index_in(group["entity_id"], value_set=names)
            group = pyarrow.table({"article_id": group["article_id"], "entity": entity})
            group = group.filter(pc.is_valid(entity))
            group = group if held is None else pyarrow.concat_tables([held, group])
            if group.num_rows == 0:
                continue
            ids = group["article_id"]
            if group.num_rows > 1 and not pc.all(pc.less_equal(ids[:-1], ids[1:])).as_py():
                raise BuildError(f"{mentions_path}: mentions are not sorted by article")
            last = pc.equal(ids, ids[-1])
            held, group = group.filter(last), group.filter(pc.invert(last))
        if group.num_rows:
            pending.append(_pair_codes(group, len(names)))
            waiting += len(pending[-1])
        if waiting >= max(len(found), _MERGE_CODES):
            found, counts = _merged_counts(found, counts, numpy.concatenate(pending))
            pending, waiting = [], 0
    if pending:
        found, counts = _merged_counts(found, counts, numpy.concatenate(pending))
    return found, counts


def _pair_codes(mentions: pyarrow.Table, width: int) -> numpy.ndarray:
    """A code ``a * width + b`` for each pair of distinct entities (a < b) of
    each article of ``mentions`` (article ids and entity codes)."""
    pairs = mentions.group_by(["article_id", "entity"]).aggregate([])  # one per article
    article = pc.dictionary_encode(pairs["article_id"]).combine_chunks().indices.to_numpy()
    entity = pairs["entity"].combine_chunks().to_numpy()
    order = numpy.lexsort((entity, article))
    bounds = numpy.flatnonzero(numpy.diff(article[order])) + 1
    width = numpy.int64(width)
    codes = [numpy.empty(0, numpy.int64)]
    for members in numpy.split(entity[order].astype(numpy.int64), bounds):
        first, second = numpy.triu_indices(len(members), 1)
        codes.append(members[first] * width + members[second])
    return numpy.concatenate(codes)


def _merged_counts(found, counts, codes) -> tuple[numpy.ndarray, numpy.ndarray]:
    """The distinct codes so far and their counts, with one more for each of
    ``codes``: memory in distinct pairs, not in pairs met."""
    merged = numpy.concatenate([found, codes])
    if not len(merged):
        return found, counts
    weights = numpy.concatenate([counts, numpy.ones(len(codes), numpy.int64)])
    order = numpy.argsort(merged, kind="stable")
    merged, weights = merged[order], weights[order]
    starts = numpy.flatnonzero(numpy.r_[True, merged[1:] != merged[:-1]])
    return merged[starts], numpy.add.reduceat(weights, starts)


def layout_digest(cooccurrence_min_articles: int) -> str:
    """What a database's tables, indexes and derived rows depend on besides the
    package's rows: this module and the row comparison it updates with, the
    schemas, and the options."""
    digest = hashlib.sha256(str(cooccurrence_min_articles).encode())
    for module in (Path(__file__), Path(__file__).with_name("changes.py")):
        digest.update(module.read_bytes())
    descriptors = [s.descriptor for s in all_schemas()]
    digest.update(json.dumps(descriptors, sort_keys=True).encode())
    return digest.hexdigest()


def publish(
    package_dir: str | Path, *, cooccurrence_min_articles: int = 2, update: bool = True
) -> Path:
    """Build ``<package_dir>/newsfacts.db`` from the package's Parquet files; with
    ``update``, by updating the database of the package it replaced when a
    build left one that can be (see the module's description)."""
    package_dir = Path(package_dir)
    if not (package_dir / "datapackage.json").exists():
        raise BuildError(f"no datapackage.json in {package_dir}: run `newsfacts build` first")
    target = database_path(package_dir)
    staging = target.with_name(f".{target.name}.tmp")
    base = package_dir / BASE_FOLDER
    layout = layout_digest(cooccurrence_min_articles)
    made_by = "load"
    if update and _updatable(base, layout):
        try:
            _make_database(staging, package_dir, layout, cooccurrence_min_articles, base)
            made_by = "update"
        except (sqlite3.Error, pyarrow.ArrowException, OSError) as error:
            # The kept database or files are damaged in a way their hashes do
            # not show (a torn page): updating is only a shortcut to the same file.
            warnings.warn(
                f"could not update the database kept in {base} ({error}); loading every row",
                stacklevel=2,
            )
    if made_by == "load":
        _make_database(staging, package_dir, layout, cooccurrence_min_articles, None)
    os.replace(staging, target)
    shutil.rmtree(base, ignore_errors=True)
    return target


def _make_database(
    staging: Path,
    package_dir: Path,
    layout: str,
    cooccurrence_min_articles: int,
    base: Path | None,
) -> None:
    """The database at ``staging``: a copy of ``base``'s database brought up to
    date, or with no ``base`` every row loaded; what it was made from recorded."""
    data_dir = package_dir / "data"
    descriptor = json.loads((package_dir / "datapackage.json").read_text(encoding="utf-8"))
    staging.unlink(missing_ok=True)
    if base is not None:
        # A copy: a server may still be reading the old file (immutable mode
        # promises SQLite that it never changes).
        shutil.copyfile(database_path(base), staging)
    db = sqlite_utils.Database(staging)
    try:
        db.conn.execute("pragma journal_mode = off")
        db.conn.execute("pragma synchronous = off")
        with db.conn:
            if base is not None:
                _update(db, base / "data", data_dir, cooccurrence_min_articles)
            else:
                _load(db, data_dir, cooccurrence_min_articles)
        info = {
            "version": descriptor.get("version", ""),
            "package": descriptor.get("name", ""),
            "layout": layout,
            "method": "load" if base is None else "update",
        }
        for resource in descriptor.get("resources", []):
            parquet = resource.get("newsfacts:parquet", {})
            info[f"parquet:{resource['name']}"] = parquet.get("hash", "")
        db.table("_newsfacts_info").insert_all(
            [{"key": k, "value": v} for k, v in info.items()], pk="key", replace=True
        )
        db.conn.execute("analyze")
    except BaseException:
        db.close()
        staging.unlink(missing_ok=True)
        raise
    db.close()


def _load(db: sqlite_utils.Database, data_dir: Path, cooccurrence_min_articles: int) -> None:
    """Every table from nothing, then indexes, search, co-occurrence, views."""
    for schema in all_schemas():
        _load_table(db, schema, data_dir)
    for schema in all_schemas():
        _index_and_search(db, schema)
    _cooccurrence(db, data_dir, cooccurrence_min_articles)
    for name, sql in VIEWS.items():
        db.create_view(name, sql, replace=True)


def _updatable(base: Path, layout: str) -> bool:
    """Whether the database in ``base`` was made with ``layout`` from the very
    Parquet files beside it (each file hashed: the update trusts them as the
    database's rows)."""
    db_path = database_path(base)
    if not db_path.is_file():
        return False
    try:
        info = _recorded(db_path)
    except sqlite3.Error:
        return False
    if info.get("layout") != layout:
        return False
    for schema in all_schemas():
        path = base / "data" / f"{schema.name}.parquet"
        recorded = info.get(f"parquet:{schema.name}")
        if not recorded or not path.is_file() or recorded != f"sha256:{file_sha256(path)}":
            return False
    return True


def _update(
    db: sqlite_utils.Database, old_dir: Path, data_dir: Path, cooccurrence_min_articles: int
) -> None:
    """The database of the package in ``old_dir`` made that of ``data_dir``."""
    for schema in all_schemas():
        if schema.primary_key:
            _apply_changes(db, schema, old_dir, data_dir)
        else:  # duplicates, rejects: small, and every column is the key
            db.conn.execute(f"delete from [{schema.name}]")
            _insert_all(db, schema, data_dir)
    for schema in all_schemas():
        if schema.datasette.get("fts"):
            db.table(schema.name).optimize()
    db.conn.execute("drop table entity_cooccurrence")
    _cooccurrence(db, data_dir, cooccurrence_min_articles)


def _apply_changes(
    db: sqlite_utils.Database, schema: TableSchema, old_dir: Path, data_dir: Path
) -> None:
    """Delete the table's rows that are gone or changed, insert the new and
    changed ones, and keep its full-text index (external content) in step."""
    name, key = schema.name, schema.primary_key
    where = " and ".join(f"[{k}] = ?" for k in key)
    searched = ", ".join(f"[{c}]" for c in schema.datasette.get("fts", []))
    changes = table_changes(
        row_groups(old_dir / f"{name}.parquet"), row_groups(data_dir / f"{name}.parquet"), key
    )
    for chunk in changes:
        gone = list(zip(*(chunk.gone.column(k).to_pylist() for k in key), strict=True))
        come = list(zip(*(chunk.come.column(k).to_pylist() for k in key), strict=True))
        if searched:
            # An external-content index forgets a row only when told the very
            # values it indexed, which are the row's until it is deleted.
            db.conn.executemany(
                f"insert into [{name}_fts]([{name}_fts], rowid, {searched}) "
                f"select 'delete', rowid, {searched} from [{name}] where {where}",
                gone,
            )
        db.conn.executemany(f"delete from [{name}] where {where}", gone)
        _insert(db, schema, chunk.come)
        if searched:
            db.conn.executemany(
                f"insert into [{name}_fts](rowid, {searched}) "
                f"select rowid, {searched} from [{name}] where {where}",
                come,
            )


def keep_for_update(old_package: Path, new_package: Path) -> None:
    """A build is replacing ``old_package`` (about to be deleted) with
    ``new_package``: move the old package's database and the Parquet files it
    was made from into ``new_package``, for the next publish to update. An old
    package never published since its build passes on the database it kept."""
    base = new_package / BASE_FOLDER
    shutil.rmtree(base, ignore_errors=True)
    descriptor = old_package / "datapackage.json"
    try:
        if descriptor.is_file() and not is_stale(old_package):
            (base / "data").mkdir(parents=True)
            os.replace(database_path(old_package), database_path(base))
            for parquet in (old_package / "data").glob("*.parquet"):
                os.replace(parquet, base / "data" / parquet.name)
        elif (old_package / BASE_FOLDER).is_dir():
            os.replace(old_package / BASE_FOLDER, base)
    except OSError:
        # Only a shortcut for the next publish, which then loads every row: the
        # build that calls this has already put its package in place.
        shutil.rmtree(base, ignore_errors=True)
