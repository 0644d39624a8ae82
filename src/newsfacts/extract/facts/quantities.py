"""Quantities: a number with what it counts or measures.

"some 1,000 troops" → 1000 troops (approximately); "£1.2bn" → 1.2e9 GBP;
"3.5%" → 3.5 percent; "between 20 and 30 people" → 20–30 people; "three
separate installations" → 3 installations. Years, dates, times, ordinals,
scores and numbers inside names are not quantities.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from newsfacts.extract.facts.scanning import starting_with

# Numbers written as words; dates use them too ("three weeks ago").
WORD_NUMBERS = _SMALL = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "a hundred": 100,
    "a dozen": 12,
    "dozen": 12,
    "a thousand": 1000,
    "half": 0.5,
}
_MAGNITUDE = {
    "thousand": 1e3,
    "k": 1e3,
    "million": 1e6,
    "m": 1e6,
    "mn": 1e6,
    "mln": 1e6,
    "billion": 1e9,
    "bn": 1e9,
    "b": 1e9,
    "trillion": 1e12,
    "tn": 1e12,
    "tr": 1e12,
}
_CURRENCY_SIGNS = {
    "US$": "USD",
    "A$": "AUD",
    "C$": "CAD",
    "NZ$": "NZD",
    "HK$": "HKD",
    "$": "USD",
    "£": "GBP",
    "€": "EUR",
    "¥": "JPY",
    "₹": "INR",
    "₽": "RUB",
}
_CURRENCY_WORDS = {
    "dollars": "USD",
    "dollar": "USD",
    "pounds": "GBP",
    "pound": "GBP",
    "sterling": "GBP",
    "euros": "EUR",
    "euro": "EUR",
    "yen": "JPY",
    "rupees": "INR",
    "rupee": "INR",
    "roubles": "RUB",
    "rubles": "RUB",
    "yuan": "CNY",
    "renminbi": "CNY",
    "baht": "THB",
    "francs": "CHF",
    "pesos": "MXN",
    "rand": "ZAR",
    "naira": "NGN",
    "rupiah": "IDR",
    "ringgit": "MYR",
    "zloty": "PLN",
    "hryvnia": "UAH",
    "won": None,
    "shekels": "ILS",
}
_APPROX = [
    (
        r"(?:some|about|around|roughly|approximately|nearly|almost|close to|an estimated|"
        r"estimated|just under|just over|circa|c\.)",
        "approximately",
    ),
    (
        r"(?:more than|over|at least|above|upwards of|in excess of|no fewer than|no less than)",
        "more_than",
    ),
    (
        r"(?:less than|fewer than|under|below|up to|as many as|as much as|at most|no more than)",
        "less_than",
    ),
]
_MONTHS = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_NUMBER = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_WORD_NUMBER = (
    r"(?:a hundred|a dozen|a thousand|"
    + "|".join(sorted((k for k in _SMALL if " " not in k), key=len, reverse=True))
    + r")"
)
_SIGN = "|".join(re.escape(s) for s in sorted(_CURRENCY_SIGNS, key=len, reverse=True))
_MAG = r"(?:thousand|million|billion|trillion|bn|mn|mln|tn|m|k|b)"

# A quantity begins with a digit, a currency sign or a number word.
_FIRST_CHARACTERS = r"\d" + "".join(
    re.escape(c) for c in sorted({s[0] for s in _CURRENCY_SIGNS} | {w[0] for w in _SMALL} | {"a"})
)
_QUANTITY = starting_with(
    _FIRST_CHARACTERS,
    rf"""
    (?:(?P<sign>{_SIGN})\s?)?
    (?P<number>{_NUMBER}|(?<![\w-]){_WORD_NUMBER}(?![\w]))
    (?:\s?(?P<sep>-|to|and)\s?(?P<high>{_NUMBER}))?
    (?:\s?(?P<mag>{_MAG})(?![\w/]))?
    (?:\s?(?P<measure>km/h|km|cm|mm|kg|mph|ft|kWh|MW|GW|mg|ml|sq\ km|ha)(?![\w]))?
    (?P<percent>\s?(?:%|per\s?cent\b|percent\b|percentage\ points?\b))?
    """,
    re.IGNORECASE | re.VERBOSE,
)
_ADJECTIVE = re.compile(
    r"(?i)^(?:separate|additional|extra|other|more|new|old|young|small|large|big|major|"
    r"minor|full-time|part-time|senior|junior|local|foreign|former|current|different|"
    r"further|main|key|top|leading|total|average|annual|monthly|weekly|daily|previous|"
    r"worst|best|hit|affected|remaining|consecutive|straight|successive|teenage|adolescent|"
    r"[a-z]+(?:al|ive|ous|ful|less|ic|ern|ary|ish|ible|able))$"
)
_FUNCTION = re.compile(
    r"(?i)^(?:of|to|in|on|at|by|for|and|or|the|a|an|is|was|were|are|be|been|has|had|have|"
    r"will|would|from|with|as|than|that|this|these|those|it|its|per|each|after|before|since|"
    r"when|while|who|which|into|up|down|out|off|over|under|said|says)$"
)
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
_MEASURE_WORDS = {
    "miles": "mi",
    "mile": "mi",
    "kilometres": "km",
    "kilometers": "km",
    "kilometre": "km",
    "metres": "m",
    "meters": "m",
    "metre": "m",
    "centimetres": "cm",
    "kilograms": "kg",
    "kilos": "kg",
    "grams": "g",
    "feet": "ft",
    "foot": "ft",
    "inches": "in",
}
# Nouns ending in -ing or -ed that name what is counted, not a verb after it.
_ING_NOUNS = {
    "morning",
    "mornings",
    "building",
    "buildings",
    "meeting",
    "meetings",
    "evening",
    "evenings",
    "warning",
    "warnings",
    "rating",
    "ratings",
    "housing",
    "training",
    "funding",
    "spending",
    "earnings",
    "savings",
    "holdings",
    "readings",
    "shootings",
    "bombings",
    "killings",
    "sightings",
    "hearings",
    "listings",
    "bookings",
    "openings",
    "beings",
    "seedlings",
    "siblings",
    "offspring",
}
_IRREGULAR_PLURALS = {
    "people",
    "men",
    "women",
    "children",
    "police",
    "staff",
    "cattle",
    "personnel",
    "sheep",
    "deer",
    "feet",
    "teeth",
    "mice",
    "geese",
    "crew",
}


# Both read ahead from a position in the body: matched there, never on a copy
# of the rest of the body (a copy per word made long articles quadratic).
_CAPITALISED_NEXT = re.compile(r"[ ]+[A-Z]")
_NEXT_WORD = re.compile(r"[ ]+(" + _WORD.pattern + r")")


def _ends_phrase(body: str, position: int) -> bool:
    """No further capitalised word follows (so the word is not inside a name)."""
    return not _CAPITALISED_NEXT.match(body, position)


# Words after a score that make "2-1" a result, not a range.
_PLURAL = re.compile(r"^(?:[a-z]{3,}s|people|men|women|children)$")
_DURATION = re.compile(r"(?i)^(?P<n>[\w.,]+?)-(?P<unit>[a-z]{3,})(?![\w-]*-old)?")


# Capitalised words that start a sentence before a number, not a name.
_SENTENCE_WORDS = {
    "About",
    "Some",
    "Nearly",
    "Almost",
    "Around",
    "Over",
    "Only",
    "Just",
    "The",
    "All",
    "Another",
    "Up",
    "More",
    "Fewer",
    "Less",
    "Roughly",
    "At",
    "By",
    "In",
    "Of",
    "Between",
    "From",
    "With",
    "Since",
    "Those",
}
_RESULT_WORDS = {"votes", "points", "goals", "wins", "losses", "sets", "games", "runs"}
_AGE = re.compile(r"^,\s?(\d{1,3}),")


@dataclass(frozen=True)
class Quantity:
    start: int
    end: int
    value: float
    high: float | None
    unit: str | None
    approx: str | None


def _number(text: str) -> float | None:
    lowered = text.lower()
    if lowered in _SMALL:
        return float(_SMALL[lowered])
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return None


def _is_excluded(body: str, start: int, end: int, match: re.Match) -> bool:
    """Years, dates, times, ordinals, scores and numbers inside names."""
    number = match.group("number")
    after = body[end : end + 12]
    before = body[max(0, start - 12) : start]
    if re.match(r"(?:st|nd|rd|th)\b", after, re.I):
        return True
    # A clock time: "5 p.m." ("p.m." ends in a full stop, so no \b after it),
    # "6:30", and the minutes of one ("00" in "6:00 p.m.").
    if (
        re.match(r"\s?(?:(?:am|pm|GMT|BST|EST|ET)\b|[ap]\.m\.)", after)
        or re.match(r":\d", after)
        or re.search(r"\d:$", before)
    ):
        return True
    if re.search(rf"{_MONTHS}\s*$", before) or re.match(rf"\s*{_MONTHS}", after):
        return True  # "July 14", "14 July"
    # Part of a URL, a file name or markup ("/images/1155968404_4637971810001-vs.jpg",
    # "pubId=1155968404"), or of "24/7" and "9/11": no amount of anything.
    if re.search(r"[/_=@#][^\s]*$", before) or re.match(r"/\d", after):
        return True
    plain = not (match.group("sign") or match.group("mag") or match.group("percent"))
    if plain and re.fullmatch(r"(?:1[5-9]|20)\d\d", number):
        return True  # a year
    if plain and re.fullmatch(r"\d{10,}", number):
        return True  # ten digits or more, unseparated: an id or a phone number
    name_before = re.search(r"(?:^|[^.!?:;,\n]\s)([A-Z][\w]*)[- ]?$", before)
    if plain and name_before and name_before.group(1) not in _SENTENCE_WORDS:
        return True  # "Formula One", "G8", "Channel 4", "PlayStation 3", "Euro 2004"
    if match.group("high") and plain:
        word = re.match(r"\s+([a-z]+)", after)
        counted = word and _PLURAL.match(word.group(1)) and word.group(1) not in _RESULT_WORDS
        if not counted:
            return True  # a score or a tally: "won 2-1", "a 23-3 vote", "315 to 108"
    return False


def _unit_after(body: str, end: int) -> tuple[str | None, int]:
    """The counted noun after the number: adjectives and names are skipped, and
    of a compound ("three network morning shows") the last noun is the unit."""
    cursor, head, head_end = end, None, end
    for _ in range(5):
        match = _NEXT_WORD.match(body, cursor)
        if not match:
            break
        word = match.group(1)
        lowered = word.lower()
        if _FUNCTION.match(word):
            break
        skippable = (
            _ADJECTIVE.match(word) or lowered.endswith(("est", "ing", "ed")) or "-" in word
        ) and lowered not in _ING_NOUNS
        if (
            head is None
            and word[0].isupper()
            and word.endswith("s")
            and _ends_phrase(body, match.end())
        ):
            return lowered, match.end()  # "2.2 million Ethiopians"
        if head is None and (word[0].isupper() or skippable):
            cursor = match.end()
            continue
        if word[0].isupper() or (lowered.endswith(("ed", "ing")) and lowered not in _ING_NOUNS):
            break
        head, head_end = lowered, match.end()
        cursor = head_end
        if (
            head.endswith("s")
            or head in _IRREGULAR_PLURALS
            or head in _CURRENCY_WORDS
            or head in _MAGNITUDE
        ):
            break  # a plural noun closes the phrase: "jobs", "troops"
    return head, head_end


def _approx_before(body: str, start: int) -> tuple[str | None, int]:
    before = body[max(0, start - 30) : start]
    for pattern, kind in _APPROX:
        match = re.search(rf"(?i)\b{pattern}\s+$", before)
        if match:
            return kind, start - (len(before) - match.start())
    return None, start


def _matches(body: str):
    """Number matches; "X and Y" is a range only after "between" ("2003 and 21%"
    is two numbers, read one at a time)."""
    position = 0
    while match := _QUANTITY.search(body, position):
        if match.end() == match.start():
            position = match.end() + 1
            continue
        if match.group("sep") == "and" and not re.search(
            r"(?i)between\s+$", body[max(0, match.start() - 9) : match.start()]
        ):
            first = _QUANTITY.match(body, match.start(), match.start("sep"))
            if first is not None and first.group("number"):
                yield first
            position = match.start("sep") + 3
            continue
        yield match
        position = match.end()


def find_quantities(body: str) -> list[Quantity]:
    """Every quantity in the body, in order."""
    found = []
    for match in _matches(body):
        quantity = _quantity(body, match)
        if quantity is not None:
            found.append(quantity)
    return found


def _quantity(body: str, match: re.Match) -> Quantity | None:
    start, end = match.span()
    if not match.group("number") or _is_excluded(body, start, end, match):
        return None
    value = _number(match.group("number"))
    if value is None:
        return None
    high = _number(match.group("high")) if match.group("high") else None
    scale, unit, end = _scale_and_unit(body, match, end)
    value *= scale
    high = high * scale if high is not None else None
    if unit is None:
        unit, end = _age_or_duration(body, start, end)
    if high is None and _is_fraction(body, match.end(), unit, end):
        value, unit = value / _FRACTIONS[unit], "fraction"  # "two-thirds": 0.667
    approx, start = _approx_before(body, start)
    number_text = match.group("number").lower()
    if number_text == "half" or (number_text in _SMALL and unit is None):
        return None  # "one" alone is a pronoun or an article more often than a count
    if unit is None and not match.group("sign") and not approx and value < 100 and high is None:
        return None  # a bare small number: a minute mark, a list item, a shirt number
    return Quantity(start, end, value, high, unit, approx)


# Denominators: "two-thirds" is a fraction, not two things called thirds.
_FRACTIONS = {
    "half": 2,
    "halves": 2,
    "third": 3,
    "thirds": 3,
    "quarter": 4,
    "quarters": 4,
    "fifth": 5,
    "fifths": 5,
    "sixth": 6,
    "sixths": 6,
    "eighth": 8,
    "eighths": 8,
    "tenth": 10,
    "tenths": 10,
}
# "two quarters" may be a year's (fiscal quarters), "two halves" a match's.
_COUNTABLE_PARTS = {"half", "halves", "quarter", "quarters"}


def _is_fraction(body: str, number_end: int, unit: str | None, end: int) -> bool:
    """Whether the number and its unit are a fraction: written with a hyphen
    ("two-thirds") or followed by "of" ("three quarters of the vote"), or with a
    denominator that counts nothing else ("two thirds")."""
    if unit not in _FRACTIONS:
        return False
    if body.startswith("-", number_end) or re.match(r"\s+of\b", body[end : end + 4]):
        return True
    return unit not in _COUNTABLE_PARTS


def _scale_and_unit(body: str, match: re.Match, end: int) -> tuple[float, str | None, int]:
    """The multiplier (thousand, bn, m) and the unit of a number match."""
    sign = match.group("sign")
    scale = 1.0
    magnitude = (match.group("mag") or "").lower()
    if magnitude:
        word_after = re.match(r"\s?([a-z]+)", body[end : end + 20])
        counted = word_after and (
            _PLURAL.match(word_after.group(1)) or _CURRENCY_WORDS.get(word_after.group(1))
        )
        if magnitude in ("m", "b", "k") and not sign and not counted:
            # "200m" without a currency (a sign, or a word: "7.5m euro") or a
            # counted plural is metres, not millions.
            return 1.0, "m" if magnitude == "m" else None, end
        scale = _MAGNITUDE[magnitude]
    if match.group("measure"):
        return scale, match.group("measure").replace(" ", ""), end
    if match.group("percent"):
        return scale, "percentage point" if "point" in match.group("percent") else "percent", end
    if sign:
        return scale, _CURRENCY_SIGNS[sign], end
    word, word_end = _unit_after(body, end)
    if word in ("thousand", "million", "billion", "trillion"):
        scale *= _MAGNITUDE[word]  # "seven million Ethiopians"
        end = word_end
        word, word_end = _unit_after(body, end)
    if word in _CURRENCY_WORDS and _CURRENCY_WORDS[word]:
        return scale, _CURRENCY_WORDS[word], word_end
    if word in _MEASURE_WORDS:
        return scale, _MEASURE_WORDS[word], word_end
    return scale, word, word_end if word else end


def _age_or_duration(body: str, start: int, end: int) -> tuple[str | None, int]:
    """ "Ms Love, 40, pleaded" is an age; "a 10-year sentence" counts years."""
    if _AGE.match(body[start - 2 : end + 1]) and body[start - 3 : start - 2].isalpha():
        return "years", end
    duration = _DURATION.match(body[start : end + 12])
    if duration:
        noun = duration.group("unit").lower()
        plural = (
            noun
            if noun.endswith("s")
            else noun + ("es" if noun.endswith(("ch", "sh", "x")) else "s")
        )
        return plural, start + duration.end()
    return None, end
