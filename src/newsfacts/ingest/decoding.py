"""From bytes on disk to text: gzip, binary sniffing and character sets.

Real corpora mix UTF-8 with Latin-1 and Windows-1252 files, and some files are
not text at all. Every failure here is a typed ``Reject``, never a traceback.
"""

from __future__ import annotations

import zlib

from charset_normalizer import from_bytes

GZIP_MAGIC = b"\x1f\x8b"


class DecodeFailure(Exception):
    def __init__(self, reason: str, detail: str):
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


# Safe defaults: a news article is kilobytes; these leave room for whole pages
# and multi-record files while stopping gzip bombs and runaway files.
MAX_BYTES = 64 * 1024 * 1024
MAX_DECOMPRESSED_BYTES = 256 * 1024 * 1024
_CHUNK = 1024 * 1024


def gunzip(data: bytes, limit: int = MAX_DECOMPRESSED_BYTES) -> bytes:
    """Decompress gzip (concatenated members too), refusing more than ``limit``
    bytes of output so that a small file cannot expand into gigabytes."""
    output = bytearray()
    remaining = data
    try:
        while remaining:
            inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
            chunk = inflater.decompress(remaining, _CHUNK)
            while True:
                output += chunk
                if len(output) > limit:
                    raise DecodeFailure(
                        "too_large", f"decompresses to more than {limit:,} bytes (limit)"
                    )
                if inflater.eof or not inflater.unconsumed_tail:
                    break
                chunk = inflater.decompress(inflater.unconsumed_tail, _CHUNK)
            if not inflater.eof:
                raise DecodeFailure("truncated_gzip", "the gzip stream ends before its end marker")
            remaining = inflater.unused_data.lstrip(b"\x00")
    except zlib.error as error:
        raise DecodeFailure(
            "truncated_gzip", f"the gzip stream is truncated or corrupt ({error})"
        ) from error
    return bytes(output)


_BOMS = (
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xff\xfe", "utf-16-le"),
)


def wide_encoding(data: bytes) -> str | None:
    """UTF-16/32 by byte-order mark, or UTF-16 without one by where its NUL bytes
    fall (ASCII text in UTF-16 has a NUL in every other byte)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    head = data[:4096]
    if len(head) < 8:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


# Every byte but the control characters (below tab, and between carriage return
# and space): deleting these from a sample leaves the controls to count, in C.
_NOT_CONTROL = bytes(b for b in range(256) if not (b < 9 or 13 < b < 32))


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control characters in the first kilobytes mean not text."""
    head = data[:8192]
    if b"\x00" in head:
        return True
    controls = len(head.translate(None, _NOT_CONTROL))
    return bool(head) and controls / len(head) > 0.05


def decode_text(data: bytes) -> str:
    """Text from bytes: UTF-8 (with or without BOM) first, else the detected charset."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    western = _as_windows_1252(data)
    if western is not None:
        return western
    best = from_bytes(data).best()
    if best is not None:
        return str(best)
    raise DecodeFailure("undecodable", "not UTF-8, and no character set fits the bytes")


# Characters that Western text in Windows-1252 / Latin-1 is made of, past ASCII.
_WESTERN = set("€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ") | {chr(c) for c in range(0xA0, 0x100)}


def _as_windows_1252(data: bytes) -> str | None:
    """Text decoded as Windows-1252 when it reads as Western text: accented
    letters and typographic punctuation sprinkled in ASCII prose. Cyrillic or
    Greek in a single-byte code page also decodes, but there nearly every
    letter is non-ASCII, so a high share sends it to charset detection."""
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    letters = [c for c in text if c.isalpha()]
    high = [c for c in text if ord(c) > 127]
    if not letters or not all(c in _WESTERN for c in high):
        return None
    return text if len(high) <= 0.2 * len(letters) else None


def read_bytes(raw: bytes, gzipped: bool, max_decompressed: int = MAX_DECOMPRESSED_BYTES) -> str:
    """Decompress if needed, refuse empty or binary content, decode to text."""
    data = gunzip(raw, max_decompressed) if gzipped else raw
    wide = wide_encoding(data)
    if wide:
        try:
            text = data.decode(wide).lstrip("\ufeff")
        except UnicodeDecodeError as error:
            raise DecodeFailure("undecodable", f"broken {wide} text ({error})") from error
        if not text.strip():
            raise DecodeFailure("empty", "the file is empty or holds only whitespace")
        return text
    if not data.strip():
        raise DecodeFailure("empty", "the file is empty or holds only whitespace")
    if looks_binary(data):
        raise DecodeFailure("binary", "the file holds binary data, not text")
    return decode_text(data)
