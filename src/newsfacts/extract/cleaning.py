"""The body cleaner: one pass that every input format's body goes through.

Readers hand over a list of paragraphs. Whatever their origin (a JSON record's
"clean" content, trafilatura's output, the block picked from a scraped page),
bodies still carry photo captions and credits, "Advertisement" lines,
newsletter promos and the headline repeated. This module removes those and
normalises whitespace so that paragraphs are separated by one blank line.
"""

from __future__ import annotations

import re
import unicodedata

from newsfacts.extract.lines import (
    is_boilerplate,
    is_caption,
    is_credit,
    is_labelled_credit,
    is_link_list_heading,
    is_widget,
    word_count,
)

# Inline "name cards" that some sites put behind a person's name and that a
# scrape flattens into the sentence: the person's full name, glued to a few
# related headlines and closed by "MORE" ("Special counsel Robert Mueller
# Robert (Bob) Swan MuellerSpeier says ... MORE's Russia investigation"). The
# name as the sentence gives it stays; the card goes.
_NAME_CARD = re.compile(
    r"\b(?P<surname>[A-Z][\w'’-]+) ?"  # the name's last word, as the sentence has it
    r"(?:(?:[A-Z]\.|[A-Z(][\w'’()-]*) ){1,5}?"  # the full name on the card (initials end in ".")
    r"(?P<again>(?P=surname))(?=[ A-Z0-9'‘“\"])"  # ... ending with that word, then headlines
    r".{0,700}?(?<!READ)(?<!SEE)(?<!LEARN)(?<!FOR) MORE\b"
)


def _without_name_cards(text: str) -> str:
    """``text`` with its name cards cut. The pattern alone would also take a
    first name for the repeated word ("Hillary Clinton Hillary Diane Rodham
    Clinton…" read as a card after "Hillary"), so of the matches that end at
    the same "MORE" and start before the first one's repeated word, the last
    one is cut."""
    if " MORE" not in text:
        return text  # most paragraphs: the pattern costs up to 700 steps a capitalised word
    parts, position = [], 0
    while first := _NAME_CARD.search(text, position):
        match = first
        while (
            (later := _NAME_CARD.search(text, match.start() + 1))
            and later.start() < first.start("again")
            and later.end() == first.end()
        ):
            match = later
        parts.append(text[position : match.end("surname")])
        position = match.end()
    parts.append(text[position:])
    return "".join(parts)


_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]")


# A letter some texts carry as an HTML character reference ("Jos&#233; Manuel
# Barroso"). Only letters are decoded: other references in such texts are as
# often mis-encoded punctuation ("Mr Blair&#191;s", an apostrophe become "¿"),
# which decoding would not mend.
_CHARACTER_REFERENCE = re.compile(r"&#(?:(\d{2,7})|[xX]([0-9a-fA-F]{2,6}));")


def _letter(match: re.Match) -> str:
    code = int(match.group(1)) if match.group(1) else int(match.group(2), 16)
    if code < 0x110000 and unicodedata.category(chr(code)).startswith("L"):
        return chr(code)
    return match.group(0)


def normalise_text(text: str) -> str:
    """NFC, one kind of newline, no invisible characters, no runs of spaces,
    letters written as character references decoded."""
    if "&#" in text:
        text = _CHARACTER_REFERENCE.sub(_letter, text)
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _INVISIBLE.sub("", text)
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n"))


def split_paragraphs(text: str) -> list[str]:
    """Non-empty lines of normalised text; a scrape's line breaks are block breaks."""
    return [line for line in normalise_text(text).split("\n") if line]


def _key(text: str) -> str:
    return re.sub(r"\W+", " ", text.casefold()).strip()


def _is_caption_copy(index: int, keys: list[str]) -> bool:
    """A caption that repeats another paragraph, usually with a credit appended.

    Pages show a photo captioned with a sentence of the article; the scrape then
    holds the sentence twice, once with the photographer's name stuck to it.
    The longer, earlier copy is the caption.
    """
    key = keys[index]
    if len(key) < 20:
        return False
    for other_index, other in enumerate(keys):
        if other_index == index or len(other) < 20:
            continue
        if key != other and key.startswith(other) and len(key) - len(other) <= 120:
            return True
        if key == other and index < other_index:
            return True
    return False


_MAX_CAPTION_WORDS = 40


# A quotation and who said it (",” she wrote.") is the article speaking, not a
# photo's caption, even right above a "Photo:" credit.
_ATTRIBUTED_QUOTE = re.compile(
    r"[”\"],?\s+(?:[\w.'’-]+\s+){0,3}(?:said|says|wrote|writes|added|told|tweeted)\b"
)


def _is_captioned(index: int, paragraphs: list[str]) -> bool:
    """A short paragraph right above a labelled credit ("Photo: ...") is that
    photo's caption. A bare "Jane Doe/AP" line often stands alone, so it
    does not make the paragraph above it a caption."""
    following = paragraphs[index + 1] if index + 1 < len(paragraphs) else ""
    return (
        bool(following)
        and is_labelled_credit(following)
        and not is_credit(paragraphs[index])
        and word_count(paragraphs[index]) <= _MAX_CAPTION_WORDS
        and not _ATTRIBUTED_QUOTE.search(paragraphs[index])
    )


def _repeats_title(key: str, title_key: str) -> bool:
    """The headline again, alone or behind a credit ("AP Photos <headline>")."""
    return key == title_key or (key.endswith(title_key) and len(key) - len(title_key) <= 30)


def clean_paragraphs(paragraphs: list[str], title: str | None = None) -> list[str]:
    """Drop captions, credits, promos and repeated headlines from body paragraphs."""
    paragraphs = [
        _without_name_cards(p)
        for p in (normalise_text(p).replace("\n", " ").strip() for p in paragraphs)
        if p
    ]
    keys = [_key(p) for p in paragraphs]
    title_key = _key(title) if title else None
    kept = []
    for index, paragraph in enumerate(paragraphs):
        if title_key and _repeats_title(keys[index], title_key):
            continue
        if is_boilerplate(paragraph) or is_credit(paragraph) or is_caption(paragraph):
            continue
        if is_link_list_heading(paragraph) or is_widget(paragraph):
            continue
        if _is_caption_copy(index, keys):
            continue
        if _is_captioned(index, paragraphs):
            continue
        kept.append(paragraph)
    return kept


def join_paragraphs(paragraphs: list[str]) -> str:
    return "\n\n".join(paragraphs)
