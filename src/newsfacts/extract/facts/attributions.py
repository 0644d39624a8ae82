"""Attributions: who said or reported a statement.

"Russian news agency Interfax reported" → Interfax (agency); "Russia's
Defense Ministry said in a statement" → Defense Ministry (organization);
"according to officials" → officials (official); "a source told" → a source
(anonymous); "..., he said." → the person "he" refers to. The evidence span is
the sentence holding the attributed statement.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CUES = (
    r"said|says|say|told|tells|tell|reported|reports|report|announced|announces|added|adds|"
    r"stated|states|claimed|claims|warned|warns|noted|notes|explained|explains|confirmed|"
    r"confirms|wrote|writes|insisted|insists|argued|argues|cited|cites|declared|declares|"
    r"acknowledged|admitted|admits|denied|denies|predicted|predicts|estimated|estimates|"
    r"suggested|suggests|believes|believed|revealed|reveals|tweeted|posted|replied|"
    r"responded|testified|alleged|alleges|asserted|concluded|found|finds|showed|shows|"
    r"recommended|urged|pledged|promised|vowed|continued|went on|saying|adding|noting|"
    r"warning|telling|claiming|insisting|arguing|explaining|stressing|quipped|joked|"
    r"repeated|described|calculated|predicted|forecast|projected|estimated|calls|called|"
    r"claim|believe|reasoned|hyped|posed|paid tribute|made the comments|recalled|conceded|"
    r"boasted|complained|countered|observed|remarked|announces|proclaimed|maintained"
)
_CUE_AFTER_SOURCE = re.compile(
    rf"(?P<gap>(?:\s+(?:also|later|earlier|previously|then|has|had|have|was|were|would|"
    rf"will|had\s+previously|on\s+\w+day|[a-z]+ly))*)\s+(?P<cue>{CUES})\b"
)
_CUE_BEFORE_SOURCE = re.compile(r"\b(?P<cue>said|says|added|told|wrote|asked|continued)\s+$")
_ACCORDING = re.compile(r"\b(?:according to|citing|cited by|quoted by|as reported by)\s+$", re.I)

_PRONOUN_SOURCE = re.compile(r"(?i)\b(he|she|they)$")
_UNNAMED = re.compile(
    r"(?i)(?:\b(?:the|a|an|one|two|three|several|some|many|other|senior|local|"
    r"government|police|military|u\.s\.|western|anonymous)\s+)?(?:[a-z-]+\s+){0,2}"
    r"(?P<noun>officials?|spokes(?:man|woman|person|people)|sources?|police|authorities|analysts?|"
    r"experts?|observers?|reports?|statement|study|survey|poll|data|documents?|filing|"
    r"government|officers?|diplomats?|residents?|witnesses?|lawyers?|prosecutors?|aides?|"
    r"critics?|supporters?|researchers?|scientists?|economists?|insiders?|people|"
    r"campaigners?|executives?|ministers?|minister|agency|company|firm|group|party|"
    r"commission|committee|union|court|judge|president|chairman|chief|leader|speaker|"
    r"MPs|lawmakers|members|voters|fans|pair|natives|campaign|administration|department)$"
)
_PRONOUNS = {"he", "she", "they", "it", "we", "i"}
_OFFICIAL = {
    "official",
    "officials",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "spokespeople",
    "police",
    "authorities",
    "officer",
    "officers",
    "diplomat",
    "diplomats",
    "prosecutor",
    "prosecutors",
    "minister",
    "ministers",
    "government",
    "aide",
    "aides",
    "president",
    "chairman",
    "chief",
    "leader",
    "judge",
    "court",
}
_DOCUMENT = {
    "report",
    "reports",
    "statement",
    "study",
    "survey",
    "poll",
    "data",
    "document",
    "documents",
    "filing",
}
_AGENCY_NAMES = re.compile(
    r"(?i)\b(AFP|Agence France|Reuters|Associated Press|AP|Interfax|TASS|RIA|Xinhua|Kyodo|"
    r"Yonhap|BBC|CNN|Fox News|NBC|CBS|ABC|MSNBC|NPR|Bloomberg|Al Jazeera|Times|Post|Journal|"
    r"News|Herald|Guardian|Telegraph|Gazette|Tribune|Press|Agency|Radio|TV|Television|"
    r"Politico|Axios|Breitbart)\b"
)


# "a statement by Russia's Central Military District": the source follows.
_STATEMENT_BY = (
    r"\b(?:statement|report|comments?|remarks|announcement|letter|post|tweet|estimates?|"
    r"figures|data|analysis|study|survey|poll|research|press release|interview)s?"
    r"\s+(?:by|from)\b"
)
# '"…," said X' and ', said X': the only places a source follows its verb.
_INVERSION = re.compile(r"(?:[,\"”’:]|\bthen|\bas)\s*$")
# "a spokeswoman for Mrs. Sebelius said": the spokeswoman speaks, not Sebelius.
_ROLE_FOR = re.compile(
    r"(?i)\b(?:a|an|the)?\s*(?:spokes(?:man|woman|person)|aides?|lawyers?|attorneys?|advisers?|"
    r"officials?|representatives?|allies|friends?|people close)\s+(?:for|to|of|with)\s+$"
)
# A capitalised name the model missed, right before the verb ("Hare told").
_BARE_NAME = re.compile(
    r"(?<![\w’'])((?:Mr|Mrs|Ms|Dr)\.?\s+)?([A-Z][a-z][\w’'-]+(?:\s+[A-Z][\w’'-]+){0,2})$"
)
_NOT_NAMES = {
    "The",
    "This",
    "That",
    "These",
    "Those",
    "It",
    "He",
    "She",
    "They",
    "We",
    "I",
    "You",
    "There",
    "But",
    "And",
    "Yet",
    "When",
    "While",
    "If",
    "As",
    "So",
    "Then",
}
# ", chief scientist at 2d3," between a source and its verb.
_APPOSITIVE = re.compile(r"(?:,[^,\n]{1,90}){1,3},\s*$")
_STATEMENT_BY_RE = re.compile(_STATEMENT_BY)


@dataclass(frozen=True)
class Attribution:
    start: int  # the statement's sentence
    end: int
    cue_start: int
    source_text: str
    source_start: int
    source_end: int
    source_type: str
    mention_index: int | None  # index into the mentions given, when the source is one


def _type_of(source_text: str, entity_type: str | None) -> str:
    if entity_type == "PERSON":
        return "person"
    if entity_type is not None:
        return "agency" if _AGENCY_NAMES.search(source_text) else "organization"
    noun = source_text.lower().split()[-1]
    if noun in _PRONOUNS:
        return "person" if noun in ("he", "she", "i") else "organization"
    if noun in _OFFICIAL:
        return "official"
    if noun in _DOCUMENT:
        return "document"
    if noun in ("agency",):
        return "agency"
    if noun in ("company", "firm", "group", "party", "commission", "committee", "union"):
        return "organization"
    return "anonymous"


def _sentence_of(sentences: list[tuple[int, int]], position: int) -> tuple[int, int]:
    for start, end in sentences:
        if start <= position < end:
            return start, end
    return (0, 0)


def _mention_ending_at(mentions, position: int, slack: int = 3):
    for index, m in enumerate(mentions):
        if 0 <= position - m.end <= slack:
            return index
    return None


def _mention_starting_at(mentions, position: int, slack: int = 8):
    for index, m in enumerate(mentions):
        if 0 <= m.start - position <= slack:
            return index
    return None


def find_attributions(body: str, sentences: list[tuple[int, int]], mentions) -> list[Attribution]:
    """Attributions in the body. ``mentions`` are the article's entity mentions
    (with ``start``, ``end``, ``text``, ``type``), used to name sources."""
    found: dict[tuple[int, int], Attribution] = {}
    for match in re.finditer(rf"\b(?:{CUES})\b|\baccording to\b|\bciting\b|{_STATEMENT_BY}", body):
        cue_start, cue_end = match.span()
        sentence = _sentence_of(sentences, cue_start)
        if sentence == (0, 0):
            continue
        before = body[sentence[0] : cue_start]
        after_start = cue_end
        attribution = None
        attribution = _attribution_at(
            body, mentions, match.group(0), before, after_start, sentence, cue_start
        )
        if attribution is not None:
            found.setdefault((attribution.start, attribution.source_start), attribution)
    return sorted(found.values(), key=lambda a: (a.start, a.source_start))


def _attribution_at(
    body, mentions, cue: str, before: str, after_start: int, sentence, cue_start: int
) -> Attribution | None:
    if cue in ("according to", "citing") or _STATEMENT_BY_RE.fullmatch(cue):
        return _source_after(body, mentions, after_start, sentence, cue_start)
    if _PARTICIPLE.fullmatch(cue) and before.rstrip().endswith(","):
        # "Patel pushed back, saying ...": the clause's subject speaks.
        return _clause_subject(mentions, sentence, cue_start)
    attribution = _source_before(body, mentions, before, sentence, cue_start)
    inverted = _INVERSION.search(before) or not before.strip()
    if attribution is None and inverted and re.match(r"said|says|added|told|wrote", cue):
        attribution = _source_after(body, mentions, after_start, sentence, cue_start)
    return attribution


_PARTICIPLE = re.compile(
    r"saying|adding|noting|warning|telling|claiming|insisting|arguing|"
    r"explaining|stressing|calling"
)


def _clause_subject(mentions, sentence, cue_start: int) -> Attribution | None:
    for index, m in enumerate(mentions):
        if sentence[0] <= m.start < cue_start and m.type in ("PERSON", "ORG"):
            return _from_mention(sentence, cue_start, mentions, index)
    return None


def _from_mention(sentence, cue_start: int, mentions, index: int) -> Attribution:
    m = mentions[index]
    return Attribution(
        sentence[0], sentence[1], cue_start, m.text, m.start, m.end, _type_of(m.text, m.type), index
    )


def _source_before(body, mentions, before: str, sentence, cue_start: int):
    gap = re.search(
        r"(?:\s+(?:also|later|earlier|previously|then|has|had|have|would|will|"
        r"on\s+\w+day|[a-z]+ly|in\s+a\s+statement))*\s*$",
        before,
    )
    source_end = sentence[0] + (gap.start() if gap else len(before))
    appositive = _APPOSITIVE.search(body[sentence[0] : source_end])
    if appositive:
        source_end = sentence[0] + appositive.start()
    index = _mention_ending_at(mentions, source_end)
    if index is not None:
        return _from_mention(sentence, cue_start, mentions, index)
    pronoun = _PRONOUN_SOURCE.search(body[sentence[0] : source_end])
    unnamed = pronoun or _UNNAMED.search(body[sentence[0] : source_end])
    if unnamed:
        start = sentence[0] + unnamed.start()
        text = body[start:source_end]
        return Attribution(
            sentence[0], sentence[1], cue_start, text, start, source_end, _type_of(text, None), None
        )
    return None


def _source_after(body, mentions, position: int, sentence, cue_start: int):
    index = _mention_starting_at(mentions, position)
    # "said Biarritz chairman Marcel Martin": the person after a role.
    if index is None or mentions[index].type != "PERSON":
        person = next(
            (
                i
                for i, m in enumerate(mentions)
                if m.type == "PERSON"
                and position <= m.start <= position + 45
                and m.start < sentence[1]
                and "," not in body[position : m.start]
            ),
            None,
        )
        index = person if person is not None else index
    # "by Russia's Central Military District": the owner is not the source.
    while index is not None and re.match(r"['’]s\s", body[mentions[index].end :]):
        following = _mention_starting_at(mentions, mentions[index].end + 2, slack=2)
        if following is None:
            break
        index = following
    if index is not None and mentions[index].start < sentence[1]:
        return _from_mention(sentence, cue_start, mentions, index)
    unnamed = re.match(
        r"\s+((?:the|a|an|one|two|several|some|senior|local)\s+)?(?:[a-z-]+\s+){0,2}?"
        r"(officials?|spokes(?:man|woman|person)|sources?|police|authorities|analysts?|experts?|"
        r"reports?|statement|study|survey|poll|data|documents?|he|she|they|it)\b",
        body[position : sentence[1]],
        re.I,
    )
    if unnamed:
        start = position + unnamed.start() + len(unnamed.group(0)) - len(unnamed.group(0).lstrip())
        end = position + unnamed.end()
        text = body[start:end]
        return Attribution(
            sentence[0], sentence[1], cue_start, text, start, end, _type_of(text, None), None
        )
    return None
