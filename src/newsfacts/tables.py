"""Writing one table in bounded memory: rows in any order in, one sorted,
validated Parquet + CSV pair out.

A ``TableSink`` collects rows. Every ``BATCH_ROWS`` rows it checks them with
pandera and converts them to an Arrow batch; once the batches reach
``RUN_ROWS`` rows or ``RUN_BYTES`` it sorts them and spills them to a Parquet
run in a work folder. ``finish`` writes a table that never spilled straight
from its sorted Arrow batches, column by column; a larger one is a k-way merge
of its runs (holding one small row group per run), streamed out in the same
way. Memory is that of one run, whatever the table's size; the files are the
same bytes as if all rows had been sorted at once, because the order is a
total order on the primary key (checked unique) and row groups close on row
and byte counts, not on how the rows were batched.
"""

from __future__ import annotations

import csv
import heapq
import json
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy
import pyarrow
import pyarrow.compute as pc
import pyarrow.parquet as pq

from newsfacts.records import BuildError
from newsfacts.schemas import TableSchema

# Rows wait as dicts up to BATCH_ROWS rows or BATCH_BYTES of text, then are
# validated and held as Arrow (a tenth of the memory); the Arrow batches are
# sorted and spilled as a run at RUN_ROWS rows or RUN_BYTES. The package files
# get row groups of ROW_GROUP_ROWS rows or ROW_GROUP_BYTES of text. The byte
# bounds keep wide tables (article bodies) as flat in memory as narrow ones,
# and depend only on the data, so the files stay byte-identical.
BATCH_ROWS = 50_000
BATCH_BYTES = 16 << 20
RUN_ROWS = 2_000_000
RUN_BYTES = 64 << 20
ROW_GROUP_ROWS = 50_000
ROW_GROUP_BYTES = 16 << 20
MAX_MERGE = 64  # runs merged at once; more are merged in passes
_READ_BATCH = 512  # rows per row group of a run: what a merge holds of each
_CSV_ROWS = 8_192  # rows turned into Python values at once for the CSV writer


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
    return sum(map(len, filter(None, map(row.get, names))))


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
    """Rows of one table, held as sorted Arrow runs, spilled under ``work``.

    Rows arrive as dicts and wait in a small batch; each batch is validated
    and converted to Arrow (a tenth of the memory of the dicts), and the Arrow
    batches are sorted and spilled together as a run once they reach
    ``run_rows`` rows or ``RUN_BYTES``. A table that fits in one run (every
    table of a build of tens of thousands of articles) is sorted and written
    column-wise without ever going back to Python rows; only a table of
    several runs is merged row by row.
    """

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
        self.batches: list[pyarrow.Table] = []  # validated, not yet sorted
        self.batch_rows = 0
        self.batch_bytes = 0
        self.runs: list[Path] = []
        self.spilled = 0  # run files written, for their names
        self.rows = 0

    def add(self, row: dict) -> None:
        self.buffer.append(row)
        self.buffer_bytes += _text_size(row, self.text_fields)
        if len(self.buffer) >= min(self.run_rows, BATCH_ROWS) or self.buffer_bytes >= min(
            RUN_BYTES, BATCH_BYTES
        ):
            self._flush()
            if self.batch_rows >= self.run_rows or self.batch_bytes >= RUN_BYTES:
                self._spill()

    def extend(self, rows) -> None:
        for row in rows:
            self.add(row)

    def _flush(self) -> None:
        """The waiting rows into an Arrow batch, validated."""
        if not self.buffer:
            return
        rows, self.buffer, self.buffer_bytes = self.buffer, [], 0
        step = time.perf_counter()
        try:
            batch = pyarrow.Table.from_pylist(rows, schema=self.arrow_schema)
        except (pyarrow.ArrowInvalid, pyarrow.ArrowTypeError) as error:
            raise BuildError(
                f"table {self.schema.name}: a row does not fit the schema's types: {error}"
            ) from error
        self.timings["write (Parquet + CSV)"] += time.perf_counter() - step
        if self.validate:
            from newsfacts.package import validate_table

            step = time.perf_counter()
            bad = validate_table(self.schema, batch)
            self.timings["validate (pandera)"] += time.perf_counter() - step
            if bad:
                raise BuildError(
                    f"table {self.schema.name}: {len(bad)} row(s) fail the schema, "
                    f"first: {bad[0][1]}"
                )
        self.batches.append(batch)
        self.batch_rows += batch.num_rows
        self.batch_bytes += batch.nbytes
        self.rows += batch.num_rows

    def _sorted_batches(self) -> pyarrow.Table:
        """The Arrow batches as one table in key order; the batches are let go."""
        step = time.perf_counter()
        table = pyarrow.concat_tables(self.batches) if self.batches else self._empty()
        self.batches, self.batch_rows, self.batch_bytes = [], 0, 0
        table = table.take(self._order(table))
        self.timings["sort"] += time.perf_counter() - step
        return table

    def _order(self, table: pyarrow.Table) -> pyarrow.Array:
        """Indices that put the table in ``sort_key`` order. A primary key is
        sorted by Arrow on its columns as text: UTF-8 byte order is Python's
        code point order, and an integer cast to text is ``str`` of it. Tables
        without one (duplicates, rejects: every column is the key) are sorted
        by ``sort_key`` in Python, a run at a time."""
        if not self.schema.primary_key:
            keys = [self.key(row) for row in table.to_pylist()]
            return pyarrow.array(sorted(range(len(keys)), key=keys.__getitem__), pyarrow.int64())
        keys = pyarrow.table(
            [pc.cast(table.column(n), pyarrow.string()) for n in self.schema.primary_key],
            names=[f"k{i}" for i in range(len(self.schema.primary_key))],
        )
        return pc.sort_indices(keys, sort_keys=[(n, "ascending") for n in keys.column_names])

    def _empty(self) -> pyarrow.Table:
        return self.arrow_schema.empty_table()

    def _spill(self) -> None:
        self._flush()
        table = self._sorted_batches()
        step = time.perf_counter()
        self.runs.append(self._write_run([table]))
        self.timings["write (Parquet + CSV)"] += time.perf_counter() - step

    def _write_run(self, tables: Iterable[pyarrow.Table]) -> Path:
        """Sorted rows into a new run file, in small row groups so that the
        merge reads each run a little at a time."""
        self.work.mkdir(parents=True, exist_ok=True)
        path = self.work / f"{self.schema.name}-{self.spilled:05d}.parquet"
        self.spilled += 1
        with pq.ParquetWriter(path, self.arrow_schema) as writer:
            for table in tables:
                writer.write_table(table, row_group_size=_READ_BATCH)
        return path

    def _run_rows(self, path: Path) -> Iterator[dict]:
        for group in row_groups(path):
            yield from group.to_pylist()

    def _keyed_run(self, path: Path) -> Iterator[tuple]:
        key = self.key
        return ((key(row), row) for row in self._run_rows(path))

    def _merged(self) -> Iterator[pyarrow.Table]:
        """Every run merged in key order, as Arrow tables of ``_READ_BATCH``
        rows; a primary key met twice is an error."""
        while len(self.runs) > MAX_MERGE:  # merge in passes: bounded open files and memory
            first, self.runs = self.runs[:MAX_MERGE], self.runs[MAX_MERGE:]
            self.runs.append(self._write_run(self._merge(first)))
            for path in first:
                path.unlink()
        return self._merge(self.runs)

    def _merge(self, runs: list[Path]) -> Iterator[pyarrow.Table]:
        streams = [self._keyed_run(path) for path in runs]
        merged = heapq.merge(*streams, key=_first)
        previous = None
        chunk: list[dict] = []
        for current, row in merged:
            if self.schema.primary_key and current == previous:
                raise BuildError(f"table {self.schema.name}: duplicate primary key {current}")
            previous = current
            chunk.append(row)
            if len(chunk) == _READ_BATCH:
                yield pyarrow.Table.from_pylist(chunk, schema=self.arrow_schema)
                chunk = []
        if chunk:
            yield pyarrow.Table.from_pylist(chunk, schema=self.arrow_schema)

    def _check_unique(self, table: pyarrow.Table) -> None:
        """No primary key twice in a sorted table: no row equal to the next on it."""
        if not self.schema.primary_key or table.num_rows < 2:
            return
        same = None
        for name in self.schema.primary_key:
            column = table.column(name)
            equal = pc.equal(column.slice(1), column.slice(0, table.num_rows - 1))
            same = equal if same is None else pc.and_(same, equal)
        if pc.any(same).as_py():
            at = pc.index(same, True).as_py()
            row = table.slice(at, 1).to_pylist()[0]
            raise BuildError(f"table {self.schema.name}: duplicate primary key {self.key(row)}")

    def finish(self, data_dir: Path, version: str) -> Path:
        """Write ``<name>.parquet`` and ``<name>.csv`` into ``data_dir``; the runs
        are deleted. The Parquet file carries the data version in its metadata."""
        self._flush()  # validates the last rows before the clock starts
        if self.runs:
            if self.batches:
                self._spill()
            tables = self._merged()
        else:
            table = self._sorted_batches()
            self._check_unique(table)
            tables = iter([table])
        arrow_schema = self.arrow_schema.with_metadata(
            {"newsfacts:version": version, "newsfacts:table": self.schema.name}
        )
        parquet_path = data_dir / f"{self.schema.name}.parquet"
        csv_path = data_dir / f"{self.schema.name}.csv"
        with _PackageFiles(parquet_path, csv_path, self.schema, arrow_schema) as files:
            while True:
                step = time.perf_counter()
                table = next(tables, None)  # a merge reads and compares rows here
                self.timings["sort"] += time.perf_counter() - step
                if table is None:
                    break
                step = time.perf_counter()
                files.write(table)
                self.timings["write (Parquet + CSV)"] += time.perf_counter() - step
        for path in self.runs:
            path.unlink()
        return parquet_path


