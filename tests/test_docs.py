"""Docs that cannot rot: README documents every command, and its commands work."""

from __future__ import annotations

import re
from pathlib import Path

from newsfacts.__about__ import __version__
from newsfacts.cli import cli

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")


def test_every_cli_command_is_documented_in_readme():
    for name in cli.commands:
        assert f"newsfacts {name}" in README, name


def test_readme_test_command_is_the_one_ci_runs():
    ci = (REPO / ".ci" / "run").read_text()
    match = re.search(r"```(?:bash|sh)\n(?P<cmd>.*?pytest.*?)\n```", README, re.S)
    assert match, "README must show the command that installs and runs the tests"
    test_line = [line for line in match.group("cmd").splitlines() if "pytest" in line][-1].strip()
    assert test_line in ci


def test_changelog_keeps_an_unreleased_section_above_the_releases():
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## \[([^\]]+)\]", changelog, re.M)
    assert headings[0] == "Unreleased"
    assert all(re.fullmatch(r"\d+\.\d+\.\d+", h) for h in headings[1:])


def test_version_is_a_semantic_version():
    assert re.fullmatch(r"\d+\.\d+\.\d+", __version__)


def test_committed_datapackage_is_the_sample_build(tmp_path):
    """datapackage/ in the repository is exactly what building the sample gives."""
    import newsfacts

    newsfacts.build(None, tmp_path / "fresh")
    committed = REPO / "datapackage"
    for path in sorted((tmp_path / "fresh").rglob("*")):
        if path.is_file():
            relative = path.relative_to(tmp_path / "fresh")
            assert (committed / relative).read_bytes() == path.read_bytes(), relative
