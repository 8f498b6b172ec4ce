/* policy-kg interactive graph.
 *
 * Reads the graph from the JSON in #kg-data and draws it with vis-network.
 * Every string that comes from a document is put into the page with
 * textContent or as a text node, never as HTML.
 *
 * What is drawn: the first view shows the most connected entities (data.core
 * of them; the whole graph when it is no larger), labelled where the labels fit
 * at the current zoom (the others on hover); the neighbours of an entity are
 * folded into it ("+3" after its name) until it is expanded (double-click, or
 * the button in the side panel). "显示全部" draws every connected entity.
 * Entities without relations are listed (and searchable) in the left panel.
 * Every change of filter or view lays the drawn part out anew.
 *
 * Filters compose in nodePasses/edgePasses: entity types, relations, one
 * document, and minimum values of numeric fields (state.min; the confidence
 * slider sets state.min.kgConfidence). A relation below a minimum is hidden;
 * an entity below it stays drawn while a relation that is shown links it.
 *
 * Globals for tests and scripting: kgNodes, kgEdges (vis DataSets),
 * kgNetwork (vis Network), kgReady (true once the layout has settled and the
 * first frame is drawn), kgReadyTime (ms since navigation start), kgSelect(id),
 * kgSearch(text), kgExpand(id), kgVisible() (ids drawn), kgShownEdges() (ids of
 * the lines drawn), kgMinConfidence(x) (what the slider does), kgYear(y) (what the
 * time slider does: the network up to year y, null for all), kgLabelSizes()
 * (on-screen font size in px of each label drawn inside the canvas).
 */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var docs = data.documents;
  var sentences = data.sentences;  /* each evidence sentence once; an evidence holds its index */
  var typeInfo = {};
  data.types.forEach(function (t) { typeInfo[t.type] = t; });
  var relInfo = {};
  data.relations.forEach(function (r) { relInfo[r.predicate] = r; });
  var FONT = data.options.nodes.font.size;
  var PHYSICS_MAX = data.physicsMax;   // drawn entities up to which a layout is computed live

  // entities without any relation: listed on the left, drawn only when asked for
  var degree = {};
  data.edges.forEach(function (e) {
    degree[e.from] = (degree[e.from] || 0) + 1;
    degree[e.to] = (degree[e.to] || 0) + 1;
  });
  var isolatedIds = data.nodes.filter(function (n) { return !degree[n.id]; })
    .map(function (n) { return n.id; });
  var isolatedCount = isolatedIds.length;
  var isolatedDefault = !(isolatedCount > 0 && data.edges.length > 0);

  function freshState() {
    var st = {
      isolated: isolatedDefault,  // unconnected entities drawn
      types: {},      // entity type -> shown
      relations: {},  // predicate -> shown
      doc: null,      // document index or null for all
      min: {},        // numeric field -> minimum value (nodes and edges that have the field)
      geo: false,
      all: false,     // every connected entity, not only the most connected ones
      expanded: {},   // id -> true: its neighbours are drawn
      pinned: {},     // id -> true: drawn whatever the view (found by search, picked from a list)
      year: null      // the time slider: only relations stated up to this year (null: all)
    };
    data.types.forEach(function (t) { st.types[t.type] = true; });
    data.relations.forEach(function (r) { st.relations[r.predicate] = true; });
    data.focus.forEach(function (id) { st.pinned[id] = true; st.expanded[id] = true; });
    return st;
  }
  var state = freshState();
  var visible = {};   // id -> true: the entities drawn now
  var hidden = {};    // id -> number of neighbours of a drawn entity that are not drawn

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

  /* A confidence as shown: four decimals. */
  function confText(x) { return typeof x === "number" ? x.toFixed(4) : "—"; }

  /* A minimum as the slider shows it: two decimals (four when it has more). */
  function minText(x) {
    return Math.abs(x * 100 - Math.round(x * 100)) < 1e-9 ? x.toFixed(2) : x.toFixed(4);
  }

  function namesOf(id) {
    var n = nodes.get(id);
    return n ? [n.kgName].concat(n.kgAliases || []) : [];
  }

  // ------------------------------------------------------------------ what is drawn

  function hasCoords(n) { return n.kgLon !== null && n.kgLon !== undefined && n.kgLat !== null && n.kgLat !== undefined; }

  function passesMin(item) {
    return Object.keys(state.min).every(function (k) {
      return item[k] === undefined || item[k] === null || item[k] >= state.min[k];
    });
  }

  /* The filters of types, document and map, whatever the view and the minimums. */
  function nodeFilters(n) {
    if (!state.types[n.kgType]) { return false; }
    if (state.doc !== null && n.kgDocs.indexOf(state.doc) < 0) { return false; }
    if (state.geo && !(n.kgType === "Place" && hasCoords(n))) { return false; }
    return true;
  }

  /* The filters alone (types, document, minimums), whatever the view. */
  function nodePasses(n) { return nodeFilters(n) && passesMin(n); }

  function edgePasses(e) {
    if (!state.relations[e.kgPredicate]) { return false; }
    // the time slider: relations first stated after the year are hidden (those
    // without a year, such as gazetteer facts, always hold)
    if (state.year !== null && e.kgYear !== null && e.kgYear !== undefined && e.kgYear > state.year) { return false; }
    if (state.doc !== null && e.kgDocs.indexOf(state.doc) < 0) { return false; }
    return passesMin(e);
  }

  function importance(id) {
    var n = nodes.get(id);
    return [-(adjacency[id] ? Object.keys(adjacency[id]).length : 0), -n.kgDocs.length, id];
  }

  function byImportance(a, b) {
    var x = importance(a), y = importance(b);
    for (var i = 0; i < x.length; i++) {
      if (x[i] < y[i]) { return -1; }
      if (x[i] > y[i]) { return 1; }
    }
    return 0;
  }

  var adjacency = {};  // id -> {neighbour id: true}, over entities and relations that pass

  /* Whether a relation that passes every filter links an entity (to one that passes
     the filters of types, document and map). */
  function linkedByShownEdge(id) {
    return edges.get({ filter: function (e) {
      return (e.from === id || e.to === id) && e.from !== e.to && edgePasses(e);
    } }).some(function (e) {
      var a = nodes.get(e.from), b = nodes.get(e.to);
      return a && b && nodeFilters(a) && nodeFilters(b);
    });
  }

  /* Decide which entities are drawn: the filters, then the view. */
  function computeVisible() {
    var passing = {};
    var base = {};
    nodes.forEach(function (n) {
      if (!nodeFilters(n)) { return; }
      base[n.id] = true;
      if (passesMin(n)) { passing[n.id] = true; }
    });
    // an entity below a minimum stays while a relation that passes links it
    edges.forEach(function (e) {
      if (base[e.from] && base[e.to] && e.from !== e.to && edgePasses(e)) {
        passing[e.from] = true;
        passing[e.to] = true;
      }
    });
    adjacency = {};
    Object.keys(passing).forEach(function (id) { adjacency[id] = {}; });
    edges.forEach(function (e) {
      if (passing[e.from] && passing[e.to] && e.from !== e.to && edgePasses(e)) {
        adjacency[e.from][e.to] = true;
        adjacency[e.to][e.from] = true;
      }
    });
    // entities with relations in the graph (even if the filters hide them all)
    var connected = Object.keys(passing).filter(function (id) { return !!degree[id]; });
    var show = {};
    if (state.geo || state.all || state.doc !== null || connected.length <= data.core) {
      connected.forEach(function (id) { show[id] = true; });
    } else {
      connected.sort(byImportance).slice(0, data.core).forEach(function (id) { show[id] = true; });
    }
    Object.keys(passing).forEach(function (id) {
      if (state.pinned[id] || (state.geo && passing[id])) { show[id] = true; }
      if (state.isolated && !degree[id]) { show[id] = true; }
    });
    Object.keys(state.expanded).forEach(function (id) {
      if (!passing[id]) { return; }
      show[id] = true;
      Object.keys(adjacency[id]).forEach(function (nb) { show[nb] = true; });
    });
    visible = show;
    hidden = {};
    Object.keys(show).forEach(function (id) {
      var k = 0;
      Object.keys(adjacency[id] || {}).forEach(function (nb) { if (!show[nb]) { k += 1; } });
      hidden[id] = k;
    });
  }

  var nodeView = new vis.DataView(nodes, { filter: function (n) { return !!visible[n.id]; } });
  var edgeView = new vis.DataView(edges, {
    filter: function (e) { return !!(visible[e.from] && visible[e.to]) && edgePasses(e); }
  });

  // ------------------------------------------------------------------ counts

  function countsLine() {
    var c = data.counts;
    var text = "共 " + c.entities + " 个实体，" + c.relations + " 条关系（来自 " + docs.length +
      " 篇文件；同一关系出现在多篇文件中时计多次，图上画成 " + c.lines + " 条线）";
    return text;
  }

  function updateStatus() {
    var shownEdges = edgeView.length;
    var text = "显示 " + nodeView.length + " / " + nodes.length + " 个实体，" +
      shownEdges + " / " + edges.length + " 条线";
    var connected = Object.keys(adjacency).filter(function (id) {
      return Object.keys(adjacency[id]).length > 0;
    }).length;
    if (!state.all && !state.geo && state.doc === null && connected > data.core) {
      text += "。首屏只画关系最多的 " + data.core + " 个实体：双击节点展开其邻居，或点“显示全部”";
    }
    if (!state.isolated && !state.geo && isolatedCount) {
      text += "（" + isolatedCount + " 个无关系的实体列在左侧）";
    }
    if (state.geo) {
      text += "。地理布局：只显示有坐标的地点";
    }
    if (state.year !== null) {
      text += "。只显示 " + state.year + " 年及以前陈述的关系，红色粗线为 " + state.year + " 年新出现的关系";
    }
    if (state.min.kgConfidence > 0) {
      text += "。只显示置信度 ≥ " + minText(state.min.kgConfidence) + " 的关系（及有这些关系或自身达到该值的实体）";
    }
    document.getElementById("kg-status").textContent = text;
    var all = document.getElementById("kg-all");
    all.setAttribute("aria-pressed", state.all ? "true" : "false");
  }

  // ------------------------------------------------------------------ labels

  function displayName(id) {
    var n = nodes.get(id);
    var k = hidden[id] || 0;
    return n.kgName + (k > 0 && !state.geo ? " +" + k : "");
  }

  function fontSize(id) {
    var nb = adjacency[id] ? Object.keys(adjacency[id]).length : 0;
    if (state.geo) {  // a map keeps its lettering and symbols the same size on screen
      return Math.round(10 * (12 + Math.min(4, Math.sqrt(nb))) / network.getScale()) / 10;
    }
    return Math.round(FONT + Math.min(8, 2 * Math.sqrt(nb)));
  }

  function geoSize(n) {
    return Math.round(10 * (3 + 1.5 * Math.sqrt(n.kgDocs.length)) / network.getScale()) / 10;
  }

  var labelled = {};   // id -> label text drawn now
  var hovered = null;

  /* Boxes on screen, bucketed in a grid, to find overlaps quickly. */
  function boxGrid() {
    var CELL = 80, cells = {};
    function each(b, f) {
      for (var i = Math.floor(b[0] / CELL); i <= Math.floor(b[2] / CELL); i++) {
        for (var j = Math.floor(b[1] / CELL); j <= Math.floor(b[3] / CELL); j++) {
          if (f(i + "," + j)) { return true; }
        }
      }
      return false;
    }
    return {
      add: function (b) { each(b, function (k) { (cells[k] = cells[k] || []).push(b); return false; }); },
      hits: function (b) {
        return each(b, function (k) {
          return (cells[k] || []).some(function (c) {
            return !(b[2] < c[0] || c[2] < b[0] || b[3] < c[1] || c[3] < b[1]);
          });
        });
      }
    };
  }

  /* Labels for the entities that matter at the current zoom, where they fit:
     the most connected first, each only if it overlaps no label already placed;
     the others show their name on hover. */
  function updateLabels() {
    if (state.geo) {
      nodes.update(nodeView.getIds().map(function (id) { return { id: id, size: geoSize(nodes.get(id)) }; }));
    }
    var scale = network.getScale();
    var ids = nodeView.getIds().sort(byImportance);
    var pos = network.getPositions(ids);
    var canvas = container.getBoundingClientRect();
    var placed = boxGrid();
    var selected = {};
    network.getSelectedNodes().forEach(function (id) { selected[id] = true; });
    var changes = [];
    var want = {};
    ids.forEach(function (id) {  // the entities themselves: no label covers one (but map dots)
      if (state.geo) { return; }
      var q = network.canvasToDOM(pos[id]);
      var r = (nodes.get(id).size || 10) * scale;
      placed.add([q.x - r, q.y - r, q.x + r, q.y + r]);
    });
    ids.forEach(function (id) {
      var text = displayName(id);
      var px = fontSize(id) * scale;
      var p = network.canvasToDOM(pos[id]);
      var n = nodes.get(id);
      var w = 0;
      for (var i = 0; i < text.length; i++) { w += text.charCodeAt(i) > 255 ? px : px * 0.6; }
      var top = p.y + (n.size || 10) * scale + 1;
      var box = [p.x - w / 2, top, p.x + w / 2, top + px * 1.25];
      var onScreen = box[2] > 0 && box[0] < canvas.width && box[3] > 0 && box[1] < canvas.height;
      var free = !placed.hits(box);
      if (selected[id] || id === hovered || (px >= 7 && free)) {
        want[id] = text;
        if (onScreen) { placed.add(box); }
      } else {
        want[id] = "";
      }
    });
    ids.forEach(function (id) {
      var size = fontSize(id);
      var n = nodes.get(id);
      var change = null;
      if (labelled[id] !== want[id] || !n.font || n.font.size !== size) {
        change = { id: id, label: want[id], font: { size: size } };
        labelled[id] = want[id];
      }
      if (state.geo && n.size !== geoSize(n)) {
        change = change || { id: id };
        change.size = geoSize(n);
      }
      if (change) { changes.push(change); }
    });
    if (changes.length) { nodes.update(changes); }
  }

  /* Font size in screen pixels of each label drawn inside the canvas. */
  function labelSizes() {
    var scale = network.getScale();
    var canvas = container.getBoundingClientRect();
    var ids = nodeView.getIds();
    var pos = network.getPositions(ids);
    var out = {};
    ids.forEach(function (id) {
      var n = nodes.get(id);
      if (!n.label) { return; }
      var p = network.canvasToDOM(pos[id]);
      if (p.x < 0 || p.y < 0 || p.x > canvas.width || p.y > canvas.height) { return; }
      out[id] = ((n.font && n.font.size) || FONT) * scale;
    });
    return out;
  }

  var labelTimer = null;
  function labelsSoon() {
    if (labelTimer) { clearTimeout(labelTimer); }
    labelTimer = setTimeout(function () { labelTimer = null; updateLabels(); }, 120);
  }

  // ------------------------------------------------------------------ network and layout

  var container = document.getElementById("kg-network");
  computeVisible();
  nodeView.refresh();
  edgeView.refresh();
  var startPhysics = nodeView.length <= PHYSICS_MAX;
  var options = JSON.parse(JSON.stringify(data.options));
  options.physics.enabled = startPhysics;
  options.physics.stabilization.enabled = startPhysics;
  var network = new vis.Network(container, { nodes: nodeView, edges: edgeView }, options);

  function markReady() {
    if (window.kgReady) { return; }
    window.kgReady = true;
    window.kgReadyTime = performance.now();
    document.body.setAttribute("data-ready", "1");
  }

  var settling = false;
  /* Lay the drawn part out again: a short physics run from where the entities are
     (each new one next to a drawn neighbour), then fit; a large part keeps the
     precomputed, seeded positions. */
  function relayout(done) {
    var n = nodeView.length;
    var finish = function () {
      network.setOptions({ physics: { enabled: false } });
      network.fit({ animation: false });
      updateLabels();
      settling = false;
      if (done) { done(); }
    };
    if (state.geo || n > PHYSICS_MAX || n === 0) {
      network.setOptions({ physics: { enabled: false } });
      finish();
      return;
    }
    settling = true;
    network.setOptions({ physics: { enabled: true, stabilization: { enabled: true, iterations: 300, fit: true } } });
    network.once("stabilizationIterationsDone", finish);
    network.stabilize(n > 150 ? 200 : 300);
  }

  /* Place entities about to be drawn next to a drawn neighbour (around it). */
  function placeNear(before) {
    var pos = network.getPositions(Object.keys(before));
    var byAnchor = {};
    Object.keys(visible).forEach(function (id) {
      if (before[id]) { return; }
      var anchor = Object.keys(adjacency[id] || {}).filter(function (nb) { return before[nb]; }).sort(byImportance)[0];
      if (anchor) { (byAnchor[anchor] = byAnchor[anchor] || []).push(id); }
    });
    var moves = [];
    Object.keys(byAnchor).forEach(function (anchor) {
      var list = byAnchor[anchor].sort();
      var r = 90 + 12 * Math.sqrt(list.length) * 6;
      list.forEach(function (id, i) {
        var a = 2 * Math.PI * i / list.length;
        moves.push({ id: id, x: pos[anchor].x + r * Math.cos(a), y: pos[anchor].y + r * Math.sin(a) });
      });
    });
    if (moves.length) { nodes.update(moves); }
  }

  /* Keep the drawn positions in the data, so that an entity hidden and drawn again
     comes back where it was. */
  function remember() {
    var pos = network.getPositions(nodeView.getIds());
    nodes.update(Object.keys(pos).map(function (id) { return { id: id, x: pos[id].x, y: pos[id].y }; }));
  }

  /* Apply the state: what is drawn, the counts, the layout and the labels. */
  function update(options) {
    var opts = options || {};
    if (!state.geo) { remember(); }
    var before = {};
    Object.keys(visible).forEach(function (id) { before[id] = true; });
    computeVisible();
    if (!state.geo) { placeNear(before); }
    nodeView.refresh();
    edgeView.refresh();
    updateStatus();
    if (opts.layout === false) { updateLabels(); if (opts.done) { opts.done(); } }
    else { relayout(opts.done); }
  }

  function expand(id, open) {
    var was = !!state.expanded[id];
    var now = open === undefined ? !was : open;
    if (now) { state.expanded[id] = true; } else { delete state.expanded[id]; }
    state.pinned[id] = true;
    update();
    return now;
  }

  function expandControl(id) {
    var k = hidden[id] || 0;
    var open = !!state.expanded[id];
    var b = el("button", { type: "button", className: "kg-expand", "data-id": id,
      text: open ? "收起邻居 Fold neighbours" : "展开邻居 Expand neighbours (+" + k + ")" });
    if (!open && k === 0) { b.disabled = true; }
    b.addEventListener("click", function () { expand(id); showNode(id); });
    return b;
  }

  network.on("doubleClick", function (params) {
    if (params.nodes.length) { expand(params.nodes[0]); showNode(params.nodes[0]); }
  });
  network.on("zoom", labelsSoon);
  network.on("dragEnd", function () { if (!settling) { labelsSoon(); } });
  network.on("hoverNode", function (params) {
    hovered = params.node;
    nodes.update({ id: params.node, label: displayName(params.node) });
    labelled[params.node] = displayName(params.node);
  });
  network.on("blurNode", function () { hovered = null; labelsSoon(); });

  if (startPhysics) {
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({ physics: { enabled: false } });
      network.fit({ animation: false });
      updateLabels();
      network.once("afterDrawing", markReady);
      network.redraw();
    });
  } else {
    network.once("afterDrawing", function () {
      updateLabels();
      network.once("afterDrawing", markReady);
      network.redraw();
    });
  }

  // ------------------------------------------------------------------ geographic layout

  var outlines = data.outlines || [];
  var proj = null;   // lon/lat -> canvas units of the geographic layout

  function project(lon, lat) {
    return { x: (lon - proj.lon0) * proj.cos * proj.k, y: -(lat - proj.lat0) * proj.k };
  }

  network.on("beforeDrawing", function (ctx) {
    if (!state.geo || !proj || !outlines.length) { return; }
    ctx.save();
    ctx.lineJoin = "round";
    outlines.forEach(function (o) {
      ctx.beginPath();
      o.rings.forEach(function (ring) {
        for (var i = 0; i < ring.length; i += 2) {
          var p = project(ring[i], ring[i + 1]);
          if (i === 0) { ctx.moveTo(p.x, p.y); } else { ctx.lineTo(p.x, p.y); }
        }
        ctx.closePath();
      });
      ctx.fillStyle = o.level === "province" ? "#f3f1ea" : "rgba(0,0,0,0)";
      ctx.fill("evenodd");
      ctx.lineWidth = (o.level === "province" ? 1.2 : 0.6) / network.getScale();
      ctx.strokeStyle = o.level === "province" ? "#9a9486" : "#c9c4b8";
      ctx.stroke();
    });
    ctx.fillStyle = "#8d877a";
    ctx.textAlign = "center";
    ctx.font = (12 / network.getScale()) + "px " + data.options.nodes.font.face;
    outlines.forEach(function (o) {
      if (o.level !== "province" || !o.label) { return; }
      var p = project(o.label[0], o.label[1]);
      ctx.fillText(o.name, p.x, p.y);
    });
    ctx.restore();
  });

  function toggleGeo() {
    var button = document.getElementById("kg-geo");
    if (!state.geo) {
      var places = nodes.get({ filter: function (n) { return n.kgType === "Place" && hasCoords(n); } });
      if (places.length === 0) {
        document.getElementById("kg-status").textContent = "没有带坐标的地点，无法使用地理布局。";
        return;
      }
      remember();
      var lon0 = 0, lat0 = 0;
      places.forEach(function (n) { lon0 += n.kgLon; lat0 += n.kgLat; });
      lon0 /= places.length; lat0 /= places.length;
      proj = { lon0: lon0, lat0: lat0, cos: Math.cos(lat0 * Math.PI / 180), k: 120 };  // units per degree
      state.saved = network.getPositions();
      nodes.update(places.map(function (n) {
        var p = project(n.kgLon, n.kgLat);
        return { id: n.id, x: p.x, y: p.y, kgSize: n.kgSize || n.size };
      }));
      state.geo = true;
    } else {
      var saved = state.saved || {};
      nodes.update(Object.keys(saved).map(function (id) {
        var n = nodes.get(id);
        return { id: id, x: saved[id].x, y: saved[id].y, size: n.kgSize || n.size, font: { size: FONT } };
      }));
      state.geo = false;
    }
    network.setOptions({ physics: { enabled: false },
                         edges: { smooth: state.geo ? { enabled: false } : data.options.edges.smooth } });
    button.setAttribute("aria-pressed", state.geo ? "true" : "false");
    update({ layout: !state.geo ? true : false, done: null });
    if (state.geo) { fitMap(); }
  }

  /* The map fitted to the places in China (those abroad stay drawn, off the frame). */
  function fitMap() {
    var inside = nodeView.getIds().filter(function (id) {
      var n = nodes.get(id);
      return n.kgLon > 73 && n.kgLon < 136 && n.kgLat > 3 && n.kgLat < 54;
    });
    network.fit({ nodes: inside.length ? inside : nodeView.getIds(), animation: false });
    updateLabels();
  }

  // ------------------------------------------------------------------ side panel

  var details = document.getElementById("kg-details");

  function nodeLink(id) {
    var n = nodes.get(id);
    var b = el("button", { type: "button", className: "kg-link", text: n ? n.kgName : id });
    b.addEventListener("click", function () { selectNode(id); });
    return b;
  }

  function evidenceList(e, names, limit) {
    var box = document.createDocumentFragment();
    e.kgEvidence.slice(0, limit).forEach(function (ev) {
      var q = el("blockquote", { className: "kg-evidence" });
      var said = ev[1] >= 0 ? sentences[ev[1]] : "";
      if (ev[2] === "gazetteer" && !said) {
        q.appendChild(document.createTextNode("地名表知识（非文本陈述） gazetteer"));
      } else {
        q.appendChild(highlighted(said, names));
      }
      var src = (ev[0] >= 0 ? "— " + docLabel(ev[0]) + " · " : "— ") + "置信度 " + confText(ev[3]);
      q.appendChild(el("span", { className: "src", text: src }));
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
    head.appendChild(el("span", { className: "kg-conf", text: " 置信度 " + confText(e.kgConfidence) }));
    var row = el("div", { className: "kg-rel" }, [head]);
    row.appendChild(evidenceList(e, namesOf(e.from).concat(namesOf(e.to)), 3));
    return row;
  }

  // lines of a corrections file (kg build --corrections FILE) for what is shown: the
  // researcher copies one, fills in the value or note, and the next build applies it
  function correctionBox(lines) {
    var box = el("div", { className: "kg-correction" });
    box.appendChild(el("h3", { text: "校正 Correction (corrections.tsv)" }));
    var area = el("textarea", { readonly: "readonly", rows: String(lines.length), spellcheck: "false" });
    area.value = lines.join("\n");
    box.appendChild(area);
    var copy = el("button", { type: "button", className: "kg-copy", text: "复制 Copy" });
    copy.addEventListener("click", function () {
      area.focus();
      area.select();
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(area.value).catch(function () { document.execCommand("copy"); });
      } else {
        document.execCommand("copy");
      }
    });
    box.appendChild(copy);
    box.appendChild(el("p", { className: "kg-hint", text: "action\ttarget\tvalue\tnote: keep one line, fill in the value and the note." }));
    return box;
  }

  function nodeCorrections(n) {
    return [
      ["rename", n.id, n.kgName, ""].join("\t"),
      ["retype", n.id, n.kgType, ""].join("\t"),
      ["merge", n.id, "", ""].join("\t"),
      ["drop-entity", n.id, "", ""].join("\t")
    ];
  }

  function edgeCorrections(e) {
    var rel = e.from + "|" + e.kgPredicate + "|" + e.to;
    return [["drop-relation", rel, "", ""].join("\t")];
  }

  function typeBadge(type) {
    var t = typeInfo[type] || { label: type, shape: "dot", color: "#999" };
    return el("span", { className: "kg-badge" }, [shapeIcon(t.shape, t.color), t.label + " " + type]);
  }

  function showNode(id) {
    var n = nodes.get(id);
    if (!n) { return; }
    clear(details);
    details.appendChild(el("h2", { text: n.kgName }));
    details.appendChild(typeBadge(n.kgType));
    var dl = el("dl", { className: "kg-fields" });
    function field(k, v) { dl.appendChild(el("dt", { text: k })); dl.appendChild(el("dd", { text: v })); }
    field("名称", n.kgName);
    field("别名", n.kgAliases.length ? n.kgAliases.join("、") : "—");
    if (n.kgCode) { field("区划代码", n.kgCode); }
    if (hasCoords(n)) { field("坐标", n.kgLon.toFixed(4) + ", " + n.kgLat.toFixed(4)); }
    field("置信度", confText(n.kgConfidence));
    field("ID", n.id);
    details.appendChild(dl);
    details.appendChild(expandControl(id));

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
    details.appendChild(correctionBox(nodeCorrections(n)));
  }

  function showEdge(id) {
    var e = edges.get(id);
    if (!e) { return; }
    var r = relInfo[e.kgPredicate] || { label: e.kgPredicate, directed: true };
    clear(details);
    details.appendChild(el("h2", { text: r.label + " " + e.kgPredicate }));
    var head = el("p", null, [nodeLink(e.from), r.directed ? " → " : " ↔ ", nodeLink(e.to)]);
    details.appendChild(head);
    var dl = el("dl", { className: "kg-fields" }, [
      el("dt", { text: "置信度" }), el("dd", { className: "kg-edge-confidence", text: confText(e.kgConfidence) })
    ]);
    details.appendChild(dl);
    details.appendChild(el("h3", { text: "证据 Evidence (" + e.kgEvidenceCount + ")" }));
    details.appendChild(evidenceList(e, namesOf(e.from).concat(namesOf(e.to)), e.kgEvidence.length));
    details.appendChild(correctionBox(edgeCorrections(e)));
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

  // ------------------------------------------------------------------ filters

  function buildFilters() {
    var tl = document.getElementById("kg-types");
    data.types.forEach(function (t) {
      var box = el("input", { type: "checkbox", "data-type": t.type });
      box.checked = true;
      box.addEventListener("change", function () { state.types[t.type] = box.checked; update(); });
      tl.appendChild(el("li", null, [el("label", null, [
        box, shapeIcon(t.shape, t.color), el("span", { text: t.label + " " + t.type }),
        el("span", { className: "count", "data-type": t.type, text: String(t.count) })
      ])]));
    });
    var rl = document.getElementById("kg-relations");
    data.relations.forEach(function (r) {
      var box = el("input", { type: "checkbox", "data-predicate": r.predicate });
      box.checked = true;
      box.addEventListener("change", function () { state.relations[r.predicate] = box.checked; update(); });
      rl.appendChild(el("li", null, [el("label", { title: r.count + " 条陈述，画成 " + r.lines + " 条线" }, [
        box, lineIcon(r.color, r.directed), el("span", { text: r.label + " " + r.predicate }),
        el("span", { className: "count", "data-predicate": r.predicate, text: String(r.count) })
      ])]));
    });
    var iso = document.getElementById("kg-isolated");
    iso.checked = state.isolated;
    document.getElementById("kg-isolated-count").textContent = String(isolatedCount);
    iso.addEventListener("change", function () { state.isolated = iso.checked; update(); });
    var sel = document.getElementById("kg-document");
    docs.forEach(function (d, i) {
      var o = document.createElement("option");
      o.value = String(i);
      o.textContent = docLabel(i) + (d.title ? " (" + d.name + ")" : "");
      sel.appendChild(o);
    });
    sel.addEventListener("change", function () {
      state.doc = sel.value === "" ? null : parseInt(sel.value, 10);
      update();
    });
    var conf = document.getElementById("kg-confidence");
    // the value shows while the slider moves; the graph follows once it is let go
    conf.addEventListener("input", function () { showMinConfidence(parseFloat(conf.value)); });
    conf.addEventListener("change", function () { setMinConfidence(parseFloat(conf.value)); });
    document.getElementById("kg-counts").textContent = countsLine();
  }

  // ------------------------------------------------------------------ time slider

  var baseStyle = {};  // edge id -> its colour and width before the slider marked it

  /* Show the network as stated up to year y (null: every relation); the lines first
     stated in y are drawn red and thicker. */
  function setYear(y) {
    var years = data.years;
    state.year = (y === null || !years || y >= years[1] + 1) ? null : Math.max(years[0], y);
    var label = document.getElementById("kg-year-value");
    if (label) { label.textContent = state.year === null ? "全部 all" : String(state.year); }
    var changes = [];
    edges.forEach(function (e) {
      if (!(e.id in baseStyle)) { baseStyle[e.id] = { color: e.color, width: e.width }; }
      var fresh = state.year !== null && e.kgYear === state.year;
      changes.push({
        id: e.id,
        color: fresh ? "#d62728" : baseStyle[e.id].color,
        width: fresh ? baseStyle[e.id].width + 2 : baseStyle[e.id].width
      });
    });
    edges.update(changes);
    update();
  }

  function buildYearSlider() {
    var box = document.getElementById("kg-time");
    var input = document.getElementById("kg-year");
    if (!box || !input) { return; }
    if (!data.years) { box.hidden = true; return; }
    input.min = String(data.years[0]);
    input.max = String(data.years[1] + 1);  // the last step: every relation
    input.value = input.max;
    document.getElementById("kg-year-value").textContent = "全部 all";
    input.addEventListener("input", function () {
      var v = parseInt(input.value, 10);
      document.getElementById("kg-year-value").textContent = v > data.years[1] ? "全部 all" : String(v);
    });
    input.addEventListener("change", function () { setYear(parseInt(input.value, 10)); });
  }

  function showMinConfidence(x) {
    document.getElementById("kg-confidence-value").textContent = minText(x);
  }

  /* Hide the relations below confidence x (0 shows every one), and the entities
     then left without any shown relation whose own confidence is below x too. */
  function setMinConfidence(x) {
    var v = isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
    if (v > 0) { state.min.kgConfidence = v; } else { delete state.min.kgConfidence; }
    document.getElementById("kg-confidence").value = String(v);
    showMinConfidence(v);
    update();
  }

  // ------------------------------------------------------------------ entities without relations

  function buildIsolatedList() {
    var box = document.getElementById("kg-isolated-list");
    var list = document.getElementById("kg-isolated-items");
    var filter = document.getElementById("kg-isolated-filter");
    if (!isolatedCount) { box.hidden = true; return; }
    document.getElementById("kg-isolated-summary-count").textContent = String(isolatedCount);
    var items = isolatedIds.slice().sort(function (a, b) {
      var x = nodes.get(a), y = nodes.get(b);
      return x.kgType < y.kgType ? -1 : x.kgType > y.kgType ? 1 : (x.kgName < y.kgName ? -1 : x.kgName > y.kgName ? 1 : 0);
    }).map(function (id) {
      var n = nodes.get(id);
      var t = typeInfo[n.kgType] || { shape: "dot", color: "#999" };
      var b = el("button", { type: "button", className: "kg-link", "data-id": id, text: n.kgName });
      b.addEventListener("click", function () { selectNode(id); });
      var li = el("li", null, [shapeIcon(t.shape, t.color), b]);
      li.setAttribute("data-names", [n.kgName].concat(n.kgAliases).join("\n").toLowerCase());
      list.appendChild(li);
      return li;
    });
    filter.addEventListener("input", function () {
      var q = filter.value.trim().toLowerCase();
      items.forEach(function (li) { li.hidden = q !== "" && li.getAttribute("data-names").indexOf(q) < 0; });
    });
  }

  // ------------------------------------------------------------------ search

  /* Draw and select an entity (its filters opened if needed), with its neighbours. */
  function selectNode(id) {
    var n = nodes.get(id);
    if (!n) { return false; }
    if (!nodePasses(n)) {  // open its type and the whole corpus; leave the map if needed
      state.types[n.kgType] = true;
      var box = document.querySelector('#kg-types input[data-type="' + n.kgType + '"]');
      if (box) { box.checked = true; }
      if (state.doc !== null && n.kgDocs.indexOf(state.doc) < 0) {
        state.doc = null;
        document.getElementById("kg-document").value = "";
      }
      if (state.geo && !(n.kgType === "Place" && hasCoords(n))) { toggleGeo(); }
    }
    if (!passesMin(n) && !linkedByShownEdge(id)) {  // lower the slider to the entity's confidence
      var low = Math.floor(n.kgConfidence * 100) / 100;
      if (low > 0) { state.min.kgConfidence = low; } else { delete state.min.kgConfidence; }
      document.getElementById("kg-confidence").value = String(low);
      showMinConfidence(low);
    }
    state.pinned[id] = true;
    if (!state.geo) { state.expanded[id] = true; }
    var finish = function () {
      network.selectNodes([id]);
      // close enough that labels read (12 px and more), never further out than now
      var scale = Math.max(network.getScale(), 13 / fontSize(id), state.geo ? 1.0 : 0.9);
      network.moveTo({ position: network.getPositions([id])[id], scale: scale, animation: false });
      updateLabels();
      showNode(id);
    };
    update({ layout: !state.geo, done: finish });
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
      var names = [n.kgName].concat(n.kgAliases).map(function (s) { return s.toLowerCase(); });
      if (n.id.toLowerCase() === q || names.indexOf(q) >= 0) { exact.push(n); }
      else if (names.some(function (s) { return s.indexOf(q) >= 0; })) { partial.push(n); }
    });
    function rank(a, b) {
      return (b.kgDocs.length - a.kgDocs.length) || (a.kgName < b.kgName ? -1 : a.kgName > b.kgName ? 1 : 0);
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
      [n.kgName].concat(n.kgAliases).forEach(function (s) {
        if (seen[s]) { return; }
        seen[s] = true;
        var o = document.createElement("option");
        o.value = s;
        frag.appendChild(o);
      });
    });
    list.appendChild(frag);
  }

  // ------------------------------------------------------------------ reset

  /* Back to the first view: every filter, expansion, search and selection cleared. */
  function resetAll() {
    var wasGeo = state.geo;
    if (wasGeo) { toggleGeo(); }
    state = freshState();
    document.querySelectorAll("#kg-types input, #kg-relations input").forEach(function (b) { b.checked = true; });
    document.getElementById("kg-isolated").checked = state.isolated;
    document.getElementById("kg-document").value = "";
    document.getElementById("kg-confidence").value = "0";
    showMinConfidence(0);
    var yearInput = document.getElementById("kg-year");
    if (yearInput && data.years) { yearInput.value = String(data.years[1] + 1); setYear(null); }
    document.getElementById("kg-search-input").value = "";
    var filter = document.getElementById("kg-isolated-filter");
    filter.value = "";
    filter.dispatchEvent(new Event("input"));
    var results = document.getElementById("kg-results");
    clear(results);
    results.hidden = true;
    network.unselectAll();
    showHint();
    // the first view's layout again: the positions it started from
    nodes.update(data.nodes.map(function (n) { return { id: n.id, x: n.x, y: n.y, size: n.size }; }));
    visible = {};
    update();
  }

  document.getElementById("kg-search").addEventListener("submit", function (ev) {
    ev.preventDefault();
    search(document.getElementById("kg-search-input").value);
  });
  document.getElementById("kg-geo").addEventListener("click", toggleGeo);
  document.getElementById("kg-fit").addEventListener("click", function () {
    if (state.geo) { fitMap(); } else { network.fit({ animation: false }); updateLabels(); }
  });
  document.getElementById("kg-all").addEventListener("click", function () {
    state.all = !state.all; update();
  });
  document.getElementById("kg-reset").addEventListener("click", resetAll);

  buildFilters();
  buildYearSlider();
  buildIsolatedList();
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
  window.kgExpand = expand;
  window.kgVisible = function () { return nodeView.getIds(); };
  window.kgShownEdges = function () { return edgeView.getIds(); };
  window.kgMinConfidence = setMinConfidence;
  window.kgYear = setYear;
  window.kgLabelSizes = labelSizes;
})();
