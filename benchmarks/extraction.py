"""Extraction benchmark: article bodies and metadata, newsfacts against trafilatura.

What is measured, on the article-extraction-benchmark corpus (120 news pages,
each with a hand-made reference body in ``ground-truth.json``):

1. Body quality. Shingle precision, recall and F1 (``newsfacts.evaluation``,
   the benchmark's own measure, averaged per page) for two inputs:

   - the raw HTML of the page: ``newsfacts.extract.html.extract_html`` against
     trafilatura's default ``extract`` in the same run;
   - the whole visible text of the page (``output/html-text.json``), which is
     what a scraped-text corpus gives us: ``newsfacts.extract.scraped`` against
     the uncleaned text and against trafilatura run on that text wrapped as
     minimal HTML.

   The targets from the issue are body F1 >= 0.93 from HTML and >= 0.90 from
   whole-page text. The scraped-text rules were developed while looking at
   these pages, so F1 is also given on the even- and odd-indexed halves of the
   sorted ids: a large gap between halves means the figure is not stable.

2. Metadata accuracy from HTML (title, authors, published date, publisher)
   against the hand annotations in ``benchmarks/annotations/html-metadata.json``
   (40 pages). newsfacts and trafilatura are scored in the same run with the
   same matching rules (see ``title_matches`` and friends). Pages whose
   annotated byline is not a person ("non-person byline" notes) are reported
   on their own line for authors, and accuracy is given with and without them.

Every figure printed comes from this run; nothing is copied from elsewhere.

    python benchmarks/extraction.py [--corpus DIR] [--show-misses] [--json PATH]
"""

from __future__ import annotations

import argparse
import gzip
import html
import json
import sys
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import trafilatura

import newsfacts
from newsfacts.evaluation import BodyScore, mean_scores, score_body
from newsfacts.extract.html import extract_html
from newsfacts.extract.scraped import extract_scraped
from newsfacts.ingest.decoding import decode_text
from newsfacts.records import ExtractedArticle as HtmlArticle

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO_ROOT / "../shared/corpus-html/article-extraction-benchmark"
ANNOTATIONS = REPO_ROOT / "benchmarks/annotations/html-metadata.json"
NON_PERSON_NOTE = "non-person byline"
FIELDS = ("title", "authors", "published_date", "publisher")
NEWSFACTS_METHODS = ("newsfacts from HTML", "newsfacts from whole-page text")

_PUNCTUATION = str.maketrans(
    {"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"}
)


# Corpus ------------------------------------------------------------------


@dataclass
class Corpus:
    directory: Path
    ids: list[str]
    references: dict[str, str]
    urls: dict[str, str]
    pages_html: dict[str, str]
    pages_text: dict[str, str]


def missing_corpus_parts(directory: Path) -> list[str]:
    parts = ["ground-truth.json", "output/html-text.json", "html"]
    return [part for part in parts if not (directory / part).exists()]


def page_html(directory: Path, page_id: str) -> str:
    raw = (directory / "html" / f"{page_id}.html.gz").read_bytes()
    return decode_text(gzip.decompress(raw))


def load_corpus(directory: Path) -> Corpus:
    truth = json.loads((directory / "ground-truth.json").read_text(encoding="utf-8"))
    texts = json.loads((directory / "output/html-text.json").read_text(encoding="utf-8"))
    ids = sorted(truth)
    return Corpus(
        directory=directory,
        ids=ids,
        references={i: truth[i]["articleBody"] for i in ids},
        urls={i: truth[i]["url"] for i in ids},
        pages_html={i: page_html(directory, i) for i in ids},
        pages_text={i: texts["output"][i]["articleBody"] for i in ids},
    )


# Body extraction -----------------------------------------------------------


@dataclass
class MethodRun:
    name: str
    bodies: dict[str, str]
    seconds: float


def timed_run(name: str, ids: list[str], extract: Callable[[str], str]) -> MethodRun:
    bodies: dict[str, str] = {}
    seconds = 0.0
    for page_id in ids:
        start = time.perf_counter()
        bodies[page_id] = extract(page_id)
        seconds += time.perf_counter() - start
    return MethodRun(name, bodies, seconds)


def text_as_html(text: str) -> str:
    """Whole-page text as minimal HTML: each non-empty line in its own <p>."""
    lines = (line.strip() for line in text.splitlines())
    paragraphs = "".join(f"<p>{html.escape(line)}</p>" for line in lines if line)
    return f"<html><body>{paragraphs}</body></html>"


