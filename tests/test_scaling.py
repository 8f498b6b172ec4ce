"""Long documents: extraction work grows with the text, results do not change.

No timings here (speed lives in the benchmark); instead, a document made of one
sentence repeated must give exactly that sentence's results once per repetition:
a rule that compared every mention with every other would still pass this, but a
rule whose result depended on document length (a cap, a cut-off) would not.
"""

from __future__ import annotations

import pytest

from kg.extract.spans import Cover, Sorted, maximal
from kg.text.segment import MAX_SENTENCE, sentences
from tests.extraction_helpers import run

SENTENCES = [
    "郑州市与开封市深化郑开同城化合作,共同建设郑开科创走廊。\n",
    "广州市与佛山市深化广佛同城化,共建广佛全域同城化合作区。\n",
    "成都、德阳、眉山、资阳四市政协在成都召开成德眉资同城化发展座谈会。\n",
    "昆明市人民政府与曲靖市人民政府签署《昆曲一体化发展合作协议》。\n",
]


def _per_sentence(text: str, reps: int) -> tuple[list[tuple[int, int, str]], set[tuple[str, ...]]]:
    ex = run(text * reps)
    mentions = sorted(
        (sp.start % len(text), sp.end % len(text) or len(text), e.id)
        for e in ex.entities
        for sp in e.mentions
    )
    rels = {(r.subject, r.predicate.value, r.object, r.source.value) for r in ex.relations}
    return mentions, rels


@pytest.mark.parametrize("sentence", SENTENCES)
def test_a_repeated_sentence_gives_its_results_once_per_repetition(sentence: str) -> None:
    one, rels_one = _per_sentence(sentence, 1)
    many, rels_many = _per_sentence(sentence, 300)
    assert one, "the sentence must yield mentions for the test to mean anything"
    assert len(many) == 300 * len(one)
    assert sorted(set(many)) == sorted(set(one))
    assert rels_many == rels_one


def test_every_sentence_is_bounded_and_the_pieces_cover_the_text() -> None:
    text = "郑州市与开封市深化合作," * 500 + "。共建走廊。"
    spans = sentences(text)
    assert max(s.end - s.start for s in spans) <= MAX_SENTENCE
    # cut after a comma: no clause is split
    assert all(text[s.end - 1] in ",。" for s in spans)
    assert "".join(text[s.start : s.end] for s in spans) == text


@pytest.mark.parametrize(
    "spans, covers, expected",
    [
        ([(0, 2), (0, 4), (1, 3), (5, 6)], [(4, 7)], [False, True, False, False]),
        ([(2, 3), (2, 3)], [], [True, True]),  # an equal span does not contain it
        ([(0, 5), (0, 5), (1, 2)], [], [True, True, False]),
        ([(3, 6), (0, 4)], [], [True, True]),  # overlapping, neither inside
    ],
)
def test_maximal_spans(
    spans: list[tuple[int, int]], covers: list[tuple[int, int]], expected: list[bool]
) -> None:
    assert maximal(spans, covers) == expected
    # the same answer as comparing every pair
    every = spans + covers
    brute = [not any(s <= a and b <= e and (e - s) > (b - a) for s, e in every) for a, b in spans]
    assert brute == expected


def test_cover_and_sorted_windows() -> None:
    c = Cover([(0, 5), (3, 4), (10, 12)])
    assert [c.inside_longer(3, 4), c.inside_longer(0, 5), c.inside_longer(10, 11)] == [
        True,
        False,
        True,
    ]
    assert [c.overlaps(4, 10), c.overlaps(5, 10), c.covers(11), c.covers(12)] == [
        True,
        False,
        True,
        False,
    ]
    items = [(5, 6, "c"), (0, 3, "a"), (2, 4, "b")]
    assert Sorted(items, key=lambda t: (t[0], t[1])).within(1, 6) == [(2, 4, "b"), (5, 6, "c")]
