"""Property-based tests: for any text, extractors never raise, and every span
they report lies inside the body with ``text == body[start:end]``."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsfacts.extract.cleaning import clean_paragraphs, split_paragraphs
from newsfacts.extract.facts.attributions import find_attributions
from newsfacts.extract.facts.dates import find_dates
from newsfacts.extract.facts.quantities import find_quantities
from newsfacts.extract.facts.quotes import find_quotes
from newsfacts.extract.ner import recognise
from newsfacts.extract.resolution import resolve
from newsfacts.extract.scraped import extract_scraped
from newsfacts.facts import article_facts

# Text that looks a little like news: words, numbers, currency, quotes, newlines.
_PIECES = st.sampled_from(
    [
        "The",
        "council",
        "said",
        "on",
        "Monday",
        "that",
        "some",
        "1,000",
        "troops",
        "£1.2bn",
        "3.5%",
        "between",
        "20",
        "and",
        "30",
        "people",
        "“We will",
        "win,”",
        "he",
        "added.",
        "Read more",
        "Advertisement",
        "Photo: Jane Doe/AP",
        "Russia",
        "Interfax",
        "reported",
        "in",
        "2012",
        "last week",
        "\n",
        "\n\n",
        ".",
        ",",
        "according to",
        "officials",
        "(CSTO)",
        "Collective Security Treaty Organization",
        "é",
        "’s",
        '"',
        "2-1",
        "201st",
        "July 14",
    ]
)
NEWSY = st.lists(_PIECES, max_size=80).map(" ".join)
ANY_TEXT = st.one_of(NEWSY, st.text(max_size=400))


def _inside(body: str, start: int, end: int) -> bool:
    return 0 <= start <= end <= len(body)


@given(ANY_TEXT)
@settings(max_examples=150, deadline=None)
def test_scraped_extraction_never_raises_and_keeps_clean_paragraphs(text):
    article = extract_scraped(text)
    assert all(p and p == p.strip() and "\n" not in p for p in article.paragraphs)
    assert clean_paragraphs(split_paragraphs(text)) is not None


@given(ANY_TEXT, st.one_of(st.none(), st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 31))))
@settings(max_examples=200, deadline=None)
def test_fact_finders_report_spans_inside_the_body(body, published):
    for q in find_quantities(body):
        assert _inside(body, q.start, q.end) and q.start < q.end
    for d in find_dates(body, published):
        assert _inside(body, d.start, d.end) and d.start < d.end
        assert published is not None or d.precision in ("day", "week", "month", "year", "decade")
    for q in find_quotes(body):
        assert _inside(body, q.start, q.end) and q.start <= q.text_start <= q.text_end <= q.end
    for a in find_attributions(body, [(0, len(body))], []):
        assert _inside(body, a.start, a.end) and _inside(body, a.source_start, a.source_end)


@given(NEWSY)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_entities_and_facts_are_exact_spans_of_any_body(body):
    recognised = next(recognise([body]))
    clusters = resolve(body, recognised)
    for cluster in clusters:
        for m in cluster.mentions:
            assert body[m.start : m.end] == m.text and m.text
    article = {"article_id": "0" * 16, "body": body, "published_date": dt.date(2021, 7, 14)}
    ids = {id(c): f"{i:016x}" for i, c in enumerate(clusters)}
    for row in article_facts(article, clusters, recognised.sentences, ids):
        assert body[row["start"] : row["end"]] == row["text"]