def body_runs(corpus: Corpus, articles: dict[str, HtmlArticle]) -> list[MethodRun]:
    """Every body method over every page; fills ``articles`` with newsfacts' HTML results."""

    def newsfacts_html(page_id: str) -> str:
        articles[page_id] = extract_html(corpus.pages_html[page_id], url=corpus.urls[page_id])
        return "\n\n".join(articles[page_id].paragraphs)

    methods: list[tuple[str, Callable[[str], str]]] = [
        ("newsfacts from HTML", newsfacts_html),
        (
            "trafilatura default from HTML",
            lambda i: trafilatura.extract(corpus.pages_html[i]) or "",
        ),
        (
            "newsfacts from whole-page text",
            lambda i: "\n\n".join(extract_scraped(corpus.pages_text[i]).paragraphs),
        ),
        ("whole-page text, no cleaning", lambda i: corpus.pages_text[i]),
        (
            "trafilatura on whole-page text",
            lambda i: trafilatura.extract(text_as_html(corpus.pages_text[i])) or "",
        ),
    ]
    return [timed_run(name, corpus.ids, extract) for name, extract in methods]


def page_scores(run: MethodRun, references: dict[str, str]) -> dict[str, BodyScore]:
    return {i: score_body(body, references[i]) for i, body in run.bodies.items()}


def half_f1(scores: dict[str, BodyScore], ids: list[str]) -> float:
    return mean_scores([scores[i] for i in ids])[2]


def body_figures(run: MethodRun, corpus: Corpus) -> dict:
    scores = page_scores(run, corpus.references)
    precision, recall, f1 = mean_scores(list(scores.values()))
    return {
        "pages": len(scores),
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "f1_even": half_f1(scores, corpus.ids[0::2]),
        "f1_odd": half_f1(scores, corpus.ids[1::2]),
        "ms_per_page": 1000 * run.seconds / max(len(scores), 1),
        "per_page_f1": {i: round(s.f1, 4) for i, s in scores.items()},
    }


# Metadata matching -----------------------------------------------------------


def normalised(text: str | None) -> str | None:
    """NFKC, straight quotes, hyphens for dashes, casefolded, whitespace collapsed."""
    if text is None:
        return None
    text = unicodedata.normalize("NFKC", text).translate(_PUNCTUATION).casefold()
    return " ".join(text.split()) or None


def title_matches(expected: str | None, found: str | None) -> bool:
    return normalised(expected) == normalised(found)


def author_set(names: list[str] | None) -> set[str]:
    return {n for n in (normalised(name) for name in names or []) if n}


def authors_match(expected: list[str] | None, found: list[str] | None) -> bool:
    return author_set(expected) == author_set(found)


def date_matches(expected: str | None, found: str | None) -> bool:
    return (expected or None) == (found.strip() if found else None)


def without_the(name: str) -> str:
    return name[4:] if name.startswith("the ") else name


def publisher_matches(expected: str | None, found: str | None) -> bool:
    a, b = normalised(expected), normalised(found)
    if a is None or b is None:
        return a == b
    return (
        a == b
        or without_the(a) == b
        or a == without_the(b)
        or a.replace(" ", "") == b.replace(" ", "")
    )


MATCHERS: dict[str, Callable[[object, object], bool]] = {
    "title": title_matches,
    "authors": authors_match,
    "published_date": date_matches,
    "publisher": publisher_matches,
}


# Metadata extraction -----------------------------------------------------------


def newsfacts_metadata(article: HtmlArticle) -> dict:
    return {
        "title": article.title,
        "authors": list(article.authors),
        "published_date": article.published_date,
        "publisher": article.publisher,
    }


def trafilatura_metadata(page: str, url: str) -> dict:
    document = trafilatura.bare_extraction(page, url=url, with_metadata=True)
    if document is None:
        return {"title": None, "authors": [], "published_date": None, "publisher": None}
    author = document.author or ""
    return {
        "title": document.title,
        "authors": [name.strip() for name in author.split(";") if name.strip()],
        "published_date": document.date,
        "publisher": document.sitename,
    }


@dataclass
class PageMetadata:
    page_id: str
    expected: dict
    newsfacts: dict
    trafilatura: dict

    @property
    def non_person_byline(self) -> bool:
        return str(self.expected.get("notes", "")).lower().startswith(NON_PERSON_NOTE)

    def correct(self, tool: str, field: str) -> bool:
        return MATCHERS[field](self.expected.get(field), getattr(self, tool)[field])


def load_annotations(path: Path) -> dict[str, dict]:
    return json.loads(path.read_text(encoding="utf-8"))["pages"]


def metadata_pages(
    corpus: Corpus, articles: dict[str, HtmlArticle], annotations: dict[str, dict]
) -> list[PageMetadata]:
    pages = []
    for page_id in sorted(annotations):
        if page_id not in articles:
            continue
        url = corpus.urls[page_id]
        pages.append(
            PageMetadata(
                page_id=page_id,
                expected=annotations[page_id],
                newsfacts=newsfacts_metadata(articles[page_id]),
                trafilatura=trafilatura_metadata(corpus.pages_html[page_id], url),
            )
        )
    return pages


def accuracy(pages: list[PageMetadata], tool: str, field: str) -> float:
    if not pages:
        return 0.0
    return sum(page.correct(tool, field) for page in pages) / len(pages)


