"""The GraphQL schema on the demo data: answers, links, pagination, errors, limits, batching."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Sequence
from typing import Any

import pytest

pytest.importorskip("strawberry", reason="the API needs the api extra (strawberry-graphql)")

from dutygraph.analysis.assign import assign_business_form
from dutygraph.analysis.conflicts import find_conflicts
from dutygraph.analysis.gaps import find_gaps
from dutygraph.analysis.resolve import who_leads
from dutygraph.api.context import make_context
from dutygraph.api.loaders import GraphAccess
from dutygraph.api.saved import load_saved
from dutygraph.api.schema import build_schema, sdl
from dutygraph.cli.assign import assignment_dict
from dutygraph.serialize import resolution_dict
from dutygraph.store import Store

from .conftest import ROOT

SCHEMA = build_schema()


class CountingAccess(GraphAccess):
    """The batched accessor, recording every call it gets: (kind, number of keys)."""

    def __init__(self, graph: Any) -> None:
        super().__init__(graph)
        self.log: list[tuple[str, int]] = []

    def _call(self, kind: str, keys: Sequence[Any]) -> None:
        super()._call(kind, keys)
        self.log.append((kind, len(keys)))


class CountingStore:
    """A store that counts the views it hands out (``graph()`` or ``reader()``) and
    otherwise passes through."""

    def __init__(self, inner: Store) -> None:
        self.inner = inner
        self.url = inner.url
        self.capabilities = inner.capabilities
        self.graph_calls = 0

    def graph(self) -> Any:
        self.graph_calls += 1
        return self.inner.graph()

    def reader(self) -> Any:
        self.graph_calls += 1
        return self.inner.reader()

    def stamp(self) -> Any:
        return self.inner.stamp()

    def write(self, plan: Any) -> Any:
        return self.inner.write(plan)

    def history(self) -> Any:
        return self.inner.history()

    def close(self) -> None:
        self.inner.close()


def ask(
    store: Any,
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    schema: Any = SCHEMA,
    access: Any = GraphAccess,
    role: str | None = None,
) -> tuple[Any, Any]:
    """Run one operation on a fresh context; returns (result, context)."""

    async def run() -> tuple[Any, Any]:
        ctx = make_context(store, role=role, access=access)
        return await schema.execute(query, variable_values=variables, context_value=ctx), ctx

    return asyncio.run(run())


def data(store: Any, query: str, variables: dict[str, Any] | None = None) -> Any:
    result, _ = ask(store, query, variables)
    assert result.errors is None, result.errors
    return result.data


def messages(result: Any) -> list[str]:
    return [e.message for e in result.errors or ()]


# -- the saved example operations -------------------------------------------------


SAVED = load_saved(ROOT / "queries")


def test_every_saved_query_has_a_title_and_demo_variables() -> None:
    files = sorted(p.stem for p in (ROOT / "queries").glob("*.graphql"))
    assert [q.name for q in SAVED] == files and len(files) >= 6
    for q in SAVED:
        assert q.title, q.name
        assert q.variables, f"{q.name}: give '# variables:' on the demo data"


@pytest.mark.parametrize("saved", SAVED, ids=lambda q: q.name)
def test_saved_query_validates_and_runs_on_the_demo_data(demo_store: Store, saved: Any) -> None:
    from graphql import parse, validate

    assert validate(SCHEMA._schema, parse(saved.query)) == []
    result, _ = ask(demo_store, saved.query, saved.variables)
    assert result.errors is None, result.errors
    assert result.data and all(v is not None for v in result.data.values())
    # the explorer's opening text: the same operation with the values written in runs as is
    again, _ = ask(demo_store, saved.with_defaults())
    assert again.errors is None and again.data == result.data


def test_saved_who_leads_names_the_lead_department(demo_store: Store) -> None:
    q = next(q for q in SAVED if "whoLeads" in q.query)
    out = data(demo_store, q.query, q.variables)["whoLeads"]
    assert [a["department"]["name"] for a in out["answers"]] == ["锦江区市场监督管理局"]


# -- the SDL snapshot -------------------------------------------------------------


def test_schema_graphql_is_the_exported_sdl() -> None:
    committed = (ROOT / "schema.graphql").read_text(encoding="utf-8")
    assert committed == sdl(), (
        "schema.graphql differs from the schema the code builds; if the change is meant, "
        "refresh it with: dutygraph schema --output schema.graphql"
    )


def test_schema_has_the_root_fields_of_the_spec() -> None:
    text = sdl()
    for field in (
        "whoLeads(",
        "whoAssists(",
        "gaps(",
        "conflicts(",
        "assignBusinessForm(",
        "item(",
        "items(",
        "department(",
        "departments(",
        "region(",
        "regions(",
        "disputes(",
        "loadBundle(",
    ):
        assert f"  {field}" in text, field


# -- the same answers as the CLI's JSON -------------------------------------------


def test_who_leads_matches_the_cli_json_field_for_field(demo_store: Store) -> None:
    g = demo_store.graph()
    want = resolution_dict(g, who_leads(g, "I-ECIG", "510104", "2025-01-01"))
    got = data(
        demo_store,
        """{ whoLeads(item: "I-ECIG", region: "510104", asOf: "2025-01-01") {
              item { key name domain powerType objects levels } region { code name level }
              role asOf sourceRegion { code } path { regions { code } items { key } }
              answers { department { key name systems vertical } inherited via lines
                        replaces { key }
                        evidence { department { key } item { key } region { code } role line
                                   validFrom validTo source origin { file row }
                                   bases { key title kind article inForce } } }
              findings { kind detail line } } }""",
    )["whoLeads"]
    assert got["item"]["key"] == want["item"]["id"] and got["region"]["code"] == "510104"
    assert got["asOf"] == want["as_of"] and got["role"] == want["role"].upper() == "LEAD"
    assert got["sourceRegion"]["code"] == want["source_region"]
    assert [r["code"] for r in got["path"]["regions"]] == want["path"]["regions"]
    assert len(got["answers"]) == len(want["answers"]) == 1
    g_ans, w_ans = got["answers"][0], want["answers"][0]
    assert g_ans["department"]["key"] == w_ans["department"]["id"] == "CD-YC"
    assert (g_ans["inherited"], g_ans["via"], g_ans["lines"]) == (
        w_ans["inherited"],
        w_ans["via"],
        w_ans["lines"],
    )
    for ge, we in zip(g_ans["evidence"], w_ans["evidence"], strict=True):
        assert ge["department"]["key"] == we["department"]
        assert (ge["role"], ge["source"], ge["validFrom"]) == (
            we["role"].upper(),
            we["source"],
            we["valid_from"],
        )
        assert ge["origin"]["file"] == we["origin"]["file"]
        assert [b["key"] for b in ge["bases"]] == [b["id"] for b in we["bases"]]
        assert [b["inForce"] for b in ge["bases"]] == [b["in_force"] for b in we["bases"]]


def test_gaps_and_conflicts_match_the_analysis(demo_store: Store) -> None:
    g = demo_store.graph()
    got = data(
        demo_store,
        """{ gaps(asOf: "2025-01-01", first: 500) { totalCount nodes { item { key } region { code } kind } }
             conflicts(asOf: "2025-01-01") { nodes { item { key } region { code } kind departments { key } } } }""",
    )
    want_gaps = [(x.item, x.region, x.kind) for x in find_gaps(g, as_of="2025-01-01")]
    assert got["gaps"]["totalCount"] == len(want_gaps) > 0
    assert [
        (n["item"]["key"], n["region"]["code"], n["kind"]) for n in got["gaps"]["nodes"]
    ] == want_gaps
    want_c = [
        (c.item, c.region, c.kind, c.departments) for c in find_conflicts(g, as_of="2025-01-01")
    ]
    assert [
        (n["item"]["key"], n["region"]["code"], n["kind"], [d["key"] for d in n["departments"]])
        for n in got["conflicts"]["nodes"]
    ] == want_c


def test_gap_kinds_filter(demo_store: Store) -> None:
    out = data(
        demo_store,
        '{ gaps(region: "武侯区", asOf: "2025-01-01", kinds: [NO_LEAD]) { nodes { kind item { key } } } }',
    )
    assert out["gaps"]["nodes"] == [{"kind": "NO_LEAD", "item": {"key": "I-OIL"}}]


def test_assign_matches_the_cli(demo_store: Store) -> None:
    g = demo_store.graph()
    want = assignment_dict(
        assign_business_form(g, "密室逃脱", "沉浸式密室解谜娱乐场所", (), "510104", "2025-01-01")
    )
    got = data(
        demo_store,
        """{ assignBusinessForm(input: {name: "密室逃脱", description: "沉浸式密室解谜娱乐场所",
                                        region: "510104", asOf: "2025-01-01"}) {
              candidates { department { key } score reasons } assists { department { key } } } }""",
    )["assignBusinessForm"]
    assert [(c["department"]["key"], c["score"], c["reasons"]) for c in got["candidates"]] == [
        (c["department"]["id"], c["score"], c["reasons"]) for c in want["candidates"]
    ]
    assert got["candidates"][0]["department"]["key"] == "JJ-WTL"
    assert [a["department"]["key"] for a in got["assists"]] == [
        a["department"]["id"] for a in want["assists"]
    ]


# -- nodes link to each other ------------------------------------------------------


def test_item_links_to_duties_departments_regions_and_bases(demo_store: Store) -> None:
    out = data(
        demo_store,
        """{ item(id: "I-FOOD-SALE") { name parent { key children { key } }
               duties(asOf: "2025-06-01", role: LEAD) { totalCount nodes {
                 department { key region { code parent { code } } successor { key } }
                 bases { key inForce(asOf: "2025-06-01") } } } } }""",
    )["item"]
    assert out["parent"]["key"] == "I-FOOD"
    assert {"key": "I-FOOD-SALE"} in out["parent"]["children"]
    assert out["duties"]["totalCount"] >= 1
    for n in out["duties"]["nodes"]:
        assert n["department"]["region"]["code"]
        assert n["bases"], "every lead duty of the demo has a basis"


def test_region_and_department_browse(demo_store: Store) -> None:
    out = data(
        demo_store,
        """{ region(code: "510104000000") { name path { code } parent { name }
               departments(asOf: "2025-06-01", line: "commerce") { key } }
             department(id: "锦江区市场监督管理局") { key region { name } superior { key } } }""",
    )
    assert out["region"]["name"] == "锦江区"
    assert [r["code"] for r in out["region"]["path"]] == ["510104", "510100", "510000", "000000"]
    assert out["department"]["key"] == "JJ-SCJ" and out["department"]["region"]["name"] == "锦江区"


# -- connections and filters --------------------------------------------------------


def test_items_pagination_walks_every_item_once(demo_store: Store) -> None:
    q = "query($after: String) { items(first: 4, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { key } } }"
    seen: list[str] = []
    after = None
    while True:
        page = data(demo_store, q, {"after": after})["items"]
        seen += [n["key"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == sorted(demo_store.graph().items) and page["totalCount"] == len(seen)


def test_list_filters(demo_store: Store) -> None:
    out = data(
        demo_store,
        """{ food: items(search: "食品", powerType: INSPECTION) { nodes { key } }
             sub: items(parent: "I-PREPAID") { totalCount }
             sc: departments(region: "510100", line: "market-regulation", asOf: "2025-06-01") { nodes { key } }
             leads: departments(region: "510104", role: LEAD, asOf: "2025-06-01") { totalCount }
             counties: regions(level: COUNTY, within: "510000") { nodes { code } } }""",
    )
    assert {n["key"] for n in out["food"]["nodes"]} == {"I-FOOD", "I-FOOD-SALE"}
    assert out["sub"]["totalCount"] == 2
    assert [n["key"] for n in out["sc"]["nodes"]] == ["CD-SCJ", "JJ-SCJ", "WH-SCJ"]
    assert [n["code"] for n in out["counties"]["nodes"]] == ["510104", "510107", "510781"]


# -- errors ------------------------------------------------------------------------


def test_unknown_item_or_region_is_a_clear_error(demo_store: Store) -> None:
    result, _ = ask(demo_store, '{ whoLeads(item: "I-NOPE", region: "510104") { role } }')
    assert messages(result) == [
        "no item with id or name 'I-NOPE'; give an id, a code or an exact name"
    ]
    result, _ = ask(demo_store, '{ region(code: "锦江") { name } }')
    assert "no region with id or name '锦江'; did you mean '锦江区'?" in messages(result)


def test_bad_arguments_say_how_to_fix_them(demo_store: Store) -> None:
    result, _ = ask(demo_store, "{ gaps(kinds: [NO_LEADS]) { totalCount } }")
    assert messages(result) == [
        "Value 'NO_LEADS' does not exist in 'GapKind' enum. Did you mean the enum value 'NO_LEAD'?"
    ]
    assert result.errors[0].extensions == {"code": "BAD_INPUT"}
    result, _ = ask(demo_store, '{ items(after: "garbage") { totalCount } }')
    assert "is not a cursor of this API" in messages(result)[0]
    result, _ = ask(demo_store, "{ items(first: 100000) { totalCount } }")
    assert "out of range" in messages(result)[0]
    result, _ = ask(
        demo_store, '{ whoLeads(item: "I-FOOD", region: "510104", asOf: "2025-13-01") { role } }'
    )
    assert result.errors and "2025-13-01" in messages(result)[0]


class BrokenAccess(GraphAccess):
    def departments(self, ids: Sequence[str]) -> Any:
        raise RuntimeError("secret internals /etc/passwd")


def test_unexpected_errors_are_masked(demo_store: Store) -> None:
    result, _ = ask(
        demo_store,
        '{ whoLeads(item: "I-FOOD", region: "510104") { answers { department { key } } } }',
        access=BrokenAccess,
    )
    assert result.errors
    assert all("secret" not in m for m in messages(result))
    assert messages(result)[0].startswith("unexpected internal error")


# -- limits ------------------------------------------------------------------------


def test_depth_limit(demo_store: Store) -> None:
    deep = '{ region(code: "510104") { ' + "parent { " * 14 + "code" + " }" * 14 + " } }"
    result, _ = ask(demo_store, deep)
    assert result.errors and "exceeds maximum operation depth" in messages(result)[0]


def test_alias_and_token_limits(demo_store: Store) -> None:
    many = "{ " + " ".join(f'a{i}: item(id: "I-FOOD") {{ key }}' for i in range(30)) + " }"
    result, _ = ask(demo_store, many)
    assert result.errors and "aliases" in messages(result)[0].lower()
    long = "{ items { nodes { " + " ".join(["id name"] * 2000) + " } } }"
    result, _ = ask(demo_store, long)
    assert result.errors and "token" in messages(result)[0].lower()


def test_cost_limit_counts_list_sizes_through_the_nesting(demo_store: Store) -> None:
    nested = """query($n: Int) { items(first: $n) { nodes { key
                  duties(first: $n, includeInactive: true) { nodes { key } } } } }"""
    # shallow, short, no aliases: only the cost can refuse it, and only for large pages
    ok, _ = ask(demo_store, nested, {"n": 20})
    assert ok.errors is None and ok.data["items"]["nodes"]
    refused, _ = ask(demo_store, nested, {"n": 500})
    assert refused.data is None and "the limit is 50000" in messages(refused)[0]
    assert refused.errors[0].extensions == {"code": "BAD_INPUT"}
    small = build_schema(max_cost=100)
    capped, _ = ask(demo_store, nested, {"n": 20}, schema=small)
    assert "the limit is 100" in messages(capped)[0]


# -- batching: no N+1 --------------------------------------------------------------


NESTED = """query($first: Int) { items(first: $first) { nodes { key
  duties(includeInactive: true) { nodes { department { name region { name parent { code } } }
                                          region { name } bases { title } } } } } }"""


def test_nested_lists_read_in_batches_not_per_node(demo_store: Store) -> None:
    calls = {}
    for first in (2, 50):
        result, ctx = ask(demo_store, NESTED, {"first": first}, access=CountingAccess)
        assert result.errors is None, result.errors
        calls[first] = ctx.access.log
    small, big = calls[2], calls[50]
    # one call per kind and level, however many items: duties, departments,
    # regions (of duties and of departments: one batch), bases, parent regions
    assert len(big) == len(small) <= 6, big
    assert Counter(k for k, _ in big) == Counter(k for k, _ in small)
    assert max(n for k, n in big if k == "departments") > 10  # really batched


def test_one_snapshot_per_request(demo_store: Store) -> None:
    counting = CountingStore(demo_store)
    result, _ = ask(counting, NESTED, {"first": 50})
    assert result.errors is None and counting.graph_calls == 1
