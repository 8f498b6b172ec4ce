"""Sentence and clause splitting keeps offsets into the text."""

from __future__ import annotations

import pytest

from kg.text.segment import clauses, sentences

CASES = [
    (
        "会见结束后,双方签署了建立友好城市关系意向书。\n\n版权声明 @ 中原网 网站版权所有",
        ["会见结束后,双方签署了建立友好城市关系意向书。", "版权声明 @ 中原网 网站版权所有"],
    ),
    (
        "王跃华说,“当前郑州正迎来机遇期。”他表示,期待合作!",
        ["王跃华说,“当前郑州正迎来机遇期。”", "他表示,期待合作!"],
    ),
    (
        "近日,国家发展和改革委员会专门来函;征求代表们的意见",
        ["近日,国家发展和改革委员会专门来函;", "征求代表们的意见"],
    ),
]


@pytest.mark.parametrize("text, expected", CASES)
def test_sentences_are_the_text_at_their_spans(text: str, expected: list[str]) -> None:
    spans = sentences(text)
    assert [text[s.start : s.end] for s in spans] == expected


def test_clauses_split_at_commas_and_colons_not_at_enumeration_commas() -> None:
    text = "主要包括:成都市,德阳市旌阳区、什邡市、广汉市。"
    (sent,) = sentences(text)
    assert [text[c.start : c.end] for c in clauses(text, sent)] == [
        "主要包括:",
        "成都市,",
        "德阳市旌阳区、什邡市、广汉市。",
    ]
