"""The HTML graph in a real browser: Debian's Chromium driven by Playwright, offline.

Needs /usr/bin/chromium and the WenQuanYi Micro Hei font; ``scripts/setup-browser.sh``
installs both (``make test`` runs it first). Without Chromium these tests fail
with a message saying so: they never skip silently.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from html_fixtures import PROBE_IDS, PROBES, QD, SIGNED, ZZ, sample_graph

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

    def __init__(self, browser: Any, path: Path) -> None:
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.console: list[str] = []
        self.context = browser.new_context(viewport={"width": 1400, "height": 900})
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
