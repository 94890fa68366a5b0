"""The built book as a reader gets it: every page, every link, every asset, in a real browser.

Two layers, both over the book that the session fixture ``built_book`` builds into
``_build/test/_build/html``:

* without a browser (always runs): every page the build lists is parsed with ``html.parser``;
  every local ``href``/``src`` (pages, stylesheets, scripts, images, the figures' "Cite and
  download" links to ``_static/figures/*`` and ``_sources/*.ipynb``, meta refreshes) must name an
  existing file inside the book, every ``#anchor`` an existing id on its target page, and every
  ``<figure>`` must hold an image;
* with headless Debian Chromium (runs whenever ``chromium`` is on PATH; ``.ci/run`` installs it):
  the book is served on 127.0.0.1 and every page is opened through the Chrome DevTools Protocol
  (a websocket client from tornado, which ipykernel already requires). A page fails on a local
  request answered 4xx/5xx or failing to load, an image with ``naturalWidth`` 0, an uncaught
  JavaScript exception, a ``console.error``, any request that leaves 127.0.0.1 (the book works
  offline: MathJax and fonts are shipped), mathematics left unrendered (``\\(`` in the page's text),
  a page wider than the window at 1280 px or at 390 px (a phone: wide tables scroll in their own
  box), "None" or "NaN" shown in a table or output of the main column, or a figure without alt text
  or caption. The front page and each chapter's first page are saved as screenshots under
  ``_build/screenshots/`` (and at 390 px, ``*--phone.png``).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import functools
import http.server
import json
import os
import re
import shutil
import signal
import subprocess
import threading
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from conftest import ROOT

from companion.book.pdf import HEADLESS_FLAGS

CHROMIUM = shutil.which("chromium")
CHROMIUM_FLAGS = HEADLESS_FLAGS  # the PDF's headless Chromium, without its print flags
SCREENSHOTS = ROOT / "_build" / "screenshots"
VIEWPORT = (1280, 1600)
PHONE_WIDTH = 390
QUIET_S = 0.15  # a page has settled when it has loaded and no event arrived for this long
SHOT_HEIGHT = 3200  # screenshots show the top of the page (two screens), enough to see it rendered
EXTERNAL = re.compile(r"^([a-z][a-z0-9+.-]*:|//)", re.I)  # http:, https:, mailto:, data:, javascript:, //host
# The browser asks for /favicon.ico by itself; the book declares no favicon, so that request is not a
# missing asset of the book (a favicon a page does link is checked like any other asset).
BROWSER_OWN = {"/favicon.ico"}


# --------------------------------------------------------------------------------------------------
# The book's pages and what they reference (no browser needed)

# tag -> attributes holding one URL (srcset handled apart)
URL_ATTRS = {
    "a": ("href",),
    "area": ("href",),
    "link": ("href",),
    "script": ("src",),
    "img": ("src",),
    "source": ("src",),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "iframe": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "form": ("action",),
    "image": ("href", "xlink:href"),
    "use": ("href", "xlink:href"),
}
GRAPHICS = {"img", "svg", "object", "embed", "video", "canvas", "iframe", "picture"}


class PageParser(HTMLParser):
    """Ids, referenced URLs, and <figure> elements without an image, of one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.urls: list[tuple[int, str, str]] = []  # (line, "tag[attr]", url)
        self.empty_figures: list[str] = []
        self._figures: list[list] = []  # stack of [id, line, has_graphics]

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        line = self.getpos()[0]
        for key in ("id",) + (("name",) if tag == "a" else ()):
            if a.get(key):
                self.ids.add(a[key])
        for attr in URL_ATTRS.get(tag, ()):
            if a.get(attr) is not None:
                self.urls.append((line, f"{tag}[{attr}]", a[attr].strip()))
        if tag in ("img", "source") and a.get("srcset"):
            for candidate in a["srcset"].split(","):
                if candidate.strip():
                    self.urls.append((line, f"{tag}[srcset]", candidate.split()[0]))
        if tag == "meta" and (a.get("http-equiv") or "").lower() == "refresh":
            match = re.search(r"url\s*=\s*['\"]?([^'\"]+)", a.get("content") or "", re.I)
            if match:
                self.urls.append((line, "meta[refresh]", match.group(1).strip()))
        if tag in GRAPHICS:
            for figure in self._figures:
                figure[2] = True
        if tag == "figure":
            self._figures.append([a.get("id") or "", line, False])

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag == "figure":
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag == "figure" and self._figures:
            figure_id, line, has_graphics = self._figures.pop()
            if not has_graphics:
                self.empty_figures.append(f"line {line} <figure id={figure_id!r}>")


@functools.cache
def parse(page: Path) -> PageParser:
    parser = PageParser()
    parser.feed(page.read_text(encoding="utf-8"))
    parser.close()
    return parser


def listed_docnames(html: Path) -> list[str]:
    """The documents the build lists in its search index (every page of the table of contents)."""
    text = (html / "searchindex.js").read_text(encoding="utf-8")
    match = re.search(r'"docnames"\s*:\s*(\[[^\]]*\])', text)
    assert match, "searchindex.js lists no docnames"
    return json.loads(match.group(1))


