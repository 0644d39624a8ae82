"""Names the build knows, found in the articles where the model missed them.

The English model misses a name it tags elsewhere more often than one would
think: in the shared corpus it tags "Facebook" in 21 of the 118 articles that
write it ("posted on Facebook", "his Facebook page"), "Premiership" in 25 of
65, "IAAF" in 6 of 17. A user who asks for every article that mentions an
entity must get all of them, so once the corpus has spoken (the reduce
stage's first pass), every article is read again for the names that at least
``MIN_ARTICLES`` articles tag, written the same way.

A known name is taken only where it cannot be part of something else: not
inside or overlapping a mention the article has, not run into a longer
capitalised name ("Facebook Live", "Chief Justice", "Secretary of State",
"Serbia & Montenegro"), not in an internet address ("Facebook.com",
"twitter.com/Facebook"); a person's name after a title is taken ("President
Ada Quillon") unless a capitalised word follows it. A one-word name is also
passed over at the start of a sentence (where every word is capitalised)
unless the corpus hardly ever writes it in lower case (in at most a tenth as
many articles as tag it: "Facebook said …"), in an article that writes the
word in lower case too, and when more articles of the corpus write it in lower
case than tag it ("City" … "the city", "Black" …
"black"): such names are common words the model sometimes took for names (an
abbreviation is not its word: "ICE" is not "ice"). One-word people, works and
products are left alone: "Brown", "Today" and "Hero" name different things in
different articles; so are nationality words, which are also languages ("in
English"), and places that most of the articles tagging them could not link
to the gazetteer.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from newsfacts.extract.ner import Mention, has_title_before
from newsfacts.extract.resolution import (
    CALENDAR,
    Cluster,
    Taken,
    entity_key,
    link_new_places,
    name_key,
    prose_words_in_lower_case,
    runs_into_a_name,
    sentence_locator,
)

# Tagged in at least this many articles, by one type in this share of them.
MIN_ARTICLES = 3
MIN_TYPE_SHARE = 0.75
# A one-word person, work or product names different things in different
# articles ("Brown", "Today", "Hero"); a nationality word is also a language
# ("in English").
_ONE_WORD_AMBIGUOUS = frozenset({"PERSON", "WORK_OF_ART", "PRODUCT", "NORP"})
# A plural of an abbreviation is a common noun: "MPs", "CEOs", "NGOs".
_ABBREVIATION_PLURAL = re.compile(r"[A-Z]{2,}s")
# Where a word may begin a name: not inside a word, an address or a hyphenated
# compound; after a slash, as in a photo credit ("Shealah Craighead/White
# House"), unless the slash is an address's. Its first word ends at a space, a
# slash or a dash.
_WORD_START = re.compile(r"(?<![\w'’.@-])[^\W\d_][^\s/—–]*")
_TRAILING = ",.;:!?)]\"'”’"
# Right before a word, the part of an address that leads to it: "https://…/",
# "twitter.com/" (searched back to the space before it).
_IN_ADDRESS = re.compile(r"(?:://|\w\.\w+/)\S*$")
_TOKEN_BEFORE = re.compile(r"\S*$")
# The last word of a longer name: "Secretary of State", "Chamber of Commerce";
# one side of a name joined by "&": "Serbia & Montenegro", "Procter & Gamble".
_OF_BEFORE = re.compile(r"[A-Z][\w'’-]*\s+(?:of\s+(?:the\s+)?|&\s+)$")
_AMPERSAND_AFTER = re.compile(r"\s+&\s+[A-Z]")
# A one-word name before "Minister" or "Secretary" is as often the portfolio as
# the name: "Economy and Labour Minister" (not the party), "Health Secretary".
_PORTFOLIO_AFTER = re.compile(r" (?:Minister|Secretary)\b")
# What may follow a name: not a word character, a hyphen, a dot that goes on
# into a word ("Facebook.com") or a slash before a path ("Zorblex/archive");
# a slash between names is fine ("CNN/ORC poll", "AFP/Getty Images").
_RUNS_ON = re.compile(r"[\w-]|\.\w|/(?=[a-z\d])")
# The start of a sentence or a paragraph, or an opening quote or bracket, right
# before a word: every word is capitalised there.
_SENTENCE_START = re.compile(r"(?:^|[.!?:;][\"”’')]*\s+|\n\s*|[\"“‘(\[]\s*)$")


def _first_word(token: str) -> str:
    """A name's first word as written in ``token`` (which ends at a space, a
    slash or a dash): without the punctuation or possessive after it."""
    word = token.rstrip(_TRAILING)
    return word[:-2] if word.endswith(("'s", "’s")) else word


@dataclass
class KnownNames:
    """Form as written → the type its entity has in the corpus."""

    types: dict[str, str]
    # One-word forms the corpus (almost) never writes in lower case: names even
    # at the start of a sentence ("Facebook said …").
    proper: frozenset = frozenset()

    def __post_init__(self) -> None:
        self._by_first: dict[str, list[str]] = defaultdict(list)
        for form in sorted(self.types, key=lambda f: (-len(f), f)):
            self._by_first[_first_word(_WORD_START.match(form).group(0))].append(form)

    @classmethod
    def from_counts(
        cls,
        forms: Counter,
        lower_words: Counter,
        type_of: Callable[[str, str, int | None], str],
    ) -> KnownNames:
        """``forms``: (form, type, linked to a place) → articles that tag it;
        ``lower_words``: word → articles that write it in lower case;
        ``type_of``: ``Decisions.type_of``, the corpus's type for
        a name the model gave a type (a linked place keeps its own).
        A form is known when its articles agree on the type after the vote: the
        model's own types are noisy ("Facebook" a person here and there), a
        name that is a place in some articles and a person in others
        ("Jordan") is ambiguous."""
        by_form: dict[str, Counter] = defaultdict(Counter)
        linked_articles: Counter = Counter()
        for (form, kind, linked), articles in forms.items():
            by_form[form][kind if linked else type_of(kind, form, None)] += articles
            linked_articles[form] += articles if linked else 0
        types, proper = {}, set()
        for form, kinds in by_form.items():
            articles = sum(kinds.values())
            kind, most = kinds.most_common(1)[0]
            if articles < MIN_ARTICLES or most < MIN_TYPE_SHARE * articles or form in CALENDAR:
                continue
            if kind in ("GPE", "LOC") and 2 * linked_articles[form] < articles:
                # A place the gazetteer does not know is as often the model's
                # mistake ("Ebola", "Gazprom", "Sideways" as GPE): not spread.
                continue
            if not form[:1].isalpha():
                continue  # "Ⓐbc": an upper-case symbol, not a letter, opens no name
            if " " not in form and (
                kind in _ONE_WORD_AMBIGUOUS
                or (not form.isupper() and lower_words[form.lower()] > articles)
                or _ABBREVIATION_PLURAL.fullmatch(form)
            ):
                continue
            types[form] = kind
            if " " not in form and 10 * lower_words[form.lower()] <= articles:
                proper.add(form)
        return cls(types, frozenset(proper))

    def _form_at(self, body: str, start: int, first: str) -> str | None:
        """The longest known form written at ``start`` and ending where a word ends."""
        for form in self._by_first.get(first, ()):
            end = start + len(form)
            if body.startswith(form, start) and not _RUNS_ON.match(body, end):
                return form
        return None

    @staticmethod
    def _in_address(body: str, start: int) -> bool:
        if start == 0 or body[start - 1] != "/":
            return False
        token = _TOKEN_BEFORE.search(body, max(0, start - 2000), start)
        return _IN_ADDRESS.search(body, token.start(), start) is not None

    def _hits(self, body: str, taken: Taken) -> list[tuple[int, int, str]]:
        hits = []
        words = None
        for word in _WORD_START.finditer(body):
            start = word.start()
            if hits and start < hits[-1][1]:
                continue  # inside the longer name found just before ("Access Hollywood")
            form = self._form_at(body, start, _first_word(word.group(0)))
            if form is None:
                continue
            end = start + len(form)
            if taken.overlaps(start, end) or _OF_BEFORE.search(body, max(0, start - 40), start):
                continue
            if _AMPERSAND_AFTER.match(body, end) or self._in_address(body, start):
                continue
            titled = self.types[form] == "PERSON" and has_title_before(body, start)
            if runs_into_a_name(body, start, end, before=not titled, title_after=True):
                continue
            if " " not in form:
                if _PORTFOLIO_AFTER.match(body, end):
                    continue
                if form not in self.proper and _SENTENCE_START.search(
                    body, max(0, start - 4), start
                ):
                    continue
                words = words if words is not None else prose_words_in_lower_case(body)
                if not form.isupper() and form.lower() in words:
                    continue
            hits.append((start, end, form))
        return hits

    def find(self, body: str, clusters: list[Cluster], sentences: list[tuple[int, int]]) -> None:
        """Add to ``clusters``, in place, the known names the article writes
        and they lack: to the cluster of the same name, or as new clusters
        (so that what refers to a cluster by identity still does, and the
        caller's list holds every cluster)."""
        if not self.types:
            return
        taken = Taken((m.start, m.end) for c in clusters for m in c.mentions)
        hits = self._hits(body, taken)
        if not hits:
            return
        locate = sentence_locator(sentences or [(0, len(body))])
        by_key = {}
        for cluster in clusters:
            for form in (cluster.name, *cluster.aliases):
                by_key.setdefault(name_key(form), cluster)
        new: dict[str, Cluster] = {}
        grown: dict[int, Cluster] = {}
        for start, end, form in hits:
            key = name_key(form)
            cluster = by_key.get(key) or new.get(key)
            if cluster is None:
                kind = self.types[form]
                cluster = new[key] = Cluster(kind, form, entity_key(form, kind))
            cluster.mentions.append(locate(Mention(start, end, form, cluster.type, 0, 0, 0)))
            grown[id(cluster)] = cluster
        for cluster in grown.values():
            cluster.mentions.sort(key=lambda m: m.start)
        link_new_places(clusters, list(new.values()))
        clusters.extend(new.values())
        clusters.sort(key=lambda c: (c.mentions[0].start, c.key))
