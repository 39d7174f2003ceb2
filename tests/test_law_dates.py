"""A version's dates are those of the file it is (issue #14 items 1 and 3): a corpus file may
hold a text as amended by a decree its history lines do not name — 快递暂行条例(2019-03-02).md
says only 「2018年3月2日 中华人民共和国国务院令第697号公布」 and its closing article 「本条例自
2018年5月1日起施行」, yet it is the text as amended on 2019-03-02. The version is that text,
in force from 2019-03-02; a duty dated before it is read against it, with a note, and no
NO_LEGAL_BASIS gap opens for the window between the act's adoption and its earliest text."""

from __future__ import annotations

import re
import shutil
import tarfile
from pathlib import Path

import pytest

from dutygraph.analysis.gaps import find_gaps
from dutygraph.analysis.resolve import who_leads
from dutygraph.importer import load
from dutygraph.io.laws import PACKAGED_CORPUS, packaged_corpus, read_corpus
from dutygraph.io.laws.records import act_record
from dutygraph.lawbook import packaged_lawbook
from dutygraph.serialize import resolution_dict

EXPRESS = "行政法规/快递暂行条例(2019-03-02).md"
INDEX_ROW = f"{EXPRESS},行政法规,快递暂行条例,2019-03-02,,0,行政法规\n"
HEADER = "path,level,name,publish,valid_from,expired,folder\n"
NOTE = "该日期施行的文本未收录，按最早收录文本（2019-03-02）引用"


def _express_corpus(tmp_path: Path, index_row: str = INDEX_ROW) -> Path:
    """A corpus of one real file, 快递暂行条例 as the package ships it, and its index row."""
    root = tmp_path / "laws"
    with tarfile.open(PACKAGED_CORPUS) as tar:
        member = next(m for m in tar if m.name.endswith(EXPRESS))
        data = tar.extractfile(member).read()  # type: ignore[union-attr]
    (root / "行政法规").mkdir(parents=True)
    (root / EXPRESS).write_bytes(data)
    (root / "index.csv").write_text(HEADER + index_row, "utf-8")
    return root


def test_a_file_amended_by_a_decree_its_history_omits_is_dated_by_the_file(tmp_path):
    corpus = read_corpus(_express_corpus(tmp_path))
    act = corpus.find("快递暂行条例")
    (v,) = act.versions
    assert v.history == ("2018年3月2日 中华人民共和国国务院令第697号公布",)
    assert "本条例自2018年5月1日起施行" in v.articles[-1].text  # the original's, kept
    assert (v.publish, v.valid_from, v.dated_by) == ("2019-03-02", "2019-03-02", "publish")
    assert v.id == f"{act.id}@2019-03-02"
    assert not v.in_force("2018-06-01") and v.in_force("2019-03-02")
    # the act's first publication stays known
    assert act_record(act).valid_from == "2018-03-02"


def test_the_index_s_valid_from_wins_where_given(tmp_path):
    row = INDEX_ROW.replace("2019-03-02,,0", "2019-03-02,2019-05-01,0")
    (v,) = read_corpus(_express_corpus(tmp_path, row)).find("快递暂行条例").versions
    assert (v.valid_from, v.dated_by) == ("2019-05-01", "index")


@pytest.mark.parametrize(
    ("title", "valid_from", "dated_by"),
    [
        ("快递暂行条例", "2019-03-02", "publish"),
        ("地震安全性评价管理条例", "2019-03-02", "publish"),  # history's last line: 2017
        ("特种设备安全监察条例", "2009-01-24", "publish"),
        ("税收征收管理法实施细则", "2016-02-06", "publish"),
        ("建设项目环境保护管理条例", "2017-07-16", "publish"),
        ("人民警察警衔标志式样和佩带办法", "2000-10-01", "text"),  # 施行 after the file's date
        ("企业名称登记管理规定", "2021-03-01", "index"),
    ],
)
def test_the_packaged_versions_carry_their_file_s_dates(title, valid_from, dated_by):
    v = packaged_corpus().find(title).versions[-1]
    assert (v.valid_from, v.dated_by) == (valid_from, dated_by)
    assert v.id.endswith("@" + valid_from)


def test_no_version_starts_before_the_date_of_its_file():
    """260 did on main before this fix (the measurement of issue #14 item 1)."""
    early = []
    for v in packaged_corpus().versions():
        dates = [
            m.group(1) for f in v.files if (m := re.search(r"\((\d{4}-\d{2}-\d{2})\)\.md$", f))
        ]
        if dates and v.valid_from and v.valid_from < max(dates):
            early.append(v.id)
    assert early == []


