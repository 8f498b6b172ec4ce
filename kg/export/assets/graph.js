/* policy-kg interactive graph.
 *
 * Reads the graph from the JSON in #kg-data and draws it with vis-network.
 * Every string that comes from a document is put into the page with
 * textContent or as a text node, never as HTML.
 *
 * Globals for tests and scripting: kgNodes, kgEdges (vis DataSets),
 * kgNetwork (vis Network), kgReady (true once the layout has settled and the
 * first frame is drawn), kgReadyTime (ms since navigation start), kgSelect(id).
 */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var docs = data.documents;
  var typeInfo = {};
  data.types.forEach(function (t) { typeInfo[t.type] = t; });
  var relInfo = {};
  data.relations.forEach(function (r) { relInfo[r.predicate] = r; });

  // entities without any relation: hidden by default when the graph has relations
  var degree = {};
  data.edges.forEach(function (e) {
    degree[e.from] = (degree[e.from] || 0) + 1;
    degree[e.to] = (degree[e.to] || 0) + 1;
  });
  var isolatedCount = data.nodes.filter(function (n) { return !degree[n.id]; }).length;

  var isolatedDefault = !(isolatedCount > 0 && data.edges.length > 0);
  var state = {
    isolated: isolatedDefault,  // unconnected entities shown
    types: {},      // entity type -> shown
    relations: {},  // predicate -> shown
    doc: null,      // document index or null for all
    geo: false,
    saved: null     // positions before the geographic layout
  };
  data.types.forEach(function (t) { state.types[t.type] = true; });
  data.relations.forEach(function (r) { state.relations[r.predicate] = true; });

  // ------------------------------------------------------------------ helpers

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        if (k === "text") { e.textContent = attrs[k]; }
        else if (k === "className") { e.className = attrs[k]; }
        else { e.setAttribute(k, attrs[k]); }
      });
    }
    (children || []).forEach(function (c) {
      e.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return e;
  }

  function clear(e) { while (e.firstChild) { e.removeChild(e.firstChild); } }

  var SVG = "http://www.w3.org/2000/svg";
  function shapeIcon(shape, color) {
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("width", "14"); svg.setAttribute("height", "14");
    svg.setAttribute("viewBox", "0 0 14 14");
    var s;
    var poly = {
      diamond: "7,1 13,7 7,13 1,7",
      triangle: "7,1 13,12 1,12",
      triangleDown: "1,2 13,2 7,13",
      hexagon: "4,1.5 10,1.5 13,7 10,12.5 4,12.5 1,7",
      star: "7,1 8.8,5.2 13,5.6 9.8,8.5 10.8,13 7,10.6 3.2,13 4.2,8.5 1,5.6 5.2,5.2"
    };
    if (shape === "square") {
      s = document.createElementNS(SVG, "rect");
      s.setAttribute("x", "1.5"); s.setAttribute("y", "1.5");
      s.setAttribute("width", "11"); s.setAttribute("height", "11");
    } else if (poly[shape]) {
      s = document.createElementNS(SVG, "polygon");
      s.setAttribute("points", poly[shape]);
    } else {
      s = document.createElementNS(SVG, "circle");
      s.setAttribute("cx", "7"); s.setAttribute("cy", "7"); s.setAttribute("r", "6");
    }
    s.setAttribute("fill", color);
    svg.appendChild(s);
    return svg;
  }

  function lineIcon(color, directed) {
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("width", "22"); svg.setAttribute("height", "10");
    svg.setAttribute("viewBox", "0 0 22 10");
    var l = document.createElementNS(SVG, "line");
    l.setAttribute("x1", "1"); l.setAttribute("y1", "5");
    l.setAttribute("x2", directed ? "16" : "21"); l.setAttribute("y2", "5");
    l.setAttribute("stroke", color); l.setAttribute("stroke-width", "2");
    svg.appendChild(l);
    if (directed) {
      var a = document.createElementNS(SVG, "polygon");
      a.setAttribute("points", "15,1 21,5 15,9");
      a.setAttribute("fill", color);
      svg.appendChild(a);
    }
    return svg;
  }

  function docLabel(i) {
    var d = docs[i];
    if (!d) { return ""; }
    if (!d.title) { return d.name; }
    return d.title.charAt(0) === "《" ? d.title : "《" + d.title + "》";
  }

  /* The sentence as text nodes, with the given names marked. */
  function highlighted(sentence, names) {
    var frag = document.createDocumentFragment();
    var terms = names.filter(function (n) { return n && n.length > 1; })
      .sort(function (a, b) { return b.length - a.length; });
    var i = 0, plain = "";
    while (i < sentence.length) {
      var hit = null;
      for (var k = 0; k < terms.length; k++) {
        if (sentence.substr(i, terms[k].length) === terms[k]) { hit = terms[k]; break; }
      }
      if (hit) {
        if (plain) { frag.appendChild(document.createTextNode(plain)); plain = ""; }
        frag.appendChild(el("mark", { text: hit }));
        i += hit.length;
      } else {
        plain += sentence.charAt(i);
        i += 1;
      }
    }
    if (plain) { frag.appendChild(document.createTextNode(plain)); }
    return frag;
  }

  function namesOf(id) {
    var n = nodes.get(id);
    return n ? [n.label].concat(n.kgAliases || []) : [];
  }

  // ------------------------------------------------------------------ filters

  function hasCoords(n) { return n.kgLon !== null && n.kgLon !== undefined && n.kgLat !== null && n.kgLat !== undefined; }

  function nodeShown(n) {
    if (!state.types[n.kgType]) { return false; }
    if (!state.isolated && !state.geo && !degree[n.id]) { return false; }
    if (state.doc !== null && n.kgDocs.indexOf(state.doc) < 0) { return false; }
    if (state.geo && !(n.kgType === "Place" && hasCoords(n))) { return false; }
    return true;
  }

  function edgeShown(e) {
    if (!state.relations[e.kgPredicate]) { return false; }
    if (state.doc !== null && e.kgDocs.indexOf(state.doc) < 0) { return false; }
    return true;
  }

  var nodeView = new vis.DataView(nodes, { filter: nodeShown });
  var edgeView = new vis.DataView(edges, { filter: edgeShown });

  function refresh() {
    nodeView.refresh();
    edgeView.refresh();
    updateStatus();
  }

  function updateStatus() {
    var shownIds = {};
    nodeView.getIds().forEach(function (id) { shownIds[id] = true; });
    var shownEdges = edgeView.get().filter(function (e) { return shownIds[e.from] && shownIds[e.to]; }).length;
    var text = "显示 " + nodeView.length + " / " + nodes.length + " 个实体，" +
      shownEdges + " / " + edges.length + " 条关系";
    if (!state.isolated && !state.geo && isolatedCount) {
      text += "（" + isolatedCount + " 个无关系的实体未显示）";
    }
    if (state.geo) {
      var hidden = nodes.length - nodeView.length;
      text += "。地理布局：只显示有坐标的地点（隐藏 " + hidden + " 个）";
    }
    document.getElementById("kg-status").textContent = text;
  }

  function buildFilters() {
    var tl = document.getElementById("kg-types");
    data.types.forEach(function (t) {
      var box = el("input", { type: "checkbox", "data-type": t.type });
      box.checked = true;
      box.addEventListener("change", function () { state.types[t.type] = box.checked; refresh(); });
      tl.appendChild(el("li", null, [el("label", null, [
        box, shapeIcon(t.shape, t.color), el("span", { text: t.label + " " + t.type }),
        el("span", { className: "count", text: String(t.count) })
      ])]));
    });
    var rl = document.getElementById("kg-relations");
    data.relations.forEach(function (r) {
      var box = el("input", { type: "checkbox", "data-predicate": r.predicate });
      box.checked = true;
      box.addEventListener("change", function () { state.relations[r.predicate] = box.checked; refresh(); });
      rl.appendChild(el("li", null, [el("label", null, [
        box, lineIcon(r.color, r.directed), el("span", { text: r.label + " " + r.predicate }),
        el("span", { className: "count", text: String(r.count) })
      ])]));
    });
    var iso = document.getElementById("kg-isolated");
    iso.checked = state.isolated;
    document.getElementById("kg-isolated-count").textContent = String(isolatedCount);
    iso.addEventListener("change", function () { state.isolated = iso.checked; refresh(); });
    var sel = document.getElementById("kg-document");
    docs.forEach(function (d, i) {
      var o = document.createElement("option");
      o.value = String(i);
      o.textContent = docLabel(i) + (d.title ? " (" + d.name + ")" : "");
      sel.appendChild(o);
    });
    sel.addEventListener("change", function () {
      state.doc = sel.value === "" ? null : parseInt(sel.value, 10);
      refresh();
    });
  }

  function resetFilters() {
    Object.keys(state.types).forEach(function (t) { state.types[t] = true; });
    Object.keys(state.relations).forEach(function (p) { state.relations[p] = true; });
    state.doc = null;
    document.querySelectorAll("#kg-types input, #kg-relations input").forEach(function (b) { b.checked = true; });
    state.isolated = isolatedDefault;
    document.getElementById("kg-isolated").checked = isolatedDefault;
    document.getElementById("kg-document").value = "";
    if (state.geo) { toggleGeo(); } else { refresh(); }
  }

  // ------------------------------------------------------------------ network

  var container = document.getElementById("kg-network");
  var network = new vis.Network(container, { nodes: nodeView, edges: edgeView }, data.options);

  function markReady() {
    if (window.kgReady) { return; }
    window.kgReady = true;
    window.kgReadyTime = performance.now();
    document.body.setAttribute("data-ready", "1");
  }

  if (data.physics) {
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({ physics: { enabled: false } });
      network.fit();
      network.once("afterDrawing", markReady);
      network.redraw();
    });
  } else {
    network.once("afterDrawing", markReady);
  }

  // ------------------------------------------------------------------ geographic layout

  function toggleGeo() {
    var button = document.getElementById("kg-geo");
    if (!state.geo) {
      state.saved = network.getPositions();
      var places = nodes.get({ filter: function (n) { return n.kgType === "Place" && hasCoords(n); } });
      if (places.length === 0) {
        document.getElementById("kg-status").textContent = "没有带坐标的地点，无法使用地理布局。";
        return;
      }
      var lon0 = 0, lat0 = 0, minLon = Infinity, maxLon = -Infinity, minLat = Infinity, maxLat = -Infinity;
      places.forEach(function (n) {
        lon0 += n.kgLon; lat0 += n.kgLat;
        minLon = Math.min(minLon, n.kgLon); maxLon = Math.max(maxLon, n.kgLon);
        minLat = Math.min(minLat, n.kgLat); maxLat = Math.max(maxLat, n.kgLat);
      });
      lon0 /= places.length; lat0 /= places.length;
      var cosLat = Math.cos(lat0 * Math.PI / 180);
      var span = Math.max((maxLon - minLon) * cosLat, maxLat - minLat, 0.05);
      var scale = Math.max(900, 70 * Math.sqrt(places.length)) / span;  // pixels per degree
      nodes.update(places.map(function (n) {
        return { id: n.id, x: (n.kgLon - lon0) * cosLat * scale, y: -(n.kgLat - lat0) * scale };
      }));
      state.geo = true;
    } else {
      var saved = state.saved || {};
      nodes.update(Object.keys(saved).map(function (id) {
        return { id: id, x: saved[id].x, y: saved[id].y };
      }));
      state.geo = false;
    }
    // straight edges on the map; the usual curves otherwise
    network.setOptions({ physics: { enabled: false },
                         edges: { smooth: state.geo ? { enabled: false } : data.options.edges.smooth } });
    button.setAttribute("aria-pressed", state.geo ? "true" : "false");
    refresh();
    network.fit();
  }

  // ------------------------------------------------------------------ side panel

  var details = document.getElementById("kg-details");

  function nodeLink(id) {
    var n = nodes.get(id);
    var b = el("button", { type: "button", className: "kg-link", text: n ? n.label : id });
    b.addEventListener("click", function () { selectNode(id); });
    return b;
  }

  function evidenceList(e, names, limit) {
    var box = document.createDocumentFragment();
    e.kgEvidence.slice(0, limit).forEach(function (ev) {
      var q = el("blockquote", { className: "kg-evidence" });
      if (ev[2] === "gazetteer" && !ev[1]) {
        q.appendChild(document.createTextNode("地名表知识（非文本陈述） gazetteer"));
      } else {
        q.appendChild(highlighted(ev[1], names));
      }
      if (ev[0] >= 0) { q.appendChild(el("span", { className: "src", text: "— " + docLabel(ev[0]) })); }
      box.appendChild(q);
    });
    var more = e.kgEvidenceCount - Math.min(limit, e.kgEvidence.length);
    if (more > 0) { box.appendChild(el("p", { className: "kg-more", text: "另有 " + more + " 条证据" })); }
    return box;
  }

  function relationRow(e, fromId) {
    var r = relInfo[e.kgPredicate] || { label: e.kgPredicate, directed: true };
    var head = el("div", { className: "kg-rel-head" });
    var other = e.from === fromId ? e.to : e.from;
    var outgoing = e.from === fromId;
    if (!r.directed) {
      head.appendChild(el("span", { className: "pred", text: r.label + " (" + e.kgPredicate + ") ↔ " }));
    } else if (outgoing) {
      head.appendChild(el("span", { className: "pred", text: r.label + " (" + e.kgPredicate + ") → " }));
    } else {
      head.appendChild(el("span", { className: "pred", text: "← " + r.label + " (" + e.kgPredicate + ") " }));
    }
    head.appendChild(nodeLink(other));
    var row = el("div", { className: "kg-rel" }, [head]);
    row.appendChild(evidenceList(e, namesOf(e.from).concat(namesOf(e.to)), 3));
    return row;
  }

  function typeBadge(type) {
    var t = typeInfo[type] || { label: type, shape: "dot", color: "#999" };
    return el("span", { className: "kg-badge" }, [shapeIcon(t.shape, t.color), t.label + " " + type]);
  }

  function showNode(id) {
    var n = nodes.get(id);
    if (!n) { return; }
    clear(details);
    details.appendChild(el("h2", { text: n.label }));
    details.appendChild(typeBadge(n.kgType));
    var dl = el("dl", { className: "kg-fields" });
    function field(k, v) { dl.appendChild(el("dt", { text: k })); dl.appendChild(el("dd", { text: v })); }
    field("名称", n.label);
    field("别名", n.kgAliases.length ? n.kgAliases.join("、") : "—");
    if (n.kgCode) { field("区划代码", n.kgCode); }
    if (hasCoords(n)) { field("坐标", n.kgLon.toFixed(4) + ", " + n.kgLat.toFixed(4)); }
    field("ID", n.id);
    details.appendChild(dl);

    details.appendChild(el("h3", { text: "文件 Documents (" + n.kgDocs.length + ")" }));
    var ol = el("ol", { className: "kg-docs" });
    n.kgDocs.forEach(function (i) {
      var li = el("li", { text: docLabel(i) });
      if (docs[i] && docs[i].title) { li.appendChild(el("span", { className: "name", text: docs[i].name })); }
      ol.appendChild(li);
    });
    details.appendChild(ol);

    var rels = edges.get({ filter: function (e) { return e.from === id || e.to === id; } });
    details.appendChild(el("h3", { text: "关系与证据 Relations (" + rels.length + ")" }));
    var LIMIT = 150;
    rels.slice(0, LIMIT).forEach(function (e) { details.appendChild(relationRow(e, id)); });
    if (rels.length > LIMIT) {
      details.appendChild(el("p", { className: "kg-more", text: "另有 " + (rels.length - LIMIT) + " 条关系未列出" }));
    }
  }

  function showEdge(id) {
    var e = edges.get(id);
    if (!e) { return; }
    var r = relInfo[e.kgPredicate] || { label: e.kgPredicate, directed: true };
    clear(details);
    details.appendChild(el("h2", { text: r.label + " " + e.kgPredicate }));
    var head = el("p", null, [nodeLink(e.from), r.directed ? " → " : " ↔ ", nodeLink(e.to)]);
    details.appendChild(head);
    details.appendChild(el("h3", { text: "证据 Evidence (" + e.kgEvidenceCount + ")" }));
    details.appendChild(evidenceList(e, namesOf(e.from).concat(namesOf(e.to)), e.kgEvidence.length));
  }

  function showHint() {
    clear(details);
    details.appendChild(el("p", { className: "kg-hint", text: "点击节点或关系查看详情与证据句。" }));
  }

  network.on("click", function (params) {
    if (params.nodes.length) { showNode(params.nodes[0]); }
    else if (params.edges.length) { showEdge(params.edges[0]); }
    else { showHint(); }
  });

  // ------------------------------------------------------------------ search

  function selectNode(id) {
    var n = nodes.get(id);
    if (!n) { return false; }
    if (!nodeShown(n)) {  // make it visible: its type, all documents, the ordinary layout
      state.types[n.kgType] = true;
      if (!degree[id]) {
        state.isolated = true;
        document.getElementById("kg-isolated").checked = true;
      }
      var box = document.querySelector('#kg-types input[data-type="' + n.kgType + '"]');
      if (box) { box.checked = true; }
      if (state.doc !== null && n.kgDocs.indexOf(state.doc) < 0) {
        state.doc = null;
        document.getElementById("kg-document").value = "";
      }
      if (state.geo && !(n.kgType === "Place" && hasCoords(n))) { toggleGeo(); } else { refresh(); }
    }
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(network.getScale(), 1.0), animation: { duration: 300 } });
    showNode(id);
    return true;
  }

  function search(query) {
    var q = query.trim().toLowerCase();
    var results = document.getElementById("kg-results");
    clear(results);
    results.hidden = true;
    if (!q) { return []; }
    var exact = [], partial = [];
    nodes.forEach(function (n) {
      var names = [n.label].concat(n.kgAliases).map(function (s) { return s.toLowerCase(); });
      if (n.id.toLowerCase() === q || names.indexOf(q) >= 0) { exact.push(n); }
      else if (names.some(function (s) { return s.indexOf(q) >= 0; })) { partial.push(n); }
    });
    function rank(a, b) {
      return (b.kgDocs.length - a.kgDocs.length) || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0);
    }
    exact.sort(rank); partial.sort(rank);
    var found = exact.concat(partial);
    if (found.length === 0) {
      results.appendChild(el("p", { className: "kg-more", text: "没有找到：" + query }));
      results.hidden = false;
      return [];
    }
    if (found.length > 1) {
      results.appendChild(el("h3", { text: "搜索结果 (" + found.length + ")" }));
      var ol = el("ol");
      found.slice(0, 20).forEach(function (n) {
        var li = el("li", null, [nodeLink(n.id), " "]);
        li.appendChild(el("span", { className: "kg-more", text: (typeInfo[n.kgType] || { label: n.kgType }).label }));
        ol.appendChild(li);
      });
      results.appendChild(ol);
      results.hidden = false;
    }
    selectNode(found[0].id);
    return found.map(function (n) { return n.id; });
  }

  function fillNames() {
    var list = document.getElementById("kg-names");
    var seen = {};
    var frag = document.createDocumentFragment();
    nodes.forEach(function (n) {
      [n.label].concat(n.kgAliases).forEach(function (s) {
        if (seen[s]) { return; }
        seen[s] = true;
        var o = document.createElement("option");
        o.value = s;
        frag.appendChild(o);
      });
    });
    list.appendChild(frag);
  }

  document.getElementById("kg-search").addEventListener("submit", function (ev) {
    ev.preventDefault();
    search(document.getElementById("kg-search-input").value);
  });
  document.getElementById("kg-geo").addEventListener("click", toggleGeo);
  document.getElementById("kg-fit").addEventListener("click", function () { network.fit(); });
  document.getElementById("kg-reset").addEventListener("click", resetFilters);

  buildFilters();
  updateStatus();
  // the name list for the search box can wait until the graph is on screen
  network.once("afterDrawing", function () { setTimeout(fillNames, 0); });
  if (data.focus.length) {
    var first = data.focus[0];
    network.once("afterDrawing", function () { network.selectNodes([first]); showNode(first); });
  }

  window.kgNodes = nodes;
  window.kgEdges = edges;
  window.kgNetwork = network;
  window.kgSelect = selectNode;
  window.kgSearch = search;
})();
