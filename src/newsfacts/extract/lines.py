"""What a single line of page text looks like: prose, boilerplate, a credit, a byline.

A text-only scrape keeps no markup, so everything we know about a line comes
from its words and punctuation. These predicates are shared by the scraped-page
extractor (which decides where the article is) and the body cleaner (which
removes leftovers from bodies of every input format).
"""

from __future__ import annotations

import functools
import re

WORD = re.compile(r"[^\W\d_][\w'’-]*", re.UNICODE)
# Scripts written without spaces: every two characters count as a word, so
# that a Japanese or Chinese paragraph weighs like an English one.
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uff66-\uff9f]")

# A paragraph of prose ends like a sentence, possibly followed by closing quotes.
_SENTENCE_END = re.compile(r"[.!?…;:。！？][\"'”’»)\]]*$|[\"”’»][.!?…]?$")

# Page furniture that can interrupt an article's flow (ads, share buttons,
# "continue reading"): costly, but an article may resume after it. A line may
# hold several labels run together ("Advertisement Continue reading the main
# story", "SHARE THIS ARTICLE Share Tweet Post Email").
_LABELS = r"""
    advertisement|advertising|ad|sponsored(\ content)?|skip\ to\ (main\ )?content|
    continue\ reading(\ the\ main\ story)?|story\ continue[sd]\ below(\ advertisement)?|
    share(\ this)?(\ (article|story|page|on\ \w+))?|tweet|post|pin\ it|whatsapp|linkedin|
    print|email|e-mail|comments?|photos?|youtube|
    sign\ (in|up)|log\ ?in|log\ out|subscribe(\ now)?|menu|search|close|home|
    next|previous|back\ to\ top|play|video|watch|listen|read\ more|see\ also|
    (analysis|opinion|commentary)(\ ?/\ ?(analysis|opinion|commentary))?|
    related(\ (articles?|stories|content|coverage|topics|posts|news|links))?|
    \d+\ (second|minute|hour|day|week|month|year)s?\ ago
"""
_FURNITURE = re.compile(
    rf"""(?ix)
    ^(?:(?:{_LABELS})(?:\W+|$))+$
    |^(related|read\ more|see\ also|also\ read|read\ also|more|watch|listen)\ ?:\ .{{3,150}}$
    |^\[/?(pullquote|caption|embed|tweet|video|audio|gallery|related|ad)(\ [^\]]*)?\]$
    |^\(\ *also\ on\ [^:)]{{1,40}}:
    |^([-•–]\ *)?follow\ (@\w|.{{1,60}}?\bon\ (twitter|facebook|instagram)\b)
    |\b(cookie\ (policy|settings)|privacy\ (policy|notice)|
       terms\ of\ (use|service)|sign\ up\ for\ (our|the)\ .{{0,40}}newsletter|
       (subscribe|sign\ up)\ to\ (our|the)\ .{{0,30}}newsletter|
       (^|[.!?,;:—–]\ *)(sign\ up|subscribe)\ (for|to)\ (our|the|this|(?-i:[A-Z])\S*)
         (\ ((?-i:[A-Z])\S*|daily|weekly|free|e-?mail|morning|evening|opinion))*\ newsletters?|
       manage\ newsletters|newsletter\ sign[\ -]?up|(^|[.!?]\ *)sign\ up\ (here|now|today)\W*$|
       delivered\ (\w+\ ){{0,4}}?to\ your\ inbox|
       ^subscribe\ (to|on)\ |click\ here\ (to|for)|download\ (our|the)\ app|
       replay\ more\ videos|^read\ or\ share\ this\ (story|article)|
       ^visit\ .{{1,40}}?\ homepage\ for\ more|follow\ us\ on|
       like\ us\ on\ facebook|support\ (our|independent)\ journalism|
       (make|making)\ a\ donation|contribute\ today|become\ a\ (member|subscriber)|
       we\ use\ cookies|your\ browser\ does\ not\ support)\b
    """
)

# Headings that open a new section of the page after the article: teasers,
# tag lists, comments, the footer. An article does not continue past them.
_SECTION_BREAK = re.compile(
    r"""(?ix)
    ^(more\ (stories|news|articles)|
      recommended(\ (for\ you|stories|articles|reading))?|
      most\ (read|popular|viewed|shared|recent)|trending(\ (now|stories))?|popular\ now|
      you\ (may|might)\ also\ (like|be\ interested\ in)|more\ from\ .{1,40}|
      (leave\ a|post\ a|add\ a)\ comment|\d*\ ?comments?|join\ the\ (conversation|discussion)|
      about\ (us|the\ author)|(share|follow)\ us|latest\ (news|stories|articles)|
      what\ to\ read\ next|top\ stories|editor'?s\ picks)\W*$
    |\b(all\ rights\ reserved)\b|^(©|copyright\b)
    |^\d+\ (responses?|replies|thoughts|comments)\b
    |\b(said|says|wrote|commented|writes)\ ?:$
    """
)

