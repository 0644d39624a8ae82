"""Finding the article in the whole visible text of a web page.

A text-only scrape is a column of lines: menus, the headline, a byline, the
article's paragraphs, then teasers, appeals and footers. The article is the
longest run of prose. Each line gets a score — positive for sentence-like
lines in proportion to their length, negative for short lines, strongly
negative for page furniture — and the article body is the contiguous run of
lines with the highest total (a maximum-sum segment). Section markers such as
"Read more" or "Related" cost so much that the run cannot cross them, which is
what keeps teasers and appeals after the article out of it.

The header above the body gives the title, byline and date; the furniture
around it gives the publisher and the page's topic tags.
"""

from __future__ import annotations

from newsfacts.extract import metadata
from newsfacts.extract.cleaning import clean_paragraphs, split_paragraphs
from newsfacts.extract.lines import (
    byline_names_part,
    ends_like_sentence,
    is_boilerplate,
    is_credit,
    is_section_break,
    is_site_prose,
    is_title_case,
    word_count,
)
from newsfacts.records import ExtractedArticle

# Scores of a line, by kind. Prose earns its word count; a short line costs a
# little (menus are many short lines in a row); furniture costs a lot.
_SHORT_LINE_COST = 3.0
_TITLE_CASE_EXTRA_COST = 2.0
_FURNITURE_COST = 25.0
# Section headings after the article ("Read more", "Related", tags, the
# footer): the run never crosses one.
_BARRIER = -1e9
_MIN_TEASER_PAIRS = 3
_WEAK_ISLAND_SHARE = 0.25
# Share of the run's prose that must follow a repeated headline to start there.
_HEADLINE_REST_SHARE = 0.3
# Negative score between two islands of prose that makes them separate.
_ISLAND_GAP_COST = 20.0
_UNPUNCTUATED_WEIGHT = 0.5
_MIN_SENTENCE_WORDS = 5
_MIN_UNPUNCTUATED_WORDS = 15
# How far above the body the headline and byline are looked for.
_HEADER_LINES = 25


def line_score(line: str) -> float:
    words = word_count(line)
    if is_section_break(line) or metadata.tag_line_values(line) is not None:
        return _BARRIER
    if is_boilerplate(line) or is_site_prose(line):
        return -max(_FURNITURE_COST, float(words))
    if is_credit(line):
        return -_SHORT_LINE_COST
    if words >= _MIN_SENTENCE_WORDS and ends_like_sentence(line):
        return float(words)
    if words >= _MIN_UNPUNCTUATED_WORDS:
        return words * _UNPUNCTUATED_WEIGHT
    cost = _SHORT_LINE_COST
    if is_title_case(line):
        cost += _TITLE_CASE_EXTRA_COST
    return -cost


def _is_teaser_headline(line: str) -> bool:
    words = word_count(line)
    return 3 <= words <= 20 and not ends_like_sentence(line.rstrip("."))


def _is_teaser_summary(line: str) -> bool:
    return 6 <= word_count(line) <= 70


def teaser_lines(lines: list[str]) -> set[int]:
    """Lines of teaser lists: three or more headline + one-line summary pairs in a row.

    Related-article lists look like prose line by line; their shape gives them
    away — a short headline, one summary, again and again. Articles with
    subheadings put several paragraphs under each one.
    """
    marked: set[int] = set()
    index = 0
    while index < len(lines) - 1:
        pairs = 0
        cursor = index
        while (
            cursor + 1 < len(lines)
            and _is_teaser_headline(lines[cursor])
            and _is_teaser_summary(lines[cursor + 1])
            and (
                cursor + 2 >= len(lines)
                or not _is_paragraph_like(lines[cursor + 2])
                or _is_teaser_headline(lines[cursor + 2])
            )
        ):
            pairs += 1
            cursor += 2
        if pairs >= _MIN_TEASER_PAIRS:
            marked.update(range(index, cursor))
            index = cursor
        else:
            index += 1
    return marked


def repeated_lines(lines: list[str]) -> set[int]:
    """Later copies of a paragraph: pages often hold the article twice
    (a hidden or print copy), and a run that took both would take the
    furniture between them too."""
    seen: set[str] = set()
    repeated = set()
    for index, line in enumerate(lines):
        if word_count(line) < _MIN_UNPUNCTUATED_WORDS:
            continue
        if line in seen:
            repeated.add(index)
        seen.add(line)
    return repeated


def _is_paragraph_like(line: str) -> bool:
    return word_count(line) >= _MIN_SENTENCE_WORDS and ends_like_sentence(line)


