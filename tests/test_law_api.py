"""The law over GraphQL: law, laws (filters), versions, articles and their text, the duties
resting on an article or a basis — "which duties rest on 食品安全法 第一百一十条?" in one query —
and the article text in every answer's evidence."""

from __future__ import annotations

from dutygraph.importer import load
from dutygraph.lawbook import packaged_lawbook

from .published_lists import power_list_xlsx
from .test_api import data


def test_which_duties_rest_on_article_110_is_one_query(demo_store, tmp_path):
    load(demo_store, [power_list_xlsx(tmp_path / "power.xlsx")])
    g = demo_store.graph()
    law = g.law("食品安全法")
    expected = sorted(
        {
            (d.department, d.item)
            for b in g.bases.values()
            if b.law == law.id and (b.article or "").startswith("第一百一十条")
            for d in g.duties_resting_on(b.id)
        }
    )
    assert len(expected) >= 2  # the power list's rows 4 and 5 cite it
    out = data(
        demo_store,
        '{ law(title: "《中华人民共和国食品安全法》") { key versions { validFrom } '
        'article(number: "第一百一十条", asOf: "2025-06-01") { name text(limit: 20) '
        'paragraphs version { key } duties(asOf: "2025-06-01") { department { key } item { key } } } } }',
    )["law"]
    book = packaged_lawbook()
    article = book.article(book.versions_of(law.id)[-1].id, "110")
    assert out["key"] == law.id
    assert [v["validFrom"] for v in out["versions"]] == [
        v.valid_from for v in book.versions_of(law.id)
    ]
    a = out["article"]
    assert a["name"] == "第一百一十条" and a["paragraphs"] == list(article.paragraphs)
    assert a["text"] == article.text[:20] + "…" and a["version"]["key"] == article.version
    got = sorted({(d["department"]["key"], d["item"]["key"]) for d in a["duties"]})
    assert got == expected


def test_laws_filter_by_level_in_force_and_title(demo_store):
    book = packaged_lawbook()
    laws = list(book.laws.values())
    q = (
        "query($level: String, $inForce: Boolean, $title: String) {"
        ' laws(level: $level, inForce: $inForce, title: $title, asOf: "2025-06-01", first: 500)'
        ' { totalCount nodes { title level inForce(asOf: "2025-06-01") } } }'
    )
    national = data(demo_store, q, {"level": "法律"})["laws"]
    assert national["totalCount"] == sum(x.level == "法律" for x in laws)
    assert {n["level"] for n in national["nodes"]} == {"法律"}
    gone = data(demo_store, q, {"inForce": False})["laws"]
    assert gone["totalCount"] == sum(not x.in_force("2025-06-01") for x in laws) > 0
    assert not any(n["inForce"] for n in gone["nodes"])
    noise = data(demo_store, q, {"title": "噪声"})["laws"]
    assert {n["title"] for n in noise["nodes"]} == {x.title for x in laws if "噪声" in x.title}


def test_legal_basis_duties_and_the_evidence_quote_the_article(demo_store):
    g = demo_store.graph()
    out = data(
        demo_store,
        '{ whoLeads(item: "I-FOOD", region: "510104", asOf: "2025-06-01") { answers { evidence {'
        " bases { key text note law { title } lawVersion { validFrom }"
        " provisions { label text truncated inForce article { name ref } }"
        " basis { duties { department { key } } } } } } } }",
    )
    bases = {b["key"]: b for e in out["whoLeads"]["answers"][0]["evidence"] for b in e["bases"]}
    fsl = bases["B-FSL-6"]
    article = g.article(g.law("食品安全法").id, "第六条", "2025-06-01")
    assert fsl["law"]["title"] == "中华人民共和国食品安全法"
    assert fsl["lawVersion"]["validFrom"] == "2021-04-29"
    (p,) = fsl["provisions"]
    assert p["article"]["name"] == "第六条" and p["truncated"]
    assert p["text"] == article.text[:120] + "…" == fsl["text"]
    assert sorted(d["department"]["key"] for d in fsl["basis"]["duties"]) == sorted(
        d.department for d in g.duties_resting_on("B-FSL-6")
    )
    assert bases["B-SC-LIST"]["provisions"] == [] and bases["B-SC-LIST"]["law"] is None