# Prose that is about the website rather than the news: cookie banners,
# consent dialogs, script warnings, comment rules.
_SITE_PROSE = re.compile(
    r"""(?ix)\b(cookies?|this\ (web)?site|our\ (web)?site|javascript|your\ browser|
       privacy\ (policy|settings|overview)|personal\ data|consent|opt[\ -]out|
       terms\ (and|&)\ conditions|log\ in\ to\ (comment|reply)|
       newsletter|unsubscribe|ad\ ?blocker)\b"""
)


def is_site_prose(text: str) -> bool:
    """Sentences about the website itself; two such words make the case."""
    return len(_SITE_PROSE.findall(text)) >= 2


# Photo and video credits: "Photo: Jane Doe, AP", "(Getty Images)", "Jane Doe/AP",
# "Credit... Doug Mills/The New York Times", "Image 1 of 23".
_CREDIT = re.compile(
    r"""(?ix)
    ^\(?(photo|image|picture|video|illustration|graphic|credit|source|foto)s?
        (\ credit)?\s*(:|\.\.\.|…|by\b)
    |^((next|prev(ious)?)\ )?image\ \d+\ of\ /?\s*\d+$|^slideshow\ \(\d+\ images?\)$
    |\b(getty\ images|shutterstock|istock(photo)?|afp\ via\ getty|ap\ photo|
        reuters/|/\ ?reuters|/\ ?ap|/\ ?afp|/\ ?tass|/\ ?epa|/\ ?getty)\W*$
    |(credit|photo|image)\s*(:|\.\.\.|…)\s*[A-Z][^.!?]{0,80}$
    """
)

# "By Jane Doe", "Written by", "Words by", and the common non-English forms.
_BYLINE_PREFIX = re.compile(
    r"^(?:by|written by|words by|reporting by|story by|von|por|par|di|door|av)\s+(?=\S)",
    re.IGNORECASE,
)


# Cleaning asks several questions of each line ("a caption?", "a credit?",
# "furniture?"), each counting its words: over the shared corpus 290,000 counts
# of 65,000 distinct texts (3.6 s); remembered, 1.4 s. The cache holds the texts
# it remembers, so it remembers short ones only (1,024 texts of 10,000 characters
# at most, whatever the input).
_REMEMBERED_ENTRIES = 1024
_REMEMBERED_CHARACTERS = 10_000


def word_count(text: str) -> int:
    if len(text) > _REMEMBERED_CHARACTERS:
        return _count_words(text)
    return _remembered_count(text)


def _count_words(text: str) -> int:
    unspaced = len(_UNSPACED.findall(text))
    if not unspaced:
        return len(WORD.findall(text))
    spaced = len(WORD.findall(_UNSPACED.sub(" ", text)))
    return spaced + (unspaced + 1) // 2


_remembered_count = functools.lru_cache(maxsize=_REMEMBERED_ENTRIES)(_count_words)


def ends_like_sentence(text: str) -> bool:
    return bool(_SENTENCE_END.search(text.rstrip()))


# Furniture phrases inside a long paragraph are usually the news itself
# ("... will sign up for the programme ..."); only short lines are judged by them.
_MAX_FURNITURE_WORDS = 40


def is_boilerplate(text: str) -> bool:
    stripped = text.strip()
    if word_count(stripped) > _MAX_FURNITURE_WORDS:
        return False
    return bool(_FURNITURE.search(stripped) or _SECTION_BREAK.search(stripped))


# A heading over a list of links to other stories ("More:", "More On This...").
# In a page's flow it is no furniture: the article often goes on below the list,
# and the scraped-page extractor must not take it for the article's end. In a
# body it is a leftover.
_LINK_LIST_HEADING = re.compile(r"(?i)^(more|more on this|also see)\W*$")


def is_link_list_heading(text: str) -> bool:
    return bool(_LINK_LIST_HEADING.match(text.strip()))


def is_section_break(text: str) -> bool:
    return bool(_SECTION_BREAK.search(text.strip()))


