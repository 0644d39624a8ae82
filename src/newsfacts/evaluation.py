"""Scoring an extracted body against a reference body.

The measure is the one the article-extraction-benchmark uses: precision and
recall over multisets of token shingles (4 consecutive word tokens), so that a
word only counts when it appears in the same local context. Benchmarks and
tests share this module so that a figure in a test and in a benchmark table
mean the same thing.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

_TOKEN = re.compile(r"\w+", re.UNICODE)
SHINGLE_SIZE = 4


@dataclass(frozen=True)
class BodyScore:
    precision: float
    recall: float

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 0.0 if total == 0 else 2 * self.precision * self.recall / total


def _shingles(text: str) -> Counter:
    tokens = _TOKEN.findall(text.lower())
    if len(tokens) < SHINGLE_SIZE:
        return Counter([tuple(tokens)]) if tokens else Counter()
    return Counter(
        tuple(tokens[i : i + SHINGLE_SIZE]) for i in range(len(tokens) - SHINGLE_SIZE + 1)
    )


def score_body(predicted: str, reference: str) -> BodyScore:
    """Shingle precision and recall of ``predicted`` against ``reference``."""
    pred, ref = _shingles(predicted or ""), _shingles(reference or "")
    if not pred and not ref:
        return BodyScore(1.0, 1.0)
    if not pred or not ref:
        return BodyScore(0.0 if pred else 1.0, 0.0 if ref else 1.0)
    overlap = sum((pred & ref).values())
    return BodyScore(overlap / sum(pred.values()), overlap / sum(ref.values()))


def mean_scores(scores: list[BodyScore]) -> tuple[float, float, float]:
    """Mean precision, recall and F1 over documents (each page weighs the same)."""
    if not scores:
        return (0.0, 0.0, 0.0)
    n = len(scores)
    return (
        sum(s.precision for s in scores) / n,
        sum(s.recall for s in scores) / n,
        sum(s.f1 for s in scores) / n,
    )


def score_entities(
    predicted: list[list[tuple[set, str]]], gold: list[list[tuple[set, str]]], typed: bool
) -> tuple[float, float, float]:
    """Micro precision, recall and F1 of per-article entities.

    Each entity is (its normalised written forms, its type). A prediction
    matches a gold entity when their forms intersect (and, if ``typed``, their
    types agree); each gold entity is matched at most once.
    """
    matched = total_pred = total_gold = 0
    for pred, truth in zip(predicted, gold, strict=True):
        total_pred += len(pred)
        total_gold += len(truth)
        used: set[int] = set()
        for forms, kind in pred:
            for index, (gold_forms, gold_kind) in enumerate(truth):
                if index not in used and forms & gold_forms and (not typed or kind == gold_kind):
                    used.add(index)
                    break
        matched += len(used)
    precision = matched / total_pred if total_pred else 0.0
    recall = matched / total_gold if total_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1
