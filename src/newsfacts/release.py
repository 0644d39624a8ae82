"""Versioned, reproducible data releases.

``release()`` builds into ``build/``, validates, compares with the published
package (``datapackage/``) to find the SemVer bump the data needs, refuses a
version smaller than that, updates ``datapackage/`` and writes the artifacts:

- ``newsfacts-data-X.Y.Z.zip``: datapackage.json + CSV (what frictionless reads)
- ``newsfacts-data-X.Y.Z-parquet.tar.gz``: datapackage.json + Parquet
- ``newsfacts-data-X.Y.Z.db``: the SQLite database Datasette serves
- ``newsfacts_data-X.Y.Z-py3-none-any.whl``: the data as a Python package
  (``pip install`` it, then ``newsfacts.load("articles")``)
- ``RELEASE_NOTES.md`` and ``SHA256SUMS``

Every artifact is byte-identical for the same inputs and version: fixed
timestamps and owners, sorted entries, deterministic compression.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import shutil
import tarfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.parquet as pq

from newsfacts import package
from newsfacts.build import BuildReport, build, check_output
from newsfacts.diff import PackageDiff, diff_packages, is_allowed, next_version, parse_version
from newsfacts.publish import database_path, publish
from newsfacts.records import BuildError

# 1980-01-01, the earliest time a zip entry can carry.
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)
_FIXED_EPOCH = 315532800
FIRST_VERSION = "0.1.0"


@dataclass
class ReleaseReport:
    version: str
    dist: Path
    artifacts: list[Path] = field(default_factory=list)
    diff: PackageDiff | None = None
    build: BuildReport | None = None


def set_version(package_dir: Path, version: str) -> None:
    """Write ``version`` into datapackage.json and every Parquet file's metadata."""
    descriptor_path = package_dir / "datapackage.json"
    descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    descriptor["version"] = version
    for resource in descriptor["resources"]:
        parquet = package_dir / resource["newsfacts:parquet"]["path"]
        table = pq.read_table(parquet)
        metadata = dict(table.schema.metadata or {})
        metadata[b"newsfacts:version"] = version.encode()
        package.write_parquet(table.replace_schema_metadata(metadata), parquet)
        resource["newsfacts:parquet"]["hash"] = f"sha256:{package.file_sha256(parquet)}"
    package.write_descriptor(descriptor, package_dir)


def _zip(target: Path, root: str, files: list[tuple[str, Path]]) -> None:
    with zipfile.ZipFile(target, "w") as archive:
        for name, path in sorted(files):
            info = zipfile.ZipInfo(f"{root}/{name}", date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, path.read_bytes(), compresslevel=9)


def _tar_gz(target: Path, root: str, files: list[tuple[str, Path]]) -> None:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for name, path in sorted(files):
            data = path.read_bytes()
            info = tarfile.TarInfo(f"{root}/{name}")
            info.size, info.mtime, info.mode = len(data), _FIXED_EPOCH, 0o644
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            archive.addfile(info, io.BytesIO(data))
    with (
        open(target, "wb") as raw,
        gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz,
    ):
        gz.write(buffer.getvalue())


def _data_wheel(package_dir: Path, version: str, dist: Path, work: Path) -> Path:
    """Build ``newsfacts-data`` with hatchling: the Parquet tables and descriptor
    under ``newsfacts_data/package/``, version = data version."""
    from hatchling.builders.wheel import WheelBuilder

    project = work / "newsfacts-data"
    if project.exists():
        shutil.rmtree(project)
    data_dir = project / "newsfacts_data" / "package" / "data"
    data_dir.mkdir(parents=True)
    shutil.copy(package_dir / "datapackage.json", data_dir.parent / "datapackage.json")
    for parquet in sorted((package_dir / "data").glob("*.parquet")):
        shutil.copy(parquet, data_dir / parquet.name)
    (project / "newsfacts_data" / "__init__.py").write_text(
        '"""newsfacts data release: load it with newsfacts.load(table)."""\n\n'
        "from pathlib import Path\n\n"
        f'__version__ = "{version}"\n'
        'PACKAGE_DIR = Path(__file__).parent / "package"\n',
        encoding="utf-8",
    )
    (project / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n\n'
        '[project]\nname = "newsfacts-data"\n'
        f'version = "{version}"\n'
        'description = "newsfacts data release (Parquet tables + datapackage.json)"\n'
        'requires-python = ">=3.11"\nlicense = "CC0-1.0"\n\n'
        '[tool.hatch.build.targets.wheel]\npackages = ["newsfacts_data"]\n',
        encoding="utf-8",
    )
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(_FIXED_EPOCH)
    try:
        builder = WheelBuilder(str(project))
        [wheel] = list(builder.build(directory=str(dist), versions=["standard"]))
    finally:
        if previous is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous
    return Path(wheel)


