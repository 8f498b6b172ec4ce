"""The HTML graph in a real browser: Debian's Chromium driven by Playwright, offline.

Needs /usr/bin/chromium and the WenQuanYi Micro Hei font; ``scripts/setup-browser.sh``
installs both (``make test`` runs it first). Without Chromium these tests fail
with a message saying so: they never skip silently.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from html_fixtures import (
    AGENCY_ID,
    ALERT,
    ALERT_ID,
    FAR,
    FAR_NEIGHBOURS,
    PROBE_IDS,
    PROBES,
    QD,
    SIGNED,
    ZZ,
    overview_graph,
    sample_graph,
)

from kg.export.html import write_html

CHROMIUM = os.environ.get("KG_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not (Path(CHROMIUM).is_file() or shutil.which(CHROMIUM)):
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: run scripts/setup-browser.sh (as root) "
            "to install Debian's chromium and fonts-wqy-microhei, or set KG_CHROMIUM",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


class Page:
    """A page opened from file:// with every other request blocked and recorded."""

    def __init__(self, browser: Any, path: Path, viewport: tuple[int, int] = (1400, 900)) -> None:
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.console: list[str] = []
        self.context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
        self.page = self.context.new_page()
        self.context.route("**/*", self._route)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", self._console)
        self.page.on("dialog", self._dialog)
        self.page.goto(path.resolve().as_uri())
        self.page.wait_for_selector('body[data-ready="1"]', state="attached", timeout=20_000)

    def _route(self, route: Any) -> None:
        url = route.request.url
        if url.startswith("file:"):
            route.continue_()
        else:
            self.requests.append(url)
            route.abort()

    def _console(self, msg: Any) -> None:
        if msg.type in ("error", "warning"):
            self.console.append(f"{msg.type}: {msg.text}")

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def canvas_point(self, node_id: str) -> tuple[float, float]:
        """Page coordinates of a node's centre."""
        xy = self.page.evaluate(
            """id => {
                const net = window.kgNetwork;
                const p = net.getPositions([id])[id];
                const d = net.canvasToDOM(p);
                const r = document.querySelector('#kg-network canvas').getBoundingClientRect();
                return [r.left + d.x, r.top + d.y];
            }""",
            node_id,
        )
        return float(xy[0]), float(xy[1])

    def hover_node(self, node_id: str) -> None:
        """Bring the node to the middle of the view and rest the mouse on it."""
        self.page.evaluate(
            "id => window.kgNetwork.focus(id, {scale: 1.2, animation: false})", node_id
        )
        x, y = self.canvas_point(node_id)
        self.page.mouse.move(x - 30, y - 30)
        self.page.mouse.move(x, y, steps=3)
        self.page.wait_for_timeout(500)  # the tooltip appears after a short delay

    def click_node(self, node_id: str) -> None:
        self.hover_node(node_id)
        self.page.mouse.click(*self.canvas_point(node_id))

    def close(self) -> None:
        self.context.close()

    def assert_clean(self) -> None:
        assert self.requests == [], f"requests left the machine: {self.requests}"
        assert self.errors == [], f"page errors: {self.errors}"
        assert self.dialogs == [], f"injected script ran: {self.dialogs}"


@pytest.fixture(scope="module")
def sample_page(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Page]:
    out = tmp_path_factory.mktemp("html") / "graph.html"
    write_html(sample_graph(), out)
    page = Page(browser, out)
    yield page
    page.close()


def test_page_loads_offline_without_errors(sample_page: Page) -> None:
    p = sample_page.page
    assert p.locator("#kg-network canvas").count() == 1
    assert p.evaluate("window.kgNodes.length") == len(sample_graph().nodes)
    sample_page.assert_clean()
    assert sample_page.console == []


def test_search_finds_and_selects_zhengzhou(sample_page: Page) -> None:
    p = sample_page.page
    p.fill("#kg-search-input", "郑州")
    p.press("#kg-search-input", "Enter")
    p.wait_for_timeout(500)
    assert p.evaluate("window.kgNetwork.getSelectedNodes()") == [ZZ]
    assert p.locator("#kg-details h2").inner_text() == "郑州市"
    sample_page.assert_clean()


