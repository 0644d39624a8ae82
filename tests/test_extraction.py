"""Article extraction on real corpus files and on the bundled sample."""

from __future__ import annotations

import json
import re

import pytest

from newsfacts.evaluation import mean_scores, score_body
from newsfacts.extract.cleaning import clean_paragraphs
from newsfacts.extract.scraped import extract_scraped
from newsfacts.ingest.decoding import decode_text


def test_seed_metadata_is_exactly_right(seed_path):
    article = extract_scraped(seed_path.read_text(encoding="utf-8"))
    assert article.title == "Russia Holds Military Drills in Tajikistan Amid Taliban Offensive"
    assert article.authors == ["AFP"]
    assert article.published_date == "2021-07-14"
    assert article.publisher == "The Moscow Times"
    assert article.tags == ["Afghanistan", "Tajikistan"]


def test_seed_body_is_the_article_and_nothing_else(seed_path):
    body = "\n\n".join(extract_scraped(seed_path.read_text(encoding="utf-8")).paragraphs)
    assert body.startswith("Russia on Wednesday launched military exercises")
    assert body.endswith("The Taliban is a terrorist organization banned in Russia.")
    for leftover in (
        "Support The Moscow Times",
        "Contribute today",
        "/ TASS",
        "Read more",
        "Independent journalism",
        "Two-Thirds of Afghan-Tajik Border",
        "By AFP",
        "donation",
    ):
        assert leftover not in body
    # The caption repeated a body paragraph: the paragraph stays, once.
    assert body.count("Moscow is closely watching the offensive") == 1
    assert "\n\n\n" not in body and all(p.strip() == p for p in body.split("\n\n"))


def _benchmark(benchmark_dir):
    truth = json.loads((benchmark_dir / "ground-truth.json").read_text())
    pages = json.loads((benchmark_dir / "output" / "html-text.json").read_text())["output"]
    return truth, pages


def test_scraped_text_body_f1_on_the_extraction_benchmark(benchmark_dir):
    truth, pages = _benchmark(benchmark_dir)
    scores = [
        score_body(
            "\n\n".join(extract_scraped(pages[i]["articleBody"]).paragraphs),
            truth[i]["articleBody"],
        )
        for i in sorted(truth)
    ]
    precision, recall, f1 = mean_scores(scores)
    uncleaned = mean_scores(
        [score_body(pages[i]["articleBody"], truth[i]["articleBody"]) for i in truth]
    )
    assert len(scores) == 120
    assert f1 >= 0.90, (precision, recall, f1)
    assert f1 > uncleaned[2] + 0.2


def test_html_body_f1_on_the_extraction_benchmark(benchmark_dir):
    import gzip

    from newsfacts.extract.html import extract_html

    truth, _ = _benchmark(benchmark_dir)
    scores = []
    for page_id in sorted(truth):
        page = decode_text(
            gzip.decompress((benchmark_dir / "html" / f"{page_id}.html.gz").read_bytes())
        )
        article = extract_html(page, url=truth[page_id]["url"])
        scores.append(score_body("\n\n".join(article.paragraphs), truth[page_id]["articleBody"]))
    assert mean_scores(scores)[2] >= 0.93


def test_bbc_plain_text_keeps_headline_and_whole_body(corpus_dir):
    from newsfacts.extract.article import to_article_row
    from newsfacts.ingest import discover, read_source

    sources = [
        s for s in discover([corpus_dir / "bbc-fulltext"]) if s.source_path.endswith(".txt")
    ][:60]
    for source in sources:
        reading = read_source(source)
        text = decode_text(source.path.read_bytes())
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        row = to_article_row(reading.records[0])
        assert row["title"] == lines[0], source.source_path
        # Every paragraph of the original survives in the body.
        assert row["body"].count("\n\n") + 1 >= len(lines[1:]) * 0.9, source.source_path


def test_latin1_bbc_files_decode_without_replacement_characters(corpus_dir):
    undecodable = []
    for path in sorted((corpus_dir / "bbc-fulltext").rglob("*.txt")):
        raw = path.read_bytes()
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            undecodable.append(path)
    assert undecodable, "the corpus is known to hold non-UTF-8 files"
    for path in undecodable:
        assert "\ufffd" not in decode_text(path.read_bytes())


