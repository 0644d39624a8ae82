"""Shared fixtures. Corpus tests read ../shared/corpus*; they skip with a reason
on a machine without the corpora, but fail under CI (CI=true), where the
corpora are always laid out beside the checkout."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("NEWSFACTS_SHARED", REPO.parent / "shared"))
CORPUS = SHARED / "corpus"
BENCHMARK = SHARED / "corpus-html" / "article-extraction-benchmark"
SEED = CORPUS / "seed" / "000_36be9faf0ad07302.txt"


def require(path: Path) -> Path:
    """The path, or a skip (a failure under CI) when the shared corpora are absent."""
    if path.exists():
        return path
    message = f"shared corpus not found at {path} (set NEWSFACTS_SHARED)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session", autouse=True)
def _private_cache(tmp_path_factory):
    """CLI builds in tests (and their subprocesses) cache into a session folder,
    not into the user's ~/.cache/newsfacts."""
    previous = os.environ.get("NEWSFACTS_CACHE_DIR")
    os.environ["NEWSFACTS_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if previous is None:
        del os.environ["NEWSFACTS_CACHE_DIR"]
    else:
        os.environ["NEWSFACTS_CACHE_DIR"] = previous


@pytest.fixture
def seed_path() -> Path:
    return require(SEED)


@pytest.fixture
def benchmark_dir() -> Path:
    return require(BENCHMARK)


@pytest.fixture
def corpus_dir() -> Path:
    return require(CORPUS)


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory):
    """The bundled sample, built once for the session."""
    import newsfacts

    out = tmp_path_factory.mktemp("sample") / "package"
    report = newsfacts.build(None, out)
    return out, report