def test_click_on_node_shows_evidence(sample_page: Page, tmp_path: Path) -> None:
    p = sample_page.page
    sample_page.click_node(QD)
    p.wait_for_timeout(300)
    assert p.evaluate("window.kgNetwork.getSelectedNodes()") == [QD]
    panel = p.locator("#kg-details")
    assert panel.locator("h2").inner_text() == "青岛市"
    text = panel.inner_text()
    assert "370200" in text
    assert SIGNED[:30] in text  # the evidence sentence of 郑州市 cooperatesWith 青岛市
    assert "关于在郑州都市圈建设中推进中原城市群一体化的提案的答复" in text
    p.screenshot(path=str(tmp_path / "click-qingdao.png"))
    sample_page.assert_clean()


def test_xss_probes_stay_text_on_load_hover_and_click(sample_page: Page, tmp_path: Path) -> None:
    p = sample_page.page
    for pid, probe in zip(PROBE_IDS, PROBES, strict=True):
        sample_page.hover_node(pid)
        tooltip = p.locator("div.vis-tooltip")
        assert tooltip.is_visible()
        assert probe.strip() in tooltip.inner_text()
        p.mouse.click(*sample_page.canvas_point(pid))
        p.wait_for_timeout(300)
        assert p.evaluate("window.kgNetwork.getSelectedNodes()") == [pid]
        assert p.locator("#kg-details h2").text_content() == probe
    # the probe relation's evidence sentence and the probe document's title, as text
    sample_page.click_node(ZZ)
    p.wait_for_timeout(300)
    panel_text = p.locator("#kg-details").inner_text()
    assert PROBES[0] in panel_text
    assert "《" + PROBES[0] + PROBES[1] + "》" in panel_text
    p.select_option("#kg-document", index=2)
    p.select_option("#kg-document", index=0)
    p.screenshot(path=str(tmp_path / "probes.png"))
    injected = p.evaluate(
        "() => document.querySelectorAll('img, iframe, object, embed, svg[onload]').length"
    )
    handlers = p.evaluate(
        "() => [...document.querySelectorAll('*')].filter("
        "e => [...e.attributes].some(a => a.name.startsWith('on'))).length"
    )
    assert injected == 0
    assert handlers == 0
    assert p.evaluate("document.querySelectorAll('script').length") == 3
    sample_page.assert_clean()


def test_filters_and_geographic_layout(sample_page: Page, tmp_path: Path) -> None:
    p = sample_page.page
    total = len(sample_graph().nodes)
    p.click("#kg-reset")
    p.uncheck('#kg-types input[data-type="Place"]')
    shown = p.evaluate("window.kgNetwork.body.data.nodes.length")
    assert shown == total - 4  # the four places are hidden
    p.check('#kg-types input[data-type="Place"]')
    p.click("#kg-geo")
    p.wait_for_timeout(300)
    assert p.evaluate("window.kgNetwork.body.data.nodes.length") == 4
    pos = p.evaluate("window.kgNetwork.getPositions()")
    # east is right, north is up: 青岛 (120.4E, 36.1N) lies right of and above 郑州 (113.6E, 34.7N)
    assert pos[QD]["x"] > pos[ZZ]["x"]
    assert pos[QD]["y"] < pos[ZZ]["y"]
    p.screenshot(path=str(tmp_path / "geo.png"))
    p.click("#kg-geo")
    assert p.evaluate("window.kgNetwork.body.data.nodes.length") == total
    sample_page.assert_clean()


def _set_slider(p: Any, value: float) -> None:
    """Move the confidence slider to ``value`` as a user does: the value changes
    (``input``) and the slider is let go (``change``)."""
    p.evaluate(
        """v => {
            const s = document.getElementById('kg-confidence');
            s.value = String(v);
            s.dispatchEvent(new Event('input', {bubbles: true}));
            s.dispatchEvent(new Event('change', {bubbles: true}));
        }""",
        value,
    )
    p.wait_for_timeout(500)


