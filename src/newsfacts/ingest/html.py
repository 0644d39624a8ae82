"""HTML pages (plain or gzipped): the page is kept whole for the HTML extractor."""

from __future__ import annotations

from newsfacts.records import RawRecord


def read(content: str, source_path: str, sha256: str) -> RawRecord:
    return RawRecord(source_path, None, "html", sha256, text=content)
