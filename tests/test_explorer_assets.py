"""The offline GraphiQL explorer: vendored assets match strawberry's template byte for byte."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest

pytest.importorskip("strawberry", reason="the explorer needs the api extra (strawberry-graphql)")

import strawberry.http.ides as ides
from strawberry.http.ides import get_graphql_ide_html

from dutygraph.api.explorer import (
    ASSETS,
    Asset,
    ExplorerAssetsError,
    explorer_html,
    static_files,
)

# The versions vendored under static/vendor. If an upgraded strawberry names others,
# these tests fail: re-run scripts/vendor-explorer.sh with the new versions.
VERSIONS = {
    "react": "18.2.0",
    "react-dom": "18.2.0",
    "js-cookie": "3.0.5",
    "graphiql": "3.8.3",
    "@graphiql/plugin-explorer": "1.0.2",
}
TEMPLATE_ASSET = re.compile(
    r"""(?:src|href)="(https://[^"]+)"\s+integrity="(sha384-[A-Za-z0-9+/=]+)\"""",
)


def sha384(data: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def template_assets() -> dict[str, str]:
    """URL -> integrity for every remote file strawberry's GraphiQL page loads."""
    return dict(TEMPLATE_ASSET.findall(get_graphql_ide_html("graphiql")))


def test_template_loads_exactly_the_vendored_versions() -> None:
    found = template_assets()
    assert sorted(found) == sorted(a.cdn_url for a in ASSETS)
    assert {(a.package, a.version) for a in ASSETS} == set(VERSIONS.items())
    remote = re.findall(r"https://[^\s\"'<>]+", get_graphql_ide_html("graphiql"))
    assert sorted(remote) == sorted(found), "the template loads a remote file we do not vendor"


@pytest.mark.parametrize("asset", ASSETS, ids=lambda a: a.local_path)
def test_vendored_file_matches_template_integrity(asset: Asset) -> None:
    path = static_files() / asset.local_path
    assert path.is_file(), f"{path} missing: run scripts/vendor-explorer.sh"
    assert sha384(path.read_bytes()) == asset.integrity == template_assets()[asset.cdn_url]


@pytest.mark.parametrize("package", sorted(VERSIONS))
def test_every_vendored_package_keeps_its_licence(package: str) -> None:
    licence = static_files() / "vendor" / package / "LICENSE"
    assert licence.is_file()
    text = licence.read_text(encoding="utf-8")
    assert "MIT License" in text or "The MIT License" in text
    assert "Permission is hereby granted, free of charge" in text


def test_vendor_readme_names_every_version() -> None:
    readme = (static_files() / "vendor" / "README.md").read_text(encoding="utf-8")
    for package, version in VERSIONS.items():
        assert f"{package}@{version}" in readme


def _urls_outside_comments(html: str) -> list[str]:
    html = re.sub(r"<!--.*?-->", "", html, flags=re.DOTALL)
    html = re.sub(r"""xmlns=(?:%22|")http://www\.w3\.org/2000/svg""", "", html)
    return re.findall(r"https?://[^\s\"'<>`]+", html)


def test_explorer_html_is_offline_and_references_each_local_file() -> None:
    html = explorer_html(static_prefix="/static")
    assert _urls_outside_comments(html) == []
    assert "unpkg" not in html
    for asset in ASSETS:
        assert f'"/static/{asset.local_path}"' in html
        assert f'integrity="{asset.integrity}"' in html  # same bytes: integrity still checked


def test_static_prefix_may_be_absolute_or_end_with_a_slash() -> None:
    assert '"/assets/vendor/react/umd/react.production.min.js"' in explorer_html(
        static_prefix="/assets/"
    )
    html = explorer_html(static_prefix="https://intranet.example/static")
    assert '"https://intranet.example/static/vendor/graphiql/graphiql.min.js"' in html


def test_saved_queries_become_links_the_page_reads() -> None:
    html = explorer_html(
        saved_queries=[
            {
                "name": "who_leads",
                "title": "谁牵头 <食品>",
                "query": 'query W($r: String!) { whoLeads(region: $r, item: "食品") }',
                "variables": {"r": "锦江区"},
            },
            {"name": "hello", "title": "Hello", "query": "{ hello }", "variables": None},
        ]
    )
    assert "谁牵头 &lt;食品&gt;" in html
    assert 'href="?q=%7B%20hello%20%7D"' in html  # %20, not "+": the page uses decodeURIComponent
    assert "?q=query%20W%28%24r%3A%20String%21%29" in html
    assert "&amp;variables=%7B%0A%20%20%22r%22%3A%20%22%E9%94%A6%E6%B1%9F%E5%8C%BA%22%0A%7D" in html
    assert _urls_outside_comments(html) == []


def test_saved_query_without_a_query_is_rejected() -> None:
    with pytest.raises(ValueError, match="query"):
        explorer_html(saved_queries=[{"name": "x", "title": "X"}])


def test_default_query_replaces_the_welcome_text_safely() -> None:
    html = explorer_html(default_query="{ hello }\n# </script><script>alert(1)</script>")
    assert "Welcome to GraphiQL" not in html
    assert 'const EXAMPLE_QUERY = "{ hello }\\n# <\\/script><script>alert(1)<\\/script>";' in html


def test_a_template_naming_other_versions_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    import dutygraph.api.explorer as explorer

    upgraded = get_graphql_ide_html("graphiql").replace("graphiql@3.8.3", "graphiql@3.9.0")
    # explorer_html imports strawberry's template when called (not on serve's path to listen)
    monkeypatch.setattr(ides, "get_graphql_ide_html", lambda _ide="graphiql": upgraded)
    with pytest.raises(ExplorerAssetsError, match=re.escape("graphiql@3.8.3")):
        explorer.explorer_html()


def test_a_template_loading_an_extra_remote_file_fails_loudly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import dutygraph.api.explorer as explorer

    extra = get_graphql_ide_html("graphiql").replace(
        "</head>", '<script src="https://cdn.example/x.js"></script></head>'
    )
    monkeypatch.setattr(ides, "get_graphql_ide_html", lambda _ide="graphiql": extra)
    with pytest.raises(ExplorerAssetsError, match=r"https://cdn\.example/x\.js"):
        explorer.explorer_html()
