"""Entities and mentions: recognition, resolution within an article, linking to
places, and the tables across a build."""

from __future__ import annotations

import json
import re
import shutil
from collections import defaultdict
from pathlib import Path

import pandas as pd
import pytest

import newsfacts
from newsfacts.evaluation import score_entities
from newsfacts.extract.article import to_article_row
from newsfacts.extract.ner import ENTITY_TYPES, Recognised, bare_model, recognise
from newsfacts.extract.resolution import acronym_definitions, name_key, resolve
from newsfacts.extract.scraped import extract_scraped
from newsfacts.ingest import SourceFile, read_source

ANNOTATIONS = Path(__file__).parent / "annotations" / "entities"


def _clusters(body):
    return resolve(body, next(recognise([body])))


@pytest.fixture(scope="module")
def seed_entities(request):
    from tests.conftest import SEED, require

    body = "\n\n".join(extract_scraped(require(SEED).read_text(encoding="utf-8")).paragraphs)
    return body, {c.name: c for c in _clusters(body)}


def test_seed_entities_are_found_with_types_and_aliases(seed_entities):
    _, found = seed_entities
    expected = {
        "Russia": "GPE",
        "Tajikistan": "GPE",
        "Afghanistan": "GPE",
        "Moscow": "GPE",
        "Dushanbe": "GPE",
        "Central Asia": "LOC",
        "Taliban": "ORG",
        "Interfax": "ORG",
        "Central Military District": "ORG",
        "Defense Ministry": "ORG",
        "Collective Security Treaty Organization": "ORG",
        "Shanghai Cooperation Organization": "ORG",
    }
    for name, kind in expected.items():
        assert name in found and found[name].type == kind, (name, found.get(name))
    assert "Shir Khan Bandar" in found
    assert found["Collective Security Treaty Organization"].aliases == {"CSTO"}
    assert found["Shanghai Cooperation Organization"].aliases == {"SCO"}
    dushanbe = found["Dushanbe"].place
    assert dushanbe.country_code == "TJ" and abs(dushanbe.latitude - 38.5) < 0.5
    assert found["Moscow"].place.country_code == "RU"
    # Nothing from the donation appeal or the teasers.
    assert not {"Sergei Lavrov", "The Moscow Times", "Moscow Times"} & set(found)


def test_mentions_are_exact_spans_with_their_sentence(seed_entities):
    body, found = seed_entities
    for cluster in found.values():
        for m in cluster.mentions:
            assert body[m.start : m.end] == m.text
            assert m.sentence_start <= m.start < m.end <= m.sentence_end
    assert len(found["Russia"].mentions) >= 6


def test_names_lose_the_possessive_leading_article_and_title():
    body = (
        "Mrs. Hillary Clinton met the Prime Minister on Monday. Clinton said the Taliban's "
        "offer was late. Later, Clinton's aides left for Paris."
    )
    names = {c.name: c for c in _clusters(body)}
    assert "Hillary Clinton" in names and names["Hillary Clinton"].type == "PERSON"
    assert {m.text for m in names["Hillary Clinton"].mentions} == {"Hillary Clinton", "Clinton"}
    assert "Taliban" in names


def test_a_title_word_inside_an_organisation_s_name_stays():
    body = (
        "The Justice Department said on Monday that General Motors would pay a fine. "
        "President Barack Obama welcomed the deal."
    )
    names = {c.name for c in _clusters(body)}
    assert {"Justice Department", "General Motors", "Barack Obama"} <= names, names
    assert not {"Department", "Motors"} & names


def test_a_sports_fixture_is_two_names():
    from newsfacts.extract.ner import Mention
    from newsfacts.extract.resolution import _fixture_sides

    def mention(text):
        return Mention(10, 10 + len(text), text, "GPE", 0, 0, 100)

    sides = _fixture_sides(mention("Israel v Republic of Ireland"))
    assert [(m.text, m.start, m.end) for m in sides] == [
        ("Israel", 10, 16),
        ("Republic of Ireland", 19, 38),
    ]
    assert [m.text for m in _fixture_sides(mention("Republic of Ireland v"))] == [
        "Republic of Ireland"
    ]
    assert [m.text for m in _fixture_sides(mention("Jones vs. Smith"))] == ["Jones", "Smith"]
    for case in ("Roe v. Wade", "R v Smith"):  # court cases stay whole
        assert _fixture_sides(mention(case)) == [mention(case)]


def test_a_courtesy_title_goes_whatever_the_model_s_type():
    from newsfacts.extract.ner import _trimmed

    body = "Mr Ebbers and the Justice Department"
    assert body[slice(*_trimmed(body, 0, 9, "ORG"))] == "Ebbers"
    assert body[slice(*_trimmed(body, 14, 36, "ORG"))] == "Justice Department"


@pytest.mark.parametrize(
    "span, name",
    [
        ("University of Illinois at", "University of Illinois"),
        ("Sheffield Wednesday and", "Sheffield Wednesday"),
        ("Oscars - the", "Oscars"),
        ("Friends of the Earth and", "Friends of the Earth"),
        ("Czech Republic through", "Czech Republic"),
        # run on into the sentence: across a spaced dash, from a possessive
        ("Roger Federer - nice", "Roger Federer"),
        ("Korea Development Bank - one of", "Korea Development Bank"),
        ("Obama’s third month", "Obama"),
        ("Stacey Abrams‘ refusal", "Stacey Abrams"),
        ("Obama’s 2012", "Obama"),
        ("Andy Roddick 6-2 7-6", "Andy Roddick"),
        ("George H.W. Bush +6", "George H.W. Bush"),
        ("Shrek 2", "Shrek 2"),
        ("Boeing 737-800", "Boeing 737-800"),
        # or into a compound the name only modifies
        ("George W. Bush-era", "George W. Bush"),
        ("Rupert Murdoch-owned", "Rupert Murdoch"),
        ("Kim Jong-un", "Kim Jong-un"),
        ("Ban Ki-moon", "Ban Ki-moon"),
        # taken in before the name: a quote it does not close, a list's mark
        ("“Operation Fast and Furious", "Operation Fast and Furious"),
        ("| John Shinkle", "John Shinkle"),
        ("Nasa) Ames Research Center", "Ames Research Center"),
        # a link is never part of one
        ("BaltimoreUprising pic.twitter.com/fLJRWfvv2d", "BaltimoreUprising"),
        ("https://t.co/nPQ57Pvs7", ""),
        ("BaltimoreRiots pic.twitter.com/NUm8D0BYEf — banksy", "BaltimoreRiots"),
        ("https://t.co/nPQ57Pvs7 - more", ""),
        # a joining word inside a name, or a capital letter, stays
        ("'Before Brando' and 'After Brando'", "'Before Brando' and 'After Brando'"),
        ("FoxNews.com", "FoxNews.com"),
        ("Lloyd's of London", "Lloyd's of London"),
        ("Israel - Palestine", "Israel - Palestine"),
        ("Procter & Gamble", "Procter & Gamble"),
        ("Department of Food and Rural Affairs", "Department of Food and Rural Affairs"),
        ("Serie A", "Serie A"),
    ],
)
def test_a_name_is_cut_from_what_the_model_took_in_around_it(span, name):
    from newsfacts.extract.ner import _trimmed

    body = f"{span} said so."
    start, end = _trimmed(body, 0, len(span), "ORG")
    assert body[start:end] == name and body[start:].startswith(name)


def test_an_office_s_title_names_no_organisation():
    body = (
        "Secretary of State John Kerry met Secretary of Defense Ash Carter and the "
        "State Department spokesman in Washington on Monday. David Miliband was secretary "
        "of the Commission on Social Justice."
    )
    found = {(m.text, m.type) for m in next(recognise([body])).mentions}
    assert ("State", "ORG") not in found and ("Defense", "ORG") not in found
    assert {
        ("John Kerry", "PERSON"),
        ("Ash Carter", "PERSON"),
        ("State Department", "ORG"),
        ("Commission on Social Justice", "ORG"),
    } <= found


def test_a_time_zone_after_a_clock_time_is_no_organisation():
    body = (
        "The Scots start at 1500 GMT (1000 EST) against Italy. GMT, the company, "
        "and the rules of the UTC were not at issue."
    )
    mentions = next(recognise([body])).mentions
    # The model tags both "GMT"s; only the one not after a time is a name.
    assert [m.start for m in mentions if m.text == "GMT"] == [body.index("GMT,")]
    assert "Italy" in {m.text for m in mentions}


def test_a_name_after_a_broadcaster_s_possessive_is_its_programme():
    body = (
        "She told CNN's “State of the Union” and ABC’s Good Morning America, then "
        "Fox News’ Bret Baier and NBC's Lester Holt, that CNN's New York office had closed, "
        "and the BBC's World Business Report."
    )
    tagged = [
        ("State of the Union", "ORG"),
        ("Good Morning America", "EVENT"),
        ("Bret Baier", "PERSON"),
        ("Lester Holt", "ORG"),
        ("New York", "GPE"),
        ("World Business Report", "ORG"),
    ]
    clusters, _ = _resolve_tagged(body, tagged)
    assert {c.name: c.type for c in clusters} == {
        "State of the Union": "WORK_OF_ART",
        "Good Morning America": "WORK_OF_ART",
        "Bret Baier": "PERSON",
        "Lester Holt": "ORG",  # the model's mistake, not a programme
        "New York": "GPE",
        "World Business Report": "WORK_OF_ART",
    }