def test_confidence_slider_hides_what_holds_less(sample_page: Page, shots: Path) -> None:
    p = sample_page.page
    p.click("#kg-reset")
    p.wait_for_timeout(300)
    lines = {e["id"]: e["kgConfidence"] for e in p.evaluate("window.kgEdges.get()")}
    nodes = {n["id"]: n["kgConfidence"] for n in p.evaluate("window.kgNodes.get()")}
    assert sorted(p.evaluate("window.kgShownEdges()")) == sorted(lines)
    x = 0.6
    below = {i for i, c in lines.items() if c < x}
    assert below and below != set(lines), "the sample has lines on both sides of 0.6"
    _set_slider(p, x)
    shown = set(p.evaluate("window.kgShownEdges()"))
    assert shown == set(lines) - below
    assert p.locator("#kg-confidence-value").inner_text() == "0.60"
    assert "置信度 ≥ 0.60" in p.locator("#kg-status").inner_text()
    # an entity below 0.6 stays only while a shown line links it
    drawn = set(p.evaluate("window.kgVisible()"))
    ends = {
        end
        for e in p.evaluate("window.kgEdges.get()")
        if e["id"] in shown
        for end in (e["from"], e["to"])
    }
    assert {AGENCY_ID, PROBE_IDS[2]}.isdisjoint(drawn)  # below 0.6, their lines hidden
    assert drawn == {i for i, c in nodes.items() if c >= x} | ends
    p.screenshot(path=str(shots / "confidence-0.6.png"))
    # the side panel shows confidences: an entity's and each line's
    p.evaluate("id => window.kgSelect(id)", ZZ)
    p.wait_for_timeout(500)
    panel = p.locator("#kg-details").inner_text()
    assert "置信度" in panel and "0.8100" in panel  # 郑州市 cooperatesWith 青岛市
    p.screenshot(path=str(shots / "confidence-panel.png"))
    # the other filters compose with it, and 重置 puts the slider back to 0
    p.uncheck('#kg-relations input[data-predicate="signed"]')
    p.wait_for_timeout(300)
    signed = {e["id"] for e in p.evaluate("window.kgEdges.get()") if e["kgPredicate"] == "signed"}
    assert set(p.evaluate("window.kgShownEdges()")) == shown - signed
    p.click("#kg-reset")
    p.wait_for_timeout(500)
    assert p.input_value("#kg-confidence") == "0"
    assert p.locator("#kg-confidence-value").inner_text() == "0.00"
    assert sorted(p.evaluate("window.kgShownEdges()")) == sorted(lines)
    sample_page.assert_clean()


def test_sample_corpus_build_opens_and_finds_zhengzhou(browser: Any, tmp_path: Path) -> None:
    builder = pytest.importorskip("kg.builder", reason="kg.builder is not available yet")
    docs = Path(__file__).resolve().parent.parent / "data" / "docs"
    graph = builder.build([str(docs)]).graph
    assert ZZ in graph.nodes, "the sample build should find 郑州市"
    out = write_html(graph, tmp_path / "graph.html")
    page = Page(browser, out)
    try:
        p = page.page
        assert p.evaluate("window.kgNodes.length") == len(graph.nodes)
        p.fill("#kg-search-input", "郑州市")
        p.press("#kg-search-input", "Enter")
        p.wait_for_timeout(500)
        assert p.evaluate("window.kgNetwork.getSelectedNodes()") == [ZZ]
        panel = p.locator("#kg-details").inner_text()
        sentences = {e.sentence for e in graph.edges if ZZ in (e.subject, e.object) and e.sentence}
        assert sentences, "郑州市 should have relations with evidence"
        assert any(s[:20] in panel for s in sentences)
        p.screenshot(path=str(tmp_path / "sample-build.png"))
        page.assert_clean()
    finally:
        page.close()


# ---------------------------------------------------------------- the sample build at 1600x1000


