"""Validating a freshly written package in bounded memory, on every core.

``package.validate_package`` runs frictionless over the whole package, which
is what a user runs and what a release checks. Inside a build it has two costs
that grow with the data: frictionless keeps every primary key it has read in a
Python dict, and for each foreign key it first reads the whole referenced
table (article bodies included) into a Python set. At 100,000 articles that
state is most of the build's peak memory, and it cannot run in parallel
(frictionless refuses ``parallel=True`` when a schema has foreign keys).

So a build splits the same checks in two:

- **frictionless**, resource by resource, with ``primaryKey`` and
  ``foreignKeys`` left out of the schema it is given: every row's types,
  formats and constraints, the header, the file's hash and size. No state per
  row, and the resources run in ``jobs`` processes at once.
- **keys, with Arrow**: every foreign key resolves, by a vectorised anti-join
  of the referencing columns, one row group at a time, against the distinct
  referenced keys. Memory is those keys as Arrow strings (about 20 bytes per
  key), not a Python object per row. Primary keys are unique by construction:
  the sorted merge in ``tables`` refuses a repeated one.

Together they check what ``frictionless validate`` checks; a test compares the
two on valid and broken packages.
"""

from __future__ import annotations

import csv
import json
import operator
from pathlib import Path

import pyarrow
import pyarrow.compute as pc
import pyarrow.parquet as pq

from newsfacts.schemas import TableSchema, all_schemas
from newsfacts.tables import row_groups

MAX_REPORTED = 20  # errors listed per check, as frictionless lists per task


def check_package(out: Path, jobs: int = 1, previous: Path | None = None) -> list[str]:
    """Every check of ``frictionless validate`` on the package in ``out``; the
    errors, empty when the package is valid. ``previous``: the valid package
    this one replaces, whose rows need no second check (see ``validate_rows``)."""
    out = Path(out)
    descriptor_path = out / "datapackage.json"
    if not descriptor_path.exists():
        return [f"no datapackage.json in {out}"]
    descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    errors = _check_metadata(descriptor_path)
    if errors:
        return errors
    errors += validate_rows(out, descriptor, jobs, previous)
    errors += check_keys(out / "data", all_schemas())
    return errors


def _check_metadata(descriptor_path: Path) -> list[str]:
    """The descriptor itself against the Data Package profile (keys included)."""
    from frictionless import FrictionlessException, Package

    try:
        Package(str(descriptor_path)).to_descriptor(validate=True)
    except FrictionlessException as error:
        return [f"datapackage.json: {e.message}" for e in error.to_errors()[:MAX_REPORTED]]
    return []


def validate_rows(
    out: Path, descriptor: dict, jobs: int = 1, previous: Path | None = None
) -> list[str]:
    """Frictionless row validation of each resource, keys left out, in ``jobs``
    processes (largest files first, so that the longest one starts first).

    With ``previous`` (the package this build replaces), a resource whose
    previous CSV is intact and had the same schema is validated only on its
    rows that are not in that CSV, byte for byte: once keys and ``unique`` are
    left out, every check frictionless makes on a row depends on that row and
    the schema alone, and the previous build validated the rest.
    """
    resources = sorted(
        descriptor["resources"],
        key=lambda r: (-(out / r["path"]).stat().st_size, r["name"]),
    )
    old = _validated_resources(previous)
    tasks = [(str(out), _without_keys(r), old.get(r["name"])) for r in resources]
    if jobs <= 1 or len(tasks) <= 1:
        outcomes = [_validate_resource(*task) for task in tasks]
    else:
        from newsfacts.engines import process_pool

        with process_pool(min(jobs, len(tasks))) as pool:
            outcomes = list(pool.map(_validate_resource, *zip(*tasks, strict=True)))
    by_name = {r["name"]: errors for r, errors in zip(resources, outcomes, strict=True)}
    return [e for r in descriptor["resources"] for e in by_name[r["name"]]]


