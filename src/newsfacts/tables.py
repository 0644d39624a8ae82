"""Writing one table in bounded memory: rows in any order in, one sorted,
validated Parquet + CSV pair out.

A ``TableSink`` collects rows; every ``run_rows`` rows it sorts them, checks
them with pandera and spills them to a Parquet run in a work folder. ``finish``
merges the runs (a k-way merge that holds one batch per run) and streams the
result into the package's Parquet file, row group by row group, and its CSV
file, line by line. Memory is that of one run, whatever the table's size; the
files are the same bytes as if all rows had been sorted at once, because the
order is a total order on the primary key (checked unique while merging).
"""

from __future__ import annotations

import csv
import heapq
import itertools
import json
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pyarrow
import pyarrow.parquet as pq

from newsfacts.records import BuildError
from newsfacts.schemas import TableSchema

# Rows are sorted in memory up to RUN_ROWS rows or RUN_BYTES of text, then
# spilled; the package files get row groups of the same bounds. The byte
# bounds keep wide tables (article bodies) as flat in memory as narrow ones,
# and depend only on the data, so the files stay byte-identical.
RUN_ROWS = 50_000
RUN_BYTES = 16 << 20
ROW_GROUP_ROWS = 50_000
ROW_GROUP_BYTES = 16 << 20
MAX_MERGE = 64  # runs merged at once; more are merged in passes
_READ_BATCH = 512  # rows per row group of a run: what a merge holds of each


def sort_key(schema: TableSchema):
    """Rows in a stable order: by primary key, else by every column as text.

    Each value sorts as (present, its text). A key value is never missing in a
    valid table (frictionless refuses an empty key cell, and the build fails on
    it), so on the primary key the order is that of the texts alone: the
    cheaper key below, the same order. It runs once per row per comparison
    pass, on millions of rows.
    """
    if len(schema.primary_key) == 1:
        name = schema.primary_key[0]
        return lambda row: str(row.get(name))
    if schema.primary_key:
        names = tuple(schema.primary_key)
        return lambda row: tuple([str(row.get(n)) for n in names])
    names = tuple(schema.field_names)
    return lambda row: tuple([_sort_value(row.get(n)) for n in names])


def _first(pair: tuple):
    return pair[0]


def _sort_value(value) -> tuple:
    return (value is not None, "" if value is None else str(value))


def _csv_array(value) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


def _text_size(row: dict, names: tuple) -> int:
    """Characters of text in a row's string columns (what makes a row wide)."""
    return sum([len(v) for v in map(row.get, names) if v])


def row_groups(path: Path, columns: list[str] | None = None) -> Iterator[pyarrow.Table]:
    """A Parquet file one row group at a time.

    Not ``ParquetFile.iter_batches``: it reads ahead, and a reader over one of
    the sorted runs held the whole run in memory (measured: 15 MB per reader
    over 4,096 article rows, against 1.2 MB this way), so a merge of many runs
    — a large build — held every run at once.
    """
    parquet = pq.ParquetFile(path)
    for index in range(parquet.num_row_groups):
        yield parquet.read_row_group(index, columns=columns)


def parquet_writer(path: Path, schema: pyarrow.Schema) -> pq.ParquetWriter:
    """The one Parquet layout of every package file (zstd, statistics)."""
    return pq.ParquetWriter(path, schema, compression="zstd", write_statistics=True)


