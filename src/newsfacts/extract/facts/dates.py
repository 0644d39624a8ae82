"""Date expressions resolved against the article's published date.

"on Wednesday" in an article of Wednesday 2021-07-14 → 2021-07-14 (day);
"last week" → the Monday of the previous week (week); "in early July" →
2021-07-01 (month); "in 2012" → 2012-01-01 (year); "the 1990s" → 1990 (decade).
Without a published date, relative expressions keep their span and no value.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from newsfacts.extract.facts.quantities import WORD_NUMBERS
from newsfacts.extract.facts.scanning import starting_with

_MONTH_NAMES = {
    "january": 1,
    "jan": 1,
    "february": 2,
    "feb": 2,
    "march": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "may": 5,
    "june": 6,
    "jun": 6,
    "july": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sep": 9,
    "sept": 9,
    "october": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_MONTH = (
    r"(?P<month>January|February|March|April|May|June|July|August|September|October|"
    r"November|December|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|"
    r"Nov\.?|Dec\.?)"
)
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:1[89]|20)\d\d)"
_WEEKDAY = r"(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"

# Each pattern is tried only where one of the characters its matches begin
# with occurs (see newsfacts.extract.facts.scanning).
_MONTH_INITIALS = "JFMASOND"
_PATTERNS = [
    ("day", starting_with(_MONTH_INITIALS, rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b"), "month"),
    ("day", starting_with(r"\d", rf"\b{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b"), "month"),
    (
        "day",
        starting_with("12", r"\b(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)\b"),
        None,
    ),
    (
        "day_no_year",
        starting_with(_MONTH_INITIALS, rf"\b{_MONTH}\s+{_DAY}\b(?!,?\s+(?:19|20)\d\d)(?!\s*%)"),
        "month",
    ),
    (
        "day_no_year",
        starting_with(r"\d", rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}\b(?!,?\s+(?:19|20)\d\d)"),
        "month",
    ),
    (
        "month",
        starting_with(
            "ibsdufoelmntIBSDUFOELMNT",
            rf"\b(?:(?i:in|by|since|during|until|from|of|early|late|mid|"
            rf"mid-|last|next|this)\s+)+(?:-)?{_MONTH}(?:,?\s+{_YEAR})?\b",
        ),
        "month",
    ),
    ("month_year", starting_with(_MONTH_INITIALS, rf"\b{_MONTH}\s+{_YEAR}\b"), "month"),
    (
        "decade",
        starting_with(
            "telm12", r"\b(?:the\s+)?(?:early\s+|late\s+|mid-)?(?P<decade>(?:19|20)\d0)s\b"
        ),
        "0s",
    ),
    (
        "year",
        starting_with(
            "isbufodatelISBUFODATEL",
            rf"\b(?i:in|since|by|until|from|of|during|before|after|through|early|late)"
            rf"\s+(?:the\s+year\s+)?{_YEAR}\b(?!\s*%)",
        ),
        None,
    ),
    (
        "decade_short",
        starting_with(
            "telm'’2-9", r"\b(?:the\s+)?(?:early\s+|late\s+|mid-)?['’]?(?P<decade>[2-9]0)s\b"
        ),
        "0s",
    ),
    (
        "bare_month",
        starting_with(
            _MONTH_INITIALS,
            r"\b(?P<month>January|February|March|April|June|July|August|"
            r"September|October|November|December)\b(?!\s+\d)",
        ),
        "month",
    ),
    (
        "bare_year",
        starting_with("12", r"(?<![\d,.$£€])\b(?P<year>19\d\d|20[0-4]\d)\b(?![\d,%])(?!\.\d)"),
        None,
    ),
    (
        "weekday",
        starting_with(
            "lntoeLNTOEMTWFS",
            rf"\b(?:(?P<rel>(?i:last|next|this|on|late|early))\s+)?{_WEEKDAY}\b",
        ),
        "day",
    ),
    (
        "relative",
        starting_with(
            r"ytlnafse\d",
            r"\b(?P<rel>yesterday|today|tomorrow|(?:last|next|this)\s+"
            r"(?:week|month|year|weekend)|a\s+year\s+ago|"
            r"(?P<n>\d+|two|three|four|five|six|seven|eight|nine|ten)\s+"
            r"(?P<unit>days|weeks|months|years)\s+ago)\b",
            re.IGNORECASE,
        ),
        None,
    ),
]
# Each pattern above can only match where its literal core occurs: a month name
# (case-sensitive, as in the patterns), "0s" for decades, "day" for weekdays.
# Patterns whose core a body lacks are not run on it: fourteen scans of every
# body were the largest single cost of finding facts. None: always run.
_MONTH_CORE = re.compile(r"Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec")


def _cores(body: str) -> set[str | None]:
    cores: set[str | None] = {None}
    if _MONTH_CORE.search(body):
        cores.add("month")
    cores.update(core for core in ("0s", "day") if core in body)
    return cores


_NUMBERS = WORD_NUMBERS
# Words before a year that make it part of a name ("Euro 2004", "Hunting Act 2004").
_NAME_BEFORE = re.compile(r"[A-Z][\w]*\s$")


@dataclass(frozen=True)
class DateFact:
    start: int
    end: int
    value: dt.date | None
    precision: str


def _month(text: str) -> int:
    return _MONTH_NAMES[text.lower().rstrip(".")]


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _nearest_year(month: int, day: int, base: dt.date, future: bool = False) -> int:
    """The year that puts month/day closest to the published date (news looks
    back more than forward, so ties and small future gaps go to the past);
    in a clause about the future, the next such date."""
    if future:
        date = _safe_date(base.year, month, min(day, 28))
        return base.year if date and date >= base else base.year + 1
    candidates = [base.year - 1, base.year, base.year + 1]

    def distance(year):
        date = _safe_date(year, month, min(day, 28)) or dt.date(year, month, 1)
        gap = (date - base).days
        return gap * 1.5 if gap > 0 else -gap

    return min(candidates, key=distance)


_FUTURE = re.compile(
    r"(?i)\b(will|'ll|won't|going to|is to|are to|set to|scheduled|expected to|due to|"
    r"plans? to|planned|upcoming|would|next|later|cannot|can't|may|might|could|tipped to|"
    r"seeking to|hopes? to)\b|\bto\s+[a-z]+(?:\s+[a-z]+)?\s+$"
)
# A sentence end: not the full stop of "Mrs." or "John F.", which precede a name.
_SENTENCE_END = re.compile(r"(?:[a-z]{3,}|\d)[.!?][\"”’]?\s+|\n")


def _future_context(body: str, position: int) -> bool:
    """Whether the sentence before a date speaks of the future ("will vote on Tuesday")."""
    window = body[max(0, position - 300) : position]
    ends = list(_SENTENCE_END.finditer(window))
    clause = window[ends[-1].end() :] if ends else window
    return bool(_FUTURE.search(clause))


def _resolve(
    kind: str, match: re.Match, base: dt.date | None, future: bool = False
) -> tuple[dt.date | None, str]:
    if kind in ("day", "decade", "decade_short", "year", "bare_year", "month_year"):
        return _resolve_absolute(kind, match.groupdict())
    if kind in ("day_no_year", "month", "bare_month"):
        return _resolve_partial(kind, match.groupdict(), base, future)
    if base is None:
        return None, "week" if "week" in match.group(0).lower() else "day"
    if kind == "weekday":
        rel = (match.group("rel") or "").lower()
        if future and rel != "last":
            rel = "next"
        return _weekday(match.group("weekday"), rel, base), "day"
    return _relative(match, base)


def _resolve_absolute(kind: str, groups: dict) -> tuple[dt.date | None, str]:
    """Expressions that carry their own year."""
    if kind == "day":
        month = int(groups["month"]) if groups["month"].isdigit() else _month(groups["month"])
        return _safe_date(int(groups["year"]), month, int(groups["day"])), "day"
    if kind == "decade":
        return dt.date(int(groups["decade"]), 1, 1), "decade"
    if kind == "decade_short":
        return dt.date(1900 + int(groups["decade"]), 1, 1), "decade"
    if kind == "month_year":
        return dt.date(int(groups["year"]), _month(groups["month"]), 1), "month"
    return dt.date(int(groups["year"]), 1, 1), "year"


def _resolve_partial(kind: str, groups: dict, base, future: bool) -> tuple[dt.date | None, str]:
    """A month, or a day and month, whose year comes from the published date."""
    month = _month(groups["month"])
    if kind == "day_no_year":
        if base is None:
            return None, "day"
        day = int(groups["day"])
        return _safe_date(_nearest_year(month, day, base, future), month, day), "day"
    if groups.get("year"):
        return dt.date(int(groups["year"]), month, 1), "month"
    if base is None:
        return None, "month"
    return dt.date(_nearest_year(month, 15, base, future), month, 1), "month"


def _weekday(name: str, rel: str, base: dt.date) -> dt.date:
    target = _WEEKDAYS.index(name.lower())
    back = (base.weekday() - target) % 7
    if rel == "next":
        return base + dt.timedelta(days=(target - base.weekday()) % 7)
    if rel == "last" and back == 0:
        back = 7
    return base - dt.timedelta(days=back)


def _relative(match: re.Match, base: dt.date) -> tuple[dt.date | None, str]:
    text = match.group("rel").lower()
    monday = base - dt.timedelta(days=base.weekday())
    simple = {
        "yesterday": (base - dt.timedelta(days=1), "day"),
        "today": (base, "day"),
        "tomorrow": (base + dt.timedelta(days=1), "day"),
        "last week": (monday - dt.timedelta(days=7), "week"),
        "this week": (monday, "week"),
        "next week": (monday + dt.timedelta(days=7), "week"),
        "last weekend": (monday - dt.timedelta(days=2), "day"),
        "this weekend": (monday + dt.timedelta(days=5), "day"),
        "last month": (_add_months(base.replace(day=1), -1), "month"),
        "this month": (base.replace(day=1), "month"),
        "next month": (_add_months(base.replace(day=1), 1), "month"),
        "last year": (dt.date(base.year - 1, 1, 1), "year"),
        "this year": (dt.date(base.year, 1, 1), "year"),
        "next year": (dt.date(base.year + 1, 1, 1), "year"),
        "a year ago": (dt.date(base.year - 1, 1, 1), "year"),
    }
    key = re.sub(r"\s+", " ", text)
    if key in simple:
        return simple[key]
    n_text, unit = match.group("n"), match.group("unit").lower()
    n = int(n_text) if n_text.isdigit() else _NUMBERS[n_text.lower()]
    if unit == "days":
        return base - dt.timedelta(days=n), "day"
    if unit == "weeks":
        return monday - dt.timedelta(days=7 * n), "week"
    if unit == "months":
        return _add_months(base.replace(day=1), -n), "month"
    return dt.date(base.year - n, 1, 1), "year"


def _add_months(date: dt.date, months: int) -> dt.date:
    index = date.year * 12 + date.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _inside_a_name(kind: str, match: re.Match, body: str) -> bool:
    """A year that is part of a name: "Euro 2004", "Hunting Act 2004", "Windows 98"."""
    if kind not in ("year", "bare_year", "decade_short"):
        return False
    start = match.start("year") if kind != "decade_short" else match.start()
    if not _NAME_BEFORE.search(body[max(0, start - 12) : start]):
        return False
    if kind == "year":
        return not re.match(r"(?i)in|since|by|until|from|during|before|after", match.group(0))
    return not re.search(r"(?:^|[.!?]\s+)\S+\s$", body[max(0, start - 14) : start])


def find_dates(body: str, published: dt.date | None) -> list[DateFact]:
    """Date expressions in the body, longest first where they overlap."""
    found: list[DateFact] = []
    taken: list[tuple[int, int]] = []
    cores = _cores(body)
    for kind, pattern, core in _PATTERNS:
        if core not in cores:
            continue
        for match in pattern.finditer(body):
            start, end = match.span()
            if any(s < end and start < e for s, e in taken):
                continue
            if _inside_a_name(kind, match, body):
                continue
            value, precision = _resolve(kind, match, published, _future_context(body, start))
            found.append(DateFact(start, end, value, precision))
            taken.append((start, end))
    return sorted(found, key=lambda d: d.start)