def book_pages(html: Path) -> list[Path]:
    """Every HTML page of the built book: the listed documents plus the build's own pages (front-page
    redirect, genindex, search). Folders starting with '_' hold assets and theme templates."""
    pages = {
        p for p in html.rglob("*.html") if not any(part.startswith("_") for part in p.relative_to(html).parts[:-1])
    }
    pages |= {html / f"{name}.html" for name in listed_docnames(html)}
    return sorted(pages)


def resolve(html: Path, page: Path, url: str) -> tuple[Path | None, str, str]:
    """(target file or None when external, fragment, problem) for a URL found on ``page``."""
    if not url or EXTERNAL.match(url):
        return None, "", ""
    parts = urlsplit(url)
    if not parts.path:  # "#anchor" or "?query" on the same page
        return page, unquote(parts.fragment), ""
    target = (page.parent / unquote(parts.path)).resolve()
    if not target.is_relative_to(html.resolve()):
        return target, "", "points outside the built book"
    if target.is_dir():
        target = target / "index.html"
    if not target.is_file():
        return target, "", f"missing file {target.relative_to(html.resolve())}"
    return target, unquote(parts.fragment), ""


def static_problems(html: Path) -> list[str]:
    """Broken local links, anchors and assets, and figures without an image, over the whole book."""
    html = html.resolve()
    problems = []
    for page in book_pages(html):
        name = page.relative_to(html)
        if not page.is_file():
            problems.append(f"{name}: listed by the build but not written")
            continue
        parser = parse(page)
        for figure in parser.empty_figures:
            problems.append(f"{name}: {figure} holds no image (a glued figure that rendered as text?)")
        for line, where, url in parser.urls:
            target, fragment, problem = resolve(html, page, url)
            if problem:
                problems.append(f"{name}:{line} {where}={url!r}: {problem}")
            elif target is not None and fragment and target.suffix == ".html" and fragment not in parse(target).ids:
                problems.append(f"{name}:{line} {where}={url!r}: no id {fragment!r} in {target.relative_to(html)}")
    return problems


def screenshot_name(html: Path, page: Path) -> str | None:
    """The file name of the page's screenshot, for the front page and each chapter's first page."""
    rel = page.relative_to(html).as_posix()
    if rel == "intro.html" or re.fullmatch(r"chapters/[^/]+/index\.html", rel):
        return rel.removesuffix(".html").replace("/", "--") + ".png"
    return None


# --------------------------------------------------------------------------------------------------
# A local web server and Chromium through the DevTools Protocol


@contextlib.contextmanager
def serve(directory: Path):
    """Serve ``directory`` on 127.0.0.1 (a free port) in a thread; yields (base URL, request log)."""
    log: list[tuple[str, int]] = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_request(self, code="-", size="-"):
            log.append((self.path, int(getattr(code, "value", code))))

        def log_message(self, format, *args):  # no noise on stderr
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, name="book-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", log
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@contextlib.contextmanager
def chromium(profile: Path):
    """Headless Chromium with a fresh profile and a DevTools port; yields its browser websocket URL."""
    profile.mkdir(parents=True, exist_ok=True)
    stderr = open(profile.parent / "chromium.log", "wb")
    proc = subprocess.Popen(
        [
            CHROMIUM,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            "--remote-debugging-port=0",
            "--remote-debugging-address=127.0.0.1",
            f"--window-size={VIEWPORT[0]},{VIEWPORT[1]}",
            "about:blank",
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=stderr,
        start_new_session=True,
    )
    try:
        port_file = profile / "DevToolsActivePort"  # Chromium writes "<port>\n<browser path>" here
        deadline = time.monotonic() + 60
        while not (port_file.is_file() and len(port_file.read_text().split()) >= 2):
            if proc.poll() is not None or time.monotonic() > deadline:
                stderr.flush()
                pytest.fail(
                    "Chromium did not start:\n" + (profile.parent / "chromium.log").read_text(errors="replace")[-3000:]
                )
            time.sleep(0.1)
        port, path = port_file.read_text().split()[:2]
        yield f"ws://127.0.0.1:{port}{path}"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)  # the group we started: Chromium and its helpers
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=15)
        stderr.close()


class CDP:
    """A minimal Chrome DevTools Protocol client: commands with ids, events kept in order."""

    def __init__(self) -> None:
        self.events: list[dict] = []
        self._pending: dict[int, asyncio.Future] = {}
        self._next = 0
        self._changed = asyncio.Event()
        self._conn = None

    async def connect(self, url: str) -> None:
        from tornado.websocket import websocket_connect  # required by ipykernel, so always installed

        self._conn = await websocket_connect(
            url, on_message_callback=self._receive, max_message_size=512 * 2**20, connect_timeout=30
        )

    def _receive(self, message) -> None:
        if message is None:  # closed
            for future in self._pending.values():
                if not future.done():
                    future.set_exception(ConnectionError("DevTools connection closed"))
            self._pending.clear()
            return
        data = json.loads(message)
        if "id" in data:
            future = self._pending.pop(data["id"], None)
            if future is not None and not future.done():
                if "error" in data:
                    future.set_exception(RuntimeError(f"DevTools error: {data['error']}"))
                else:
                    future.set_result(data.get("result", {}))
        else:
            self.events.append(data)
            self._changed.set()

    async def send(
        self, method: str, params: dict | None = None, session: str | None = None, timeout: float = 60
    ) -> dict:
        self._next += 1
        message = {"id": self._next, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        future = asyncio.get_running_loop().create_future()
        self._pending[self._next] = future
        await self._conn.write_message(json.dumps(message))
        return await asyncio.wait_for(future, timeout)

    async def changed(self, timeout: float) -> None:
        """Wait until a new event arrives or ``timeout`` seconds pass."""
        self._changed.clear()
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._changed.wait(), timeout)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()


