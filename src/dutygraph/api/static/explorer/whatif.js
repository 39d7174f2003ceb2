/* dutygraph explorer: the what-if (情景推演) page. The region tree of gaps drawn twice,
   before and after the scenario, each region with its changes; a click lists them.
   Reads POST /explorer/whatif (JSON: the scenario file as base64, or an example). */
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var KIND = { lead: "牵头", assist: "协办", gap_new: "新增空白", gap_resolved: "消除空白",
    conflict_new: "新增冲突", conflict_resolved: "消除冲突", inspection: "重复检查", dispute: "争议" };
  var chosen = null;  /* {filename, content} of the file picked */

  var common = window.dutygraphCommon;
  var esc = common.esc, el = common.el, status = common.status;
  function busy(on) { $("result").setAttribute("aria-busy", on ? "true" : "false"); }
  function heat(n, max) {
    if (!n) return "#f1f4f7";
    var t = Math.min(1, n / Math.max(1, max));
    return "hsl(12, 80%, " + Math.round(92 - 42 * t) + "%)";
  }

  function draw(out) {
    var regions = out.regions, parent = {};
    regions.forEach(function (r) { parent[r.code] = r.parent; });
    function totals(own) {
      var t = {};
      regions.forEach(function (r) { t[r.code] = 0; });
      regions.forEach(function (r) { for (var c = r.code; c != null && c in t; c = parent[c]) t[c] += own[r.code] || 0; });
      return t;
    }
    var changed = {};
    regions.forEach(function (r) { changed[r.code] = (out.changes[r.code] || []).length; });
    var sides = { before: totals(out.before), after: totals(out.after) }, moved = totals(changed);
    var max = 0;
    regions.forEach(function (r) { max = Math.max(max, sides.before[r.code], sides.after[r.code]); });
    [["before", "推演前"], ["after", "推演后"]].forEach(function (side) {
      var tree = $("tree-" + side[0]);
      tree.innerHTML = "";
      tree.appendChild(el("h2", {}, side[1] + "：监管空白（" + esc(out.as_of) + "；颜色越深，空白越多；括号内为本级）"));
      regions.forEach(function (r) {
        var n = sides[side[0]][r.code];
        var b = el("button", { type: "button", class: "tree-node", "data-code": r.code, "data-side": side[0],
          "data-count": String(n), "aria-pressed": "false",
          style: "margin-left:" + (r.depth * 18) + "px;width:calc(100% - " + (r.depth * 18) + "px);background:" + heat(n, max) },
          "<span>" + esc(r.name) + " <small>" + esc(r.code) + "</small>" +
          (moved[r.code] ? '<span class="delta">变动 ' + moved[r.code] + "</span>" : "") + "</span>" +
          '<span class="count">' + n + " <small>(" + (out[side[0]][r.code] || 0) + ")</small></span>");
        b.addEventListener("click", function () { drill(r.code); });
        tree.appendChild(b);
      });
    });
    function below(code, c) { for (; c != null; c = parent[c]) if (c === code) return true; return false; }
    function drill(code) {
      document.querySelectorAll(".whatif-tree .tree-node").forEach(function (b) {
        b.setAttribute("aria-pressed", b.dataset.code === code ? "true" : "false");
      });
      var rows = [];
      regions.forEach(function (r) { if (below(code, r.code)) (out.changes[r.code] || []).forEach(function (x) { rows.push([r, x]); }); });
      var name = regions.filter(function (r) { return r.code === code; })[0];
      var w = $("words");
      w.innerHTML = "<h2>" + esc(name ? name.name + " (" + code + ")" : code) + " 及下级：" + rows.length + " 项变动 <small>" +
        esc(out.scenario.title) + "</small></h2>" +
        "<p>空白 " + sides.before[code] + " → " + sides.after[code] + "；待修订清单行 " + out.lists + " 行（全部地区）。</p>";
      var list = el("div", { id: "rows" });
      rows.forEach(function (pair) {
        var x = pair[1];
        var why = (x.row.why || []).map(function (s) { return "<li>" + esc(s) + "</li>"; }).join("");
        list.appendChild(el("div", { class: "row", tabindex: "0", "data-kind": x.kind, "data-region": pair[0].code },
          '<span class="kind">' + esc(KIND[x.kind] || x.kind) + "</span>" + esc(pair[0].name) + " (" + esc(pair[0].code) + ")：" + esc(x.text) +
          (why ? "<details><summary>原因</summary><ul>" + why + "</ul></details>" : "")));
      });
      w.appendChild(list);
      status(out.scenario.title + "：" + (name ? name.name : code) + " 及下级 " + rows.length + " 项变动。");
    }
    drill(regions.length ? regions[0].code : null);
  }

  function run() {
    var body = { region: $("region").value.trim(), as_of: $("as_of").value };
    if ($("example").value) body.example = $("example").value;
    else if (chosen) { body.filename = chosen.filename; body.content = chosen.content; }
    else { status("请先选择情景文件或示例。", true); return; }
    status("推演中…（在内存副本上计算，不写入存储）");
    busy(true);
    fetch("/explorer/whatif", { method: "POST", headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body) }).then(function (r) {
      return r.json().then(function (out) {
        if (!r.ok) {
          var err = new Error(out.error || ("HTTP " + r.status)); err.problems = out.problems || []; throw err;
        }
        return out;
      });
    }).then(function (out) {
      draw(out);
      if (history.replaceState) {
        var q = new URLSearchParams();
        if (body.example) q.set("example", body.example);
        if (body.region) q.set("region", body.region);
        if (body.as_of) q.set("as_of", body.as_of);
        history.replaceState(null, "", "/explorer/whatif?" + q.toString());
      }
    }).catch(function (e) {
      $("tree-before").innerHTML = ""; $("tree-after").innerHTML = "";
      var w = $("words");
      w.innerHTML = "<h2>情景有误，未做推演</h2>";
      var ul = el("ul", { id: "problems" });
      (e.problems || []).forEach(function (p) {
        ul.appendChild(el("li", {}, esc(p.file) + (p.sheet ? "，工作表 " + esc(p.sheet) : "") + (p.row != null ? "，第 " + p.row + " 行" : "") +
          (p.column ? "，列 " + esc(p.column) : "") + "：" + esc(p.message) + (p.fix ? "（" + esc(p.fix) + "）" : "")));
      });
      w.appendChild(ul);
      status("推演失败：" + (e.problems && e.problems.length ? e.problems.length + " 处错误，见右侧" : e.message), true);
    }).then(function () { busy(false); });
  }

  JSON.parse($("examples").textContent || "[]").forEach(function (name) {
    $("example").appendChild(el("option", { value: name }, esc(name)));
  });
  $("file").addEventListener("change", function () {
    var f = $("file").files[0];
    chosen = null;
    if (!f) return;
    var reader = new FileReader();
    reader.onload = function () {
      var bytes = new Uint8Array(reader.result), text = "";
      for (var i = 0; i < bytes.length; i += 8192) text += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192));
      chosen = { filename: f.name, content: btoa(text) };
      $("example").value = "";
      status("已选择 " + f.name + "，点“推演”。");
    };
    reader.readAsArrayBuffer(f);
  });
  $("scenario-form").addEventListener("submit", function (ev) { ev.preventDefault(); run(); });
  var p = new URLSearchParams(location.search);
  if (p.get("region")) $("region").value = p.get("region");
  if (p.get("as_of")) $("as_of").value = p.get("as_of");
  if (p.get("example")) { $("example").value = p.get("example"); run(); }
})();
