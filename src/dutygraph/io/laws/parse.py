"""Reading the law corpus: one Markdown file per version of an act, and ``index.csv``.

The corpus format (SPEC §6, ``laws/README.md``): ``index.csv`` lists every
file with its level (法律 / 行政法规 / 部门规章 / 宪法), name, publication and
effective dates and whether the version has expired. A file starts with the
full title (``# 中华人民共和国食品安全法``), then the history lines (adoption,
amendments, 施行) up to ``<!-- INFO END -->``; below it, headings are the
编/分编/章/节/目 and an article (条) starts a paragraph with ``第X条`` (or
``第X条之一``). The paragraphs up to the next article are its 款; a line
starting ``（一）`` is an item (项) of the paragraph before it.

:func:`read_corpus` reads a folder (or a ``.tar``/``.tar.xz`` archive of one)
into :class:`Act` objects, each with its :class:`Version` objects in order and
their validity intervals: a version is in force from its effective date until
the next version's; an expired last version is closed on the date a later act
repealed it (``《X》同时废止`` in that act's text) where the corpus says so.
What cannot be read well is a located :class:`~dutygraph.errors.Problem`
(warning) and the rest is read.

>>> corpus = read_corpus(SAMPLE_CORPUS)
>>> act = corpus.acts[act_id("食品安全法")]
>>> act.title, [v.valid_from for v in act.versions]
('中华人民共和国食品安全法', ['2021-04-29'])
>>> art = act.versions[-1].article("第一百一十条")
>>> art.label, art.chapter
('第一百一十条', ('第八章 监督管理',))
>>> art.paragraphs[0].items[0]
'（一）进入生产经营场所实施现场检查；'
>>> sorted((v.title, v.valid_to, v.repealed_by == act_id("噪声污染防治法"))
...        for v in corpus.acts[act_id("环境噪声污染防治法")].versions)
[('中华人民共和国环境噪声污染防治法', '2022-06-05', True)]
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import re
import tarfile
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ...errors import LoadError, Problem
from ..citations import NUM, basis_id, chinese_number

__all__ = [
    "DATED_BY",
    "LEVEL_KINDS",
    "PACKAGED_CORPUS",
    "SAMPLE_CORPUS",
    "Act",
    "Article",
    "Corpus",
    "Paragraph",
    "Version",
    "act_id",
    "article_key",
    "is_corpus",
    "packaged_corpus",
    "parse_text",
    "read_corpus",
]

_DATA = Path(__file__).resolve().parent.parent.parent / "data"
#: the national corpus as the package ships it (``laws/`` as a ``.tar.xz``, ~3 MB):
#: 993 acts, 1,061 versions, 52,818 articles
PACKAGED_CORPUS = _DATA / "laws.tar.xz"
#: a small corpus in the corpus format (four acts, five texts), for doctests and fast tests
SAMPLE_CORPUS = _DATA / "laws-sample"

#: ``index.csv`` levels → basis kinds (``model.BASIS_KINDS``)
LEVEL_KINDS = {
    "宪法": "law",
    "法律": "law",
    "行政法规": "administrative-regulation",
    "部门规章": "department-rule",
    "地方性法规": "local-regulation",
    "地方政府规章": "local-rule",
}

#: which rule gave a version's ``valid_from`` (:attr:`Version.dated_by`) → how a person reads it
DATED_BY = {
    "index": "施行日期取自索引 (index.csv's valid_from)",
    "text": "施行日期取自文本的施行条款或沿革 (the text's 施行 date)",
    "publish": "施行日期即公布日期：修订文本自公布之日起施行 (no later 施行 date: from publication)",
}

INFO_END = "<!-- INFO END -->"
_ARTICLE = re.compile(rf"^第({NUM})条(?:之({NUM}))?(?:[\s\u3000]+|(?=[（(“\"《]))")
_ITEM = re.compile(rf"^[（(]({NUM})[)）]")
_HEADING = re.compile(r"^(#{1,6})\s*(.*?)\s*$")
_DIVISION = re.compile(rf"^第({NUM})(编|分编|章|节|目)")
_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_FILE_DATE = re.compile(r"\((\d{4}-\d{2}-\d{2})\)\.md$")
_REPEAL = re.compile(r"《([^《》]{2,60})》[^。；《]{0,40}?同时废止")


def act_id(title: str) -> str:
    """The id of an act: the basis id of its normalised title (中华人民共和国 does not count).

    The same id a citation ``《食品安全法》第X条`` gives its basis
    (:func:`dutygraph.io.citations.basis_id`), so a cited law is the corpus's act.

    >>> act_id("中华人民共和国食品安全法") == act_id("食品安全法")
    True
    """
    return basis_id(title)


def article_key(number: int, suffix: int = 0) -> str:
    """The key of an article within a version: ``"110"``, or ``"17-1"`` for 第十七条之一.

    >>> article_key(110), article_key(17, 1)
    ('110', '17-1')
    """
    return f"{number}-{suffix}" if suffix else str(number)


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph (款) of an article: its own text and its items (项), markers kept."""

    text: str
    items: tuple[str, ...] = ()

    @property
    def full_text(self) -> str:
        return "\n".join((self.text, *self.items)) if self.items else self.text