IMAGES_JS = r"""(async () => {
  const images = Array.from(document.images);
  const broken = [];
  await Promise.all(images.map(async (img) => {
    img.loading = "eager";  // lazy images below the fold load too
    try { await img.decode(); } catch (e) {}
    if (!img.complete || img.naturalWidth === 0) broken.push(img.currentSrc || img.src || img.outerHTML.slice(0, 160));
  }));
  const page = document.scrollingElement;
  const main = document.querySelector("main") || document.body;
  // what a reader reads: the main column without code (inputs, <pre>, <code>) and without scripts
  const text = (() => {
    const copy = main.cloneNode(true);
    copy.querySelectorAll("script, style, pre, code, .cell_input, .MathJax, mjx-container").forEach(e => e.remove());
    return copy.textContent;
  })();
  const unrendered = (text.match(/\\\(|\\\[/g) || []).length;
  // None / NaN shown to a reader: in a table cell or an output, code excluded
  const missing = [];
  // a table cell that says only None / NaN, or such a token in a plain-text output
  main.querySelectorAll("td, th").forEach(e => {
    const cell = (e.innerText || "").trim();
    if (!e.closest(".cell_input") && /^(None|NaN|nan|<NA>|NaT)$/.test(cell)) missing.push(cell);
  });
  main.querySelectorAll(".cell_output pre").forEach(e => {
    const words = (e.innerText || "").match(/(^|\s)(None|NaN|nan|<NA>|NaT)(\s|$)/m);
    if (words) missing.push((e.innerText || "").trim().slice(0, 80));
  });
  const figures = [];
  main.querySelectorAll("figure").forEach(f => {
    const img = f.querySelector("img");
    const caption = f.querySelector("figcaption");
    if (!img || !(img.getAttribute("alt") || "").trim()) figures.push((f.id || "figure") + ": no alt text");
    if (!caption || !caption.innerText.trim()) figures.push((f.id || "figure") + ": no caption");
  });
  return JSON.stringify({count: images.length, broken: broken, href: location.href,
                         width: page.scrollWidth, window: page.clientWidth, unrendered: unrendered,
                         missing: missing.slice(0, 5), figures: figures});
})()"""

# Tables that do not fit the reading column (issue 25): a table, or the box it stands in, that is
# wider than the box it may take (a scroll box hides the columns past its edge), and the ledger's
# first verdict out of view (hidden or past the right edge of the window)
TABLES_JS = r"""(() => {
  // measured as the page was laid out when it loaded at this width (each width is a fresh load)
  const main = document.querySelector("main") || document.body;
  const problems = [];
  const name = (t) => t.id || (t.caption && t.caption.innerText.trim().slice(0, 40)) ||
    (t.closest("[id]") ? "in #" + t.closest("[id]").id : "table");
  main.querySelectorAll("table").forEach((t) => {
    if (t.offsetParent === null || t.closest(".cell_input, details:not([open])")) return;
    let box = t.parentElement, room = null;
    for (; box && box !== main; box = box.parentElement) {
      const s = getComputedStyle(box);
      if (/(auto|scroll|hidden)/.test(s.overflowX)) { room = box.clientWidth; break; }
    }
    if (room === null) room = main.clientWidth;
    const wide = Math.ceil(t.getBoundingClientRect().width);
    if (wide > room + 1) problems.push(`table ${name(t)} is ${wide} px wide in a ${room} px box`);
  });
  // any other box of the reading column that scrolls sideways (code excluded)
  main.querySelectorAll("div, section, figure, details").forEach((e) => {
    if (e.closest(".cell_input, pre, .highlight")) return;
    const s = getComputedStyle(e);
    // a scroll box shows its scroll bar for one pixel too many: no tolerance
    if (/(auto|scroll)/.test(s.overflowX) && e.scrollWidth > e.clientWidth && e.clientWidth > 0)
      problems.push(`a box ${e.className.toString().split(" ")[0] || e.tagName} scrolls: ` +
                    `${e.scrollWidth} px in ${e.clientWidth}`);
  });
  const verdict = document.querySelector("#ledger-table tbody tr td.ledger-verdict");
  if (document.querySelector("#ledger-table")) {
    const r = verdict && verdict.getBoundingClientRect();
    const past = r && r.right > document.documentElement.clientWidth + 1;
    if (!verdict || verdict.offsetParent === null || r.width === 0 || past)
      problems.push("the ledger's first verdict is out of view");
  }
  return JSON.stringify([...new Set(problems)]);
})()"""


WIDTH_JS = (
    """JSON.stringify({width: document.scrollingElement.scrollWidth, window: document.scrollingElement.clientWidth})"""
)


