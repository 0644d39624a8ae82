"""TableSink: spilling sorted runs and merging them gives the same files as
sorting everything at once, and catches what a single batch cannot see."""

from __future__ import annotations

import random

import pyarrow.parquet as pq
import pytest

from newsfacts.records import BuildError
from newsfacts.schemas import load_schema
from newsfacts.tables import TableSink


def _mention(article: int, start: int) -> dict:
    return {
        "article_id": f"{article:016x}",
        "entity_id": f"{article * 7 % 13:016x}",
        "start": start,
        "end": start + 5,
        "text": "Kabul",
        "type": "GPE",
        "sentence_index": start // 100,
        "sentence_start": start - start % 100,
        "sentence_end": start - start % 100 + 99,
    }


def _write(rows, folder, run_rows):
    sink = TableSink(load_schema("mentions"), folder / "runs", run_rows=run_rows)
    sink.extend(rows)
    (folder / "data").mkdir(parents=True)
    parquet = sink.finish(folder / "data", "9.9.9")
    return sink, parquet


def test_many_small_runs_give_the_same_bytes_as_one(tmp_path):
    rows = [_mention(a, s) for a in range(40) for s in range(0, 1000, 37)]
    random.Random(7).shuffle(rows)
    one, one_parquet = _write(rows, tmp_path / "one", run_rows=len(rows) + 1)
    many, many_parquet = _write(rows, tmp_path / "many", run_rows=50)
    assert len(many.runs) > 5 and not list((tmp_path / "many" / "runs").iterdir())
    assert one.rows == many.rows == len(rows)
    assert one_parquet.read_bytes() == many_parquet.read_bytes()
    assert (tmp_path / "one/data/mentions.csv").read_bytes() == (
        tmp_path / "many/data/mentions.csv"
    ).read_bytes()
    table = pq.read_table(many_parquet)
    keys = [(r["article_id"], str(r["start"]), str(r["end"])) for r in table.to_pylist()]
    assert keys == sorted(keys)
    assert table.schema.metadata[b"newsfacts:version"] == b"9.9.9"


def test_a_primary_key_repeated_in_two_runs_is_an_error(tmp_path):
    rows = [_mention(1, s) for s in range(0, 300, 10)] + [_mention(1, 0)]
    with pytest.raises(BuildError, match="duplicate primary key"):
        _write(rows, tmp_path, run_rows=10)


def test_a_primary_key_repeated_in_a_table_that_never_spilled_is_an_error(tmp_path, monkeypatch):
    from newsfacts import tables

    monkeypatch.setattr(tables, "BATCH_ROWS", 10)  # pandera sees one batch at a time
    rows = [_mention(1, s) for s in range(0, 300, 10)] + [_mention(1, 120)]
    with pytest.raises(BuildError, match=r"duplicate primary key \('0+1', '120', '125'\)"):
        _write(rows, tmp_path, run_rows=1_000)


def test_row_groups_close_on_the_rows_not_on_how_they_were_batched(tmp_path, monkeypatch):
    from newsfacts import tables

    monkeypatch.setattr(tables, "ROW_GROUP_BYTES", 3_000)
    rows = [
        _mention(a, s) | {"text": "x" * (1 + a + s % 90)}
        for a in range(30)
        for s in range(0, 500, 50)
    ]
    random.Random(5).shuffle(rows)
    _, whole = _write(rows, tmp_path / "whole", run_rows=len(rows) + 1)
    _, runs = _write(rows, tmp_path / "runs", run_rows=37)
    assert whole.read_bytes() == runs.read_bytes()
    metadata = pq.ParquetFile(whole).metadata
    sizes = [metadata.row_group(i).num_rows for i in range(metadata.num_row_groups)]
    # The rule, row by row over the sorted table: a group closes on the row
    # that brings its text (UTF-8 bytes of the string columns) to the bound.
    expected, rows_in_group, text_in_group = [], 0, 0
    for row in pq.read_table(whole).to_pylist():
        rows_in_group += 1
        text_in_group += sum(
            len(row[n].encode()) for n in ("article_id", "entity_id", "text", "type")
        )
        if text_in_group >= 3_000:
            expected.append(rows_in_group)
            rows_in_group, text_in_group = 0, 0
    expected += [rows_in_group] if rows_in_group else []
    assert sizes == expected and len(sizes) > 5


def test_a_row_that_fails_the_schema_names_its_table(tmp_path):
    rows = [_mention(1, 0) | {"start": -5}]
    with pytest.raises(BuildError, match="table mentions"):
        _write(rows, tmp_path, run_rows=10)


def test_a_row_of_the_wrong_type_names_its_table(tmp_path):
    rows = [_mention(1, 0), _mention(1, 10) | {"start": "ten"}]
    with pytest.raises(BuildError, match="table mentions: a row does not fit the schema's types"):
        _write(rows, tmp_path, run_rows=10)


def test_an_empty_table_still_gets_its_files(tmp_path):
    sink, parquet = _write([], tmp_path, run_rows=10)
    assert sink.rows == 0 and pq.read_table(parquet).num_rows == 0
    assert (tmp_path / "data" / "mentions.csv").read_text().startswith("article_id,")


def test_more_runs_than_one_merge_takes_are_merged_in_passes(tmp_path, monkeypatch):
    from newsfacts import tables

    rows = [_mention(a, s) for a in range(30) for s in range(0, 500, 50)]
    random.Random(3).shuffle(rows)
    _, whole = _write(rows, tmp_path / "whole", run_rows=len(rows) + 1)
    monkeypatch.setattr(tables, "MAX_MERGE", 3)
    sink, passes = _write(rows, tmp_path / "passes", run_rows=11)
    assert sink.spilled > len(rows) // 11  # intermediate runs were written
    assert passes.read_bytes() == whole.read_bytes()


def test_wide_rows_are_spilled_by_size_not_only_by_count(tmp_path, monkeypatch):
    from newsfacts import tables

    monkeypatch.setattr(tables, "RUN_BYTES", 2_000)
    rows = [_mention(a, 0) | {"text": "x" * 300} for a in range(40)]
    sink, _ = _write(rows, tmp_path, run_rows=1_000)
    assert sink.spilled >= 5 and not list((tmp_path / "runs").iterdir())