@dataclass(frozen=True, slots=True)
class Article:
    """An article (条) of one version: number, label as written, chapter path, paragraphs.

    The first paragraph's text starts after the label (``第一条 为了…`` → ``为了…``).
    ``line`` is the 1-based line of the label in ``file``.
    """

    number: int
    suffix: int
    label: str
    chapter: tuple[str, ...]
    paragraphs: tuple[Paragraph, ...]
    file: str
    line: int

    @property
    def key(self) -> str:
        return article_key(self.number, self.suffix)

    @property
    def text(self) -> str:
        """The article's whole text, paragraphs and items one a line."""
        return "\n".join(p.full_text for p in self.paragraphs)

    def paragraph(self, n: int) -> Paragraph | None:
        """Paragraph (款) ``n``, 1-based, or ``None``."""
        return self.paragraphs[n - 1] if 0 < n <= len(self.paragraphs) else None

    def item(self, paragraph: int, n: int) -> str | None:
        """Item (项) ``n`` of paragraph ``paragraph``, 1-based, or ``None``."""
        p = self.paragraph(paragraph)
        return p.items[n - 1] if p is not None and 0 < n <= len(p.items) else None


@dataclass(slots=True)
class Version:
    """One version (text) of an act: the file(s) it was read from, its dates, its articles.

    ``valid_from``/``valid_to`` are the half-open interval in force (``None``:
    open or unknown). ``publish`` is the date of the text the file is: the latest of
    the file name's date, the index's and the history's (a file may hold a text as
    amended by a decree its history lines do not name). ``dated_by`` says which rule
    gave ``valid_from`` (:data:`DATED_BY`). ``expired`` is the index's flag;
    ``repealed_by`` names the act whose text repealed this one, where the corpus says so.
    """

    act: str
    title: str
    level: str
    files: tuple[str, ...]
    publish: str | None
    valid_from: str | None
    valid_to: str | None = None
    expired: bool = False
    repealed_by: str | None = None
    history: tuple[str, ...] = ()
    preamble: str = ""
    articles: tuple[Article, ...] = ()
    dated_by: str = ""
    _by_key: dict[str, Article] = field(default_factory=dict, repr=False, compare=False)

    @property
    def id(self) -> str:
        """``<act id>@<effective date>`` (the publication date where no effective date is known)."""
        return f"{self.act}@{self.valid_from or self.publish or 'undated'}"

    @property
    def kind(self) -> str:
        return LEVEL_KINDS.get(self.level, "normative-document")

    def in_force(self, as_of: str) -> bool:
        return (self.valid_from is None or self.valid_from <= as_of) and (
            self.valid_to is None or as_of < self.valid_to
        )

    def article(self, ref: str | int, suffix: int = 0) -> Article | None:
        """An article by number (``110``), key (``"17-1"``) or label (``"第一百一十条"``)."""
        if not self._by_key:
            self._by_key.update((a.key, a) for a in self.articles)
        if isinstance(ref, int):
            return self._by_key.get(article_key(ref, suffix))
        ref = unicodedata.normalize("NFKC", ref).strip()
        m = _ARTICLE.match(ref + " ")
        if m:
            ref = article_key(chinese_number(m.group(1)), chinese_number(m.group(2) or "零"))
        return self._by_key.get(ref)