def metadata_rows(pages: list[PageMetadata]) -> list[tuple[str, str, list[PageMetadata]]]:
    """(row label, field, pages scored) for the metadata table."""
    person = [p for p in pages if not p.non_person_byline]
    non_person = [p for p in pages if p.non_person_byline]
    return [
        ("title", "title", pages),
        ("authors (all pages)", "authors", pages),
        ("authors (person bylines only)", "authors", person),
        ("authors (non-person bylines only)", "authors", non_person),
        ("published_date", "published_date", pages),
        ("publisher", "publisher", pages),
    ]


def metadata_figures(pages: list[PageMetadata]) -> dict:
    figures = {}
    for label, field, scored in metadata_rows(pages):
        figures[label] = {
            "field": field,
            "pages": len(scored),
            "newsfacts": accuracy(scored, "newsfacts", field),
            "trafilatura": accuracy(scored, "trafilatura", field),
            "newsfacts_misses": [p.page_id for p in scored if not p.correct("newsfacts", field)],
        }
    return figures


# Output -----------------------------------------------------------------------


def header_line(corpus: Corpus) -> str:
    return (
        f"corpus: {corpus.directory.resolve()} | pages: {len(corpus.ids)} | "
        f"trafilatura {trafilatura.__version__} | newsfacts {newsfacts.__version__} | "
        "all figures measured in this run"
    )


def table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(c)) for c in column) for column in zip(headers, *rows, strict=True)]
    lines = [" | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))]
    lines.append("-+-".join("-" * w for w in widths))
    for row in rows:
        cells = [str(c).ljust(w) for c, w in zip(row, widths, strict=True)]
        lines.append(" | ".join(cells))
    return "\n".join(lines)


def body_table(figures: dict[str, dict]) -> str:
    headers = ["method", "pages", "precision", "recall", "F1", "ms/page", "F1 even", "F1 odd"]
    rows = []
    for name, f in figures.items():
        halves = [f"{f['f1_even']:.3f}", f"{f['f1_odd']:.3f}"]
        if name not in NEWSFACTS_METHODS:
            halves = ["-", "-"]
        rows.append(
            [
                name,
                str(f["pages"]),
                f"{f['precision']:.3f}",
                f"{f['recall']:.3f}",
                f"{f['f1']:.3f}",
                f"{f['ms_per_page']:.1f}",
                *halves,
            ]
        )
    return table(headers, rows)


def metadata_table(figures: dict[str, dict]) -> str:
    headers = ["field", "pages", "newsfacts accuracy", "trafilatura accuracy"]
    rows = [
        [label, str(f["pages"]), f"{f['newsfacts']:.3f}", f"{f['trafilatura']:.3f}"]
        for label, f in figures.items()
    ]
    return table(headers, rows)


def shown(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def misses_report(pages: list[PageMetadata]) -> str:
    lines = ["Metadata misses (where newsfacts is wrong): expected | newsfacts | trafilatura"]
    for field in FIELDS:
        misses = [p for p in pages if not p.correct("newsfacts", field)]
        lines.append(f"\n[{field}] {len(misses)} of {len(pages)} pages wrong")
        for page in misses:
            flag = " (non-person byline)" if field == "authors" and page.non_person_byline else ""
            lines.append(f"  {page.page_id[:12]}{flag}")
            lines.append(f"    expected:    {shown(page.expected.get(field))}")
            lines.append(f"    newsfacts:   {shown(page.newsfacts[field])}")
            lines.append(f"    trafilatura: {shown(page.trafilatura[field])}")
    return "\n".join(lines)


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--show-misses", action="store_true")
    parser.add_argument("--json", type=Path, dest="json_path", metavar="PATH")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    missing = missing_corpus_parts(args.corpus)
    if missing:
        print(
            f"corpus not found at {args.corpus.resolve()} (missing: {', '.join(missing)}); "
            "pass --corpus DIR pointing at the article-extraction-benchmark checkout",
            file=sys.stderr,
        )
        return 2
    corpus = load_corpus(args.corpus)
    print(header_line(corpus))
    articles: dict[str, HtmlArticle] = {}
    body = {run.name: body_figures(run, corpus) for run in body_runs(corpus, articles)}
    print("\nBody quality (shingle P/R/F1, mean over pages)")
    print(body_table(body))
    pages = metadata_pages(corpus, articles, load_annotations(ANNOTATIONS))
    metadata = metadata_figures(pages)
    print(f"\nMetadata accuracy from HTML ({len(pages)} hand-annotated pages)")
    print(metadata_table(metadata))
    if args.show_misses:
        print("\n" + misses_report(pages))
    if args.json_path:
        report = {
            "header": header_line(corpus),
            "corpus": str(corpus.directory.resolve()),
            "pages": len(corpus.ids),
            "versions": {
                "newsfacts": newsfacts.__version__,
                "trafilatura": trafilatura.__version__,
            },
            "body": body,
            "metadata": metadata,
        }
        args.json_path.write_text(json.dumps(report, sort_keys=True, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
