"""The Table Schemas in ``schemas/`` and everything derived from them.

The YAML files are the only place a column is declared. This module reads
them and derives the pyarrow schema (Parquet), the pandera schema (row
validation) and the Frictionless resource schema (datapackage.json), so that
the four can never disagree; ``tests/test_schemas.py`` checks it.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pandera.pandas as pa
import pyarrow
import yaml

# The order tables are built, written and listed in datapackage.json:
# referenced tables before the tables that refer to them.
TABLE_NAMES = ("articles", "duplicates", "entities", "mentions", "facts", "rejects", "sources")

# Properties that are ours, not Frictionless': kept out of the package descriptor.
_PRIVATE_PROPERTIES = {"itemType"}


def schemas_dir() -> Path:
    """The folder holding the YAML schemas: in the wheel, or the source checkout."""
    packaged = resources.files("newsfacts") / "_schemas"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "schemas"


@dataclass(frozen=True)
class TableSchema:
    name: str
    descriptor: dict

    @property
    def fields(self) -> list[dict]:
        return self.descriptor["fields"]

    @property
    def field_names(self) -> list[str]:
        return [f["name"] for f in self.fields]

    @property
    def datasette(self) -> dict:
        """Hints for the SQLite database and Datasette: label column, facets,
        sortable columns, full-text columns, indexes."""
        return dict(self.descriptor.get("datasette", {}))

    @property
    def primary_key(self) -> list[str]:
        return list(self.descriptor.get("primaryKey", []))

    def frictionless_schema(self) -> dict:
        """The Table Schema for datapackage.json (without our private properties)."""
        schema = {
            k: v
            for k, v in self.descriptor.items()
            if k not in ("name", "title", "description", "datasette")
        }
        schema["fields"] = [
            {k: v for k, v in f.items() if k not in _PRIVATE_PROPERTIES} for f in self.fields
        ]
        return schema

    def arrow_schema(self) -> pyarrow.Schema:
        return pyarrow.schema(
            [
                pyarrow.field(f["name"], _arrow_type(f), nullable=not _required(f))
                for f in self.fields
            ]
        )

    def pandera_schema(self) -> pa.DataFrameSchema:
        columns = {f["name"]: _pandera_column(f) for f in self.fields}
        unique = self.primary_key if len(self.primary_key) > 1 else None
        return pa.DataFrameSchema(columns, strict=True, ordered=True, unique=unique, name=self.name)


def _required(field: dict) -> bool:
    return bool(field.get("constraints", {}).get("required", False))


_ARROW_TYPES = {
    "string": pyarrow.string(),
    "integer": pyarrow.int64(),
    "number": pyarrow.float64(),
    "boolean": pyarrow.bool_(),
    "date": pyarrow.date32(),
}


def _arrow_type(field: dict) -> pyarrow.DataType:
    if field["type"] == "array":
        return pyarrow.list_(_ARROW_TYPES[field.get("itemType", "string")])
    return _ARROW_TYPES[field["type"]]


def _is_list_of_strings(value) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _is_date(value) -> bool:
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


def _pandera_column(field: dict) -> pa.Column:
    constraints = field.get("constraints", {})
    checks: list[pa.Check] = []
    if "enum" in constraints:
        checks.append(pa.Check.isin(constraints["enum"]))
    if "pattern" in constraints:
        checks.append(pa.Check.str_matches("^(?:" + constraints["pattern"] + ")$"))
    if "minLength" in constraints:
        checks.append(pa.Check.str_length(min_value=constraints["minLength"]))
    if "minimum" in constraints:
        checks.append(pa.Check.ge(constraints["minimum"]))
    if "maximum" in constraints:
        checks.append(pa.Check.le(constraints["maximum"]))
    kind = field["type"]
    dtype = {"string": str, "integer": "Int64", "number": "Float64", "boolean": "boolean"}.get(kind)
    if kind == "array":
        checks.append(pa.Check(_is_list_of_strings, element_wise=True, name="list_of_strings"))
    if kind == "date":
        checks.append(pa.Check(_is_date, element_wise=True, name="is_date"))
    return pa.Column(
        dtype,
        checks=checks,
        nullable=not _required(field),
        unique=bool(constraints.get("unique", False)),
        required=True,
        name=field["name"],
    )


@functools.cache
def load_schema(name: str) -> TableSchema:
    path = schemas_dir() / f"{name}.yaml"
    descriptor = yaml.safe_load(path.read_text(encoding="utf-8"))
    if descriptor.get("name") != name:
        raise ValueError(f"{path} declares name {descriptor.get('name')!r}, expected {name!r}")
    return TableSchema(name=name, descriptor=descriptor)


def all_schemas() -> list[TableSchema]:
    return [load_schema(name) for name in TABLE_NAMES]
