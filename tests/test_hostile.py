"""Hostile inputs: each has a defined outcome, and none can hang the build,
exhaust memory or read outside the input folder. Every input is built in its
own process so that its time and peak memory are measured on their own."""

from __future__ import annotations

import gzip
import json
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newsfacts.ingest import Limits
from newsfacts.map_stage import read_and_extract
from newsfacts.records import SourceFile

pytestmark = pytest.mark.hostile

ARTICLE = (
    "Harbour café reopens after the storm\n\n"
    "The café on the quay in Zürich reopened on Monday, the owner said, after three weeks "
    "of repairs that cost €12,000.\n\n"
    "Customers queued from seven in the morning, and the first coffee was served at eight.\n"
)
GERMAN = (
    "Neue Brücke über den Fluss eröffnet\n\n"
    "Die neue Brücke wurde am Montag eröffnet, teilte die Stadtverwaltung mit. Sie verbindet "
    "die beiden Ufer und soll den Verkehr in der Innenstadt deutlich entlasten.\n\n"
    "Die Bauarbeiten hatten mehr als zwei Jahre gedauert und kosteten rund zwölf Millionen Euro.\n"
)
HTML_ARTICLE = (
    "<!DOCTYPE html><html><head><title>Council backs new park - Test Herald</title></head>"
    "<body><nav><a href='/'>Home</a><a href='/news'>News</a></nav><article>"
    "<h1>Council backs new park</h1>{extra}"
    "<p>The city council voted on Tuesday to turn the old rail yard into a park with a "
    "playground, a pond and a community garden, after two years of consultation.</p>"
    "<p>Work is due to start in the spring, and the first section should open next year, "
    "the council's planning committee said in a statement.</p>"
    "<p>Residents who campaigned for the park said they were delighted with the decision "
    "and would help to plant the first trees.</p></article></body></html>"
)


def _write_gzip_bomb(path: Path, size: int) -> None:
    with gzip.open(path, "wb", compresslevel=9) as handle:
        block = b"\0" * (1 << 20)
        for _ in range(size >> 20):
            handle.write(block)


def _inputs(folder: Path) -> dict[str, dict]:
    """Name → expected outcome, after writing each input into its own folder."""
    rng = random.Random(11)
    cases: dict[str, tuple[bytes | None, dict]] = {
        "empty.txt": (b"", {"reject": "empty"}),
        "whitespace.txt": (b"  \n\t\n   \n", {"reject": "empty"}),
        "garbage.bin": (bytes(rng.randrange(256) for _ in range(20000)), {"reject": "binary"}),
        "utf16-bom.txt": (ARTICLE.encode("utf-16"), {"article": "Zürich"}),
        "utf16-nobom.txt": (ARTICLE.encode("utf-16-le"), {"article": "Zürich"}),
        "latin1.txt": (
            ARTICLE.replace("€12,000", "12,000 francs").encode("latin-1"),
            {"article": "Zürich"},
        ),
        "cp1252.txt": (ARTICLE.replace("café", "“café”").encode("cp1252"), {"article": "€12,000"}),
        "mixed.txt": (
            ARTICLE.encode("utf-8") + "Un caf\xe9 cr\xe8me.\n".encode("latin-1"),
            {"article": "repairs"},
        ),
        "invalid-utf8.txt": (
            ARTICLE.encode("utf-8").replace(b"Customers", b"Cust\xff\xfeomers"),
            {"article": "repairs"},
        ),
        "truncated.html.gz": (
            gzip.compress(HTML_ARTICLE.format(extra="").encode())[:80],
            {"reject": "truncated_gzip"},
        ),
        "not-an-object.json": (b"[1, 2, 3]", {"reject": "no_article"}),
        "bad-line.jsonl": (
            (
                json.dumps({"title": "First report", "text": ARTICLE.split("\n\n", 1)[1]})
                + "\n"
                + '{"title": "broken\n'
                + json.dumps({"title": "Second report", "text": GERMAN.split("\n\n", 1)[1]})
                + "\n"
            ).encode(),
            {"articles": 2, "reject": "malformed_json"},
        ),
        "no-article.html": (
            b"<html><body><nav><a>Home</a><a>News</a><a>Sport</a></nav>"
            b"<footer>(c) 2024</footer></body></html>",
            {"reject": "no_article"},
        ),
        "script.html": (
            HTML_ARTICLE.format(
                extra="<script>alert('x')</script><p onclick=\"alert('y')\">Read the plan "
                "&lt;script&gt;alert(1)&lt;/script&gt; online, officials said on Tuesday.</p>"
            ).encode(),
            {"article": "rail yard", "not_in_body": "alert('x')"},
        ),
        "nested.html": (
            (
                "<html><body>"
                + "<div>" * 5000
                + "<p>Deep text here.</p>"
                + "</div>" * 5000
                + "</body></html>"
            ).encode(),
            {"any": True},
        ),
        "german.txt": (GERMAN.encode("utf-8"), {"article": "Brücke", "language": "de"}),
        "long-line.txt": (None, {"reject": "too_large"}),
        "bomb.txt.gz": (None, {"reject": "too_large"}),
    }
    expected = {}
    for name, (data, outcome) in cases.items():
        case_dir = folder / name.replace(".", "_")
        case_dir.mkdir(parents=True)
        path = case_dir / name
        if name == "long-line.txt":
            path.write_bytes(b"word " * (10 * 1024 * 1024))  # 50 MB, one line
        elif name == "bomb.txt.gz":
            _write_gzip_bomb(path, 300 * 1024 * 1024)  # 300 MB of zeros in ~300 KB
        else:
            path.write_bytes(data)
        expected[name] = outcome
    return expected


