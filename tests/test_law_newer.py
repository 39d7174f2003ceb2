"""A newer corpus loaded over the packaged one (issue #14 item 1, "a site can load a newer
corpus over it as a new version"): the act gains a version, the older one is kept with its
validity interval closed on the newer one's effective date, nothing else of the packaged
corpus is lost, and the answers quote the newer article from its date on — the older one
before it. Loading the newer corpus again changes nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dutygraph import load
from dutygraph.analysis.resolve import duty_evidence, who_leads
from dutygraph.fixtures import DEMO_PATH
from dutygraph.io.laws import SAMPLE_CORPUS
from dutygraph.lawbook import packaged_lawbook
from dutygraph.store import EmbeddedStore

FOOD = "行政法/食品安全法(2021-04-29).md"
NEWER_SIX = (
    "第六条 县级以上地方人民政府对本行政区域的食品安全工作负总责，"
    "统一领导本行政区域的食品安全监督管理工作（示例修正）。"
)


def _newer_corpus(folder: Path) -> Path:
    """The sample's 食品安全法 amended on 2026-12-01 (in force 2027-01-01): 第六条 rewritten."""
    text = (SAMPLE_CORPUS / FOOD).read_text(encoding="utf-8")
    six = next(line for line in text.splitlines() if line.startswith("第六条 "))
    text = text.replace(six, NEWER_SIX)
    text = text.replace(
        "<!-- INFO END -->",
        "2026年12月1日 第十四届全国人民代表大会常务委员会第二十次会议"
        "《关于修改〈中华人民共和国食品安全法〉的决定》第三次修正\n\n<!-- INFO END -->",
    )
    (folder / "行政法").mkdir(parents=True)
    (folder / "行政法" / "食品安全法(2026-12-01).md").write_text(text, encoding="utf-8")
    (folder / "index.csv").write_text(
        "path,level,name,publish,valid_from,expired,folder\n"
        "行政法/食品安全法(2026-12-01).md,法律,食品安全法,2026-12-01,2027-01-01,0,行政法\n",
        encoding="utf-8",
    )
    return folder


@pytest.fixture(scope="module")
def newer(tmp_path_factory):
    base = tmp_path_factory.mktemp("newer")
    store = EmbeddedStore(base / "site.db")
    load(store, [DEMO_PATH])  # the demo answers from the packaged corpus
    corpus = _newer_corpus(base / "laws")
    report = load(store, [corpus])
    return store, corpus, report


def test_the_newer_text_is_a_new_version_and_the_older_is_closed(newer):
    store, _, report = newer
    r = store.reader()
    law = r.law("中华人民共和国食品安全法")
    versions = r.law_versions(law.id)
    book = packaged_lawbook()
    packaged = book.versions_of(law.id)
    assert len(versions) == len(packaged) + 1
    assert [v.valid_from for v in versions[:-1]] == [v.valid_from for v in packaged]
    older, newest = versions[-2], versions[-1]
    assert (older.valid_from, older.valid_to) == ("2021-04-29", "2027-01-01")
    assert older.expired
    assert (newest.valid_from, newest.valid_to) == ("2027-01-01", None)
    assert not newest.expired
    # the first corpus a store loads comes on top of the packaged one: every act is there
    assert len(r.laws) == len(book.laws)
    assert report.added["law_version"] == len(book.versions) + 1


def test_the_article_reads_as_in_force_on_the_date(newer):
    store, _, _ = newer
    r = store.reader()
    law = r.law("食品安全法").id
    now = r.article(law, "第六条", "2027-06-01")
    assert now.version.endswith("@2027-01-01")
    assert now.paragraphs[0] == NEWER_SIX.removeprefix("第六条 ")
    before = r.article(law, "第六条", "2025-06-01")
    assert before.version.endswith("@2021-04-29")
    assert "统一领导、组织、协调" in before.paragraphs[0]
    # an article the amendment left alone is in the newer version too, with its text
    assert (
        r.article(law, "第一百一十条", "2027-06-01").text
        == r.article(law, "第一百一十条", "2025-06-01").text
    )


def test_the_answer_s_evidence_quotes_the_newer_article(newer):
    store, _, _ = newer
    r = store.reader()

    def quoted(as_of: str) -> tuple[str, str]:
        res = who_leads(r, "I-FOOD", "锦江区", as_of)
        ev = duty_evidence(r, res.answers[0].duties[0], as_of)
        basis = next(b for b in ev["bases"] if b["article"] == "第六条")
        return basis["version"]["id"], basis["provisions"][0]["text"]

    version, text = quoted("2027-06-01")
    assert version.endswith("@2027-01-01")
    assert text.startswith("县级以上地方人民政府对本行政区域的食品安全工作负总责")
    version, text = quoted("2025-06-01")
    assert version.endswith("@2021-04-29")
    assert "统一领导、组织、协调" in text


def test_loading_the_newer_corpus_again_changes_nothing(newer, tmp_path):
    store, corpus, _ = newer
    copy = tmp_path / "laws"
    shutil.copytree(corpus, copy)
    before = store.stamp()
    report = load(store, [copy])
    assert report.added == {} and report.changed == {}
    assert store.stamp() == before