async def open_page(cdp: CDP, session: str, url: str, timeout: float = 30) -> tuple[list[dict], str]:
    """Navigate and wait until the page (and any redirect) has loaded and the network is quiet.
    Returns the events of this page and a problem ("" when it settled)."""
    start = len(cdp.events)
    result = await cdp.send("Page.navigate", {"url": url}, session)
    if result.get("errorText"):
        return cdp.events[start:], f"navigation failed: {result['errorText']}"
    deadline = time.monotonic() + timeout
    quiet_since = None
    while time.monotonic() < deadline:
        mine = [e for e in cdp.events[start:] if e.get("sessionId") == session]
        methods = [e["method"] for e in mine]
        navigated = [
            i
            for i, e in enumerate(mine)
            if e["method"] == "Page.frameNavigated" and not e["params"]["frame"].get("parentId")
        ]
        loaded = bool(navigated) and "Page.loadEventFired" in methods[navigated[-1] :]
        started = {e["params"]["requestId"] for e in mine if e["method"] == "Network.requestWillBeSent"}
        ended = {
            e["params"]["requestId"]
            for e in mine
            if e["method"] in ("Network.loadingFinished", "Network.loadingFailed")
        }
        if loaded and not started - ended:
            count = len(cdp.events)
            quiet_since = quiet_since or (time.monotonic(), count)
            if quiet_since[1] != count:
                quiet_since = (time.monotonic(), count)
            elif time.monotonic() - quiet_since[0] >= QUIET_S:
                return [e for e in cdp.events[start:] if e.get("sessionId") == session], ""
        else:
            quiet_since = None
        await cdp.changed(0.1)
    return [e for e in cdp.events[start:] if e.get("sessionId") == session], f"did not finish loading in {timeout} s"


def event_problems(events: list[dict], base: str) -> list[str]:
    """Local requests that failed, requests that leave the machine, JavaScript exceptions and console
    errors among a page's events."""
    problems = []
    for event in events:
        method, params = event["method"], event["params"]
        if method == "Network.requestWillBeSent":
            url = params["request"]["url"]
            host = urlsplit(url).hostname
            if urlsplit(url).scheme not in ("data", "blob", "about") and host not in ("127.0.0.1", "localhost"):
                problems.append(f"request leaves the machine: {url[:160]}")
        if method == "Network.responseReceived":
            response = params["response"]
            if (
                response["url"].startswith(base)
                and response["status"] >= 400
                and urlsplit(response["url"]).path not in BROWSER_OWN
            ):
                problems.append(f"HTTP {response['status']} for {response['url'][len(base) - 1 :]}")
        elif method == "Network.loadingFailed" and not params.get("canceled"):
            request = next(
                (
                    e["params"]["request"]["url"]
                    for e in events
                    if e["method"] == "Network.requestWillBeSent" and e["params"]["requestId"] == params["requestId"]
                ),
                "",
            )
            if request.startswith(base):
                problems.append(f"failed to load {request[len(base) - 1 :]}: {params.get('errorText')}")
        elif method == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            text = (details.get("exception") or {}).get("description") or details.get("text")
            problems.append(f"JavaScript exception at {details.get('url', '?')}:{details.get('lineNumber')}: {text}")
        elif method == "Runtime.consoleAPICalled" and params["type"] in ("error", "assert"):
            text = " ".join(str(arg.get("value", arg.get("description", ""))) for arg in params["args"])
            problems.append(f"console.{params['type']}: {text}")
        elif method == "Log.entryAdded":
            entry = params["entry"]
            # network errors are reported above (local) or irrelevant (external, offline CI)
            if entry["level"] == "error" and entry.get("source") != "network":
                problems.append(f"browser error ({entry.get('source')}): {entry['text']}")
    return problems


async def set_window(cdp: CDP, session: str, height: int, width: int = VIEWPORT[0]) -> None:
    await cdp.send(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600},
        session,
    )


async def new_tab(cdp: CDP) -> tuple[dict, str]:
    """A blank tab and its session, reporting page, script, network and log events."""
    target = await cdp.send("Target.createTarget", {"url": "about:blank"})
    session = (await cdp.send("Target.attachToTarget", {"targetId": target["targetId"], "flatten": True}))["sessionId"]
    for domain in ("Page", "Runtime", "Network", "Log"):
        await cdp.send(f"{domain}.enable", {}, session)
    return target, session


async def evaluate_json(cdp: CDP, session: str, expression: str):
    """The value of a script that returns JSON, evaluated in the page; a failed script is a problem."""
    result = await cdp.send("Runtime.evaluate", {"expression": expression, "returnByValue": True}, session)
    if "exceptionDetails" in result:
        return [f"script failed: {result['exceptionDetails'].get('text')}"]
    return json.loads(result["result"]["value"])