class _PackageFiles:
    """A table's Parquet and CSV files, written from Arrow tables in order.

    Row groups close at ``ROW_GROUP_ROWS`` rows or ``ROW_GROUP_BYTES`` of text,
    counted row by row across the tables given, so the files depend on the
    rows alone, not on how they were chunked on the way here.
    """

    def __init__(
        self, parquet_path: Path, csv_path: Path, schema: TableSchema, arrow_schema
    ) -> None:
        self.parquet = parquet_writer(parquet_path, arrow_schema)
        self.csv_file = csv_path.open("w", encoding="utf-8", newline="")
        self.csv = csv.writer(self.csv_file, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        self.csv.writerow(schema.field_names)
        self.arrow_schema = arrow_schema
        self.arrays = {f["name"] for f in schema.fields if f["type"] == "array"}
        self.text_fields = [f["name"] for f in schema.fields if f["type"] == "string"]
        self.group: list[pyarrow.Table] = []
        self.group_rows = 0
        self.group_bytes = 0
        self.written = 0

    def __enter__(self) -> _PackageFiles:
        return self

    def __exit__(self, *exc) -> None:
        try:
            if exc[0] is None and (self.group or not self.written):
                self._write_group()
        finally:
            self.parquet.close()
            self.csv_file.close()

    def write(self, table: pyarrow.Table) -> None:
        self._write_csv(table)
        sizes = self._text_sizes(table)
        start = 0
        while start < table.num_rows:
            room = ROW_GROUP_ROWS - self.group_rows
            # The first row at which the group's text reaches its bound.
            base = int(sizes[start - 1]) if start else 0
            full = int(numpy.searchsorted(sizes, base + ROW_GROUP_BYTES - self.group_bytes))
            end = min(start + room, full + 1, table.num_rows)
            self.group.append(table.slice(start, end - start))
            self.group_rows += end - start
            self.group_bytes += int(sizes[end - 1]) - base
            if self.group_rows == ROW_GROUP_ROWS or self.group_bytes >= ROW_GROUP_BYTES:
                self._write_group()
            start = end

    def _text_sizes(self, table: pyarrow.Table):
        """Running total of each row's text, in UTF-8 bytes (string columns)."""
        total = numpy.zeros(table.num_rows, dtype=numpy.int64)
        for name in self.text_fields:
            lengths = pc.fill_null(pc.binary_length(table.column(name)), 0)
            total += lengths.to_numpy()
        return numpy.cumsum(total)

    def _write_group(self) -> None:
        # One chunk per column: page boundaries then depend on the rows only.
        group = pyarrow.concat_tables(self.group) if self.group else self.arrow_schema.empty_table()
        group = group.replace_schema_metadata(self.arrow_schema.metadata).combine_chunks()
        self.parquet.write_table(group)
        self.written += group.num_rows
        self.group, self.group_rows, self.group_bytes = [], 0, 0

    def _write_csv(self, table: pyarrow.Table) -> None:
        # The csv module writes each value as its cell should read: None as
        # empty, a float as repr(), a date as its ISO form, an int or a string
        # as itself. Only arrays need converting (to JSON). A slice at a time:
        # Python objects take several times the memory of the Arrow rows.
        for start in range(0, table.num_rows, _CSV_ROWS):
            part = table.slice(start, _CSV_ROWS)
            columns = []
            for name in part.column_names:
                values = part.column(name).to_pylist()
                if name in self.arrays:
                    values = [_csv_array(v) for v in values]
                columns.append(values)
            self.csv.writerows(zip(*columns, strict=True))