def test_record_bodies_lose_captions_credits_and_promos():
    paragraphs = [
        "AP Photos Republicans, 2016: In full swing",
        "Enlarge this image toggle caption Jane Doe/AP Jane Doe/AP",
        "Tired of politics? Get over it: fifteen Republicans are contemplating campaigns.",
        "Elise Amendola/AP Democratic candidate speaks outside the Statehouse in Concord.",
        "Advertisement",
        "Sign up for our morning newsletter.",
        "Don't expect the field to thin out soon, aides said on Tuesday.",
    ]
    assert clean_paragraphs(paragraphs, title="Republicans, 2016: In full swing") == [
        paragraphs[2],
        paragraphs[6],
    ]


def test_letters_written_as_character_references_are_decoded(corpus_dir):
    from newsfacts.extract.article import to_article_row
    from newsfacts.extract.cleaning import normalise_text
    from newsfacts.ingest import SourceFile, read_source

    assert normalise_text("Jos&#233; Manuel Barroso, caf&#xE9;") == "José Manuel Barroso, café"
    # Other references are left: in such texts they are as often mis-encoded
    # punctuation ("Blair&#191;s"), and "&amp;" may be the text's own.
    assert normalise_text("Mr Blair&#191;s plan &amp; &#38;") == "Mr Blair&#191;s plan &amp; &#38;"
    files = [
        path
        for path in sorted((corpus_dir / "bbc-fulltext").rglob("*.txt"))
        if b"&#233;" in path.read_bytes()
    ]
    assert files, "the corpus is known to hold letters written as references"
    for path in files:
        reading = read_source(SourceFile(path, path.name, "corpus"))
        for record in reading.records:
            body = to_article_row(record)["body"]
            assert "&#233;" not in body and "é" in body, path.name


def test_caption_and_player_widgets_leave_record_bodies():
    paragraphs = [
        "The council voted on Tuesday to close the old bridge to traffic.",
        "Image copyright Jane Doe/Valmouth Gazette Image caption The bridge opened in 1911",
        "Image copyright Getty Images",
        "Media playback is unsupported on your device Media caption The mayor on the vote",
        "Media caption Residents queue to cross on foot",
        "The image caption under the council's notice was corrected on Wednesday.",
        "Media coverage of the vote was intense, the mayor said.",
        " ".join(
            f"Photos: The bridge through the years Slide {n} shows the bridge in {1900 + n}."
            f" Hide Caption {n} of 40"
            for n in range(1, 41)
        ),
        "Newsletter Sign Up Continue reading the main story Please verify you're not a robot "
        "by clicking the box. Invalid email address. Please re-enter. You must select a "
        "newsletter to subscribe to. " + "You agree to receive occasional updates. " * 10,
        "Newsletter sign-ups doubled after the bridge story ran, the editor said.",
        "FILE PHOTO: Cars queue at the old bridge in Valmouth, March 3, 2019. GAZETTE/Jane Doe",
        "Councillors walk to the chamber before the vote on Tuesday. Photo: Jane Doe/Gazette",
        "View photos Residents gathered by the river. (Photo: Sam Poe/Gazette) More",
        "She looked at the photo: a child on the old bridge in 1911.",
        "Cars queue at the old bridge, Tuesday, March 3, 2019. (AP Photo/Jane Doe, File)",
        "The mayor speaks in Valmouth, U.K., March 3, 2019. REUTERS/Jane Doe",
        "The mayor at the bridge on Tuesday. | Jane Doe/Getty Images Politics Council "
        "votes to close the bridge",
        "The mayor at the bridge. | AP Photo Mayor's bridge plan splits council",
        "The old bridge at dusk. Photograph: Jane Doe/Valmouth Gazette",
        "Councillors leave the chamber after the vote, March 3, 2019. (Jane Doe/Reuters)",
        "A closed shop on the bridge road, May 21, 2020. Jane Doe/AP, FILE",
        "The bridge at dawn. © 2018 Jane Doe/AP Images",
        "The bridge at noon. © 2019 AP Photo/Jane Doe",
        "The mayor at the bridge. | Sam Poe for the Gazette and AP Photo Bridge plan splits "
        "council",
        "AP Photo Exclusive: council plots to close the bridge",
        "FILE - In this March 3, 2019, file photo, cars queue at the old bridge in Valmouth. "
        + "The council had argued for years over the cost of its repair, and the mayor " * 8
        + "said so. (AP Photo/Jane Doe, File)",
        "The bridge at dawn. (Photo: Jane Doe, AP) Story Highlights The council votes on Tuesday",
        "Tolls fell on the routes the council runs. US/Canada",
        "Fans of AC/DC crossed the bridge on foot.",
        "Pool photos of the bridge were shared with the press on Tuesday.",
    ]
    kept = [paragraphs[i] for i in (0, 5, 6, 9, 13, 27, 28, 29)]
    assert clean_paragraphs(paragraphs) == kept