_RUNNER = """
import json, sys
import newsfacts
report = newsfacts.build([sys.argv[1]], sys.argv[2], entities=False)
import pandas as pd
articles = pd.read_parquet(sys.argv[2] + "/data/articles.parquet")
rejects = pd.read_parquet(sys.argv[2] + "/data/rejects.parquet")
# VmHWM is this process's own peak: ru_maxrss would also count the image of
# the (large) test process this one was forked from before its exec.
status = open("/proc/self/status").read().split("VmHWM:")[1].split()[0]
print(json.dumps({"bodies": list(articles.body), "languages": list(articles.language),
                  "rejects": list(rejects.reason), "balanced": report.balanced,
                  "peak_kb": int(status)}))
"""


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    expected = _inputs(folder / "in")
    results = {}
    for name in expected:
        case = folder / "in" / name.replace(".", "_")
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-c", _RUNNER, str(case), str(folder / "out" / name)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        stdout, stderr = process.communicate()
        seconds = time.perf_counter() - started
        try:
            peak_mb = json.loads(stdout)["peak_kb"] / 1024
        except (ValueError, KeyError):
            peak_mb = float("inf")  # no report: the run failed, and says why in stderr
        results[name] = {
            "status": process.returncode,
            "seconds": seconds,
            "peak_mb": peak_mb,
            "output": stdout.decode(),
            "stderr": stderr.decode()[-1500:],
        }
    _record(results)
    return expected, results


def _record(results: dict) -> None:
    """The measured time and memory of each input, for the record (a test
    artifact, like the browser screenshots)."""
    lines = ["| input | outcome | seconds | peak RSS MB |", "|---|---|---:|---:|"]
    for name, result in results.items():
        try:
            output = json.loads(result["output"])
            outcome = f"{len(output['bodies'])} article(s)"
            if output["rejects"]:
                outcome += ", rejects: " + ", ".join(sorted(output["rejects"]))
        except ValueError:
            outcome = f"exit status {result['status']}"
        lines.append(f"| {name} | {outcome} | {result['seconds']:.2f} | {result['peak_mb']:.0f} |")
    artifacts = Path(__file__).resolve().parents[1] / "build" / "test-artifacts"
    artifacts.mkdir(parents=True, exist_ok=True)
    (artifacts / "hostile-inputs.md").write_text("\n".join(lines) + "\n")


@pytest.mark.parametrize(
    "name",
    [
        "empty.txt",
        "whitespace.txt",
        "garbage.bin",
        "utf16-bom.txt",
        "utf16-nobom.txt",
        "latin1.txt",
        "cp1252.txt",
        "mixed.txt",
        "invalid-utf8.txt",
        "truncated.html.gz",
        "not-an-object.json",
        "bad-line.jsonl",
        "no-article.html",
        "script.html",
        "nested.html",
        "german.txt",
        "long-line.txt",
        "bomb.txt.gz",
    ],
)
def test_hostile_input_has_its_outcome_in_bounded_time_and_memory(outcomes, name):
    expected, results = outcomes
    result = results[name]
    assert result["status"] == 0, result["stderr"]
    assert result["seconds"] < 10, result["seconds"]
    assert result["peak_mb"] < 1024, result["peak_mb"]
    outcome = json.loads(result["output"].strip().splitlines()[-1])
    assert outcome["balanced"]
    want = expected[name]
    if "reject" in want:
        assert want["reject"] in outcome["rejects"], outcome["rejects"]
    if "article" in want:
        assert len(outcome["bodies"]) == 1 and want["article"] in outcome["bodies"][0]
        assert "\ufffd" not in outcome["bodies"][0] or name in ("mixed.txt", "invalid-utf8.txt")
    if "articles" in want:
        assert len(outcome["bodies"]) == want["articles"]
    if "not_in_body" in want:
        assert want["not_in_body"] not in outcome["bodies"][0]
    if "language" in want:
        assert outcome["languages"] == [want["language"]]


def test_a_link_out_of_the_input_folder_is_not_read(tmp_path):
    import newsfacts

    secret = tmp_path / "secret.txt"
    secret.write_text("Private headline\n\nThis text lives outside the input folder.\n")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "link.txt").symlink_to(secret)
    newsfacts.build([tmp_path / "in"], tmp_path / "out", entities=False)
    rejects = (tmp_path / "out" / "data" / "rejects.csv").read_text()
    articles = (tmp_path / "out" / "data" / "articles.csv").read_text()
    assert "outside_input" in rejects and "outside the input folder" not in articles


def test_a_file_that_disappears_mid_build_becomes_a_reject(tmp_path):
    source = SourceFile(tmp_path / "gone.txt", "gone.txt", "in", tmp_path)
    result = read_and_extract(source, Limits())
    assert [r.reason for r in result.rejects] == ["unreadable"]


def test_duplicates_under_different_names_fold_into_one(tmp_path):
    import newsfacts

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(ARTICLE)
    (tmp_path / "in" / "copy-of-a.txt").write_text(ARTICLE)
    report = newsfacts.build([tmp_path / "in"], tmp_path / "out", entities=False)
    assert (report.articles, report.duplicates) == (1, 1)
