"""Datasette plugin for newsfacts databases: a readable article page (the body
with its entity mentions highlighted and linked, its entities and facts listed
beside it) and an entity page (the articles that mention it, the entities it
appears with). Loaded with ``--plugins-dir`` by ``newsfacts serve``."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from datasette import hookimpl
from datasette.utils import urlsafe_components
from markupsafe import Markup, escape

from newsfacts.publish import DATABASE_NAME as DATABASE


def highlighted_body(body: str, mentions: list[dict], base: str) -> Markup:
    """The body as HTML paragraphs, each mention a link to its entity."""
    parts, cursor = [], 0
    for m in sorted(mentions, key=lambda m: m["start"]):
        if m["start"] < cursor:
            continue  # overlapping spans: the first one wins
        parts.append(escape(body[cursor : m["start"]]))
        parts.append(
            Markup('<a class="nf-ent nf-{}" href="{}/entities/{}" title="{}">{}</a>').format(
                m["type"].lower(), base, m["entity_id"], m["type"], body[m["start"] : m["end"]]
            )
        )
        cursor = m["end"]
    parts.append(escape(body[cursor:]))
    html = Markup("").join(parts)
    paragraphs = str(html).split("\n\n")
    return Markup("".join(f"<p>{p}</p>" for p in paragraphs))


async def _article_context(db, article_id: str, base: str) -> dict:
    article = (
        await db.execute("select * from articles where article_id = ?", [article_id])
    ).first()
    if article is None:
        return {}
    mentions = [
        dict(r)
        for r in await db.execute(
            "select start, end, type, entity_id from mentions where article_id = ?", [article_id]
        )
    ]
    entities = [
        dict(r)
        for r in await db.execute(
            """select e.entity_id, e.name, e.type, count(*) as here, e.article_count
           from mentions m join entities e on e.entity_id = m.entity_id
           where m.article_id = ? group by e.entity_id order by here desc, e.name""",
            [article_id],
        )
    ]
    facts = [
        dict(r)
        for r in await db.execute(
            """select kind, text, value_number, unit, value_date, source_text from facts
           where article_id = ? order by start""",
            [article_id],
        )
    ]
    return {
        "nf_article": dict(article),
        "nf_authors": json.loads(article["authors"] or "[]"),
        "nf_tags": json.loads(article["tags"] or "[]"),
        "nf_body_html": highlighted_body(article["body"], mentions, base),
        "nf_entities": entities,
        "nf_facts": facts,
    }


# The coverage query charted by datasette-vega as a line of articles per
# month; the chart's options are the URL's fragment, so the link draws it.
_COVERAGE_CHART = (
    "g.mark=line&g.x_column=month&g.x_type=temporal&g.y_column=articles&g.y_type=quantitative"
)


async def _entity_context(db, entity_id: str, base: str) -> dict:
    articles = [
        dict(r)
        for r in await db.execute(
            """select a.article_id, a.title, a.published_date, a.publisher, count(*) as mentions
           from mentions m join articles a on a.article_id = m.article_id
           where m.entity_id = ? group by a.article_id
           order by a.published_date desc, a.title limit 200""",
            [entity_id],
        )
    ]
    related = [
        dict(r)
        for r in await db.execute(
            """select e.entity_id, e.name, e.type, c.articles from (
             select entity_b as other, articles from entity_cooccurrence where entity_a = ?
             union all
             select entity_a as other, articles from entity_cooccurrence where entity_b = ?
           ) c join entities e on e.entity_id = c.other
           order by c.articles desc, e.name limit 25""",
            [entity_id, entity_id],
        )
    ]
    coverage = f"{base}/coverage_over_time?{urlencode({'entity': entity_id})}#{_COVERAGE_CHART}"
    return {"nf_entity_articles": articles, "nf_related": related, "nf_coverage_url": coverage}


@hookimpl
def extra_template_vars(template, database, table, view_name, request, datasette):
    if view_name != "row" or database != DATABASE or table not in ("articles", "entities"):
        return {}

    async def context():
        key = urlsafe_components(request.url_vars["pks"])[0]
        db = datasette.get_database(database)
        base = datasette.urls.database(database)
        if table == "articles":
            return await _article_context(db, key, base)
        return await _entity_context(db, key, base)

    return context


# An entity's ids in the gazetteers, as links to their pages (opened by the
# reader's browser; the server itself never goes online).
_ID_PAGES = {
    "wikidata_id": "https://www.wikidata.org/wiki/{}",
    "geonames_id": "https://www.geonames.org/{}",
}


@hookimpl
def render_cell(value, column, table, database):
    if database != DATABASE or table != "entities" or column not in _ID_PAGES or value is None:
        return None
    return Markup('<a href="{}">{}</a>').format(_ID_PAGES[column].format(value), value)
