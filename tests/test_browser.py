"""HTML outputs opened in a real browser: headless Chromium (Debian's ``chromium``; ``.ci/run``
installs it) driven through the DevTools protocol over a pipe, so no extra package is needed.

For each page: it renders from ``file://`` with no network request and no console error or
uncaught exception, Chinese text is drawn with the font the page carries itself (the packaged
font, subset and embedded; not empty boxes, not an installed font), and a screenshot is saved
beside the page.  Chromium runs with the system's CJK fonts hidden (root: see tests/fonthide.py),
as on a machine that has none.  Skipped, with the reason, where no browser exists.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from research import paths

from fonthide import hidden, why_not_hidden

BROWSER = next((shutil.which(b) for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)), None)
pytestmark = pytest.mark.skipif(
    BROWSER is None,
    reason="no Chromium on this machine: `apt-get install -y chromium fonts-noto-cjk` (.ci/run does it as root)")

#: Flags for a closed network and a root user (see the machine notes): nothing starts in the
#: background that would try to reach the network.
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-default-apps", "--disable-extensions", "--mute-audio", "--hide-scrollbars",
         "--window-size=1400,1000", "--remote-debugging-pipe"]
LOCAL_SCHEMES = ("file:", "data:", "about:", "blob:")
CJK = re.compile(r"[\u4e00-\u9fff]")


class Browser:
    """Minimal Chrome DevTools protocol client over ``--remote-debugging-pipe`` (fd 3 in, fd 4
    out, messages end with NUL)."""

    def __init__(self, profile: Path, hide_fonts: bool = True):
        import fcntl

        read_end, self._to_browser = os.pipe()
        self._from_browser, write_end = os.pipe()
        # The child must see the pipes as fds 3 and 4: move them above 9 first so that the two
        # dup2 calls in the child cannot overwrite each other.
        high = [fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in (read_end, write_end)]
        os.close(read_end)
        os.close(write_end)
        argv = [BROWSER, *FLAGS, f"--user-data-dir={profile}", "about:blank"]
        self.proc = subprocess.Popen(
            hidden(argv) if hide_fonts and why_not_hidden() is None else argv,
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            pass_fds=(3, 4), preexec_fn=lambda: (os.dup2(high[0], 3), os.dup2(high[1], 4)))
        for fd in high:
            os.close(fd)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict] = []

    def send(self, method: str, params: dict | None = None, session: str | None = None,
             timeout: float = 30) -> dict:
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def _read(self, deadline: float) -> dict:
        import select

        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._from_browser], [], [], left)[0]:
                raise TimeoutError("no answer from Chromium")
            chunk = os.read(self._from_browser, 1 << 20)
            if not chunk:
                raise RuntimeError(f"Chromium exited: {self.proc.stderr.read().decode(errors='replace')[-500:]}")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def close(self) -> None:
        try:
            os.write(self._to_browser, json.dumps({"id": 0, "method": "Browser.close"}).encode() + b"\0")
            self.proc.wait(timeout=10)
        except Exception:
            self.proc.kill()
            self.proc.wait()
        for fd in (self._to_browser, self._from_browser):
            try:
                os.close(fd)
            except OSError:
                pass
        if self.proc.stderr:
            self.proc.stderr.close()


def open_page(page: Path, tmp: Path, ready: str, timeout: float = 30) -> dict:
    """Load ``page`` in headless Chromium; wait until the JavaScript expression ``ready`` is
    true; return the network requests, console errors and exceptions seen, the fonts used for
    Chinese text, a screenshot path and the browser object's page session for more queries."""
    browser = Browser(tmp / "profile")
    try:
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Network", "Runtime", "Log", "Page", "DOM", "CSS"):
            browser.send(f"{domain}.enable", session=session)
        browser.send("Page.navigate", {"url": page.resolve().as_uri()}, session=session)
        deadline = time.monotonic() + timeout
        while not browser.send("Runtime.evaluate", {"expression": f"Boolean({ready})", "returnByValue": True},
                               session=session)["result"].get("value"):
            if time.monotonic() > deadline:
                raise AssertionError(f"{page.name}: not rendered within {timeout} s")
            time.sleep(0.2)
        time.sleep(1.0)  # transitions, late requests
        browser.send("Runtime.evaluate", {"expression": "1"}, session=session)  # collect pending events

        def evaluate(expression: str):
            return browser.send("Runtime.evaluate", {"expression": expression, "returnByValue": True},
                                session=session)["result"].get("value")

        fonts = cjk_fonts(browser, session)
        shot = tmp / f"{page.stem}.png"
        data = browser.send("Page.captureScreenshot", {"format": "png"}, session=session)["data"]
        shot.write_bytes(base64.b64decode(data))
        events = [e for e in browser.events if e.get("sessionId") == session]
        requests = [e["params"]["request"]["url"] for e in events if e.get("method") == "Network.requestWillBeSent"]
        errors = [e["params"]["entry"]["text"] for e in events
                  if e.get("method") == "Log.entryAdded" and e["params"]["entry"]["level"] == "error"]
        errors += [" ".join(str(a.get("value", a.get("description", ""))) for a in e["params"]["args"])
                   for e in events if e.get("method") == "Runtime.consoleAPICalled"
                   and e["params"]["type"] in ("error", "assert", "warning")]
        errors += [e["params"]["exceptionDetails"].get("exception", {}).get("description")
                   or e["params"]["exceptionDetails"]["text"]
                   for e in events if e.get("method") == "Runtime.exceptionThrown"]
        failed = [e["params"].get("errorText") for e in events if e.get("method") == "Network.loadingFailed"]
        return {"requests": requests, "errors": errors + failed, "fonts": fonts, "screenshot": shot,
                "evaluate": evaluate}
    except BaseException:
        browser.close()
        raise
    finally:
        _BROWSERS.append(browser)


