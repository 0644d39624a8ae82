"""The build's split validation (frictionless per resource without keys, plus
Arrow foreign-key checks) finds what full ``frictionless validate`` finds."""

from __future__ import annotations

import hashlib
import json
import shutil

import pyarrow
import pyarrow.parquet as pq
import pytest

from newsfacts import integrity, package
from newsfacts.schemas import all_schemas


@pytest.fixture
def copy(sample_build, tmp_path):
    """A private copy of the sample package, free to break."""
    out, _ = sample_build
    target = tmp_path / "package"
    shutil.copytree(out, target)
    return target


def _rewrite_csv(folder, table: str, edit) -> None:
    """Apply ``edit`` to the lines of a table's CSV and update its hash and size
    in datapackage.json, so that only the edited content is wrong."""
    path = folder / "data" / f"{table}.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    path.write_text("\n".join(edit(lines)), encoding="utf-8")
    descriptor_path = folder / "datapackage.json"
    descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        if resource["name"] == table:
            resource["hash"] = "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()
            resource.pop("bytes", None)
    descriptor_path.write_text(json.dumps(descriptor), encoding="utf-8")


def _bad_mention_count(copy):
    """A word where entities.csv's first row has its mention count."""
    header = (copy / "data" / "entities.csv").read_text(encoding="utf-8").split("\n")[0]
    column = header.split(",").index("mention_count")

    def edit(lines):
        cells = lines[1].split(",")
        assert cells[column].isdigit(), "entities.csv's first row is not simple enough to edit"
        cells[column] = "many"
        return [lines[0], ",".join(cells), *lines[2:]]

    _rewrite_csv(copy, "entities", edit)


def test_a_valid_package_passes_both(sample_build):
    out, _ = sample_build
    rows = pq.read_metadata(out / "data" / "mentions.parquet").num_rows
    assert rows > 0, "the sample must have mentions, or the key checks test nothing"
    assert integrity.check_package(out) == []
    assert integrity.check_package(out, jobs=2) == []
    assert package.validate_package(out) == []


def test_an_unresolved_foreign_key_is_found_in_parquet(copy):
    path = copy / "data" / "mentions.parquet"
    table = pq.read_table(path)
    broken = pyarrow.array(["no-such-article"] * table.num_rows)
    table = table.set_column(table.schema.get_field_index("article_id"), "article_id", broken)
    pq.write_table(table.slice(0, 3), path)
    errors = integrity.check_keys(copy / "data", all_schemas())
    assert len(errors) == 1
    assert errors[0].startswith("mentions: 3 row(s) whose ['article_id'] are not in articles")
    assert "no-such-article" in errors[0]


def test_an_unresolved_foreign_key_in_csv_is_found_by_both(copy):
    # The same break in both files: frictionless reads the CSV, the key check the Parquet.
    header = (copy / "data" / "facts.csv").read_text(encoding="utf-8").split("\n")[0].split(",")
    column = header.index("article_id")

    def break_first_row(lines):
        cells = lines[1].split(",")
        cells[column] = "0000000000000000"
        return [lines[0], ",".join(cells), *lines[2:]]

    _rewrite_csv(copy, "facts", break_first_row)
    path = copy / "data" / "facts.parquet"
    table = pq.read_table(path)
    ids = table.column("article_id").to_pylist()
    ids[0] = "0000000000000000"
    table = table.set_column(column, "article_id", [ids])
    pq.write_table(table, path)
    full = package.validate_package(copy)
    split = integrity.check_package(copy)
    assert any("foreign key" in e.lower() or "not found" in e for e in full)
    assert any(e.startswith("facts: 1 row(s) whose ['article_id']") for e in split)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_bad_cell_is_found_per_resource(copy, jobs):
    _bad_mention_count(copy)
    full = package.validate_package(copy)
    split = integrity.check_package(copy, jobs=jobs)
    assert full and split
    assert all(e.startswith("entities: ") for e in split)
    assert any("mention_count" in e or "type" in e for e in split)


def test_a_changed_file_fails_its_hash(copy):
    path = copy / "data" / "duplicates.csv"
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    errors = integrity.check_package(copy)
    assert any(e.startswith("duplicates: ") and "hash" in e.lower() for e in errors)


def test_a_broken_descriptor_is_reported_before_rows_are_read(copy):
    descriptor_path = copy / "datapackage.json"
    descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    descriptor["resources"][0]["schema"]["fields"][0]["type"] = "no-such-type"
    descriptor_path.write_text(json.dumps(descriptor), encoding="utf-8")
    errors = integrity.check_package(copy)
    assert errors and all(e.startswith("datapackage.json: ") for e in errors)


def test_with_the_previous_package_only_new_rows_are_checked(sample_build, copy):
    previous, _ = sample_build
    _bad_mention_count(copy)
    errors = integrity.check_package(copy, previous=previous)
    assert errors and all(e.startswith("entities: ") for e in errors)
    assert all(e.endswith("(in rows not in the previous package)") for e in errors)
    assert not list(copy.glob(".*.new-rows.csv")), "the temporary file is left behind"


def test_a_previous_package_changed_since_is_not_trusted(sample_build, copy, tmp_path):
    previous = tmp_path / "previous"
    shutil.copytree(sample_build[0], previous)
    changed = previous / "data" / "entities.csv"
    changed.write_text(changed.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    _bad_mention_count(copy)
    errors = integrity.check_package(copy, previous=previous)
    assert errors and not any("previous package" in e for e in errors)


def test_new_rows_are_those_not_in_the_old_file_whole(tmp_path):
    old = tmp_path / "old.csv"
    new = tmp_path / "new.csv"
    out = tmp_path / "out.csv"
    old.write_text('id,text\na,one\nb,"two\nlines"\nc,three\nd,four\n', encoding="utf-8")
    new.write_text('id,text\na,one\nb,"two\nlines!"\nbb,new\nd,four\ne,five\n', encoding="utf-8")
    written = integrity._write_new_rows(new, str(old), [0], out)
    assert written == 3
    assert out.read_text(encoding="utf-8") == 'id,text\nb,"two\nlines!"\nbb,new\ne,five\n'


def test_an_old_file_with_another_header_saves_nothing(tmp_path):
    old = tmp_path / "old.csv"
    new = tmp_path / "new.csv"
    old.write_text("key,text\na,one\n", encoding="utf-8")
    new.write_text("id,text\na,one\n", encoding="utf-8")
    assert integrity._write_new_rows(new, str(old), [0], tmp_path / "out.csv") == 1


def test_a_much_larger_previous_file_is_not_read_through(sample_build, copy, tmp_path):
    previous = tmp_path / "previous"
    shutil.copytree(sample_build[0], previous)
    grown = previous / "data" / "entities.csv"
    lines = grown.read_text(encoding="utf-8").split("\n")
    grown.write_text("\n".join(lines + lines[1:] * 10), encoding="utf-8")
    _rewrite_csv(previous, "entities", lambda old: old)  # the hash matches again
    _bad_mention_count(copy)
    errors = integrity.check_package(copy, previous=previous)
    assert errors and not any("previous package" in e for e in errors)