async def browse(ws_url: str, base: str, pages: list[tuple[str, str | None]], shots: Path) -> dict[str, list[str]]:
    """Open each (relative URL, screenshot name or None) in one tab; problems per page."""
    cdp = CDP()
    await cdp.connect(ws_url)
    problems: dict[str, list[str]] = {}
    try:
        target, session = await new_tab(cdp)
        await set_window(cdp, session, VIEWPORT[1])
        for rel, shot in pages:
            events, problem = await open_page(cdp, session, urljoin(base, rel))
            found = [problem] if problem else []
            found += event_problems(events, base)
            result = await cdp.send(
                "Runtime.evaluate", {"expression": IMAGES_JS, "awaitPromise": True, "returnByValue": True}, session
            )
            if "exceptionDetails" in result:
                found.append(f"image check failed: {result['exceptionDetails'].get('text')}")
            else:
                images = json.loads(result["result"]["value"])
                found += [f"image does not load (naturalWidth 0): {src}" for src in images["broken"]]
                if images["width"] > images["window"] + 1:  # a wide table or figure pushes the text off screen
                    found.append(f"page is {images['width']} px wide in a {images['window']} px window")
                if images["unrendered"]:
                    found.append(f"{images['unrendered']} unrendered maths delimiter(s) (\\( or \\[) in the text")
                if images["missing"]:
                    found.append(
                        f"None/NaN shown to the reader: {images['missing'][0]!r}"
                        + (f" (and {len(images['missing']) - 1} more)" if len(images["missing"]) > 1 else "")
                    )
                found += images["figures"]
            found += [f"at {VIEWPORT[0]} px: {p}" for p in await evaluate_json(cdp, session, TABLES_JS)]
            # the same page on a phone, loaded there (a phone reader never sees it at 1280 px first: what
            # a script lays out when the page loads, such as the ledger's columns, is measured as loaded)
            await set_window(cdp, session, 844, PHONE_WIDTH)
            _events, problem = await open_page(cdp, session, urljoin(base, rel))
            if problem:
                found.append(f"at {PHONE_WIDTH} px: {problem}")
            phone = json.loads(
                (await cdp.send("Runtime.evaluate", {"expression": WIDTH_JS, "returnByValue": True}, session))[
                    "result"
                ]["value"]
            )
            if phone["width"] > phone["window"] + 1:
                found.append(f"page is {phone['width']} px wide in a {phone['window']} px (phone) window")
            found += [f"at {PHONE_WIDTH} px: {p}" for p in await evaluate_json(cdp, session, TABLES_JS)]
            if shot:
                png = await cdp.send("Page.captureScreenshot", {"format": "png"}, session)
                (shots / shot.replace(".png", "--phone.png")).write_bytes(base64.b64decode(png["data"]))
            await set_window(cdp, session, VIEWPORT[1])
            if shot:
                # The window is made as tall as the shot, then restored. Chromium's own capture beyond
                # the window ("captureBeyondViewport") draws a page taller than the window shifted to
                # the left, with the sidebar and the start of every line cut off.
                metrics = await cdp.send("Page.getLayoutMetrics", {}, session)
                await set_window(cdp, session, max(min(int(metrics["cssContentSize"]["height"]), SHOT_HEIGHT), 1))
                png = await cdp.send("Page.captureScreenshot", {"format": "png"}, session)
                await set_window(cdp, session, VIEWPORT[1])
                (shots / shot).write_bytes(base64.b64decode(png["data"]))
            problems[rel] = found
        await cdp.send("Target.closeTarget", {"targetId": target["targetId"]})
    finally:
        cdp.close()
    return problems


# --------------------------------------------------------------------------------------------------
# Tests


@pytest.fixture(scope="module")
def html(built_book) -> Path:
    assert (built_book.html / "index.html").is_file(), "the book did not build:\n" + built_book.log[-3000:]
    return built_book.html.resolve()


def test_every_listed_document_has_a_page(html):
    names = listed_docnames(html)
    assert "intro" in names and any(n.startswith("chapters/") for n in names), names
    missing = [n for n in names if not (html / f"{n}.html").is_file()]
    assert not missing, f"listed by the build but no page written: {missing}"


def test_local_links_anchors_assets_and_figures(html):
    problems = static_problems(html)
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(problems)


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (.ci/run installs Debian's package)")
def test_every_page_in_headless_chromium(html, tmp_path):
    pages = [(p.relative_to(html).as_posix(), screenshot_name(html, p)) for p in book_pages(html)]
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True)
    with serve(html) as (base, requests), chromium(tmp_path / "profile") as ws_url:
        problems = asyncio.run(asyncio.wait_for(browse(ws_url, base, pages, SCREENSHOTS), 60 + 20 * len(pages)))
    # every request the server answered, whoever made it
    refused = sorted(
        {f"{path} -> {code}" for path, code in requests if code >= 400 and urlsplit(path).path not in BROWSER_OWN}
    )
    report = [f"{page}: {p}" for page, found in problems.items() for p in found]
    report += [f"server answered {r}" for r in refused]
    assert len(problems) == len(pages)
    assert not report, f"{len(report)} problem(s) in the browser:\n" + "\n".join(report)
    shots = sorted(p.name for p in SCREENSHOTS.glob("*.png"))
    assert "intro.png" in shots and any(s.startswith("chapters--") for s in shots), shots


