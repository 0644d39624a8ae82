"""The facts table: quantities, dates, attributions and quotes of each article,
each with its evidence span and, where there is one, the entity it names.

Runs after entity resolution, on the same sentences and mentions, so that a
source "Interfax" or a speaker "he" links to an ``entities`` row.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import re
from collections import Counter
from dataclasses import dataclass

from newsfacts.extract.facts.attributions import Attribution, find_attributions
from newsfacts.extract.facts.dates import find_dates
from newsfacts.extract.facts.quantities import find_quantities
from newsfacts.extract.facts.quotes import Quote, find_quotes, speaker_for
from newsfacts.extract.resolution import Cluster

_EMPTY = {
    "value_number": None,
    "value_high": None,
    "approx": None,
    "unit": None,
    "value_date": None,
    "date_precision": None,
    "subject_entity_id": None,
    "object_entity_id": None,
    "source_entity_id": None,
    "source_text": None,
    "source_type": None,
    "quote": None,
}


def fact_id_for(article_id: str, kind: str, start: int, end: int, detail: str = "") -> str:
    """Stable id from what the fact is; ``detail`` tells apart two attributions
    of one sentence (their sources' offsets)."""
    key = f"{article_id}|{kind}|{start}|{end}|{detail}"
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def _row(
    article_id: str, body: str, kind: str, start: int, end: int, detail: str = "", **values
) -> dict:
    row = {
        "fact_id": fact_id_for(article_id, kind, start, end, detail),
        "article_id": article_id,
        "kind": kind,
        "start": start,
        "end": end,
        "text": body[start:end],
    }
    row.update(_EMPTY)
    row.update(values)
    return row


def _mention_entities(clusters: list[Cluster], cluster_ids: dict[int, str]):
    """The article's mentions in order, each with its cluster's entity id and type."""
    pairs = [(m, cluster_ids.get(id(c)), c.type) for c in clusters for m in c.mentions]
    return sorted(pairs, key=lambda p: p[0].start)


# How far back a "he said" looks for the last named speaker.
_SPEAKER_CHAIN_CHARS = 1200
# Pronouns that name their referent's gender whatever its role in the
# sentence: "her" is left out, as it is as often someone else's object
# ("thanked her") as the person's own.
_MALE = re.compile(r"\b(?:he|his|himself)\b", re.I)
_FEMALE = re.compile(r"\b(?:she|hers|herself)\b", re.I)
# One speaker each: "a spokesman said" takes the next "he said"; "police said"
# or "officials said" do not.
_SINGLE_ROLES = frozenset(
    {
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "aide",
        "official",
        "minister",
        "chairman",
        "chairwoman",
        "chief",
        "leader",
        "president",
        "judge",
        "lawyer",
        "officer",
        "diplomat",
        "prosecutor",
        "witness",
    }
)
_TITLE_GENDER = re.compile(r"\b(?:(?P<male>Mr)|(?P<female>Mrs|Ms|Miss))\.?\s+$")
# How far after a person's mention a pronoun counts as theirs, at most.
_PRONOUN_WINDOW = 150


def _genders(body: str, pairs) -> dict[str, str]:
    """ "male"/"female" for the people of an article whose text says so: a title
    before a mention (Mr., Mrs., Ms.), else the pronouns that follow their
    mentions before anyone else is named. Only a clear majority counts; the
    rest stay unknown and match any pronoun."""
    people = [(m, entity) for m, entity, kind in pairs if kind == "PERSON" and entity]
    votes: dict[str, Counter] = {}
    for i, (m, entity) in enumerate(people):
        tally = votes.setdefault(entity, Counter())
        title = _TITLE_GENDER.search(body[max(0, m.start - 6) : m.start])
        if title:
            tally["male" if title.group("male") else "female"] += 3
        until = people[i + 1][0].start if i + 1 < len(people) else len(body)
        window = body[m.end : min(until, m.end + _PRONOUN_WINDOW)]
        tally["male"] += len(_MALE.findall(window))
        tally["female"] += len(_FEMALE.findall(window))
    genders = {}
    for entity, tally in votes.items():
        male, female = tally["male"], tally["female"]
        if male >= max(2, 2 * female + 1):
            genders[entity] = "male"
        elif female >= max(2, 2 * male + 1):
            genders[entity] = "female"
    return genders


def _single_speaker(attribution: Attribution) -> bool:
    """A named person, or one person in a role, that no entity stands for."""
    if _is_pronoun(attribution):
        return False
    if attribution.source_type == "person":
        return True
    words = attribution.source_text.lower().split()
    return attribution.source_type == "official" and bool(words) and words[-1] in _SINGLE_ROLES


def _is_pronoun(attribution: Attribution) -> bool:
    return attribution.source_text.lower() in ("he", "she")


@dataclass(frozen=True)
class _Person:
    """A PERSON mention as pronoun resolution sees it."""

    start: int
    entity: str | None
    opens_sentence: bool  # the sentence's subject, near enough: "Mr Ebbers' trial is ..."


# What may stand before a name that opens a sentence: a title or a
# conjunction ("Mr", "Prime Minister", "But"), never a clause ("In Paris, ").
_OPENER_PREFIX = re.compile(r"(?:[A-Z][a-z]*\.?\s+){0,2}")


def _people(body: str, pairs, quotes) -> list[_Person]:
    """The article's PERSON mentions outside quotations, in order: a name
    inside a quotation is someone the speaker talks about, never the speaker
    a later "he said" stands for."""
    people = []
    for m, entity, kind in pairs:
        if kind != "PERSON":
            continue
        if any(q.text_start <= m.start < q.text_end for q in quotes):
            continue
        prefix = body[m.sentence_start : m.start]
        people.append(_Person(m.start, entity, bool(_OPENER_PREFIX.fullmatch(prefix))))
    return people


def _resolve_pronoun(
    attribution: Attribution,
    speakers: list[tuple[int, str | None]],
    people: list[_Person],
    genders: dict[str, str],
) -> str | None:
    """The entity a "he"/"she" source refers to (None when it cannot tell).

    The last person quoted or attributed shortly before (news keeps one
    speaker per passage; None when that speaker is no entity), unless a
    person has since opened a sentence, which makes them the passage's
    subject ("Mr Mulvaney quickly went to work ... When he first took over,
    he promised"); else the nearest person named before. A
    person named earlier in the pronoun's own sentence is not preferred:
    "Smith's lawyer said he" is the lawyer (measured: no gain on the annotated
    articles, a loss on the held-out ones).
    """
    if not _is_pronoun(attribution):
        return None
    wrong = "female" if attribution.source_text.lower() == "he" else "male"
    speakers = [(cue, e) for cue, e in speakers if e is None or genders.get(e) != wrong]
    before = [
        p for p in people if p.start < attribution.source_start and genders.get(p.entity) != wrong
    ]
    recent = [
        (cue, entity)
        for cue, entity in speakers
        if 0 < attribution.cue_start - cue <= _SPEAKER_CHAIN_CHARS
    ]
    if recent:
        cue, entity = recent[-1]
        openers = [p for p in before if p.opens_sentence and p.start > cue]
        return openers[-1].entity if openers else entity
    return before[-1].entity if before else None


# Between a quantity's subject and the quantity: a possessive and a few
# lower-case words ("Japan's economy grew", "Apple sold", "grow by"), or the
# comma of an apposition ("Ms Love, 40,"). No other name, no clause or
# sentence break, and no preposition but "by": after "told a crowd of" or
# "won the title in" the number belongs to something else.
_GAP_WORD = r"(?!(?:of|to|for|with|at|in|on|from|that|which|who|whom|when|where|as)\b)[a-z][\w'’-]*"
_SUBJECT_GAP = re.compile(rf"(?:['’]s)?(?:\s+{_GAP_WORD}){{0,6}}\s+|,\s*")
# A name after one of these is where or whence, not who: "in London, 300 marched".
_PLACE_PREPOSITION = re.compile(
    r"(?i)\b(?:in|at|from|to|on|for|of|with|by|near|into|across)\s+(?:the\s+)?$"
)


def _quantity_subject(body: str, quantity, pairs, starts: list[int]) -> str | None:
    """The entity a quantity is about, when the words around it make that
    clear: a name inside the quantity ("1,000 Afghan troops"), else the name
    just before it that the gap shows is its subject or owner ("Apple sold
    3 million phones", "Japan's economy grew 0.2%", "Ms Love, 40,").
    ``starts``: the mentions' start offsets, for finding them by bisection
    (an article has dozens of quantities and hundreds of mentions)."""
    end = bisect.bisect_left(starts, quantity.end)  # mentions that start before its end
    for mention, entity, _ in pairs[bisect.bisect_left(starts, quantity.start) : end]:
        if entity is not None and mention.end <= quantity.end:
            return entity
    for i in range(end - 1, -1, -1):  # the last one before it
        mention, entity, _ = pairs[i]
        if entity is not None and mention.end <= quantity.start:
            break
    else:
        return None
    if not _SUBJECT_GAP.fullmatch(body[mention.end : quantity.start]):
        return None
    if _PLACE_PREPOSITION.search(body[mention.sentence_start : mention.start]):
        return None
    return entity


@dataclass
class FactFinds:
    """What the text of one article states, before entities have corpus-wide ids.

    Found in the map stage (it needs only the article and its own mentions),
    cached with the article, and linked to entity ids in the reduce stage.
    ``quotes`` pairs each quote with the index of its speaker's attribution.
    """

    quantities: list
    dates: list
    attributions: list[Attribution]
    quotes: list[tuple[Quote, int | None]]


def _published(article: dict) -> dt.date | None:
    published = article.get("published_date")
    return dt.date.fromisoformat(published) if isinstance(published, str) else published


def find_facts(article: dict, clusters: list[Cluster], sentences) -> FactFinds:
    body = article["body"]
    mentions = sorted((m for c in clusters for m in c.mentions), key=lambda m: m.start)
    attributions = find_attributions(body, sentences, mentions)
    position = {id(a): i for i, a in enumerate(attributions)}
    quotes = []
    for quote in find_quotes(body):
        speaker = speaker_for(quote, attributions, body)
        quotes.append((quote, position[id(speaker)] if speaker else None))
    return FactFinds(
        find_quantities(body), find_dates(body, _published(article)), attributions, quotes
    )


def article_facts(
    article: dict,
    clusters: list[Cluster],
    sentences,
    cluster_ids,
    finds: FactFinds | None = None,
) -> list[dict]:
    """The article's fact rows, with entity ids; ``finds`` if the map stage made them."""
    body, article_id = article["body"], article["article_id"]
    if finds is None:
        finds = find_facts(article, clusters, sentences)
    rows = []
    pairs = _mention_entities(clusters, cluster_ids)
    starts = [mention.start for mention, _, _ in pairs]
    for q in finds.quantities:
        rows.append(
            _row(
                article_id,
                body,
                "quantity",
                q.start,
                q.end,
                value_number=q.value,
                value_high=q.high,
                approx=q.approx,
                unit=q.unit,
                subject_entity_id=_quantity_subject(body, q, pairs, starts),
            )
        )
    for d in finds.dates:
        rows.append(
            _row(
                article_id,
                body,
                "date",
                d.start,
                d.end,
                value_date=d.value,
                date_precision=d.precision,
            )
        )
    # Who a "he"/"she" may be: worked out only in articles that have one (it
    # reads the text around every name; about 40% of the corpus has none).
    people, genders = [], {}
    if any(_is_pronoun(a) for a in finds.attributions):
        people = _people(body, pairs, [quote for quote, _ in finds.quotes])
        genders = _genders(body, pairs)
    sources = []
    speakers: list[tuple[int, str | None]] = []
    for a in finds.attributions:
        if a.mention_index is not None:
            entity = pairs[a.mention_index][1]
            if pairs[a.mention_index][2] == "PERSON":
                speakers.append((a.cue_start, entity))
        else:
            entity = _resolve_pronoun(a, speakers, people, genders)
            if entity is None and _single_speaker(a):
                # A speaker without an entity ("a spokesman", a name the model
                # missed) still takes the next "he said": it must not go to
                # whoever was named before them.
                speakers.append((a.cue_start, None))
        sources.append(entity)
        rows.append(
            _row(
                article_id,
                body,
                "attribution",
                a.start,
                a.end,
                detail=f"{a.source_start}-{a.source_end}",
                source_text=a.source_text or None,
                source_type=a.source_type,
                source_entity_id=entity,
            )
        )
    for quote, speaker_index in finds.quotes:
        speaker = finds.attributions[speaker_index] if speaker_index is not None else None
        rows.append(
            _row(
                article_id,
                body,
                "quote",
                quote.start,
                quote.end,
                quote=body[quote.text_start : quote.text_end],
                source_text=speaker.source_text if speaker else None,
                source_type=speaker.source_type if speaker else None,
                source_entity_id=sources[speaker_index] if speaker else None,
            )
        )
    return rows


def fact_rows(resolved, cluster_ids: dict[int, str]) -> list[dict]:
    rows = []
    for article, clusters, recognised in resolved:
        rows.extend(article_facts(article, clusters, recognised.sentences, cluster_ids))
    return rows
