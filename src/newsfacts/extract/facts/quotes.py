"""Direct quotations and who said them.

A quotation is text between matching quote marks (“…”, "…") within one
paragraph, of two words or more (single quoted words are scare quotes). Its
speaker is the source of an attribution in the same sentence or the sentence
right before or after it in the same paragraph ("…," he said. / She said: "…").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_QUOTE = re.compile(r"“(?P<curly>[^”\n]{2,2000})”|\"(?P<straight>[^\"\n]{2,2000})\"")


@dataclass(frozen=True)
class Quote:
    start: int  # including the quote marks
    end: int
    text_start: int  # the quoted words only
    text_end: int


def find_quotes(body: str) -> list[Quote]:
    found = []
    for match in _QUOTE.finditer(body):
        group = "curly" if match.group("curly") is not None else "straight"
        words = match.group(group).split()
        if len(words) < 2:
            continue
        found.append(Quote(match.start(), match.end(), match.start(group), match.end(group)))
    return found


def speaker_for(quote: Quote, attributions, body: str):
    """The attribution that introduces or follows the quote, if any."""
    paragraph_start = body.rfind("\n\n", 0, quote.start) + 2 if "\n\n" in body[: quote.start] else 0
    paragraph_end = body.find("\n\n", quote.end)
    paragraph_end = len(body) if paragraph_end < 0 else paragraph_end
    # A hedge ("reportedly") names nobody to say the quote.
    nearby = [
        a for a in attributions if a.source_text and paragraph_start <= a.cue_start < paragraph_end
    ]
    if not nearby:
        return None
    # Prefer a cue after the quote in the same paragraph ("…," he said), then before it.
    after = [a for a in nearby if a.cue_start >= quote.end]
    before = [a for a in nearby if a.cue_start < quote.start]
    inside = [a for a in nearby if quote.start <= a.cue_start < quote.end]
    if after and after[0].cue_start - quote.end < 60:
        return after[0]
    if before:
        return before[-1]
    if after:
        return after[0]
    return inside[0] if inside else None
