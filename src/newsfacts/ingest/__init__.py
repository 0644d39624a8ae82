"""Readers: one per input format, all yielding ``RawRecord``s with provenance.

``discover`` walks the INPUTs; ``read_source`` detects a file's format from its
content (the extension is only a hint) and hands it to the reader for that
format: ``text`` (scraped page text and plain article text), ``html`` and
``json_records`` (JSON and JSON Lines). Anything else becomes a ``Reject``.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from newsfacts.ingest import html, json_records, text
from newsfacts.ingest.decoding import (
    GZIP_MAGIC,
    MAX_BYTES,
    MAX_DECOMPRESSED_BYTES,
    DecodeFailure,
    read_bytes,
)
from newsfacts.records import BuildError, RawRecord, Reject, SourceFile

_JSON_SUFFIXES = {".json", ".jsonl", ".ndjson"}
_HTML_SUFFIXES = {".html", ".htm", ".xhtml"}


MAX_LINE_CHARS = 1_000_000


@dataclass(frozen=True)
class Limits:
    """Size limits per input file (``--max-bytes``, ``--max-decompressed-bytes``)."""

    max_bytes: int = MAX_BYTES
    max_decompressed: int = MAX_DECOMPRESSED_BYTES


@dataclass
class FileReading:
    """What one input file gave: its format, checksum, records and rejects."""

    source: SourceFile
    format: str
    sha256: str
    size: int
    records: list[RawRecord] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)


def discover(inputs: Iterable[str | Path], exclude: Iterable[str | Path] = ()) -> list[SourceFile]:
    """Every file under the INPUTs (folders searched recursively), in a stable order.

    Hidden files and folders (".git", ".DS_Store") are skipped: they are not
    articles and would only fill the rejects table. So are the folders in
    ``exclude`` (the build's own output and cache, when they lie inside an
    INPUT: a second build must not read the first one's tables as articles).
    """
    excluded = [Path(folder).resolve() for folder in exclude]
    roots: dict[Path, Path] = {}  # resolved -> as given; an INPUT named twice is read once
    for given in inputs:
        root = Path(given)
        if not root.exists():
            raise BuildError(f"input not found: {given}")
        inside = next((e for e in excluded if root.resolve().is_relative_to(e)), None)
        if inside is not None:
            raise BuildError(f"input {given} is inside the build's own output or cache: {inside}")
        roots.setdefault(root.resolve(), root)
    # Named as before this list had to tell names apart: a folder by its real
    # path, a file by the path it was given (a link keeps its own name).
    named = [resolved if root.is_dir() else root.absolute() for resolved, root in roots.items()]
    found: list[SourceFile] = []
    for (resolved, root), name in zip(roots.items(), _input_names(named), strict=True):
        if root.is_file():
            found.append(SourceFile(root, name, name))
            continue
        # Only a folder excluded inside this INPUT can hide files in it (a link
        # that leads out of an INPUT is rejected when read, never followed).
        inner = [e for e in excluded if e.is_relative_to(resolved)]
        for path in sorted(root.rglob("*")):
            relative = path.relative_to(root)
            if any(part.startswith(".") for part in relative.parts) or not path.is_file():
                continue
            if inner and any(path.resolve().is_relative_to(e) for e in inner):
                continue
            found.append(SourceFile(path, relative.as_posix(), name, root))
    return sorted(found, key=lambda s: (s.input_name, s.source_path))


def _input_names(paths: list[Path]) -> list[str]:
    """Each INPUT's name in the tables: its last path component, with as many
    parent folders as it takes to tell apart INPUTs that share it
    ("business/001.txt" and "sport/001.txt"; "2021/html" and "2022/html").
    Depends only on the set of INPUTs, not on their order."""
    depth = [1] * len(paths)
    while True:
        names = [
            "/".join(p.parts[-d:]).lstrip("/") or "/" for p, d in zip(paths, depth, strict=True)
        ]
        clashes = Counter(names)
        longer = [
            i for i, n in enumerate(names) if clashes[n] > 1 and depth[i] < len(paths[i].parts)
        ]
        if not longer:
            return names
        for i in longer:
            depth[i] += 1


def _logical_suffix(path: Path) -> tuple[str, bool]:
    suffixes = [s.lower() for s in path.suffixes]
    gzipped = bool(suffixes) and suffixes[-1] == ".gz"
    if gzipped:
        suffixes = suffixes[:-1]
    return (suffixes[-1] if suffixes else ""), gzipped


def detect_format(content: str, suffix: str) -> str:
    """ "json", "html" or "text", from what the content looks like."""
    head = content.lstrip()[:2048].lower()
    if head.startswith(("{", "[")):
        return "json"
    if suffix in _JSON_SUFFIXES:
        return "json"
    if head.startswith(("<!doctype html", "<html", "<?xml")) or (
        "<html" in head or "<body" in head or "<head" in head
    ):
        return "html"
    if suffix in _HTML_SUFFIXES and "<" in head and ">" in head:
        return "html"
    return "text"


def _outside_root(source: SourceFile) -> bool:
    """A link that leads out of the INPUT folder (never read)."""
    if source.root is None:
        return False
    return not source.path.resolve().is_relative_to(source.root.resolve())


def read_source(source: SourceFile, limits: Limits = Limits()) -> FileReading:
    if _outside_root(source):
        reading = FileReading(source, "unknown", "0" * 64, 0)
        reading.rejects.append(
            Reject(
                source.source_path,
                None,
                "outside_input",
                "a link to a file outside the input folder; not read",
            )
        )
        return reading
    size = source.path.stat().st_size
    if size > limits.max_bytes:
        reading = FileReading(source, "unknown", "0" * 64, size)
        reading.rejects.append(
            Reject(
                source.source_path,
                None,
                "too_large",
                f"{size:,} bytes, over the {limits.max_bytes:,}-byte limit",
            )
        )
        return reading
    raw = source.path.read_bytes()
    sha256 = hashlib.sha256(raw).hexdigest()
    suffix, gzipped = _logical_suffix(source.path)
    gzipped = gzipped or raw.startswith(GZIP_MAGIC)
    reading = FileReading(source, "unknown", sha256, len(raw))
    try:
        content = read_bytes(raw, gzipped, limits.max_decompressed)
    except DecodeFailure as failure:
        reading.rejects.append(Reject(source.source_path, None, failure.reason, failure.detail))
        return reading
    kind = detect_format(content, suffix)
    if kind == "json":
        reading.format = "json"
        reading.records, reading.rejects = json_records.read(content, source.source_path, sha256)
    elif kind == "html":
        reading.format = "html"
        reading.records = [html.read(content, source.source_path, sha256)]
    elif (longest := max(map(len, content.splitlines()), default=0)) > MAX_LINE_CHARS:
        # Page text comes in lines; a single line of megabytes is not an article
        # and would only slow every line-based step down.
        reading.rejects.append(
            Reject(
                source.source_path,
                None,
                "too_large",
                f"a line of {longest:,} characters in a text file",
            )
        )
    else:
        record = text.read(content, source.source_path, sha256)
        reading.format = record.format
        reading.records = [record]
    return reading
