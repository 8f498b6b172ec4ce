"""The learned name tagger: a linear-chain CRF over characters (CRFsuite).

It reads the features of :mod:`kg.extract.charfeatures` (the rules' mentions
among them) and labels each character B-<type>, I-<type> or O; a run of one
type is a name. Each name carries a confidence: the model's marginal
probability of its labels, averaged over its characters. The model file is
made by ``kg train`` from the annotated corpus and loaded on first use.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pycrfsuite

from kg.extract.charfeatures import char_features, local_inputs
from kg.extract.matcher import Hit
from kg.types import EntityType, Mention, Span

__all__ = ["Tagged", "Tagger", "decode", "labels_of"]


@dataclass(frozen=True, slots=True)
class Tagged:
    """A name found by the tagger: ``[start, end)`` in the text, its type and confidence."""

    start: int
    end: int
    type: EntityType
    confidence: float


def labels_of(n: int, spans: Sequence[tuple[int, int, EntityType]]) -> list[str]:
    """BIO labels of a text of ``n`` characters with the given (non-overlapping) names.

    >>> labels_of(5, [(1, 3, EntityType.PLACE)])
    ['O', 'B-Place', 'I-Place', 'O', 'O']
    """
    out = ["O"] * n
    for s, e, t in spans:
        out[s] = "B-" + t.value
        for k in range(s + 1, e):
            out[k] = "I-" + t.value
    return out


def decode(labels: Sequence[str]) -> list[tuple[int, int, EntityType]]:
    """Names of a label sequence; an I- without its B- opens a name too.

    >>> decode(["O", "B-Place", "I-Place", "I-Agency", "O"])
    [(1, 3, <EntityType.PLACE: 'Place'>), (3, 4, <EntityType.AGENCY: 'Agency'>)]
    """
    out: list[tuple[int, int, EntityType]] = []
    start, typ = -1, ""
    for i, lab in enumerate([*labels, "O"]):
        kind, _, t = lab.partition("-")
        if start >= 0 and (kind != "I" or t != typ):
            out.append((start, i, EntityType(typ)))
            start = -1
        if kind == "B" or (kind == "I" and start < 0):
            start, typ = i, t
    return out


class Tagger:
    """A trained CRF model, loaded from its file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open(str(path))

    def tag(self, features: list[list[str]], offset: int = 0) -> list[Tagged]:
        """The names in a text (a sentence) given its character features; ``offset`` is
        added to their positions."""
        if not features:
            return []
        t = self._tagger
        labels = t.tag(features)
        out = []
        for s, e, typ in decode(labels):
            probs = [t.marginal(labels[k], k) for k in range(s, e)]
            out.append(Tagged(s + offset, e + offset, typ, sum(probs) / len(probs)))
        return out

    def tag_document(
        self,
        text: str,
        sentences: Sequence[Span],
        words: Sequence[Sequence[str]],
        mentions: Sequence[Mention],
        place_hits: Sequence[Hit] = (),
    ) -> list[Tagged]:
        """The names of a document, tagged one sentence at a time (memory bounded by the
        longest sentence); a sentence the document repeats with the same rule mentions
        is tagged once."""
        out: list[Tagged] = []
        seen: dict[tuple[str, tuple[Mention, ...], tuple[Hit, ...]], list[Tagged]] = {}
        for (sent, local, hits), ws in zip(
            local_inputs(sentences, mentions, place_hits), words, strict=True
        ):
            key = (text[sent.start : sent.end], local, hits)
            got = seen.get(key)
            if got is None:
                got = seen[key] = self.tag(char_features(key[0], local, hits, ws))
            a = sent.start
            out += [Tagged(t.start + a, t.end + a, t.type, t.confidence) for t in got]
        return out