@dataclass(slots=True)
class Act:
    """An act (法律、行政法规、规章…): its id, title, level and versions, oldest first."""

    id: str
    title: str
    level: str
    versions: list[Version] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return LEVEL_KINDS.get(self.level, "normative-document")

    def version_at(self, as_of: str) -> Version | None:
        """The version in force at ``as_of``, or ``None``."""
        for v in reversed(self.versions):
            if v.in_force(as_of):
                return v
        return None


@dataclass(slots=True)
class Corpus:
    """Acts by id, and the problems met while reading (warnings, located)."""

    acts: dict[str, Act] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    source: str = ""

    def find(self, title: str) -> Act | None:
        """The act called ``title`` (with or without 《》 and 中华人民共和国)."""
        return self.acts.get(act_id(title))

    def versions(self) -> Iterator[Version]:
        for act in self.acts.values():
            yield from act.versions

    def counts(self) -> dict[str, int]:
        versions = list(self.versions())
        return {
            "act": len(self.acts),
            "version": len(versions),
            "article": sum(len(v.articles) for v in versions),
        }


# -- one text ----------------------------------------------------------------


def parse_text(text: str, file: str = "<text>") -> tuple[Version, list[Problem]]:
    """One text of the corpus format as a :class:`Version` (dates from its history lines).

    >>> v, problems = parse_text("# 示例条例\\n\\n2020年1月1日 施行\\n\\n<!-- INFO END -->\\n\\n"
    ...     "## 第一章 总则\\n\\n第一条 为了示例，制定本条例。\\n\\n第二条 本条例所称示例：\\n\\n"
    ...     "（一）甲；\\n\\n（二）乙。\\n\\n前款规定不适用于丙。\\n")
    >>> v.title, v.valid_from, [a.label for a in v.articles], problems
    ('示例条例', '2020-01-01', ['第一条', '第二条'], [])
    >>> [(p.text, p.items) for p in v.articles[1].paragraphs]
    [('本条例所称示例：', ('（一）甲；', '（二）乙。')), ('前款规定不适用于丙。', ())]
    """
    problems: list[Problem] = []
    lines = text.splitlines()
    title = ""
    book: list[str] = []  # a heading under the title, as the books of the Civil Code have
    history: list[str] = []
    body_start = None
    for n, raw in enumerate(lines):
        line = raw.strip()
        if line == INFO_END:
            body_start = n + 1
            break
        if line.startswith("#"):
            heading = line.lstrip("#").strip()
            if not title:
                title = heading
            elif heading and heading != title:
                book = [heading]
        elif line:
            history.append(line)
    if body_start is None:
        problems.append(
            _warn(
                file,
                None,
                f"没有 {INFO_END} 标记：全文按正文读取 (no {INFO_END} marker: read the whole file as the body)",
                f"在历史沿革之后加一行 {INFO_END}",
                "law-no-info-end",
            )
        )
        history, book = [], []
        body_start = 0
        title = title or next((ln.lstrip("#").strip() for ln in lines if ln.startswith("#")), "")
    articles, preamble = _articles(lines, body_start, file, problems, book)
    publish = _last_date(history)
    valid_from, dated_by = _effective(history, articles, publish)
    version = Version(
        act=act_id(title) if title else "",
        title=title,
        level="",
        files=(file,),
        publish=publish,
        valid_from=valid_from,
        history=tuple(history),
        preamble=preamble,
        articles=tuple(articles),
        dated_by=dated_by,
    )
    return version, problems


