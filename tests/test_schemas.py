"""The YAML Table Schemas are the single source of truth: every derived form
(pyarrow, pandera, datapackage.json) must say the same thing."""

from __future__ import annotations

import pyarrow
import pytest
import yaml

from newsfacts.schemas import TABLE_NAMES, load_schema, schemas_dir

CONTRACT_COLUMNS = {
    "articles": [
        "article_id",
        "source_path",
        "source_key",
        "publisher",
        "url",
        "title",
        "authors",
        "published_date",
        "language",
        "tags",
        "body",
        "word_count",
    ],
    "entities": ["entity_id", "name", "type", "article_count", "mention_count"],
    "mentions": ["article_id", "entity_id", "start", "end", "text"],
    "facts": [
        "fact_id",
        "article_id",
        "kind",
        "start",
        "end",
        "text",
        "value_number",
        "unit",
        "value_date",
        "subject_entity_id",
        "object_entity_id",
        "source_entity_id",
        "source_text",
    ],
    "rejects": ["source_path", "source_key", "reason", "detail"],
}
ARROW_FOR = {
    "string": pyarrow.string(),
    "integer": pyarrow.int64(),
    "number": pyarrow.float64(),
    "date": pyarrow.date32(),
    "array": pyarrow.list_(pyarrow.string()),
}


def _yaml(name):
    return yaml.safe_load((schemas_dir() / f"{name}.yaml").read_text())


def test_every_yaml_file_is_a_known_table():
    assert sorted(p.stem for p in schemas_dir().glob("*.yaml")) == sorted(TABLE_NAMES)


@pytest.mark.parametrize("table", sorted(CONTRACT_COLUMNS))
def test_contract_minimum_columns_are_declared(table):
    names = [f["name"] for f in _yaml(table)["fields"]]
    assert set(CONTRACT_COLUMNS[table]) <= set(names)


@pytest.mark.parametrize("table", TABLE_NAMES)
def test_arrow_schema_matches_yaml(table):
    fields = _yaml(table)["fields"]
    arrow = load_schema(table).arrow_schema()
    assert arrow.names == [f["name"] for f in fields]
    for field in fields:
        assert arrow.field(field["name"]).type == ARROW_FOR[field["type"]]
        required = field.get("constraints", {}).get("required", False)
        assert arrow.field(field["name"]).nullable is (not required)


@pytest.mark.parametrize("table", TABLE_NAMES)
def test_pandera_schema_matches_yaml(table):
    fields = _yaml(table)["fields"]
    pandera = load_schema(table).pandera_schema()
    assert list(pandera.columns) == [f["name"] for f in fields]
    for field in fields:
        column = pandera.columns[field["name"]]
        constraints = field.get("constraints", {})
        assert column.nullable is (not constraints.get("required", False))
        assert column.unique is bool(constraints.get("unique", False))
        check_names = " ".join(str(c) for c in column.checks)
        if "enum" in constraints:
            assert "isin" in check_names
        if "pattern" in constraints:
            assert "str_matches" in check_names


@pytest.mark.parametrize("table", TABLE_NAMES)
def test_package_schema_matches_yaml(table):
    yaml_schema = _yaml(table)
    descriptor = load_schema(table).frictionless_schema()
    assert [f["name"] for f in descriptor["fields"]] == [f["name"] for f in yaml_schema["fields"]]
    assert [f["type"] for f in descriptor["fields"]] == [f["type"] for f in yaml_schema["fields"]]
    assert descriptor.get("primaryKey") == yaml_schema.get("primaryKey")
    assert descriptor.get("foreignKeys") == yaml_schema.get("foreignKeys")


def test_pandera_rejects_a_row_that_breaks_a_constraint():
    import pandas as pd

    from newsfacts.package import validate_rows

    schema = load_schema("rejects")
    good = {"source_path": "a.txt", "source_key": None, "reason": "empty", "detail": "x"}
    bad = dict(good, reason="not-a-reason")
    kept, failed = validate_rows(schema, [good, bad])
    assert kept == [good]
    assert failed and "reason" in failed[0][1]
    assert isinstance(pd.DataFrame(kept), pd.DataFrame)


def test_rows_from_arrow_fail_the_same_checks_as_rows_from_dicts():
    """The table sinks validate Arrow batches, the articles dict rows: both
    refuse the same rows for the same reasons."""
    import pyarrow

    from newsfacts.package import validate_rows, validate_table

    schema = load_schema("entities")
    good = {
        "entity_id": "0123456789abcdef",
        "name": "Dushanbe",
        "type": "GPE",
        "aliases": ["Dushanbe"],
        "article_count": 1,
        "mention_count": 2,
        "place_kind": "city",
        "country_code": "TJ",
        "latitude": 38.5,
        "longitude": 68.8,
        "geonames_id": 1221874,
        "wikidata_id": None,
    }
    rows = [
        good,
        dict(good, type="DATE"),  # not a contract type
        dict(good, mention_count=-1),
        dict(good, latitude=None, longitude=None, geonames_id=None, place_kind=None),
        dict(good, name=""),
        dict(good, country_code=None),
        dict(good, wikidata_id="159"),  # an item is Q and its number
    ]
    rows = [dict(row, entity_id=f"{i:016x}") for i, row in enumerate(rows)]
    _, from_dicts = validate_rows(schema, rows)
    table = pyarrow.Table.from_pylist(rows, schema=schema.arrow_schema())
    from_arrow = validate_table(schema, table)
    assert [rows.index(row) for row, _ in from_dicts] == [i for i, _ in from_arrow]
    assert [message for _, message in from_dicts] == [message for _, message in from_arrow]
    assert [i for i, _ in from_arrow] == [1, 2, 4, 6]


@pytest.mark.parametrize("table", TABLE_NAMES)
def test_every_column_and_table_is_described(table):
    schema = _yaml(table)
    assert schema.get("title") and schema.get("description")
    for field in schema["fields"]:
        assert field.get("title") and field.get("description"), field["name"]
