"""A zipped bundle folder as ``loadBundle(file:)`` (#22): checked whole before extracting.

Over a real uvicorn server (the multipart upload a client sends) and on
:func:`dutygraph.io.archive.extract_bundle` itself: a good archive imports;
a path out of the folder, a link, a zip bomb, an archive too large or with
too many members is refused naming the archive and the member, with nothing
extracted and the store unchanged.
"""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path

import pytest

pytest.importorskip("strawberry", reason="the API needs the api extra (strawberry-graphql)")
pytest.importorskip("httpx", reason="the HTTP tests need httpx (the test extra)")
pytest.importorskip("uvicorn", reason="the HTTP tests need uvicorn (the api extra)")

from dutygraph import config
from dutygraph.errors import LoadError
from dutygraph.io.archive import MAX_MEMBERS, extract_bundle
from dutygraph.store import EmbeddedStore

from .conftest import ACCEPTANCE
from .test_server_limits import demo, gql, served, upload  # noqa: F401

LEAD = (
    '{ whoLeads(item: "I-FOOD", region: "330106", asOf: "2025-06-01") '
    "{ answers { department { key } } } }"
)


def zipped(members: dict[str, bytes], links: dict[str, str] | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
        for name, target in (links or {}).items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zf.writestr(info, target)
    return buf.getvalue()


def bundle_members(top: str = "scenario_zj") -> dict[str, bytes]:
    return {f"{top}/{p.name}": p.read_bytes() for p in sorted(ACCEPTANCE.glob("*.csv"))}


def test_a_loader_uploads_a_zipped_bundle_folder_and_reads_it_at_once(
    demo: EmbeddedStore,  # noqa: F811
    tmp_path: Path,
) -> None:
    archive = tmp_path / "scenario.zip"
    archive.write_bytes(zipped(bundle_members()))
    with served(demo) as url:
        r = upload(url, archive, "../浙江 scenario.zip")
        after = gql(url, LEAD).json()
    out = r.json()
    assert r.status_code == 200 and "errors" not in out, out
    report = out["data"]["loadBundle"]
    assert report["sources"] == ["浙江 scenario.zip/scenario_zj"]  # no temp folder, no ../
    assert {a["kind"]: a["count"] for a in report["added"]}["duty"] > 0
    assert after["data"]["whoLeads"]["answers"] == [{"department": {"key": "ZX-SCJ"}}]


BOMB = b"\x00" * (8 << 20)  # 8 MiB of zeros: deflates about 1000:1


@pytest.mark.parametrize(
    ("members", "links", "says", "member"),
    [
        (
            {"b/regions.csv": b"code\n", "../escape.csv": b"x"},
            {},
            "路径不在文件夹内",
            "../escape.csv",
        ),
        (
            {"b/regions.csv": b"code\n", "/etc/cron.d/x": b"x"},
            {},
            "路径不在文件夹内",
            "/etc/cron.d/x",
        ),
        (
            {"b/a.csv": b"code\n", "b\\..\\..\\x.csv": b"x"},
            {},
            "路径不在文件夹内",
            "b\\..\\..\\x.csv",
        ),
        ({"b/a.csv": b"code\n"}, {"b/duties.csv": "/etc/passwd"}, "符号链接", "b/duties.csv"),
        ({"b/a.csv": b"code\n", "b/bomb.csv": BOMB}, {}, "压缩比", "b/bomb.csv"),
    ],
    ids=["dot-dot", "absolute", "backslashes", "symlink", "bomb"],
)
def test_a_hostile_archive_is_refused_unextracted_naming_the_member(
    tmp_path: Path, members: dict[str, bytes], links: dict[str, str], says: str, member: str
) -> None:
    into = tmp_path / "into"
    with pytest.raises(LoadError) as caught:
        extract_bundle(zipped(members, links), "权责.zip", into)
    message = str(caught.value)
    assert message.startswith("权责.zip: ") and says in message and repr(member)[1:-1] in message, (
        message
    )
    assert not into.exists()  # checked whole before a byte was written
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_an_archive_over_the_size_limit_or_with_too_many_members_is_refused(
    tmp_path: Path,
) -> None:
    small = config.Settings().replace(max_xlsx_bytes=1000)
    with pytest.raises(LoadError, match="max_xlsx_bytes = 1,000"):
        extract_bundle(
            zipped({"b/a.csv": b"x" * 600, "b/c.csv": b"y" * 600}), "a.zip", tmp_path / "a", small
        )
    many = {f"b/{n}.csv": b"" for n in range(MAX_MEMBERS + 1)}
    with pytest.raises(LoadError, match="1,001 个成员"):
        extract_bundle(zipped(many), "m.zip", tmp_path / "m")
    assert sorted(tmp_path.iterdir()) == []


def test_a_hostile_upload_leaves_the_store_as_it_was(
    demo: EmbeddedStore,  # noqa: F811
    tmp_path: Path,
) -> None:
    archive = tmp_path / "evil.zip"
    archive.write_bytes(zipped(bundle_members("b"), {"b/notes.csv": "/etc/passwd"}))
    stamp = demo.stamp()
    with served(demo) as url:
        r = upload(url, archive, "evil.zip")
    message = r.json()["errors"][0]["message"]
    assert "evil.zip" in message and "b/notes.csv" in message, message
    assert "dutygraph-upload-" not in message
    assert demo.stamp() == stamp
