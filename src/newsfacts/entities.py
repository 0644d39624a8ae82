"""The entities and mentions tables: NER per article, resolution within each
article, then one row per real-world entity across the whole build.

An entity's id is derived from what it is, not from row order: a place linked
to GeoNames is keyed by its GeoNames id (so "U.S.", "United States" and
"America" are one entity), anything else by its type and normalised canonical
name. Rebuilding, reordering or adding articles never renumbers an entity.
An acronym defined in one article ("… Organization (CSTO)") names the same
entity in articles that only use the acronym.

The corpus-wide decisions (one type per name, the reading with most mentions;
a bare surname is the person the corpus names in full; an acronym's long
form, the names to look for where the model missed them) come from
``EntityStats`` (``newsfacts.name_counts``), counts that are summed article by
article; ``EntityTable`` then takes the articles one at a time and
keeps only what the entities table needs. Neither holds the articles, so a
build streams them through in bounded memory.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from newsfacts.extract.gazetteer import wikidata_item
from newsfacts.extract.ner import ALL_CORRECTIONS, ENTITY_TYPES, Recognised, is_title, recognise
from newsfacts.extract.resolution import (
    ALL_STEPS,
    Cluster,
    entity_key,
    looks_institutional,
    name_key,
    resolve,
)
from newsfacts.known_names import KnownNames
from newsfacts.name_counts import EntityStats

# Ties between an entity's types go to the type listed first in the contract.
_PRIORITY = {kind: i for i, kind in enumerate(ENTITY_TYPES)}


def cluster_key(cluster: Cluster) -> str:
    geo = cluster.place.geonames_id if cluster.place else None
    return _identity(cluster.type, cluster.key, geo)


def _identity(kind: str, key: str, geonames_id: int | None) -> str:
    """What an entity id is derived from: a linked place's GeoNames id, else
    its type and key."""
    return f"geo:{geonames_id}" if geonames_id is not None else f"{kind}:{key}"


def _most_mentioned(counts: Counter, fits: str | None = None) -> str:
    """The type with most mentions; a tie goes to ``fits``, then to the type
    listed first in the contract (types outside it, which only the benchmark's
    ablation makes, lose ties)."""
    last = len(_PRIORITY)
    return max(counts, key=lambda t: (counts[t], t == fits, -_PRIORITY.get(t, last)))


def entity_id_for(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def resolve_articles(
    articles: Iterable[dict],
    corrections: frozenset = ALL_CORRECTIONS,
    steps: frozenset = ALL_STEPS,
    progress: Callable[[int], None] | None = None,
) -> list[tuple[dict, list[Cluster], Recognised]]:
    """Each article with its entity clusters and NER output, in the order given."""
    articles = list(articles)
    resolved = []
    for article, recognised in zip(
        articles, recognise((a["body"] for a in articles), corrections), strict=True
    ):
        resolved.append((article, resolve(article["body"], recognised, steps), recognised))
        if progress:
            progress(1)
    return resolved


def _vote(key: str, kinds: Counter, places: Counter | None, stats: EntityStats) -> str | None:
    """The type the corpus gives a name the model reads in more than one way
    (None: one reading, nothing to decide). A place linked to the gazetteer
    is an entity of its own and keeps its type; it only votes against the
    name being a person.

    The model reads the same name differently from article to article
    ("Politico" ORG here, PERSON there), and each reading would be an entity
    of its own: the type with the most mentions wins. A bare surname also has
    the full names that end with it on the PERSON side ("Trump" is ORG in
    "the Trump administration", the person in the articles that say "Donald
    Trump"), when the model calls it a person at least sometimes and it is
    not an acronym ("UN" is not the end of "Kim Jong Un"). A name linked to a
    place more often than it is read as a person is not a person
    ("Manchester" in a football report).
    """
    score = Counter(kinds)
    if " " not in key and kinds["PERSON"] and 2 * stats.capitals[key] <= sum(kinds.values()):
        score["PERSON"] += stats.surnames[key]
    if score["PERSON"] and places and places.total() > score["PERSON"]:
        del score["PERSON"]
        score = score or places
    elif len(score) < 2:
        return None
    return _most_mentioned(score)


# A one-word "person" the corpus writes after "on" or "via" in at least this
# share of at least this many mentions is a medium or a platform.
_MEDIUM_SHARE = 0.4
_MEDIUM_MENTIONS = 20


def _media(stats: EntityStats, types: dict[str, str]) -> dict[str, str]:
    """Name key → ORG for the one-word names the model calls people but the
    corpus writes as places to post and read ("on Twitter", "via Telegram").
    People are rarely "on": of the corpus's one-word PERSON names with five
    mentions or more, "Twitter" is written after "on" in 52% of its 298
    mentions (every one of them PERSON to the model), the next in 20%; "Trump",
    in 3% of 7,208."""
    written = _mostly_written_so(stats.after_on, stats, types, _MEDIUM_SHARE, _MEDIUM_MENTIONS)
    return {key: "ORG" for key in written}


# A one-word "person" the corpus writes after a lower-case "the" in at least
# this share of at least this many mentions is not one (unless something says
# it is: see ``_groups``).
_GROUP_SHARE = 0.4
_GROUP_MENTIONS = 5
# Ranks said alone ("the Duchess", "the Emir"), besides the titles that stand
# before names.
_RANKS = frozenset(
    {"duke", "duchess", "emir", "sultan", "emperor", "empress", "cardinal", "imam", "rabbi"}
    | {"tsar", "czar", "shah"}
)


def _groups(stats: EntityStats, types: dict[str, str], first_names: set[str]) -> dict[str, str]:
    """Name key → ORG for the one-word names the model calls people but the
    corpus writes after "the": leagues, bands, clubs, papers ("the
    Premiership", "the Beatles", "the Ospreys", "the Enquirer"). "The" is
    written before people's names too, as a noun's modifier ("the Obama
    administration") or for a family ("the Clintons"): a name that ends a full
    name the corpus calls a person, in the singular or the plural, or opens
    one, stays a person; and so does a name an article titles ("Mr Murdoch"
    beside "the Murdoch empire"), and a title or rank said alone ("the Queen",
    "the Duchess")."""
    return {
        key: "ORG"
        for key in _mostly_written_so(stats.after_the, stats, types, _GROUP_SHARE, _GROUP_MENTIONS)
        if not stats.titled[key]
        and not any(stats.surnames[k] for k in _singulars(key))
        and key not in first_names
        and not is_title(key)
        and key not in _RANKS
    }


# A name is a work across the corpus when at least this many articles call it
# one by its kind, and at least this share of the articles that name it.
_WORK_ARTICLES = 2
_WORK_SHARE = 0.1


def _works(stats: EntityStats, votes: dict[str, Counter], types: dict[str, str]) -> dict[str, str]:
    """Name key → WORK_OF_ART for the names that articles call works by their
    kind ("the film The Aviator", "his film Closer"): the model reads a title
    as whatever its words suggest ("The Aviator" an organisation in 31
    articles of the shared corpus, "Sideways" a place in 7, "Closer" in 10).
    Not one article alone ("the film Black Friday" is a film, "Black Friday"
    in 20 other articles the shopping day), nor a few of many ("impeachment
    drama Democrats worry" in 2 of the 1,045 articles naming the Democrats);
    not where the corpus reads a person or a group ("Ray", the film and the
    man)."""
    works = {}
    for key, articles in stats.works.items():
        if articles < _WORK_ARTICLES or articles < _WORK_SHARE * stats.articles[key]:
            continue
        if (types.get(key) or _most_mentioned(votes[key])) not in ("PERSON", "NORP"):
            works[key] = "WORK_OF_ART"
    return works


def _singulars(key: str) -> list[str]:
    """The key, and what it is the plural of ("clintons", "bushes", "joneses")."""
    forms = [key]
    if key.endswith("es"):
        forms.append(key[:-2])
    if key.endswith("s"):
        forms.append(key[:-1])
    return forms


def _mostly_written_so(
    written: Counter, stats: EntityStats, types: dict[str, str], share: float, least: int
) -> list[str]:
    """The name keys the corpus calls people (or has not decided on) that it
    writes a given way (``written``: key → such mentions) in at least
    ``share`` of at least ``least`` PERSON mentions."""
    return [
        key
        for key, count in written.items()
        if (mentions := stats.types[key, "PERSON"]) >= least
        and count >= share * mentions
        and types.get(key, "PERSON") == "PERSON"
    ]


@dataclass
class Decisions:
    """The corpus-wide choices made from ``EntityStats`` before ids are given."""

    types: dict[str, str]
    first_names: set[str]
    acronyms: dict[str, str]
    people: dict[str, str] = field(default_factory=dict)
    variants: dict[str, str] = field(default_factory=dict)
    known: KnownNames = field(default_factory=lambda: KnownNames({}))

    @classmethod
    def from_stats(cls, stats: EntityStats) -> Decisions:
        votes: dict[str, Counter] = defaultdict(Counter)
        for (key, kind), mentions in stats.types.items():
            votes[key][kind] += mentions
        places: dict[str, Counter] = defaultdict(Counter)
        for (key, kind), mentions in stats.places.items():
            places[key][kind] += mentions
        types = {
            key: kind
            for key, kinds in votes.items()
            if (kind := _vote(key, kinds, places.get(key), stats))
        }
        types.update(_media(stats, types))
        # Words that open two or more different PERSON names, and more of them
        # than names of other types ("New", "BBC" and "Air" open a few names
        # the model calls people, and far more organisations and places).
        openers = Counter(word for word, _ in stats.openers)
        others = Counter(word for word, _ in stats.other_openers)
        first_names = {
            w for w, names in openers.items() if names >= 2 and names > others[w] and len(w) > 2
        }
        types.update(_groups(stats, types, first_names))
        types.update(_works(stats, votes, types))
        decisions = cls(types, first_names, {})
        # ORG acronym key → the key of its long form, where the corpus agrees on one.
        seen: dict[str, set[str]] = defaultdict(set)
        for acronym, kind, name, geo in stats.acronyms:
            kind = decisions.type_of(kind, name, geo)
            if kind == "ORG":
                seen[acronym].add(_identity("ORG", entity_key(name, "ORG"), geo))
        decisions.acronyms = {a: next(iter(keys)) for a, keys in seen.items() if len(keys) == 1}
        decisions.people, decisions.variants = _surname_bearers(stats, decisions)
        decisions.known = KnownNames.from_counts(stats.forms, stats.lower_words, decisions.type_of)
        return decisions

    def type_of(self, kind: str, name: str, geonames_id) -> str:
        """A cluster's type after the corpus vote. A place linked to the
        gazetteer keeps its type."""
        if geonames_id is not None:
            return kind
        kind = self.types.get(name_key(name), kind)
        words = name.split()
        if (
            kind == "ORG"
            and 2 <= len(words) <= 3
            and all(w[:1].isupper() for w in words)
            and words[0].casefold() in self.first_names
            and not looks_institutional(name)
        ):
            return "PERSON"  # "Bernie Ebbers" tagged ORG
        return kind


# A bare surname names one person of the corpus when that person is at least
# this share of the articles that give a full name ending in it, in at least
# this many articles.
_BEARER_SHARE = 0.8
_BEARER_ARTICLES = 3


def _surname_bearers(
    stats: EntityStats, decisions: Decisions
) -> tuple[dict[str, str], dict[str, str]]:
    """Bare surname key → the key of the person it names across the corpus;
    and the one middle-initial form of that person's name → the name
    ("donald j trump" → "donald trump").

    An article that writes only "Obama" never names him in full, so resolution
    within it cannot tell who he is, and "Obama" would be an entity apart from
    "Barack Obama": a search for the person would miss those articles. News
    names a person in full somewhere; when one person has nearly all of the
    corpus's full names ending in the word, the bare word is that person.
    "Clinton" (Hillary and Bill) and "Johnson" stay names of their own; a word
    that opens people's names more often than it ends them ("Hillary") is a
    first name, not a surname.

    "Donald J. Trump" is that person too when it is the only middle initial the
    corpus puts into "Donald Trump"; "George W. Bush" is not folded into "George
    Bush", who is not the one "Bush" (nor is a middle initial folded where two
    are written: "George H. Bush", "George W. Bush").
    """
    bearers: dict[str, Counter] = defaultdict(Counter)
    for (word, key), articles in stats.bearers.items():
        if decisions.types.get(key, "PERSON") == "PERSON":
            bearers[word][key] += articles
    opened: Counter = Counter()
    for (word, _), clusters in stats.openers.items():
        opened[word] += clusters
    people, variants = {}, {}
    for word, names in bearers.items():
        if opened[word] >= names.total():
            continue
        initials = _middle_initial_forms(names)
        merged = Counter(names)
        for variant, base in initials.items():
            merged[base] += merged.pop(variant)
        key, articles = max(merged.items(), key=lambda item: (item[1], item[0]))
        if articles >= _BEARER_ARTICLES and articles >= _BEARER_SHARE * merged.total():
            people[word] = key
            variants.update({v: b for v, b in initials.items() if b == key})
    return people, variants


def _middle_initial_forms(names: Counter) -> dict[str, str]:
    """ "first x last" → "first last" where both are names and x is the only
    middle initial written into that name."""
    forms: dict[str, list[str]] = defaultdict(list)
    for key in names:
        words = key.split()
        if len(words) == 3 and len(words[1]) == 1 and f"{words[0]} {words[2]}" in names:
            forms[f"{words[0]} {words[2]}"].append(key)
    return {keys[0]: base for base, keys in forms.items() if len(keys) == 1}


@dataclass
class _Entity:
    names: Counter = field(default_factory=Counter)
    aliases: set = field(default_factory=set)
    types: Counter = field(default_factory=Counter)
    articles: int = 0
    mentions: int = 0
    place: object = None


def _entity_type(entity: _Entity) -> str:
    """The type most of its mentions have; a tie goes to the type that fits a
    linked place (a continent is a LOC, a country or city a GPE), else to the
    type listed first in the contract."""
    fits = None
    if entity.place is not None:
        fits = "LOC" if entity.place.kind == "continent" else "GPE"
    return _most_mentioned(entity.types, fits)


class EntityTable:
    """The entities table, built one article at a time."""

    def __init__(self, decisions: Decisions) -> None:
        self.decisions = decisions
        self.entities: dict[str, _Entity] = defaultdict(_Entity)

    def add(
        self, article: dict, clusters: list[Cluster], sentences: list[tuple[int, int]]
    ) -> tuple[list[dict], dict[int, str]]:
        """The article's mention rows and the entity id of each cluster (by
        ``id(cluster)``). ``clusters`` first gains, in place, the names the
        corpus knows that the article writes and the model missed
        (``known_names``); cluster types (and the keys that depend on them) are
        set to the corpus vote, in place too."""
        article_id = article["article_id"]
        self.decisions.known.find(article["body"], clusters, sentences)
        mentions = []
        cluster_ids: dict[int, str] = {}
        for cluster in clusters:
            geo = cluster.place.geonames_id if cluster.place else None
            if not cluster.typed_by_text:
                cluster.type = self.decisions.type_of(cluster.type, cluster.name, geo)
            if cluster.place is None:
                cluster.key = entity_key(cluster.name, cluster.type)
            key = self.decisions.acronyms.get(cluster_key(cluster), cluster_key(cluster))
            person = self._person_named(cluster)
            entity_id = entity_id_for(person or key)
            cluster_ids[id(cluster)] = entity_id
            entity = self.entities[entity_id]
            if person is None:  # a bare surname or a middle initial's form is an alias
                entity.names[cluster.place.name if cluster.place else cluster.name] += 1
            entity.aliases.update(cluster.aliases | {cluster.name})
            entity.types[cluster.type] += len(cluster.mentions)
            entity.mentions += len(cluster.mentions)
            if cluster.place is not None:
                entity.place = cluster.place
            for m in cluster.mentions:
                mentions.append(
                    {
                        "article_id": article_id,
                        "entity_id": entity_id,
                        "start": m.start,
                        "end": m.end,
                        "text": m.text,
                        "type": cluster.type,
                        "sentence_index": m.sentence,
                        "sentence_start": m.sentence_start,
                        "sentence_end": m.sentence_end,
                    }
                )
        for entity_id in set(cluster_ids.values()):
            self.entities[entity_id].articles += 1
        return mentions, cluster_ids

    def _person_named(self, cluster: Cluster) -> str | None:
        """The identity of the person a bare surname, or the middle-initial
        form of a name, names across the corpus (see ``_surname_bearers``), or
        None. For a bare surname the article must say it is a person too: a
        title before it ("Mr. Romney") or more than one mention. A lone mention
        without one is too often something else the model took for a person:
        "Jobs will be lost", "at Bolton" (the club), a team sheet.
        """
        if cluster.type != "PERSON" or cluster.place is not None:
            return None
        if cluster.key in self.decisions.variants:
            return _identity("PERSON", self.decisions.variants[cluster.key], None)
        if " " in cluster.key or (len(cluster.mentions) < 2 and not cluster.titled):
            return None
        full = self.decisions.people.get(cluster.key)
        return _identity("PERSON", full, None) if full else None

    def rows(self) -> Iterable[dict]:
        for entity_id, entity in self.entities.items():
            counter = entity.names
            name = max(counter, key=lambda n: (counter[n], len(n.split()), len(n), n))
            place = entity.place
            yield {
                "entity_id": entity_id,
                "name": name,
                "type": _entity_type(entity),
                "aliases": sorted(a for a in entity.aliases if a != name),
                "article_count": entity.articles,
                "mention_count": entity.mentions,
                "place_kind": place.kind if place else None,
                "country_code": place.country_code if place else None,
                "latitude": place.latitude if place else None,
                "longitude": place.longitude if place else None,
                "geonames_id": place.geonames_id if place else None,
                "wikidata_id": wikidata_item(place) if place else None,
            }


def entity_tables(resolved) -> tuple[list[dict], list[dict], dict[int, str]]:
    """(entities rows, mentions rows, entity id of each cluster by ``id(cluster)``)
    for articles held in memory: ``(article, clusters, recognised)`` triples.
    Each article's ``clusters`` gain the known names' mentions and clusters in
    place (see ``EntityTable.add``): call it once per resolution."""
    stats = EntityStats()
    for article, clusters, _ in resolved:
        stats.add(clusters)
        stats.add_words(article["body"])
    table = EntityTable(Decisions.from_stats(stats))
    mentions, cluster_ids = [], {}
    for article, clusters, recognised in resolved:
        rows, ids = table.add(article, clusters, recognised.sentences)
        mentions.extend(rows)
        cluster_ids.update(ids)
    return list(table.rows()), mentions, cluster_ids