def test_an_age_in_apposition_says_a_person():
    body = (
        "Vera Peete, 47, of Antioch, said so. Staunton, 49, who won, agreed; Staunton "
        "left. Across China, 40,171 people were ill. PCs running Windows 95, 98, ME "
        "were hit, and Hubei, 55,094 cases."
    )
    tagged = [
        ("Vera Peete", "WORK_OF_ART"),
        ("Staunton", "GPE"),
        ("Staunton", "GPE"),
        ("China", "GPE"),
        ("Windows 95", "PRODUCT"),
        ("Hubei", "GPE"),
    ]
    clusters, _ = _resolve_tagged(body, tagged)
    found = {c.name: (c.type, c.typed_by_text) for c in clusters}
    assert found["Vera Peete"] == found["Staunton"] == ("PERSON", True)
    assert found["China"][0] == found["Hubei"][0] == "GPE"
    assert found["Windows 95"][0] == "PRODUCT"
    # A country or a state with a number is a count, not an age; two people
    # with theirs are two people.
    body = "Florida, 29, Pennsylvania, 20, and Ohio, 18, decide it; China, 38, agrees."
    tagged = [(n, "GPE") for n in ("Florida", "Pennsylvania", "Ohio", "China")]
    clusters, _ = _resolve_tagged(body, tagged)
    assert {c.type for c in clusters} == {"GPE"}
    body = "Tamerlan, 26, and Dzhokhar, 19, Tsarnaev were brothers."
    clusters, _ = _resolve_tagged(body, [("Tamerlan", "PERSON"), ("Dzhokhar", "GPE")])
    assert {c.name: c.type for c in clusters} == {"Tamerlan": "PERSON", "Dzhokhar": "PERSON"}
    # The aged mention is a person's before clustering, so it joins the full name.
    body = "Imelda Staunton won. Staunton, 49, who played Vera, thanked the cast."
    (cluster,), _ = _resolve_tagged(body, [("Imelda Staunton", "PERSON"), ("Staunton", "GPE")])
    assert (cluster.name, cluster.type, len(cluster.mentions)) == ("Imelda Staunton", "PERSON", 2)


def test_a_titled_name_is_a_person_though_it_reads_as_a_nationality():
    body = "Pope Francis spoke in Rome. Francis said the church must change."
    (cluster,), _ = _resolve_tagged(body, [("Francis", "NORP"), ("Francis", "NORP")])
    assert (cluster.name, cluster.key, cluster.type, cluster.typed_by_text) == (
        "Francis",
        "francis",
        "PERSON",
        True,
    )
    body = "The Belgian won the final. The Belgian thanked the Swedes."
    clusters, _ = _resolve_tagged(body, [("Belgian", "NORP"), ("Belgian", "NORP")])
    assert [(c.name, c.type) for c in clusters] == [("Belgian", "NORP")]
    # A title's word that ends a sentence titles nobody.
    body = "He will stay on as an MP. Tory headquarters disagreed."
    clusters, _ = _resolve_tagged(body, [("Tory", "NORP")])
    assert [(c.name, c.type) for c in clusters] == [("Tory", "NORP")]


def test_a_list_the_model_read_as_one_name_is_its_names():
    body = (
        "Chelsea fielded Makelele, Lampard and Duff. The Bureau of Alcohol, Tobacco, "
        "Firearms and Explosives wrote to the University of California, Berkeley and the "
        "House Science, Space and Technology panel. The festival in Paris, Texas, was "
        "quiet, Highway Patrol, Capt said. The Senate Health, Education, Labor and Pensions "
        "panel read Adios, America. Chevron, Inc. paid Sammy Davis, Jr. in Jamaica, Trinidad "
        "and Tobago."
    )
    tagged = [
        ("Makelele, Lampard and Duff", "ORG"),
        ("Bureau of Alcohol, Tobacco, Firearms and Explosives", "ORG"),
        ("University of California, Berkeley", "ORG"),
        ("House Science, Space and Technology", "ORG"),
        ("Paris, Texas", "GPE"),
        ("Highway Patrol, Capt", "ORG"),
        ("Senate Health, Education, Labor and Pensions", "ORG"),
        ("Adios, America", "WORK_OF_ART"),
        ("Chevron, Inc.", "ORG"),
        ("Sammy Davis, Jr.", "PERSON"),
        ("Jamaica, Trinidad and Tobago", "GPE"),
    ]
    clusters, _ = _resolve_tagged(body, tagged)
    assert {c.name for c in clusters} == {
        "Makelele",
        "Lampard",
        "Duff",
        "Bureau of Alcohol, Tobacco, Firearms and Explosives",
        "University of California, Berkeley",
        "House Science, Space and Technology",
        "Paris",
        "Texas",
        "Highway Patrol",
        "Senate Health, Education, Labor and Pensions",
        "Adios, America",
        "Chevron, Inc.",
        "Sammy Davis, Jr.",
        "Jamaica",
        "Trinidad and Tobago",
    }
    for c in clusters:
        for m in c.mentions:
            assert body[m.start : m.end] == m.text


def test_acronym_definitions_need_matching_initials():
    body = "He joined the North Atlantic Treaty Organization (NATO) and the Big Club (XYZ)."
    assert [(long, short) for _, _, long, short in acronym_definitions(body)] == [
        ("North Atlantic Treaty Organization", "NATO")
    ]


@pytest.mark.parametrize(
    "body, expected",
    [
        ("Voters in Atlanta and Savannah went to the polls in Georgia on Tuesday.", "US"),
        ("Russia and Armenia held talks with Georgia about the border with Azerbaijan.", "GE"),
    ],
)
def test_ambiguous_place_names_are_resolved_by_the_article(body, expected):
    georgia = [c for c in _clusters(body) if c.name == "Georgia"]
    assert georgia and georgia[0].place is not None
    assert georgia[0].place.country_code == expected


@pytest.mark.parametrize(
    "body, name, place, kind",
    [
        # The state of that name only where the article names a place in it.
        (
            "Lawmakers in Washington said the vote on the bill was close.",
            "Washington",
            "Washington",
            "city",
        ),
        (
            "Rain fell across Seattle and Spokane. Washington has not had a wetter spring.",
            "Washington",
            "Washington",
            "us_state",
        ),
        (
            "The festival in Paris, Texas, drew crowds from Dallas and Houston.",
            "Paris",
            "Paris",
            "city",
        ),
    ],
)
def test_a_capital_beats_a_state_of_its_name_unless_the_article_is_in_that_state(
    body, name, place, kind
):
    found = {c.name: c for c in _clusters(body)}
    assert found[name].place is not None, found
    assert (found[name].place.name, found[name].place.kind) == (place, kind)
    if name == "Paris":
        assert found[name].place.country_code == "US"
    if kind == "city" and name == "Washington":
        assert found[name].place.admin1 == "DC"  # not one of the towns of that name


def test_ap_state_abbreviations_are_the_states():
    body = (
        "The rally in Reno, Nev., drew 2,000 people. Voters in Nevada cheered, and a crowd "
        "in Oakland, Calif., watched. Lawmakers in Washington, D.C., and D.C. police agreed."
    )
    found = {c.name: c for c in _clusters(body)}
    nevada = found["Nevada"]
    assert nevada.place.kind == "us_state" and "Nev." in nevada.aliases  # one entity
    california = next(c for c in found.values() if c.place and c.place.name == "California")
    assert california.place.kind == "us_state"
    capital = [c for c in found.values() if c.place and c.place.admin1 == "DC"]
    assert capital and all(c.place.kind == "city" for c in capital)


def test_abbreviations_need_their_full_stops():
    from newsfacts.extract import gazetteer

    assert [p.name for p in gazetteer.lookup("Pa.")] == ["Pennsylvania"]
    assert all(p.kind != "us_state" for p in gazetteer.lookup("Pa"))


def test_an_ambiguous_place_without_context_is_left_unlinked():
    from collections import Counter

    from newsfacts.extract import gazetteer
    from newsfacts.extract.resolution import choose_place

    assert choose_place(gazetteer.lookup("Georgia"), Counter(), set()) is None


def test_sample_build_mentions_resolve_and_match_bodies(sample_build):
    out, _ = sample_build
    articles = pd.read_parquet(out / "data" / "articles.parquet").set_index("article_id")
    mentions = pd.read_parquet(out / "data" / "mentions.parquet")
    entities = pd.read_parquet(out / "data" / "entities.parquet").set_index("entity_id")
    assert len(mentions) > 30
    assert set(mentions.entity_id) <= set(entities.index)
    assert set(mentions.article_id) <= set(articles.index)
    for row in mentions.itertuples():
        assert articles.body[row.article_id][row.start : row.end] == row.text
    counts = mentions.groupby("entity_id").size()
    assert (entities.mention_count == counts.reindex(entities.index)).all()
    pav = entities[entities.name == "Port Authority of Valmouth"]
    assert len(pav) == 1 and "PAV" in list(pav.aliases.iloc[0])


def _gold_and_bodies(corpus_dir):
    bodies, gold = [], []
    for file in sorted(ANNOTATIONS.glob("*.json")):
        for path, annotation in sorted(json.loads(file.read_text())["articles"].items()):
            reading = read_source(SourceFile(corpus_dir / path, path, "corpus"))
            bodies.append(to_article_row(reading.records[0])["body"])
            gold.append(
                [
                    ({name_key(e["name"])} | {name_key(a) for a in e["aliases"]}, e["type"])
                    for e in annotation["entities"]
                ]
            )
    return bodies, gold


def test_newsfacts_beats_the_bare_model_on_annotated_articles(corpus_dir):
    bodies, gold = _gold_and_bodies(corpus_dir)
    assert len(bodies) >= 40
    ours = [
        [({name_key(c.name)} | {name_key(a) for a in c.aliases}, c.type) for c in resolve(b, m)]
        for b, m in zip(bodies, recognise(bodies), strict=True)
    ]
    bare = []
    for doc in bare_model().pipe(bodies):
        kinds = {(name_key(e.text), e.label_) for e in doc.ents if e.label_ in ENTITY_TYPES}
        bare.append([({k}, t) for k, t in kinds])
    ours_f1 = score_entities(ours, gold, typed=True)[2]
    bare_f1 = score_entities(bare, gold, typed=True)[2]
    assert ours_f1 >= bare_f1 + 0.04, (ours_f1, bare_f1)


def test_entity_ids_do_not_depend_on_other_articles(tmp_path):
    sample = newsfacts.sample_dir()
    newsfacts.build([sample / "scraped"], tmp_path / "one")
    newsfacts.build([sample], tmp_path / "all")
    one = pd.read_csv(tmp_path / "one" / "data" / "entities.csv").set_index("name").entity_id
    everything = pd.read_csv(tmp_path / "all" / "data" / "entities.csv").set_index("name").entity_id
    shared = one.index.intersection(everything.index)
    assert len(shared) > 5
    assert (one[shared] == everything[shared]).all()