LEDGER_ROWS_JS = "document.querySelectorAll('#ledger-table tbody tr[id^=\"claim-\"]').length"


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (.ci/run installs Debian's package)")
def test_ledger_search_box_and_filters_narrow_the_rows(html, tmp_path):
    """The ledger page's table (DataTables, shipped in _static/vendor): typing in its search box and
    choosing a verdict in its filter leave fewer rows, and clearing them brings every claim back."""
    page = "chapters/reproducibility/01_ledger.html"

    async def run(ws_url: str, base: str) -> dict:
        cdp = CDP()
        await cdp.connect(ws_url)
        try:
            target, session = await new_tab(cdp)
            events, problem = await open_page(cdp, session, urljoin(base, page))
            assert not problem, problem

            async def evaluate(expression):
                result = await cdp.send("Runtime.evaluate", {"expression": expression, "returnByValue": True}, session)
                assert "exceptionDetails" not in result, result["exceptionDetails"]
                return result["result"].get("value")

            counts = {
                "all": await evaluate(LEDGER_ROWS_JS),
                "has search box": await evaluate("!!document.querySelector('.dt-search input')"),
            }
            await evaluate("document.querySelector('.dt-search input').focus()")
            await cdp.send("Input.insertText", {"text": "T1a-akmola"}, session)  # as a reader types
            await asyncio.sleep(0.5)
            counts["searched"] = await evaluate(LEDGER_ROWS_JS)
            await evaluate("(() => { const i = document.querySelector('.dt-search input'); i.select(); })()")
            await cdp.send(
                "Input.dispatchKeyEvent",
                {"type": "keyDown", "key": "Backspace", "code": "Backspace", "windowsVirtualKeyCode": 8},
                session,
            )
            await cdp.send(
                "Input.dispatchKeyEvent",
                {"type": "keyUp", "key": "Backspace", "code": "Backspace", "windowsVirtualKeyCode": 8},
                session,
            )
            await asyncio.sleep(0.5)
            counts["cleared"] = await evaluate(LEDGER_ROWS_JS)
            await evaluate(
                "(() => { const s = document.querySelector('.ledger-filters select[data-column=\"0\"]');"
                " s.value = 'differs'; s.dispatchEvent(new Event('change')); })()"
            )
            await asyncio.sleep(0.5)
            counts["differs"] = await evaluate(LEDGER_ROWS_JS)
            counts["problems"] = event_problems(cdp.events, base)
            return counts
        finally:
            cdp.close()

    import csv

    claims = list(csv.DictReader((html / "_static" / "ledger" / "ledger.csv").open(encoding="utf-8")))
    with serve(html) as (base, _requests), chromium(tmp_path / "profile") as ws_url:
        counts = asyncio.run(asyncio.wait_for(run(ws_url, base), 120))
    assert counts["has search box"], counts
    assert counts["all"] == len(claims), counts
    akmola = [c for c in claims if "T1a-akmola" in c["claim_id"]]
    assert 0 < counts["searched"] == len(akmola) < counts["all"], counts
    assert counts["cleared"] == counts["all"], counts
    assert counts["differs"] == sum(c["verdict"] == "differs" for c in claims), counts
    assert not counts["problems"], counts["problems"]


# --------------------------------------------------------------------------------------------------
# Figures readable on a phone (issue 25, item 4)

PHONE_IMAGES_JS = r"""(async () => {
  const shown = [];
  for (const img of Array.from((document.querySelector("main") || document.body).querySelectorAll("img"))) {
    img.loading = "eager";
    try { await img.decode(); } catch (e) {}
    const box = img.getBoundingClientRect();
    shown.push({src: img.currentSrc || img.src, displayed: box.width, natural: img.naturalWidth,
                figure: !!img.closest("figure") || /fig-/.test(img.getAttribute("src") || "")});
  }
  return JSON.stringify(shown);
})()"""


def png_text(path: Path) -> dict[str, str]:
    """The text chunks (tEXt, zTXt, iTXt) of a PNG file, where companion.book.figures.save records its
    measurements."""
    import struct
    import zlib

    data, found, at = path.read_bytes(), {}, 8
    while at + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[at : at + 8])
        body = data[at + 8 : at + 8 + length]
        if kind == b"tEXt":
            key, _, value = body.partition(b"\0")
            found[key.decode("latin-1")] = value.decode("latin-1")
        elif kind == b"zTXt":
            key, _, rest = body.partition(b"\0")
            found[key.decode("latin-1")] = zlib.decompress(rest[1:]).decode("latin-1")
        elif kind == b"iTXt":  # key, compressed flag, method, language, translated key, text (UTF-8)
            key, _, rest = body.partition(b"\0")
            compressed, rest = rest[0], rest[2:]
            _language, _, rest = rest.partition(b"\0")
            _translated, _, text = rest.partition(b"\0")
            found[key.decode("latin-1")] = (zlib.decompress(text) if compressed else text).decode("utf-8")
        at += 12 + length
    return found


async def phone_images(ws_url: str, base: str, pages: list[str]) -> dict[str, list[dict]]:
    """Every image of each page as a 390 px window shows it: its URL, displayed and natural width."""
    cdp = CDP()
    await cdp.connect(ws_url)
    shown: dict[str, list[dict]] = {}
    try:
        target = await cdp.send("Target.createTarget", {"url": "about:blank"})
        session = (await cdp.send("Target.attachToTarget", {"targetId": target["targetId"], "flatten": True}))[
            "sessionId"
        ]
        for domain in ("Page", "Runtime", "Network"):
            await cdp.send(f"{domain}.enable", {}, session)
        await set_window(cdp, session, 844, PHONE_WIDTH)
        for rel in pages:
            _events, problem = await open_page(cdp, session, urljoin(base, rel))
            assert not problem, f"{rel}: {problem}"
            result = await cdp.send(
                "Runtime.evaluate",
                {"expression": PHONE_IMAGES_JS, "awaitPromise": True, "returnByValue": True},
                session,
            )
            assert "exceptionDetails" not in result, result["exceptionDetails"]
            shown[rel] = json.loads(result["result"]["value"])
        await cdp.send("Target.closeTarget", {"targetId": target["targetId"]})
    finally:
        cdp.close()
    return shown