_AGENCIES = (
    r"(?:AP|AFP|Reuters|Getty\ Images|EPA|TASS|Bloomberg|Invision|Shutterstock|Pool|UPI|"
    r"Xinhua|NurPhoto|SIPA|Alamy)"
)
# A caption glued to its credit, as record datasets keep them:
# "Jane Doe/AP Protesters march ...", "... on Monday. (Photo: Jane Doe/AP)",
# "... said. | Jane Doe/AP Photo", "FILE PHOTO: A voter ... REUTERS/Jane Doe",
# "... outside the court. Photo: Jane Doe/AP", "... in Iowa. (AP Photo/Jane Doe,
# File)", "... (Jane Doe/Reuters)", "... March 11, 2020. REUTERS/Jane Doe", "...
# Jane Doe/AP, FILE", "... © 2018 Jane Doe/AP Images", "... said. | AP Photo"
# with the teaser of another story run on after it, and the text of caption and
# player widgets: "Enlarge this image toggle caption ...", "Image copyright AFP
# Image caption ...", "Media playback is unsupported on your device Media
# caption ...", "View photos ...".
# A widget's label opens its paragraph; anywhere else the words are prose.
_CAPTION = re.compile(
    rf"""(?x)
    ^(?:[A-Z][\w.'’-]*\ ){{0,3}}[A-Z][\w.'’-]*\ ?/\ ?(?:[\w.'’-]+\ ?/\ ?)*
      {_AGENCIES}(?:\ Photo|\ Images)?\b
    |\((?:photo|image|picture|credit)s?:?\ [^)]{{2,80}}\)$
    |\((?:[A-Z][\w.]*\ )?photos?\ ?/[^()]{{2,80}}\)$
    |\((?:[^()/]{{2,60}}\ ?/\ ?)+{_AGENCIES}(?:\ Photos?|\ Images)?\)$
    |\({_AGENCIES}\ ?/\ ?[^()]{{2,60}}\)$
    |(?-i:\.\ ?[A-Z]{{2,}}/\ ?[A-Z][\w.'’-]+(?:\ [A-Z][\w.'’-]+){{1,3}}(?:\ More)?)$
    |/\ ?{_AGENCIES}(?:\ Photos?|\ Images)?,\ file$
    |©\ \d{{4}}\ (?:[^.!?]{{2,60}}/\ ?{_AGENCIES}(?:\ Photos?|\ Images)?
                  |{_AGENCIES}\ Photo/[^.!?]{{2,60}})$
    |\|\ [^|]{{2,60}}/\ ?{_AGENCIES}(?:\ Photos?|\ Images)?$
    |\|\ (?:[^|]{{0,60}}[/\ ])?(?:{_AGENCIES}\ (?:Photos?|Images)|Getty\ Images)\b
    |(?-i:^(?:AP|AFP)\ Photos?\b)
    |\b(?:toggle\ caption|enlarge\ this\ image|hide\ caption)\b
    |^(?:image\ (?:copyright|caption)|media\ caption|view\ photos
       |media\ playback\ is\ (?:unsupported|not\ supported)\ on\ your\ device)\b
    |^file\ photo:
    |\bphoto(?:graph)?:\ [^.!?:]{{2,80}}$
    |\(photo:\ [^)]{{2,80}}\)\ story\ highlights\b
    """,
    re.IGNORECASE,
)
# A page widget flattened into one paragraph, however long: a photo gallery,
# every slide's caption closed by its counter ("Photos: The campaign ... Hide
# Caption 3 of 12"), or a newsletter form with its messages ("Newsletter Sign Up
# ... Invalid email address. Please re-enter. ..."). None of it is the article's.
_WIDGET = re.compile(r"(?i)\bcaption \d+ of \d+\b|^newsletter sign[ -]?up\b")


def is_widget(text: str) -> bool:
    return bool(_WIDGET.search(text.strip()))


# Credits that announce themselves; a short line right above one is its caption.
_LABELLED_CREDIT = re.compile(r"(?i)^\(?(photo|image|picture|credit|foto)s?(\ credit)?\s*(:|by\b)")
_MAX_CAPTION_WORDS = 70


def is_credit(text: str) -> bool:
    stripped = text.strip()
    return word_count(stripped) <= 25 and bool(_CREDIT.search(stripped))


# A wire photo's credit closes its caption, however long the caption runs:
# a file photo's carries a paragraph of the story's background ("FILE - In
# this May 1, 2020, file photo ... (AP Photo/Jane Doe, File)"). Seven such
# paragraphs of 77 to 140 words were left in the shared corpus's bodies by the
# length limit; prose never ends with such a credit.
_WIRE_PHOTO_CREDIT_END = re.compile(r"\((?:AP|AFP)\ Photo/[^()]{2,80}\)$")


def is_caption(text: str) -> bool:
    """A photo caption with its credit attached, or a caption widget's text."""
    stripped = text.strip()
    if _WIRE_PHOTO_CREDIT_END.search(stripped):
        return True
    return word_count(stripped) <= _MAX_CAPTION_WORDS and bool(_CAPTION.search(stripped))


def is_labelled_credit(text: str) -> bool:
    stripped = text.strip()
    return word_count(stripped) <= 25 and bool(_LABELLED_CREDIT.search(stripped))


def byline_names_part(text: str) -> str | None:
    """The names part of a byline line ("By AFP" -> "AFP"), or None."""
    stripped = text.strip()
    match = _BYLINE_PREFIX.match(stripped)
    if not match or word_count(stripped) > 14:
        return None
    return stripped[match.end() :].strip()


def is_title_case(text: str) -> bool:
    """Most words capitalised, as in headlines and menu entries."""
    words = WORD.findall(text)
    if not words:
        return False
    capitalised = sum(1 for w in words if w[0].isupper())
    return capitalised / len(words) >= 0.6