def test_acronym_mentions_get_their_own_sentence():
    body = (
        "The Shanghai Cooperation Organization (SCO) met. Nothing else happened here at all. "
        "Later the SCO said no."
    )
    result = next(recognise([body]))
    for cluster in resolve(body, result):
        for m in cluster.mentions:
            assert body[m.sentence_start : m.sentence_end].find(m.text) >= 0
            assert m.sentence_end > m.sentence_start


def _texts_clusters(*texts):
    bodies = list(texts)
    return [
        resolve(body, recognised)
        for body, recognised in zip(bodies, recognise(bodies), strict=True)
    ]


def test_a_bare_surname_is_a_person_when_the_corpus_names_people_by_it():
    from newsfacts.entities import Decisions
    from newsfacts.name_counts import EntityStats

    stats = EntityStats()
    # Full names in some articles, the bare surname (model: often ORG) in others.
    stats.surnames["trump"] += 6
    stats.types["trump", "ORG"] += 4
    stats.types["trump", "PERSON"] += 1
    # Written in capitals once ("TRUMP:") does not make it an acronym.
    stats.capitals["trump"] += 1
    # A company name that a few full names also end with stays an ORG.
    stats.surnames["ford"] += 2
    stats.types["ford", "ORG"] += 9
    stats.types["ford", "PERSON"] += 1
    # An acronym is not the end of a name ("UN", "Kim Jong Un").
    stats.surnames["un"] += 10
    stats.types["un", "ORG"] += 5
    stats.types["un", "PERSON"] += 1
    stats.capitals["un"] += 5
    decisions = Decisions.from_stats(stats)
    assert decisions.type_of("ORG", "Trump", None) == "PERSON"
    assert decisions.type_of("PERSON", "Ford", None) == "ORG"
    assert decisions.type_of("ORG", "UN", None) == "ORG"
    # A linked place keeps its type whatever the names say.
    stats.surnames["washington"] += 50
    stats.types["washington", "PERSON"] += 3
    stats.places["washington", "GPE"] += 3
    decisions = Decisions.from_stats(stats)
    assert decisions.type_of("GPE", "Washington", 4140963) == "GPE"
    assert decisions.type_of("PERSON", "Washington", None) == "PERSON"


def test_one_name_has_one_type_across_the_corpus():
    """The model reads a name differently from article to article; each reading
    would be an entity of its own. The reading with most mentions wins."""
    from newsfacts.entities import Decisions
    from newsfacts.name_counts import EntityStats

    stats = EntityStats()
    stats.types["politico", "ORG"] += 7
    stats.types["politico", "PERSON"] += 5
    stats.types["covid 19", "ORG"] += 12
    stats.types["covid 19", "PERSON"] += 4
    stats.types["covid 19", "GPE"] += 1
    decisions = Decisions.from_stats(stats)
    for kind in ("ORG", "PERSON"):
        assert decisions.type_of(kind, "Politico", None) == "ORG"
    assert decisions.type_of("GPE", "COVID-19", None) == "ORG"
    # A name the model reads one way only is left as it is.
    stats.types["reuters", "ORG"] += 3
    assert Decisions.from_stats(stats).type_of("ORG", "Reuters", None) == "ORG"


def test_the_vote_does_not_depend_on_the_model_s_type():
    """ "Democrats" read as a NORP group in one article (keyed in the singular)
    and as an ORG in another vote together, and end as one entity."""
    from newsfacts.entities import Decisions, EntityTable
    from newsfacts.extract.ner import Mention
    from newsfacts.extract.resolution import Cluster, entity_key
    from newsfacts.name_counts import EntityStats

    def cluster(kind, name, mentions):
        spans = [Mention(0, len(name), name, kind, 0, 0, len(name))] * mentions
        return Cluster(kind, name, entity_key(name, kind), spans, set())

    articles = [
        [cluster("NORP", "Democrats", 5)],
        [cluster("ORG", "Democrats", 2)],
        [cluster("NORP", "Democrat", 1)],
    ]
    stats = EntityStats()
    for clusters in articles:
        stats.add(clusters)
    table = EntityTable(Decisions.from_stats(stats))
    for i, clusters in enumerate(articles):
        table.add({"article_id": f"a{i}", "body": clusters[0].name}, clusters, [])
    rows = list(table.rows())
    assert [(r["type"], r["article_count"], r["mention_count"]) for r in rows] == [("NORP", 3, 8)]


def test_a_name_mostly_linked_to_a_place_is_not_a_person():
    """ "Manchester" read as a person in football reports is the city (or its
    club) everywhere else; a place linked more often than read as a person
    stops the PERSON reading, and the place's type stands in for it."""
    from newsfacts.entities import Decisions
    from newsfacts.name_counts import EntityStats

    stats = EntityStats()
    stats.types["manchester", "PERSON"] += 4
    stats.places["manchester", "GPE"] += 40
    stats.types["jordan", "PERSON"] += 30
    stats.places["jordan", "GPE"] += 12
    decisions = Decisions.from_stats(stats)
    assert decisions.type_of("PERSON", "Manchester", None) == "GPE"
    assert decisions.type_of("PERSON", "Jordan", None) == "PERSON"


def test_a_first_name_opens_more_person_names_than_other_names():
    """ "Bernie Ebbers" tagged ORG is a person because "Bernie" opens other
    people's names; "New York Times" is not, though the model calls "New
    Bruce Willis" and "New Order" people: "New" opens far more other names."""
    from newsfacts.entities import Decisions
    from newsfacts.name_counts import EntityStats

    stats = EntityStats()
    for key in ("bernie sanders", "bernie grant"):
        stats.openers["bernie", key] += 1
    for key in ("new order", "new bruce willis"):
        stats.openers["new", key] += 1
    for key in ("new york", "new jersey", "new york times"):
        stats.other_openers["new", key] += 1
    decisions = Decisions.from_stats(stats)
    assert decisions.type_of("ORG", "Bernie Ebbers", None) == "PERSON"
    assert decisions.type_of("ORG", "New York Times", None) == "ORG"


def test_an_entity_is_keyed_by_its_canonical_name():
    """Whatever form grouped an article's mentions, the entity is its canonical
    name: "Democrats" in one article and "Democrat" in another are one
    group of people."""
    from newsfacts.entities import entity_tables

    bodies = [
        "Democrats in the Senate blocked the bill on Tuesday. Democrats said it was rushed.",
        "A Democrat from Ohio voted against the bill on Tuesday.",
    ]
    articles = [{"article_id": f"a{i}", "body": b} for i, b in enumerate(bodies)]
    resolved = [
        (a, resolve(a["body"], r), r) for a, r in zip(articles, recognise(bodies), strict=True)
    ]
    kinds = {c.name: c.type for _, clusters, _ in resolved for c in clusters}
    assert kinds.get("Democrats") == kinds.get("Democrat") == "NORP", kinds
    entities, mentions, _ = entity_tables(resolved)
    norp = [e for e in entities if e["type"] == "NORP"]
    assert len(norp) == 1 and norp[0]["article_count"] == 2, norp


def test_surnames_are_counted_from_full_person_names():
    from newsfacts.name_counts import EntityStats

    stats = EntityStats()
    for clusters in _texts_clusters(
        "Donald Trump spoke on Monday. Trump said the talks went well.",
        "The Trump administration said on Tuesday it would appeal.",
    ):
        stats.add(clusters)
    assert stats.surnames["trump"] >= 2  # both mentions of the first article's person


def _typed_alone(body: str, text: str, label: str) -> str:
    """The type of the one entity of ``body``, whose one mention the model
    read as ``text`` with ``label``."""
    (cluster,), _ = _resolve_tagged(body, [(text, label)])
    assert cluster.name == text
    return cluster.type


def _resolve_tagged(body: str, tagged: list[tuple[str, str]]):
    """Clusters of ``body`` whose model output is ``tagged``: (text, label) for
    each mention in order, each found after the one before (one sentence)."""
    from newsfacts.extract.ner import Mention, Recognised

    mentions, position = [], 0
    for text, label in tagged:
        start = body.index(text, position)
        mentions.append(Mention(start, start + len(text), text, label, 0, 0, len(body)))
        position = start + len(text)
    return resolve(body, Recognised(mentions, [(0, len(body))])), mentions


def _tables_of_tagged(tagged: list[tuple[str, list[tuple[str, str]]]]):
    """The entity tables of articles (body, model output as for ``_resolve_tagged``),
    one article each, ids a00, a01, …"""
    from newsfacts.entities import entity_tables

    resolved = []
    for i, (body, mentions) in enumerate(tagged):
        clusters, found = _resolve_tagged(body, mentions)
        article = {"article_id": f"a{i:02d}", "body": body}
        resolved.append((article, clusters, Recognised(found, [(0, len(body))])))
    return entity_tables(resolved)


