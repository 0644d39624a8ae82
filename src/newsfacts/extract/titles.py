"""Titles of works, found after the word that says what they are.

News names a work by its kind and then its title: "the film The Aviator",
"his album Tourist", "US drama 24", "films such as Troy and Lord of the
Rings", "a report titled “The Case for More Incarceration”". The model misses
most of these titles or tags a piece of one ("Seek" of "Hide and Seek" as a
person, "Pops" of "Top of the Pops" as an organisation): titles are sentences
and phrases, not the names it learned. The kind word before them is the
evidence, so a title is read from the text after it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

# The kinds of work, in lower case: a capitalised "Film" or "Drama" is part of a
# name ("Venice Film Festival", "BBC Drama"). Not "single", "play", "show" or
# "book": as an adjective or a verb they come before names that are no titles
# ("a single Democrat", "play Chelsea", "book Trump"); the plural "books" is
# only a noun. "Epic" after an article is the adjective ("an epic New York
# Marathon contest"). "Feature" is a film after a film-maker's possessive or a
# film's adjective ("his last feature 06/05", "the animated feature Belleville
# Rendezvous"); otherwise a verb or a product's ("will feature Obama", "the
# latest feature Facebook has added").
_ONE = (
    r"film|movie|drama|documentary|album|song|novel|musical|sitcom|programme|thriller|comedy|"
    r"opera|(?<!\ban )(?<!\bthe )(?<!\ba )epic"
    r"|(?:(?:his|her|their)(?: (?:new|latest|last|first|second|third|debut|next))?"
    r"|animated|debut|low-budget|full-length|feature-length) feature"
)
_MANY = r"films|movies|dramas|documentaries|albums|songs|novels|musicals|books"
# Not "self-titled", an album named for its band: "their self-titled LP".
_CUE = re.compile(
    rf"\b(?:(?P<many>{_MANY})|{_ONE}|(?<!-)entitled|(?<!-)titled)"
    r"(?P<examples> (?:such as|including|like))? (?=[\"“‘'A-Z\d])"
)
# A title's words: capitalised words and numbers, and the small words titles
# keep in lower case between them ("Lost in Translation", "12 Years a Slave").
# Not "by", which names the author: "a sculpture entitled Planet by Anita …".
_WORD = r"(?:[A-Z][\w'’-]*|\d[\w/'’-]*)"
SMALL_WORDS = ("of", "the", "a", "an", "in", "on", "to", "for", "with", "from", "at", "and", "or")
_SMALL = rf"(?:{'|'.join(SMALL_WORDS)})"
# Not a number after a small word: "Dirty Pretty Things in 2002". A subtitle
# after a colon: "10th District Court: Moments of Trials".
_TITLE = re.compile(rf"{_WORD}(?: (?:{_SMALL} )+[A-Z][\w'’-]*|:? {_WORD})*")
# A quoted title, to the quote that closes the one it opens with (“…” or "…";
# a single quote closes only where no letter follows, as an apostrophe does:
# "Can't", "Trump’s"). Not a headline of two sentences. What may end the title
# inside the quotes is ``QUOTE_END``.
QUOTE_END = r"[.,!?;:]?"
_IN_QUOTES = r"(?:[^\n.]|\.(?! ))"
_QUOTED = re.compile(
    rf"“((?:(?!”){_IN_QUOTES}){{1,120}}?){QUOTE_END}”"
    rf'|"((?:(?!"){_IN_QUOTES}){{1,120}}?){QUOTE_END}"'
    rf"|‘((?:(?!’(?!\w)){_IN_QUOTES}){{1,120}}?){QUOTE_END}’(?!\w)"
    rf"|'((?:(?!'(?!\w)){_IN_QUOTES}){{1,120}}?){QUOTE_END}'(?!\w)"
)
# A list of works after a plural kind or "such as": "films such as Million
# Dollar Baby, Aviator and Finding Neverland".
_LIST_SEPARATOR = re.compile(r",\s+(?:and\s+)?|\s+(?:and|or)\s+")
# Words that start a clause or name a person, not a title: "in my films I
# cast", "the Today programme Mr Blair had".
_NOT_FIRST = frozenset(
    ("I", "He", "She", "It", "We", "They", "You", "This", "That", "These", "Those", "There")
    + ("His", "Her", "Their", "Its", "Our", "My", "Mr", "Mrs", "Ms", "Dr", "Sir", "Dame")
)
# What a title cannot end with: a possessive before a noun ("a musical Rubik's
# cube") or a small word.
_BAD_END = re.compile(rf"(?:['’]s|\s{_SMALL})$")


class Title(NamedTuple):
    start: int
    end: int
    after: int  # past its closing quote, if quoted
    quoted: bool
    later_in_list: bool = False  # "Aviator" of "films such as Troy, Aviator"


def _title(body: str, start: int, listed: bool) -> Title | None:
    """The title that starts at ``start``, or None. In a list, "and" and
    commas part titles rather than join their words."""
    quoted = _QUOTED.match(body, start)
    if quoted:
        s, e = quoted.span(quoted.lastindex)
        return Title(s, e, quoted.end(), True) if body[s].isupper() or body[s].isdigit() else None
    words = _TITLE.match(body, start)
    if words is None:
        return None
    s, e = words.span()
    if listed:
        e = s + len(_LIST_SEPARATOR.split(body[s:e], maxsplit=1)[0])
    text = body[s:e]
    if text.split()[0] in _NOT_FIRST or _BAD_END.search(text):
        return None
    if text[0].isdigit() and (listed or " " not in text and len(text) == 4):
        # "films 2004 …", "the film 2005" are years; a number is a title only
        # after one kind of work: "US drama 24", "his last feature 06/05".
        return None
    return Title(s, e, e, False)


def work_titles(body: str) -> Iterator[Title]:
    """The titles the body names after a kind of work, in order."""
    for cue in _CUE.finditer(body):
        listed = cue.group("many") or cue.group("examples")
        at = cue.end()
        while (title := _title(body, at, bool(listed))) is not None:
            yield title._replace(later_in_list=at != cue.end())
            following = _LIST_SEPARATOR.match(body, title.after) if listed else None
            if following is None:
                break
            at = following.end()
