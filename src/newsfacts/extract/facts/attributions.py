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
    r"boasted|complained|countered|observed|remarked|announces|proclaimed|maintained|"
    r"indicated|indicates|touted|blamed|pressed|highlighted|highlighting|whispered|whisper"
)
_PRONOUN_SOURCE = re.compile(r"(?i)\b(he|she|they)$")
# Nouns that stand for an unnamed source: "officials said", "according to a
# spokesman", "said the company".
_SOURCE_NOUNS = (
    r"officials?|spokes(?:man|woman|person|people)|sources?|police|authorities|analysts?|"
    r"experts?|observers?|reports?|statement|study|survey|poll|data|documents?|filing|"
    r"government|officers?|diplomats?|residents?|witness(?:es)?|lawyers?|prosecutors?|aides?|"
    r"critics?|supporters?|researchers?|scientists?|economists?|insiders?|people|"
    r"advocates?|activists?|commentators?|"
    r"campaigners?|executives?|ministers?|minister|agency|company|firm|group|party|"
    r"commission|committee|union|court|judge|president|chairman|chief|leader|speaker|"
    r"MPs|lawmakers|members|voters|fans|pair|natives|campaign|administration|department"
)
_UNNAMED = re.compile(
    r"(?i)(?:\b(?:the|a|an|one|two|three|several|some|many|other|senior|local|"
    r"government|police|military|u\.s\.|western|anonymous)\s+)?(?:\b[a-z-]+\s+){0,2}"
    rf"(?P<noun>{_SOURCE_NOUNS})$"
)
# The same after the cue ("according to senior officials"; '"…," said a
# spokesman'), where a pronoun may stand for the source too.
_UNNAMED_AFTER = re.compile(
    r"(?i)\s+((?:the|a|an|one|two|several|some|senior|local)\s+)?(?:[a-z-]+\s+){0,2}?"
    rf"(?:{_SOURCE_NOUNS}|he|she|they|it)\b"
)
_PRONOUNS = {"he", "she", "they", "it", "we", "i"}
_INNER_DETERMINER = re.compile(r"\s((?:the|a|an|its|their|his|her|our|some|several)\s)")
# Any other noun phrase a determiner opens, right before a verb of saying:
# "The ex-porn star said", "the restaurant denied"; and quantifiers standing
# for people ("many said", "others argued"). Only with verbs that cannot be
# nouns ("its final report", "an amendment that calls" are no sources).
_PLAIN_WORD = r"(?!(?:that|which|who|by|of|for|to|and|or|in|on|at|with|from|as)\b)[a-z][\w-]*[a-z]"
_DETERMINED = re.compile(
    rf"(?:\b(?:[Tt]he|[Aa]n?|[Ii]ts|[Tt]heir|[Hh]is|[Hh]er|[Oo]ur|[Ss]ome|[Mm]any|[Ss]everal|"
    rf"[Oo]ther|[Bb]oth|[Aa]ll)\s+(?:{_PLAIN_WORD}\s+){{0,2}}{_PLAIN_WORD}|"
    r"\b(?:[Mm]any|[Oo]thers|[Mm]ost)(?:\s+of\s+them)?)$"
)
_SAYING_VERBS = re.compile(
    r"said|says|told|tells|claimed|argued|insisted|wrote|announced|explained|stated|"
    r"admitted|acknowledged|noted|predicted|concluded"
)
_AFTER_PREPOSITION = re.compile(r"\b(?:of|for|to|with|from|by|at|in|on|about|against)\s+$")
_UNNAMED_WINDOW = 200
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
    r"\b(?:statement|report|comments?|remarks|claims|warnings|announcement|letter|post|tweet|estimates?|"
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
# A capitalised name the model missed ("Hare told", "said Papadoyiannakis",
# "The Middlesex County District Attorney’s Office said"): up to five name
# words, joined by "of"/"for"/"and" at most, after an optional title. A name
# word is capitalised, and so is each part after a hyphen ("Magnenat-Thalman",
# not "Republican-authored").
_NAME_WORD = r"[A-Z][\w’'.]*(?:-[A-Z][\w’'.]*)*"
_NAME_WORDS = rf"{_NAME_WORD}(?:\s+(?:(?:of|for|and|of\s+the)\s+)?{_NAME_WORD}){{0,4}}"
_TITLE = r"(?:(?:Mr|Mrs|Ms|Miss|Dr|Prof|Sir|Dame)\.?\s+)"
_BARE_NAME_BEFORE = re.compile(rf"(?<![\w’'.-])(?P<title>{_TITLE})?(?P<name>{_NAME_WORDS})$")
_BARE_NAME_AFTER = re.compile(
    rf"\s+(?P<the>the\s+|The\s+)?(?P<title>{_TITLE})?(?P<name>{_NAME_WORDS})"
)
# A name that ends in an abbreviation keeps its full stop ("U.S.", "Jr.").
_ABBREVIATION_END = re.compile(r"(?:\b[A-Z]\.)+$|\b(?:Jr|Sr|Inc|Ltd|Co|Corp)\.$")
# Words that start a capitalised run without being a name.
_NOT_NAMES = frozenset(
    [
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
        "In",
        "On",
        "At",
        "For",
        "From",
        "With",
        "By",
        "After",
        "Before",
        "During",
        "Since",
        "Under",
        "Over",
        "His",
        "Her",
        "Their",
        "Its",
        "Our",
        "My",
        "Your",
        "A",
        "An",
        "One",
        "Some",
        "Many",
        "Most",
        "All",
        "Both",
        "Each",
        "Every",
        "Such",
        "What",
        "Which",
        "Who",
        "Why",
        "How",
        "Despite",
        "Although",
        "Though",
        "Because",
        "However",
        "Meanwhile",
        "Later",
        "Earlier",
        "Yesterday",
        "Today",
        "Now",
        "Also",
        "Asked",
        "According",
        "Nobody",
        "Everyone",
    ]
)
# Heads of organisation names ("the Attorney’s Office", "Defence Committee").
_ORG_HEADS = re.compile(
    r"(?i)\b(?:office|ministry|department|committee|council|agency|organi[sz]ation|"
    r"association|party|union|company|corporation|corp|inc|ltd|group|bank|board|"
    r"commission|authority|institute|foundation|court|government|service|police|army|"
    r"federation|league|club|university|college|school|hospital|fund|trust)\.?$"
)
# ", chief scientist at 2d3," between a source and its verb.
_APPOSITIVE = re.compile(r",[^,\n\"“”]{1,90},\s*$")
_STATEMENT_BY_RE = re.compile(_STATEMENT_BY)
# Every cue. "claims from X" is a statement by X before "claims" is a verb;
# "According to" opens sentences.
_CUE_RE = re.compile(rf"{_STATEMENT_BY}|\b(?:{CUES})\b|\b(?i:according to|citing)\b")


