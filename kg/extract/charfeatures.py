"""Character features for the name tagger: one list of feature strings per character.

The tagger (:mod:`kg.extract.tagger`) labels each character of the normalised
text with B-/I-<type> or O. What it sees of a character:

- the character and its neighbours (two on each side), the two bigrams around
  it, and its class (Han, digit, Latin, punctuation, space);
- where it stands in its jieba word (B/M/E/S), the word's length, the word
  itself and its part of speech when the dictionary has one;
- the rules' opinion: the type and position of the longest rule mention over
  it and the rule that made it; the level of a division name over it (also a
  division name inside another name) and a raw gazetteer hit the rules may
  have turned down;
- the tables: a name head ending here or starting here (城市群, 管委会, 座谈会),
  a title ending (协议, 规划), a boundary word starting here or ending just
  before (推进, 建设, 与), a relation trigger over it (签署, 位于);
- its setting: inside 《》 or quotes, just after 《 or just before 》, first of
  its line.

Pure functions of the text and the rules' mentions; the tables are loaded once.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import cache

import ahocorasick_rs

from kg.extract import segmenter, tables
from kg.extract.matcher import Hit
from kg.extract.spans import Sorted, in_text_order, maximal
from kg.types import EntityType, Mention, Span

__all__ = ["char_features", "lexicon", "sentence_features"]


def _char_class(ch: str) -> str:
    if "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf":
        return "h"
    if ch.isdigit():
        return "d"
    if ch.isascii() and ch.isalpha():
        return "l"
    if ch.isspace():
        return "s"
    return "p"


@cache
def lexicon() -> tuple[ahocorasick_rs.AhoCorasick, tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """One automaton over the words of the rule tables, each with its feature tags."""
    tags: dict[str, set[str]] = {}
    for r in tables.tsv("suffixes.tsv"):
        tags.setdefault(r["suffix"], set()).add("head:" + r["type"])
    for r in tables.tsv("titles.tsv"):
        tags.setdefault(r["ending"], set()).add("title:" + r["type"])
    for r in tables.tsv("boundaries.tsv"):
        tags.setdefault(r["word"], set()).add("bound:" + r["scope"])
    for r in tables.tsv("triggers.tsv"):
        tags.setdefault(r["word"], set()).add("trig:" + r["relation"])
    words = tuple(sorted(tags))
    ac = ahocorasick_rs.AhoCorasick(words, matchkind=ahocorasick_rs.MatchKind.Standard)
    return ac, words, tuple(tuple(sorted(tags[w])) for w in words)


_OPENERS = {"《": "》", "〈": "〉", "“": "”", "「": "」", "『": "』"}


def _settings(text: str) -> list[str]:
    """Per character: 't' inside a book title, 'q' inside quotes, '' elsewhere."""
    out = [""] * len(text)
    stack: list[tuple[str, int]] = []
    for i, ch in enumerate(text):
        if ch in _OPENERS:
            stack.append((_OPENERS[ch], i))
        elif stack and ch == stack[-1][0]:
            closer, start = stack.pop()
            kind = "t" if closer in "》〉" else "q"
            for k in range(start + 1, i):
                if not out[k]:
                    out[k] = kind
        elif ch == "\n":
            stack.clear()
    return out


def char_features(
    text: str,
    mentions: Sequence[Mention],
    place_hits: Sequence[Hit] = (),
    words: Sequence[str] | None = None,
) -> list[list[str]]:
    """Feature strings of every character of ``text`` (the normalised text).

    ``mentions`` are the rules' mentions of the document (any nesting);
    ``place_hits`` the raw gazetteer hits of division names; ``words`` the text's
    jieba words (cut here when not given).

    >>> from kg.types import Span
    >>> m = [Mention(Span(0, 3), "郑州市", EntityType.PLACE, "place", "郑州市", "410100")]
    >>> f = char_features("郑州市与开封市", m)
    >>> "r=B-Place" in f[0], "r=I-Place" in f[2], "r=O" in f[3], "c=与" in f[3]
    (True, True, True, True)
    """
    n = len(text)
    feats: list[list[str]] = [[] for _ in range(n)]
    if not n:
        return feats
    padded = "\x02\x02" + text + "\x03\x03"
    setting = _settings(text)
    # jieba words
    wpos = [""] * n
    wlen = [0] * n
    word_of = [""] * n
    common = tables.common_words()
    wl = list(segmenter.cut(text) if words is None else words)
    k = 0
    for w in wl:
        L = len(w)
        for j in range(L):
            if k + j >= n:
                break
            wpos[k + j] = "S" if L == 1 else ("B" if j == 0 else ("E" if j == L - 1 else "M"))
            wlen[k + j] = L
            word_of[k + j] = w
        k += L
    # the rules' mentions: the longest over each character, and division names at any depth
    ordered = in_text_order(mentions)
    top = maximal([(m.span.start, m.span.end) for m in ordered])
    rule_tag = ["r=O"] * n
    rule_name = [""] * n
    place_tag = [""] * n
    for m, is_top in zip(ordered, top, strict=True):
        s, e = m.span.start, m.span.end
        if is_top:
            t = m.type.value
            rule_tag[s] = "r=B-" + t
            rule_name[s] = "rr=B-" + m.rule
            for j in range(s + 1, e):
                rule_tag[j] = "r=I-" + t
                rule_name[j] = "rr=I-" + m.rule
        if m.type == EntityType.PLACE:
            level = "x"
            if m.code:
                d = tables.divisions().get(m.code)
                level = d.level if d else "x"
            place_tag[s] = "p=B-" + level
            for j in range(s + 1, e):
                if not place_tag[j]:
                    place_tag[j] = "p=I-" + level
    gaz = [""] * n
    for h in place_hits:
        if h.end - h.start >= 2:
            gaz[h.start] = "g=B"
            for j in range(h.start + 1, h.end):
                if not gaz[j]:
                    gaz[j] = "g=I"
    # table words
    ac, words, wtags = lexicon()
    lex: list[list[str]] = [[] for _ in range(n)]
    for idx, s, e in ac.find_matches_as_indexes(text, overlapping=True):
        for tag in wtags[idx]:
            kind = tag.split(":", 1)[0]
            if kind in ("head", "title"):
                lex[e - 1].append("he=" + tag)
                lex[s].append("hs=" + tag)
            elif kind == "bound":
                lex[s].append("bs=" + tag)
                if e < n:
                    lex[e].append("ba=" + tag)
            else:
                for j in range(s, e):
                    lex[j].append("tg=" + tag)
    line_start = True
    for i in range(n):
        c = text[i]
        p = i + 2
        f = feats[i]
        f.append("c=" + c)
        f.append("c-1=" + padded[p - 1])
        f.append("c+1=" + padded[p + 1])
        f.append("c-2=" + padded[p - 2])
        f.append("c+2=" + padded[p + 2])
        f.append("b-1=" + padded[p - 1 : p + 1])
        f.append("b+1=" + padded[p : p + 2])
        f.append("k=" + _char_class(c))
        f.append("w=" + wpos[i] + str(min(wlen[i], 4)))
        w = word_of[i]
        if len(w) >= 2:
            f.append("ww=" + w)
            cw = common.get(w)
            if cw:
                f.append("wp=" + wpos[i] + cw[1])
        f.append(rule_tag[i])
        if rule_name[i]:
            f.append(rule_name[i])
        if place_tag[i]:
            f.append(place_tag[i])
        if gaz[i]:
            f.append(gaz[i])
        f.extend(lex[i])
        st = setting[i]
        if st:
            f.append("in=" + st)
        if padded[p - 1] in "《〈":
            f.append("after=《")
        if padded[p + 1] in "》〉":
            f.append("before=》")
        if line_start:
            f.append("ls")
        line_start = c == "\n"
    return feats


def local_inputs(
    sentences: Sequence[Span],
    mentions: Sequence[Mention],
    place_hits: Sequence[Hit] = (),
) -> Iterator[tuple[Span, tuple[Mention, ...], tuple[Hit, ...]]]:
    """For each sentence, the rules' mentions and the gazetteer hits inside it, with
    offsets from the sentence's start (what :func:`char_features` reads of it)."""
    by_span = Sorted(mentions, key=lambda m: (m.span.start, m.span.end))
    hits = Sorted(place_hits, key=lambda h: (h.start, h.end))
    for sent in sentences:
        a = sent.start
        local = tuple(
            Mention(
                Span(m.span.start - a, m.span.end - a),
                m.surface,
                m.type,
                m.rule,
                m.canonical,
                m.code,
            )
            for m in by_span.within(sent.start, sent.end)
        )
        local_hits = tuple(
            Hit(h.start - a, h.end - a, h.surface, h.kind)
            for h in hits.within(sent.start, sent.end)
        )
        yield sent, local, local_hits


def sentence_features(
    text: str,
    sentences: Sequence[Span],
    words: Sequence[Sequence[str]],
    mentions: Sequence[Mention],
    place_hits: Sequence[Hit] = (),
) -> list[list[list[str]]]:
    """The features of each sentence of ``text`` (the tagger labels one sentence at a
    time). ``words`` are the jieba words of each sentence; ``mentions`` and
    ``place_hits`` those of the whole text (offsets into ``text``)."""
    return [
        char_features(text[sent.start : sent.end], local, local_hits, ws)
        for (sent, local, local_hits), ws in zip(
            local_inputs(sentences, mentions, place_hits), words, strict=True
        )
    ]