def phone_figure_problems(html: Path, base: str, shown: dict[str, list[dict]]) -> tuple[list[str], int]:
    """Figures whose smallest text, as displayed in a 390 px window, is under MIN_TEXT_PX screen
    pixels, or that overprint a text with another (both measured by figures.save and recorded in the
    PNG); and how many figures were measured."""
    from companion.book.figures import MIN_TEXT_PX, OVERPRINT_KEY, TEXT_PX_KEY

    problems, measured = [], 0
    for page, images in shown.items():
        for image in images:
            if not image["src"].startswith(base) or not image["displayed"]:
                continue  # not the book's, or not shown (in a folded box)
            file = html / unquote(urlsplit(image["src"]).path.lstrip("/"))
            record = png_text(file) if file.suffix == ".png" and file.is_file() else {}
            name = file.name
            if TEXT_PX_KEY not in record:
                if image["figure"]:
                    problems.append(f"{page}: figure {name} carries no text-size record (not saved by figures.save?)")
                continue
            measured += 1
            smallest = float(record[TEXT_PX_KEY]) * image["displayed"] / image["natural"]
            if smallest < MIN_TEXT_PX:
                problems.append(
                    f"{page}: {name}: smallest text {smallest:.1f} px at {PHONE_WIDTH} px "
                    f"({record[TEXT_PX_KEY]} px in the {image['natural']} px PNG, "
                    f"shown {image['displayed']:.0f} px wide)"
                )
            if record.get(OVERPRINT_KEY, "none") != "none":
                problems.append(f"{page}: {name}: overprinted texts: {record[OVERPRINT_KEY][:300]}")
    return problems, measured


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (.ci/run installs Debian's package)")
def test_figures_readable_at_phone_width(html, tmp_path):
    """Every figure of every page, as a 390 px window shows it: its smallest text (the font size
    figures.save measured over all its texts, ticks included, scaled by displayed / natural width)
    is at least MIN_TEXT_PX screen pixels, and no text is printed over another."""
    pages = [p.relative_to(html).as_posix() for p in book_pages(html)]
    exported = sorted((html / "_static" / "figures").glob("fig-*.png"))
    with serve(html) as (base, _requests), chromium(tmp_path / "profile") as ws_url:
        shown = asyncio.run(asyncio.wait_for(phone_images(ws_url, base, pages), 60 + 10 * len(pages)))
        problems, measured = phone_figure_problems(html, base, shown)
    assert measured >= len(exported) > 0, f"only {measured} figures measured of {len(exported)} exported"
    assert not problems, f"{len(problems)} figure(s) unreadable on a phone:\n" + "\n".join(problems)


# Numbers as a reader reads them (issue 25, items 5 and 10): no None/NaN, no padded numbers, no four
# decimals without a unit. A static check of the built HTML (no browser needed): every page, the main
# column's text without code (cell inputs, code, literal blocks, scripts, mathematics); cell outputs,
# tables and prose included.

# a missing value printed by Python or pandas, as a word of its own
MISSING_WORD = re.compile(r"(?<![\w<-])(None|NaN|nan|NaT|<NA>)(?![\w>-])")
# a decimal standing on its own: not part of a version (1.0.4), a date (27.01.2022), a DOI (10.1080/...)
# or an address (127.0.0.1)
DECIMAL = re.compile(r"(?<![\w.,\u2212+-])[\u2212+-]?\d[\d,]*\.(\d+)(?![\w/]|[.,]\d)")
# a column header or cell that names a unit or the measure a number is on (an index the UN publishes
# to 4 decimals, a model's estimate with its standard error): there, four decimals say what they mean
NAMED_MEASURE = re.compile(
    r"%|percentage point|(?<!\w)(EGDI|index|million|thousand|rank|years?|estimate|s\.e\.|R squared|slope|"
    r"residual|quantile|p-value|times)(?!\w)",
    re.I,
)
SKIPPED_CLASSES = {"cell_input", "highlight", "math", "MathJax", "headerlink"}
SKIPPED_TAGS = {"script", "style", "code", "math", "mjx-container", "svg", "noscript"}
VOID = {"br", "img", "hr", "input", "meta", "link", "wbr", "source", "col", "area", "base", "embed", "track"}


class ReadingText(HTMLParser):
    """The reading text of one page (inside ``<main>``, code and mathematics left out), as (text, column
    header or None, whether it is a table cell) pieces: one per table cell, one per run of other text.
    A literal block (``div.highlight``) is code, except in a cell's output, where it is what the reader
    reads."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, skipped)
        self.in_main = 0
        self.tables: list[dict] = []
        self.cell: list[str] | None = None
        self.cell_header: str | None = None
        self.header: list[str] | None = None
        self.pieces: list[tuple[str, str | None, bool]] = []
        self.prose: list[str] = []

    def _skipping(self) -> bool:
        return any(skipped for _, skipped in self.stack)

    def _in_output(self) -> bool:
        return any(tag == "output" for tag, _ in self.stack)

    def _flush(self) -> None:
        if self.prose:
            self.pieces.append((" ".join(self.prose), None, False))
            self.prose = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        classes = set((dict(attrs).get("class") or "").split())
        if tag == "main":
            self.in_main += 1
        skipped = tag in SKIPPED_TAGS or bool(classes & SKIPPED_CLASSES)
        if "highlight" in classes and self._in_output():
            skipped = False  # a plain-text output is read
        if tag == "pre" and not self._in_output():
            skipped = True
        self.stack.append(("output" if "cell_output" in classes else tag, skipped))
        if self._skipping() or not self.in_main:
            return
        if tag == "table":
            self._flush()
            self.tables.append({"headers": [], "column": -1, "in_head": False})
        elif tag == "thead" and self.tables:
            self.tables[-1]["in_head"] = True
        elif tag == "tr" and self.tables:
            self.tables[-1]["column"] = -1
        elif tag in ("td", "th") and self.tables:
            table = self.tables[-1]
            table["column"] += 1
            if table["in_head"]:
                self.header = []
            else:
                headers = table["headers"]
                self.cell_header = headers[table["column"]] if table["column"] < len(headers) else None
                self.cell = []
        elif tag in ("p", "li", "div", "dd", "dt", "h1", "h2", "h3", "h4", "caption", "figcaption"):
            self._flush()

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        while self.stack:
            open_tag, _ = self.stack.pop()
            if open_tag == tag or (open_tag == "output" and tag == "div"):
                break
        if tag == "main":
            self.in_main -= 1
        if tag in ("td", "th") and self.tables:
            if self.header is not None:
                self.tables[-1]["headers"].append(" ".join(self.header).strip())
                self.header = None
            elif self.cell is not None:
                self.pieces.append((" ".join(self.cell).strip(), self.cell_header, True))
                self.cell = None
        elif tag == "thead" and self.tables:
            self.tables[-1]["in_head"] = False
        elif tag == "table" and self.tables:
            self.tables.pop()
        elif tag in ("p", "li", "div", "dd", "dt"):
            self._flush()

    def handle_data(self, data):
        if not self.in_main or self._skipping() or not data.strip():
            return
        if self.header is not None:
            self.header.append(data.strip())
        elif self.cell is not None:
            self.cell.append(data.strip())
        else:
            self.prose.append(data.strip())

    def close(self):
        super().close()
        self._flush()


def number_problems(text: str) -> list[str]:
    """What a reader should not see in one page's HTML ``text``: a missing value as a word (None, NaN,
    nan, NaT, <NA>), a padded number (zeros after the first decimal: 81.3000, 48.0280, 84.00; 88.0 is
    how an article prints 88,0) and, in a table cell, a number with four or more decimals (13.1667,
    −4.8333) where neither the cell nor its column header names a unit or a measure (%, million, rank,
    EGDI, an estimate and its s.e.)."""
    parser = ReadingText()
    parser.feed(text)
    parser.close()
    found = []
    for piece, header, is_cell in parser.pieces:
        where = f"[{header}] " if header else ""
        shown = f"{where}{piece[:90]!r}"
        for word in MISSING_WORD.findall(piece):
            found.append(f"{word} shown to the reader: {shown}")
        for match in DECIMAL.finditer(piece):
            decimals = match.group(1)
            if len(decimals) >= 2 and decimals.endswith("0"):
                found.append(f"padded number {match.group(0)}: {shown}")
            elif len(decimals) >= 4 and is_cell and header and not NAMED_MEASURE.search(f"{header} {piece}"):
                found.append(f"{match.group(0)}: four or more decimals and no unit: {shown}")
    return found


def test_number_problems_finds_what_a_reader_should_not_see():
    page = (
        "<main><p>Recomputed 81.3000 from the file.</p><table><thead><tr><th>value</th><th>EGDI</th></tr>"
        "</thead><tbody><tr><td>13.1667</td><td>0.7597</td></tr><tr><td>None</td><td>0.8</td></tr></tbody>"
        '</table><div class="cell_output"><div class="highlight"><pre>share    NaN</pre></div></div>'
        '<div class="cell_input"><pre>x = None  # 2.000</pre></div><p>Version 1.0.4, 27.01.2022, '
        "doi:10.1080/1, <code>0.5000</code>, 88.0 %, 13.2 million.</p></main>"
    )
    found = number_problems(page)
    assert len(found) == 4, found
    assert found[0].startswith("padded number 81.3000") and "13.1667: four or more decimals" in found[1]
    assert found[2].startswith("None shown") and found[3].startswith("NaN shown")
    with_unit = number_problems(page.replace("<th>value</th>", "<th>users (million)</th>"))
    assert len(with_unit) == 3 and not any("13.1667" in f for f in with_unit), with_unit
    assert number_problems("<p>outside the main column: None 81.3000</p>") == []


def test_no_none_nan_or_padded_numbers_on_any_page(html):
    """Every page of the built book: no None/NaN, no padded numbers, no four decimals without a unit."""
    report = []
    for page in book_pages(html):
        report += [f"{page.relative_to(html)}: {p}" for p in number_problems(page.read_text(encoding="utf-8"))]
    assert not report, f"{len(report)} number(s) a reader should not see:\n" + "\n".join(report)