def test_a_bare_surname_is_the_person_the_corpus_names_in_full_by_it():
    """ "Obama" alone in an article is Barack Obama when he is nearly all the
    corpus's "… Obama"s and the article calls him a person (a title, or more
    than one mention); "Smith" (John and Jane, as often) stays its own name."""

    tagged = [("Barack Obama spoke in the hall.", [("Barack Obama", "PERSON")])] * 4
    tagged += [("Michelle Obama spoke in the hall.", [("Michelle Obama", "PERSON")])]
    tagged += [("President Obama said the talks went well.", [("Obama", "PERSON")])] * 3
    tagged += [("Obama spoke. Obama left.", [("Obama", "PERSON"), ("Obama", "PERSON")])] * 2
    # Once, untitled: as likely the model's mistake ("at Bolton", the club).
    tagged += [("Fans at Obama cheered the team.", [("Obama", "PERSON")])]
    # The one middle initial written into his name is him too ...
    tagged += [("Barack H. Obama spoke in the hall.", [("Barack H. Obama", "PERSON")])] * 2
    # ... but not into a name that is not the surname's person.
    tagged += [("George W. Bush spoke in the hall.", [("George W. Bush", "PERSON")])] * 3
    tagged += [("George Bush spoke in the hall.", [("George Bush", "PERSON")])]
    tagged += [("Jeb Bush spoke in the hall.", [("Jeb Bush", "PERSON")])] * 3
    tagged += [("John Smith spoke in the hall.", [("John Smith", "PERSON")])] * 2
    tagged += [("Jane Smith spoke in the hall.", [("Jane Smith", "PERSON")])] * 2
    tagged += [("Smith said the talks went well.", [("Smith", "PERSON")])]
    # A first name that also ends a few names is no surname: "Hillary" alone is
    # not "Crooked Hillary".
    tagged += [("Hillary Clinton spoke in the hall.", [("Hillary Clinton", "PERSON")])] * 3
    tagged += [("Hillary Duff spoke in the hall.", [("Hillary Duff", "PERSON")])] * 2
    tagged += [("Crooked Hillary spoke in the hall.", [("Crooked Hillary", "PERSON")])] * 3
    tagged += [("Hillary said the talks went well.", [("Hillary", "PERSON")])]
    entities, mentions, _ = _tables_of_tagged(tagged)
    by_name = {e["name"]: e for e in entities}
    barack = by_name["Barack Obama"]  # the name stays the full one, however many say "Obama"
    assert barack["article_count"] == 11 and {"Obama", "Barack H. Obama"} <= set(barack["aliases"])
    assert by_name["George W. Bush"]["article_count"] == 3
    assert by_name["George Bush"]["article_count"] == 1
    bare = [m for m in mentions if m["text"] == "Obama" and m["entity_id"] == barack["entity_id"]]
    assert len(bare) == 7
    assert by_name["Obama"]["article_count"] == 1
    assert by_name["Michelle Obama"]["article_count"] == 1
    assert by_name["Smith"]["article_count"] == 1
    assert by_name["John Smith"]["article_count"] == by_name["Jane Smith"]["article_count"] == 2
    assert by_name["Hillary"]["article_count"] == 1


def test_a_name_stops_at_a_line_break():
    body = "He read the Washington Post\n\nOthers said the report was wrong."
    clusters, _ = _resolve_tagged(body, [("Washington Post\n\nOthers", "ORG")])
    assert [(c.name, c.mentions[0].text) for c in clusters] == [
        ("Washington Post", "Washington Post")
    ]


def test_a_hyphenated_nationality_is_one_group():
    body = (
        "Asian-American artists met Somali-Dutch and Iraqi-German directors. "
        "The Israeli-Palestinian talks went on, and south-east Asian firms joined."
    )
    clusters, _ = _resolve_tagged(
        body,
        [
            ("Asian", "NORP"),
            ("American", "NORP"),
            ("Somali", "NORP"),
            ("German", "NORP"),
            ("Israeli", "NORP"),
            ("Asian", "NORP"),
        ],
    )
    assert sorted(c.name for c in clusters) == [
        "Asian-American",
        "Iraqi-German",
        "Israeli-Palestinian",
        "Somali-Dutch",
        "south-east Asian",
    ]
    assert {c.type for c in clusters} == {"NORP"}


def test_a_hyphen_or_compass_word_joins_only_nationalities():
    # A place or an organisation after the hyphen is another entity ("US-Mexico
    # border" is two countries), a lone lower-case compass word a region's people.
    body = "The Chinese-owned US-Mexico firm hired central Chinese workers and Anglo-Saxon staff."
    clusters, _ = _resolve_tagged(
        body, [("Chinese", "NORP"), ("US", "GPE"), ("Mexico", "GPE"), ("Chinese", "NORP")]
    )
    assert sorted(c.name for c in clusters) == ["Chinese", "Mexico", "US"]


def test_a_possessive_clitic_is_not_part_of_the_name_after_it():
    body = "He posted on the president’s Twitter account, and it’s Donald Trump who won."
    clusters, _ = _resolve_tagged(body, [("’s Twitter", "PERSON"), ("’s Donald Trump", "PERSON")])
    assert sorted(c.name for c in clusters) == ["Donald Trump", "Twitter"]


@pytest.mark.parametrize(
    ("body", "tagged", "expected"),
    [
        (
            "Delegates of the United Nations Economic Commission for Europe met in May.",
            [("United Nations Economic Commission", "ORG"), ("Europe", "LOC")],
            ["United Nations Economic Commission for Europe"],
        ),
        (
            "She sued in the U.S. District Court for the District of Columbia. It ruled.",
            [("U.S. District Court", "ORG"), ("District of Columbia", "GPE")],
            ["U.S. District Court for the District of Columbia"],
        ),
        (  # an abbreviation inside, a sentence's full stop after
            "The case went to the Court of Appeals for the D.C. Circuit. Judges agreed.",
            [("Court of Appeals", "ORG")],
            ["Court of Appeals for the D.C. Circuit"],
        ),
        (  # no body before "for": a department, a pollster, a month
            "The Commerce Department for November, ICM for BBC News and the Party for Texas.",
            [("Commerce Department", "ORG"), ("ICM", "ORG"), ("BBC News", "ORG")],
            ["BBC News", "Commerce Department", "ICM"],
        ),
        (  # a possessive after the capitalised words ends no name
            "The Council for Alabama's schools said so. The Office for March opened.",
            [("Council", "ORG"), ("Office", "ORG")],
            ["Council", "Office"],
        ),
    ],
)
def test_an_institution_named_for_its_purpose_is_one_name(body, tagged, expected):
    clusters, _ = _resolve_tagged(body, tagged)
    assert sorted(c.name for c in clusters) == sorted(expected)


def test_a_name_with_a_particle_is_one_person():
    body = (
        "Ursula von der Leyen called Sandra den Hamer's office. "
        "Salman bin Abdulaziz Al Saud wrote. Maria came to de Havilland's plant."
    )
    clusters, _ = _resolve_tagged(
        body,
        [
            ("Ursula von", "PERSON"),
            ("Leyen", "GPE"),
            ("Sandra", "PERSON"),
            ("Salman", "PERSON"),
            ("bin Abdulaziz Al Saud", "PERSON"),
            ("Maria", "PERSON"),  # "came to de …": no particle right after the name
        ],
    )
    assert sorted((c.name, c.type) for c in clusters) == [
        ("Maria", "PERSON"),
        ("Salman bin Abdulaziz Al Saud", "PERSON"),
        ("Sandra den Hamer", "PERSON"),
        ("Ursula von der Leyen", "PERSON"),
    ]


@pytest.mark.parametrize("before", ["Leaders in ", "Leaders of ", ""])
def test_a_continent_is_a_location_wherever_it_is_written(before):
    body = f"{before}Europe met."
    clusters, _ = _resolve_tagged(body, [("Europe", "LOC")])
    assert [(c.name, c.type) for c in clusters] == [("Europe", "LOC")]
    clusters, _ = _resolve_tagged(body, [("Europe", "GPE")])
    assert [(c.name, c.type) for c in clusters] == [("Europe", "LOC")]


def test_a_club_is_called_by_its_first_or_last_word():
    body = (
        "Harbour City beat Northgate Rovers, two points ahead of Lindale Athletic. "
        "Rovers led early; Lindale won in Lindale."
    )
    clusters, _ = _resolve_tagged(
        body,
        [
            ("Northgate Rovers", "ORG"),
            ("Lindale Athletic", "PERSON"),
            ("Rovers", "ORG"),
            ("Lindale", "PERSON"),
        ],
    )
    named = {c.name: (c.type, sorted(c.aliases)) for c in clusters}
    assert named == {
        "Northgate Rovers": ("ORG", ["Rovers"]),
        "Lindale Athletic": ("ORG", ["Lindale"]),
    }


def test_a_courtesy_title_makes_a_person_and_names_the_full_name():
    body = (
        "Bernie Ebbers built the firm. Mr Ebbers denied it, Ms. Houston said. "
        "The former Miss Utah won."
    )
    clusters, _ = _resolve_tagged(
        body,
        [
            ("Bernie Ebbers", "ORG"),
            ("Ebbers", "ORG"),
            ("Houston", "GPE"),
            ("Utah", "GPE"),
        ],
    )
    named = {(c.name, c.type): sorted(c.aliases) for c in clusters}
    assert named == {
        ("Bernie Ebbers", "PERSON"): ["Ebbers"],
        ("Houston", "PERSON"): [],
        ("Utah", "GPE"): [],  # a pageant's title, not a woman
    }


@pytest.mark.parametrize(
    ("body", "text", "label", "expected"),
    [
        ("Newcastle boss Graeme Souness spoke.", "Newcastle", "GPE", "ORG"),
        ("They signed Charlton midfielder Graham Stuart.", "Charlton", "PERSON", "ORG"),
        ("It was a 2-0 victory over Fulham on Sunday.", "Fulham", "GPE", "ORG"),
        # The town, a country's team, and a person beaten at the polls.
        ("She grew up in Newcastle.", "Newcastle", "GPE", "GPE"),
        ("The Wales captain was injured.", "Wales", "GPE", "GPE"),
        ("It was a victory over Obama in Ohio.", "Obama", "PERSON", "PERSON"),
    ],
)
def test_a_town_with_a_player_manager_or_result_is_its_club(body, text, label, expected):
    assert _typed_alone(body, text, label) == expected


@pytest.mark.parametrize(
    ("text", "label", "expected"),
    [
        ("Wales", "ORG", "GPE"),  # the side; a nation ISO 3166-2 lists
        ("Slovakia", "ORG", "GPE"),
        ("Vatican", "FAC", "GPE"),
        ("Sri Lanka", "PERSON", "GPE"),
        ("Chad", "PERSON", "PERSON"),  # a first name as often as a country
        ("Wales Millennium Centre", "ORG", "FAC"),  # a name with the country in it
    ],
)
def test_a_country_is_a_place_whatever_the_model_calls_it(text, label, expected):
    assert _typed_alone(f"They said {text} had won.", text, label) == expected


