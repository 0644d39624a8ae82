"""What the corpus says about names, as counts that add up article by article.

Made in the map stage for each article (``EntityStats.of``) and summed in the
reduce stage's first pass, where ``newsfacts.entities`` takes its corpus-wide
decisions from them. Kept apart from those decisions because the map stage's
results are cached under a fingerprint of the code it imports: a change to how
the entity tables are built must not throw away every article's NER.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, fields

from newsfacts.extract.resolution import Cluster, name_key, prose_words_in_lower_case


@dataclass
class EntityStats:
    """What the corpus says about names, as counts that add up article by article.

    ``types``: (name key, type) → mentions, for clusters not linked to a place.
    ``places``: (name key, type) → mentions, for clusters linked to a place
    ("Manchester" the city is evidence against "Manchester" the person).
    ``openers``: (first word, name key) → clusters, for 2–3 word PERSON names;
    ``other_openers`` the same for names of other types ("New York Times").
    ``surnames``: surname (last word, or a double-barrelled one whole: see
    ``_surname``) → mentions of 2–3 word PERSON names ending with it.
    ``bearers``: (surname, name key) → clusters, for 2–3 word PERSON names:
    whom a bare surname may name.
    ``capitals``: name key → mentions written in capitals ("UN", "TRUMP").
    ``after_on``: one-word name key → its PERSON mentions written after "on" or
    "via" ("on Twitter"); ``after_the`` the same after a lower-case "the";
    ``titled``: one-word name key → its PERSON clusters with a title ("Mr Murdoch").
    ``acronyms``: (acronym key, type, name, GeoNames id) → clusters,
    for clusters with an all-capitals alias, whose type the vote may change.
    ``works``: name key → articles that call it a work by its kind ("the film
    The Aviator": WORK_OF_ART clusters the text typed); ``articles``: name key
    → articles with a cluster of that name not linked to a place.
    ``forms``: (form as written, type, linked to a place) → articles with a
    mention so written; ``lower_words``: word → articles whose prose writes it
    in lower case (see ``newsfacts.known_names``; counted with ``add_words``).
    """

    types: Counter = field(default_factory=Counter)
    places: Counter = field(default_factory=Counter)
    openers: Counter = field(default_factory=Counter)
    other_openers: Counter = field(default_factory=Counter)
    acronyms: Counter = field(default_factory=Counter)
    surnames: Counter = field(default_factory=Counter)
    bearers: Counter = field(default_factory=Counter)
    capitals: Counter = field(default_factory=Counter)
    after_on: Counter = field(default_factory=Counter)
    after_the: Counter = field(default_factory=Counter)
    titled: Counter = field(default_factory=Counter)
    works: Counter = field(default_factory=Counter)
    articles: Counter = field(default_factory=Counter)
    forms: Counter = field(default_factory=Counter)
    lower_words: Counter = field(default_factory=Counter)

    @classmethod
    def of(cls, clusters: list[Cluster]) -> EntityStats:
        """One article's counts (made in the map stage, so that the reduce's
        first pass needs the articles' counts, not their clusters)."""
        stats = cls()
        stats.add(clusters)
        return stats

    def merge(self, other: EntityStats) -> None:
        for counts in fields(self):
            getattr(self, counts.name).update(getattr(other, counts.name))

    def add_words(self, body: str) -> None:
        """Count the lower-case words of an article's prose (once per article)."""
        self.lower_words.update(prose_words_in_lower_case(body))

    def add(self, clusters: list[Cluster]) -> None:
        """Count one article's clusters."""
        forms = set()
        for cluster in clusters:
            # Counted under the name as written, whatever the model's type:
            # the entity key depends on the type ("Democrats" the NORP group is
            # keyed in the singular), the vote must not.
            key = name_key(cluster.name)
            counts = self.types if cluster.place is None else self.places
            counts[key, cluster.type] += len(cluster.mentions)
            self.capitals[key] += sum(m.text.isupper() for m in cluster.mentions)
            # One-word PERSON names only (see ``resolve``).
            if cluster.after_on:
                self.after_on[key] += cluster.after_on
            if cluster.after_the:
                self.after_the[key] += cluster.after_the
            if cluster.titled:
                self.titled[key] += 1
            if cluster.type == "WORK_OF_ART" and cluster.typed_by_text:
                self.works[key] += 1
            for m in cluster.mentions:
                if len(m.text) >= 3 and m.text[:1].isupper():
                    forms.add((m.text, cluster.type, cluster.place is not None))
            words = key.split()
            if 2 <= len(words) <= 3:
                if cluster.type == "PERSON":
                    self.openers[words[0], key] += 1
                    surname = _surname(cluster.name, words)
                    self.surnames[surname] += len(cluster.mentions)
                    self.bearers[surname, key] += 1
                else:
                    self.other_openers[words[0], key] += 1
            geo = cluster.place.geonames_id if cluster.place else None
            for alias in cluster.aliases:
                if alias.isupper() and 2 <= len(alias) <= 8:
                    entry = (f"ORG:{name_key(alias)}", cluster.type, cluster.name, geo)
                    self.acronyms[entry] += 1
        self.forms.update(forms)
        self.articles.update({name_key(c.name) for c in clusters if c.place is None})


def _surname(name: str, words: list[str]) -> str:
    """The key of a full name's surname: its last word, or a double-barrelled
    one whole ("Lewis-Francis", not "Francis"; the key spells the hyphen as a
    space), but not a particle's ("al-Assad" is "Assad")."""
    last = name.split()[-1]
    parts = last.split("-")
    if len(parts) > 1 and all(p[:1].isupper() for p in parts):
        return name_key(last)
    return words[-1]