@dataclass(frozen=True)
class Attribution:
    start: int  # the statement's sentence
    end: int
    cue_start: int
    source_text: str  # "" for a hedge that names no source ("reportedly")
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
    for match in _CUE_RE.finditer(body):
        cue_start, cue_end = match.span()
        sentence = _sentence_of(sentences, cue_start)
        if sentence == (0, 0):
            continue
        before = body[sentence[0] : cue_start]
        after_start = cue_end
        attribution = _attribution_at(
            body, mentions, match.group(0), before, after_start, sentence, cue_start
        )
        if attribution is not None:
            found.setdefault((attribution.start, attribution.source_start), attribution)
    for match in _HEDGE.finditer(body):
        sentence = _sentence_of(sentences, match.start())
        if sentence != (0, 0) and not any(a.start == sentence[0] for a in found.values()):
            hedge = Attribution(
                sentence[0], sentence[1], match.start(), "", *match.span(), "anonymous", None
            )
            found[(hedge.start, hedge.source_start)] = hedge
    return sorted(found.values(), key=lambda a: (a.start, a.source_start))


# Statements the text attributes to nobody it names ("reportedly", "it is
# understood", "is thought to have"): anonymous attributions without a source
# (source_text ""), unless the sentence names one elsewhere. Only "to be" and
# "to have" after the passive: "trees were reported to emergency services" is
# no hedge.
_HEDGE = re.compile(
    r"\b(?:reportedly|reputedly|"
    r"[Ii]t\s+is\s+(?:understood|believed|thought|said|reported|rumou?red|claimed)|"
    r"(?:is|are|was|were)\s+(?:understood|believed|thought|said|reported|rumou?red)"
    r"(?=\s+to\s+(?:be|have)\b))\b"
)


def _attribution_at(
    body, mentions, cue: str, before: str, after_start: int, sentence, cue_start: int
) -> Attribution | None:
    if cue.lower() in ("according to", "citing") or _STATEMENT_BY_RE.fullmatch(cue):
        return _source_after(body, mentions, after_start, sentence, cue_start)
    if _PARTICIPLE.fullmatch(cue) and before.rstrip().endswith(","):
        # "Patel pushed back, saying ...": the clause's subject speaks.
        return _clause_subject(body, mentions, sentence, cue_start)
    if _AFTER_QUOTE.search(before):
        # '"…," said Mr. Smith': the source follows the verb; a name inside
        # the quotation before it is never the source.
        if _INVERTIBLE.fullmatch(cue):
            return _source_after(body, mentions, after_start, sentence, cue_start)
        return None
    attribution = _source_before(body, mentions, before, sentence, cue_start, cue)
    inverted = _INVERSION.search(before) or not before.strip()
    if attribution is None and inverted and _INVERTIBLE.fullmatch(cue):
        attribution = _source_after(body, mentions, after_start, sentence, cue_start)
    return attribution


