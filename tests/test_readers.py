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


def test_inputs_that_share_a_name_are_told_apart_and_an_input_given_twice_is_read_once(tmp_path):
    for folder in ("business", "sport"):
        (tmp_path / "2021" / folder).mkdir(parents=True)
        (tmp_path / "2021" / folder / "001.txt").write_text(f"A {folder} story.\n")
    (tmp_path / "2022" / "sport").mkdir(parents=True)
    (tmp_path / "2022" / "sport" / "a.txt").write_text("Another story.\n")
    files = [tmp_path / "2021" / f / "001.txt" for f in ("sport", "business")]
    folders = [tmp_path / "2021" / "sport", tmp_path / "2022" / "sport"]
    found = discover([*files, *folders, files[0]])
    assert sorted((s.input_name, s.source_path) for s in found) == [
        ("2021/sport", "001.txt"),
        ("2022/sport", "a.txt"),
        ("business/001.txt", "business/001.txt"),
        ("sport/001.txt", "sport/001.txt"),
    ]
    # The names depend on the set of inputs, not on their order.
    assert discover([*reversed(folders), *reversed(files)]) == found
    # Without a clash, an input keeps its own name.
    assert [(s.input_name, s.source_path) for s in discover([files[1]])] == [("001.txt", "001.txt")]