def test_no_record_body_keeps_a_caption_widget(corpus_dir):
    from newsfacts.extract.record import extract_record

    widget = re.compile(
        r"(?im)^(image (copyright|caption)|media (caption|playback)|newsletter sign up)\b"
        r"|\bcaption \d+ of \d+\b"
    )
    files = sorted((corpus_dir / "article-bias-prediction" / "jsons").glob("*.json"))
    seen = 0
    for path in files:
        record = json.loads(path.read_text(encoding="utf-8"))
        seen += bool(widget.search(record.get("content_original") or ""))
        for paragraph in extract_record(record).paragraphs:
            assert not widget.search(paragraph), (path.name, paragraph[:200])
    assert seen, "the corpus is known to hold caption widgets"


@pytest.mark.parametrize(
    "promo",
    [
        "Sign up for Daily Newsletters Manage Newsletters",
        "Sign up for Charles Hurt's Newsletter",
        "Subscribe to our YouTube channel.",
        "Subscribe on Apple Podcasts, Spotify, or wherever you listen to podcasts.",
        "Get all the latest news delivered daily to your inbox. Sign up here.",
        "Get the latest updates right in your inbox. Subscribe to NJ.com's newsletters.",
        "For reporting on the crisis and more, subscribe to Mother Jones' newsletters",
        "JUST WATCHED Mayor opens bridge Replay More Videos ... MUST WATCH Mayor opens bridge",
        "ANALYSIS/OPINION:",
        "WATCH:",
        "CLICK HERE FOR THE NEWS APP",
        "Follow Jane Roe on Twitter: @janeroe",
    ],
)
def test_newsletter_and_podcast_promos_are_no_body(promo):
    news = [
        "Robin was among the first to sign up for insurance under the new law.",
        "Many readers subscribe to more than one newsletter, the survey found.",
        "Residents over 65 can sign up now for vaccine appointments at the clinic.",
        "More than 2 million people have subscribed to Substack newsletters this year.",
        "Volunteers signing up for the Peace Corps newsletter doubled in a month.",
    ]
    assert clean_paragraphs([*news[:2], promo, *news[2:]], title="Insurance") == news


@pytest.mark.parametrize(
    "furniture",
    [
        "Advertisement Continue reading the main story",
        "SHARE THIS ARTICLE Share Tweet Post Email",
        "Story Continued Below",
        "AD",
        "Photo",
        "YouTube",
        "4 years ago",
        "More:",
        "More On This...",
        "Also see:",
        "[pullquote]",
        "Follow @valmouthnews",
        "- Follow the Desk on Twitter: @ValmouthDesk",
        "( Also on THE GAZETTE: Council approves the harbour plan)",
        "Read or Share this story: https://example.org/s/1x2y3z",
        "Visit the Gazette's homepage for more stories.",
        "Slideshow (12 Images)",
        "next Image 1 of 3",
    ],
)
def test_page_furniture_leaves_bodies(furniture):
    news = [
        "The council approved the harbour plan on Tuesday after a long debate.",
        "Post-war housing in the town was poor, the report said.",
        "More than 300 people attended the hearing.",
        "Ad spending by the council fell 5% in May.",
        "Photos of the flooded harbour spread online within hours.",
        "Follow the money, the auditor told the committee.",
        "Also on Monday, the court ruled that the plan could go ahead.",
        "[Laughter]",
    ]
    assert clean_paragraphs([*news[:4], furniture, *news[4:]]) == news


