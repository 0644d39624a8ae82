"""The command line: a thin layer that must explain itself and fail cleanly."""

from __future__ import annotations

import json

from click.testing import CliRunner

from newsfacts.cli import cli


def test_build_with_no_arguments_builds_the_bundled_sample(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["build", "--quiet"])
    assert result.exit_code == 0, result.output
    assert "articles" in result.output and "duplicates folded" in result.output
    descriptor = json.loads((tmp_path / "datapackage" / "datapackage.json").read_text())
    assert descriptor["name"] == "newsfacts"


def test_validate_reports_a_broken_package_with_a_one_line_reason(tmp_path):
    runner = CliRunner()
    assert runner.invoke(cli, ["build", "-q", "--out", str(tmp_path / "p")]).exit_code == 0
    assert runner.invoke(cli, ["validate", str(tmp_path / "p")]).exit_code == 0
    csv = tmp_path / "p" / "data" / "articles.csv"
    csv.write_text(csv.read_text().replace("\n", "\nnot-an-id,x\n", 1))
    result = runner.invoke(cli, ["validate", str(tmp_path / "p" / "datapackage.json")])
    assert result.exit_code == 1
    assert "is not a valid data package" in result.output


def test_strict_build_exits_non_zero_with_one_line(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "empty.txt").write_text("")
    result = CliRunner().invoke(
        cli, ["build", str(tmp_path / "in"), "--strict", "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 1
    assert result.output.strip().startswith("Error: --strict: 1 input(s) rejected")
    assert "Traceback" not in result.output


def test_help_explains_every_option():
    for command in ("build", "validate"):
        result = CliRunner().invoke(cli, [command, "--help"])
        assert result.exit_code == 0
    build_help = CliRunner().invoke(cli, ["build", "--help"]).output
    for option in ("--out", "--strict", "--quiet"):
        assert option in build_help


def test_no_entities_leaves_the_nlp_tables_empty(tmp_path):
    result = CliRunner().invoke(cli, ["build", "-q", "--no-entities", "--out", str(tmp_path / "p")])
    assert result.exit_code == 0, result.output
    assert "entities 0, mentions 0, facts 0" in " ".join(result.output.split())


def test_max_bytes_rejects_larger_files(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "big.txt").write_text("Headline\n\n" + "A sentence of news. " * 200)
    result = CliRunner().invoke(
        cli,
        [
            "build",
            "-q",
            "--no-entities",
            str(tmp_path / "in"),
            "--max-bytes",
            "1000",
            "--out",
            str(tmp_path / "p"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "too_large 1" in result.output
