"""Articles from HTML pages: trafilatura for the body, page markup for metadata.

trafilatura is the measured best body extractor on our benchmark
(``benchmarks/extraction.py``). For metadata we first read what the page
declares about itself — schema.org JSON-LD, Open Graph and article meta tags,
the visible <h1> — and fall back to trafilatura's guesses.
"""

from __future__ import annotations

import json
import re

import trafilatura
from lxml import html as lxml_html

from newsfacts.extract import metadata
from newsfacts.extract.cleaning import clean_paragraphs, normalise_text
from newsfacts.records import ExtractedArticle

_ARTICLE_TYPES = re.compile(r"(?i)(news)?article|blogposting|report|reportagenewsarticle")


def _json_ld_objects(tree) -> list[dict]:
    objects: list[dict] = []
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text_content().strip() or "null")
        except (json.JSONDecodeError, ValueError):
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                objects.append(item)
                stack.extend(v for k, v in item.items() if k == "@graph")
    return objects


def _article_ld(tree) -> dict:
    for item in _json_ld_objects(tree):
        kinds = item.get("@type", "")
        kinds = kinds if isinstance(kinds, list) else [kinds]
        if any(isinstance(k, str) and _ARTICLE_TYPES.fullmatch(k) for k in kinds):
            return item
    return {}


def _names(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return _names(value.get("name"))
    if isinstance(value, list):
        return [name for item in value for name in _names(item)]
    return []


def _meta(tree, *keys: str) -> str | None:
    for key in keys:
        for attribute in ("property", "name", "itemprop"):
            values = tree.xpath(f'//meta[@{attribute}="{key}"]/@content')
            if values and values[0].strip():
                return values[0].strip()
    return None


def _visible_headline(tree, declared: list[str]) -> str | None:
    """The <h1> a reader sees, preferring one that agrees with the declared title."""
    headings = [
        normalise_text(h.text_content()).replace("\n", " ").strip() for h in tree.xpath("//h1")
    ]
    headings = [h for h in headings if 2 <= len(h.split()) <= 40]
    for heading in headings:
        for title in declared:
            if title and (
                heading.casefold() in title.casefold() or title.casefold() in heading.casefold()
            ):
                return heading
    return headings[0] if len(headings) == 1 else None


_UTC = re.compile(r"(Z|[+-]00:?00)$")
_DOMAIN_LIKE = re.compile(r"(?i)^(https?://|www\.)|^[\w-]+(\.[\w-]+)+/?$")


def _published_date(tree, ld: dict) -> str | None:
    """The publication date as the publisher's own clock gives it.

    A timestamp in UTC can fall on the next day for a US evening story; a
    timestamp with the site's local offset, or a bare date, is preferred.
    """
    candidates = [ld.get("datePublished")]
    if tree is not None:
        candidates.append(
            _meta(
                tree,
                "article:published_time",
                "datePublished",
                "pubdate",
                "publishdate",
                "date",
                "dc.date",
                "DC.date.issued",
            )
        )
        candidates.extend(tree.xpath("//time[@datetime][1]/@datetime")[:1])
    candidates = [c.strip() for c in candidates if isinstance(c, str) and metadata.parse_date(c)]
    local = [c for c in candidates if not _UTC.search(c)]
    chosen = (local or candidates or [None])[0]
    return metadata.parse_date(chosen)


def _publisher(tree, ld: dict, fallback: str | None) -> str | None:
    """The publication's name: schema.org publisher, then og:site_name without
    its tagline; a bare domain only when nothing better is declared."""
    candidates = _names(ld.get("publisher"))
    if tree is not None:
        site_name = _meta(tree, "og:site_name", "application-name")
        if site_name:
            candidates.append(re.split(r"\s+[|–—-]\s+", site_name)[0])
    if fallback:
        candidates.append(re.split(r"\s+[|–—-]\s+", fallback)[0])
    candidates = [c.strip() for c in candidates if isinstance(c, str) and c.strip()]
    named = [c for c in candidates if not _DOMAIN_LIKE.search(c)]
    return (named or candidates or [None])[0]


def extract_html(page: str, url: str | None = None) -> ExtractedArticle:
    document = trafilatura.bare_extraction(
        page, url=url, with_metadata=True, favor_precision=True, include_comments=False
    )
    article = ExtractedArticle()
    try:
        tree = lxml_html.fromstring(page)
    except (ValueError, lxml_html.etree.ParserError):
        tree = None
    ld = _article_ld(tree) if tree is not None else {}
    traf = document if document is not None else None

    declared = [
        ld.get("headline"),
        _meta(tree, "og:title") if tree is not None else None,
        traf.title if traf else None,
    ]
    declared = [d for d in declared if isinstance(d, str)]
    headline = _visible_headline(tree, declared) if tree is not None else None
    article.title = headline or (declared[0] if declared else None)

    authors = _names(ld.get("author"))
    if not authors and tree is not None:
        authors = [
            a
            for a in [_meta(tree, "author", "article:author", "byl", "parsely-author")]
            if a and not a.startswith("http")
        ]
    if not authors and traf and traf.author:
        authors = traf.author.split(";")
    article.authors = metadata.split_authors(authors)

    article.published_date = _published_date(tree, ld) or (
        traf.date if traf and traf.date else None
    )
    article.publisher = _publisher(tree, ld, traf.sitename if traf else None)
    article.url = (traf.url if traf and traf.url else None) or url
    if traf and traf.tags:
        article.tags = (
            [t.strip() for t in traf.tags.split(",") if t.strip()]
            if isinstance(traf.tags, str)
            else list(traf.tags)
        )
    body = traf.text if traf and traf.text else ""
    article.paragraphs = clean_paragraphs(body.split("\n"), title=article.title)
    return article