def _articles(
    lines: list[str], start: int, file: str, problems: list[Problem], book: list[str]
) -> tuple[list[Article], str]:
    chapter: list[tuple[int, str]] = [(0, b) for b in book]  # (rank, heading), outermost first
    out: list[Article] = []
    preamble: list[str] = []
    current: dict[str, object] | None = None
    paragraphs: list[Paragraph] = []
    seen: dict[str, int] = {}

    def close() -> None:
        nonlocal current, paragraphs
        if current is not None:
            out.append(Article(paragraphs=tuple(paragraphs), **current))  # type: ignore[arg-type]
        current, paragraphs = None, []

    for n, line in _run_together(lines, start):
        h = _HEADING.match(line)
        if h:
            heading = re.sub(r"\s+", " ", h.group(2))
            if not heading:
                continue
            d = _DIVISION.match(heading.replace(" ", ""))
            rank = _RANKS[d.group(2)] if d else len(h.group(1))
            close()
            chapter = [(r, t) for r, t in chapter if r < rank or r == 0]
            chapter.append((rank, heading))
            continue
        m = _ARTICLE.match(line)
        if m:
            close()
            number = chinese_number(m.group(1))
            suffix = chinese_number(m.group(2)) if m.group(2) else 0
            label = line[: m.end()].strip()
            key = article_key(number, suffix)
            if key in seen:
                problems.append(
                    _warn(
                        file,
                        n + 1,
                        f"{label}重复（第 {seen[key]} 行已有）：两条都保留，引用取第一条 "
                        f"(duplicate article number, first at line {seen[key]})",
                        "核对原文的条文编号",
                        "law-duplicate-article",
                    )
                )
            elif out and suffix == 0 and number != out[-1].number + 1:
                prev = out[-1]
                problems.append(
                    _warn(
                        file,
                        n + 1,
                        f"条文编号跳跃：{prev.label} 之后是 {label} "
                        f"(numbering jumps from {prev.key} to {key})",
                        "核对原文是否缺条",
                        "law-numbering-gap",
                    )
                )
            seen.setdefault(key, n + 1)
            current = {
                "number": number,
                "suffix": suffix,
                "label": label,
                "chapter": tuple(t for _, t in chapter),
                "file": file,
                "line": n + 1,
            }
            rest = line[m.end() :].strip()
            paragraphs = [Paragraph(rest)] if rest else []
            continue
        if current is None:
            preamble.append(line)
        elif _ITEM.match(line) and paragraphs:
            last = paragraphs[-1]
            paragraphs[-1] = Paragraph(last.text, (*last.items, line))
        elif paragraphs and paragraphs[-1].items and _SUB_ITEM.match(line):
            last = paragraphs[-1]  # a 目 (1. 2. …) belongs to the item before it
            paragraphs[-1] = Paragraph(last.text, (*last.items[:-1], last.items[-1] + "\n" + line))
        else:
            paragraphs.append(Paragraph(line))
    close()
    return out, "\n".join(preamble)


def _run_together(lines: list[str], start: int) -> Iterator[tuple[int, str]]:
    """(line index, text) of the non-empty lines from ``start``, a line that runs several
    articles together (``…制定本规则。 第二条 凡…。 第三条 …``, 飞行基本规则) cut before each
    article label that ends a sentence and numbers the next article.

    >>> [t for _, t in _run_together(["第一条 甲。 第二条 乙，依照第五条 办理。 第三条 丙。"], 0)]
    ['第一条 甲。', '第二条 乙，依照第五条 办理。', '第三条 丙。']
    """
    last = 0  # the number of the last article label seen
    for n in range(start, len(lines)):
        line = lines[n].strip().replace("\u3000", " ")
        if not line:
            continue
        m = _ARTICLE.match(line)
        if m and not m.group(2):
            last = chinese_number(m.group(1))
        if m is None or " " not in line[m.end() :]:
            yield n, line
            continue
        begin = 0
        for cut in _RUN_ON.finditer(line, m.end()):
            if chinese_number(cut.group(1)) != last + 1:
                continue
            yield n, line[begin : cut.start()].strip()
            begin, last = cut.start(), last + 1
        yield n, line[begin:].strip()


