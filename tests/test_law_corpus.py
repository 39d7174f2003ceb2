"""The law corpus reader: acts, versions and their intervals, articles with 款 and 项,
and located warnings for what cannot be read well (the rest is still read)."""

from __future__ import annotations

import shutil
import tarfile
from pathlib import Path

import pytest

from dutygraph.errors import LoadError
from dutygraph.io.laws import (
    SAMPLE_CORPUS,
    act_id,
    is_corpus,
    packaged_corpus,
    parse_text,
    read_corpus,
)

TEXT = """# 示例管理条例

2019年3月2日 国务院令第1号公布

2020年1月1日 施行

<!-- INFO END -->

## 第一章 总则

第一条 为了示例，制定本条例。

第二条 县级以上地方人民政府市场监督管理部门负责本行政区域内的示例监督管理工作。

## 第二章 管理

### 第一节 一般规定

第三条 经营者应当遵守下列规定：

（一）如实登记；

（二）公示信息：

1.名称；

2.地址。

违反前款规定的，依照本条例处罚。

第三条之一 新增的条文。

第四条 本条例自2020年1月1日起施行。
"""


def test_articles_paragraphs_items_and_chapters():
    v, problems = parse_text(TEXT, "示例.md")
    assert problems == []
    assert v.title == "示例管理条例" and v.valid_from == "2020-01-01" and v.publish == "2019-03-02"
    assert [a.key for a in v.articles] == ["1", "2", "3", "3-1", "4"]
    art = v.article("第三条")
    assert art.chapter == ("第二章 管理", "第一节 一般规定")
    assert art.paragraph(1).items == ("（一）如实登记；", "（二）公示信息：\n1.名称；\n2.地址。")
    assert art.paragraph(2).text == "违反前款规定的，依照本条例处罚。"
    assert art.item(1, 2).startswith("（二）公示信息")
    assert v.article("第三条之一").text == "新增的条文。"
    assert v.article(3, 1) is v.article("3-1")
    assert v.article("第五条") is None
    assert v.article(2).chapter == ("第一章 总则",)


def test_sample_versions_intervals_and_repeal():
    corpus = read_corpus(SAMPLE_CORPUS)
    assert corpus.counts()["act"] == 4
    agri = corpus.find("《中华人民共和国农产品质量安全法》")
    # in force from its effective date until the next version's; the 2022 revision took
    # effect on the date its closing article names (2023-01-01), not its adoption date
    assert [(v.valid_from, v.valid_to) for v in agri.versions] == [
        ("2018-10-26", "2023-01-01"),
        ("2023-01-01", None),
    ]
    assert agri.version_at("2022-12-31") is agri.versions[0]
    assert agri.version_at("2023-01-01") is agri.versions[1]
    noise = corpus.find("环境噪声污染防治法").versions[-1]
    assert noise.expired and noise.valid_to == "2022-06-05"
    assert noise.repealed_by == act_id("噪声污染防治法")
    assert not noise.in_force("2022-06-05") and noise.in_force("2022-06-04")


def test_archive_reads_like_the_folder(tmp_path):
    archive = tmp_path / "laws.tar.xz"
    with tarfile.open(archive, "w:xz") as tar:
        tar.add(SAMPLE_CORPUS, arcname="laws")
    assert is_corpus(archive) and is_corpus(SAMPLE_CORPUS)
    a, b = read_corpus(SAMPLE_CORPUS), read_corpus(archive)
    assert a.counts() == b.counts()
    assert [v.id for v in a.versions()] == [v.id for v in b.versions()]


def _corpus(tmp_path: Path, files: dict[str, bytes], index_rows: list[str]) -> Path:
    root = tmp_path / "laws"
    root.mkdir()
    for name, data in files.items():
        (root / name).write_bytes(data)
    (root / "index.csv").write_text(
        "path,level,name,publish,valid_from,expired,folder\n" + "\n".join(index_rows) + "\n",
        "utf-8",
    )
    return root


