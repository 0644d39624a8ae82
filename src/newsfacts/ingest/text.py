"""Text files: either a scraped page's whole visible text or plain article text.

Plain article text (headline on the first line, then the body) is told apart
from a scraped page by its shape: nothing in it looks like page furniture.
"""

from __future__ import annotations

from newsfacts.extract.cleaning import split_paragraphs
from newsfacts.extract.lines import (
    ends_like_sentence,
    is_boilerplate,
    is_credit,
    word_count,
)
from newsfacts.extract.metadata import tag_line_values
from newsfacts.records import RawRecord

_MAX_HEADLINE_WORDS = 30
# Share of the body's words allowed in short lines (subheadings, list items);
# a scraped page's menus push it far higher. The lead paragraph comes first.
_MAX_SHORT_WORD_SHARE = 0.5


def is_plain_article(content: str) -> bool:
    lines = split_paragraphs(content)
    if len(lines) < 2:
        return False
    headline, body = lines[0], lines[1:]
    if word_count(headline) > _MAX_HEADLINE_WORDS or headline.endswith("."):
        return False
    furniture = [
        line for line in body if is_boilerplate(line) or is_credit(line) or tag_line_values(line)
    ]
    if furniture or not _is_prose(body[0]):
        return False
    short_words = sum(word_count(line) for line in body if not _is_prose(line))
    return short_words <= _MAX_SHORT_WORD_SHARE * sum(word_count(line) for line in body)


def _is_prose(line: str) -> bool:
    return ends_like_sentence(line) and word_count(line) >= 5


def read(content: str, source_path: str, sha256: str) -> RawRecord:
    kind = "plain_text" if is_plain_article(content) else "scraped_text"
    return RawRecord(source_path, None, kind, sha256, text=content)