#: an article label after the end of a sentence and a space, inside a line
_RUN_ON = re.compile(rf"(?<=[。；：”])[\s\u3000]+第({NUM})条[\s\u3000]")

_RANKS = {"编": 1, "分编": 2, "章": 3, "节": 4, "目": 5}
_SUB_ITEM = re.compile(r"^(?:\d{1,2}[.．、]|[(（]\d{1,2}[)）])")


def _iso(m: re.Match[str]) -> str:
    return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"


_IN_FORCE = re.compile(r"自\s*(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*起施行")


def _effective(
    history: list[str], articles: list[Article], publish: str | None
) -> tuple[str | None, str]:
    """When a text took effect, and the rule (:data:`DATED_BY`): a history line saying 施行;
    else the date its closing article says (本法自…起施行) where that is not before the
    text's last adoption or amendment (an amendment keeps the original closing article);
    else that adoption date."""
    for line in reversed(history):
        if "施行" in line:
            dates = list(_DATE.finditer(line))
            if dates:
                return _iso(dates[-1]), "text"
    for art in reversed(articles[-3:]):
        m = _IN_FORCE.search(art.text)
        if m:
            d = _DATE.search(m.group(1))
            date = _iso(d) if d else None
            if date and (publish is None or date >= publish):
                return date, "text"
            break
    return publish, "publish"


def _last_date(history: list[str]) -> str | None:
    """The date of the text's last adoption or amendment (lines only saying 施行 skipped)."""
    for line in reversed(history):
        if "施行" in line and not re.search(r"通过|修正|修订|公布|发布|批准", line):
            continue
        dates = list(_DATE.finditer(line))
        if dates:
            return _iso(dates[0])
    return None


def _warn(file: str, row: int | None, message: str, fix: str, code: str) -> Problem:
    return Problem(file, row, None, message, fix, severity="warning", code=code)


# -- the whole corpus --------------------------------------------------------


def is_corpus(path: str | Path) -> bool:
    """Whether ``path`` is a law corpus: a folder (or tar archive) with an ``index.csv``
    whose header has ``path`` and ``level``."""
    p = Path(path)
    try:
        if p.is_dir():
            index = p / "index.csv"
            if not index.is_file():
                return False
            header = index.read_text("utf-8-sig").split("\n", 1)[0]
        elif p.is_file() and ".tar" in p.name:
            with tarfile.open(p) as tar:
                member = next((m for m in tar if m.name.endswith("index.csv")), None)
                if member is None:
                    return False
                fh = tar.extractfile(member)
                header = fh.read().decode("utf-8-sig").split("\n", 1)[0] if fh else ""
        else:
            return False
    except (OSError, UnicodeDecodeError, tarfile.TarError):
        return False
    cols = [c.strip() for c in header.split(",")]
    return "path" in cols and "level" in cols


def _opener(source: Path) -> tuple[Callable[[str], bytes | None], Callable[[], None]]:
    """A function giving a corpus file's bytes by its path in the index (``None``: missing)."""
    if source.is_dir():

        def read_dir(rel: str) -> bytes | None:
            try:
                return (source / rel).read_bytes()
            except FileNotFoundError:
                return None

        return read_dir, lambda: None
    try:
        tar = tarfile.open(source)  # noqa: SIM115 (closed by the returned closer)
    except (OSError, tarfile.TarError) as exc:
        raise LoadError(
            f"{source}: 不是可读的法律文本库归档 (not a readable corpus archive): {exc}"
        ) from exc
    members = {m.name: m for m in tar.getmembers() if m.isfile()}
    prefix = next((n[: -len("index.csv")] for n in members if n.endswith("index.csv")), "")

    def read_tar(rel: str) -> bytes | None:
        m = members.get(prefix + rel)
        fh = tar.extractfile(m) if m is not None else None
        return fh.read() if fh is not None else None

    return read_tar, tar.close


