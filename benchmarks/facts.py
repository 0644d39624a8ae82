"""Fact quality and cost, measured on hand-annotated articles.

Gold facts are in ``tests/annotations/facts`` (guidelines:
``tests/annotations/fact-guidelines.md``): 44 articles, BBC and
article-bias-prediction mixed, the same articles as the entity test set. Each
gold item gives its exact text, which is located in the article body as
newsfacts cleans it.

- quantities: a prediction matches a gold quantity when the spans overlap and
  the values are equal; unit accuracy is over matched pairs, comparing head
  nouns (plural "s" and case ignored: "electoral votes" = "votes").
- dates: resolution accuracy is the share of gold dates with a value for which
  an overlapping prediction has the same date. The same score is given for
  dateparser's ``search_dates`` (the published date as its relative base), the
  library the date rules were measured against; quantulum3's parser is scored
  on the quantities when it is installed (``pip install quantulum3``).
- attributions: a prediction (the statement's sentence) matches a gold
  attribution when it contains the gold cue text and names the same source
  (as written, or through its entity's name and aliases).
- quotes: detection by overlap; speaker accuracy over matched quotes.
- quantity subjects (when ``tests/annotations/facts-subjects`` exists): over
  matched quantities, a predicted subject is right when its entity's name or
  an alias is the annotated subject; precision over predicted subjects, recall
  over annotated ones (a gold null counts against any prediction).

Held out: ``tests/annotations/facts-heldout`` holds articles annotated after
the extractors' rules were written and never used to write them (only the
kinds each file annotates). The main set is where the rules' misses were
studied; the held-out score is the better guess for unseen articles, and is
printed on its own.

Cost: fact extraction time against entity extraction (NER + resolution) on
the same articles, in the same run.

    python benchmarks/facts.py [--cost-files N]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from newsfacts.entities import entity_tables, resolve_articles  # noqa: E402
from newsfacts.extract.article import to_article_row  # noqa: E402
from newsfacts.extract.resolution import name_key  # noqa: E402
from newsfacts.facts import fact_rows  # noqa: E402
from newsfacts.ingest import SourceFile, read_source  # noqa: E402

ANNOTATIONS = REPO / "tests" / "annotations" / "facts"
HELD_OUT = REPO / "tests" / "annotations" / "facts-heldout"
# The subject entity of each gold quantity, annotated separately (after the
# subject rule was written, without running it).
SUBJECTS = REPO / "tests" / "annotations" / "facts-subjects" / "quantities.json"


def _locate(body: str, text: str, occurrence: int = 1) -> tuple[int, int] | None:
    position = -1
    for _ in range(occurrence):
        position = body.find(text, position + 1)
        if position < 0:
            return None
    return position, position + len(text)


def load_articles(corpus: Path, folder: Path = ANNOTATIONS) -> list[tuple[dict, dict]]:
    """(article row, gold annotation) for every article annotated in ``folder``;
    gold quantities get their ``subject`` when ``SUBJECTS`` annotates them."""
    subjects = json.loads(SUBJECTS.read_text())["articles"] if SUBJECTS.exists() else {}
    items = []
    for file in sorted(folder.glob("*.json")):
        for path, gold in sorted(json.loads(file.read_text())["articles"].items()):
            reading = read_source(SourceFile(corpus / path, path, "corpus"))
            _add_subjects(gold.get("quantities", []), subjects.get(path, []))
            items.append((to_article_row(reading.records[0]), gold))
    return items


def _add_subjects(quantities: list[dict], subjects: list[dict]) -> None:
    known = {(s["text"], s.get("occurrence", 1)): s.get("subject") for s in subjects}
    for q in quantities:
        key = (q["text"], q.get("occurrence", 1))
        if key in known:
            q["subject"] = known[key]


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _norm_unit(unit) -> str:
    """The head noun, singular, lower case: "electoral votes" and "votes" agree."""
    unit = (unit or "").casefold().strip().split(" ")[-1]
    if unit.endswith(("ches", "shes", "xes", "sses")):
        return unit[:-2]
    return unit[:-1] if unit.endswith("s") and len(unit) > 3 else unit


def _same_number(a, b) -> bool:
    return a is not None and b is not None and abs(a - b) <= 1e-6 * max(1.0, abs(b))


def prf(matched_pred: int, pred: int, matched_gold: int, gold: int) -> tuple[float, float, float]:
    p = matched_pred / pred if pred else 0.0
    r = matched_gold / gold if gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _match(preds: list, golds: list, fits) -> list[tuple[int, int]]:
    """Greedy one-to-one pairs (pred index, gold index) for which ``fits`` holds."""
    used, pairs = set(), []
    for i, pred in enumerate(preds):
        for j, gold in enumerate(golds):
            if j not in used and fits(pred, gold):
                used.add(j)
                pairs.append((i, j))
                break
    return pairs


def _gold_spans(body: str, gold: dict, kind: str) -> tuple[list[tuple], int]:
    """(span, item) of each gold item of ``kind`` found in ``body``, and how
    many were not found there."""
    found, missing = [], 0
    for g in gold.get(kind, []):
        span = _locate(body, g["text"], g.get("occurrence", 1))
        if span is None:
            missing += 1
        else:
            found.append((span, g))
    return found, missing


def _same_quantity(pred: dict, gold: tuple) -> bool:
    """A predicted quantity overlaps a located gold one and has its value."""
    return _overlaps((pred["start"], pred["end"]), gold[0]) and _same_number(
        pred["value_number"], gold[1]["value"]
    )


def _same_date(pred: dict, gold: tuple) -> bool:
    """A predicted date overlaps a located gold one and resolves to its value."""
    return (
        _overlaps((pred["start"], pred["end"]), gold[0])
        and pred["value_date"] is not None
        and pred["value_date"].isoformat() == gold[1]["value"]
    )


def _names_match(wanted: str, forms) -> bool:
    """A gold name (``name_key`` form) and a prediction's name forms agree:
    one contains the other."""
    return bool(wanted) and any(f and (wanted in f or f in wanted) for f in forms)


class Tally:
    def __init__(self):
        self.counts: dict[str, int] = {}

    def add(self, **values):
        for key, value in values.items():
            self.counts[key] = self.counts.get(key, 0) + value

    def __getitem__(self, key):
        return self.counts.get(key, 0)


def score(items, rows_by_article, names_by_entity) -> dict:
    t = Tally()
    for article, gold in items:
        body = article["body"]
        rows = rows_by_article.get(article["article_id"], [])

        def located(kind, body=body, gold=gold):
            found, missing = _gold_spans(body, gold, kind)
            t.add(unlocated=missing)
            return found

        quantities = [r for r in rows if r["kind"] == "quantity"]
        gold_q = located("quantities")
        pairs = _match(quantities, gold_q, _same_quantity)
        for i, j in pairs:
            if "subject" not in gold_q[j][1]:
                continue
            wanted = name_key(gold_q[j][1]["subject"] or "")
            given = quantities[i]["subject_entity_id"]
            forms = names_by_entity.get(given, set())
            t.add(
                subject_gold=bool(wanted),
                subject_pred=given is not None,
                subject_ok=_names_match(wanted, forms),
            )
        t.add(
            q_pred=len(quantities),
            q_gold=len(gold_q),
            q_match=len(pairs),
            unit_ok=sum(
                _norm_unit(quantities[i]["unit"]) == _norm_unit(gold_q[j][1]["unit"])
                for i, j in pairs
            ),
        )

        dates = [r for r in rows if r["kind"] == "date"]
        gold_d = located("dates")
        valued = [g for g in gold_d if g[1]["value"]]
        correct = _match(dates, valued, _same_date)
        detected = _match(dates, gold_d, lambda p, g: _overlaps((p["start"], p["end"]), g[0]))
        t.add(
            d_valued=len(valued),
            d_correct=len(correct),
            d_pred=len(dates),
            d_gold=len(gold_d),
            d_detected=len(detected),
        )

        attributions = [r for r in rows if r["kind"] == "attribution"]
        gold_a = located("attributions")

        def same_source(pred, g):
            if g[1].get("source_text") is None:  # a hedge: "reportedly", "it is understood"
                return pred["source_text"] is None
            wanted = name_key(g[1].get("source_text") or "")
            forms = {name_key(pred["source_text"] or "")}
            forms |= names_by_entity.get(pred["source_entity_id"], set())
            return _names_match(wanted, forms)

        pairs = _match(
            attributions,
            gold_a,
            lambda p, g: p["start"] <= g[0][0] and g[0][1] <= p["end"] and same_source(p, g),
        )
        t.add(a_pred=len(attributions), a_gold=len(gold_a), a_match=len(pairs))

        quotes = [r for r in rows if r["kind"] == "quote"]
        gold_quotes = located("quotes")
        pairs = _match(quotes, gold_quotes, lambda p, g: _overlaps((p["start"], p["end"]), g[0]))
        speaker_ok = 0
        for i, j in pairs:
            speaker = name_key(gold_quotes[j][1].get("speaker") or "")
            forms = {name_key(quotes[i]["source_text"] or "")}
            forms |= names_by_entity.get(quotes[i]["source_entity_id"], set())
            if speaker and any(f and speaker.split()[-1] in f.split() for f in forms):
                speaker_ok += 1
        t.add(
            quote_pred=len(quotes),
            quote_gold=len(gold_quotes),
            quote_match=len(pairs),
            speaker_ok=speaker_ok,
            speaker_gold=sum(1 for _, j in pairs if gold_quotes[j][1].get("speaker")),
        )
    return {
        "quantity": prf(t["q_match"], t["q_pred"], t["q_match"], t["q_gold"]),
        "unit_accuracy": t["unit_ok"] / t["q_match"] if t["q_match"] else 0.0,
        "date_resolution_accuracy": t["d_correct"] / t["d_valued"] if t["d_valued"] else 0.0,
        "date_detection": prf(t["d_detected"], t["d_pred"], t["d_detected"], t["d_gold"]),
        "attribution": prf(t["a_match"], t["a_pred"], t["a_match"], t["a_gold"]),
        "quote": prf(t["quote_match"], t["quote_pred"], t["quote_match"], t["quote_gold"]),
        "speaker_accuracy": t["speaker_ok"] / t["speaker_gold"] if t["speaker_gold"] else 0.0,
        "quantity_subject": prf(
            t["subject_ok"], t["subject_pred"], t["subject_ok"], t["subject_gold"]
        ),
        "counts": t.counts,
    }


def run(articles) -> tuple[list[dict], dict, float, float]:
    """Fact rows, entity names by id, and the seconds of entities and of facts."""
    started = time.perf_counter()
    resolved = resolve_articles(articles)
    entities, _, cluster_ids = entity_tables(resolved)
    entity_seconds = time.perf_counter() - started
    started = time.perf_counter()
    rows = fact_rows(resolved, cluster_ids)
    fact_seconds = time.perf_counter() - started
    names = {
        e["entity_id"]: {name_key(e["name"])} | {name_key(a) for a in e["aliases"]}
        for e in entities
    }
    return rows, names, entity_seconds, fact_seconds


def evaluate(items) -> dict:
    """Fact rows for the annotated articles, scored against their gold."""
    rows, names, _, _ = run([a for a, _ in items])
    by_article: dict[str, list[dict]] = {}
    for row in rows:
        by_article.setdefault(row["article_id"], []).append(row)
    return score(items, by_article, names)


def library_dates(items) -> tuple[float, int, int] | None:
    """Date resolution accuracy of dateparser's ``search_dates`` on the same
    gold, with the published date as its relative base and its most favourable
    settings for this scoring (first day of a month, dates from the past); the
    library newsfacts would otherwise use. None when dateparser is missing."""
    try:
        from dateparser.search import search_dates
    except ImportError:
        return None
    import datetime as dt

    correct = valued = 0
    for article, gold in items:
        body, published = article["body"], article.get("published_date")
        if isinstance(published, str):
            published = dt.date.fromisoformat(published)
        settings = {"PREFER_DAY_OF_MONTH": "first", "PREFER_DATES_FROM": "past"}
        if published:
            settings["RELATIVE_BASE"] = dt.datetime.combine(published, dt.time())
        rows, position = [], 0
        for text, value in search_dates(body, languages=["en"], settings=settings) or []:
            start = body.find(text, position)
            if start < 0:
                continue
            position = start + len(text)
            rows.append({"start": start, "end": position, "value_date": value.date()})
        golds = [(span, g) for span, g in _gold_spans(body, gold, "dates")[0] if g["value"]]
        correct += len(_match(rows, golds, _same_date))
        valued += len(golds)
    return (correct / valued if valued else 0.0), correct, valued


def library_quantities(items) -> tuple[float, float, float] | None:
    """Quantity P/R/F1 (value match, as above) of quantulum3's parser on the same
    gold; None when quantulum3 is not installed (``pip install quantulum3``)."""
    try:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # it warns that its optional classifier is missing
            from quantulum3 import parser
    except ImportError:
        return None
    predicted = gold_count = matched = 0
    for article, gold in items:
        body = article["body"]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            found = parser.parse(body)
        rows = [{"start": q.span[0], "end": q.span[1], "value_number": q.value} for q in found]
        golds = _gold_spans(body, gold, "quantities")[0]
        matched += len(_match(rows, golds, _same_quantity))
        predicted += len(rows)
        gold_count += len(golds)
    return prf(matched, predicted, matched, gold_count)


def held_out(corpus: Path) -> None:
    """Attribution P/R/F1 on the held-out articles, if there are any."""
    items = load_articles(corpus, HELD_OUT)
    if not items:
        return
    result = evaluate(items)
    p, r, f = result["attribution"]
    c = result["counts"]
    print(
        f"{'attributions, held out':28} | {p:5.3f} {r:5.3f} {f:5.3f} | "
        f"({len(items)} articles, {c.get('a_gold', 0)} attributions, annotated after the "
        f"rules were written; {c.get('unlocated', 0)} gold items not found)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--cost-files", type=int, default=400)
    args = parser.parse_args()
    if not args.corpus.exists():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 2
    items = load_articles(args.corpus)
    result = evaluate(items)
    c = result["counts"]
    print(
        f"Fact quality on {len(items)} hand-annotated articles "
        f"({c.get('q_gold', 0)} quantities, {c.get('d_gold', 0)} dates, "
        f"{c.get('a_gold', 0)} attributions, {c.get('quote_gold', 0)} quotes; "
        f"{c.get('unlocated', 0)} gold items not found in the cleaned bodies)"
    )
    print(f"{'measure':28} | {'P':>5} {'R':>5} {'F1':>5} | target")
    for label, key, target in (
        ("quantities (value match)", "quantity", ">= 0.90 F1"),
        ("date detection", "date_detection", ""),
        ("attributions", "attribution", ">= 0.85 F1"),
        ("quotes", "quote", ""),
    ):
        p, r, f = result[key]
        print(f"{label:28} | {p:5.3f} {r:5.3f} {f:5.3f} | {target}")
        if key == "quantity" and (library := library_quantities(items)) is not None:
            p, r, f = library
            print(f"{'  quantulum3, same gold':28} | {p:5.3f} {r:5.3f} {f:5.3f} | (its parser)")
    print(f"{'unit accuracy':28} | {result['unit_accuracy']:17.3f} | >= 0.90")
    print(f"{'date resolution accuracy':28} | {result['date_resolution_accuracy']:17.3f} | >= 0.90")
    library = library_dates(items)
    if library is not None:
        accuracy, correct, valued = library
        print(
            f"{'  dateparser, same gold':28} | {accuracy:17.3f} | "
            f"(search_dates with the published date as base: {correct}/{valued})"
        )
    print(f"{'quote speaker accuracy':28} | {result['speaker_accuracy']:17.3f} |")
    if c.get("subject_gold"):
        p, r, f = result["quantity_subject"]
        print(
            f"{'quantity subjects':28} | {p:5.3f} {r:5.3f} {f:5.3f} | "
            f"(matched quantities; {c['subject_gold']} with a subject in {SUBJECTS.name})"
        )
    held_out(args.corpus)

    corpus_files = sorted((args.corpus / "article-bias-prediction" / "jsons").glob("*.json"))
    articles = []
    for path in corpus_files[: args.cost_files]:
        reading = read_source(SourceFile(path, path.name, "corpus"))
        row = to_article_row(reading.records[0])
        if isinstance(row, dict):
            articles.append(row)
    _, _, entity_seconds, fact_seconds = run(articles)
    print(
        f"\nCost on {len(articles)} articles: entities (NER + resolution) {entity_seconds:.1f} s, "
        f"facts {fact_seconds:.1f} s = +{100 * fact_seconds / entity_seconds:.0f}% "
        f"(target <= +30%)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
