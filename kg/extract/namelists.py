"""People named in a list with one already known: each item is a person.

Official writing lists people by name alone, joined by 、, and gives the title once,
after the list (刘启德、邹锡昌、陈瑾委员; 赵明、钱芳、孙立新等代表) or before it (副市长
王芳、李强); a news byline separates its names by spaces (记者 王芳 李强; 通讯员 赵明
钱芳/文). Where one item of such a list is a person the rules or the tagger found,
the other items are people too, when each is a name's length (two to four characters)
and opens with a surname of ``surnames.tsv``, and no other name covers it; a name of a
byline stands between spaces, the line's ends, a colon, brackets or the slash before
its part (/文, /图).

This runs after the tagger (:func:`kg.pipeline.mentions`), so it is no feature of the
tagger and cannot move its other names.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from kg.extract.persons import AFTER_WEAK, is_cjk, surnames
from kg.extract.spans import Cover, in_text_order
from kg.types import EntityType, Mention, Span

__all__ = ["RULE", "people_in_lists"]

#: What a mention found here carries as its rule name.
RULE = "name-list"
#: The words a list of names may end with before its title (…等委员, …同志): the person
#: rules' weak cues after a name.
_AFTER = tuple(sorted(AFTER_WEAK))
#: The spaces between the names of a byline.
_SPACES = " \u3000\xa0"
#: A name of a byline, right after spaces: what may follow it.
_BYLINE_NEXT = re.compile(rf"[{_SPACES}]{{1,3}}([^\W\d_]{{2,4}})(?=[{_SPACES}\n)\]】/]|$)")
#: A name of a byline, right before spaces: what may precede it.
_BYLINE_BEFORE = re.compile(rf"(?:^|(?<=[{_SPACES}\n:(\[【]))([^\W\d_]{{2,4}})[{_SPACES}]{{1,3}}$")


def _a_name(item: str) -> bool:
    one, two = surnames()
    if not (2 <= len(item) <= 4 and all(is_cjk(c) for c in item)):
        return False
    return item[:2] in two and len(item) >= 3 or item[0] in one and len(item) <= 3


def people_in_lists(text: str, mentions: Sequence[Mention], confidence: float) -> list[Mention]:
    """``mentions`` and a Person mention for each other item of a list of names that
    holds a person.

    >>> t = "刘启德、邹锡昌、陈瑾委员:"
    >>> ms = [Mention(Span(8, 10), "陈瑾", EntityType.PERSON, "tagger", "陈瑾")]
    >>> [m.surface for m in people_in_lists(t, ms, 0.5)]
    ['刘启德', '邹锡昌', '陈瑾']
    >>> t = "(通讯员 钱芳 孙立新 周敏/文)"
    >>> ms = [Mention(Span(8, 11), "孙立新", EntityType.PERSON, "tagger", "孙立新")]
    >>> [m.surface for m in people_in_lists(t, ms, 0.5)]
    ['钱芳', '孙立新', '周敏']
    """
    persons = [m for m in mentions if m.type == EntityType.PERSON]
    if not persons:
        return list(mentions)
    taken = Cover((m.span.start, m.span.end) for m in mentions)
    seen = {(m.span.start, m.span.end) for m in persons}
    added: list[Mention] = []

    def add(a: int, b: int) -> bool:
        if (a, b) in seen:
            return True
        if not _a_name(text[a:b]) or taken.overlaps(a, b):
            return False
        seen.add((a, b))
        added.append(
            Mention(Span(a, b), text[a:b], EntityType.PERSON, RULE, text[a:b], None, confidence)
        )
        return True

    for p in persons:
        pos = p.span.start  # leftwards: …、王芳、[李强]
        while pos >= 3 and text[pos - 1] == "、":
            k = pos - 1
            while k > 0 and is_cjk(text[k - 1]) and pos - 1 - (k - 1) <= 4:
                k -= 1
            if k > 0 and is_cjk(text[k - 1]) or not add(k, pos - 1):
                break
            pos = k
        pos = p.span.end  # rightwards: [王芳]、李强、赵明等
        while pos < len(text) - 2 and text[pos] == "、":
            k = pos + 1
            while k < len(text) and is_cjk(text[k]) and k - pos - 1 < 4:
                if k - pos - 1 >= 2 and text.startswith(_AFTER, k):
                    break
                k += 1
            ends = k >= len(text) or text[k] == "、" or text.startswith(_AFTER, k)
            if not ends or not add(pos + 1, k):
                break
            pos = k
        pos = p.span.start  # a byline, leftwards: 记者 [王芳] 李强
        while (m := _BYLINE_BEFORE.search(text, max(0, pos - 8), pos)) and add(*m.span(1)):
            pos = m.start()
        pos = p.span.end  # rightwards: 记者 王芳 [李强]/文
        while (m := _BYLINE_NEXT.match(text, pos)) and add(*m.span(1)):
            pos = m.end()
    if not added:
        return list(mentions)
    return in_text_order([*mentions, *added])
