"""``newsfacts.load(table)``: a released table as a DataFrame, with its schema.

Where the data comes from, in order: ``source`` if given (a package folder, a
release archive, or a dist folder holding archives), else the installed data
wheel (``pip install newsfacts_data-X.Y.Z-py3-none-any.whl``), else the
``datapackage/`` folder of the current directory. No network is involved.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd
import pyarrow

from newsfacts.records import BuildError
from newsfacts.snapshot import Snapshot, open_snapshot

_PANDAS_TYPES = {"string": "string", "integer": "Int64", "number": "Float64", "boolean": "boolean"}


def _installed_package() -> Path | None:
    spec = importlib.util.find_spec("newsfacts_data")
    if spec is None or not spec.origin:
        return None
    return Path(spec.origin).parent / "package"


def _from_dist(folder: Path, version: str | None) -> Path | None:
    archives = sorted(folder.glob("newsfacts-data-*-parquet.tar.gz")) + sorted(
        folder.glob("newsfacts-data-*.zip")
    )
    if version:
        archives = [a for a in archives if a.name.startswith(f"newsfacts-data-{version}")]
    return archives[-1] if archives else None


def find_snapshot(source: str | Path | None = None, version: str | None = None) -> Snapshot:
    if source is not None:
        source = Path(source)
        if source.is_dir() and not (source / "datapackage.json").exists():
            archive = _from_dist(source, version)
            if archive is None:
                raise BuildError(f"no data package or release archive in {source}")
            source = archive
        snapshot = open_snapshot(source)
    else:
        installed = _installed_package()
        local = Path("datapackage")
        if installed is not None and installed.exists():
            snapshot = open_snapshot(installed)
        elif (local / "datapackage.json").exists():
            snapshot = open_snapshot(local)
        else:
            raise BuildError(
                "no newsfacts data found: pip install a newsfacts_data wheel, or pass source="
            )
    if version is not None and snapshot.version != version:
        raise BuildError(
            f"the data at {snapshot.location} is version {snapshot.version}, not {version}"
        )
    return snapshot


def _to_pandas(table: pyarrow.Table, fields: list[dict]) -> pd.DataFrame:
    frame = table.to_pandas()
    for field in fields:
        name, kind = field["name"], field["type"]
        enum = field.get("constraints", {}).get("enum")
        if name not in frame:
            continue
        if enum:
            frame[name] = pd.Categorical(frame[name], categories=enum)
        elif kind in _PANDAS_TYPES:
            frame[name] = frame[name].astype(_PANDAS_TYPES[kind])
        elif kind == "date":
            frame[name] = pd.to_datetime(frame[name])
        elif kind == "array":
            frame[name] = frame[name].map(lambda v: list(v) if v is not None else [])
    return frame


def load(table: str, version: str | None = None, *, as_: str = "pandas", source=None):
    """A table of a newsfacts data release as pandas (default), arrow or polars.

    >>> articles = newsfacts.load("articles")  # doctest: +SKIP
    """
    snapshot = find_snapshot(source, version)
    arrow = snapshot.arrow(table)
    if as_ == "arrow":
        return arrow
    if as_ == "polars":
        import polars

        return polars.from_arrow(arrow)
    if as_ != "pandas":
        raise ValueError(f"as_ must be 'pandas', 'arrow' or 'polars', not {as_!r}")
    return _to_pandas(arrow, snapshot.fields(table))
