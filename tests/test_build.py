"""The whole build: accounting, rejects, determinism, staging and the package."""

from __future__ import annotations

import gzip
import json
import random
import shutil
import subprocess
import sys

import pandas as pd
import pytest

import newsfacts
from newsfacts.records import BuildError


def _bad_inputs(folder):
    folder.mkdir()
    (folder / "empty.txt").write_text("   \n")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02PNG" * 100)
    rng = random.Random(7)
    (folder / "undecodable.txt").write_bytes(bytes(rng.randrange(128, 256) for _ in range(3000)))
    (folder / "truncated.html.gz").write_bytes(
        gzip.compress(b"<html><body>" + b"<p>x</p>" * 500)[:60]
    )
    (folder / "malformed.json").write_text('{"title": "A", "content": "B')
    (folder / "menu.txt").write_text("Home\nNews\nSport\nLogin\n")
    (folder / "list.json").write_text("[1, 2]")
    (folder / "good.txt").write_text(
        "A headline for a test\n\n"
        "The first paragraph of the article says something useful here.\n\n"
        "A second paragraph follows, with more words than the first one had in it.\n"
    )
    return folder


def test_each_kind_of_bad_input_becomes_a_reject_row(tmp_path):
    report = newsfacts.build([_bad_inputs(tmp_path / "in")], tmp_path / "out")
    rejects = pd.read_csv(tmp_path / "out" / "data" / "rejects.csv", keep_default_na=False)
    reasons = dict(zip(rejects.source_path + "#" + rejects.source_key, rejects.reason, strict=True))
    assert reasons == {
        "empty.txt#": "empty",
        "binary.txt#": "binary",
        "undecodable.txt#": "undecodable",
        "truncated.html.gz#": "truncated_gzip",
        "malformed.json#": "malformed_json",
        "menu.txt#": "no_article",
        "list.json#0": "no_article",
        "list.json#1": "no_article",
    }
    assert all(rejects.detail.str.len() > 5)
    assert report.articles == 1 and report.balanced


def test_strict_fails_and_leaves_the_previous_package_untouched(tmp_path):
    out = tmp_path / "out"
    newsfacts.build(None, out)
    before = (out / "data" / "articles.csv").read_bytes()
    with pytest.raises(BuildError, match="strict"):
        newsfacts.build([_bad_inputs(tmp_path / "in")], out, strict=True)
    assert (out / "data" / "articles.csv").read_bytes() == before
    assert not list(tmp_path.glob(".out.*"))


def test_sample_build_accounts_for_every_input(sample_build):
    out, report = sample_build
    assert report.balanced
    sources = pd.read_csv(out / "data" / "sources.csv")
    assert len(sources) == report.files
    assert (
        sources.records
        == sources.articles
        + sources.duplicates
        + sources.rejects
        - (sources.records == 0) * sources.rejects
    ).all()
    assert report.duplicates == 1
    duplicates = pd.read_csv(out / "data" / "duplicates.csv")
    articles = pd.read_parquet(out / "data" / "articles.parquet")
    assert set(duplicates.article_id) <= set(articles.article_id)
    assert articles.set_index("article_id").loc[duplicates.article_id[0], "duplicate_count"] == 1


def test_sample_articles_have_expected_metadata(sample_build):
    out, _ = sample_build
    articles = pd.read_parquet(out / "data" / "articles.parquet").set_index("source_path")
    bridge = articles.loc["scraped/harbour-bridge-reopens.txt"]
    assert bridge.title == "Harbour bridge reopens to traffic after €45 million restoration"
    assert list(bridge.authors) == ["Maria Okafor", "Reuters"]
    assert str(bridge.published_date) == "2024-03-12"
    assert bridge.publisher == "The Northern Daily"
    assert list(bridge.tags) == ["Infrastructure", "Valmouth", "Transport"]
    assert bridge.body.startswith("The Harbour Bridge in Valmouth reopened")
    council = articles.loc["scraped/council-budget-vote.txt"]
    assert "Advertisement" not in council.body and "Related:" not in council.body
    assert council.title.endswith("late-night vote")
    library = articles.loc["html/library-opens.html"]
    assert (library.publisher, str(library.published_date)) == ("Lakeside Herald", "2024-03-16")
    assert set(articles.language) == {"en"}


def test_package_validates_and_csv_matches_parquet(sample_build):
    out, _ = sample_build
    assert newsfacts.validate(out) == []
    descriptor = json.loads((out / "datapackage.json").read_text())
    assert [r["name"] for r in descriptor["resources"]][:1] == ["articles"]
    articles_csv = pd.read_csv(out / "data" / "articles.csv")
    articles_pq = pd.read_parquet(out / "data" / "articles.parquet")
    assert list(articles_csv.article_id) == list(articles_pq.article_id)
    assert [json.loads(a) for a in articles_csv.authors] == [list(a) for a in articles_pq.authors]
    assert (articles_pq.word_count > 0).all()


def test_rebuilds_are_byte_identical_whatever_the_input_order(tmp_path):
    sample = newsfacts.sample_dir()
    parts = sorted(p for p in sample.iterdir())
    first, second = tmp_path / "one", tmp_path / "two"
    newsfacts.build(parts, first)
    newsfacts.build(list(reversed(parts)), second)
    for path in sorted((first / "data").iterdir()):
        assert path.read_bytes() == (second / "data" / path.name).read_bytes(), path.name
    assert (first / "datapackage.json").read_bytes() == (second / "datapackage.json").read_bytes()


