"""The shapes that flow between pipeline steps: input files, raw records, rejects."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class SourceFile:
    """An input file and where it was found: ``source_path`` is relative to the
    INPUT it was found under, so tables do not depend on where inputs live."""

    path: Path
    source_path: str
    input_name: str
    root: Path | None = None  # the INPUT folder; files must resolve inside it


@dataclass
class RawRecord:
    """One would-be article as a reader found it, with its provenance.

    ``text`` holds page text or HTML; ``fields`` holds a JSON record.
    """

    source_path: str
    source_key: str | None
    format: str
    source_sha256: str
    text: str | None = None
    fields: dict = field(default_factory=dict)


@dataclass
class ExtractedArticle:
    """What every format's extractor finds, before normalisation into a row."""

    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published_date: str | None = None
    publisher: str | None = None
    url: str | None = None
    tags: list[str] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Reject:
    """An input that could not become an article: a short code and a message."""

    source_path: str
    source_key: str | None
    reason: str
    detail: str

    def as_row(self) -> dict:
        return {
            "source_path": self.source_path,
            "source_key": self.source_key,
            "reason": self.reason,
            "detail": self.detail,
        }


class BuildError(Exception):
    """A build that cannot produce a valid package; the message is one line for users."""