@pytest.mark.parametrize(
    ("text", "label", "expected"),
    [
        ("Pew Research Center", "ORG", "ORG"),  # a centre that studies: an institution
        ("Southern Poverty Law Center", "ORG", "ORG"),
        ("European Policy Centre", "ORG", "ORG"),
        ("Kennedy Center", "ORG", "FAC"),  # a building
        ("Barbican Centre", "ORG", "FAC"),
        ("Lincoln Research Center", "GPE", "FAC"),  # only the model's ORG is kept
    ],
)
def test_a_research_or_policy_centre_is_an_organisation(text, label, expected):
    assert _typed_alone(f"They said {text} had a report.", text, label) == expected


def test_handles_and_addresses_are_no_names():
    body = "Follow @realDonaldTrump, write to Jane.Doe@example.com or to Jeff Flake @CBNNews."
    clusters, _ = _resolve_tagged(
        body,
        [
            ("realDonaldTrump", "ORG"),
            ("Jane.Doe@example.com", "ORG"),
            ("Jeff Flake @CBNNews", "PERSON"),
        ],
    )
    assert [(c.name, c.type) for c in clusters] == [("Jeff Flake", "PERSON")]


def test_nationality_words_the_model_missed_are_groups_but_not_languages():
    body = (
        "Two of the best English kickers met Britons abroad. Only English was spoken; "
        "he speaks Spanish, taught English, reads Spanish-language papers, paid 9 Canadian "
        "dollars, flew British Airways and lives near Green Bay. She sang in Massenet's Thais "
        "twice."
    )
    clusters, _ = _resolve_tagged(body, [])
    assert sorted((c.name, c.type) for c in clusters) == [("Britons", "NORP"), ("English", "NORP")]
    english = next(c for c in clusters if c.name == "English")
    assert [m.start for m in english.mentions] == [body.index("English kickers")]


def test_a_politician_s_party_label_names_a_state():
    body = "Rep. John Ratcliffe (R-Texas) met Sen. Rand Paul, R-Ky., and Rep. Ann Lee (D-CA)."
    clusters, _ = _resolve_tagged(
        body, [("John Ratcliffe", "PERSON"), ("Rand Paul", "PERSON"), ("Ann Lee", "PERSON")]
    )
    places = {c.name: (c.type, c.place.name if c.place else None) for c in clusters}
    assert places["Texas"] == ("GPE", "Texas")
    assert places["Ky."] == ("GPE", "Kentucky")
    assert "CA" not in places  # a postal code the gazetteer could not link


def test_a_name_misspelt_by_a_doubled_letter_is_the_same_person():
    body = "Eliot Spitzer resigned. Elliott Spitzer spoke; Spitzer left. Anna Ruiz met Ana Ruiz."
    clusters, _ = _resolve_tagged(
        body,
        [
            ("Eliot Spitzer", "PERSON"),
            ("Elliott Spitzer", "PERSON"),
            ("Spitzer", "PERSON"),
            ("Anna Ruiz", "PERSON"),
            ("Ana Ruiz", "PERSON"),
        ],
    )
    named = {c.name: sorted(c.aliases) for c in clusters}
    assert named["Elliott Spitzer"] == ["Eliot Spitzer", "Spitzer"]
    assert len(named) == 2  # and one Ana/Anna Ruiz


def test_every_other_occurrence_of_a_tagged_form_is_a_mention():
    body = (
        "Nancy Pelosi spoke in May. Later Pelosi named a panel, and Pelosi left. "
        "The Bill passed; the bill was long. Trump spoke. Trump Tower rose. "
        "May ended."
    )
    clusters, _ = _resolve_tagged(
        body,
        [("Nancy Pelosi", "PERSON"), ("Pelosi", "PERSON"), ("Bill", "PERSON"), ("Trump", "PERSON")],
    )
    texts = {c.name: [(m.start, m.text) for m in c.mentions] for c in clusters}
    pelosi = [m.start() for m in re.finditer("Pelosi", body)]
    assert texts["Nancy Pelosi"] == [
        (0, "Nancy Pelosi"),
        (pelosi[1], "Pelosi"),
        (pelosi[2], "Pelosi"),
    ]
    # "Trump Tower" is another name; "bill" in lower case makes "Bill" a word.
    assert [t for _, t in texts["Trump"]] == ["Trump"]
    assert len(texts["Bill"]) == 1
    for c in clusters:
        for m in c.mentions:
            assert body[m.start : m.end] == m.text


def test_a_bare_name_is_not_the_person_whose_hyphenated_surname_ends_with_it():
    """ "Lewis-Jones" is the surname of Mark Lewis-Jones, and "Jones" alone is
    not him; "al-Assad" is Assad with a particle, and "Assad" alone is him."""
    tagged = [("Mark Lewis-Jones ran.", [("Mark Lewis-Jones", "PERSON")])] * 4
    tagged += [("Jones spoke. Jones left.", [("Jones", "PERSON")] * 2)]
    tagged += [("Bashar al-Assad spoke.", [("Bashar al-Assad", "PERSON")])] * 4
    tagged += [("Assad won. Assad left.", [("Assad", "PERSON")] * 2)]
    entities, mentions, _ = _tables_of_tagged(tagged)
    name_of = {e["entity_id"]: e["name"] for e in entities}
    named = {(m["text"], name_of[m["entity_id"]]) for m in mentions}
    assert ("Jones", "Jones") in named and ("Jones", "Mark Lewis-Jones") not in named
    assert ("Assad", "Bashar al-Assad") in named


def test_a_one_word_person_the_corpus_writes_after_on_is_a_platform():
    """The model calls "Twitter" a person; people are rarely "on" anything,
    platforms are. A person talked about ("on Smith's plan") stays one."""

    tagged = [("He wrote on Chirpr that the vote was rigged.", [("Chirpr", "PERSON")])] * 12
    tagged += [("Chirpr suspended the account on Monday.", [("Chirpr", "PERSON")])] * 13
    tagged += [("The vote on Smith's plan failed on Monday.", [("Smith", "PERSON")])] * 25
    tagged += [("Fans on Sunday cheered Jones at the match.", [("Jones", "PERSON")])] * 25
    entities, mentions, _ = _tables_of_tagged(tagged)
    kinds = {e["name"]: (e["type"], e["article_count"]) for e in entities}
    assert kinds == {"Chirpr": ("ORG", 25), "Smith": ("PERSON", 25), "Jones": ("PERSON", 25)}
    assert {m["type"] for m in mentions if m["text"] == "Chirpr"} == {"ORG"}


def test_a_one_word_person_the_corpus_writes_after_the_is_no_person():
    """The model calls a band or a league a person; people are seldom "the"
    anything. A surname is, as a modifier or for a family ("the Kell plan",
    "the Kells", "the Bushes"); a word that opens people's names stays a first
    name, a name an article titles ("Mr Murdoch") a person, and so does a title
    or a rank said alone ("the Queen", "the Duchess")."""

    def said(sentence: str, name: str, times: int = 6) -> list:
        return [(sentence, [(name, "PERSON")])] * times

    tagged = [("Fans of the Zorbles sang as the Zorbles won.", [("Zorbles", "PERSON")] * 2)] * 3
    tagged += said("Zorbles beat them again.", "Zorbles", 3)
    tagged += said("Jane Kell spoke.", "Jane Kell", 3)
    tagged += said("Under the Kell plan, taxes rose.", "Kell")
    tagged += said("Dinner with the Kells ran late.", "Kells")
    tagged += said("George Bush spoke.", "George Bush", 3)
    tagged += said("Dinner with the Bushes ran late.", "Bushes")
    tagged += said("He built the Murdoch empire.", "Murdoch")
    tagged += said("Mr Murdoch left.", "Murdoch", 1)
    tagged += [
        (f"Ada {s} and Ada {t} met.", [(f"Ada {s}", "PERSON"), (f"Ada {t}", "PERSON")])
        for s, t in (("Bo", "Cy"), ("Di", "Ed"))
    ]
    tagged += said("He met the Ada of the story.", "Ada")
    tagged += said("Crowds cheered the Queen.", "Queen")
    tagged += said("Crowds cheered the Duchess.", "Duchess")
    _, mentions, _ = _tables_of_tagged(tagged)
    types: dict[str, set] = {}
    for m in mentions:
        types.setdefault(m["text"], set()).add(m["type"])
    assert types["Zorbles"] == {"ORG"}
    people = ("Kell", "Kells", "Bushes", "Murdoch", "Ada", "Queen", "Duchess")
    assert {name: types[name] for name in people} == {name: {"PERSON"} for name in people}


def test_what_an_article_says_a_name_is_beats_the_corpus_vote():
    """Most articles read "Newcastle" and "Hague" as places; the one that says
    "Newcastle boss" means the club, the one that says "Mr Hague" a man."""

    tagged = [("Rain fell on Newcastle and The Hague.", [("Newcastle", "GPE"), ("Hague", "GPE")])]
    tagged = tagged * 10 + [
        ("Newcastle boss Ann Lee spoke.", [("Newcastle", "GPE")]),
        ("Mr Hague spoke.", [("Hague", "GPE")]),
    ]
    _, mentions, _ = _tables_of_tagged(tagged)
    types = {(m["article_id"], m["text"]): m["type"] for m in mentions}
    assert types["a10", "Newcastle"] == "ORG"
    assert types["a11", "Hague"] == "PERSON"
    assert types["a00", "Newcastle"] == types["a00", "Hague"] == "GPE"


def test_a_cluster_takes_the_type_of_its_full_name_however_often_the_surname_is_mistyped():
    body = "Gerard Houllier spoke. Houllier said yes. Houllier left. Houllier won."
    tagged = [("Gerard Houllier", "PERSON")] + [("Houllier", "ORG")] * 3
    (cluster,), _ = _resolve_tagged(body, tagged)
    assert (cluster.name, cluster.type) == ("Gerard Houllier", "PERSON")
    assert len(cluster.mentions) == 4


