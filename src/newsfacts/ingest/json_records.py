"""JSON and JSON Lines files: one record, an array of records, or one per line.

Field names vary between datasets; mapping them onto article fields is the
extractor's job (``newsfacts.extract.record``). Here a record only has to be a
JSON object. A malformed line in a JSON Lines file rejects that line alone.
"""

from __future__ import annotations

import json

from newsfacts.records import RawRecord, Reject

# Wrappers that datasets put around their list of records.
_LIST_KEYS = ("articles", "records", "data", "items", "results", "documents")


def _records_in(document) -> list[tuple[str | None, object]]:
    if isinstance(document, list):
        return [(str(index), item) for index, item in enumerate(document)]
    if isinstance(document, dict):
        for key in _LIST_KEYS:
            if isinstance(document.get(key), list) and all(
                isinstance(item, dict) for item in document[key]
            ):
                return [(f"{key}[{i}]", item) for i, item in enumerate(document[key])]
        return [(None, document)]
    return [(None, document)]


def _split(content: str, source_path: str) -> tuple[list[tuple[str | None, object]], list[Reject]]:
    try:
        return _records_in(json.loads(content)), []
    except json.JSONDecodeError as whole_error:
        lines = [(n, line) for n, line in enumerate(content.splitlines(), 1) if line.strip()]
        if len(lines) < 2:
            return [], [Reject(source_path, None, "malformed_json", f"invalid JSON: {whole_error}")]
        items, rejects = [], []
        for number, line in lines:
            try:
                items.append((f"line {number}", json.loads(line)))
            except json.JSONDecodeError as error:
                rejects.append(
                    Reject(
                        source_path, f"line {number}", "malformed_json", f"invalid JSON: {error}"
                    )
                )
        if not items:
            return [], [Reject(source_path, None, "malformed_json", f"invalid JSON: {whole_error}")]
        return items, rejects


def read(content: str, source_path: str, sha256: str) -> tuple[list[RawRecord], list[Reject]]:
    items, rejects = _split(content, source_path)
    records = []
    for key, item in items:
        if isinstance(item, dict):
            records.append(RawRecord(source_path, key, "json", sha256, fields=item))
        else:
            kind = type(item).__name__
            rejects.append(
                Reject(
                    source_path,
                    key,
                    "no_article",
                    f"a JSON {kind}, not an object with article fields",
                )
            )
    return records, rejects
