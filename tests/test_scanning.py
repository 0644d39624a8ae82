"""The fact patterns run with a lookahead on their first character
(``newsfacts.extract.facts.scanning``) only for speed: they must find exactly
what the patterns alone find. A character missing from a pattern's list would
silently lose facts, so each is compared with the pattern without it, on
generated text and on the real corpus files."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsfacts.extract.facts.dates import _MONTH_NAMES, _PATTERNS, _WEEKDAYS
from newsfacts.extract.facts.quantities import _CURRENCY_SIGNS, _QUANTITY, WORD_NUMBERS

GUARDED = [(kind, pattern) for kind, pattern, _ in _PATTERNS] + [("quantity", _QUANTITY)]


def _unguarded(pattern: re.Pattern) -> re.Pattern:
    guard, separator, inner = pattern.pattern.partition(")(?:")
    assert guard.startswith("(?=[") and separator and inner.endswith(")"), pattern.pattern
    return re.compile(inner[:-1], pattern.flags)


def _matches(pattern: re.Pattern, text: str) -> list:
    return [(m.span(), m.groupdict()) for m in pattern.finditer(text)]


# The words before a date that the patterns take in ("since March", "last Monday").
_RELATIVE_WORDS = (  # noqa: SIM905 — one sentence of words reads better than 22 strings
    "in by since during until from of early late mid last next this before after through "
    "the on yesterday today tomorrow a"
).split()
# Every word and sign the patterns can open with, in several cases, from the
# extractors' own tables, and characters that make boundaries interesting.
_WORDS = sorted(
    {
        form
        for word in [*_MONTH_NAMES, *_WEEKDAYS, *WORD_NUMBERS, *_RELATIVE_WORDS]
        for form in (word, word.capitalize(), word.upper())
    }
)
_PIECES = [
    *_WORDS,
    *_CURRENCY_SIGNS,
    *(sign.lower() for sign in _CURRENCY_SIGNS),
    *[
        "March 2012",
        "of May 1987",
        "weeks ago",
        "1990s",
        "’90s",
        "'80s",
        "mid-",
        "2012",
        "1987",
        "2021-07-14",
        "14th",
        "3",
        "٣",
        "1,000",
    ],
    *["3.5", "%", "per cent", "bn", "million", "km", "-", "people", "X", "_", "\n", ",", "'"],
]


def test_a_guarded_pattern_finds_what_the_pattern_alone_finds_after_any_piece():
    # Every pair of pieces, side by side and with a space between: what each
    # pattern opens with, after what may or may not make a word boundary.
    texts = [a + gap + b for a in _PIECES for b in _PIECES for gap in ("", " ")]
    for kind, pattern in GUARDED:
        bare = _unguarded(pattern)
        for text in texts:
            assert _matches(pattern, text) == _matches(bare, text), (kind, text)


@pytest.mark.parametrize(("kind", "pattern"), GUARDED, ids=[k for k, _ in GUARDED])
@settings(max_examples=200, deadline=None)
@given(
    pieces=st.lists(
        st.tuples(
            st.one_of(st.sampled_from(_PIECES), st.characters()),
            st.sampled_from([" ", "", "\n", ", "]),
        ),
        max_size=30,
    )
)
def test_a_guarded_pattern_finds_what_the_pattern_alone_finds(kind, pattern, pieces):
    text = "".join(piece + separator for piece, separator in pieces)
    assert _matches(pattern, text) == _matches(_unguarded(pattern), text)


def test_guarded_patterns_agree_with_the_patterns_on_the_corpus(corpus_dir):
    files = sorted(p for p in corpus_dir.rglob("*") if p.is_file())[:200]
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in files]
    found = Counter()
    for kind, pattern in GUARDED:
        bare = _unguarded(pattern)
        for text in texts:
            guarded = _matches(pattern, text)
            assert guarded == _matches(bare, text), kind
            found[kind] += len(guarded)
    # Every kind of fact was there to compare (ISO dates alone are rare).
    assert all(found[kind] for kind, _ in GUARDED), found
