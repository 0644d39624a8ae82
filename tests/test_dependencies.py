"""Dependency hygiene: the CI constraints pin every dependency, inside the
ranges pyproject.toml declares, and the ranges have upper bounds where APIs churn."""

from __future__ import annotations

import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parents[1]


def _pins() -> dict[str, str]:
    pins = {}
    for line in (REPO / "constraints.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, version = line.split("==")
            pins[canonicalize_name(name)] = version
    return pins


def _requirements() -> list[Requirement]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    declared = project["dependencies"] + [
        r for extra in project["optional-dependencies"].values() for r in extra
    ]
    return [Requirement(r) for r in declared]


def test_every_dependency_is_pinned_inside_its_declared_range():
    pins = _pins()
    for requirement in _requirements():
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement.name} is not pinned in constraints.txt"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"constraints.txt pins {name}=={pins[name]}, outside {requirement.specifier}"
        )


def test_libraries_whose_apis_churn_have_upper_bounds():
    churning = {"pandera", "frictionless", "trafilatura", "pyarrow", "pandas", "spacy", "datasette"}
    for requirement in _requirements():
        if canonicalize_name(requirement.name) in churning:
            assert any(s.operator in ("<", "<=", "==") for s in requirement.specifier), (
                f"{requirement.name} has no upper bound"
            )
