"""Versioned releases: reproducible artifacts, data diffs with SemVer bumps, and
the data wheel that newsfacts.load() reads with no network."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import newsfacts
from newsfacts.__about__ import __version__
from newsfacts.diff import diff_packages
from newsfacts.records import BuildError

REPO = Path(__file__).resolve().parents[1]


def _new_articles(folder: Path, count: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    records = []
    for i in range(count):
        records.append(
            {
                "title": f"Ferry line {i} adds a winter timetable",
                "date": f"2024-02-{i + 1:02d}",
                "source": "Test Gazette",
                "content": (
                    f"The ferry operator said on Monday that line {i} would run {i + 2} "
                    f"sailings a day from March. Passenger numbers rose {i + 5}% last year, "
                    "the company said in a statement."
                ),
            }
        )
    path = folder / "new.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def first_release(tmp_path_factory):
    root = tmp_path_factory.mktemp("release")
    sample = newsfacts.sample_dir()
    report = newsfacts.release(
        [sample], "0.1.0", root / "dist1", published=root / "pub", work=root / "build"
    )
    return root, report


def _checksums_hold(dist: Path) -> bool:
    for line in (dist / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split("  ")
        if hashlib.sha256((dist / name).read_bytes()).hexdigest() != digest:
            return False
    return True


def test_release_writes_checksummed_artifacts(first_release):
    root, report = first_release
    names = sorted(p.name for p in (root / "dist1").iterdir())
    assert names == sorted(
        [
            "newsfacts-data-0.1.0.zip",
            "newsfacts-data-0.1.0-parquet.tar.gz",
            "newsfacts-data-0.1.0.db",
            "newsfacts_data-0.1.0-py3-none-any.whl",
            "RELEASE_NOTES.md",
            "SHA256SUMS",
        ]
    )
    assert _checksums_hold(root / "dist1")
    if shutil.which("sha256sum"):
        subprocess.run(
            ["sha256sum", "-c", "SHA256SUMS"], cwd=root / "dist1", check=True, capture_output=True
        )
    descriptor = json.loads((root / "pub" / "datapackage.json").read_text())
    assert descriptor["version"] == "0.1.0"
    assert descriptor["newsfacts:provenance"]["libraries"]["spacy"]


def test_releasing_again_gives_byte_identical_artifacts(first_release):
    root, _ = first_release
    newsfacts.release(
        [newsfacts.sample_dir()],
        "0.1.0",
        root / "dist2",
        published=root / "pub",
        work=root / "build",
    )
    for path in sorted((root / "dist1").iterdir()):
        assert path.read_bytes() == (root / "dist2" / path.name).read_bytes(), path.name


def test_the_release_archive_validates_with_frictionless(first_release, tmp_path):
    root, _ = first_release
    with zipfile.ZipFile(root / "dist1" / "newsfacts-data-0.1.0.zip") as archive:
        archive.extractall(tmp_path)
    folder = tmp_path / "newsfacts-data-0.1.0"
    assert newsfacts.validate(folder) == []


def test_new_articles_are_a_minor_release_with_exactly_their_rows(first_release, tmp_path):
    root, _ = first_release
    published = tmp_path / "pub"
    shutil.copytree(root / "pub", published)
    added = _new_articles(tmp_path / "more", 10)
    report = newsfacts.release(
        [newsfacts.sample_dir(), added],
        None,
        tmp_path / "dist",
        published=published,
        work=tmp_path / "build",
    )
    assert report.version == "0.2.0"
    tables = {t.name: t for t in report.diff.tables}
    assert (tables["articles"].added, tables["articles"].removed, tables["articles"].changed) == (
        10,
        0,
        0,
    )
    assert tables["facts"].added > 10 and tables["facts"].removed == 0
    assert tables["mentions"].removed == 0
    notes = (tmp_path / "dist" / "RELEASE_NOTES.md").read_text()
    assert "10 rows added" in notes and "minor" in notes


def test_a_removed_column_needs_a_major_release(first_release, tmp_path):
    root, _ = first_release
    old = tmp_path / "old"
    shutil.copytree(root / "pub", old)
    descriptor = json.loads((old / "datapackage.json").read_text())
    articles = next(r for r in descriptor["resources"] if r["name"] == "articles")
    articles["schema"]["fields"].append({"name": "section", "type": "string"})
    (old / "datapackage.json").write_text(json.dumps(descriptor))
    difference = diff_packages(old, root / "pub")
    assert difference.bump == "major"
    assert difference.tables[0].columns_removed == ["section"]
    with pytest.raises(BuildError, match="needs at least 1.0.0"):
        newsfacts.release(
            [newsfacts.sample_dir()],
            "0.3.0",
            tmp_path / "dist",
            published=old,
            work=tmp_path / "build",
        )


def test_the_data_wheel_loads_without_the_repository(first_release, tmp_path):
    root, _ = first_release
    wheel = root / "dist1" / "newsfacts_data-0.1.0-py3-none-any.whl"
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--no-index",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    script = (
        "import newsfacts\n"
        "df = newsfacts.load('articles', version='0.1.0')\n"
        "assert len(df) == 7, len(df)\n"
        "assert str(df.word_count.dtype) == 'Int64'\n"
        "assert str(df.title.dtype) == 'string'\n"
        "assert str(df.source_format.dtype) == 'category'\n"
        "assert str(df.published_date.dtype).startswith('datetime64')\n"
        "assert isinstance(df.authors.iloc[0], list)\n"
        "print(newsfacts.load('entities', as_='arrow').num_rows)\n"
    )
    env = dict(os.environ, PYTHONPATH=str(target))
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert int(result.stdout.strip()) > 10


def test_load_reads_a_release_archive_and_checks_the_version(first_release):
    root, _ = first_release
    frame = newsfacts.load("facts", source=root / "dist1")
    assert set(frame.kind.cat.categories) == {"quantity", "date", "attribution", "quote"}
    with pytest.raises(BuildError, match="not 9.9.9"):
        newsfacts.load(
            "articles", version="9.9.9", source=root / "dist1" / "newsfacts-data-0.1.0.zip"
        )


def test_code_version_changelog_and_published_data_version_agree():
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    released = re.findall(r"^## \[(\d+\.\d+\.\d+)\]", changelog, re.M)
    descriptor = json.loads((REPO / "datapackage" / "datapackage.json").read_text())
    assert released and released[0] == __version__ == descriptor["version"]


def test_a_script_that_loads_tables_exits_cleanly_every_time(tmp_path):
    # pyarrow's thread pool, decoding an in-memory Parquet file, aborted the
    # interpreter at exit in about half of such runs (SIGABRT, "terminate
    # called without an active exception"); one run in several is not enough.
    shutil.copytree(REPO / "datapackage", tmp_path / "datapackage")
    script = (
        "import newsfacts\n"
        "newsfacts.load('articles')\n"
        "print(newsfacts.load('entities', as_='arrow').num_rows)\n"
    )
    for _ in range(8):
        result = subprocess.run(
            [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr[-2000:]


def test_a_release_never_replaces_a_folder_that_is_not_a_package(tmp_path):
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text("<h1>my site</h1>")
    with pytest.raises(newsfacts.BuildError, match="not a newsfacts data package"):
        newsfacts.release(
            [newsfacts.sample_dir()], "0.1.0", tmp_path / "dist", published=tmp_path / "site"
        )
    assert (tmp_path / "site" / "index.html").read_text() == "<h1>my site</h1>"