def test_article_ids_do_not_depend_on_file_names(tmp_path):
    source = newsfacts.sample_dir() / "plain" / "festival-attendance.txt"
    (tmp_path / "a").mkdir()
    shutil.copy(source, tmp_path / "a" / "renamed-elsewhere.txt")
    one = newsfacts.build([source], tmp_path / "one")
    two = newsfacts.build([tmp_path / "a"], tmp_path / "two")
    ids = [
        pd.read_csv(p / "data" / "articles.csv").article_id.tolist()
        for p in (tmp_path / "one", tmp_path / "two")
    ]
    assert ids[0] == ids[1] and one.articles == two.articles == 1


def test_frictionless_cli_validates_the_package(sample_build):
    out, _ = sample_build
    frictionless = shutil.which("frictionless") or str(
        __import__("pathlib").Path(sys.executable).parent / "frictionless"
    )
    result = subprocess.run(
        [frictionless, "validate", str(out / "datapackage.json")], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout[-2000:]


def test_two_inputs_may_hold_the_same_relative_path(tmp_path):
    for name, title in (("one", "First headline here"), ("two", "Second headline here")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "a.txt").write_text(
            f"{title}\n\nA first paragraph with enough words to be an article body, "
            "said officials.\n"
        )
    report = newsfacts.build([tmp_path / "one", tmp_path / "two"], tmp_path / "out", entities=False)
    assert report.articles == 2
    sources = pd.read_csv(tmp_path / "out" / "data" / "sources.csv")
    assert sorted(zip(sources.input_name, sources.source_path, strict=True)) == [
        ("one", "a.txt"),
        ("two", "a.txt"),
    ]
    # Each file is credited with its own article, not its namesake's.
    assert list(sources.articles) == [1, 1]
    ids = [json.loads(value) for value in sources.article_ids]
    assert [len(i) for i in ids] == [1, 1] and ids[0] != ids[1]


def test_manifest_accounts_for_every_file_of_the_shared_corpus(corpus_dir, benchmark_dir, tmp_path):
    from newsfacts.ingest import discover

    inputs = [corpus_dir, benchmark_dir / "html"]
    report = newsfacts.build(inputs, tmp_path / "out", entities=False)
    sources = pd.read_parquet(tmp_path / "out" / "data" / "sources.parquet")
    assert len(sources) == len(discover(inputs)) == report.files
    articles = pd.read_parquet(tmp_path / "out" / "data" / "articles.parquet")
    duplicates = pd.read_parquet(tmp_path / "out" / "data" / "duplicates.parquet")
    rejects = pd.read_parquet(tmp_path / "out" / "data" / "rejects.parquet")
    assert sources.articles.sum() == len(articles)
    assert sources.duplicates.sum() == len(duplicates)
    assert sources.rejects.sum() == len(rejects)
    no_record = sources.records == 0
    assert (
        sources.records[~no_record]
        == (sources.articles + sources.duplicates + sources.rejects)[~no_record]
    ).all()
    assert (sources.rejects[no_record] >= 1).all()
    every_file_has_an_outcome = sources.apply(
        lambda s: len(s.article_ids) > 0 or len(s.reject_reasons) > 0, axis=1
    )
    assert every_file_has_an_outcome.all()
    assert set(articles.article_id) == {i for ids in sources.article_ids for i in ids}


def test_files_with_the_same_name_from_different_folders_build_together(tmp_path):
    # Their (input_name, source_path) once collided and the sources table
    # failed its own uniqueness check: the build crashed.
    files = []
    for folder in ("business", "sport"):
        (tmp_path / folder).mkdir()
        files.append(tmp_path / folder / "001.txt")
        body = f"The {folder} desk wrote this story about the town council and its budget. " * 6
        files[-1].write_text(f"A {folder} headline\n\n{body}\n")
    report = newsfacts.build(files, tmp_path / "out", entities=False)
    assert (report.articles, report.rejects) == (2, 0)
    sources = pd.read_csv(tmp_path / "out" / "data" / "sources.csv")
    assert sorted(sources.input_name) == ["business/001.txt", "sport/001.txt"]


def test_a_package_built_inside_its_input_is_not_read_back_as_input(tmp_path):
    shutil.copytree(newsfacts.sample_dir(), tmp_path / "in")
    out, cache = tmp_path / "in" / "package", tmp_path / "in" / "cache"
    first = newsfacts.build([tmp_path / "in"], out, entities=False, cache=cache)
    second = newsfacts.build([tmp_path / "in"], out, entities=False, cache=cache)
    assert (second.files, second.articles, second.rejects) == (
        first.files,
        first.articles,
        first.rejects,
    )
    sources = pd.read_csv(out / "data" / "sources.csv")
    assert not sources.source_path.str.startswith(("package/", "cache/")).any()
    with pytest.raises(newsfacts.BuildError, match="inside the build's own output"):
        newsfacts.build([out / "data"], out, entities=False)


def test_a_build_never_replaces_what_is_not_its_own_package(tmp_path):
    sample = newsfacts.sample_dir() / "plain"
    documents = tmp_path / "Documents"
    documents.mkdir()
    (documents / "thesis.txt").write_text("years of work")
    a_file = tmp_path / "notes.txt"
    a_file.write_text("keep me")
    for out in (documents, a_file):
        with pytest.raises(newsfacts.BuildError, match="output"):
            newsfacts.build([sample], out, entities=False)
    assert (documents / "thesis.txt").read_text() == "years of work"
    assert a_file.read_text() == "keep me"
    # An empty folder, and a package a build wrote, are fine to (re)build into.
    (tmp_path / "empty").mkdir()
    newsfacts.build([sample], tmp_path / "empty", entities=False)
    newsfacts.build([sample], tmp_path / "empty", entities=False)
    assert (tmp_path / "empty" / "datapackage.json").exists()