class TableSink:
    """Rows of one table, spilled in sorted, validated runs under ``work``."""

    def __init__(
        self,
        schema: TableSchema,
        work: Path,
        timings: Counter | None = None,
        *,
        validate: bool = True,
        run_rows: int | None = None,
    ) -> None:
        self.schema = schema
        self.work = work
        self.timings = Counter() if timings is None else timings
        self.validate = validate  # False: the caller validated the rows already
        self.run_rows = run_rows or RUN_ROWS
        self.key = sort_key(schema)
        self.arrow_schema = schema.arrow_schema()
        self.text_fields = tuple(f["name"] for f in schema.fields if f["type"] == "string")
        self.buffer: list[dict] = []
        self.buffer_bytes = 0
        self.runs: list[Path] = []
        self.spilled = 0  # run files written, for their names
        self.rows = 0

    def add(self, row: dict) -> None:
        self.buffer.append(row)
        self.buffer_bytes += _text_size(row, self.text_fields)
        if len(self.buffer) >= self.run_rows or self.buffer_bytes >= RUN_BYTES:
            self._spill()

    def extend(self, rows) -> None:
        for row in rows:
            self.add(row)

    def _checked_buffer(self) -> list[tuple]:
        """The buffered rows, sorted and validated, as (key, row) pairs: each
        key is computed once, for the sort, the merge and the duplicate check."""
        from newsfacts.package import validate_rows

        step = time.perf_counter()
        key = self.key
        keyed = sorted([(key(row), row) for row in self.buffer], key=_first)
        rows = [row for _, row in keyed]
        self.buffer, self.buffer_bytes = [], 0
        self.timings["sort"] += time.perf_counter() - step
        if self.validate:
            step = time.perf_counter()
            _, bad = validate_rows(self.schema, rows)
            self.timings["validate (pandera)"] += time.perf_counter() - step
            if bad:
                raise BuildError(
                    f"table {self.schema.name}: {len(bad)} row(s) fail the schema, "
                    f"first: {bad[0][1]}"
                )
        self.rows += len(rows)
        return keyed

    def _spill(self) -> None:
        rows = [row for _, row in self._checked_buffer()]
        step = time.perf_counter()
        self.runs.append(self._write_run(rows))
        self.timings["write (Parquet + CSV)"] += time.perf_counter() - step

    def _write_run(self, rows) -> Path:
        """Rows (sorted) into a new run file, in small row groups so that the
        merge reads each run a little at a time."""
        self.work.mkdir(parents=True, exist_ok=True)
        path = self.work / f"{self.schema.name}-{self.spilled:05d}.parquet"
        self.spilled += 1
        with pq.ParquetWriter(path, self.arrow_schema) as writer:
            rows = iter(rows)
            while batch := list(itertools.islice(rows, _READ_BATCH)):
                writer.write_table(pyarrow.Table.from_pylist(batch, schema=self.arrow_schema))
        return path

    def _run_rows(self, path: Path) -> Iterator[dict]:
        for group in row_groups(path):
            yield from group.to_pylist()

    def _keyed_run(self, path: Path) -> Iterator[tuple]:
        key = self.key
        return ((key(row), row) for row in self._run_rows(path))

    def _merged(self) -> Iterator[dict]:
        last = self._checked_buffer()
        while len(self.runs) > MAX_MERGE:  # merge in passes: bounded open files and memory
            first, self.runs = self.runs[:MAX_MERGE], self.runs[MAX_MERGE:]
            streams = [self._keyed_run(path) for path in first]
            merged = (row for _, row in heapq.merge(*streams, key=_first))
            self.runs.append(self._write_run(merged))
            for path in first:
                path.unlink()
        streams = [self._keyed_run(path) for path in self.runs] + [iter(last)]
        merged = heapq.merge(*streams, key=_first) if len(streams) > 1 else streams[0]
        previous = None
        for current, row in merged:
            if self.schema.primary_key and current == previous:
                raise BuildError(f"table {self.schema.name}: duplicate primary key {current}")
            previous = current
            yield row

    def finish(self, data_dir: Path, version: str) -> Path:
        """Write ``<name>.parquet`` and ``<name>.csv`` into ``data_dir``; the runs
        are deleted. The Parquet file carries the data version in its metadata."""
        merged = self._merged()  # validates the last run before the clock starts
        first = next(merged, None)
        step = time.perf_counter()
        arrow_schema = self.arrow_schema.with_metadata(
            {"newsfacts:version": version, "newsfacts:table": self.schema.name}
        )
        parquet_path = data_dir / f"{self.schema.name}.parquet"
        names = self.schema.field_names
        # The csv module writes every other value as its cell should read: None
        # as empty, a float as repr(), a date as its ISO form, an int or a
        # string as itself. Only arrays need converting (to JSON).
        arrays = [i for i, f in enumerate(self.schema.fields) if f["type"] == "array"]
        text_fields = self.text_fields
        with (
            parquet_writer(parquet_path, arrow_schema) as parquet,
            (data_dir / f"{self.schema.name}.csv").open("w", encoding="utf-8", newline="") as out,
        ):
            writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
            writer.writerow(self.schema.field_names)
            group: list[dict] = []
            group_bytes = 0
            for row in itertools.chain([first] if first is not None else [], merged):
                cells = list(map(row.get, names))
                for i in arrays:
                    cells[i] = _csv_array(cells[i])
                writer.writerow(cells)
                group.append(row)
                group_bytes += _text_size(row, text_fields)
                if len(group) == ROW_GROUP_ROWS or group_bytes >= ROW_GROUP_BYTES:
                    parquet.write_table(pyarrow.Table.from_pylist(group, schema=arrow_schema))
                    group, group_bytes = [], 0
            if group or not self.rows:
                parquet.write_table(pyarrow.Table.from_pylist(group, schema=arrow_schema))
        for path in self.runs:
            path.unlink()
        self.timings["write (Parquet + CSV)"] += time.perf_counter() - step
        return parquet_path