_BROWSERS: list[Browser] = []


@pytest.fixture(autouse=True)
def _close_browsers():
    yield
    while _BROWSERS:
        _BROWSERS.pop().close()


def cjk_fonts(browser: Browser, session: str, limit: int = 30) -> list[dict]:
    """The platform fonts Chromium used to draw the first ``limit`` elements whose own text
    holds Chinese characters."""
    marked = browser.send("Runtime.evaluate", {"returnByValue": True, "expression": f"""
        (() => {{ let n = 0;
          for (const el of document.querySelectorAll('body *')) {{
            const own = Array.from(el.childNodes).filter(c => c.nodeType === 3).map(c => c.data).join('');
            if (/[\\u4e00-\\u9fff]/.test(own) && el.getClientRects().length && n < {limit}) {{
              el.setAttribute('data-cjk-probe', String(n++)); }} }}
          return n; }})()"""}, session=session)["result"]["value"]
    if not marked:
        return []
    root = browser.send("DOM.getDocument", {"depth": -1}, session=session)["root"]["nodeId"]
    nodes = browser.send("DOM.querySelectorAll", {"nodeId": root, "selector": "[data-cjk-probe]"},
                         session=session)["nodeIds"]
    used = []
    for node in nodes:
        used += browser.send("CSS.getPlatformFontsForNode", {"nodeId": node}, session=session)["fonts"]
    return used


def cjk_capable(fonts: list[dict]) -> list[str]:
    """Names of the fonts in ``fonts`` that hold Chinese glyphs: loaded by the page itself, or
    installed fonts that fontconfig lists for Chinese."""
    names = set()
    if shutil.which("fc-list"):
        out = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True).stdout
        names = {n.strip() for line in out.splitlines() for n in line.split(",")}
    return [f["familyName"] for f in fonts if f.get("isCustomFont") or f["familyName"] in names
            or re.search(r"CJK|Han Sans|Han Serif|WenQuanYi|Droid Sans Fallback|AR PL|Noto Sans SC", f["familyName"])]


def assert_offline_and_clean(result: dict, name: str) -> None:
    remote = [u for u in result["requests"] if not u.startswith(LOCAL_SCHEMES)]
    assert not remote, f"{name} asked the network for {remote}"
    assert not result["errors"], f"{name}: console errors {result['errors']}"
    assert result["screenshot"].stat().st_size > 5000, f"{name}: blank screenshot"


