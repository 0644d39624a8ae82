"""Within-article entity resolution: mentions → one cluster per real-world entity.

"Hillary Clinton … Clinton … Mrs. Clinton" is one person; "the Collective
Security Treaty Organization (CSTO) … the CSTO" is one organisation;
"Russia's Defense Ministry … the Defense Ministry" is one ministry. The steps
after the model's own spans, each switchable for measurement:

- ``spans``: cut a span at an unclosed "(" and drop lowercase words before
  a name ("ex-Soviet Central Asia" → "Central Asia"); grow a nationality over
  the hyphenated compound it is part of ("Asian-American", "Iraqi-German").
- ``retype``: fix the type with the gazetteer and name shape — a country or
  city name is GPE, a nationality word is NORP, a name with an institutional
  noun ("Ministry", "District", "Party") is ORG, a region ("Central Asia") LOC,
  a name after "Mr" or "Dr" a person, a town with a player, a manager or a
  result ("Newcastle boss", "victory over Fulham") its club.
- ``acronyms``: "Long Name (LN)" defines LN; both become one ORG, and every
  later "LN" is a mention of it, also where the model missed them.
- ``surnames``: a one-word PERSON mention joins the one full name ending in it.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections import Counter
from dataclasses import dataclass, field, replace

from newsfacts.extract import gazetteer
from newsfacts.extract.ner import Mention, Recognised, has_title_before, is_title
from newsfacts.extract.titles import QUOTE_END, SMALL_WORDS, work_titles

ALL_STEPS = frozenset({"spans", "retype", "acronyms", "surnames", "common", "repeats"})

_INSTITUTION = re.compile(
    r"\b(Ministry|Department|Council|Committee|Agency|Organi[sz]ation|Party|Bank|Court|"
    r"University|College|School|Commission|Institute|Corporation|Company|Association|"
    r"Authority|Command|Forces|Army|Navy|Police|Office|Service|Bureau|Parliament|Senate|"
    r"Congress|Assembly|Military District|Group|Foundation|Federal Reserve|Inc|Ltd|Corp)\b"
)
_REGION = re.compile(
    r"\b(Asia|Europe|Africa|Americas|Middle East|Gulf|Sea|Ocean|River|Mountains|Valley|"
    r"Peninsula|Strait|Caucasus|Balkans|Arctic|Antarctic|Pacific|Atlantic|Mediterranean|"
    r"Sahara|Himalayas|Alps|Bay|Lake)\b"
)
_FACILITY = re.compile(
    r"\b(House|Street|Stadium|Airport|Bridge|Tower|Centre|Center|Hall|Palace|Square|Avenue|"
    r"Road|Building|Arena|Park|Station|Hospital|Museum|Cathedral|Prison|Base)$"
    r"|^(Stade|Stadio|Estadio|Parc|Paseo|Camp|Plaza|Piazza|Place)\b"
)
# A centre that studies, argues or reports is an organisation, not a building:
# "Pew Research Center", "Media Research Center", "Bipartisan Policy Center".
_WORK_CENTRE = re.compile(
    r"\b(?:Research|Policy|Law|Media|Information|Studies|Study|Strategic|Progress|Rights|"
    r"Justice|Action|Data|Analysis|Advocacy)\s+(?:Center|Centre)$"
)
_AWARD = re.compile(r"\b(Award|Awards|Prize|Medal|Trophy|Oscar|Oscars|Emmy|Grammy)s?$")
# A title the text calls a work: "the film Submission", "films such as Troy",
# "an Iraqi-German offering entitled Underexposure", "his New Forms album".
_WORK_BEFORE = re.compile(
    r"(?i)\b(?:films?|movies?|drama|documentary|album|single|song|books?|novel|"
    r"musical|series|sitcom|programme|entitled|titled)"
    r"(?:\s+(?:such\s+as|including|like))?\s+[\"“‘']?$"
)
_WORK_AFTER = re.compile(r"[\"”’']?\s+(?:album|single|EP)\b")
# A quoted name is the title only if the quote ends with it: "a piece titled
# “Paul Ryan opposes Trump’s cuts”" quotes a headline, not a work named Paul Ryan.
_QUOTE_ENDS = re.compile(rf"{QUOTE_END}[\"”’'](?!\w)")
# A broadcaster's name followed by a programme's words is the programme, not
# the network: "NBC Nightly News", "Fox & Friends", "CBS This Morning", "Fox
# News Sunday", "PBS NewsHour". The channels themselves end otherwise ("Fox
# News", "BBC Radio Five Live", "Sky Sports").
_NETWORK = r"(?:CNN|CNBC|MSNBC|NBC|CBS|ABC|PBS|HBO|NPR|Fox|Sky|BBC|ITV\d?)"
_PROGRAMME = re.compile(
    rf"^{_NETWORK}(?: One| Two| Three| Four)?"
    rf"(?: & (?!{_NETWORK}\b)[A-Z]\w+"  # "Fox & Friends", not "CBS & NBC"
    r"| (?:(?!Radio )[A-Z][\w’'-]+ )*(?:Nightly News|Evening News|News Tonight|News Sunday|"
    r"This Morning|This Week|Tonight|Today|Newsroom|NewsHour|Newsnight|Breakfast|Show|"
    r"Unfiltered|Primetime))$"
)
# Names whose last word says what they are, whatever the model called them:
# "National Defense Authorization Act", "Kyoto Protocol" (laws); "Sydney
# Olympics", "Rotterdam Film Festival", "Davis Cup" (events). At least two
# words: a bare "Act" or "Cup" is no name. Not "Games" alone: "Epic Games" is
# a company.
_LAW = re.compile(r"\S\s+(Act|Treaty|Protocol|Amendment|Accords?)$")
_EVENT = re.compile(
    r"\S\s+(Olympics|Olympic Games|Commonwealth Games|Paralympics|Festival|Cup|Championships?|"
    r"Grand Prix|Marathon|Tournament|Expo|Summit)$"
)
# Sports clubs by the words their names end with ("Manchester United" is a
# person to the model in 107 of the corpus's 124 mentions, "Glasgow Rangers"
# in all 10). Not "City" or "County": "Kansas City", "Orange County" are places.
_CLUB = re.compile(r"\S\s+(United|Rovers|Wanderers|Athletic|Albion|Rangers|Hotspur|FC|AFC)$")
# A landform's name is a location, not an organisation: "Capitol Hill" (ORG to
# the model in 127 of its 154 mentions in the shared corpus), "Gulf Coast". Not
# an institution's name that ends so ("University of the Highlands and
# Islands"), nor one with "The" ("The Hill", a paper), nor a country
# ("Ivory Coast", "Faroe Islands": see ``_shape_type``).
_LANDFORM = re.compile(
    rf"^(?!The )(?!.*{_INSTITUTION.pattern}).*\S\s+(?:Hill|Heights|Peninsula|Coast|Islands?)$"
)
# A party's members are a group, never a person: "Lib Dems" was a PERSON to the
# model in 72 of its 81 mentions in the shared corpus, and the adjective ("Lib
# Dem MP Lembit Opik") in all of its 40.
_PARTY_MEMBERS = re.compile(
    r"\b(?:Dems|Democrats|Republicans|Tories|Conservatives|Liberals|Socialists|Nationalists|"
    r"Unionists|Libertarians|Progressives|Lib Dem)$"
)
# "on Twitter", not "on Trump's plan": how platforms and media are named.
_ON_BEFORE = re.compile(r"\b(?:on|via)\s+$")
_THE_BEFORE = re.compile(r"\bthe $")
_POSSESSIVE_AFTER = re.compile(r"['’]s?\b")
# Words before a name that make it a place rather than a team or a company.
_LOCATIVE = re.compile(r"(?i)\b(in|at|from|near|to|into|across|capital|city|town|village|of)\s+$")
_MINOR_WORDS = {"of", "and", "the", "for", "on", "in", "de", "du", "des", "la", "le", "&"}
_POSSESSIVE_PREFIX = re.compile(r"^[A-Z][\w.-]*(?:\s[A-Z][\w.-]*)*['’]s\s+(?=[A-Z])")


@dataclass
class Cluster:
    type: str
    name: str
    key: str
    mentions: list[Mention] = field(default_factory=list)
    aliases: set[str] = field(default_factory=set)
    place: gazetteer.Place | None = None
    # For one-word PERSON names, which the corpus may link or retype (see
    # ``newsfacts.entities``): a title stands before one of its mentions ("Mr.
    # Romney"), the article itself says it is a person; and the mentions written
    # after "on" or "via", not as a possessive ("on Twitter", not "on Trump's
    # plan"), as media and platforms are named.
    titled: bool = False
    after_on: int = 0
    # And the mentions written after a lower-case "the": people seldom are
    # ("the Beatles", "the Premiership", "the Enquirer").
    after_the: int = 0
    # The article itself says what it is ("Mr Hague", "Newcastle boss"): the
    # corpus-wide vote on the name's type does not overrule it.
    typed_by_text: bool = False


def looks_institutional(text: str) -> bool:
    """A name with an institutional noun: "Defense Ministry", "Labour Party"."""
    return bool(_INSTITUTION.search(text))


# Asked for every mention and every cluster name, in the map stage and again
# when the entities table is built: a few tens of thousands of distinct texts
# make up the corpus's 190,000 mentions, so the answers are kept (bounded).
@functools.lru_cache(maxsize=1 << 16)
def name_key(text: str) -> str:
    text = _POSSESSIVE_PREFIX.sub("", text)
    text = re.sub(r"^(the|The)\s+", "", text)
    return re.sub(r"[^\w]+", " ", text.casefold()).strip()


def _crat_of(key: str) -> str | None:
    """ "democrat" for "democratic": the "-crat" whose adjective the key is
    ("Democratic" lawmakers are Democrats), or None."""
    return key[:-2] if key.endswith("cratic") else None


def entity_key(name: str, kind: str) -> str:
    """What identifies an entity across articles: its canonical name's key
    (not the key of whichever form grouped the mentions, so that every
    article that settles on "Obama" names the same entity), singular for a
    group of people ("Democrats" in one article, "Democrat" in another,
    "Democratic" lawmakers in a third)."""
    key = name_key(name)
    if kind == "NORP" and key.endswith("s") and not key.endswith("ss"):
        return key[:-1]
    if kind == "NORP" and (crat := _crat_of(key)):
        return crat
    return key


# "Israel v Republic of Ireland": a fixture the model reads as one name. Not
# "v." (US case names: "Roe v. Wade"), nor a law or a title, nor "R v Smith".
_FIXTURE_SEPARATOR = re.compile(r"\s+(?:v|vs\.?)(?:\s+(?=[A-Z])|$)")


def _fixture_sides(mention: Mention) -> list[Mention]:
    """The two sides of a sports fixture ("Cyprus v Faroe Islands") as two
    mentions; a fixture cut short ("Republic of Ireland v") loses its "v"."""
    if mention.type in ("LAW", "WORK_OF_ART"):
        return [mention]
    parts, start = [], 0
    for separator in _FIXTURE_SEPARATOR.finditer(mention.text):
        parts.append((start, separator.start()))
        start = separator.end()
    if not parts:
        return [mention]
    parts.append((start, len(mention.text)))
    parts = [(a, b) for a, b in parts if b > a]
    if any(b - a < 2 for a, b in parts):
        return [mention]
    return [
        replace(mention, start=mention.start + a, end=mention.start + b, text=mention.text[a:b])
        for a, b in parts
    ]


# "Makelele, Lampard", "Napster, Musicmatch", "Donnelly, Heitkamp and Manchin":
# a list the model reads as one name (about 150 mentions of the shared corpus,
# most of them from team sheets and lists of senators, as ORG).
_LIST_COMMA = re.compile(r",\s+(?:and\s+)?")
_LIST_AND = re.compile(r"\s+and\s+")
_LIST_ITEM = re.compile(r"[A-Z][\w.'’&-]*(?:\s+[A-Z][\w.'’&-]*){0,2}")
# What follows a name after a comma without being another: "Chevron, Inc.",
# "Sammy Davis, Jr.", "Elizabeth, II".
_NAME_SUFFIX = re.compile(
    r"(?:Inc|Ltd|LLC|LLP|Co|Corp|PLC|plc|LP|SA|AG|NV|GmbH|Jr|Sr|[IVX]{1,4})\.?", re.IGNORECASE
)


def _list_items(mention: Mention) -> list[Mention]:
    """The names of a list the model read as one name, each a mention of its
    own. A name with a comma of its own stays whole: a title or a law ("Adios,
    America"), an institution whose first part says so ("Senate Health,
    Education, Labor and Pensions", "House Science, Space and Technology"),
    anything but one- to three-word capitalised names ("Bureau of Alcohol,
    Tobacco, Firearms and Explosives", "University of California, Berkeley").
    A place and its state or country ("Paris, Texas") become the two places
    the model usually finds."""
    text = mention.text
    if "," not in text or mention.type in ("LAW", "WORK_OF_ART"):
        return [mention]
    parts, start = [], 0
    for separator in _LIST_COMMA.finditer(text):
        parts.append((start, separator.start()))
        start = separator.end()
    # "… Heitkamp and Manchin": the last item may be two joined by "and";
    # "Trinidad and Tobago" is one place.
    last = _LIST_AND.search(text, start)
    if last and not gazetteer.lookup(text[start:]):
        parts.append((start, last.start()))
        start = last.end()
    parts.append((start, len(text)))
    if not all(_LIST_ITEM.fullmatch(text, a, b) or gazetteer.lookup(text[a:b]) for a, b in parts):
        return [mention]
    first = text[parts[0][0] : parts[0][1]]
    if (
        looks_institutional(first)
        or first.startswith("House ")  # a committee
        or any(_NAME_SUFFIX.fullmatch(text, a, b) for a, b in parts)
    ):
        return [mention]
    items = [(a, b) for a, b in parts if not (b == len(text) and is_title(text[a:b]))]
    return [
        replace(mention, start=mention.start + a, end=mention.start + b, text=text[a:b])
        for a, b in items
    ]


_HANDLE = re.compile(r"[\w.]*@\w")


def _fix_span(body: str, mention: Mention) -> Mention | None:
    start, end = mention.start, mention.end
    text = body[start:end]
    # A name never runs across a line break; what the model adds after one is
    # the next paragraph's first words ("Washington Post⏎⏎Others said").
    if "\n" in text.strip():
        start += len(text) - len(text.lstrip())
        end = start + text.strip().index("\n")
        text = body[start:end]
    if "(" in text and ")" not in text:
        end = start + text.index("(")
    # A social media handle or an e-mail address is an account, not a name:
    # "@realDonaldTrump" was an ORG, "Twitter @joeygarrison" a person. The
    # name before one stays ("Jeff Flake @CBNNews" → "Jeff Flake").
    if handle := _HANDLE.search(body, start, end):
        end = handle.start()
    if start > 0 and body[start - 1] == "@":
        return None
    while end > start and not body[end - 1].isalnum() and body[end - 1] not in ".)":
        end -= 1
    # Lowercase words, and the clitic of a possessive the tokenizer split off
    # the word before ("the president’s Twitter account" → "’s Twitter").
    lead = re.match(r"^(?:(?:[a-z][\w-]*|['’]s)\s+)+", body[start:end])
    if lead and lead.end() < end - start:
        start += lead.end()
    if end <= start:
        return None
    return replace(mention, start=start, end=end, text=body[start:end])


# "Asian-American", "Somali-Dutch", "Israeli-Palestinian": one group written
# as one hyphenated word, which the model cuts at the hyphen ("Asian" NORP and
# "American" NORP, or only one of them). "South-east Asian", "East African":
# a compass word before a nationality is part of it.
_HYPHENATED_PART = re.compile(r"-([A-Z][a-z]+)")
# Lower case only in the two-word form: "central Chinese" is a region's people.
_COMPASS_BEFORE = re.compile(
    r"\b(?:(?i:north|south)[- ]?(?i:east|west)|North|South|East|West|Central)[- ]$"
)


def _grown(body: str, m: Mention, starts: dict, ends: dict) -> tuple[int, int]:
    """The span of NORP mention ``m`` grown over the nationality words joined
    to it by hyphens, and over a compass word before it."""
    start, end = m.start, m.end
    while (part := _HYPHENATED_PART.match(body, end)) and _hyphen_part_is_nationality(
        part.group(1), starts.get(end + 1)
    ):
        end = part.end()
    while start > 0 and body[start - 1] == "-":
        word = re.search(r"[A-Z][a-z]+$", body[max(0, start - 30) : start - 1])
        if not (word and _hyphen_part_is_nationality(word.group(0), ends.get(start - 1))):
            break
        start -= 1 + len(word.group(0))
    if compass := _COMPASS_BEFORE.search(body, max(0, start - 16), start):
        start = compass.start()
    return start, end


def _hyphen_part_is_nationality(word: str, tagged: Mention | None) -> bool:
    # The lenient test (``demonym_country``) is enough here: the word is
    # hyphenated to a nationality already. Words alone need the strict one
    # (``gazetteer.is_nationality_word``, in ``_with_nationalities``).
    return (tagged is not None and tagged.type == "NORP") or (
        gazetteer.demonym_country(word) is not None
    )


def _join_compounds(body: str, mentions: list[Mention]) -> list[Mention]:
    """Grow NORP mentions over the hyphenated nationality words around them and
    a compass word before them; mentions swallowed by the growth go."""
    starts = {m.start: m for m in mentions}
    ends = {m.end: m for m in mentions}
    grown = {
        m: span
        for m in mentions
        if m.type == "NORP" and (span := _grown(body, m, starts, ends)) != (m.start, m.end)
    }
    return _with_grown(body, mentions, grown)


def _with_grown(
    body: str, mentions: list[Mention], grown: dict[Mention, tuple[int, int]]
) -> list[Mention]:
    """The mentions with those in ``grown`` given their new spans; mentions
    inside a grown span go, and two grown into the same span are kept once
    (two parts of one compound)."""
    if not grown:
        return mentions
    spans = sorted(grown.values())
    kept = []
    for m in mentions:
        if m in grown:
            start, end = grown[m]
            kept.append(replace(m, start=start, end=end, text=body[start:end]))
        elif not any(start <= m.start and m.end <= end for start, end in spans):
            kept.append(m)
    unique = {(m.start, m.end): m for m in kept}
    return sorted(unique.values(), key=lambda m: (m.start, m.end))


# "United Nations Economic Commission for Europe", "Medical Foundation for the
# Care of Victims of Torture", "UN Office for the Coordination of Humanitarian Affairs": an
# institution named for its purpose, which the model ends at the head word
# (and tags the rest apart, "Europe" a place, or not at all). Only after a head
# word that names a body, and only over capitalised words: "Commerce
# Department for November", "ICM for BBC News" stay as they are.
_PURPOSE_HEAD = re.compile(
    r"\b(?:Center|Centre|Commission|Committee|Council|Institute|Foundation|Office|Agency|"
    r"Bureau|Court|Campaign|Society|Alliance|Coalition|Association|Fund|Organi[sz]ation|"
    r"Network|Board|Trust|Ministry|Union)(?: of [A-Z][a-z]+)?$"
)
_PURPOSE_WORD = r"(?:(?:[A-Z]\.){2,}|[A-Z][\w’'&-]*)"  # "Europe", "D.C."
_PURPOSE = re.compile(
    rf" for (?:the )?({_PURPOSE_WORD}(?:(?: (?:of|and|the|for|&))* {_PURPOSE_WORD})*)"
    r"(?![\w’'-])"
)


def _purpose_end(body: str, m: Mention) -> int | None:
    """Where the purpose that completes institution ``m``'s name ends, if one does."""
    if m.type not in ("ORG", "FAC") or not _PURPOSE_HEAD.search(m.text):
        return None
    purpose = _PURPOSE.match(body, m.end)
    if not purpose or purpose.group(1).endswith(("’s", "'s", "’", "'")):
        return None  # "the Council for Alabama's schools": a possessive ends no name
    if any(word in CALENDAR for word in purpose.group(1).split()):
        return None
    return purpose.end()


def _join_purposes(body: str, mentions: list[Mention]) -> list[Mention]:
    """Grow institutions over the purpose their name ends with."""
    grown = {m: (m.start, end) for m in mentions if (end := _purpose_end(body, m)) is not None}
    return _with_grown(body, mentions, grown)


# "Ursula von der Leyen", "Sandra den Hamer", "Salman bin Abdulaziz": the model
# ends a person's name before a lower-case particle and tags the rest apart
# (as a place, a work, another person) or not at all.
_PARTICLE = re.compile(
    r" (?:van|von|de|den|der|da|di|du|dos|das|del|della|bin|ibn|al|el|ter|ten)"
    r"(?: (?:der|den|de|la|le))? [A-Z][\w’'-]+"
)


def _join_particles(body: str, mentions: list[Mention]) -> list[Mention]:
    """Grow people's names over a particle and the name after it, and over a
    mention that the grown name runs into."""
    grown = {}
    for m in mentions:
        if m.type == "PERSON" and (particle := _PARTICLE.match(body, m.end)):
            end = particle.end() - (2 if particle.group().endswith(("'s", "’s")) else 0)
            end = max([n.end for n in mentions if m.end < n.start < end] + [end])
            grown[m] = (m.start, end)
    return _with_grown(body, mentions, grown)


# Names whose words say what they are, whatever the model called them: the
# pattern, the model's types it overrules, the type it gives. First match wins.
_NAME_SHAPES = (
    (_INSTITUTION, ("GPE", "LOC", "PERSON", "FAC", "NORP"), "ORG"),
    (_AWARD, ("ORG", "PERSON", "EVENT", "PRODUCT"), "WORK_OF_ART"),
    (_PROGRAMME, ("ORG", "PERSON", "EVENT", "PRODUCT", "FAC", "GPE"), "WORK_OF_ART"),
    (_LAW, ("ORG", "PERSON", "EVENT", "PRODUCT", "WORK_OF_ART"), "LAW"),
    (_EVENT, ("ORG", "PERSON", "FAC", "LAW", "PRODUCT", "GPE"), "EVENT"),
    (_CLUB, ("PERSON", "GPE", "NORP", "LOC", "FAC", "PRODUCT"), "ORG"),
    (_LANDFORM, ("ORG",), "LOC"),
    (_PARTY_MEMBERS, ("PERSON", "GPE", "FAC", "PRODUCT"), "NORP"),
)


_NOT_PLACES = ("ORG", "PERSON", "FAC", "PRODUCT", "WORK_OF_ART")


# A river's side is a place, not a bank: "the West Bank" (a GPE to the model,
# 27 mentions of the shared corpus made organisations by "Bank"), "the Left Bank".
_RIVER_BANK = re.compile(r"^(?:West|East|North|South|Left|Right) Bank$")


def _shape_type(text: str, label: str, places: list) -> str | None:
    """The type a name's words give it (``_NAME_SHAPES``); ``places``, what the
    gazetteer links it to: a landform it knows as a country or a US state is a
    GPE ("Ivory Coast", "Rhode Island"), one it knows as a town is still a
    landform ("Capitol Hill", a neighbourhood of Washington)."""
    if _RIVER_BANK.match(text):
        return None
    for pattern, overruled, kind in _NAME_SHAPES:
        if label in overruled and pattern.search(text):
            if pattern is _LANDFORM and any(p.kind != "city" for p in places):
                return "GPE" if any(p.kind in ("country", "us_state") for p in places) else None
            return kind
    return None


# "Mr", "Ms", "Dr", "Dame" right before a name: the text says it is a person
# ("Mr Hague", "Ms Daniels", "Dr. Ford"; the model read these as a place, a
# company or a work in 63 clusters of the corpus). Not "Miss" before a place:
# "Miss Utah" is a pageant's title.
_COURTESY_BEFORE = re.compile(r"\b(?:Mr|Mrs|Ms|Mx|Miss|Dr|Sir|Dame)\.?\s+$")


def _courtesy_titled(mention: Mention, before: str) -> bool:
    title = _COURTESY_BEFORE.search(before[-8:])
    if not title or _POSSESSIVE_PREFIX.match(mention.text) or " and " in mention.text:
        return False
    return not (title.group(0).startswith("Miss") and gazetteer.lookup(mention.text))


# A person's age in apposition, as news gives it: "Vera Peete, 47, of
# Antioch", "Staunton, 49, who". Not a count ("Across China, 40,171 people")
# nor a version list ("Windows 95, 98, ME").
_AGE_AFTER = re.compile(r",\s+(?:aged\s+)?\d{1,2},(?!\d)")


def _aged(mention: Mention, after: str) -> bool:
    """Whether an age follows the name. Not after a country or a state:
    "Florida, 29, Pennsylvania, 20" are electoral votes, "China, 38" a count."""
    return (
        _AGE_AFTER.match(after) is not None
        and not mention.text[-1:].isdigit()
        and not any(p.kind in ("country", "us_state") for p in gazetteer.lookup(mention.text))
    )


# A broadcaster's possessive names its programme or its journalist: "CNN's
# State of the Union", "BBC One's Breakfast with Frost", "ABC's Good Morning
# America"; "CNN's Jake Tapper". The shared corpus has 319 names after one:
# 177 people, 68 works already, 74 of other types, about 60 of them programmes.
_BROADCASTER_BEFORE = re.compile(
    r"\b(?:Fox News|Sky (?:News|One)|BBC (?:One|Two|Three|Four|World Service|Radio \d|"
    rf"Radio Five Live)|{_NETWORK}|C-SPAN|Channel [45]|Comedy Central|Showtime|Netflix)"
    r"['’]s?\s+[\"“]?$"
)
# What a programme's name has and a person's has not: a word in lower case
# ("State of the Union") or a programme's own word ("World Business Report").
_PROGRAMME_NAME = re.compile(
    r"\s[a-z]|\b(?:News|Report|Programme|Program|Show|Hour|Tonight|Today|Live|Academy|Club|"
    r"Point|Check|Test|Time|Weekly|Night|Morning|Sunday|Files|Matters|Insider|Review)$"
)


def _work_before(before: str, after: str) -> bool:
    cue = _WORK_BEFORE.search(before)
    return cue is not None and (cue.group(0)[-1] not in "\"“‘'" or bool(_QUOTE_ENDS.match(after)))


def _retyped(mention: Mention, before: str, after: str = "") -> str:
    text, label = mention.text, mention.type
    if label != "PERSON" and (_courtesy_titled(mention, before) or _aged(mention, after)):
        return "PERSON"
    if label != "WORK_OF_ART" and (_work_before(before, after) or _WORK_AFTER.match(after)):
        return "WORK_OF_ART"
    places = gazetteer.lookup(text)
    if (
        label not in ("PERSON", "WORK_OF_ART")
        # The model calls a few journalists organisations ("NBC's Lester Holt").
        and (label != "ORG" or _PROGRAMME_NAME.search(text))
        and _BROADCASTER_BEFORE.search(before)
        and not places  # "CNN's New York office"
    ):
        return "WORK_OF_ART"
    before = before[-12:]  # the window the locative rule below was measured with
    if shaped := _shape_type(text, label, places):
        return shaped
    if (
        label in _NOT_PLACES
        and gazetteer.is_country_name(text, places)
        and (" " in text or label != "PERSON")
    ):
        # A country named for its team or its government is still the GPE
        # (OntoNotes): "Wales" and "Slovakia" the sides, "Maldives" the state.
        # A one-word "person" may be one: "Chad", "Jordan".
        return "GPE"
    if (
        _FACILITY.search(text)
        and " " in text
        and label in ("GPE", "ORG", "LOC", "PERSON")
        and not (label == "ORG" and _WORK_CENTRE.search(text))
        and not any(p.kind != "city" or p.population >= 100_000 for p in places)
    ):
        return "FAC"
    if label in ("NORP", "LOC", "GPE") and any(p.kind in ("country", "us_state") for p in places):
        return "GPE"
    if label in ("GPE", "NORP", "LOC") and any(p.kind == "continent" for p in places):
        # "Europe", "Africa": the guidelines' (and OntoNotes') LOC, also "in
        # Europe", which the locative rule below would make a GPE.
        return "LOC"
    if label in ("ORG", "LOC") and places and _LOCATIVE.search(before):
        # "in Liverpool" is the city; "Liverpool beat Chelsea" is the club.
        return "GPE"
    single_word = " " not in text and label in ("PERSON", "ORG", "GPE", "NORP") and not places
    if single_word and gazetteer.demonym_country(text) is not None:
        return "NORP"
    if label == "GPE" and not places and _REGION.search(text):
        return "LOC"
    return label


# A town's name is its club's when a player, a manager or a result goes with
# it: "Newcastle boss Graeme Souness", "Chelsea defender Celestine Babayaro",
# "a 2-0 victory over Fulham", "drawn at home to Stoke". Each word or phrase
# read in a sample of their matches in the shared corpus; "beat", "against",
# "from", "fans" and "forward" were dropped for the elections, travellers and
# people ("play Kaka forward") they also caught.
_CLUB_ROLE_AFTER = re.compile(
    r"(?:['’]s)?\s+(?:boss|manager|striker|midfielder|defender|goalkeeper|keeper|winger|"
    r"full-back|centre-back|captain|skipper|chairman|squad|team-mate)\b"
)
_CLUB_RESULT_BEFORE = re.compile(
    r"\b(?:signed for|sign for|on loan (?:to|at|from)|at home to|draw with|drew with|"
    r"defeat by|victory over|win over|win at|away at|away to)\s+$"
)


def _is_club(body: str, cluster: Cluster) -> bool:
    """A town's name (not a country's or a state's) written as a sports club's;
    for a name the model calls a person, only a player or manager after it
    says so ("victory over Obama" is an election)."""
    if cluster.type not in ("GPE", "PERSON"):
        return False
    places = gazetteer.lookup(cluster.name)
    if not places or any(p.kind != "city" for p in places):
        return False
    for m in cluster.mentions:
        if _CLUB_ROLE_AFTER.match(body, m.end):
            return True
        if cluster.type != "PERSON" and _CLUB_RESULT_BEFORE.search(
            body, max(0, m.start - 20), m.start
        ):
            return True
    return False


def _initials(words: list[str]) -> str:
    return "".join(w[0] for w in words if w.casefold() not in _MINOR_WORDS and w[0].isupper())


_DEFINITION = re.compile(
    r"((?:[A-Z][\w'-]*\s+(?:(?:of|and|the|for|on|in|de)\s+)*){1,9})\(([A-Z]{2,8})\)"
)


def acronym_definitions(body: str) -> list[tuple[int, int, str, str]]:
    """(start, end, long form, acronym) for each "Long Form (LF)" in the body."""
    found = []
    for match in _DEFINITION.finditer(body):
        words = match.group(1).split()
        acronym = match.group(2)
        # Take the shortest tail of the phrase whose initials spell the acronym.
        for first in range(len(words) - 1, -1, -1):
            tail = words[first:]
            if _initials(tail) == acronym and tail[0][0].isupper():
                long_form = " ".join(tail)
                start = match.start(1) + match.group(1).index(long_form)
                found.append((start, start + len(long_form), long_form, acronym))
                break
    return found


def _with_acronyms(body: str, mentions: list[Mention], sentence_of) -> tuple[list[Mention], dict]:
    aliases: dict[str, str] = {}
    extra: list[Mention] = []
    for start, end, long_form, acronym in acronym_definitions(body):
        covering = [m for m in mentions if m.start <= start < m.end or start <= m.start < end]
        label = covering[0].type if covering and covering[0].type != "PERSON" else "ORG"
        mentions = [m for m in mentions if m not in covering]
        extra.append(sentence_of(Mention(start, end, long_form, label, 0, 0, 0)))
        aliases[name_key(acronym)] = name_key(long_form)
        for hit in re.finditer(rf"\b{acronym}\b", body):
            overlapping = [m for m in mentions if m.start < hit.end() and hit.start() < m.end]
            mentions = [m for m in mentions if m not in overlapping]
            extra.append(sentence_of(Mention(hit.start(), hit.end(), acronym, label, 0, 0, 0)))
    merged = {(m.start, m.end): m for m in mentions + extra}
    return sorted(merged.values(), key=lambda m: (m.start, m.end)), aliases


def sentence_locator(sentences: list[tuple[int, int]]):
    starts = [start for start, _ in sentences]

    def locate(mention: Mention) -> Mention:
        index = max(bisect.bisect_right(starts, mention.start) - 1, 0)
        start, end = sentences[index]
        return replace(mention, sentence=index, sentence_start=start, sentence_end=end)

    return locate


def _canonical(texts: list[str]) -> str:
    forms = Counter(re.sub(r"^(the|The)\s+", "", _POSSESSIVE_PREFIX.sub("", t)) for t in texts)
    return max(forms, key=lambda f: (len(f.split()), forms[f], len(f), f))


def resolve(body: str, recognised: Recognised, steps: frozenset = ALL_STEPS) -> list[Cluster]:
    """Cluster an article's mentions into entities (canonical name, type, aliases)."""
    locate = sentence_locator(recognised.sentences or [(0, len(body))])
    mentions, titles = _fixed_mentions(body, recognised.mentions, steps, locate)
    acronym_aliases: dict[str, str] = {}
    if "acronyms" in steps:
        mentions, acronym_aliases = _with_acronyms(body, mentions, locate)

    groups: dict[str, list[Mention]] = {}
    for mention in mentions:
        k = name_key(mention.text)
        if not k:
            continue
        groups.setdefault(acronym_aliases.get(k, k), []).append(mention)

    if "surnames" in steps:
        _join_spelling_variants(groups)
        _adopt_titled_full_names(body, groups)
        _join_surnames(groups)
        _join_plurals(groups)
        _join_club_names(groups)

    clusters = [_cluster(members) for members in groups.values()]
    # One scan of the body for the two steps that ask whether it writes a name
    # in lower case.
    words = prose_words_in_lower_case(body) if {"common", "repeats"} & steps else set()
    if "common" in steps:
        clusters = [c for c in clusters if not _is_common_word(words, c)]
    if "retype" in steps:
        _retype_clusters(body, clusters, titles)
    _link_places(clusters)
    clusters = _merge_same_places(clusters)
    if "repeats" in steps:
        _add_repeats(body, clusters, locate, words)
    for cluster in clusters:
        if cluster.type == "PERSON" and " " not in cluster.key:
            _mark_one_word_person(body, cluster)
    return sorted(clusters, key=lambda c: (c.mentions[0].start, c.key))


class Taken:
    """The spans an article's mentions cover, to tell whether a mention added
    where the model found none would overlap one (the mentions do not overlap
    each other, so the neighbours by start are the only ones to look at)."""

    def __init__(self, spans) -> None:
        self.spans = sorted(spans)
        self.starts = [start for start, _ in self.spans]

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect.bisect_right(self.starts, start) - 1
        return (i >= 0 and self.spans[i][1] > start) or (
            i + 1 < len(self.spans) and self.spans[i + 1][0] < end
        )


def _with_added(mentions: list[Mention], found: list[Mention]) -> list[Mention]:
    if not found:
        return mentions
    return sorted(mentions + found, key=lambda m: (m.start, m.end))


# A capitalised word not followed by another ("British Airways", "the English
# Premiership" are names the model may have missed whole), nor preceded by one
# that is not a sentence's first word ("Massenet's Thais", an opera).
_LONE_CAPITALISED = re.compile(r"\b[A-Z][a-z]{3,}\b(?!\s+[A-Z])")
# The word right before a position, unless a sentence ends or a quote opens
# before it; and the first letter of the word right after one. Whether either
# is capitalised is asked of the letter, so that "Éditions" counts as "Editions".
_WORD_BEFORE = re.compile(r"[^\s.!?\"“”]\s+([^\W\d_])[\w'’-]*\s+$")
_WORD_AFTER = re.compile(r"\s+([^\W\d_])")
_TITLE_AFTER = re.compile(r" ([A-Z][\w.]*)(?=\s+[A-Z])")


def _capitalised_before(body: str, start: int) -> bool:
    word = _WORD_BEFORE.search(body, max(0, start - 30), start)
    return word is not None and word.group(1).isupper()


# "In English", "speaks Spanish", "Spanish-language hip-hop": a language, which
# is no entity type of the contract; "Canadian dollars" is money.
_LANGUAGE_BEFORE = re.compile(
    r"\b(?:in|into|speaks?|spoke|speaking|learn\w*|stud(?:y|ies|ying|ied)|than|fluent|teach\w*|"
    r"taught)"
    r"\s+$",
    re.IGNORECASE,
)
_LANGUAGE_AFTER = re.compile(
    r"-(?:language|speaking|speaker)|\s+(?:language|languages|translations?|versions?|speakers|"
    r"subtitles|words?|lessons|departments?|teachers?|literature|grammar|dictionary|dollars?)\b"
)


# An adjective before its noun: "English kickers", "an English gentleman".
_NOUN_AFTER = re.compile(
    r"\s+(?!(?:was|were|is|are|and|or|but|with|to|at|in|on|for|as|by|from|of|that|the|a|an)\b)"
    r"[a-z]"
)


def _with_nationalities(body: str, mentions: list[Mention], locate) -> list[Mention]:
    """Add the nationality words the model left untagged ("two of the best
    English kickers"; 300 in the shared corpus) as NORP mentions."""
    taken = Taken((m.start, m.end) for m in mentions)
    found = []
    for word in _LONE_CAPITALISED.finditer(body):
        if not gazetteer.is_nationality_word(word.group(0)):
            continue
        if _capitalised_before(body, word.start()):
            continue
        if taken.overlaps(word.start(), word.end()):
            continue
        if _LANGUAGE_BEFORE.search(body, max(0, word.start() - 12), word.start()):
            continue
        if _LANGUAGE_AFTER.match(body, word.end()):
            continue
        if not word.group(0).endswith("s") and not _NOUN_AFTER.match(body, word.end()):
            continue  # "English" alone is as often the language: "only English was spoken"
        found.append(locate(Mention(word.start(), word.end(), word.group(0), "NORP", 0, 0, 0)))
    return _with_added(mentions, found)


# A place that ends a title is where the work comes from, not its words: "the
# film The Sea Inside from Spain".
_PLACE_AT_END = re.compile(r"\s(?:from|in|at)\s$")
# The model tags pieces of titles as people ("Seek" of "Hide and Seek", "Jane"
# of "Songs About Jane"), but a full name that ends a title's words is the
# sentence going on, right after them, after a colon or after "and": "the film
# The Aviator Leonardo DiCaprio stars in", "the film Closer: Jude Law plays",
# "the film Ray and Hilary Swank won". After one of the title's other small
# words it is in the title: "Living with Michael Jackson". In a list it is no
# title at all: "films such as Troy, Brad Pitt said".
_INSIDE_TITLE = re.compile(rf"\s(?:{'|'.join(w for w in SMALL_WORDS if w != 'and')})\s$")
_TITLE_TAIL = re.compile(r"(?:[\s:,]|\sand)+$")
# A word of a title's own: not only "The" or "A" before the name the model took.
_TITLE_WORD = re.compile(r"\b(?!(?:The|A|An)\b)[A-Z\d]")


def _title_span(body: str, title, inside: list[Mention]) -> tuple[int, int] | None:
    """The span of an unquoted title once the people the model found in it
    have had their say (see ``_INSIDE_TITLE``), and a place it ends with; or
    None when it is no title."""
    start, end = title.start, title.end
    person = next(
        (m for m in inside if m.type == "PERSON" and m.end == end and " " in m.text), None
    )
    if person is not None and person.start == start and title.later_in_list:
        return None
    if (
        person is not None
        and person.start > start
        and not _INSIDE_TITLE.search(body, start, person.start)
        and (tail := _TITLE_TAIL.search(body, start, person.start))  # not mid-word
    ):
        end = tail.start()
    last = next((m for m in reversed(inside) if m.end <= end), None)
    if (
        last is not None
        and last.end == end
        and (last.type in ("GPE", "LOC") or gazetteer.lookup(last.text))
        and (place := _PLACE_AT_END.search(body, start, last.start))
    ):
        end = place.start()
    if not _TITLE_WORD.search(body, start, end):
        return None  # nothing left but "The": the model's person began the title
    return start, end


def _with_titles(body: str, mentions: list[Mention], locate) -> tuple[list[Mention], set]:
    """The titles of works named after their kind ("the film The Aviator") as
    WORK_OF_ART mentions, in place of the pieces of them the model tagged
    ("Seek" of "Hide and Seek", a person). Read with the model's own types,
    before they are fixed. A quoted title takes the place of no other name:
    headlines quote people ("titled “Paul Ryan opposes …”"). Returns the
    mentions and the spans of the titles."""
    titles: dict[tuple[int, int], list[Mention]] = {}
    taken = Taken((m.start, m.end) for m in mentions)
    for title in work_titles(body):
        overlapping = (
            [m for m in mentions if m.start < title.end and title.start < m.end]
            if taken.overlaps(title.start, title.end)
            else []
        )
        if title.quoted:
            # The model's name for the whole quote is the title whatever its
            # type ("film “Closer”", ORG); a name inside it is a headline's.
            whole = [(m.start, m.end) for m in overlapping] == [(title.start, title.end)]
            if not whole and any(m.type != "WORK_OF_ART" for m in overlapping):
                continue
            start, end = title.start, title.end
        elif (span := _title_span(body, title, overlapping)) is None:
            continue
        else:
            start, end = span
        inside = [m for m in overlapping if m.start < end]
        if any(m.start < start or m.end > end for m in inside):
            continue  # the model's name runs past it: "Mind, Body & Soul"
        if any(s < end and start < e for s, e in titles):
            continue
        titles[(start, end)] = inside
    if not titles:
        return mentions, set()
    replaced = {id(m) for inside in titles.values() for m in inside}
    found = [
        locate(Mention(start, end, body[start:end], "WORK_OF_ART", 0, 0, 0))
        for start, end in titles
    ]
    kept = [m for m in mentions if id(m) not in replaced]
    return _with_added(kept, found), set(titles)


CALENDAR = frozenset(
    [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ]
)


def runs_into_a_name(
    body: str, start: int, end: int, before: bool = True, title_after: bool = False
) -> bool:
    """Whether the words at ``start:end`` run into a capitalised word after
    them or (with ``before``) before them, not one that only opens a sentence:
    part of a longer name ("Trump Tower", "Chief Justice", "Zorblex Éditions").
    With ``title_after``, a title before a name after them is no name they run
    into ("Lib Dem MP Lembit Opik", "ECB President Jean-Claude Trichet")
    unless the two make a title ("Vice President Mike Pence")."""
    after = _WORD_AFTER.match(body, end)
    if after is not None and after.group(1).isupper():
        title = _TITLE_AFTER.match(body, end) if title_after else None
        if (
            title is None
            or not is_title(title.group(1))
            or is_title(f"{body[start:end]} {title.group(1)}")
        ):
            return True
    return before and _capitalised_before(body, start)


def _add_repeats(body: str, clusters: list[Cluster], locate, words: set[str]) -> None:
    """Every other occurrence of a form an entity of the article is written in
    is a mention of it: the model tags "Nancy Pelosi" and one "Pelosi", and
    misses "Pelosi named …" two paragraphs on (6,000 mentions of the shared
    corpus). Not an occurrence inside a longer name ("Trump Tower"), nor a
    one-word form the article also writes in lower case ("Bill", "bill"), nor a
    month or a weekday ("May"), nor a nationality (also a language). ``words``:
    the body's words in lower case (``prose_words_in_lower_case``)."""
    forms: dict[str, Cluster] = {}
    for cluster in clusters:
        if cluster.type == "NORP":
            continue  # "English" the people is also the language: "only English was spoken"
        for form in sorted({m.text for m in cluster.mentions}):
            if len(form) < 3 or not form[:1].isupper() or form in CALENDAR:
                continue
            if " " not in form and form.lower() in words:
                continue
            forms.setdefault(form, cluster)
    if not forms:
        return
    taken = Taken((m.start, m.end) for c in clusters for m in c.mentions)
    alternatives = "|".join(re.escape(f) for f in sorted(forms, key=lambda f: (-len(f), f)))
    for hit in re.finditer(rf"(?<![\w-])(?:{alternatives})(?![\w-])", body):
        start, end = hit.span()
        if taken.overlaps(start, end) or runs_into_a_name(body, start, end):
            continue
        cluster = forms[hit.group(0)]
        cluster.mentions.append(locate(Mention(start, end, hit.group(0), cluster.type, 0, 0, 0)))
    for cluster in clusters:
        cluster.mentions.sort(key=lambda m: m.start)


def _retype_clusters(body: str, clusters: list[Cluster], titles: set) -> None:
    """What the article says of a whole cluster: a club, a person by a title
    or an age, a work by its kind (the spans of ``titles``)."""
    for cluster in clusters:
        if cluster.type == "WORK_OF_ART" and any(
            (m.start, m.end) in titles for m in cluster.mentions
        ):
            cluster.typed_by_text = True
        elif _is_club(body, cluster):
            cluster.type = "ORG"
            cluster.typed_by_text = True
        elif any(_aged(m, body[m.end : m.end + 16]) for m in cluster.mentions) or (
            # "Pope Francis" … "Francis": a name that also reads as a
            # nationality ("Francis" for France, "Philip" for the Philippines);
            # no nationality is titled.
            cluster.type == "NORP"
            and " " not in cluster.key
            and any(has_title_before(body, m.start) for m in cluster.mentions)
        ):
            cluster.type = "PERSON"
            cluster.key = entity_key(cluster.name, "PERSON")
            cluster.typed_by_text = True
        elif cluster.type == "PERSON":
            cluster.typed_by_text = any(
                _courtesy_titled(m, body[max(0, m.start - 8) : m.start]) for m in cluster.mentions
            )
        elif _speaks_as_person(body, cluster):
            # Not typed by the text: the corpus's vote may still say otherwise
            # ("Labour said he had …" is the party speaking of someone).
            cluster.type = "PERSON"
            cluster.key = entity_key(cluster.name, "PERSON")


# A speaker referred to as "he" or "she" right after the verb: "Conaway said he
# would challenge the redactions", "Bibeau said that she is crying". An
# organisation says "it" or "we"; one that says "he" speaks of someone else, and
# is mostly written after "the" ("the State Department says he did not ask").
_SAID_HE = re.compile(
    r"['’]?\s+(?:said|says|told|added|explained|wrote|argued|insisted|claimed)"
    r"(?:\s+that|,)?\s+(?:he|she)\b"
)
_THE_OR_ON_BEFORE = re.compile(r"(?i)\b(?:the|on|via)\s+$")


def _speaks_as_person(body: str, cluster: Cluster) -> bool:
    """Whether the article writes a name the model did not call a person as a
    person speaking (see ``_SAID_HE``). Not an institution's name, an
    abbreviation ("the AP claimed he …")."""
    if cluster.type not in ("ORG", "PRODUCT", "WORK_OF_ART"):
        return False
    if looks_institutional(cluster.name) or cluster.name.isupper():
        return False
    return any(
        _SAID_HE.match(body, m.end)
        and not _THE_OR_ON_BEFORE.search(body, max(0, m.start - 5), m.start)
        for m in cluster.mentions
    )


# A US politician's party and state: "Sen. Rand Paul (R-Ky.)", "Rep. John
# Ratcliffe (R-Texas)", "(D-CA)". The model tags the state in about one of four.
_PARTY_STATE = re.compile(r"\b[RDI]-([A-Z][A-Za-z.]*(?: [A-Z][a-z.]+)?)(?=[),;])")


def _with_party_states(body: str, mentions: list[Mention], locate) -> list[Mention]:
    """Add the states of US politicians' party labels as GPE mentions."""
    taken = Taken((m.start, m.end) for m in mentions)
    found = []
    for label in _PARTY_STATE.finditer(body):
        start, end = label.span(1)
        if not taken.overlaps(start, end) and gazetteer.us_state(label.group(1)) is not None:
            found.append(locate(Mention(start, end, label.group(1), "GPE", 0, 0, 0)))
    return _with_added(mentions, found)


def _fixed_mentions(
    body: str, mentions: list[Mention], steps: frozenset, locate
) -> tuple[list[Mention], set]:
    """The model's mentions with their spans and types fixed, and the names it
    missed added; and the spans of the titles of works among them."""
    titles: set = set()
    if "spans" in steps:
        mentions = _fixed_spans(body, mentions)
        # Before the types are fixed: a title gives way to the people the
        # model found in it (see ``_title_span``).
        mentions, titles = _with_titles(body, mentions, locate)
    if "retype" in steps:
        mentions = _retyped_mentions(body, mentions, titles)
    if "spans" in steps:
        mentions = _with_nationalities(body, mentions, locate)
        mentions = _with_party_states(body, mentions, locate)
    return mentions, titles


def _fixed_spans(body: str, mentions: list[Mention]) -> list[Mention]:
    """The model's mentions with their spans fixed, one by one."""
    mentions = [
        fixed
        for m in mentions
        for side in _fixture_sides(m)
        for part in _list_items(side)
        if (fixed := _fix_span(body, part))
    ]
    mentions = _join_compounds(body, mentions)
    return _join_particles(body, _join_purposes(body, mentions))


def _retyped_mentions(body: str, mentions: list[Mention], titles: set) -> list[Mention]:
    """The mentions with what the text around each says of its type; not the
    titles of works (``titles``), whatever their words ("the film Sister Act",
    "the album America")."""
    retyped = []
    for m in mentions:
        if (m.start, m.end) in titles:
            retyped.append(m)
            continue
        kind = _retyped(m, body[max(0, m.start - 40) : m.start], body[m.end : m.end + 12])
        retyped.append(m if kind == m.type else replace(m, type=kind))
    return retyped


def _cluster(members: list[Mention]) -> Cluster:
    texts = [m.text for m in members]
    name = _canonical(texts)
    # The fullest form's type wins: the model is surer of "Donald Trump"
    # (PERSON) than of a bare "Trump" (often ORG), however often the bare
    # form occurs.
    full = Counter(m.type for m in members if m.text.endswith(name))
    kind = (full or Counter(m.type for m in members)).most_common(1)[0][0]
    return Cluster(
        kind,
        name,
        entity_key(name, kind),
        sorted(members, key=lambda m: m.start),
        {t for t in texts if t != name},
    )


def _mark_one_word_person(body: str, cluster: Cluster) -> None:
    """What the corpus-wide rules read of a one-word PERSON (see ``Cluster``)."""
    cluster.titled = any(has_title_before(body, m.start) for m in cluster.mentions)
    cluster.after_on = sum(
        bool(_ON_BEFORE.search(body, max(0, m.start - 6), m.start))
        and not _POSSESSIVE_AFTER.match(body, m.end)
        for m in cluster.mentions
    )
    cluster.after_the = sum(
        bool(_THE_BEFORE.search(body, max(0, m.start - 5), m.start)) for m in cluster.mentions
    )


def _merge_same_places(clusters: list[Cluster]) -> list[Cluster]:
    """Names the gazetteer links to one place are one entity of the article:
    "US" … "U.S." … "United States", "Britain" … "Great Britain". The merged
    cluster takes the fullest name and the type of its most mentioned name."""
    by_place: dict = {}
    for cluster in clusters:
        if cluster.place is not None:
            by_place.setdefault(cluster.place, []).append(cluster)
    merged = []
    for cluster in clusters:
        group = by_place.get(cluster.place) if cluster.place is not None else None
        if not group or len(group) == 1:
            merged.append(cluster)
            continue
        if cluster is not group[0]:
            continue  # folded into the group's first cluster
        mentions = sorted((m for c in group for m in c.mentions), key=lambda m: m.start)
        texts = [m.text for m in mentions]
        name = _canonical(texts)
        main = max(group, key=lambda c: len(c.mentions))
        merged.append(
            Cluster(
                main.type,
                name,
                entity_key(name, main.type),
                mentions,
                (set(texts) | {a for c in group for a in c.aliases}) - {name},
                cluster.place,
            )
        )
    return merged


def prose_words_in_lower_case(body: str) -> set[str]:
    """The words the body writes in lower case, whole (not part of a
    hyphenated compound) and not in an address ("facebook.com", "@facebook",
    "/facebook"): evidence that a capitalised name of the same letters is a
    common word. One scan per article, not one per candidate name."""
    return {w for w in _PROSE_WORD.findall(body) if w.islower()}


_PROSE_WORD = re.compile(r"(?<![\w./@-])[^\W\d_]+(?![\w/@-]|\.\w)")


def _is_common_word(words: set[str], cluster: Cluster) -> bool:
    """A one-word name mentioned once that the article also writes in lower
    case ("the Cabinet" … "the cabinet", "State" … "the state") is a common
    noun the model took for a name, not an entity."""
    if len(cluster.mentions) != 1 or " " in cluster.name or not cluster.name.isalpha():
        return False
    if cluster.type == "PERSON":
        return False  # surnames are words too: "Ms. White" ... "white voters"
    word = cluster.name
    if word.isupper() or word.lower() == word:
        return False
    return word.lower() in words


def _join_plurals(groups: dict[str, list[Mention]]) -> None:
    """ "Republicans" and "Republican", "Democrats" and "Democrat" are one
    group, and so is the adjective "Democratic" ("Democratic lawmakers")."""
    for k in [k for k in groups if k.endswith("s") and k[:-1] in groups]:
        groups[k[:-1]].extend(groups.pop(k))
    for k, crat in [(k, crat) for k in groups if (crat := _crat_of(k))]:
        # Into the group by whichever form the article has: "Democrat(s)".
        group = next((g for g in (crat, crat + "s") if g in groups), None)
        if group is not None:
            groups[group].extend(groups.pop(k))


_DOUBLED = re.compile(r"(\w)\1+")


def _join_spelling_variants(groups: dict[str, list[Mention]]) -> None:
    """ "Eliot Spitzer", "Elliott Spitzer", "Elliot Spitzer" in one article: a
    full name misspelt by a doubled letter is the same person (the form most
    mentioned keeps the group)."""
    variants: dict[str, list[str]] = {}
    for k, members in groups.items():
        if " " in k and _is_person(members):
            variants.setdefault(_DOUBLED.sub(r"\1", k), []).append(k)
    for keys in variants.values():
        if len(keys) > 1:
            main = max(keys, key=lambda k: (len(groups[k]), k))
            for k in keys:
                if k != main:
                    groups[main].extend(groups.pop(k))


def _adopt_titled_full_names(body: str, groups: dict[str, list[Mention]]) -> None:
    """ "Bernie Ebbers" (ORG to the model) … "Mr Ebbers": the one full name a
    titled surname ends is that person's name, whatever the model called it."""
    titled = {
        k
        for k, members in groups.items()
        if " " not in k
        and any(_courtesy_titled(m, body[max(0, m.start - 8) : m.start]) for m in members)
    }
    for k in titled:
        owners = [
            o
            for o in groups
            if 2 <= len(o.split()) <= 3
            and o.split()[-1] == k
            and not _is_place(groups[o])
            and not looks_institutional(groups[o][0].text)
        ]
        if len(owners) == 1 and not _is_person(groups[owners[0]]):
            groups[owners[0]] = [replace(m, type="PERSON") for m in groups[owners[0]]]


def _join_surnames(groups: dict[str, list[Mention]]) -> None:
    full_names = {k: m for k, m in groups.items() if len(k.split()) > 1 and _is_person(m)}
    # A shorter full name inside a longer one: "Christian Andersen" in "Hans
    # Christian Andersen", "Donald Trump" in "Donald J Trump".
    for k in sorted(full_names, key=lambda k: len(k.split())):
        words = set(k.split())
        owners = [
            o
            for o in full_names
            if o != k and o in groups and words < set(o.split()) and o.split()[-1] == k.split()[-1]
        ]
        if len(owners) == 1 and k in groups:
            groups[owners[0]].extend(groups.pop(k))
    full_names = {k: m for k, m in groups.items() if len(k.split()) > 1 and _is_person(m)}
    # A one-word name that ends exactly one full PERSON name in the article is
    # that person, whatever the model called it ("Nuñez" tagged ORG).
    for k in [k for k, m in groups.items() if len(k.split()) == 1 and not _is_place(m)]:
        owners = [full for full in full_names if full.split()[-1] == k]
        if not owners and _is_person(groups[k]):
            owners = [full for full in full_names if full.split()[0] == k]
        if len(owners) == 1:
            groups[owners[0]].extend(groups.pop(k))


def _join_club_names(groups: dict[str, list[Mention]]) -> None:
    """A club is called by the first or the last word of its name: "Lindale
    Athletic … Lindale", "Northgate Rovers … Rovers". A one-word name joins
    the one club of the article it opens or ends (not a place the gazetteer
    knows: "in Bolton" is the town)."""
    clubs = [
        k
        for k, members in groups.items()
        if " " in k and any(m.type == "ORG" and _CLUB.search(m.text) for m in members)
    ]
    if not clubs:
        return
    for k in [k for k, m in groups.items() if " " not in k and not _is_place(m)]:
        owners = [club for club in clubs if k in (club.split()[0], club.split()[-1])]
        if len(owners) == 1:
            groups[owners[0]].extend(groups.pop(k))


def _is_person(members: list[Mention]) -> bool:
    return Counter(m.type for m in members).most_common(1)[0][0] == "PERSON"


def _is_place(members: list[Mention]) -> bool:
    """Tagged as a place and known to the gazetteer: "Clinton" the PERSON may
    join "Hillary Clinton"; "Clinton" the GPE may not."""
    kind = Counter(m.type for m in members).most_common(1)[0][0]
    return kind in ("GPE", "LOC", "FAC") and bool(gazetteer.lookup(members[0].text))


def link_new_places(clusters: list[Cluster], new: list[Cluster]) -> None:
    """Link the GPE/LOC clusters of ``new`` with the places of ``clusters`` as
    their context; those of ``clusters`` keep their links."""
    _link_places(clusters + new, only=new)


def _link_places(clusters: list[Cluster], only: list[Cluster] | None = None) -> None:
    """Link GPE/LOC clusters (of ``only``, when given) to the gazetteer, using
    the article's other places to choose between namesakes; ambiguous names
    stay unlinked."""
    places = [c for c in clusters if c.type in ("GPE", "LOC")]
    candidates = {id(c): gazetteer.lookup(c.name) for c in places}
    context_countries = Counter()
    context_states = set()
    # US states named, or holding a US city named, without doubt.
    context_admin1 = set()
    for c in places:
        found = candidates[id(c)]
        if len(found) == 1 or (
            found and all(p.country_code == found[0].country_code for p in found)
        ):
            if found[0].country_code:
                context_countries[found[0].country_code] += len(c.mentions)
            if found[0].kind == "us_state":
                context_states.add(found[0].admin1)
        if len(found) == 1 and found[0].country_code == "US" and found[0].admin1:
            context_admin1.add(found[0].admin1)
    linked = places if only is None else [c for c in only if c.type in ("GPE", "LOC")]
    for c in linked:
        c.place = choose_place(candidates[id(c)], context_countries, context_states, context_admin1)


def choose_place(
    found: list, countries: Counter, states: set, admin1: set = frozenset()
) -> gazetteer.Place | None:
    if not found:
        return None
    if len(found) == 1:
        return found[0]
    kinds = {p.kind for p in found}
    if "country" in kinds and "us_state" in kinds:
        # "Georgia": the state when the article is about the US, the country when
        # it names the country's neighbours; otherwise no link.
        us_share = countries["US"]
        others = sum(n for code, n in countries.items() if code != "US")
        if states or (us_share and not others):
            return next(p for p in found if p.kind == "us_state")
        country = next(p for p in found if p.kind == "country")
        if others and not us_share:
            return country
        return None
    preferred = [p for p in found if p.kind in ("country", "us_state", "continent")]
    if len(preferred) == 1:
        capitals = [p for p in found if gazetteer.is_capital(p)]
        if (
            preferred[0].kind == "us_state"
            and len(capitals) == 1
            and preferred[0].admin1 not in admin1
        ):
            # "Washington" in the news is the capital, not the state of that
            # name, unless the article names a place in the state ("Seattle").
            return capitals[0]
        return preferred[0]
    in_context = [
        p
        for p in found
        if p.country_code in countries
        and (p.country_code != "US" or not states or p.admin1 in states)
    ]
    if len({p.geonames_id for p in in_context}) == 1:
        return in_context[0]
    ranked = sorted(found, key=lambda p: -p.population)
    if ranked[0].population >= 10 * max(ranked[1].population, 1):
        return ranked[0]
    return None
