/* dutygraph explorer: the four questions, each answer drawn and told in words.
   Reads /explorer/* (JSON); the URL's query string holds the question. */
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var OPS = JSON.parse($("operations").textContent || "{}");
  var VIEWS = {
    lead: { title: "谁牵头", fields: ["item", "region", "as_of"] },
    assist: { title: "谁协办", fields: ["item", "region", "as_of"] },
    gaps: { title: "监管空白", fields: ["region", "as_of"] },
    conflicts: { title: "管辖冲突", fields: ["region", "as_of"] },
    assign: { title: "新业态归口", fields: ["name", "description", "region", "as_of"] },
    disputes: { title: "争议协调", fields: ["region", "as_of", "token", "by"] }
  };
  var SECRET = { token: true, by: true };  /* never in the URL */
  var VIA = { explicit: "清单直接列明", counterpart: "对口承接", vertical: "垂直管理" };
  var state = { view: "lead" };
  var cy = null;

  var common = window.dutygraphCommon;
  var esc = common.esc, el = common.el, status = common.status;
  function getJSON(path, params) {
    var q = new URLSearchParams();
    Object.keys(params).forEach(function (k) {
      if (params[k] !== "" && params[k] != null) q.set(k, params[k]);
    });
    var headers = { Accept: "application/json" };
    if (token()) headers.Authorization = "Bearer " + token();
    return fetch(path + "?" + q.toString(), { headers: headers }).then(function (r) {
      return r.json().then(function (body) {
        if (!r.ok) throw new Error(body.error || ("HTTP " + r.status));
        return body;
      });
    });
  }
  function nameOf(names, id) { return names && names[id] ? names[id] + " (" + id + ")" : id; }

  /* ---- pickers: search as you type, arrows + Enter, Escape closes ---- */
  function picker(input) {
    var list = $(input.getAttribute("aria-controls"));
    var items = [], active = -1, timer = null;
    function close() { list.classList.remove("open"); input.setAttribute("aria-expanded", "false"); active = -1; }
    function render() {
      list.innerHTML = "";
      items.forEach(function (it, i) {
        var li = el("li", { role: "option", id: list.id + "-" + i, "aria-selected": i === active ? "true" : "false" },
          esc(it.name) + " <small>" + esc(it.id) + (it.hint ? " · " + esc(it.hint) : "") + "</small>");
        li.addEventListener("mousedown", function (ev) { ev.preventDefault(); choose(i); });
        list.appendChild(li);
      });
      list.classList.toggle("open", items.length > 0);
      input.setAttribute("aria-expanded", items.length ? "true" : "false");
      if (active >= 0) input.setAttribute("aria-activedescendant", list.id + "-" + active);
    }
    function choose(i) {
      var it = items[i];
      input.value = it.name;
      input.dataset.id = it.id;
      close();
    }
    input.addEventListener("input", function () {
      delete input.dataset.id;
      clearTimeout(timer);
      timer = setTimeout(function () {
        getJSON("/explorer/suggest", { kind: input.dataset.kind, q: input.value.trim() }).then(function (found) {
          items = found; active = found.length ? 0 : -1; render();
        }).catch(function (e) { status(e.message, true); });
      }, 120);
    });
    input.addEventListener("keydown", function (ev) {
      if (!list.classList.contains("open")) return;
      if (ev.key === "ArrowDown") { active = Math.min(items.length - 1, active + 1); render(); ev.preventDefault(); }
      else if (ev.key === "ArrowUp") { active = Math.max(0, active - 1); render(); ev.preventDefault(); }
      else if (ev.key === "Enter" && active >= 0) { choose(active); ev.preventDefault(); }
      else if (ev.key === "Escape") { close(); ev.preventDefault(); }
    });
    input.addEventListener("blur", close);
  }

  /* ---- the question <-> the URL ---- */
  function fieldValue(f) {
    var input = $(f);
    return (input.dataset && input.dataset.id) || input.value.trim();
  }
  function question() {
    var q = { view: state.view };
    VIEWS[state.view].fields.forEach(function (f) { if (!SECRET[f]) q[f] = fieldValue(f); });
    if (state.view === "disputes" && state.dispute) q.dispute = state.dispute;
    return q;
  }
  function token() { return $("token").value.trim(); }
  function urlOf(q) {
    var p = new URLSearchParams();
    Object.keys(q).forEach(function (k) { if (q[k]) p.set(k, q[k]); });
    return "/?" + p.toString();
  }
  function graphiqlLink(q) {
    var op = OPS[q.view];
    if (!op) return "/graphql";
    var v;
    if (q.view === "assign") {
      v = { input: { name: q.name, description: q.description || "", region: q.region || null, asOf: q.as_of || null } };
    } else {
      v = { region: q.region || null, asOf: q.as_of || null };
      if (q.item) v.item = q.item;
      if (q.view === "disputes") v.id = q.dispute || "";
    }
    return "/graphql?q=" + encodeURIComponent(op.query) + "&variables=" + encodeURIComponent(JSON.stringify(v, null, 2));
  }
  function showView(view) {
    state.view = view;
    document.querySelectorAll("nav button").forEach(function (b) {
      var on = b.dataset.view === view;
      b.setAttribute("aria-selected", on ? "true" : "false");
      b.tabIndex = on ? 0 : -1;
    });
    ["item", "name", "description", "region", "as_of", "token", "by"].forEach(function (f) {
      var label = document.querySelector(".f-" + (f === "as_of" ? "date" : f));
      label.classList.toggle("hide", VIEWS[view].fields.indexOf(f) < 0);
    });
    document.title = VIEWS[view].title + " · dutygraph 监管职责查询";
  }
  function fill(params) {
    ["item", "name", "description", "region", "as_of"].forEach(function (f) {
      var v = params.get(f);
      var input = $(f);
      if (v != null) { input.value = v; if (input.dataset.kind) input.dataset.id = v; }
    });
    state.dispute = params.get("dispute") || null;
  }

  function ask(push) {
    var q = question();
    var link = urlOf(q);
    $("permalink").href = link;
    $("graphiql").href = graphiqlLink(q);
    if (push) history.pushState(q, "", link);
    var missing = VIEWS[q.view].fields.filter(function (f) {
      return (f === "item" || f === "name") && !q[f];
    });
    if (missing.length) { status("请先填写" + (missing[0] === "item" ? "事项" : "业态名称") + "。"); clear(); busy(false); return; }
    status("查询中…");
    busy(true);
    var params = Object.assign({}, q); delete params.view;
    return getJSON("/explorer/" + q.view, params).then(function (out) {
      clear();
      named(q, out);
      if (q.view === "lead" || q.view === "assist") drawResolution(out);
      else if (q.view === "gaps" || q.view === "conflicts") drawScan(out, q.view);
      else if (q.view === "disputes") drawDisputes(out);
      else drawAssign(out);
    }).catch(function (e) { clear(); status("查询失败：" + e.message, true); }).then(function () { busy(false); });
  }
  function busy(on) { $("result").setAttribute("aria-busy", on ? "true" : "false"); }  /* tests wait on it too */
  function named(q, out) {  /* show names in the pickers, keep the ids for the URL */
    var names = out.names || {};
    ["item", "region"].forEach(function (f) {
      var input = $(f), id = q[f];
      if (id && names[id]) { input.value = names[id]; input.dataset.id = id; }
      else if (out.answer && out.answer[f] && out.answer[f].name) {
        input.value = out.answer[f].name; input.dataset.id = out.answer[f].id || out.answer[f].code;
      }
    });
  }
  function clear() {
    if (cy) { cy.destroy(); cy = null; window.dutygraphCy = null; }
    $("words").innerHTML = ""; $("detail").innerHTML = ""; $("tree").innerHTML = "";
  }
  function graphMode(on) {
    $("graph").classList.toggle("hide", !on);
    $("tree").style.display = on ? "none" : "block";
  }

  /* ---- who leads / assists: a graph and a table in words ---- */
  function basisButton(b, asOf) {
    var label = "《" + esc(b.title || b.id) + "》" + esc(b.article || "") + (b.in_force ? "" : "（已失效）");
    return '<button type="button" class="basis" data-title="' + esc(b.title || "") + '" data-article="' + esc(b.article || "") +
      '" data-as-of="' + esc(asOf) + '" data-id="' + esc(b.id) + '">' + label + "</button>";
  }
  function showArticle(title, article, asOf, id) {
    var box = $("detail");
    box.innerHTML = "<h2>依据 " + esc(id) + "：《" + esc(title) + "》" + esc(article) + "</h2><p>读取条文…</p>";
    if (!article) { box.innerHTML = "<h2>依据 " + esc(id) + "：《" + esc(title) + "》</h2><p>该依据未指明条款（整份文件）。</p>"; return; }
    getJSON("/explorer/article", { title: title, article: article, as_of: asOf }).then(function (a) {
      var head = "<h2>依据 " + esc(id) + "：《" + esc(a.title) + "》" + esc(article) + "</h2>";
      box.innerHTML = head + (a.found
        ? '<div class="article-text">' + esc(a.text) + "</div><p><small>版本 " + esc(a.version) + (a.in_force ? "，查询日有效" : "，查询日不在施行期") + "</small></p>"
        : "<p>法规库中没有找到这一条的原文。</p>");
    }).catch(function (e) { box.innerHTML = "<p>" + esc(e.message) + "</p>"; });
  }
  function drawResolution(out) {
    var a = out.answer, names = out.names, role = a.role === "lead" ? "牵头" : "协办";
    graphMode(true);
    var nodes = {}, edges = [];
    function node(id, label, cls, extra) { if (!nodes[id]) nodes[id] = { data: Object.assign({ id: id, label: label }, extra || {}), classes: cls }; }
    function edge(s, t, label, cls) { edges.push({ data: { id: s + ">" + t + ":" + label, source: s, target: t, label: label }, classes: cls || "" }); }
    var regions = a.path.regions, items = a.path.items;
    regions.forEach(function (code, i) {
      node("region:" + code, (names[code] || code) + "\n" + code, "region" + (i === 0 ? " asked" : ""), { kind: "region", code: code });
      if (i > 0) edge("region:" + regions[i - 1], "region:" + code, "上级");
    });
    items.forEach(function (id, i) {
      node("item:" + id, (names[id] || id) + "\n" + id, "item" + (i === 0 ? " asked" : ""), { kind: "item", code: id });
      if (i > 0) edge("item:" + items[i - 1], "item:" + id, "上级事项");
    });
    a.answers.forEach(function (ans) {
      var d = ans.department, did = "dept:" + d.id;
      node(did, d.name + "\n" + d.id, "department answer", { kind: "department", code: d.id });
      edge(did, "item:" + a.item.id, role, "role");
      edge(did, "region:" + d.region, "所在地区", "in");
      ans.evidence.forEach(function (e, k) {
        var duty = "duty:" + e.department + ":" + e.item + ":" + e.region + ":" + k;
        var inherited = ans.inherited;
        node(duty, "职责：" + (names[e.department] || e.department) + " " + (e.role === "lead" ? "牵头" : "协办") + "\n来源 " + (e.source || ""),
          "duty" + (inherited ? " inherited" : ""), { kind: "duty", inherited: inherited, source: e.source });
        edge(did, duty, inherited ? "承接（" + (VIA[ans.via] || ans.via) + "）" : "列明", inherited ? "inherit" : "");
        edge(duty, "region:" + e.region, "清单所在", "in");
        edge(duty, "item:" + e.item, "事项", "in");
        e.bases.forEach(function (b) {
          node("basis:" + b.id, "《" + (b.title || b.id) + "》" + (b.article || ""), "basis" + (b.in_force ? "" : " lapsed"),
            { kind: "basis", code: b.id, title: b.title || "", article: b.article || "" });
          edge(duty, "basis:" + b.id, "依据", "basis");
        });
      });
    });
    var elements = Object.keys(nodes).map(function (k) { return nodes[k]; }).concat(edges);
    cy = window.dutygraphCy = cytoscape({
      container: $("graph"), elements: elements,
      layout: { name: "dagre", rankDir: "LR", nodeSep: 24, rankSep: 70 },
      style: [
        { selector: "node", style: { label: "data(label)", "text-wrap": "wrap", "text-max-width": 150, "text-valign": "center", "text-halign": "center",
          "font-size": 11, width: 150, height: 44, shape: "round-rectangle", "background-color": "#e8eef5", "border-width": 1, "border-color": "#7f92a6", color: "#1d2630" } },
        { selector: ".region", style: { "background-color": "#e3f0e1", "border-color": "#4f8a46" } },
        { selector: ".item", style: { "background-color": "#fff3d6", "border-color": "#b88a1d" } },
        { selector: ".department", style: { "background-color": "#1d6fb8", color: "#fff", "border-color": "#123a63", "font-weight": "bold" } },
        { selector: ".duty", style: { shape: "rectangle", "background-color": "#f2f2f2", "border-style": "solid" } },
        { selector: ".duty.inherited", style: { "border-style": "dashed", "border-width": 2, "border-color": "#b3261e" } },
        { selector: ".basis", style: { shape: "tag", "background-color": "#ede4f7", "border-color": "#6b3fa0", width: 170 } },
        { selector: ".lapsed", style: { "background-color": "#f7dcdc", "border-color": "#b3261e" } },
        { selector: ".asked", style: { "border-width": 3 } },
        { selector: "edge", style: { width: 1.5, "curve-style": "bezier", "target-arrow-shape": "triangle", label: "data(label)", "font-size": 10,
          "text-background-color": "#fff", "text-background-opacity": 0.9, "line-color": "#8a99a8", "target-arrow-color": "#8a99a8" } },
        { selector: "edge.role", style: { width: 3, "line-color": "#1d6fb8", "target-arrow-color": "#1d6fb8" } },
        { selector: "edge.inherit", style: { "line-style": "dashed", "line-color": "#b3261e", "target-arrow-color": "#b3261e" } },
        { selector: ":selected", style: { "overlay-opacity": 0.15, "overlay-color": "#f5b942" } }
      ]
    });
    cy.on("tap", "node.basis", function (ev) {
      var d = ev.target.data(); showArticle(d.title, d.article, a.as_of, d.code);
    });
    cy.on("tap", "node.department, node.region, node.item", function (ev) {
      var d = ev.target.data();
      $("detail").innerHTML = "<h2>" + esc(d.label.replace("\n", " · ")) + "</h2><p>" + ({ department: "部门", region: "地区", item: "监管事项" }[d.kind]) + "</p>";
    });
    var legend = el("div", { class: "legend" },
      '<span><i style="background:#e3f0e1"></i>地区路径</span><span><i style="background:#fff3d6"></i>事项</span>' +
      '<span><i style="background:#1d6fb8"></i>答复部门</span><span><i style="border:2px dashed #b3261e"></i>承接的上级职责</span>' +
      '<span><i style="background:#ede4f7"></i>法律依据（点击看条文）</span>');
    $("graph").appendChild(legend);
    legend.style.position = "absolute"; legend.style.bottom = "0"; legend.style.left = "0"; legend.style.zIndex = 5; legend.style.background = "#fff";
    var w = $("words");
    var head = "<h2>" + esc(a.region.name) + " (" + esc(a.region.code) + ") 的 " + esc(a.item.name) + " (" + esc(a.item.id) + ") 由谁" + role + "？ <small>" +
      esc(a.as_of) + "</small></h2>";
    var sentences = out.explain.map(function (s) { return '<p class="sentence">' + esc(s) + "</p>"; }).join("");
    var rows = a.answers.map(function (ans) {
      var bases = [];
      ans.evidence.forEach(function (e) { e.bases.forEach(function (b) { bases.push(basisButton(b, a.as_of)); }); });
      var src = ans.evidence.map(function (e) { return esc(nameOf(names, e.region)) + "：" + esc(e.source || ""); }).join("<br>");
      return "<tr><td>" + esc(ans.department.name) + " (" + esc(ans.department.id) + ")</td><td>" + esc(VIA[ans.via] || ans.via) +
        (ans.inherited ? "，承接上级职责" : "") + "</td><td>" + src + "</td><td>" + bases.join("<br>") + "</td></tr>";
    }).join("");
    var path = a.path.regions.map(function (c) { return esc(nameOf(names, c)); }).join(" → ");
    w.innerHTML = head + sentences + (rows ? '<table id="answer-table"><thead><tr><th>部门</th><th>方式</th><th>清单来源</th><th>法律依据</th></tr></thead><tbody>' + rows +
      "</tbody></table>" : "") + "<p><small>地区路径：" + path + "</small></p>" +
      (a.answers.length ? (out.findings || []).map(function (f) { return '<p class="sentence finding">注意：' + esc(f) + "。</p>"; }).join("") : "");
    status(a.answers.length ? "找到 " + a.answers.length + " 个" + role + "部门。" : "没有" + role + "部门。");
  }

  /* ---- gaps / conflicts: the region tree coloured by count, drilling down to a list ---- */
  function heat(n, max) {
    if (!n) return "#f1f4f7";
    var t = Math.min(1, n / Math.max(1, max));
    var light = Math.round(92 - 42 * t);
    return "hsl(12, 80%, " + light + "%)";
  }
  function drawScan(out, view) {
    graphMode(false);
    var regions = out.regions, rows = out.rows, names = out.names;
    var parent = {}, own = {}, total = {};
    regions.forEach(function (r) { parent[r.code] = r.parent; own[r.code] = 0; total[r.code] = 0; });
    rows.forEach(function (row) {
      own[row.region] = (own[row.region] || 0) + 1;
      for (var c = row.region; c != null && c in total; c = parent[c]) total[c] += 1;
    });
    var max = 0; regions.forEach(function (r) { max = Math.max(max, total[r.code]); });
    var tree = $("tree");
    tree.appendChild(el("h2", {}, (view === "gaps" ? "监管空白" : "管辖冲突") + "：地区树（颜色越深，数量越多；括号内为本级）"));
    regions.forEach(function (r) {
      var b = el("button", { type: "button", class: "tree-node", "data-code": r.code, "aria-pressed": "false",
        style: "margin-left:" + (r.depth * 22) + "px;width:calc(100% - " + (r.depth * 22) + "px);background:" + heat(total[r.code], max) },
        "<span>" + esc(r.name) + " <small>" + esc(r.code) + "</small></span><span class=\"count\">" + total[r.code] + " <small>(" + own[r.code] + ")</small></span>");
      b.addEventListener("click", function () { drill(r.code); });
      tree.appendChild(b);
    });
    function below(code, c) { for (; c != null; c = parent[c]) if (c === code) return true; return false; }
    function drill(code) {
      tree.querySelectorAll(".tree-node").forEach(function (b) { b.setAttribute("aria-pressed", b.dataset.code === code ? "true" : "false"); });
      var mine = rows.filter(function (row) { return code == null || below(code, row.region); });
      var w = $("words");
      var title = code == null ? "全部" : nameOf(names, code) + " 及下级";
      w.innerHTML = "<h2>" + esc(title) + "：" + mine.length + " 条" + (view === "gaps" ? "监管空白" : "管辖冲突") + " <small>" + esc(out.as_of) + "</small></h2>";
      var list = el("div", { id: "rows" });
      mine.forEach(function (row) {
        var ev = view === "gaps" ? gapEvidence(row, names) : conflictEvidence(row, out.as_of);
        var div = el("div", { class: "row", tabindex: "0", "data-kind": row.kind },
          '<span class="kind">' + esc(row.kind_zh) + "</span>" + esc(row.explain) +
          "<details><summary>证据</summary>" + ev + "<p>原始说明：" + esc(row.detail) + "</p></details>");
        list.appendChild(div);
      });
      w.appendChild(list);
      status(title + "：" + mine.length + " 条。");
    }
    $("detail").innerHTML = "";
    drill(regions.length ? regions[0].code : null);
  }
  function gapEvidence(row, names) {
    var e = row.evidence;
    if (!e) return "<p>无证据记录。</p>";
    var duties = e.duties.map(function (d) {
      return "<li>" + esc(nameOf(names, d.department) || d.department) + " " + (d.role === "lead" ? "牵头" : "协办") + "，来源 " + esc(d.source || "") + "；依据 " +
        d.bases.map(function (b) { return basisButton(b, ""); }).join("、") + "</li>";
    }).join("");
    return "<p>地区路径：" + e.path.map(esc).join(" → ") + (e.source_region ? "；职责所在：" + esc(e.source_region) : "") + "</p>" +
      (duties ? "<ul>" + duties + "</ul>" : "<p>路径上没有可用的职责。</p>");
  }
  function conflictEvidence(row, asOf) {
    return "<ul>" + (row.evidence || []).map(function (d) {
      return "<li>" + esc(d.department) + " " + (d.role === "lead" ? "牵头" : "协办") + "，来源 " + esc(d.source || "") + "；依据 " +
        d.bases.map(function (b) { return basisButton(b, asOf); }).join("、") + "</li>";
    }).join("") + "</ul>";
  }

  /* ---- a new business form: ranked candidates with their reasons ---- */
  function drawAssign(out) {
    graphMode(false);
    var a = out.answer;
    var w = $("words");
    var top = a.candidates.length ? a.candidates[0].score : 1;
    w.innerHTML = "<h2>" + esc(a.name) + "：牵头候选部门" + (a.region ? "（" + esc(nameOf(out.names, a.region)) + "）" : "") + "</h2>" +
      '<p id="verdict">置信度 ' + (a.confidence || 0).toFixed(2) + "：" + (a.abstained ? "证据不足或尚无定论，不指定牵头部门，请提请协调" : "建议由第一名牵头") + "</p>";
    var ol = el("ol", { id: "candidates" });
    a.candidates.forEach(function (c) {
      var li = el("li", { class: "cand" },
        "<strong>" + esc(c.department.name) + " (" + esc(c.department.id) + ")</strong> " +
        '<span class="bar" style="width:' + Math.round(80 * c.score / (top || 1)) + 'px"></span>得分 ' + c.score.toFixed(2) +
        "<ul>" + c.reasons.map(function (r) { return "<li>" + esc(r) + "</li>"; }).join("") + "</ul>");
      ol.appendChild(li);
    });
    w.appendChild(ol);
    if (a.assists.length) w.appendChild(el("p", {}, "协办：" + a.assists.map(function (c) { return esc(c.department.name) + " (" + esc(c.department.id) + ")"; }).join("、")));
    var tree = $("tree");
    tree.innerHTML = "<h2>相关事项与先例</h2>" +
      "<table><thead><tr><th>相关事项</th><th>得分</th><th>理由</th></tr></thead><tbody>" +
      a.items.map(function (i) { return "<tr><td>" + esc(i.name) + " (" + esc(i.id) + ")</td><td>" + i.score.toFixed(2) + "</td><td>" + i.reasons.map(esc).join("；") + "</td></tr>"; }).join("") +
      "</tbody></table>" +
      "<table><thead><tr><th>已定先例</th><th>牵头</th><th>认定日期</th><th>依据</th><th>相似度</th></tr></thead><tbody>" +
      a.precedents.map(function (p) {
        var b = (out.bases || {})[p.basis];
        var basis = b ? basisButton({ id: b.id, title: b.title, article: b.article, in_force: true }, a.as_of) : esc(p.basis || "");
        return "<tr><td>" + esc(p.name) + " (" + esc(p.id) + ")</td><td>" + esc(nameOf(out.names, p.lead)) + "</td><td>" + esc(p.settled_on) + "</td><td>" + basis + "</td><td>" + p.similarity.toFixed(2) + "</td></tr>";
      }).join("") +
      "</tbody></table>" +
      (out.notes || []).map(function (n) { return '<p class="sentence note-row">注意：' + esc(n) + "</p>"; }).join("");
    status(a.candidates.length ? "共 " + a.candidates.length + " 个牵头候选。" : "没有候选部门。");
  }

  /* ---- disputes: the board lives in disputes.js ---- */
  function drawDisputes(out) {
    graphMode(false);
    if (state.pickNewest) {  /* after opening one: show it */
      state.pickNewest = false;
      var ids = out.disputes.map(function (d) { return d.id; }).sort();
      if (ids.length) state.dispute = ids[ids.length - 1];
      var q = question();
      history.replaceState(q, "", urlOf(q));
      $("permalink").href = urlOf(q); $("graphiql").href = graphiqlLink(q);
    }
    window.dutygraphDisputes.draw(out, {
      $: $, el: el, esc: esc, status: status, basisButton: basisButton, nameOf: nameOf,
      mutations: OPS.mutations || {}, token: token, by: function () { return $("by").value.trim(); },
      selected: function () { return state.dispute; },
      select: function (id) {
        state.dispute = id;
        var q = question(), link = urlOf(q);
        history.pushState(q, "", link);
        $("permalink").href = link; $("graphiql").href = graphiqlLink(q);
        window.dutygraphDisputes.show(id);
      },
      reload: function (keep, message) {
        if (keep === "newest") state.pickNewest = true; else if (keep) state.dispute = keep;
        var p = ask(true);
        if (p && message) p.then(function () { if (!$("status").classList.contains("error")) status(message + " " + $("status").textContent); });
      }
    });
  }

  /* ---- wiring ---- */
  document.addEventListener("click", function (ev) {
    var b = ev.target.closest && ev.target.closest("button.basis");
    if (b) showArticle(b.dataset.title, b.dataset.article, b.dataset.asOf || $("as_of").value, b.dataset.id);
  });
  var tabs = Array.prototype.slice.call(document.querySelectorAll("nav button"));
  tabs.forEach(function (b, i) {
    b.addEventListener("click", function () { showView(b.dataset.view); ask(true); });
    b.addEventListener("keydown", function (ev) {
      var j = ev.key === "ArrowRight" ? i + 1 : ev.key === "ArrowLeft" ? i - 1 : null;
      if (j == null) return;
      var t = tabs[(j + tabs.length) % tabs.length]; t.focus(); t.click();
    });
  });
  document.querySelectorAll("input[data-kind]").forEach(picker);
  try { $("token").value = sessionStorage.getItem("dutygraph-token") || ""; } catch (e) { /* storage off */ }
  $("token").addEventListener("change", function () {
    try { sessionStorage.setItem("dutygraph-token", token()); } catch (e) { /* storage off */ }
    if (state.view === "disputes") ask(false);
  });
  $("question").addEventListener("submit", function (ev) { ev.preventDefault(); ask(true); });
  function start() {
    var p = new URLSearchParams(location.search);
    showView(VIEWS[p.get("view")] ? p.get("view") : "lead");
    fill(p);
    var first = (OPS.lead && OPS.lead.variables) || {};
    if (!p.get("view")) {  /* first screen: the saved who-leads question, ready */
      if (!$("item").value && first.item) $("item").value = first.item;
      if (!$("region").value && first.region) $("region").value = first.region;
      if (!$("as_of").value && first.asOf) $("as_of").value = first.asOf;
    }
    if (!$("as_of").value) $("as_of").value = new Date().toISOString().slice(0, 10);
    ask(false);
  }
  window.addEventListener("popstate", start);
  start();
})();