@pytest.fixture(scope="module")
def sample_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample corpus built by the command line, as a user gets it."""
    from conftest import DOCS, run_kg

    out = tmp_path_factory.mktemp("sample-build")
    res = run_kg("build", str(DOCS), "--out", str(out), "--quiet", "--no-cache")
    assert res.returncode == 0, res.stderr
    return out


@pytest.fixture()
def shots(tmp_path: Path) -> Path:
    """Where screenshots go: $KG_SCREENSHOTS when set (to look at them), else a temporary folder."""
    folder = Path(os.environ.get("KG_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture()
def big_page(browser: Any, sample_build: Path) -> Iterator[Page]:
    page = Page(browser, sample_build / "graph.html", viewport=(1600, 1000))
    yield page
    page.close()


def _label_sizes(p: Any) -> dict[str, float]:
    return p.evaluate("window.kgLabelSizes()")


def test_first_view_of_the_sample_reads_at_1600_by_1000(
    big_page: Page, sample_build: Path, shots: Path
) -> None:
    p = big_page.page
    big_page.page.screenshot(path=str(shots / "first-view.png"))
    readable = [i for i, px in _label_sizes(p).items() if px >= 10]
    assert len(readable) >= 20, f"only {len(readable)} labels of 10 px or more"
    drawn = p.evaluate("window.kgVisible()")
    assert 20 <= len(drawn) <= 80  # the most connected part, not the whole graph
    assert "Place/410100" in drawn  # 郑州市, the corpus' hub, is in it
    big_page.assert_clean()


def test_page_counts_are_those_of_build_json(big_page: Page, sample_build: Path) -> None:
    p = big_page.page
    info = json.loads((sample_build / "build.json").read_text(encoding="utf-8"))
    types = p.evaluate(
        "Object.fromEntries([...document.querySelectorAll('#kg-types .count')]"
        ".map(e => [e.dataset.type, parseInt(e.textContent, 10)]))"
    )
    relations = p.evaluate(
        "Object.fromEntries([...document.querySelectorAll('#kg-relations .count')]"
        ".map(e => [e.dataset.predicate, parseInt(e.textContent, 10)]))"
    )
    assert types == info["entities"]["by_type"]
    assert relations == info["relations"]["by_type"]
    counts = p.locator("#kg-counts").inner_text()
    assert f"共 {info['entities']['total']} 个实体" in counts
    assert f"{info['relations']['total']} 条关系" in counts
    assert f"来自 {info['documents_read']} 篇文件" in counts


def test_every_unconnected_entity_is_listed_and_found(big_page: Page, sample_build: Path) -> None:
    p = big_page.page
    graph = json.loads((sample_build / "graph.json").read_text(encoding="utf-8"))
    linked = {e["subject"] for e in graph["edges"]} | {e["object"] for e in graph["edges"]}
    isolated = {n["id"] for n in graph["nodes"]} - linked
    assert isolated, "the sample has entities without relations"
    listed = p.evaluate(
        "[...document.querySelectorAll('#kg-isolated-items button')].map(b => b.dataset.id)"
    )
    assert sorted(listed) == sorted(isolated)
    # typing each name into the list's filter keeps that entity in view
    missed = p.evaluate(
        """() => {
            const f = document.getElementById('kg-isolated-filter');
            const missed = [];
            for (const b of document.querySelectorAll('#kg-isolated-items button')) {
                f.value = b.textContent; f.dispatchEvent(new Event('input'));
                if (b.parentElement.hidden) { missed.push(b.dataset.id); }
            }
            f.value = ''; f.dispatchEvent(new Event('input'));
            return missed;
        }"""
    )
    assert missed == []
    # and picking one draws it, selected, with its details
    target = sorted(isolated)[0]
    p.click("#kg-isolated-list summary")
    p.click(f'#kg-isolated-items button[data-id="{target}"]')
    p.wait_for_timeout(300)
    assert p.evaluate("window.kgNetwork.getSelectedNodes()") == [target]
    assert target in p.evaluate("window.kgVisible()")
    # the search box finds them too
    name = next(n["name"] for n in graph["nodes"] if n["id"] == sorted(isolated)[-1])
    assert sorted(isolated)[-1] in p.evaluate("q => window.kgSearch(q)", name)
    big_page.assert_clean()


def test_search_click_expand_filter_map_and_reset(big_page: Page, shots: Path) -> None:
    p = big_page.page
    first = sorted(p.evaluate("window.kgVisible()"))
    # search: 郑州 (an alias) selects 郑州市, close enough to read
    p.fill("#kg-search-input", "郑州")
    p.press("#kg-search-input", "Enter")
    p.wait_for_timeout(500)
    assert p.evaluate("window.kgNetwork.getSelectedNodes()") == ["Place/410100"]
    assert _label_sizes(p)["Place/410100"] >= 12
    p.screenshot(path=str(shots / "search.png"))
    # a click on a drawn neighbour shows its evidence
    drawn = set(p.evaluate("window.kgVisible()"))
    neighbour = next(i for i in sorted(drawn) if i.startswith("Place/") and i != "Place/410100")
    big_page.click_node(neighbour)
    p.wait_for_timeout(300)
    assert p.evaluate("window.kgNetwork.getSelectedNodes()") == [neighbour]
    assert p.locator("#kg-details h3").first.inner_text().startswith("文件")
    p.screenshot(path=str(shots / "click.png"))
    # a double-click expands a node: its neighbours are drawn, nothing folded into it
    before = len(p.evaluate("window.kgVisible()"))
    x, y = big_page.canvas_point(neighbour)
    p.mouse.dblclick(x, y)
    p.wait_for_timeout(500)
    assert len(p.evaluate("window.kgVisible()")) >= before
    # a filter: no places, a new layout that fits the canvas, labels still readable
    p.uncheck('#kg-types input[data-type="Place"]')
    p.wait_for_timeout(500)
    types = p.evaluate("window.kgVisible().map(id => window.kgNodes.get(id).kgType)")
    assert types and "Place" not in types
    inside = p.evaluate(
        """() => {
            const r = document.querySelector('#kg-network canvas').getBoundingClientRect();
            const pos = window.kgNetwork.getPositions(window.kgVisible());
            return Object.values(pos).map(q => window.kgNetwork.canvasToDOM(q))
                .filter(d => d.x >= 0 && d.y >= 0 && d.x <= r.width && d.y <= r.height).length;
        }"""
    )
    assert inside == len(types)  # laid out anew: every drawn entity on screen
    p.screenshot(path=str(shots / "filter.png"))
    # the map: province outlines under the places, labels apart
    p.check('#kg-types input[data-type="Place"]')
    p.click("#kg-geo")
    p.wait_for_timeout(500)
    assert p.evaluate("window.kgVisible().every(id => window.kgNodes.get(id).kgType === 'Place')")
    assert (
        p.evaluate("JSON.parse(document.getElementById('kg-data').textContent).outlines.length")
        >= 34
    )
    assert sum(px >= 10 for px in _label_sizes(p).values()) >= 10
    p.screenshot(path=str(shots / "map.png"))
    # 重置: everything back to the first view
    p.click("#kg-reset")
    p.wait_for_timeout(500)
    assert sorted(p.evaluate("window.kgVisible()")) == first
    assert p.input_value("#kg-search-input") == ""
    assert p.locator("#kg-results").is_hidden()
    assert p.evaluate("window.kgNetwork.getSelectedNodes()") == []
    assert p.get_attribute("#kg-geo", "aria-pressed") == "false"
    big_page.assert_clean()


# ---------------------------------------------------------------- the overview page of a large graph


@pytest.fixture(scope="module")
def large_page_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("large") / "graph.html"
    return write_html(overview_graph(), out, large_from=20, overview_size=20)


@pytest.fixture()
def large_page(browser: Any, large_page_path: Path) -> Iterator[Page]:
    page = Page(browser, large_page_path, viewport=(1600, 1000))
    yield page
    page.close()


def test_overview_page_draws_at_most_the_overview_and_finds_any_entity(
    large_page: Page, shots: Path
) -> None:
    p = large_page.page
    graph = overview_graph()
    overview = set(p.evaluate("window.kgOverview"))
    assert len(overview) == 20
    assert FAR not in overview
    drawn = set(p.evaluate("window.kgVisible()"))
    assert drawn and drawn <= overview
    assert p.evaluate("window.kgNodes.length") <= 20  # records made only for what is drawn
    # the counts and the legend are those of the whole graph
    assert f"共 {len(graph.nodes)} 个实体" in p.locator("#kg-counts").inner_text()
    assert p.evaluate("document.querySelectorAll('#kg-types .count').length") == len(
        graph.counts()[0]
    )
    p.screenshot(path=str(shots / "overview-first-view.png"))
    # 显示全部 draws the overview, no more
    p.click("#kg-all")
    p.wait_for_timeout(500)
    assert set(p.evaluate("window.kgVisible()")) == overview
    p.click("#kg-all")
    p.wait_for_timeout(300)
    # a search finds an entity outside the overview and draws it with its neighbours
    p.fill("#kg-search-input", "远方活动5")
    p.press("#kg-search-input", "Enter")
    p.wait_for_timeout(800)
    assert p.evaluate("window.kgNetwork.getSelectedNodes()") == [FAR]
    drawn = set(p.evaluate("window.kgVisible()"))
    assert {FAR, *FAR_NEIGHBOURS} <= drawn
    shown = p.evaluate(
        "window.kgShownEdges().map(id => window.kgEdges.get(id))"
        ".filter(e => e.from === 'Event/far-5' || e.to === 'Event/far-5')"
        ".map(e => [e.from, e.kgPredicate, e.to])"
    )
    stated = [
        [e.subject, e.predicate.value, e.object]
        for e in graph.edges
        if FAR in (e.subject, e.object)
    ]
    assert sorted(shown) == sorted(stated)
    panel = p.locator("#kg-details").inner_text()
    assert p.locator("#kg-details h2").inner_text() == "远方活动5"
    assert "关于第0号提案的答复" in panel  # its document
    assert "合作组织5与远方活动5加强合作。" in panel  # the evidence of its relations
    p.screenshot(path=str(shots / "overview-ego.png"))
    # a click on a neighbour drawn from the index shows its evidence too
    large_page.click_node("Event/far-6")
    p.wait_for_timeout(300)
    assert p.evaluate("window.kgNetwork.getSelectedNodes()") == ["Event/far-6"]
    assert "远方活动5与远方活动6加强合作。" in p.locator("#kg-details").inner_text()
    # double-click: the neighbours of a drawn entity outside the overview
    x, y = large_page.canvas_point("Event/far-6")
    p.mouse.dblclick(x, y)
    p.wait_for_timeout(800)
    assert {"Event/far-7", "Organization/org-6"} <= set(p.evaluate("window.kgVisible()"))
    large_page.assert_clean()


def test_overview_page_confidence_slider_and_reset(large_page: Page, shots: Path) -> None:
    p = large_page.page
    p.evaluate("id => window.kgSelect(id)", FAR)
    p.wait_for_timeout(800)
    _set_slider(p, 0.6)
    shown = p.evaluate("window.kgShownEdges().map(id => window.kgEdges.get(id).kgConfidence)")
    assert shown and min(shown) >= 0.6
    assert "置信度 ≥ 0.60" in p.locator("#kg-status").inner_text()
    p.screenshot(path=str(shots / "overview-confidence.png"))
    p.click("#kg-reset")
    p.wait_for_timeout(500)
    assert p.input_value("#kg-confidence") == "0"
    assert set(p.evaluate("window.kgVisible()")) <= set(p.evaluate("window.kgOverview"))
    large_page.assert_clean()


def test_overview_page_map_draws_every_place(large_page: Page) -> None:
    p = large_page.page
    p.click("#kg-geo")
    p.wait_for_timeout(500)
    places = {i for i in overview_graph().nodes if i.startswith("Place/")}
    assert set(p.evaluate("window.kgVisible()")) == places
    p.click("#kg-geo")
    large_page.assert_clean()


def test_a_script_in_an_entity_name_stays_text_on_the_overview_page(
    large_page: Page, shots: Path
) -> None:
    p = large_page.page
    assert ALERT_ID not in p.evaluate("window.kgOverview")
    found = p.evaluate("q => window.kgSearch(q)", "alert(1)")
    p.wait_for_timeout(800)
    assert found[0] == ALERT_ID
    assert p.evaluate("window.kgNetwork.getSelectedNodes()") == [ALERT_ID]
    assert p.locator("#kg-details h2").text_content() == ALERT
    assert ALERT + "与远方活动0加强合作。" in p.locator("#kg-details").inner_text()
    large_page.hover_node(ALERT_ID)
    assert ALERT in p.locator("div.vis-tooltip").inner_text()
    p.mouse.click(*large_page.canvas_point(ALERT_ID))
    p.wait_for_timeout(300)
    p.screenshot(path=str(shots / "overview-alert.png"))
    assert p.evaluate("document.querySelectorAll('script').length") == 4
    injected = p.evaluate(
        "() => document.querySelectorAll('img, iframe, object, embed, svg[onload]').length"
    )
    assert injected == 0
    large_page.assert_clean()  # no dialog opened


def test_overview_page_makes_the_records_the_small_page_has(browser: Any, tmp_path: Path) -> None:
    """The records the overview page makes in the browser are those the small page
    carries (but the layout, the labels drawn and the evidence kept apart): for the
    sample with 郑州市 as focus and two more lines between 郑州市 and 青岛市 (curved)."""
    from kg.export.html import page_data, select
    from kg.graph import Edge
    from kg.types import Predicate, Source

    graph = sample_graph()
    for p, s, o in ((Predicate.PART_OF, ZZ, QD), (Predicate.PARTICIPATES_IN, QD, ZZ)):
        graph.edges.append(Edge(s, p, o, Source.TEXT, graph.documents[0].key, SIGNED, 0, 9, 0.7))
    small = page_data(select(graph, focus=ZZ, depth=9), focus_ids=[ZZ])
    assert any("smooth" in e for e in small["edges"])
    out = write_html(graph, tmp_path / "graph.html", focus=ZZ, depth=9, large_from=0)
    page = Page(browser, out)
    try:
        p = page.page
        p.check("#kg-isolated")
        p.click("#kg-all")
        p.wait_for_timeout(500)
        made = {n["id"]: n for n in p.evaluate("window.kgNodes.get()")}
        lines = {e["id"]: e for e in p.evaluate("window.kgEdges.get()")}
        page.assert_clean()
    finally:
        page.close()
    assert set(made) == {n["id"] for n in small["nodes"]}
    assert set(lines) == {e["id"] for e in small["edges"]}
    for n in small["nodes"]:
        for key in set(n) - {"x", "y", "label"}:
            assert made[n["id"]][key] == n[key], (n["id"], key)
    for e in small["edges"]:
        for key in set(e) - {"kgEvidence"}:
            assert lines[e["id"]][key] == e[key], (e["id"], key)


def test_overview_page_of_a_graph_without_relations_opens_and_finds(
    browser: Any, tmp_path: Path
) -> None:
    """Nothing to draw at first (no overview, unconnected entities listed): the page
    still gets ready, and a search draws the entity."""
    from kg.graph import KnowledgeGraph, Node
    from kg.types import EntityType

    nodes = {f"Agency/{i}": Node(f"Agency/{i}", f"局{i}", EntityType.AGENCY) for i in range(30)}
    out = write_html(KnowledgeGraph(nodes=nodes), tmp_path / "graph.html", large_from=20)
    page = Page(browser, out)
    try:
        p = page.page
        assert p.evaluate("window.kgVisible()") == []
        assert p.evaluate("q => window.kgSearch(q)", "局7") == ["Agency/7"]
        p.wait_for_timeout(300)
        assert p.evaluate("window.kgVisible()") == ["Agency/7"]
        page.assert_clean()
    finally:
        page.close()