def best_segment(scores: list[float]) -> tuple[int, int]:
    """Start and end (exclusive) of the contiguous run with the highest sum."""
    best, best_span = float("-inf"), (0, 0)
    running, start = 0.0, 0
    for index, score in enumerate(scores):
        if running <= 0:
            running, start = 0.0, index
        running += score
        if running > best:
            best, best_span = running, (start, index + 1)
    return best_span if best > 0 else (0, 0)


def trim_weak_ends(scores: list[float], start: int, end: int) -> tuple[int, int]:
    """Drop small islands of prose hanging off either end of the segment.

    A maximum-sum run happily takes in a short positive tail (a company
    boilerplate sentence, a subscription confirmation) after a gap of page
    furniture. Islands of positive lines at either end that weigh less than a
    fraction of the rest, across a gap, are cut off.
    """
    islands: list[list[int]] = []
    gap = 0.0
    for index in range(start, end):
        if scores[index] <= 0:
            gap += scores[index]
            continue
        if islands and (islands[-1][1] == index or gap > -_ISLAND_GAP_COST):
            islands[-1][1] = index + 1
        else:
            islands.append([index, index + 1])
        gap = 0.0

    def mass(island: list[int]) -> float:
        return sum(scores[island[0] : island[1]])

    while len(islands) > 1 and mass(islands[-1]) < _WEAK_ISLAND_SHARE * sum(
        map(mass, islands[:-1])
    ):
        islands.pop()
    while len(islands) > 1 and mass(islands[0]) < _WEAK_ISLAND_SHARE * sum(map(mass, islands[1:])):
        islands.pop(0)
    return (islands[0][0], islands[-1][1]) if islands else (start, end)


def _after_headline(lines: list[str], scores: list[float], start: int, end: int) -> int:
    """Start the body after the headline when the segment swallowed it (and
    whatever list of other stories came before it)."""
    if not lines:
        return start
    headline_forms = {lines[0], metadata.strip_site_suffix(lines[0])}
    total = sum(s for s in scores[start:end] if s > 0)
    for index in range(start, end):
        if lines[index] in headline_forms and index > 0:
            rest = sum(s for s in scores[index + 1 : end] if s > 0)
            if rest >= _HEADLINE_REST_SHARE * total:
                return index + 1
    return start


def extract_scraped(text: str) -> ExtractedArticle:
    """Title, byline, date, publisher, tags and body paragraphs of a scraped page."""
    lines = split_paragraphs(text)
    scores = [line_score(line) for line in lines]
    for index in teaser_lines(lines) | repeated_lines(lines):
        scores[index] = -abs(scores[index]) - _SHORT_LINE_COST
    start, end = best_segment(scores)
    start = _after_headline(lines, scores, start, end)
    start, end = trim_weak_ends(scores, start, end)
    header = lines[max(0, start - _HEADER_LINES) : start]
    article = ExtractedArticle()
    article.title = _find_title(lines, header)
    article.authors = _find_authors(header)
    article.published_date = metadata.find_date(header) or metadata.find_date(lines[:start])
    article.publisher = metadata.find_publisher(lines)
    article.tags = metadata.find_tags(lines[end:]) or metadata.find_tags(lines)
    article.paragraphs = clean_paragraphs(lines[start:end], title=article.title)
    return article


def _headline_candidates(header: list[str]) -> list[str]:
    return [
        line
        for line in header
        if 2 <= word_count(line) <= 30
        and not is_boilerplate(line)
        and not is_credit(line)
        and byline_names_part(line) is None
        and not metadata.has_date(line)
        and not line.endswith((".", ":"))
    ]


def _find_title(lines: list[str], header: list[str]) -> str | None:
    """The headline: the page title without its site suffix when it reappears,
    else the last headline-like line before the byline, else before the body."""
    if not lines:
        return None
    page_title = metadata.strip_site_suffix(lines[0])
    header = [line for line in header if line != lines[0]] if header[:1] == lines[:1] else header
    candidates = _headline_candidates(header)
    for line in candidates:
        if line == page_title:
            return line
    byline_at = next((i for i, line in enumerate(header) if byline_names_part(line)), None)
    before_byline = header[:byline_at] if byline_at is not None else header
    ranked = _headline_candidates(before_byline)
    if ranked:
        return ranked[-1]
    if candidates:
        return candidates[-1]
    return page_title or None


def _find_authors(header: list[str]) -> list[str]:
    for line in header:
        names = byline_names_part(line)
        if names:
            return metadata.split_authors(names)
    return []