def assert_chinese_drawn(result: dict, name: str) -> None:
    """Chinese text is drawn, and only with the font the page embeds (research/report/fonts.py)."""
    assert result["fonts"], f"{name}: no Chinese text found on the page"
    used = sorted({f["familyName"] for f in result["fonts"]})
    assert cjk_capable(result["fonts"]), (f"{name}: Chinese drawn with {used}, none of which has Chinese "
                                          "glyphs (empty boxes)")
    installed = sorted({f["familyName"] for f in result["fonts"] if not f.get("isCustomFont")})
    assert not installed, (f"{name}: Chinese drawn with installed font(s) {installed}, not the page's own: "
                           "embed the packaged font (research.report.fonts.embed_font)")


def test_ldavis_page_renders_offline_with_chinese_and_table_topic_numbers(topics_dir, tmp_path):
    out = topics_dir  # what the topic model wrote
    page = out / "ldavis.html"
    assert page.exists(), "the topic model wrote no ldavis.html"
    html = page.read_text(encoding="utf-8")
    assert not re.findall(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html), "page links to the web"
    result = open_page(page, tmp_path, "document.querySelectorAll('#' + "
                       "document.querySelector('[id]').id + ' svg circle').length > 0")
    assert_offline_and_clean(result, page.name)
    assert_chinese_drawn(result, page.name)
    # Topic numbers drawn on the page are the numbers topics.csv and doc_topics.csv use.
    shown = result["evaluate"]("Array.from(document.querySelectorAll('svg text.txt')).map(t => t.textContent)")
    table = sorted(pd.read_csv(out / "topics.csv").topic.unique().astype(int).astype(str))
    assert shown and sorted(shown) == table, f"page numbers topics {sorted(shown)}, topics.csv {table}"
    columns = [c for c in pd.read_csv(out / "doc_topics.csv", nrows=1).columns if c.startswith("topic_")]
    assert sorted(c.removeprefix("topic_") for c in columns) == table


def _study_help() -> str | None:
    out = subprocess.run([sys.executable, "-m", "research", "study", "--help"], capture_output=True, text=True)
    return out.stdout if out.returncode == 0 else None


@pytest.mark.slow  # a whole study (topic grid, figures): about 50 s of CPU even with the cheap options
def test_study_report_page_renders_offline_with_chinese(tmp_path):
    helptext = _study_help()
    if helptext is None:
        pytest.skip("`python -m research study` does not exist yet (study issue)")
    # The page is what is tested here, not the study: its cheapest options where they exist.
    cheap = [opt for flag, opt in (("--topics-k", ["--topics-k", "4"]),
                                   ("--no-notebooks", ["--no-notebooks"])) if flag in helptext]
    out = tmp_path / "study"
    run = subprocess.run([sys.executable, "-m", "research", "study", str(paths.SEEDS), "--out", str(out),
                          *[a for opt in cheap for a in opt]], capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr[-2000:]
    page = out / "report.html"
    assert page.exists(), f"study wrote no report.html: {sorted(p.name for p in out.iterdir())}"
    html = page.read_text(encoding="utf-8")
    assert not re.findall(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html), "page links to the web"
    result = open_page(page, tmp_path, "document.readyState === 'complete'")
    assert_offline_and_clean(result, page.name)
    assert_chinese_drawn(result, page.name)


def test_report_page_draws_chinese_with_its_own_font_and_no_system_font(tmp_path):
    """report.html as study/page.py writes it, from a study's tables with Chinese in them."""
    from research.study.page import write_page

    study = tmp_path / "study"
    (study / "tables").mkdir(parents=True)
    units = pd.read_csv(paths.ROOT / "reports" / "corpus" / "units.csv", nrows=6, keep_default_na=False)
    units[["doc_id", "section_path", "text"]].to_csv(study / "tables" / "documents.csv", index=False)
    summary = {"by": "city", "groups": ["Binzhou", "滨州"], "label_sources": {"human": 6}, "documents": 1,
               "units": 6, "metadata": "inferred"}
    page = write_page(study, summary)
    result = open_page(page, tmp_path, "document.readyState === 'complete' && document.fonts.status === 'loaded'")
    assert_offline_and_clean(result, page.name)
    assert_chinese_drawn(result, page.name)
