"""Facts: quantities, dates, attributions and quotes, each traceable to its span."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from newsfacts.entities import entity_tables, resolve_articles
from newsfacts.extract.facts.attributions import find_attributions
from newsfacts.extract.facts.dates import find_dates
from newsfacts.extract.facts.quantities import find_quantities
from newsfacts.extract.facts.quotes import find_quotes, speaker_for
from newsfacts.extract.scraped import extract_scraped
from newsfacts.facts import fact_rows
from tests.conftest import SEED, require


@pytest.fixture(scope="module")
def seed_facts():
    text = require(SEED).read_text(encoding="utf-8")
    article = {
        "article_id": "0" * 16,
        "body": "\n\n".join(extract_scraped(text).paragraphs),
        "published_date": dt.date(2021, 7, 14),
    }
    resolved = resolve_articles([article])
    entities, _, cluster_ids = entity_tables(resolved)
    names = {e["entity_id"]: e["name"] for e in entities}
    return article["body"], fact_rows(resolved, cluster_ids), names


def test_seed_quantities(seed_facts):
    _, rows, _ = seed_facts
    quantities = [
        (r["value_number"], r["unit"], r["approx"]) for r in rows if r["kind"] == "quantity"
    ]
    assert (1000, "troops", "approximately") in quantities
    assert (5500, "troops", "approximately") in quantities
    assert (3, "installations", None) in quantities
    assert (1000, "troops", "more_than") in quantities  # the Afghan troops who fled
    assert not [r for r in rows if r["kind"] == "quantity" and r["text"].startswith("201")]


def test_seed_dates(seed_facts):
    _, rows, _ = seed_facts
    dates = {
        (r["text"].lower(), r["value_date"], r["date_precision"])
        for r in rows
        if r["kind"] == "date"
    }
    assert ("on wednesday", dt.date(2021, 7, 14), "day") in dates
    assert ("in 2005", dt.date(2005, 1, 1), "year") in dates
    assert ("in 2012", dt.date(2012, 1, 1), "year") in dates
    assert any(text.endswith("2042") and precision == "year" for text, _, precision in dates)
    assert ("in early july", dt.date(2021, 7, 1), "month") in dates


def test_seed_attributions_link_to_entities(seed_facts):
    _, rows, names = seed_facts
    sources = {
        (names.get(r["source_entity_id"]), r["source_type"])
        for r in rows
        if r["kind"] == "attribution"
    }
    assert ("Interfax", "agency") in sources
    assert ("Defense Ministry", "organization") in sources
    assert any(name == "Central Military District" for name, _ in sources)


def test_every_fact_span_is_exact(seed_facts):
    body, rows, names = seed_facts
    assert rows
    for row in rows:
        assert body[row["start"] : row["end"]] == row["text"]
        assert row["source_entity_id"] is None or row["source_entity_id"] in names


@pytest.mark.parametrize(
    "text, value, high, unit, approx",
    [
        ("a £1.2bn deal", 1.2e9, None, "GBP", None),
        ("raised $3 million", 3e6, None, "USD", None),
        ("grew 3.5% last year", 3.5, None, "percent", None),
        ("between 20 and 30 people", 20, 30, "people", None),
        ("830bn rupees", 830e9, None, "INR", None),
        ("a 7.5m euro project", 7.5e6, None, "EUR", None),
        ("91m naira of funding", 91e6, None, "NGN", None),
        ("won the 200m title", 200, None, "m", None),
        ("About two-thirds of voters", 2 / 3, None, "fraction", "approximately"),
        ("three quarters of the vote", 0.75, None, "fraction", None),
        ("profits fell in the past two quarters", 2, None, "quarters", None),
        ("nearly 40,000 fans", 40000, None, "fans", "approximately"),
        ("up to 12 weeks", 12, None, "weeks", "less_than"),
    ],
)
def test_quantities_in_common_forms(text, value, high, unit, approx):
    [q] = find_quantities(text)
    assert (q.value, q.high, q.unit, q.approx) == (value, high, unit, approx)


@pytest.mark.parametrize(
    "text",
    [
        "in 2012 the law",
        "the 201st base",
        "at 6am",
        "beyond the 5 p.m. deadline",
        "at 7 a.m. sharp",
        "at 5:00 p.m. local time",
        "from 9:30 to noon",
        "open 24/7 now",
        'poster="http://example.org/images/201608/3224/5091104069001_50911-vs.jpg?id=1155968"',
        "the ref 191129123746873 below",
        "on 14 July",
        "Formula One",
        "won 2-1 at home",
        "Channel 4 reported",
    ],
)
def test_not_quantities(text):
    assert find_quantities(text) == []


@pytest.mark.parametrize(
    "text, value, precision",
    [
        ("on Wednesday", "2021-07-14", "day"),
        ("on Monday", "2021-07-12", "day"),
        ("next Friday", "2021-07-16", "day"),
        ("last week", "2021-07-05", "week"),
        ("last month", "2021-06-01", "month"),
        ("in March", "2021-03-01", "month"),
        ("on 3 January 2019", "2019-01-03", "day"),
        ("in the 1990s", "1990-01-01", "decade"),
        ("yesterday", "2021-07-13", "day"),
    ],
)
def test_dates_resolve_against_the_published_date(text, value, precision):
    [d] = find_dates(text, dt.date(2021, 7, 14))
    assert (d.value.isoformat(), d.precision) == (value, precision)


def test_relative_dates_without_a_published_date_keep_their_span_only():
    [d] = find_dates("It happened last week.", None)
    assert d.value is None and d.precision == "week"


def test_anonymous_and_official_sources():
    body = "The plan was dropped, officials said. A source told reporters it was over."
    sentences = [(0, 37), (38, len(body))]
    found = {(a.source_text, a.source_type) for a in find_attributions(body, sentences, [])}
    assert ("officials", "official") in found
    assert ("A source", "anonymous") in found


def test_quotes_need_two_words_and_matching_marks():
    body = "He called it “historic”. “We will build it now,” she said."
    assert [body[q.text_start : q.text_end] for q in find_quotes(body)] == ["We will build it now,"]


def test_sample_facts_table(sample_build):
    out, _ = sample_build
    facts = pd.read_parquet(out / "data" / "facts.parquet")
    articles = pd.read_parquet(out / "data" / "articles.parquet").set_index("article_id")
    entities = pd.read_parquet(out / "data" / "entities.parquet")
    assert set(facts.kind) == {"quantity", "date", "attribution", "quote"}
    for row in facts.itertuples():
        assert articles.body[row.article_id][row.start : row.end] == row.text
    linked = facts.source_entity_id.dropna()
    assert len(linked) > 5 and set(linked) <= set(entities.entity_id)
    assert facts.fact_id.is_unique


def _attributions(body: str, names: dict[str, str]) -> set[tuple[str, str]]:
    """(source, type) of each attribution in a one-sentence ``body`` whose
    entity mentions are ``names`` (text → type; each text's first occurrence)."""
    from newsfacts.extract.ner import Mention

    mentions = []
    for text, kind in names.items():
        start = body.index(text)
        mentions.append(Mention(start, start + len(text), text, kind, 0, 0, len(body)))
    mentions.sort(key=lambda m: m.start)
    found = find_attributions(body, [(0, len(body))], mentions)
    return {(a.source_text, a.source_type) for a in found}


@pytest.mark.parametrize(
    ("body", "names", "source"),
    [
        # The verb follows the quotation: the source comes after it, never a
        # name inside the quotation.
        (
            "“We do not need Guantanamo,” said Mr. Smith, the ranking Democrat.",
            {"Guantanamo": "GPE"},
            ("Smith", "person"),
        ),
        ('"No," replied the witness.', {}, ("the witness", "anonymous")),
        # Names the model missed, before or after the verb.
        ("Hare told BBC Radio Five Live that it was over.", {}, ("Hare", "person")),
        ("According to The Hill, the plan was dropped.", {}, ("Hill", "agency")),
        (
            "The Middlesex County District Attorney’s Office said it had closed the case.",
            {},
            ("Middlesex County District Attorney’s Office", "organization"),
        ),
        # Descriptions between the source and its verb.
        (
            "Mr. Bernstein, a senior fellow at the Center on Budget, a research group, said so.",
            {"Bernstein": "PERSON", "Center on Budget": "ORG"},
            ("Bernstein", "person"),
        ),
        ("Ms. White, 42, said she would vote.", {}, ("White", "person")),
        (
            "Speaker John A. Boehner, Ohio Republican, who called it a refusal, left.",
            {"John A. Boehner": "PERSON", "Republican": "NORP"},
            ("John A. Boehner", "person"),
        ),
        # A role speaking for a person is the source, not the person.
        (
            "A spokeswoman for Mrs. Sebelius said she cannot attend.",
            {"Sebelius": "PERSON"},
            ("A spokeswoman", "official"),
        ),
        # A participle takes its clause's subject, not the first name.
        (
            "Under questioning by Senator Bob Corker of Tennessee, Mr. Kerry walked back "
            "his comment, insisting that he had misspoken.",
            {"Bob Corker": "PERSON", "Tennessee": "GPE", "Kerry": "PERSON"},
            ("Kerry", "person"),
        ),
    ],
)
def test_attribution_sources(body, names, source):
    assert source in _attributions(body, names)


def test_capitalised_words_that_are_not_names_are_no_source():
    found = _attributions("Despite claims from amnesty advocates, the bill passed.", {})
    assert found == {("amnesty advocates", "anonymous")}


def test_a_noun_phrase_before_a_verb_of_saying_is_a_source_but_not_before_a_noun():
    assert ("The ex-porn star", "anonymous") in _attributions(
        "The ex-porn star said it was fake.", {}
    )
    # "report" here is a noun, not a verb: no source.
    assert _attributions("The committee released its final report on Friday.", {}) == set()


def test_he_said_skips_a_speaker_the_text_calls_a_woman():
    body = (
        "Speaker John Boehner criticised the delay on Tuesday. "
        '"We are not ready," said Mrs. Kathleen Sebelius, the health secretary. '
        "He said the public deserves answers now."
    )
    article = {"article_id": "1" * 16, "body": body, "published_date": dt.date(2013, 10, 1)}
    resolved = resolve_articles([article])
    entities, _, cluster_ids = entity_tables(resolved)
    names = {e["entity_id"]: e["name"] for e in entities}
    rows = fact_rows(resolved, cluster_ids)
    sources = {
        r["source_text"]: names.get(r["source_entity_id"])
        for r in rows
        if r["kind"] == "attribution"
    }
    assert sources["Kathleen Sebelius"] == "Kathleen Sebelius"
    assert sources["He"] == "John Boehner"


def _pronoun_sources(body: str) -> list[tuple[str, str | None]]:
    """(statement, entity name) of each "he"/"she" attribution, in order."""
    article = {"article_id": "2" * 16, "body": body, "published_date": dt.date(2019, 1, 1)}
    resolved = resolve_articles([article])
    entities, _, cluster_ids = entity_tables(resolved)
    names = {e["entity_id"]: e["name"] for e in entities}
    rows = sorted(fact_rows(resolved, cluster_ids), key=lambda r: r["start"])
    return [
        (r["text"], names.get(r["source_entity_id"]))
        for r in rows
        if r["kind"] == "attribution" and r["source_text"].lower() in ("he", "she")
    ]


def test_he_said_is_never_someone_named_inside_a_quotation():
    body = (
        "Gerard Houllier watched the match on Sunday. "
        'He said: "Didier Drogba can change a game. Drogba is strong." '
        "He added that he would return to management."
    )
    sources = _pronoun_sources(body)
    assert [name for _, name in sources] == ["Gerard Houllier", "Gerard Houllier"]


def test_a_person_who_opens_a_sentence_after_the_last_speaker_is_the_next_he():
    body = (
        "Senator Richard Blumenthal said the choice was a mistake. "
        "Last year, the president asked Mick Mulvaney to run the bureau. "
        "Mr. Mulvaney quickly went to work on the mission. "
        "When he took over, he promised to split his time between the two offices."
    )
    sources = dict(_pronoun_sources(body))
    promised = next(text for text in sources if "promised" in text)
    assert sources[promised] == "Mick Mulvaney"


@pytest.mark.parametrize(
    "body",
    [
        "The two leaders reportedly met in secret.",
        "It is understood that the deal was signed last night.",
        "The film is thought to have cost millions.",
    ],
)
def test_a_hedge_is_an_anonymous_attribution_without_a_source(body):
    sentences = [(0, len(body))]
    (hedge,) = find_attributions(body, sentences, [])
    assert (hedge.source_text, hedge.source_type, hedge.start, hedge.end) == (
        "",
        "anonymous",
        0,
        len(body),
    )


def test_a_hedge_gives_way_to_a_named_source_and_is_nobody_s_quote():
    body = 'Officials reportedly said the talks failed. "It is over," he said.'
    found = find_attributions(body, [(0, 43), (44, len(body))], [])
    assert [a.source_text for a in found] == ["Officials", "he"]
    assert find_attributions("He thought to call her.", [(0, 23)], []) == []
    body = "Fallen trees were reported to emergency services."
    assert find_attributions(body, [(0, len(body))], []) == []
    body = 'The deal reportedly collapsed. "It is over."'
    attributions = find_attributions(body, [(0, 30), (31, len(body))], [])
    assert [a.source_text for a in attributions] == [""]
    (quote,) = find_quotes(body)
    assert speaker_for(quote, attributions, body) is None


def _quantity_subjects(body: str) -> dict[str, str | None]:
    """Quantity text -> the name of its subject entity (None if it has none)."""
    article = {"article_id": "3" * 16, "body": body, "published_date": dt.date(2021, 7, 14)}
    resolved = resolve_articles([article])
    entities, _, cluster_ids = entity_tables(resolved)
    names = {e["entity_id"]: e["name"] for e in entities}
    rows = fact_rows(resolved, cluster_ids)
    return {r["text"]: names.get(r["subject_entity_id"]) for r in rows if r["kind"] == "quantity"}


def test_a_quantity_s_subject_is_the_name_it_belongs_to_when_the_words_say_so():
    subjects = _quantity_subjects(
        "Apple sold 3 million phones in the spring. Japan's economy grew 0.2% in the quarter. "
        "In London, 300 people marched. More than 1,000 Afghan troops fled. "
        "The base houses some 5,500 troops."
    )
    assert subjects["3 million phones"] == "Apple"
    assert subjects["0.2%"] == "Japan"
    assert subjects["More than 1,000 Afghan troops"] == "Afghan"
    # A place after "in" is where it happened; an unnamed base has no entity.
    assert subjects["300 people"] is None
    assert subjects["some 5,500 troops"] is None


def test_reporting_verbs_beyond_said():
    assert ("Weingarten", "person") in _attributions("Mr Weingarten pressed the witness.", {})
    assert ("Analysts", "anonymous") in _attributions("Analysts indicated a slowdown.", {})


@pytest.mark.parametrize(
    ("body", "names", "expected"),
    [
        # The sentence's full stop is not part of the name.
        ('"No," said Smith.', {}, {("Smith", "person")}),
        # Scare quotes around a name are no quotation before the verb.
        (
            'The "Gang of Eight" said the bill was dead.',
            {"Gang of Eight": "ORG"},
            {("Gang of Eight", "organization")},
        ),
        # Before "who", the person named first, not a person in the description.
        (
            "Smith, a friend of Jones, who called it a disgrace, left.",
            {"Smith": "PERSON", "Jones": "PERSON"},
            {("Smith", "person")},
        ),
        # Things that add or confirm are no sources; nor is whoever follows "of".
        ("The pound added half a cent against the dollar.", {}, set()),
        ("A friend of the victim said it was over.", {}, set()),
        # A capitalised word opening a sentence is not a name by itself.
        ("Last week the company raised prices, saying costs rose.", {}, set()),
        # An unnamed source starts at its determiner, not at the verb before it.
        (
            "Officials cited a report, which found that prices rose.",
            {},
            {("Officials", "official"), ("a report", "document")},
        ),
    ],
)
def test_attribution_sources_exact(body, names, expected):
    assert _attributions(body, names) == expected


@pytest.mark.parametrize(
    "text",
    [
        "on 3 January 2019",
        "January 3, 2019",
        "2021-07-14",
        "on Jan. 3",
        "the 3rd of March",
        "in early July 2021",
        "Sept 2020",
        "in the 1990s",
        "since 2005",
        "the late ’80s",
        "by December",
        "in 1998",
        "last Wednesday",
        "three weeks ago",
    ],
)
def test_date_patterns_are_skipped_only_where_they_cannot_match(text):
    """Every pattern that matches a text has its literal core in the text:
    skipping patterns by core never loses a date."""
    from newsfacts.extract.facts.dates import _PATTERNS, _cores

    body = f"It happened {text}, officials said."
    matched = [core for _, pattern, core in _PATTERNS if pattern.search(body)]
    assert matched, "no pattern matches: the example is not a date"
    assert set(matched) <= _cores(body)
