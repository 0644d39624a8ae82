"""Articles from JSON records whose field names vary from dataset to dataset.

Each article field has a list of the names datasets use for it, in order of
preference ("content_original" before the tokenised "content"). Nested values
("author": {"name": ...}) and lists are flattened.
"""

from __future__ import annotations

from newsfacts.extract import metadata
from newsfacts.extract.cleaning import clean_paragraphs
from newsfacts.records import ExtractedArticle

FIELD_NAMES = {
    "title": ("title", "headline", "name", "heading"),
    "body": (
        "content_original",
        "articleBody",
        "article_body",
        "body",
        "text",
        "content",
        "maintext",
        "full_text",
        "fulltext",
        "article",
        "story",
    ),
    "published_date": (
        "date",
        "published_date",
        "published",
        "publishedAt",
        "published_at",
        "datePublished",
        "date_publish",
        "pubDate",
        "pub_date",
        "publication_date",
        "created_at",
        "timestamp",
    ),
    "authors": ("authors", "author", "byline", "bylines", "creator", "writers"),
    "publisher": (
        "publisher",
        "source",
        "source_name",
        "site_name",
        "sitename",
        "outlet",
        "media",
        "publication",
    ),
    "url": ("url", "link", "canonical_url", "article_url", "href"),
    "tags": ("tags", "keywords", "categories", "subjects"),
}


def _lookup(record: dict, names: tuple[str, ...]):
    lowered = {key.lower(): value for key, value in record.items() if isinstance(key, str)}
    for name in names:
        value = lowered.get(name.lower())
        if value not in (None, "", [], {}):
            return value
    return None


def _as_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, dict):
        return _as_text(value.get("name") or value.get("title") or value.get("value"))
    if isinstance(value, list):
        parts = [_as_text(item) for item in value]
        return "\n\n".join(p for p in parts if p) or None
    return str(value).strip() or None


def _as_list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [text for item in value if (text := _as_text(item))]
    text = _as_text(value)
    return [part.strip() for part in text.split(",") if part.strip()] if text else []


def _author_names(value) -> list[str]:
    if isinstance(value, list):
        return metadata.split_authors([_as_text(item) or "" for item in value])
    return metadata.split_authors(_as_text(value))


def extract_record(record: dict) -> ExtractedArticle:
    article = ExtractedArticle()
    article.title = _as_text(_lookup(record, FIELD_NAMES["title"]))
    article.authors = _author_names(_lookup(record, FIELD_NAMES["authors"]))
    article.published_date = metadata.parse_date(
        _as_text(_lookup(record, FIELD_NAMES["published_date"]))
    )
    article.publisher = _as_text(_lookup(record, FIELD_NAMES["publisher"]))
    article.url = _as_text(_lookup(record, FIELD_NAMES["url"]))
    article.tags = _as_list(_lookup(record, FIELD_NAMES["tags"]))
    body = _as_text(_lookup(record, FIELD_NAMES["body"])) or ""
    article.paragraphs = clean_paragraphs(body.split("\n"), title=article.title)
    return article