def read_corpus(source: str | Path, progress: Callable[[int, int], None] | None = None) -> Corpus:
    """Read a corpus folder or archive (see the module docstring).

    ``progress(done, total)`` is called as the files are read.

    Raises :class:`~dutygraph.errors.LoadError` when there is no readable
    ``index.csv``; every problem with one file is a warning and the rest is read.
    """
    source = Path(source)
    read, close = _opener(source)
    try:
        raw = read("index.csv")
        if raw is None:
            raise LoadError(
                f"{source}: 没有 index.csv，不是法律文本库 (no index.csv: not a law corpus)"
            )
        try:
            rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
        except UnicodeDecodeError as exc:
            raise LoadError(f"{source}/index.csv: 不是 UTF-8 编码 (not UTF-8): {exc}") from exc
        return _build(source, rows, read, progress)
    finally:
        close()


def _build(
    source: Path,
    rows: list[dict[str, str]],
    read: Callable[[str], bytes | None],
    progress: Callable[[int, int], None] | None = None,
) -> Corpus:
    corpus = Corpus(source=str(source))
    index_file = f"{source.name}/index.csv"
    parts: dict[tuple[str, str], list[Version]] = {}  # (act, date): the files of one version
    for row_no, row in enumerate(rows, start=2):
        if progress is not None and row_no % 50 == 0:
            progress(row_no - 2, len(rows))
        rel = (row.get("path") or "").strip()
        if not rel:
            continue
        data = read(rel)
        if data is None:
            corpus.problems.append(
                _warn(
                    index_file,
                    row_no,
                    f"索引列出的文件 {rel} 不存在：跳过 (the index names a missing file)",
                    "补上该文件，或从 index.csv 删去此行",
                    "law-missing-file",
                )
            )
            continue
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            corpus.problems.append(
                _warn(
                    rel,
                    data[: exc.start].count(b"\n") + 1,
                    f"不是 UTF-8 编码（第 {exc.start} 字节）：跳过此文件 (not UTF-8 at byte {exc.start})",
                    "把文件转存为 UTF-8",
                    "law-not-utf8",
                )
            )
            continue
        version, problems = parse_text(text, rel)
        corpus.problems.extend(problems)
        name = (row.get("name") or "").strip()
        folder = (row.get("folder") or "").strip()
        whole = _whole_act_title(name, folder, version.title)
        version.title = whole
        version.act = act_id(whole)
        version.level = (row.get("level") or "").strip()
        version.expired = (row.get("expired") or "").strip() == "1"
        _dates(version, row, index_file, row_no, corpus.problems)
        key = (version.act, version.valid_from or "")
        same = parts.setdefault(key, [])
        twin = next((v for v in same if _same_text(v, version)), None)
        if twin is not None:
            corpus.problems.append(
                _warn(
                    index_file,
                    row_no,
                    f"{rel} 与 {twin.files[0]} 是同一版本的同一文本：只读一份 "
                    "(the same text of the same version is listed twice)",
                    "从 index.csv 删去重复的一行",
                    "law-duplicate-file",
                )
            )
            continue
        same.append(version)
    if progress is not None:
        progress(len(rows), len(rows))
    for versions in parts.values():
        v = versions[0] if len(versions) == 1 else _joined(versions)
        act = corpus.acts.get(v.act)
        if act is None:
            act = corpus.acts[v.act] = Act(v.act, v.title, v.level)
        act.versions.append(v)
    for act in corpus.acts.values():
        act.versions.sort(key=lambda v: (v.valid_from or "", v.publish or ""))
        for older, newer in zip(act.versions, act.versions[1:], strict=False):
            older.valid_to = newer.valid_from
            older.expired = True
        act.title = act.versions[-1].title
    _close_repealed(corpus)
    return corpus