def test_law_prints_the_file_s_version_and_says_the_act_is_older(cli):
    out = cli("law", "快递暂行条例", "第五条", "--as-of", "2018-06-01").stdout
    assert out.startswith("《快递暂行条例》第五条（2019-03-02 版")
    assert "2018年3月2日公布；本库收录的最早文本为 2019-03-02 修订本" in out
    assert NOTE in out
    data = cli("law", "快递暂行条例", "--json")
    assert [v["dated_by"] for v in data["versions"]] == ["publish"]
    assert data["notes"] == ["2018年3月2日公布；本库收录的最早文本为 2019-03-02 修订本"]


def _bundle(tmp_path: Path) -> Path:
    b = tmp_path / "express"
    b.mkdir()
    files = {
        "regions.csv": "code,name,level,parent\n000000,全国,national,\n",
        "departments.csv": "id,name,region,systems,superior,vertical,aliases,valid_from,valid_to,successor\n"
        "N-SPB,国家邮政局,000000,postal,,,,,,\n",
        "items.csv": "id,name,parent,domain,power_type,objects,keywords,levels,key_item\n"
        "I-EXPRESS,快递业监督管理,,邮政,行政检查,快递企业,快递,national,\n",
        "bases.csv": "id,title,kind,issuer,article,valid_from,valid_to\n"
        "B-KD-5,快递暂行条例,administrative-regulation,国务院,第五条,,\n",
        "duties.csv": "department,item,region,role,bases,valid_from,valid_to,source,line\n"
        "N-SPB,I-EXPRESS,000000,lead,B-KD-5,2018-06-01,,国家邮政局权责清单,\n",
    }
    for name, text in files.items():
        (b / name).write_text(text, "utf-8")
    return b


@pytest.mark.parametrize("strict", [False, True])
def test_a_duty_dated_before_the_earliest_text_is_read_against_it_with_a_note(
    embedded_store, tmp_path, strict
):
    report = load(embedded_store, [_bundle(tmp_path)], strict=strict)
    law = [p for p in report.problems if p.code.startswith("law-")]
    assert [(p.file.rsplit("/", 1)[-1], p.row, p.code, p.severity) for p in law] == [
        ("bases.csv", 2, "law-earliest-text", "note")  # not a warning, even with strict
    ]
    assert NOTE in law[0].message and "2018-06-01" in law[0].message
    g = embedded_store.graph()
    basis = g.bases["B-KD-5"]
    version = packaged_lawbook().versions_of(packaged_lawbook().law("快递暂行条例").id)[0]
    assert basis.law_version == version.id and version.valid_from == "2019-03-02"
    assert basis.law_from == "2018-03-02"  # in force from the act's publication: no gap
    assert not [x for x in find_gaps(g, as_of="2018-06-01") if x.kind == "NO_LEGAL_BASIS"]
    r = embedded_store.reader()
    res = who_leads(r, "I-EXPRESS", "000000", "2018-06-01")
    assert [a.department.id for a in res.answers] == ["N-SPB"]
    (b,) = resolution_dict(r, res)["answers"][0]["evidence"][0]["bases"]
    assert b["in_force"] and NOTE in b["note"]
    assert b["provisions"][0]["text"].startswith("国务院邮政管理部门负责对全国快递业实施监督管理")


def test_a_store_read_against_the_old_ids_still_quotes_its_articles(tmp_path):
    """A store written before the ids moved (the schema-4 fixture: 城镇燃气管理条例 read as
    @2011-03-01, its file's text is @2016-02-06) keeps quoting the article, in force."""
    from dutygraph.analysis.provisions import law_evidence
    from dutygraph.store import EmbeddedStore

    shutil.copy(Path(__file__).parent / "data" / "store_schema4_demo.sqlite", tmp_path / "s.db")
    s = EmbeddedStore(str(tmp_path / "s.db"))
    try:
        basis = s.graph().bases["B-GAS-5"]
        assert basis.law_version.endswith("@2011-03-01")  # as stored
        e = law_evidence(s.reader(), basis, "2025-06-01")
        (p,) = e["provisions"]
        assert e["version"]["id"].endswith("@2016-02-06") and p["in_force"]
        assert p["article"]["name"] == "第五条" and not e["note"]
    finally:
        s.close()