@pytest.mark.parametrize(
    ("text", "label", "expected"),
    [
        ("National Defense Authorization Act", "ORG", "LAW"),
        ("Kyoto Protocol", "PRODUCT", "LAW"),
        ("Sydney Olympics", "ORG", "EVENT"),
        ("Rotterdam Film Festival", "FAC", "EVENT"),
        ("Davis Cup", "FAC", "EVENT"),
        # One word is no name of that kind; a company named "... Games" stays.
        ("Act", "ORG", "ORG"),
        ("Epic Games", "ORG", "ORG"),
        # Sports clubs; a city and a county stay places.
        ("Manchester United", "PERSON", "ORG"),
        ("Glasgow Rangers", "PERSON", "ORG"),
        ("Bolton Wanderers", "GPE", "ORG"),
        ("Kansas City", "GPE", "GPE"),
        ("Orange County", "GPE", "GPE"),
        # A party's members are a group; a book's title stays a work.
        ("Lib Dems", "PERSON", "NORP"),
        ("Lib Dem", "PERSON", "NORP"),
        ("How to Turn Republicans", "WORK_OF_ART", "WORK_OF_ART"),
        # A broadcaster's name with a programme's words is the programme; its
        # channels stay organisations.
        ("NBC Nightly News", "ORG", "WORK_OF_ART"),
        ("Fox & Friends", "ORG", "WORK_OF_ART"),
        ("CBS This Morning", "EVENT", "WORK_OF_ART"),
        ("Fox News", "ORG", "ORG"),
        ("BBC Radio Five Live", "ORG", "ORG"),
        ("Sky Sports", "ORG", "ORG"),
        ("CBS & NBC", "ORG", "ORG"),
        # A landform is a location; an institution named for one stays.
        ("Capitol Hill", "ORG", "LOC"),
        ("Channel Islands", "ORG", "LOC"),
        ("University of the Highlands and Islands", "ORG", "ORG"),
        ("Rhode Island", "GPE", "GPE"),
        ("Richard Hill", "PERSON", "PERSON"),
        ("The Hill", "ORG", "ORG"),
        ("Ivory Coast", "ORG", "GPE"),
        ("Rhode Island", "ORG", "GPE"),
        # A bank is an institution, a river's side a place.
        ("World Bank", "GPE", "ORG"),
        ("West Bank", "GPE", "GPE"),
        ("East Bank", "GPE", "GPE"),
    ],
)
def test_a_name_s_words_can_say_what_it_is(text, label, expected):
    (cluster,), _ = _resolve_tagged(f"They spoke about the {text} on Monday.", [(text, label)])
    assert cluster.type == expected


def test_a_capitalised_common_word_mentioned_once_is_no_entity():
    body = "The Cabinet met on Monday. Ms. White said the cabinet was divided over white paper."
    clusters, _ = _resolve_tagged(body, [("Cabinet", "ORG"), ("White", "PERSON")])
    # "Cabinet" is the word "cabinet"; "White" is a person even though "white" is a word.
    assert [(c.name, c.type) for c in clusters] == [("White", "PERSON")]


def test_names_linked_to_one_place_are_one_entity_of_the_article():
    body = "The US said no. Officials in the United States disagreed. The US later agreed."
    tagged = [("US", "GPE"), ("United States", "GPE"), ("US", "GPE")]
    (cluster,), mentions = _resolve_tagged(body, tagged)
    assert (cluster.name, cluster.type, cluster.aliases) == ("United States", "GPE", {"US"})
    assert [m.start for m in cluster.mentions] == [m.start for m in mentions]
    assert cluster.place is not None and cluster.place.country_code == "US"


@pytest.mark.parametrize(
    ("body", "text", "label", "expected"),
    [
        ("The film Submission was shown once.", "Submission", "PRODUCT", "WORK_OF_ART"),
        ("He worked on films such as Troy.", "Troy", "GPE", "WORK_OF_ART"),
        ("Size, whose New Forms album won, spoke.", "New Forms", "ORG", "WORK_OF_ART"),
        ("A drama entitled “Underexposure” opens.", "Underexposure", "ORG", "WORK_OF_ART"),
        # A verb is no cue: the club stays a club.
        ("They play Liverpool on Saturday.", "Liverpool", "ORG", "ORG"),
    ],
)
def test_a_name_the_text_calls_a_film_album_or_book_is_a_work(body, text, label, expected):
    assert _typed_alone(body, text, label) == expected


def test_countries_carry_their_wikidata_item_and_nothing_else_does(seed_entities):
    from newsfacts.entities import entity_tables

    body, _ = seed_entities
    recognised = next(recognise([body]))
    article = {"article_id": "0" * 16, "body": body}
    entities, _, _ = entity_tables([(article, resolve(body, recognised), recognised)])
    items = {row["name"]: row["wikidata_id"] for row in entities}
    # Items are facts of the world: https://www.wikidata.org/wiki/Q159 is Russia.
    assert (items["Russia"], items["Tajikistan"], items["Afghanistan"]) == ("Q159", "Q863", "Q889")
    countries = {row["name"] for row in entities if row["place_kind"] == "country"}
    assert all(items[name] for name in countries)
    assert not any(items[row["name"]] for row in entities if row["place_kind"] != "country")


def test_a_country_code_the_table_gives_two_items_gets_none():
    from importlib import resources

    import pycountry

    from newsfacts.extract import gazetteer

    table = resources.files("coordinates2country") / "resources" / "countries.csv"
    listed = defaultdict(set)
    for line in table.read_text(encoding="utf-8").splitlines():
        _, code, number = line.split(",")
        listed[code].add(number)
    items = gazetteer._country_items()
    assert len(items) >= 190
    assert all(pycountry.countries.get(alpha_2=code) for code in items)
    assert len(set(items.values())) == len(items)
    twice = {code for code, found in listed.items() if len(found) > 1}
    assert twice and not twice & set(items)
    somalia = gazetteer.lookup("Somalia")[0]
    assert somalia.kind == "country" and gazetteer.wikidata_item(somalia) is None


def test_a_name_other_articles_tag_is_a_mention_where_the_model_missed_it():
    """Three articles tag "Zorblex"; a fourth writes it untagged, twice: both
    are mentions of the same entity, as is a full name after a title and a
    place (linked like the tagged ones)."""
    tagged = [("Zorblex said on Monday it would act.", [("Zorblex", "ORG")])] * 3
    tagged += [("Rain fell on Cardiff today.", [("Cardiff", "GPE")])] * 3
    tagged += [("Then Ada Quillon spoke.", [("Ada Quillon", "PERSON")])] * 3
    tagged += [("Then Zorb Dems spoke.", [("Zorb Dems", "NORP")])] * 3
    tagged += [("They aired Access Zorblex.", [("Access Zorblex", "WORK_OF_ART")])] * 3
    untagged = (
        "She posted on Zorblex, and Zorblex's page said so "
        "as President Ada Quillon played in Cardiff on Saturday with Zorb Dems "
        '(Photo: Ann Lee/Zorblex) after the "Access Zorblex" tape, a Zorblex/Vexor poll. '
        "Zorblex is big."
    )
    tagged += [(untagged, [])]
    # Addresses are not the word in lower case; an abbreviation is not the word.
    tagged += [("See zorblex.com on ice.", [])] * 5
    tagged += [("Follow @zorblex or x.com/zorblex.", [])] * 5
    tagged += [("They said ICE was right.", [("ICE", "ORG")])] * 3
    tagged += [("They skated on ice as ICE agents watched.", [])]
    # Where the model did tag the name (with another type), it is not tagged twice.
    tagged += [("She posted on Zorblex that day.", [("Zorblex", "PERSON")])]
    entities, mentions, _ = _tables_of_tagged(tagged)
    by_name = {e["name"]: e for e in entities}
    found = sorted((m for m in mentions if m["article_id"] == "a15"), key=lambda m: m["start"])
    assert [m["text"] for m in found] == [
        "Zorblex",
        "Zorblex",
        "Ada Quillon",
        "Cardiff",
        "Zorb Dems",
        "Zorblex",
        "Access Zorblex",  # one mention, not "Zorblex" inside it too
        "Zorblex",
        "Zorblex",  # at a sentence's start: the corpus never writes it in lower case
    ]
    assert [m["text"] for m in mentions if m["article_id"] == "a29"] == ["ICE"]
    assert [m["text"] for m in mentions if m["article_id"] == "a30"] == ["Zorblex"]
    for m in found:
        assert untagged[m["start"] : m["end"]] == m["text"]
        assert m["entity_id"] == by_name[m["text"]]["entity_id"]
        assert m["type"] == by_name[m["text"]]["type"]
    assert by_name["Zorblex"]["article_count"] == 5
    assert by_name["Cardiff"]["article_count"] == 4
    assert by_name["Zorblex"]["mention_count"] == 9
    assert by_name["Cardiff"]["country_code"] == "GB"


def test_a_known_name_is_not_taken_where_it_may_be_part_of_something_else():
    """Not inside a longer name, an address or a hyphenated word; a one-word
    name not at a sentence's start if the corpus also writes it in lower case,
    nor where the article (or more articles than tag it) does, nor when it names people, works or
    products differently in different articles; no plural abbreviation; no place
    the gazetteer does not know; no name fewer than three articles tag."""
    known = [
        ("Zorblex", "ORG"),
        ("State", "ORG"),
        ("Union", "ORG"),
        ("Quillon", "PERSON"),
        ("MPs", "ORG"),
        ("Ada Quillon", "PERSON"),
        ("Zorbish", "NORP"),
        ("Zorbania", "GPE"),
        ("Vexa", "ORG"),
    ]
    tagged = [(f"They said {name} was right.", [(name, kind)]) for name, kind in known] * 3
    tagged += [("It was a vexa of sorts.", [])]
    tagged += [("They said City was right.", [("City", "GPE")])] * 3
    tagged += [("The city grew.", [])] * 4
    tagged += [("They said Vexor was right.", [("Vexor", "ORG")])] * 2
    untagged = (
        "They watched Zorblex Live. See Zorblex.com or the anti-Zorblex group. "
        "Vexa is big. The Secretary of State met. The Union met; a union formed. "
        "They met Quillon and MPs in City and Vexor, the Ada Quillons of this world, "
        "an Ada Quillon-style speech and ada.quillon@zorblex.com, in Zorbish, "
        "Zorblex & Vexor and Vexor & Zorblex, twitter.com/Zorblex, "
        "https://example.com/news/Zorblex, Zorblex/archive, the Big Zorblex day, "
        "https://example.com/a-very-long-path-of-an-address-" + "x" * 100 + "/Zorblex, "
        "President Ada Quillon Library, the Zorblex Éditions imprint, the Ünal Zorblex affair, "
        "a trip to Zorbania, and then, alone, Zorblex."
    )
    tagged += [(untagged, [])]
    _, mentions, _ = _tables_of_tagged(tagged)
    found = [m for m in mentions if m["article_id"] == f"a{len(tagged) - 1:02d}"]
    assert [(m["text"], m["start"]) for m in found] == [("Zorblex", untagged.rindex("Zorblex"))]


