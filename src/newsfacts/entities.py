"""The entities and mentions tables: NER per article, resolution within each
article, then one row per real-world entity across the whole build.

An entity's id is derived from what it is, not from row order: a place linked
to GeoNames is keyed by its GeoNames id (so "U.S.", "United States" and
"America" are one entity), anything else by its type and normalised canonical
name. Rebuilding, reordering or adding articles never renumbers an entity.
An acronym defined in one article ("… Organization (CSTO)") names the same
entity in articles that only use the acronym.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable

from newsfacts.extract.ner import ALL_CORRECTIONS, Recognised, recognise
from newsfacts.extract.resolution import (
    ALL_STEPS,
    Cluster,
    looks_institutional,
    name_key,
    resolve,
)

# Share of a name's mentions tagged PERSON that makes its other tags wrong.
_PERSON_MAJORITY = 0.6


def cluster_key(cluster: Cluster) -> str:
    if cluster.place is not None:
        return f"geo:{cluster.place.geonames_id}"
    return f"{cluster.type}:{cluster.key}"


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


def _acronym_map(resolved) -> dict[str, str]:
    """ORG acronym key → the key of its long form, where the corpus agrees on one."""
    seen: dict[str, set[str]] = defaultdict(set)
    for _, clusters, _ in resolved:
        for cluster in clusters:
            if cluster.type != "ORG":
                continue
            for alias in cluster.aliases:
                if alias.isupper() and 2 <= len(alias) <= 8:
                    seen[f"ORG:{name_key(alias)}"].add(cluster_key(cluster))
    return {acronym: next(iter(keys)) for acronym, keys in seen.items() if len(keys) == 1}


def _person_names(resolved) -> set[str]:
    """Names the corpus mostly tags PERSON: a bare "Trump" the model calls ORG in
    one article is the person named in the others."""
    votes: dict[str, Counter] = defaultdict(Counter)
    for _, clusters, _ in resolved:
        for cluster in clusters:
            if cluster.place is None:
                votes[cluster.key][cluster.type] += len(cluster.mentions)
    return {
        key
        for key, types in votes.items()
        if len(types) > 1 and types["PERSON"] >= _PERSON_MAJORITY * sum(types.values())
    }


def _first_names(resolved) -> set[str]:
    """Words that open two or more different PERSON names in the corpus."""
    openers: dict[str, set[str]] = defaultdict(set)
    for _, clusters, _ in resolved:
        for cluster in clusters:
            words = cluster.key.split()
            if cluster.type == "PERSON" and 2 <= len(words) <= 3:
                openers[words[0]].add(cluster.key)
    return {word for word, names in openers.items() if len(names) >= 2 and len(word) > 2}


def _looks_like_a_person(cluster: Cluster, first_names: set[str]) -> bool:
    words = cluster.name.split()
    return (
        cluster.type == "ORG"
        and 2 <= len(words) <= 3
        and all(w[:1].isupper() for w in words)
        and words[0].casefold() in first_names
        and not looks_institutional(cluster.name)
    )


def _vote_types(resolved) -> None:
    people = _person_names(resolved)
    first_names = _first_names(resolved)
    for _, clusters, _ in resolved:
        for cluster in clusters:
            if cluster.place is not None:
                continue
            if cluster.key in people and cluster.type in ("ORG", "NORP", "GPE"):
                cluster.type = "PERSON"
            elif _looks_like_a_person(cluster, first_names):
                cluster.type = "PERSON"  # "Bernie Ebbers" tagged ORG


def entity_tables(resolved) -> tuple[list[dict], list[dict], dict[int, str]]:
    """(entities rows, mentions rows, entity id of each cluster by ``id(cluster)``).

    Before ids are given, a name the corpus mostly tags PERSON becomes PERSON
    everywhere it is not a linked place (the clusters are updated in place)."""
    _vote_types(resolved)
    acronyms = _acronym_map(resolved)
    names: dict[str, Counter] = defaultdict(Counter)
    aliases: dict[str, set] = defaultdict(set)
    articles_of: dict[str, set] = defaultdict(set)
    types: dict[str, Counter] = defaultdict(Counter)
    places: dict[str, object] = {}
    mentions = []
    cluster_ids: dict[int, str] = {}
    for article, clusters, _ in resolved:
        for cluster in clusters:
            key = acronyms.get(cluster_key(cluster), cluster_key(cluster))
            entity_id = entity_id_for(key)
            cluster_ids[id(cluster)] = entity_id
            names[entity_id][cluster.place.name if cluster.place else cluster.name] += 1
            aliases[entity_id].update(cluster.aliases | {cluster.name})
            articles_of[entity_id].add(article["article_id"])
            types[entity_id][cluster.type] += len(cluster.mentions)
            if cluster.place is not None:
                places[entity_id] = cluster.place
            for m in cluster.mentions:
                mentions.append(
                    {
                        "article_id": article["article_id"],
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
    mention_counts = Counter(m["entity_id"] for m in mentions)
    entities = []
    for entity_id, counter in names.items():
        name = max(counter, key=lambda n: (counter[n], len(n.split()), len(n), n))
        place = places.get(entity_id)
        entities.append(
            {
                "entity_id": entity_id,
                "name": name,
                "type": types[entity_id].most_common(1)[0][0],
                "aliases": sorted(a for a in aliases[entity_id] if a != name),
                "article_count": len(articles_of[entity_id]),
                "mention_count": mention_counts[entity_id],
                "place_kind": place.kind if place else None,
                "country_code": place.country_code if place else None,
                "latitude": place.latitude if place else None,
                "longitude": place.longitude if place else None,
                "geonames_id": place.geonames_id if place else None,
            }
        )
    return entities, mentions, cluster_ids
