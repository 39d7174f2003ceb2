/* dutygraph explorer: the disputes board for coordinators (管辖争议协调).
   Reads /explorer/disputes; every action is a GraphQL mutation of /graphql
   (dutygraph/api/disputes.py) sent with the coordinator's bearer token. */
window.dutygraphDisputes = (function () {
  "use strict";
  var COLUMNS = [
    { title: "待协调", statuses: ["open"] },
    { title: "协调中", statuses: ["coordinating"] },
    { title: "已办结", statuses: ["decided", "withdrawn"] }
  ];
  var STATUS = { open: "待协调", coordinating: "协调中", decided: "已决定", withdrawn: "已撤回" };
  var env = null, out = null;

  function h(s) { return env.esc(s); }
  function nm(id) { return env.nameOf(out.names, id); }
  function option(value, label, selected) {
    return '<option value="' + h(value) + '"' + (selected ? " selected" : "") + ">" + h(label) + "</option>";
  }

  /* ---- sending a mutation ---- */
  function send(action, variables, done) {
    var token = env.token();
    var headers = { "Content-Type": "application/json", Accept: "application/json" };
    if (token) headers.Authorization = "Bearer " + token;
    env.status("办理中…");
    return fetch("/graphql", {
      method: "POST", headers: headers,
      body: JSON.stringify({ query: env.mutations[action], variables: variables })
    }).then(function (r) {
      return r.json().then(function (body) {
        if (body.errors && body.errors.length) throw new Error(body.errors.map(function (e) { return e.message; }).join("；"));
        if (!r.ok) throw new Error("HTTP " + r.status);
        return body.data;
      });
    }).then(function (data) {
      var key = Object.keys(data)[0];
      env.reload(done, "已办理：" + ({ open: "立案", from_conflict: "由冲突立案", coordinate: "开始协调", withdraw: "撤回", decide: "作出决定" })[action] +
        "，状态为“" + STATUS[String(data[key].status).toLowerCase()] + "”。");
    }).catch(function (e) { env.status("办理失败：" + e.message, true); });
  }
  function by() { return env.by() || null; }
  function formValues(form) {
    var v = {};
    Array.prototype.forEach.call(form.elements, function (e) {
      if (!e.name) return;
      if (e.type === "checkbox") { if (e.dataset.list) { (v[e.name] = v[e.name] || []); if (e.checked) v[e.name].push(e.value); } else v[e.name] = e.checked; }
      else v[e.name] = e.value.trim();
    });
    return v;
  }
  function locked() { return out.may_decide ? "" : " disabled"; }

  /* ---- the board: columns of cards ---- */
  function draw(answer, environment) {
    env = environment; out = answer;
    var tree = env.$("tree");
    var lockNote = out.may_decide ? "" : '<p class="note" id="read-only">只读：在上方填写协调员令牌后可办理争议（需要 coordinator 角色）。</p>';
    tree.innerHTML = "<h2>管辖争议看板 <small>" + h(out.as_of) + "</small></h2>" + lockNote;
    var cols = env.el("div", { class: "board" });
    COLUMNS.forEach(function (c) {
      var mine = out.disputes.filter(function (d) { return c.statuses.indexOf(d.status) >= 0; });
      var col = env.el("section", { class: "column", "aria-label": c.title }, "<h3>" + h(c.title) + " <small>" + mine.length + "</small></h3>");
      mine.forEach(function (d) {
        var subject = d.subject.name || d.subject.description || d.subject.id;
        var card = env.el("button", { type: "button", class: "card", "data-id": d.id, "data-status": d.status, "aria-pressed": "false" },
          "<strong>" + h(d.id) + "</strong> " + h(d.kind_zh) + "<br>" + h(subject) + "<br><small>" + h(nm(d.region)) + " · " +
          d.parties.map(function (p) { return h(out.names[p] || p); }).join(" / ") + "</small>");
        card.addEventListener("click", function () { env.select(d.id); });
        col.appendChild(card);
      });
      if (!mine.length) col.appendChild(env.el("p", { class: "note" }, "无"));
      cols.appendChild(col);
    });
    tree.appendChild(cols);
    tree.appendChild(fromConflicts());
    tree.appendChild(openForm());
    var chosen = out.disputes.filter(function (d) { return d.id === env.selected(); })[0] || out.disputes[0];
    if (chosen) show(chosen); else env.$("words").innerHTML = "<h2>没有管辖争议</h2><p>可以由下方的冲突立案，或登记新争议。</p>";
    var pending = out.disputes.filter(function (d) { return d.pending; }).length;
    env.status("共 " + out.disputes.length + " 件争议，其中未办结 " + pending + " 件。" + (out.may_decide ? "" : "（只读）"));
  }

  function fromConflicts() {
    var box = env.el("section", { id: "from-conflicts" }, "<h3>可立案的冲突 <small>" + out.conflicts.length + "</small></h3>");
    out.conflicts.forEach(function (c) {
      var row = env.el("div", { class: "row" }, '<span class="kind">' + h(c.kind_zh) + "</span>" + h(c.explain) + " ");
      var b = env.el("button", { type: "button", class: "act", "data-item": c.item, "data-region": c.region }, "由此立案");
      if (!out.may_decide) b.disabled = true;
      b.addEventListener("click", function () {
        send("from_conflict", { item: c.item, region: c.region, asOf: out.as_of, by: by() }, "newest");
      });
      row.appendChild(b);
      box.appendChild(row);
    });
    if (!out.conflicts.length) box.appendChild(env.el("p", { class: "note" }, "没有尚未立案的多头牵头或清单冲突。"));
    return box;
  }

  function openForm() {
    var f = env.el("form", { id: "open-form", class: "action" },
      "<h3>登记新争议</h3>" +
      '<label>当事部门 <input name="parties" required placeholder="编号或全称，用、或逗号分隔"></label>' +
      '<label>争议事项 <input name="subject" required placeholder="事项或新业态的编号、全称"></label>' +
      '<label>地区 <input name="region" required placeholder="代码或全称"></label>' +
      '<label>提出日期 <input name="raisedOn" type="date" required value="' + h(out.as_of) + '"></label>' +
      '<label>类型 <select name="kind">' + option("duty", "职责分工争议") + option("enforcement", "执法管辖争议") + "</select></label>" +
      '<button type="submit"' + locked() + ">立案</button>");
    f.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var v = formValues(f);
      v.parties = v.parties.split(/[,，、;；\s]+/).filter(Boolean);
      v.kind = v.kind.toUpperCase();  // the DisputeKind enum: DUTY, ENFORCEMENT
      v.by = by();
      send("open", v, "newest");
    });
    return f;
  }

  /* ---- one dispute: evidence, statutory route, history, the actions ---- */
  function show(d) {
    env.$("tree").querySelectorAll(".card").forEach(function (c) { c.setAttribute("aria-pressed", c.dataset.id === d.id ? "true" : "false"); });
    var w = env.$("words");
    var claims = Object.keys(d.claims || {}).map(function (p) { return "<li>" + h(nm(p)) + "：" + h(d.claims[p]) + "</li>"; }).join("");
    var evidence = d.evidence.parties.map(function (p) {
      var duties = p.duties.map(function (x) {
        return "<li>" + (x.role === "lead" ? "牵头" : x.role === "assist" ? "协办" : h(x.role)) + "，来源 " + h(x.source || "") +
          "，" + h(x.valid_from || "…") + " 起" + (x.valid_to ? "至 " + h(x.valid_to) : "") + (x.active ? "" : "（已失效）") + "；依据 " +
          (x.bases.map(function (b) { return env.basisButton(b, out.as_of); }).join("、") || "无") + "</li>";
      }).join("");
      var res = p.resolved || {};
      return '<div class="party"><strong>' + h(p.department.name) + " (" + h(p.department.id) + ")</strong>" +
        (p.claim ? "<p>主张：" + h(p.claim) + "</p>" : "") +
        "<p>按现行规则：" + (res.lead ? "牵头" : "不牵头") + "，" + (res.assist ? "协办" : "不协办") + (p.filed_on ? "；立案于 " + h(p.filed_on) : "") + "</p>" +
        (duties ? "<ul>" + duties + "</ul>" : "<p>在该事项上没有职责记录。</p>") + "</div>";
    }).join("");
    var precedents = (d.evidence.precedents || []).map(function (p) {
      return "<li>" + h(p.name || p.id) + " (" + h(p.id) + ")：" + h(nm(p.lead)) + " 牵头</li>";
    }).join("");
    var route = "<ol>" + d.route_zh.map(function (s) { return "<li>" + h(s.replace(/^\d+\. /, "")) + "</li>"; }).join("") + "</ol>";
    var history = "<table><thead><tr><th>时间</th><th>操作</th><th>经办</th><th>说明</th></tr></thead><tbody>" +
      d.history.map(function (e) {
        var more = [e.status && e.op !== "dispute.withdraw" ? "状态 " + (STATUS[e.status] || e.status) : "", e.lead ? "牵头 " + nm(e.lead) : "", e.note || "", e.on || e.decided_on || ""].filter(Boolean).join("；");
        return "<tr><td>" + h(String(e.at || "").replace("T", " ").slice(0, 19)) + "</td><td>" + h(e.op_zh) + "</td><td>" + h(e.by) + "</td><td>" + h(more) + "</td></tr>";
      }).join("") + "</tbody></table>";
    var decision = "";
    if (d.decision) {
      var x = d.decision;
      decision = '<p class="sentence" id="decision">决定：' + h(x.decider) + " 于 " + h(x.decided_on) + " 决定由 " + h(nm(x.lead)) + " 牵头" +
        (x.assists.length ? "，" + x.assists.map(nm).map(h).join("、") + " 协办" : "") + "（" + h(x.rule) + "）。理由：" + h(String(x.reasoning).replace(/[。.\s]+$/, "")) +
        "。依据 " + h(x.basis) + "；关闭职责 " + x.closed.length + " 条，新增 " + x.opened.length + " 条。</p>";
    }
    w.innerHTML = "<h2>" + h(d.id) + " " + h(d.kind_zh) + " <small>" + h(d.status_zh) + "</small></h2>" +
      '<p class="sentence">' + h(d.explain) + "</p>" + decision +
      (claims ? "<h3>各方主张</h3><ul>" + claims + "</ul>" : "") +
      '<details open id="evidence"><summary>证据</summary>' + evidence + (precedents ? "<p>相近先例：</p><ul>" + precedents + "</ul>" : "") + "</details>" +
      '<details open id="route"><summary>法定路径</summary>' + route + "</details>" +
      '<details open id="history"><summary>历史</summary>' + history + "</details>";
    if (d.pending) w.appendChild(actions(d));
    env.$("right").scrollTop = 0;  /* the dispute's head (and its decision) first */
  }

  function actions(d) {
    var box = env.el("div", { id: "actions" }, "<h3>办理</h3>" + (out.may_decide ? "" : '<p class="note">只读：需要协调员令牌。</p>'));
    var steps = d.route.steps || [];
    var last = steps[steps.length - 1] || {};
    var decider = (last.by && (last.by.name || (last.by.department && last.by.department.name))) ||
      (d.route.common_superior && d.route.common_superior.name) || "";
    function small(action, title, label) {
      var f = env.el("form", { class: "action", "data-action": action },
        "<h4>" + h(title) + "</h4>" +
        '<label>日期 <input name="on" type="date" value="' + h(out.as_of) + '"></label>' +
        '<label>说明 <input name="note" placeholder="可选"></label>' +
        '<button type="submit"' + locked() + ">" + h(label) + "</button>");
      f.addEventListener("submit", function (ev) {
        ev.preventDefault();
        var v = formValues(f);
        send(action, { id: d.id, on: v.on || null, note: v.note, by: by() }, d.id);
      });
      return f;
    }
    if (d.status === "open") box.appendChild(small("coordinate", "开始协调", "开始协调"));
    var parties = d.parties.map(function (p, i) { return option(p, nm(p), i === 0); }).join("");
    var assists = d.parties.map(function (p) {
      return '<label class="check"><input type="checkbox" name="assists" data-list="1" value="' + h(p) + '">' + h(nm(p)) + "</label>";
    }).join("");
    var f = env.el("form", { class: "action", "data-action": "decide" },
      "<h4>作出决定</h4>" +
      '<label>牵头部门 <select name="lead">' + parties + "</select></label>" +
      '<fieldset><legend>协办部门</legend>' + assists + "</fieldset>" +
      '<label>决定日期 <input name="decidedOn" type="date" value="' + h(out.as_of) + '"></label>' +
      '<label>决定机关 <input name="decider" required value="' + h(decider) + '"></label>' +
      '<label>适用规则 <input name="rule" required value="' + h(last.rule || "") + '"></label>' +
      '<label class="wide">理由 <textarea name="reasoning" required rows="2"></textarea></label>' +
      '<label class="check"><input type="checkbox" name="allowNonParty">指定非当事部门</label>' +
      '<button type="submit"' + locked() + ">作出决定</button>");
    f.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var v = formValues(f);
      v.assists = (v.assists || []).filter(function (a) { return a !== v.lead; });
      v.id = d.id; v.decidedOn = v.decidedOn || null; v.by = by();
      send("decide", v, d.id);
    });
    box.appendChild(f);
    box.appendChild(small("withdraw", "撤回争议", "撤回"));
    return box;
  }

  return {
    draw: draw,
    show: function (id) {
      var d = out && out.disputes.filter(function (x) { return x.id === id; })[0];
      if (d) show(d);
    }
  };
})();