def test_on_real_articles_a_name_is_found_where_the_model_missed_it(corpus_dir, tmp_path):
    """The model tags "Facebook" in only some of the corpus's articles that
    write it ("posted on Facebook", "his Facebook page" go untagged); built
    together, every article that writes it between lower-case words has a
    mention of the one Facebook entity, in its sentence. A rebuild from the
    cache (which keeps the sentences) writes the same mentions."""
    folder = corpus_dir / "article-bias-prediction" / "jsons"
    between_words = re.compile(r"(?<=[a-z,] )Facebook(?=['’]s | [a-z]|[,;]|\.(?!\w))")
    inputs = tmp_path / "in"
    inputs.mkdir()
    bodies = []
    for path in sorted(folder.glob("*.json")):
        if "Facebook" not in path.read_text(encoding="utf-8", errors="replace"):
            continue
        row = to_article_row(read_source(SourceFile(path, path.name, "corpus")).records[0])
        if between_words.search(row["body"]):
            shutil.copy(path, inputs / path.name)
            bodies.append(row["body"])
        if len(bodies) == 16:
            break
    assert len(bodies) == 16
    tagged = sum(any(e.text == "Facebook" for e in doc.ents) for doc in bare_model().pipe(bodies))
    cache = tmp_path / "cache"
    newsfacts.build([inputs], tmp_path / "first", cache=cache)
    newsfacts.build([inputs], tmp_path / "second", cache=cache)
    data = tmp_path / "first" / "data"
    assert (data / "mentions.csv").read_bytes() == (
        tmp_path / "second" / "data" / "mentions.csv"
    ).read_bytes()
    entities = pd.read_parquet(data / "entities.parquet")
    mentions = pd.read_parquet(data / "mentions.parquet")
    body = dict(pd.read_parquet(data / "articles.parquet", columns=["article_id", "body"]).values)
    (facebook,) = entities[entities.name == "Facebook"].itertuples()
    assert facebook.type == "ORG"
    linked = mentions[mentions.entity_id == facebook.entity_id]
    assert tagged < len(bodies) == linked.article_id.nunique() == facebook.article_count
    for m in linked.itertuples():
        text = body[m.article_id]
        assert text[m.start : m.end] == "Facebook"
        assert m.sentence_start <= m.start < m.end <= m.sentence_end


def test_a_known_name_found_by_the_build_is_in_its_sentence_and_may_touch_a_dash():
    """The mention gets the index and span of the sentence it is in; a name
    written against a dash, or with a capital that is not ASCII, is found."""
    from newsfacts.entities import entity_tables
    from newsfacts.extract.ner import Mention

    def article(i, body, tagged, sentences):
        mentions = [
            Mention(body.index(t), body.index(t) + len(t), t, k, 0, 0, 0) for t, k in tagged
        ]
        clusters = resolve(body, Recognised(mentions, sentences))
        return ({"article_id": f"a{i}", "body": body}, clusters, Recognised(mentions, sentences))

    tagged = [("Zorblex", "Zorblex said so."), ("Ébrex", "Ébrex said so.")] * 3
    resolved = [
        article(i, body, [(name, "ORG")], [(0, len(body))]) for i, (name, body) in enumerate(tagged)
    ]
    body = "It rained. Then she posted on Zorblex—which was down. It stopped at Ébrex."
    sentences = [(0, 10), (11, 53), (54, len(body))]
    resolved.append(article(9, body, [], sentences))
    _, mentions, _ = entity_tables(resolved)
    found = sorted((m for m in mentions if m["article_id"] == "a9"), key=lambda m: m["start"])
    assert [
        (m["text"], m["sentence_index"], m["sentence_start"], m["sentence_end"]) for m in found
    ] == [
        ("Zorblex", 1, 11, 53),
        ("Ébrex", 2, 54, len(body)),
    ]


def test_a_name_opened_by_a_capital_symbol_does_not_stop_the_build():
    """ "Ⓐbc Corp": its first character is upper case but no letter."""
    tagged = [("They said Ⓐbc Corp was right.", [("Ⓐbc Corp", "ORG")])] * 3
    entities, _, _ = _tables_of_tagged([*tagged, ("Then Ⓐbc Corp spoke.", [])])
    assert [e["name"] for e in entities] == ["Ⓐbc Corp"]


def _works(body: str, tagged: list[tuple[str, str]]) -> dict[str, str]:
    """Each entity's mention texts of ``body`` with its type, as {text: type}."""
    clusters, _ = _resolve_tagged(body, tagged)
    return {m.text: c.type for c in clusters for m in c.mentions}


@pytest.mark.parametrize(
    ("body", "tagged", "expected"),
    [
        # The model's piece of a title gives way to the whole title.
        (
            "The thriller Hide and Seek, starring Robert De Niro, opened.",
            [("Seek", "PERSON"), ("Robert De Niro", "PERSON")],
            {"Hide and Seek": "WORK_OF_ART", "Robert De Niro": "PERSON"},
        ),
        # A title the model missed, and a list of them after a plural kind.
        (
            "Russian drama The Return (Vozvrashchenie) won.",
            [],
            {"Russian": "NORP", "The Return": "WORK_OF_ART"},
        ),
        (
            "He likes films such as Million Dollar Baby, Aviator and Finding Neverland.",
            [],
            dict.fromkeys(["Million Dollar Baby", "Aviator", "Finding Neverland"], "WORK_OF_ART"),
        ),
        # Small words inside a title, a subtitle after a colon, a number.
        (
            "The comedy Team America: World Police opened; US drama 24 returns.",
            [("Team America", "PERSON")],
            {"Team America: World Police": "WORK_OF_ART", "24": "WORK_OF_ART"},
        ),
        # Where the work is from, or a year, is not part of its title.
        (
            "The film The Sea Inside from Spain won. His film Closer in 2004 lost.",
            [("Sea Inside", "LOC"), ("Spain", "GPE")],
            {"The Sea Inside": "WORK_OF_ART", "Spain": "GPE", "Closer": "WORK_OF_ART"},
        ),
        # The model's name runs past the title's words: the name stays.
        (
            "Her second album Mind, Body & Soul reached number one.",
            [("Mind, Body & Soul", "WORK_OF_ART")],
            {"Mind, Body & Soul": "WORK_OF_ART"},
        ),
        # A quoted headline takes the place of no name it quotes.
        (
            "A story titled “Paul Ryan opposes Trump’s immigration cuts” ran.",
            [("Paul Ryan", "PERSON"), ("Trump", "PERSON")],
            {"Paul Ryan": "PERSON", "Trump": "PERSON"},
        ),
        (
            'A report titled "The Myth of Voter Fraud." ran.',
            [],
            {"The Myth of Voter Fraud": "WORK_OF_ART"},
        ),
        # No title: a clause, a person, a possessive, an author, a kind word in a name.
        ("In my films I cast actors I met.", [], {}),
        ("On the Today programme Mr Blair said no.", [("Blair", "PERSON")], {"Blair": "PERSON"}),
        ("He built a musical Rubik's cube.", [], {}),
        (
            "A sculpture entitled Planet by Anita Sulimanovic won.",
            [("Anita Sulimanovic", "PERSON")],
            {"Planet": "WORK_OF_ART", "Anita Sulimanovic": "PERSON"},
        ),
        (
            "She went to the Venice Film Festival.",
            [("Venice Film Festival", "EVENT")],
            {"Venice Film Festival": "EVENT"},
        ),
        ("The films 2004 and 2005 were good years.", [], {}),
        ("She won an epic New York Marathon contest.", [], {}),
        # People the model found: in the title after a small word, the
        # sentence going on after its words, "and" or a colon.
        (
            "His film Living with Michael Jackson aired.",
            [("Michael Jackson", "PERSON")],
            {"Living with Michael Jackson": "WORK_OF_ART"},
        ),
        (
            "In the film The Aviator Leonardo DiCaprio plays a pilot.",
            [("Aviator", "ORG"), ("Leonardo DiCaprio", "PERSON")],
            {"The Aviator": "WORK_OF_ART", "Leonardo DiCaprio": "PERSON"},
        ),
        # A one-word "person" inside a title is the model's piece of it.
        (
            "Their album Songs About Jane moved up; the comedy The Pacifier fell.",
            [("Jane", "PERSON"), ("Pacifier", "PERSON")],
            {"Songs About Jane": "WORK_OF_ART", "The Pacifier": "WORK_OF_ART"},
        ),
        (
            "Critics liked films such as Troy, Brad Pitt said.",
            [("Troy", "GPE"), ("Brad Pitt", "PERSON")],
            {"Troy": "WORK_OF_ART", "Brad Pitt": "PERSON"},
        ),
        (
            "In the film Closer: Jude Law plays a writer.",
            [("Jude Law", "PERSON")],
            {"Closer": "WORK_OF_ART", "Jude Law": "PERSON"},
        ),
        (
            "The film Ray and Hilary Swank won.",
            [("Hilary Swank", "PERSON")],
            {"Ray": "WORK_OF_ART", "Hilary Swank": "PERSON"},
        ),
        # A film named for a person, first in its sentence; a person the
        # model ran into the title; a person's name cut mid-word.
        ("The film Vera Drake won.", [("Vera Drake", "PERSON")], {"Vera Drake": "WORK_OF_ART"}),
        (
            "The film The Aviator Leonardo DiCaprio stars in won.",
            [("Aviator Leonardo DiCaprio", "PERSON")],
            {"Aviator Leonardo DiCaprio": "PERSON"},
        ),
        (
            "The film Jean-Luc Picard won.",
            [("Luc Picard", "PERSON")],
            {"Jean-Luc Picard": "WORK_OF_ART"},
        ),
        # The title's words do not retype it: a law's, a country's, an age.
        ("The film Sister Act opened.", [("Sister Act", "LAW")], {"Sister Act": "WORK_OF_ART"}),
        ("The album America sold.", [("America", "GPE")], {"America": "WORK_OF_ART"}),
        (
            "The film The Aviator, 12, won.",
            [("Aviator", "ORG")],
            {"The Aviator": "WORK_OF_ART"},
        ),
        # A place the model mistyped ends a title all the same.
        (
            "The film The Sea Inside from Spain won.",
            [("Sea Inside", "LOC"), ("Spain", "ORG")],
            {"The Sea Inside": "WORK_OF_ART", "Spain": "GPE"},
        ),
        # An album named for its band; "feature" the verb or a product's.
        ("Their self-titled LP sold well.", [], {}),
        ("The show might feature Zorb Lee.", [("Zorb Lee", "PERSON")], {"Zorb Lee": "PERSON"}),
        (
            "It is the latest feature Facebook has added; her debut feature Zorb Days won.",
            [("Facebook", "ORG")],
            {"Facebook": "ORG", "Zorb Days": "WORK_OF_ART"},
        ),
        ("The film 2005 was a good year for it.", [], {}),
        # A quote closes the one it opened; a title inside a title is not one.
        ("The drama “Footballers’ Wives” won.", [], {"Footballers’ Wives": "WORK_OF_ART"}),
        (
            "A report titled “Why the film Alpha Beta failed” ran.",
            [],
            {"Why the film Alpha Beta failed": "WORK_OF_ART"},
        ),
        (
            "It beat the animated feature Belleville Rendezvous; rallies feature Zorb flags.",
            [],
            {"Belleville Rendezvous": "WORK_OF_ART"},
        ),
        ("The show will feature Zorb Lee.", [("Zorb Lee", "PERSON")], {"Zorb Lee": "PERSON"}),
    ],
)
def test_a_title_after_its_kind_of_work_is_one_work(body, tagged, expected):
    assert _works(body, tagged) == expected