def test_bad_files_are_located_warnings_and_the_rest_is_read(tmp_path):
    good = TEXT.encode()
    no_marker = TEXT.replace("<!-- INFO END -->\n", "").replace("示例管理条例", "无标记条例")
    dup = TEXT.replace("示例管理条例", "重号条例").replace("第四条 本条例", "第三条 本条例")
    jump = TEXT.replace("示例管理条例", "跳号条例").replace("第四条 本条例", "第九条 本条例")
    root = _corpus(
        tmp_path,
        {
            "good.md": good,
            "nomarker.md": no_marker.encode(),
            "dup.md": dup.encode(),
            "jump.md": jump.encode(),
            "gbk.md": "# 编码条例\n\n第一条 甲。\n".encode("gbk"),
        },
        [
            "good.md,行政法规,示例管理条例,2019-03-02,2020-01-01,0,x",
            "nomarker.md,行政法规,无标记条例,2019-03-02,2020-01-01,0,x",
            "dup.md,行政法规,重号条例,2019-03-02,2020-01-01,0,x",
            "jump.md,行政法规,跳号条例,2019-03-02,2020-01-01,0,x",
            "gbk.md,行政法规,编码条例,2019-03-02,2020-01-01,0,x",
            "missing.md,行政法规,缺失条例,2019-03-02,2020-01-01,0,x",
        ],
    )
    corpus = read_corpus(root)
    by_code = {p.code: p for p in corpus.problems}
    assert set(by_code) == {
        "law-no-info-end",
        "law-duplicate-article",
        "law-numbering-gap",
        "law-not-utf8",
        "law-missing-file",
    }
    assert all(p.severity == "warning" for p in corpus.problems)
    assert by_code["law-no-info-end"].file == "nomarker.md"
    assert by_code["law-duplicate-article"].file == "dup.md"
    assert (
        by_code["law-duplicate-article"].row
        == TEXT.splitlines().index("第四条 本条例自2020年1月1日起施行。") + 1
    )
    assert "第三条之一 之后是 第九条" in by_code["law-numbering-gap"].message or (
        "第九条" in by_code["law-numbering-gap"].message
    )
    assert by_code["law-not-utf8"].file == "gbk.md"
    assert by_code["law-missing-file"].row == 7  # the index row (header is row 1)
    # every readable text is read, each with its articles
    assert {a.title for a in corpus.acts.values()} == {
        "示例管理条例",
        "无标记条例",
        "重号条例",
        "跳号条例",
    }
    assert len(corpus.find("无标记条例").versions[0].articles) == 5


def test_no_index_is_a_load_error(tmp_path):
    (tmp_path / "x.md").write_text(TEXT, "utf-8")
    assert not is_corpus(tmp_path)
    with pytest.raises(LoadError, match=r"index\.csv"):
        read_corpus(tmp_path)


def test_the_same_text_listed_twice_is_read_once(tmp_path):
    root = _corpus(
        tmp_path,
        {"a.md": TEXT.encode()},
        [
            "a.md,行政法规,示例管理条例,2019-03-02,2020-01-01,0,x",
            "a.md,行政法规,示例管理条例,2019-03-02,2020-01-01,0,y",
        ],
    )
    shutil.copy(root / "a.md", root / "b.md")
    corpus = read_corpus(root)
    assert len(corpus.find("示例管理条例").versions) == 1
    assert len(corpus.find("示例管理条例").versions[0].articles) == 5
    assert [p.code for p in corpus.problems] == ["law-duplicate-file"]


def test_the_package_ships_the_national_corpus():
    corpus = packaged_corpus()
    # 52818: 飞行基本规则's run-together lines read as its 124 articles (12 before session 7)
    assert corpus.counts() == {"act": 993, "version": 1061, "article": 52818}
    food = corpus.find("食品安全法").version_at("2025-06-01")
    assert "食品安全监督管理部门" in food.article("第一百一十条").text
    # the corpus's own defects are warnings, located in its files; none is lost silently
    assert {p.code for p in corpus.problems} <= {
        "law-numbering-gap",
        "law-index-date",
        "law-duplicate-file",
    }


def test_a_control_character_in_an_article_is_a_located_error(tmp_path):
    """The import's text check (one search over a record's texts first) still finds a control
    character in an article's paragraphs, and names the file, its line and the field."""
    from dutygraph import load
    from dutygraph.errors import ValidationFailed
    from dutygraph.store import EmbeddedStore

    corpus = Path(shutil.copytree(SAMPLE_CORPUS, tmp_path / "laws"))
    food = corpus / "行政法" / "食品安全法(2021-04-29).md"
    text = food.read_text(encoding="utf-8")
    line = next(i for i, x in enumerate(text.splitlines(), 1) if x.startswith("第一百一十条 "))
    food.write_text(
        text.replace("第一百一十条 县级以上", "第一百一十条 县级\x1b[31m以上", 1), "utf-8"
    )
    store = EmbeddedStore(tmp_path / "s.db")
    with pytest.raises(ValidationFailed) as err:
        load(store, [corpus])
    [problem] = [p for p in err.value.problems if p.code == "control-character"]
    assert (problem.file, problem.row, problem.column) == (
        "行政法/食品安全法(2021-04-29).md",
        line,
        "paragraphs",
    )
    assert "U+001B" in problem.message
    assert not (tmp_path / "s.db").exists()  # nothing was written