@pytest.mark.parametrize(
    "card, cleaned",
    [
        (
            "Senator Jane Roe Jane Q. RoeCouncil votes on budget Mayor opens new bridge MORE "
            "(D-Ore.) voted against the bill.",
            "Senator Jane Roe (D-Ore.) voted against the bill.",
        ),
        (
            "It was Speaker Sam Poe Samuel (Sam) Poe Harbour plan stalls again "
            "Poll finds voters split MORE's decision to delay the vote.",
            "It was Speaker Sam Poe's decision to delay the vote.",
        ),
        (
            "Justice Ann LeeAnn LeeCourt hears appeal in land case MORE and two others dissented.",
            "Justice Ann Lee and two others dissented.",
        ),
        (
            "Then-Sen. Al Moe Albert MoeMoe says he will run again MORE (D-Ill.) won.",
            "Then-Sen. Al Moe (D-Ill.) won.",
        ),
        (
            "Justice Ann Lee Ann LeeHonouring Ann Lee at ninety MORE, Sam Poe and others agreed.",
            "Justice Ann Lee, Sam Poe and others agreed.",
        ),
    ],
)
def test_name_cards_flattened_into_a_sentence_are_cut(card, cleaned):
    """A site's hover card behind a name (full name glued to related headlines,
    closed by MORE) is cut; the name as the sentence gives it stays."""
    assert clean_paragraphs([card]) == [cleaned]


@pytest.mark.parametrize(
    "text",
    [
        "Poe said the vote would wait. Poe Harbour residents disagreed. READ MORE",
        "Police in Walla Walla said the suspect was arrested. READ MORE: Man charged",
        "Chelsea lost 2-1 to Manchester United. Manchester City won 3-0 at home. SEE MORE",
        "The vote on the MORE Act was held in New York. New York voters were split.",
    ],
)
def test_a_repeated_name_without_a_card_is_left_alone(text):
    assert clean_paragraphs([text]) == [text]


def test_a_card_after_a_repeated_place_name_cuts_only_the_card():
    text = (
        "The hearing was held in New York. New York Rep. Jo Nadd Joanna (Jo) Lee "
        "NaddBudget talks stall again MORE (D-N.Y.) presided."
    )
    assert clean_paragraphs([text]) == [
        "The hearing was held in New York. New York Rep. Jo Nadd (D-N.Y.) presided."
    ]


def test_a_quote_above_a_photo_credit_is_no_caption():
    paragraphs = [
        "The mayor spoke on Monday.",
        "“We will rebuild the bridge by spring,” she said. “Nobody should doubt it.”",
        "Photo: Jane Doe",
        "Crowds gather at the river bank in Valmouth on Sunday.",
        "Photo: Sam Poe",
    ]
    assert clean_paragraphs(paragraphs) == paragraphs[:2]


def test_article_bias_records_are_cleaned(corpus_dir):
    from newsfacts.extract.record import extract_record

    files = sorted((corpus_dir / "article-bias-prediction" / "jsons").glob("*.json"))[:300]
    credit = re.compile(r"^[A-Z][\w.'-]+(?: [A-Z][\w.'-]+){0,3}/(AP|Getty Images|Reuters)\b")
    for path in files:
        record = json.loads(path.read_text(encoding="utf-8"))
        article = extract_record(record)
        assert article.title == record["title"].strip()
        for paragraph in article.paragraphs:
            assert paragraph != "Advertisement"
            assert not credit.match(paragraph), (path.name, paragraph)
            assert "toggle caption" not in paragraph


@pytest.mark.parametrize(
    "text, expected",
    [
        ("By Jane Doe and AFP", ["Jane Doe", "AFP"]),
        ("Tom Krisher, AP Auto Writer", ["Tom Krisher"]),
        ("Ana Lima, Wire Staff", ["Ana Lima"]),
        ("Catherine Shu @catherineshu / 2 days", ["Catherine Shu"]),
    ],
)
def test_bylines_split_into_names(text, expected):
    from newsfacts.extract.metadata import split_authors

    assert split_authors(text) == expected


@pytest.mark.parametrize(
    "text, iso",
    [
        ("date 2021-07-14 Support", "2021-07-14"),
        ("Updated 1:39 am EST, Wednesday, November 20, 2019", "2019-11-20"),
        ("Chris Davies - Nov 19, 2019, 10:31 pm CST", "2019-11-19"),
        ("23 Nov 2017", "2017-11-23"),
        ("2024-03-20T07:00:00+01:00", "2024-03-20"),
        ("no date here 2019", None),
        ("2021-02-30", None),
    ],
)
def test_dates_are_read_in_common_forms(text, iso):
    from newsfacts.extract.metadata import parse_date

    assert parse_date(text) == iso