_PARTICIPLE = re.compile(
    r"saying|adding|noting|warning|telling|claiming|insisting|arguing|"
    r"explaining|stressing|calling"
)
# Verbs that news puts before their source: '"…," said X', '"No," replied the witness'.
_INVERTIBLE = re.compile(
    r"said|says|added|adds|told|tells|wrote|writes|asked|asks|replied|replies|responded|"
    r"continued|explained|insisted|argued|warned|noted|recalled|conceded|countered|"
    r"observed|remarked|quipped|joked|declared|announced|admitted|acknowledged|"
    r"stressed|agreed|claimed|confirmed|reported"
)
# The verb follows a quotation: the punctuation that closes it, then the mark
# ('"…," said'); not a scare-quoted name ('The "Gang of Eight" said').
_AFTER_QUOTE = re.compile(r"[,.!?…—-][\"”’]\s*$")
# ", who" / ", which" between a source and its verb ("Boehner, who called it").
_RELATIVE = re.compile(r",\s*(?:who|which)\s*$")


def _clause_subject(body, mentions, sentence, cue_start: int) -> Attribution | None:
    """The subject of the clause a participle hangs on ("Mr. Kerry walked back
    his comment, insisting"): the last person or organisation before the cue
    that a verb-like word follows ("Kerry walked", not "Corker of Tennessee"),
    else the first one, else a name the model missed that opens the sentence."""
    candidates = [
        index
        for index, m in enumerate(mentions)
        if sentence[0] <= m.start < cue_start and m.type in ("PERSON", "ORG")
    ]
    subjects = [i for i in candidates if _VERB_AFTER.match(body, mentions[i].end)]
    if subjects:
        return _from_mention(sentence, cue_start, mentions, subjects[-1])
    if candidates:
        return _from_mention(sentence, cue_start, mentions, candidates[0])
    opening = re.match(
        rf"\s*(?P<title>{_TITLE})?(?P<name>{_NAME_WORDS})\s+[a-z]", body[sentence[0] : cue_start]
    )
    if opening and _is_name_elsewhere(body, opening):
        return _bare_source(body, opening, sentence[0], sentence, cue_start)
    return None


def _is_name_elsewhere(body: str, opening: re.Match) -> bool:
    """Whether a capitalised word that opens a sentence is a name ("Garrett
    refused …") and not any word capitalised there ("Last week …", "Speaking
    in Paris …"): it has a title or several words, or the body capitalises it
    in mid-sentence too."""
    name = opening.group("name")
    if opening.group("title") or " " in name:
        return True
    return re.search(rf"[a-z,;]\s+(?:[A-Z]\w*\s+)?{re.escape(name)}\b", body) is not None


# A lowercase word after a name that is not a preposition, article or
# conjunction: most likely the clause's verb.
_VERB_AFTER = re.compile(
    r"\s+(?:[a-z]+ly\s+)?(?!(?:of|and|or|in|at|for|from|on|with|to|the|a|an|by|as|who|which|that)\b)[a-z]{2,}\b"
)


def _from_mention(sentence, cue_start: int, mentions, index: int) -> Attribution:
    m = mentions[index]
    return Attribution(
        sentence[0], sentence[1], cue_start, m.text, m.start, m.end, _type_of(m.text, m.type), index
    )


def _bare_source(body: str, match: re.Match, offset: int, sentence, cue_start: int):
    """An attribution to a capitalised name no entity mention covers, or None
    when the capitalised run is not a name ("The", "But", ...)."""
    name = match.group("name")
    if name.split()[0] in _NOT_NAMES:
        return None
    if name.endswith(".") and not _ABBREVIATION_END.search(name):
        name = name[:-1]  # the sentence's full stop ('"No," said Smith.')
    start = offset + match.start("name")
    end = start + len(name)
    if match.group("title"):
        kind = "person"
    elif _AGENCY_NAMES.search(name) or (match.groupdict().get("the") or "").startswith("The"):
        kind = "agency"  # "according to The Hill": a capital "The" names a title
    elif _ORG_HEADS.search(name):
        kind = "organization"
    elif start == sentence[0] and re.search(rf"\b{re.escape(name.lower())}\b", body):
        kind = "anonymous"  # "Constituents said": a common noun, capitalised to open the sentence
    else:
        kind = "person"
    return Attribution(sentence[0], sentence[1], cue_start, name, start, end, kind, None)