def _sha256sums(dist: Path, artifacts: list[Path]) -> Path:
    lines = [f"{package.file_sha256(p)}  {p.name}" for p in sorted(artifacts)]
    target = dist / "SHA256SUMS"
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


def choose_version(
    requested: str | None, published: Path, staged: Path
) -> tuple[str, PackageDiff | None]:
    """The release version: as requested if the data change allows it, else proposed."""
    if not (published / "datapackage.json").exists():
        return requested or FIRST_VERSION, None
    difference = diff_packages(published, staged)
    previous = difference.old_version
    needed = next_version(previous, difference.bump)
    if requested is None:
        if difference.bump == "none":
            raise BuildError(f"nothing changed since {previous}: no release needed")
        return needed, difference
    parse_version(requested)
    if not is_allowed(previous, difference.bump, requested):
        raise BuildError(
            f"version {requested} is too small: the data change since {previous} is a "
            f"{difference.bump} change and needs at least {needed}"
        )
    return requested, difference


def release(
    inputs,
    version: str | None = None,
    dist: str | Path = "dist",
    *,
    published: str | Path = "datapackage",
    work: str | Path = "build",
    entities: bool = True,
) -> ReleaseReport:
    """Build, version, publish and package a data release (see the module doc)."""
    dist, published, work = Path(dist), Path(published), Path(work)
    check_output(published)  # replaced whole at the end: refuse anything but a package
    staged = work / "release" / "datapackage"
    report = build(inputs, staged, entities=entities, version="0.0.0")
    chosen, difference = choose_version(version, published, staged)
    if difference is not None:
        difference.new_version = chosen  # the staged build carried a placeholder
    set_version(staged, chosen)
    errors = package.validate_package(staged)
    if errors:
        raise BuildError(f"the release package fails validation: {errors[0]}")
    notes_text = release_notes(chosen, difference)
    previous_notes = published / "RELEASE_NOTES.md"
    if difference is not None and difference.bump == "none" and previous_notes.exists():
        # The same data released again: the notes of its first release stand.
        notes_text = previous_notes.read_text(encoding="utf-8")
    _replace_folder(staged, published)
    (published / "RELEASE_NOTES.md").write_text(notes_text, encoding="utf-8")
    dist.mkdir(parents=True, exist_ok=True)
    root = f"newsfacts-data-{chosen}"
    csv_files = [("datapackage.json", published / "datapackage.json")] + [
        (f"data/{p.name}", p) for p in sorted((published / "data").glob("*.csv"))
    ]
    parquet_files = [("datapackage.json", published / "datapackage.json")] + [
        (f"data/{p.name}", p) for p in sorted((published / "data").glob("*.parquet"))
    ]
    artifacts = [dist / f"{root}.zip", dist / f"{root}-parquet.tar.gz", dist / f"{root}.db"]
    _zip(artifacts[0], root, csv_files)
    _tar_gz(artifacts[1], root, parquet_files)
    publish(published, update=False)  # the released file: what loading makes, every time
    shutil.copy(database_path(published), artifacts[2])
    artifacts.append(_data_wheel(published, chosen, dist, work / "release"))
    notes = dist / "RELEASE_NOTES.md"
    notes.write_text(notes_text, encoding="utf-8")
    artifacts.append(notes)
    artifacts.append(_sha256sums(dist, artifacts))
    return ReleaseReport(chosen, dist, artifacts, difference, report)


def _replace_folder(source: Path, target: Path) -> None:
    if target.exists():
        shutil.rmtree(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(source, target)


def release_notes(version: str, difference: PackageDiff | None) -> str:
    lines = [f"# newsfacts data {version}", "", "## Data", ""]
    if difference is None:
        lines.append("First release of this data package.")
    else:
        lines.append(difference.summary().rstrip("\n"))
    lines += [
        "",
        "## Artifacts",
        "",
        f"- `newsfacts-data-{version}.zip`: datapackage.json + CSV (Frictionless)",
        f"- `newsfacts-data-{version}-parquet.tar.gz`: datapackage.json + Parquet",
        f"- `newsfacts-data-{version}.db`: SQLite database for Datasette",
        f"- `newsfacts_data-{version}-py3-none-any.whl`: `pip install` it, then "
        '`newsfacts.load("articles")`',
        "- `SHA256SUMS`: check with `sha256sum -c SHA256SUMS`",
        "",
    ]
    return "\n".join(lines)
