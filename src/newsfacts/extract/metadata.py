"""Reading article metadata out of free text: dates, bylines, publisher, tags.

Used on scraped page text and on loosely structured record fields alike, so the
parsers accept the forms people write ("Nov. 19, 2019", "14 July 2021",
"2021-07-14T09:00:00+03:00", "By Jane Doe and AFP").
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

from newsfacts.extract.lines import word_count

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_DATE_PATTERNS = [
    re.compile(r"(?<!\d)(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)(?!\d)"),
    re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.IGNORECASE),
    re.compile(rf"\b{_DAY}\.?\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b", re.IGNORECASE),
    re.compile(r"(?<!\d)(?P<year>(?:19|20)\d\d)/(?P<month>[01]\d)/(?P<day>[0-3]\d)(?!\d)"),
]


def _to_iso(match: re.Match) -> str | None:
    month = match.group("month")
    month_number = int(month) if month.isdigit() else _MONTHS[month.lower().rstrip(".")]
    try:
        return dt.date(int(match.group("year")), month_number, int(match.group("day"))).isoformat()
    except ValueError:
        return None


def parse_date(text: str | None) -> str | None:
    """The first calendar date written in ``text``, as an ISO date string."""
    if not text:
        return None
    found = []
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            iso = _to_iso(match)
            if iso:
                found.append((match.start(), iso))
    return min(found)[1] if found else None


def has_date(text: str) -> bool:
    return parse_date(text) is not None


def find_date(lines: list[str]) -> str | None:
    """The first date among short lines (datelines, not dates inside prose)."""
    for line in lines:
        if word_count(line) <= 20:
            iso = parse_date(line)
            if iso:
                return iso
    return None


# Bylines -----------------------------------------------------------------

_ROLE_WORDS = re.compile(
    r"(?i)\b(writer|correspondent|reporter|editor|columnist|contributor|staff|"
    r"journalist|producer|analyst|bureau|chief|senior|opinion|updated|published)\b"
)
_AUTHOR_SEPARATORS = re.compile(r"\s*(?:,|;|&|\band\b|\bwith\b|\bund\b|\by\b|\bet\b|\|)\s*")


def split_authors(names: str | list | None) -> list[str]:
    """Individual names from a byline: "Jane Doe and AFP" -> ["Jane Doe", "AFP"]."""
    if not names:
        return []
    if isinstance(names, list):
        parts = [p for item in names for p in split_authors(str(item))]
    else:
        text = re.sub(r"@\w+", "", str(names))
        text = re.split(r"\s+[-–—/]\s+|\s+\d", text)[0]  # stop at a date or handle
        parts = [p.strip(" .,:;-") for p in _AUTHOR_SEPARATORS.split(text)]
        parts = [re.sub(r"^(?i:by)\s+", "", p) for p in parts]
    parts = [
        _name_case(p) for p in parts if p and word_count(p) <= 5 and any(c.isupper() for c in p)
    ]
    people = [p for p in parts if not _ROLE_WORDS.search(p)]
    # "Staff Reports" or "News Nation Bureau" alone is still the byline shown;
    # beside a person's name it is a job title and goes.
    return list(dict.fromkeys(people or parts))


def _name_case(name: str) -> str:
    """ "MEG KINNARD" -> "Meg Kinnard"; agency acronyms ("AFP") stay as they are."""
    if name.isupper() and " " in name:
        return " ".join(word.capitalize() for word in name.split())
    return name


# Publisher ---------------------------------------------------------------

_NAME = r"((?:The\s+)?[A-Z][\w&.’'-]*(?:\s+(?:[A-Z][\w&.’'-]*|of|and|&|the|on)){0,5})"
_PUBLISHER_PATTERNS = [
    re.compile(
        r"(?:©|\(c\)|copyright)\s*(?:©\s*)?(?:(?:19|20)\d\d\s*(?:[-–]\s*(?:19|20)?\d\d)?\s*)?,?\s*"
        + _NAME,
        re.I,
    ),
    re.compile(r"\bSupport\s+" + _NAME + r"\s*[!.]"),
    re.compile(r"\bdonation\s+to\s+" + _NAME),
    re.compile(r"\b(?:subscribe|subscription)\s+to\s+" + _NAME),
]
_SITE_SEPARATOR = re.compile(r"\s+(?:[-–—|:•·]|::)\s+")
_NOT_A_NAME_TAIL = re.compile(r"(?i)\s+(?:all rights reserved|all|rights|inc|ltd|llc)\.?$")


def _clean_name(name: str) -> str:
    name = _NOT_A_NAME_TAIL.sub("", name.strip(" .,!’'"))
    while True:
        shorter = _NOT_A_NAME_TAIL.sub("", name)
        if shorter == name:
            return re.sub(r"\s+(?:of|and|&|the|on)$", "", name).strip(" .,")
        name = shorter


def site_suffix(page_title: str) -> str | None:
    """ "Headline - Site Name" -> "Site Name" (a short last segment only)."""
    parts = _SITE_SEPARATOR.split(page_title)
    if len(parts) >= 2 and 1 <= word_count(parts[-1]) <= 6:
        return parts[-1].strip()
    return None


def strip_site_suffix(page_title: str) -> str:
    suffix = site_suffix(page_title)
    if suffix is None:
        return page_title
    return page_title[: page_title.rindex(suffix)].rstrip(" -–—|:•·")


def find_publisher(lines: list[str]) -> str | None:
    """The name the page gives itself in appeals, copyright lines and its title."""
    votes: Counter = Counter()
    first_seen: dict[str, int] = {}
    for position, line in enumerate(lines):
        for pattern in _PUBLISHER_PATTERNS:
            for match in pattern.finditer(line):
                name = _clean_name(match.group(1))
                if name and word_count(name) <= 6:
                    votes[name] += 1
                    first_seen.setdefault(name, position)
    if lines:
        suffix = site_suffix(lines[0])
        if suffix:
            votes[suffix] += 1
            first_seen.setdefault(suffix, 0)
    if not votes:
        return None
    return max(votes, key=lambda name: (votes[name], -first_seen[name]))


# Tags --------------------------------------------------------------------

_TAG_LINE = re.compile(
    r"(?i)^(?:read more about|more about|more on|tags?|tagged(?: with)?|topics?|"
    r"related topics|filed under|keywords|categories|themen|temas|argomenti)\s*:\s*(.+)$"
)


def tag_line_values(line: str) -> list[str] | None:
    """["Afghanistan", "Tajikistan"] from "Read more about: Afghanistan , Tajikistan"."""
    match = _TAG_LINE.match(line.strip())
    if not match:
        return None
    values = [v.strip(" .#") for v in re.split(r"\s*[,|;·•]\s*", match.group(1))]
    values = [v for v in values if v and word_count(v) <= 6]
    return values or None


def find_tags(lines: list[str]) -> list[str]:
    for line in lines:
        values = tag_line_values(line)
        if values:
            return list(dict.fromkeys(values))
    return []