def _source_before(body, mentions, before: str, sentence, cue_start: int, cue: str):
    gap = re.search(
        r"(?:\s+(?:also|later|earlier|previously|then|has|had|have|would|will|already|"
        r"just|still|even|now|on\s+\w+day|[a-z]+ly|in\s+a\s+statement))*\s*$",
        before,
    )
    source_end = sentence[0] + (gap.start() if gap else len(before))
    text = body[sentence[0] : source_end]
    relative = _RELATIVE.search(text)
    if relative:  # "ABC News, which reported"; "Boehner, Ohio Republican, who called"
        text = text[: relative.start()]
    ends = _source_ends(text, relative is not None)
    ending = {end: _mention_ending_at(mentions, sentence[0] + end) for end in ends}
    # A person named before all the descriptions is the source (Bernstein, not
    # the Center he is a fellow at); else the nearest name.
    people = [e for e, i in ending.items() if i is not None and mentions[i].type == "PERSON"]
    types = ("PERSON", "ORG") if relative else None
    for end in people[-1:] + ends:
        index = ending[end]
        if index is not None and (types is None or mentions[index].type in types):
            return _mention_source(body, mentions, sentence, cue_start, index)
    candidates = [sentence[0] + end for end in people[-1:] + ends]
    source_end = sentence[0] + ends[0]
    # An unnamed source sits right before its verb: searching a bounded window
    # keeps the cost per cue flat on very long "sentences".
    offset = max(sentence[0], source_end - _UNNAMED_WINDOW)
    head = body[offset:source_end]
    unnamed = _PRONOUN_SOURCE.search(head) or _UNNAMED.search(head)
    if not unnamed and _SAYING_VERBS.fullmatch(cue):
        unnamed = _DETERMINED.search(head)
        if unnamed and _AFTER_PREPOSITION.search(head[: unnamed.start()]):
            unnamed = None  # "A friend of the victim said": the victim is not the source
    if unnamed:
        start = offset + unnamed.start()
        # The words before a noun may reach back over a verb ("cited a report,
        # which found"): a determiner inside starts the noun phrase.
        inner = list(_INNER_DETERMINER.finditer(body, start, source_end))
        if inner:
            start = inner[-1].start(1)
        text = body[start:source_end]
        return Attribution(
            sentence[0], sentence[1], cue_start, text, start, source_end, _type_of(text, None), None
        )
    for end in candidates:  # last: a capitalised name no mention covers
        bare = _BARE_NAME_BEFORE.search(body[sentence[0] : end])
        if bare and (found := _bare_source(body, bare, sentence[0], sentence, cue_start)):
            return found
    return None


def _source_ends(text: str, relative: bool) -> list[int]:
    """Where the source may end in ``text`` (the sentence up to its verb),
    nearest first: after each of up to three appositives is stripped ("Mr.
    Bernstein, a senior fellow at the Center on Budget and Policy Priorities,
    a liberal research group, said"; "James Moran, Virginia Democrat, said"),
    and, before a relative clause ("ABC News, which reported"), right there."""
    ends: list[int] = []
    rest = text + "," if relative else text
    while len(ends) < 3 and (appositive := _APPOSITIVE.search(rest)):
        ends.append(appositive.start())
        rest = rest[: appositive.start() + 1]
    if relative or not ends:
        ends.insert(0, len(text))
    return ends


def _mention_source(body, mentions, sentence, cue_start: int, index: int) -> Attribution:
    """The source named by mention ``index``, or the role that speaks for it:
    "A spokeswoman for Mrs. Sebelius said" is the spokeswoman's statement."""
    prefix = re.sub(rf"{_TITLE}$", "", body[sentence[0] : mentions[index].start])
    role = _ROLE_FOR.search(prefix)
    if role:
        text = re.sub(r"\s+(?:for|to|of|with)\s+$", "", role.group(0)).strip()
        start = sentence[0] + role.start() + len(role.group(0)) - len(role.group(0).lstrip())
        kind = _type_of(text, None)
        return Attribution(
            sentence[0], sentence[1], cue_start, text, start, start + len(text), kind, None
        )
    return _from_mention(sentence, cue_start, mentions, index)


# Matched at a mention's end in the body, not on a copy of the rest of it.
_POSSESSIVE_AFTER = re.compile(r"['’]s\s")


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
    while index is not None and _POSSESSIVE_AFTER.match(body, mentions[index].end):
        following = _mention_starting_at(mentions, mentions[index].end + 2, slack=2)
        if following is None:
            break
        index = following
    if index is not None and mentions[index].start < sentence[1]:
        return _from_mention(sentence, cue_start, mentions, index)
    unnamed = _UNNAMED_AFTER.match(body[position : sentence[1]])
    if unnamed:
        start = position + unnamed.start() + len(unnamed.group(0)) - len(unnamed.group(0).lstrip())
        end = position + unnamed.end()
        text = body[start:end]
        return Attribution(
            sentence[0], sentence[1], cue_start, text, start, end, _type_of(text, None), None
        )
    bare = _BARE_NAME_AFTER.match(body[position : sentence[1]])
    if bare:
        return _bare_source(body, bare, position, sentence, cue_start)
    return None
