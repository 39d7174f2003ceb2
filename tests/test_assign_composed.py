"""Words the corpus never writes, read by their characters' shipped corpus vectors."""

from __future__ import annotations

import numpy as np
import pytest

from dutygraph.analysis import match, near
from dutygraph.analysis.assign import assign_business_form
from dutygraph.fixtures import catalogue_graph

AS_OF = "2025-06-01"


@pytest.fixture(scope="module")
def vs() -> near.Vectors:
    got = near.vectors()
    assert got is not None, "corpus_vectors.bin missing or built from another corpus"
    return got


@pytest.fixture(scope="module")
def ix() -> match.Indexes:
    return match.indexes(catalogue_graph(), AS_OF)


def test_the_shipped_vectors_are_built_from_the_packaged_corpus(vs: near.Vectors) -> None:
    with open(near.VECTORS, "rb") as f:
        first = f.readline().decode()
    assert first.strip() == f"# corpus sha256 {near.corpus_digest()}"
    assert vs.e.shape == (len(vs.vocab), near.SHIPPED_DIMENSIONS)
    assert vs.c.shape == (len(vs.chars), near.SHIPPED_DIMENSIONS)
    assert set(vs.chars) == {c for w in vs.vocab for c in w}


@pytest.mark.parametrize("ch", ["奶", "树", "汇", "彩"])
def test_a_characters_vector_is_precomputed_as_the_mean_of_its_words(
    vs: near.Vectors, ch: str
) -> None:
    mean = vs.e[vs.by_char[ch]].mean(0)
    mean /= np.linalg.norm(mean)
    assert float(mean @ vs.char(ch)) > 0.99  # equal but for the int8 rounding


def test_a_word_the_corpus_never_writes_is_read_by_its_characters(
    vs: near.Vectors, ix: match.Indexes
) -> None:
    # forms3's 奶站往牛奶里兑东西: 牛奶 is in no statute; its characters stand nearest to 奶畜
    assert "牛奶" not in near.load() and "奶畜" in [t for t, _ in vs.composed("牛奶")]
    # forms3's 挖百年老樟树: 樟树 → 树种, 树木
    assert {"树种", "树木"} <= {t for t, _ in vs.composed("樟树")}
    words = {w.text: w for w in match.query_words(ix, "奶站兑水", "往收来的牛奶里兑水")}
    assert words["奶畜"].via == "牛奶"  # votes under the text's own word
    assert vs.composed("快递") == ()  # a corpus word: its near terms are the table's


@pytest.mark.parametrize(
    ("word", "noise"),
    [
        ("推拿", "强拿硬"),  # dev 骨科推拿馆: shares 拿, nowhere near 推
        ("水彩", "彩票"),  # heldout 少儿画画班: shares 彩, nowhere near 水
        ("电瓶", "气瓶充装"),  # dev 收旧电瓶: shares 瓶, not near 电
    ],
)
def test_a_stand_in_that_disagrees_with_a_character_is_dropped(
    vs: near.Vectors, monkeypatch: pytest.MonkeyPatch, word: str, noise: str
) -> None:
    monkeypatch.setattr(near, "MIN_AGREE", -1.0)  # the filter off: the noise is there
    assert noise in [t for t, _ in vs.composed(word)]
    monkeypatch.setattr(near, "MIN_AGREE", 0.45)
    assert noise not in [t for t, _ in vs.composed(word)]
    k = vs.index[noise]
    agree = [float(vs.e[k] @ vs.char(c)) for c in word if c in vs.chars]
    assert min(agree) < near.MIN_AGREE <= max(agree)  # it agrees with one character only


def test_the_answer_quotes_the_statute_the_stand_ins_fall_under() -> None:
    a = assign_business_form(
        catalogue_graph(),
        "奶站往牛奶里兑东西",
        "村里收牛奶的奶站往收来的牛奶里兑水和别的东西，再卖给乳企",
        as_of=AS_OF,
    )
    top = a.candidates[0]
    assert top.department.id == "N-MARA"  # 畜牧兽医 by 乳品质量安全监督管理条例
    assert any("牛奶→奶畜" in r and "《乳品质量安全监督管理条例》" in r for r in top.reasons)


@pytest.mark.parametrize(
    ("word", "noise"),
    [
        ("别墅", "澳门特别行政区"),  # forms3 别墅里的私人收藏馆: shares the modifier 别 only
        ("师傅", "教师法"),  # forms 上门换锁芯 (叫师傅上门): shares 师, not the head 傅
        ("杯子", "电子数据交换"),  # forms4 液氮冰淇淋 (杯子): 子 is a suffix, the head is 杯
    ],
)
def test_a_stand_in_must_hold_the_words_head(vs: near.Vectors, word: str, noise: str) -> None:
    assert noise in vs.vocab and noise not in [t for t, _ in vs.composed(word)]
    assert near.head_char(word) not in noise
    # the head kept: 樟树 is a 树, 牛奶 a 奶 (right-headed compounds)
    assert all(near.head_char(w) in t for w in ("樟树", "牛奶") for t, _ in vs.composed(w))
