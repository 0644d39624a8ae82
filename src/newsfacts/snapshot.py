"""Reading a published data package back: a folder, a release archive
(``.zip`` of CSV, ``.tar.gz`` of Parquet) or the installed data wheel.

Used by ``diff`` (compare two releases) and ``load`` (get a table as a
DataFrame); both need the descriptor and the rows, whatever the container.
"""

from __future__ import annotations

import csv
import io
import json
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pyarrow
import pyarrow.parquet as pq

from newsfacts.records import BuildError


@dataclass
class Snapshot:
    """A data package's descriptor and a way to read each table as Arrow."""

    descriptor: dict
    location: Path
    _files: dict[str, bytes] | None = None  # archive members, by path

    @property
    def version(self) -> str:
        return str(self.descriptor.get("version", ""))

    def resource(self, table: str) -> dict:
        for resource in self.descriptor.get("resources", []):
            if resource["name"] == table:
                return resource
        raise BuildError(f"{self.location}: no table {table!r} in the package")

    def fields(self, table: str) -> list[dict]:
        return self.resource(table)["schema"]["fields"]

    def table_names(self) -> list[str]:
        return [r["name"] for r in self.descriptor.get("resources", [])]

    def _read(self, relative: str) -> bytes | None:
        if self._files is not None:
            return self._files.get(relative)
        path = self.location / relative
        return path.read_bytes() if path.exists() else None

    def arrow(self, table: str) -> pyarrow.Table:
        """The table as Arrow: from Parquet when the package has it, else from CSV."""
        resource = self.resource(table)
        parquet = resource.get("newsfacts:parquet", {}).get("path")
        data = self._read(parquet) if parquet else None
        if data is not None:
            # One thread: pyarrow 26's pool, decoding an in-memory file, aborted
            # the interpreter at exit in about half of the runs of a script that
            # loads a table and ends ("terminate called without an active
            # exception"); and for these sizes one thread is faster too.
            return pq.read_table(pyarrow.BufferReader(data), use_threads=False)
        data = self._read(resource["path"])
        if data is None:
            raise BuildError(f"{self.location}: neither Parquet nor CSV for table {table!r}")
        return _csv_to_arrow(data, resource["schema"]["fields"], table)


def _csv_to_arrow(data: bytes, fields: list[dict], table: str) -> pyarrow.Table:
    from newsfacts.schemas import load_schema

    reader = csv.DictReader(io.StringIO(data.decode("utf-8")))
    rows = []
    for row in reader:
        rows.append({f["name"]: _from_csv(f, row.get(f["name"], "")) for f in fields})
    try:
        schema = load_schema(table).arrow_schema()
        schema = pyarrow.schema(
            [schema.field(f["name"]) for f in fields if f["name"] in schema.names]
        )
    except (KeyError, FileNotFoundError, ValueError):
        schema = None
    return pyarrow.Table.from_pylist(rows, schema=schema)


def _from_csv(field: dict, text: str):
    import datetime as dt

    if text == "":
        return [] if field["type"] == "array" else None
    kind = field["type"]
    if kind == "array":
        return json.loads(text)
    if kind == "integer":
        return int(text)
    if kind == "number":
        return float(text)
    if kind == "date":
        return dt.date.fromisoformat(text)
    return text


def open_snapshot(location: str | Path) -> Snapshot:
    """A package folder, its datapackage.json, or a release archive."""
    location = Path(location)
    if location.is_dir():
        descriptor = location / "datapackage.json"
        if not descriptor.exists():
            raise BuildError(f"no datapackage.json in {location}")
        return Snapshot(json.loads(descriptor.read_text(encoding="utf-8")), location)
    if location.name == "datapackage.json":
        return open_snapshot(location.parent)
    if location.suffix == ".zip":
        with zipfile.ZipFile(location) as archive:
            files = {name: archive.read(name) for name in archive.namelist()}
    elif location.name.endswith((".tar.gz", ".tgz")):
        with tarfile.open(location, "r:gz") as archive:
            files = {
                m.name: archive.extractfile(m).read() for m in archive.getmembers() if m.isfile()
            }
    else:
        raise BuildError(f"not a data package folder or release archive: {location}")
    tops = {name.split("/", 1)[0] for name in files}
    if len(tops) == 1 and all("/" in name for name in files):
        # Release archives keep everything under one folder, newsfacts-data-X.Y.Z/.
        files = {name.split("/", 1)[1]: data for name, data in files.items()}
    if "datapackage.json" not in files:
        raise BuildError(f"{location} holds no datapackage.json")
    return Snapshot(json.loads(files["datapackage.json"]), location, files)