def test_a_title_the_text_names_keeps_its_type_against_the_corpus_vote():
    """Ten articles read "Closer" as a company; the one that writes "the film
    Closer" means the film."""
    tagged = [("Closer said on Monday it would grow.", [("Closer", "ORG")])] * 10
    tagged += [("Jude Law film Closer made its debut.", [])]
    _, mentions, _ = _tables_of_tagged(tagged)
    types = {(m["article_id"], m["text"]): m["type"] for m in mentions}
    assert types["a10", "Closer"] == "WORK_OF_ART"
    assert types["a00", "Closer"] == "ORG"


def test_a_name_two_articles_call_a_work_is_a_work_across_the_corpus():
    """The model reads "Closer" as a company in ten articles; two call it a
    film, so it is the film in all twelve. One article is not enough, for a
    name of any length, nor two of twenty-two; a name the corpus reads as a
    person or a group stays one."""
    tagged = [("Closer said on Monday it would grow.", [("Closer", "ORG")])] * 10
    tagged += [("Jude Law film Closer made its debut.", [])]
    tagged += [("Jude Law film “Closer” made its debut.", [("Closer", "ORG")])]
    tagged += [("Black Friday sales fell.", [("Black Friday", "EVENT")])] * 5
    tagged += [("The film Black Friday opened.", [])]
    tagged += [("Ray said on Monday he would stay.", [("Ray", "PERSON")])] * 10
    tagged += [("The film Ray opened.", [])] * 2
    # Two articles of many are not enough; a group stays a group.
    tagged += [("Zorbex said on Monday it would act.", [("Zorbex", "ORG")])] * 20
    tagged += [("The film Zorbex opened.", [])] * 2
    tagged += [("Zorbites met on Monday.", [("Zorbites", "NORP")])] * 3
    tagged += [("The drama Zorbites opened.", [])] * 2
    # The model's own reading is no article calling it a work.
    tagged += [("Target said on Monday it would grow.", [("Target", "ORG")])] * 10
    tagged += [("Target won again.", [("Target", "WORK_OF_ART")])] * 2
    _, mentions, _ = _tables_of_tagged(tagged)
    types = {(m["article_id"], m["text"]): m["type"] for m in mentions}
    assert types["a00", "Closer"] == types["a11", "Closer"] == "WORK_OF_ART"
    assert types["a12", "Black Friday"] == "EVENT"
    assert types["a17", "Black Friday"] == "WORK_OF_ART"  # what the article says
    assert types["a18", "Ray"] == "PERSON"
    assert types["a28", "Ray"] == "WORK_OF_ART"  # what the article says
    assert types["a30", "Zorbex"] == "ORG"
    assert types["a50", "Zorbex"] == "WORK_OF_ART"  # what the article says
    assert types["a52", "Zorbites"] == "NORP"
    assert types["a57", "Target"] == types["a67", "Target"] == "ORG"


def test_a_known_name_before_a_title_and_a_name_is_taken():
    """ "Lib Dem MP Lembit Opik": a title after the name is no longer name the
    known one is part of, unless the two make a title ("Vice President"). A
    one-word name before "Minister" is as likely the portfolio ("Economy and
    Labour Minister")."""
    tagged = [("They said Zorb Dem was right.", [("Zorb Dem", "NORP")])] * 3
    tagged += [("They said Vice was right.", [("Vice", "ORG")])] * 3
    tagged += [("They said Zorblab was right.", [("Zorblab", "ORG")])] * 3
    body = (
        "Zorb Dem MP Ann Lee met Vice President Bo Li, the Zorb Dem Party "
        "and Vice Media staff; Zorblab Minister Al Ng left."
    )
    tagged += [(body, [("Ann Lee", "PERSON"), ("Bo Li", "PERSON"), ("Al Ng", "PERSON")])]
    _, mentions, _ = _tables_of_tagged(tagged)
    found = [(m["text"], m["start"]) for m in mentions if m["article_id"] == "a09"]
    assert sorted(found, key=lambda f: f[1]) == [
        ("Zorb Dem", 0),
        ("Ann Lee", 12),
        ("Bo Li", 39),
        ("Al Ng", body.index("Al Ng")),
    ]


def test_democratic_lawmakers_are_democrats():
    """The adjective of a "-crat" is one entity with the group, in an article
    and across articles; "Democratic Party" (an organisation) stays apart."""
    body = "Democrats met. Democratic lawmakers said the Democrat plan was good."
    tagged = [("Democrats", "NORP"), ("Democratic", "NORP"), ("Democrat", "NORP")]
    (cluster,), _ = _resolve_tagged(body, tagged)
    assert cluster.type == "NORP" and len(cluster.mentions) == 3
    body = "Democrats met. Democratic lawmakers said no."
    (cluster,), _ = _resolve_tagged(body, [("Democrats", "NORP"), ("Democratic", "NORP")])
    assert cluster.type == "NORP" and len(cluster.mentions) == 2
    entities, mentions, _ = _tables_of_tagged(
        [
            ("Democratic lawmakers spoke.", [("Democratic", "NORP")]),
            ("Democrats spoke.", [("Democrats", "NORP")]),
            ("The Democratic Party spoke.", [("Democratic Party", "ORG")]),
        ]
    )
    ids = {m["text"]: m["entity_id"] for m in mentions}
    assert ids["Democratic"] == ids["Democrats"] != ids["Democratic Party"]


@pytest.mark.parametrize(
    ("body", "text", "label", "expected"),
    [
        ("Conaway said he would challenge it.", "Conaway", "ORG", "PERSON"),
        ("Later, Bibeau said that she is crying.", "Bibeau", "ORG", "PERSON"),
        ("Ann Zorbel says she still agrees.", "Ann Zorbel", "PRODUCT", "PERSON"),
        # An organisation that says "he" speaks of someone else.
        ("But the Zorblex Times said he was missing.", "Zorblex Times", "ORG", "ORG"),
        ("The State Department says he did not ask.", "State Department", "ORG", "ORG"),
        ("The official who spoke to the AP claimed he saw it.", "AP", "ORG", "ORG"),
        ("He wrote on Zorblex said he was never there.", "Zorblex", "ORG", "ORG"),
        ("Zorb Ministry said he was wrong.", "Zorb Ministry", "ORG", "ORG"),
        ("ZORB said he was wrong.", "ZORB", "ORG", "ORG"),
        ("Zorblex said it would act.", "Zorblex", "ORG", "ORG"),
        ("Britain said he was wrong.", "Britain", "GPE", "GPE"),
    ],
)
def test_a_name_said_to_speak_as_he_or_she_is_a_person(body, text, label, expected):
    assert _typed_alone(body, text, label) == expected


def test_the_corpus_vote_overrules_he_or_she_after_a_name():
    """ "Zorb Party said he had …" in one article is the party speaking of
    someone: the ten articles that read it as an organisation win."""
    tagged = [("Zorblab said on Monday it would act.", [("Zorblab", "ORG")])] * 10
    tagged += [("Zorblab said he had cleverly not asked.", [("Zorblab", "ORG")])]
    _, mentions, _ = _tables_of_tagged(tagged)
    assert {m["type"] for m in mentions} == {"ORG"}


def test_a_film_named_for_a_person_is_a_work_the_text_names():
    """ "The film Vera Drake": the model's person is the title, and the article
    says so (the corpus vote does not overrule it)."""
    (cluster,), _ = _resolve_tagged("The film Vera Drake won.", [("Vera Drake", "PERSON")])
    assert (cluster.type, cluster.typed_by_text) == ("WORK_OF_ART", True)