def _validated_resources(previous: Path | None) -> dict[str, tuple[str, dict]]:
    """name -> (CSV path, bare resource, its recorded hash included) of each
    resource of a previous newsfacts package.

    Only packages a newsfacts build wrote count (a build swaps a package into
    place only once it is valid). Whether a file is still the one its package
    recorded is checked by the worker, and only for a file worth comparing
    with (``_comparable_key``).
    """
    path = None if previous is None else Path(previous) / "datapackage.json"
    if path is None or not path.exists():
        return {}
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if "newsfacts:generator" not in descriptor:
        return {}
    found = {}
    for resource in descriptor.get("resources", []):
        csv_path = Path(previous) / resource.get("path", "")
        if csv_path.is_file():
            found[resource["name"]] = (str(csv_path), _without_keys(resource))
    return found


def _without_keys(resource: dict) -> dict:
    """The resource with no check that keeps state per row: no primary or
    foreign keys, and no ``unique`` constraint on a one-field primary key (the
    same guarantee as the key itself, which the sorted merge enforces)."""
    schema = {k: v for k, v in resource["schema"].items() if k not in ("primaryKey", "foreignKeys")}
    key = resource["schema"].get("primaryKey", [])
    schema["fields"] = [_without_unique(f) if [f["name"]] == key else f for f in schema["fields"]]
    return {**resource, "schema": schema, "newsfacts:primaryKey": key}


def _without_unique(field: dict) -> dict:
    constraints = {k: v for k, v in field.get("constraints", {}).items() if k != "unique"}
    return {**field, "constraints": constraints}


def _validate_resource(basepath: str, resource: dict, validated=None) -> list[str]:
    """Errors of one resource (a worker's task: plain data in, strings out);
    ``validated`` is (CSV path, bare resource) of its previous, valid version."""
    from frictionless import Resource

    name = resource["name"]
    new_csv = Path(basepath) / resource["path"]
    key = _comparable_key(new_csv, validated, resource)
    new_rows = None
    if key is not None:
        new_rows = Path(basepath) / f".{name}.new-rows.csv"
        _write_new_rows(new_csv, validated[0], key, new_rows)
        # The file's hash and size: written into the descriptor from this very
        # file by the build; what is left to check is its rows.
        resource = {k: v for k, v in resource.items() if k not in ("hash", "bytes")}
        resource["path"] = new_rows.name
    try:
        report = Resource(resource, basepath=basepath).validate()
    finally:
        if new_rows is not None:
            new_rows.unlink(missing_ok=True)
    if report.valid:
        return []
    where = " (in rows not in the previous package)" if new_rows is not None else ""
    errors = [f"{name}: {e.message}{where}" for task in report.tasks for e in task.errors]
    errors += [f"{name}: {e.message}{where}" for e in report.errors]
    return errors[:MAX_REPORTED] or [f"{name}: not valid"]


# The comparison reads the old file through; past a few times the new file's
# size, checking the new file whole is cheaper (frictionless reads a CSV row
# about ten times slower than the csv module).
_MAX_OLD_TO_NEW = 4


def _comparable_key(new_csv: Path, validated, resource: dict) -> list[int] | None:
    """Positions of the primary key's columns, to walk the new CSV and its
    previous, valid version in step on; None when that cannot be done or is
    not worth it: no previous version, another schema or dialect, no key, an
    old file several times larger, or an old file that is no longer the one its
    package recorded (checked last: hashing reads the whole file)."""
    if not validated or not resource["schema"].get("fields"):
        return None
    old_csv, old = Path(validated[0]), validated[1]
    key = _key_columns(resource)
    if key is None or not _same_checks(old, resource):
        return None
    if old_csv.stat().st_size > _MAX_OLD_TO_NEW * max(new_csv.stat().st_size, 1):
        return None
    from newsfacts.package import file_sha256  # package loads pandas: only when hashing

    return key if old.get("hash") == f"sha256:{file_sha256(old_csv)}" else None


