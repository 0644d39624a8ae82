"""Each reader, and format detection from content rather than file names."""

from __future__ import annotations

import gzip
import json

from newsfacts.ingest import detect_format, discover, read_source


def _read(path):
    [source] = discover([path])
    return read_source(source)


def test_format_is_detected_from_content_not_extension(tmp_path):
    (tmp_path / "page.txt").write_text("<!DOCTYPE html><html><body><p>Hi</p></body></html>")
    (tmp_path / "records.txt").write_text('{"title": "T", "text": "Body."}')
    assert _read(tmp_path / "page.txt").format == "html"
    assert _read(tmp_path / "records.txt").format == "json"
    assert detect_format("Headline\n\nBody text.", ".html") == "text"


def test_jsonl_records_get_line_keys_and_bad_lines_are_rejected_alone(tmp_path):
    lines = [json.dumps({"title": f"T{i}", "content": f"Body {i}."}) for i in range(3)]
    lines.insert(1, "{not json")
    path = tmp_path / "a.jsonl.gz"
    path.write_bytes(gzip.compress("\n".join(lines).encode()))
    reading = _read(path)
    assert [r.source_key for r in reading.records] == ["line 1", "line 3", "line 4"]
    assert [(r.source_key, r.reason) for r in reading.rejects] == [("line 2", "malformed_json")]


def test_json_array_and_wrapped_lists_are_split_into_records(tmp_path):
    (tmp_path / "arr.json").write_text(json.dumps([{"title": "A"}, {"title": "B"}]))
    (tmp_path / "wrapped.json").write_text(json.dumps({"articles": [{"title": "A"}]}))
    assert [r.source_key for r in _read(tmp_path / "arr.json").records] == ["0", "1"]
    assert [r.source_key for r in _read(tmp_path / "wrapped.json").records] == ["articles[0]"]


def test_gzipped_html_is_read(benchmark_dir):
    page = sorted((benchmark_dir / "html").glob("*.html.gz"))[0]
    reading = _read(page)
    assert reading.format == "html" and reading.records[0].text.lstrip().startswith("<")


def test_seed_is_scraped_text_and_bbc_is_plain_text(seed_path, corpus_dir):
    assert _read(seed_path).format == "scraped_text"
    first_bbc = sorted((corpus_dir / "bbc-fulltext" / "business").glob("*.txt"))[0]
    assert _read(first_bbc).format == "plain_text"


def test_source_paths_are_relative_to_their_input(tmp_path):
    (tmp_path / "in" / "sub").mkdir(parents=True)
    (tmp_path / "in" / "sub" / "a.txt").write_text("x")
    (tmp_path / "in" / ".hidden").write_text("x")
    sources = discover([tmp_path / "in"])
    assert [(s.input_name, s.source_path) for s in sources] == [("in", "sub/a.txt")]