def _dates(
    version: Version, row: dict[str, str], index_file: str, row_no: int, problems: list[Problem]
) -> None:
    """Publication and effective dates of the text the file is.

    ``publish``: the latest of the history's last adoption or amendment, the index's
    ``publish`` and the file name's date — a file may hold a text as amended by a decree
    its history lines do not name (快递暂行条例(2019-03-02).md says only 「2018年3月2日
    …公布」), and the index is sometimes stale (a later amendment listed with the
    previous one's dates: its ``valid_from`` is then not taken). ``valid_from``: the
    index's where given (not before ``publish``); else the text's 施行 date where that is
    not before ``publish`` (an amendment keeps the original's closing article); else
    ``publish`` (an amendment by decree takes effect on publication unless the text says
    otherwise). ``dated_by`` records which (:data:`DATED_BY`)."""
    rel = version.files[0]
    listed_publish = (row.get("publish") or "").strip() or None
    listed_from = (row.get("valid_from") or "").strip() or None
    text_publish = version.publish
    if listed_publish and text_publish and _days(listed_publish, text_publish) > 31:
        problems.append(
            _warn(
                index_file,
                row_no,
                f"索引的公布日期 {listed_publish} 早于文本最后一次修改 {text_publish}："
                f"按文本取 {text_publish} (the index's date is older than the text's history)",
                "更正 index.csv 的 publish 与 valid_from",
                "law-index-date",
            )
        )
        listed_from = None
    publish = max((d for d in (text_publish, listed_publish, _file_date(rel)) if d), default=None)
    version.publish = publish
    if listed_from and (publish is None or listed_from >= publish):
        version.valid_from, version.dated_by = listed_from, "index"
    elif not version.valid_from or (publish and version.valid_from < publish):
        version.valid_from, version.dated_by = publish, "publish"


def _days(a: str, b: str) -> int:
    """Days from ``a`` to ``b`` (ISO dates)."""
    return (dt.date.fromisoformat(b) - dt.date.fromisoformat(a)).days


def _same_text(a: Version, b: Version) -> bool:
    return len(a.articles) == len(b.articles) and [x.text for x in a.articles[:3]] == [
        x.text for x in b.articles[:3]
    ]


def _whole_act_title(name: str, folder: str, title: str) -> str:
    """The act a file belongs to: a book of the Civil Code (民法典·总则) is part of 民法典."""
    if "·" in name:
        return "中华人民共和国" + name.split("·", 1)[0] if folder == name.split("·", 1)[0] else name
    return title or name


def _file_date(rel: str) -> str | None:
    m = _FILE_DATE.search(rel)
    return m.group(1) if m else None


def _joined(parts: list[Version]) -> Version:
    """Several files of one version (the books of the Civil Code), in article order."""
    parts = sorted(parts, key=lambda v: v.articles[0].number if v.articles else 0)
    first = parts[0]
    first.files = tuple(f for v in parts for f in v.files)
    first.articles = tuple(a for v in parts for a in v.articles)
    first.history = tuple(dict.fromkeys(h for v in parts for h in v.history))
    first._by_key.clear()
    return first


def _close_repealed(corpus: Corpus) -> None:
    """Close an expired last version on the date a later act says it is repealed."""
    open_expired = {
        act.id: act.versions[-1]
        for act in corpus.acts.values()
        if act.versions[-1].expired and act.versions[-1].valid_to is None
    }
    if not open_expired:
        return
    for act in corpus.acts.values():
        for version in act.versions:
            for art in _closing_articles(version):
                for m in _REPEAL.finditer(art.text):
                    target = open_expired.get(act_id(m.group(1)))
                    if target is None or target.act == act.id or not version.valid_from:
                        continue
                    if target.valid_from and version.valid_from <= target.valid_from:
                        continue
                    if target.valid_to is None or version.valid_from < target.valid_to:
                        target.valid_to = version.valid_from
                        target.repealed_by = act.id


def _closing_articles(version: Version) -> Iterable[Article]:
    """The last articles of a text, where 施行 and 废止 are said."""
    return version.articles[-3:]


@functools.cache
def packaged_corpus() -> Corpus:
    """The corpus the package ships (:data:`PACKAGED_CORPUS`), read once per process (~1 s)."""
    return read_corpus(PACKAGED_CORPUS)