def _same_checks(old: dict, new: dict) -> bool:
    """Whether frictionless would check rows of the two resources the same way."""
    keys = ("schema", "dialect", "encoding", "format")
    return all(old.get(k) == new.get(k) for k in keys)


def _key_columns(resource: dict) -> list[int] | None:
    """Positions of the primary key's columns, when the CSV is sorted on them
    as text (``tables.sort_key`` sorts required key fields by ``str``)."""
    original_key = resource.get("newsfacts:primaryKey") or []
    names = [f["name"] for f in resource["schema"]["fields"]]
    if not original_key or not set(original_key) <= set(names):
        return None
    return [names.index(k) for k in original_key]


def _write_new_rows(new_csv: Path, old_csv: str, key: list[int], out: Path) -> int:
    """Header + the records of ``new_csv`` not in ``old_csv``, into ``out``.

    Both files are sorted on the key, so one pass over each in step finds them
    in constant memory. A record is skipped only when the old file has it
    whole; anything else (a changed record, an unsorted file) is validated.
    """
    written = 0
    with (
        new_csv.open(encoding="utf-8", newline="") as new_file,
        open(old_csv, encoding="utf-8", newline="") as old_file,
        out.open("w", encoding="utf-8", newline="") as sink,
    ):
        new_rows, old_rows = csv.reader(new_file), csv.reader(old_file)
        writer = csv.writer(sink, lineterminator="\n")
        header = next(new_rows, None)
        writer.writerow(header or [])
        if next(old_rows, None) != header:
            old_rows = iter(())
        old = next(old_rows, None)
        last, pick = max(key), operator.itemgetter(*key)
        for row in new_rows:
            if len(row) > last:
                wanted = pick(row)
                while old is not None and len(old) > last and pick(old) < wanted:
                    old = next(old_rows, None)
            if old != row:
                writer.writerow(row)
                written += 1
    return written


def check_keys(data_dir: Path, schemas: list[TableSchema]) -> list[str]:
    """Every foreign key resolves, over the Parquet files.

    Primary keys are not checked here: ``tables.TableSink`` writes every table
    through a merge sorted on its primary key and refuses a key equal to the
    one before it, so a written table cannot repeat one.
    """
    errors: list[str] = []
    for schema in schemas:
        for foreign in schema.descriptor.get("foreignKeys", []):
            errors += _check_foreign_key(data_dir, schema, foreign)
    return errors


def _check_foreign_key(data_dir: Path, schema: TableSchema, foreign: dict) -> list[str]:
    fields = list(foreign["fields"])
    target = foreign["reference"]["resource"] or schema.name
    target_fields = list(foreign["reference"]["fields"])
    referenced = (
        pq.read_table(data_dir / f"{target}.parquet", columns=target_fields)
        .group_by(target_fields)
        .aggregate([])
    )
    missing = 0
    examples: list[dict] = []
    for table in row_groups(data_dir / f"{schema.name}.parquet", columns=fields):
        # A row whose key cells are all empty refers to nothing (frictionless' rule).
        table = table.filter(_any_present(table, fields))
        unresolved = table.join(
            referenced, keys=fields, right_keys=target_fields, join_type="left anti"
        )
        missing += unresolved.num_rows
        examples += unresolved.slice(0, MAX_REPORTED).to_pylist()
    if not missing:
        return []
    first = min(examples, key=lambda row: [str(row[f]) for f in fields])
    return [
        f"{schema.name}: {missing} row(s) whose {fields} are not in {target}.{target_fields}, "
        f"e.g. {first}"
    ]


def _any_present(table: pyarrow.Table, fields: list[str]) -> pyarrow.Array:
    present = pc.is_valid(table.column(fields[0]))
    for name in fields[1:]:
        present = pc.or_(present, pc.is_valid(table.column(name)))
    return present
