#!/usr/bin/env python3
"""Headless-browser test of the mcp-shield live dashboard.

Runs against a running `mcp-shield serve`:

    python3 tests/browser/dashboard_test.py --base-url http://127.0.0.1:PORT --screenshot out.png

Needs Debian's `chromium` and `chromium-driver` and PyPI's `selenium`. The chromedriver is passed
explicitly, so Selenium Manager never tries to download anything.

What it checks, in a real browser:
  * /dashboard connects to the event stream (#status says "live");
  * decisions POSTed to /inspect appear in the feed (#feed rows with data-id = record id) within
    1 second of the POST returning, with the decision, server and tool the API returned;
  * hostile strings (HTML/script in server names, tool names and arguments) are shown as literal
    text: no element is created from them and no alert fires;
  * the detail view (#detail) shows the redacted arguments, never the secret itself;
  * the counters (#count-total, #count-allowed, #count-blocked) move by exactly what was posted;
  * the decision and server filters (#filter-decision, #filter-server), on reload and live;
  * with --contract-server NAME (scripts/browser-test seeds one with the proxy and the rug-pull
    demo server): the contracts panel (#contracts) lists the changed `add` tool of that server with
    its diff, shows the server's name (which carries markup) as literal text, and its "Approve"
    button approves it: the panel empties and GET /contracts reports the pin approved;
  * and it saves a 1280x900 screenshot (with the contract still waiting).

Exit status 0 when everything passed, 1 otherwise (with a message saying what failed).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

try:
    from selenium import webdriver
    from selenium.common.exceptions import NoAlertPresentException, WebDriverException
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select
except ImportError:  # pragma: no cover - reported to the person running the test
    print("FAIL: the `selenium` package is not installed (pip install selenium)", file=sys.stderr)
    sys.exit(1)


FEED_DEADLINE_S = 1.0  # a posted decision must be in the feed this soon after the POST returns
WAIT_S = 10.0  # generous limit for everything else (page load, refetches, counters)

GITHUB_TOKEN = "ghp_4fR9zT2qLm8VxW1cK7bN3yH6pD0sJ5aE2gUi"
XSS_SERVER = "<img src=x onerror=alert(1)>"
XSS_TOOL = "<script>alert(2)</script>"
XSS_ARGUMENT = "<svg onload=alert(3)>"

# Runs in the page before any of its scripts: counts alert/confirm/prompt calls instead of showing
# them, and records CSP violations (an inline handler or script that the policy stopped would
# still mean untrusted text became markup).
PAGE_INSTRUMENTATION = """
window.__alerts = 0;
window.__cspViolations = [];
window.alert = function () { window.__alerts += 1; };
window.confirm = function () { window.__alerts += 1; return false; };
window.prompt = function () { window.__alerts += 1; return null; };
document.addEventListener('securitypolicyviolation', function (e) {
  window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || '') + ' ' + (e.sample || ''));
});
"""

# Hostile markup must never become elements inside the feed, the detail view or the contracts panel.
INJECTED_ELEMENTS_JS = (
    "return document.querySelectorAll("
    "'#feed img, #feed script, #feed svg, #feed iframe, #feed object, "
    "#detail img, #detail script, #detail svg, #detail iframe, #detail object, "
    "#contracts img, #contracts script, #contracts svg, #contracts iframe, #contracts object').length;"
)

# The seeded contract: the rug-pull demo server's `add` tool, which gained a `note` parameter.
CONTRACT_TOOL = "add"
CONTRACT_DIFF_PATH = "$.inputSchema.properties.note"

# The contracts panel: {empty, error, items: [{server, kind, name, status, serverName, diff, findings}]}.
CONTRACTS_JS = """
var panel = document.getElementById('contracts');
if (!panel) return null;
var shown = function (e) { return !!e && e.getClientRects().length > 0; };
var text = function (root, sel) { var e = root.querySelector(sel); return e ? e.textContent : null; };
var empty = document.getElementById('contracts-empty');
var error = document.getElementById('contracts-error');
return {
  empty: shown(empty) ? empty.textContent : null,
  error: shown(error) ? error.textContent : null,
  items: Array.from(panel.querySelectorAll('li.contract')).map(function (li) {
    return {
      server: li.getAttribute('data-server'),
      kind: li.getAttribute('data-kind'),
      name: li.getAttribute('data-name'),
      status: (text(li, '.badge') || '').trim(),
      shownName: text(li, '.contract-name'),
      serverName: text(li, '.contract-server-name'),
      diff: Array.from(li.querySelectorAll('.diff-line')).map(function (d) {
        return {text: d.textContent, cls: d.className, color: getComputedStyle(d).color};
      }),
      findings: Array.from(li.querySelectorAll('.finding')).map(function (f) { return f.textContent; }),
      hasButton: !!li.querySelector('button.btn-approve')
    };
  })
};
"""

# GET /contracts from inside the page, with the page's session cookie (not the bearer token).
FETCH_CONTRACTS_JS = """
var done = arguments[arguments.length - 1];
fetch('/contracts', {credentials: 'same-origin', headers: {Accept: 'application/json'}, cache: 'no-store'})
  .then(function (r) { return r.text().then(function (t) { done({status: r.status, body: t}); }); })
  .catch(function (e) { done({status: 0, body: String(e)}); });
"""

# [{id, decision, server, tool, visible}] for every row in the feed.
FEED_ROWS_JS = """
return Array.from(document.querySelectorAll('#feed tr[data-id]')).map(function (row) {
  var text = function (cls) { var c = row.querySelector('td.' + cls); return c ? c.textContent : null; };
  return {
    id: Number(row.getAttribute('data-id')),
    decision: (text('col-decision') || '').trim(),
    server: text('col-server'),
    tool: text('col-tool'),
    visible: row.getClientRects().length > 0
  };
});
"""

ROW_BY_ID_JS = """
var row = document.querySelector('#feed tr[data-id="' + arguments[0] + '"]');
if (!row) return null;
var text = function (cls) { var c = row.querySelector('td.' + cls); return c ? c.textContent : null; };
return {
  decision: (text('col-decision') || '').trim(),
  server: text('col-server'),
  tool: text('col-tool'),
  rule: text('col-rule'),
  visible: row.getClientRects().length > 0
};
"""


class Failure(Exception):
    """A check failed; the message says which and why."""


class DashboardTest:
    def __init__(self, base_url: str, screenshot: str, token: str | None,
                 chromedriver: str, chromium: str | None, contract_server: str | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.contract_server = contract_server
        self.screenshot = screenshot
        self.token = token
        self.chromedriver = chromedriver
        self.chromium = chromium
        self.driver: webdriver.Chrome | None = None
        self.passed: list[str] = []
        self.latencies: list[float] = []
        # Server names unique to this run, so filters can be checked against a log that already
        # holds other decisions.
        run = uuid.uuid4().hex[:8]
        self.server_a = f"demo-{run}"
        self.server_b = f"files-{run}"

    # ------------------------------------------------------------------------------------------
    # Plumbing
    # ------------------------------------------------------------------------------------------

    def ok(self, message: str) -> None:
        self.passed.append(message)
        print(f"  ok  {message}", flush=True)

    def start_browser(self) -> None:
        if not os.path.exists(self.chromedriver):
            raise Failure(f"chromedriver not found at {self.chromedriver} (apt-get install chromium-driver)")
        options = webdriver.ChromeOptions()
        if self.chromium:
            options.binary_location = self.chromium
        for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                         "--window-size=1280,900", "--force-device-scale-factor=1", "--no-first-run",
                         "--disable-extensions", "--disable-background-networking"):
            options.add_argument(argument)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.driver = webdriver.Chrome(service=Service(executable_path=self.chromedriver), options=options)
        self.driver.set_window_size(1280, 900)
        # The viewport itself, and so the screenshot, is 1280x900 whatever the window decorations.
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                    {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False})
        self.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": PAGE_INSTRUMENTATION})

    def js(self, script: str, *args):
        assert self.driver is not None
        return self.driver.execute_script(script, *args)

    def wait_for(self, what: str, predicate, timeout: float = WAIT_S, interval: float = 0.05):
        """Polls `predicate` until it returns a truthy value; fails naming `what` on timeout."""
        deadline = time.monotonic() + timeout
        last_error: Exception | None = None
        while True:
            try:
                value = predicate()
                if value:
                    return value
            except WebDriverException as error:  # e.g. an element replaced while being read
                last_error = error
            if time.monotonic() >= deadline:
                detail = f" (last error: {last_error})" if last_error else ""
                raise Failure(f"timed out after {timeout:.1f}s waiting for {what}{detail}")
            time.sleep(interval)

    def request(self, method: str, path: str, body: object | None = None) -> object:
        """A JSON request to the API with urllib (not through the browser)."""
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(self.base_url + path, data=data, method=method)
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as error:
            text = error.read().decode("utf-8", "replace")[:500]
            raise Failure(f"{method} {path} returned HTTP {error.code}: {text}") from None
        except urllib.error.URLError as error:
            raise Failure(f"{method} {path} failed: {error.reason}") from None

    def counters(self) -> tuple[int, int, int] | None:
        """(total, allowed, blocked) from the page, or None while any is not an integer yet."""
        values = []
        for element_id in ("count-total", "count-allowed", "count-blocked"):
            text = self.js(f"var e = document.getElementById('{element_id}'); return e ? e.textContent : null;")
            if text is None:
                raise Failure(f"the page has no #{element_id}")
            text = text.strip().replace(",", "").replace("\u202f", "").replace("\u00a0", "")
            if not text.isdigit():
                return None
            values.append(int(text))
        return values[0], values[1], values[2]

    def max_feed_id(self) -> int:
        ids = [row["id"] for row in self.js(FEED_ROWS_JS)]
        return max(ids, default=0)

    # ------------------------------------------------------------------------------------------
    # Posting decisions and finding them in the feed
    # ------------------------------------------------------------------------------------------

    @staticmethod
    def record_id(response: dict) -> int | None:
        """The audit record id in an /inspect response, wherever the server put it."""
        for key in ("id", "audit_id", "record_id"):
            if isinstance(response.get(key), int):
                return response[key]
        for key in ("audit", "record"):
            nested = response.get(key)
            if isinstance(nested, dict) and isinstance(nested.get("id"), int):
                return nested["id"]
        return None

    def post(self, server: str, tool: str, arguments: dict, expect_in_feed: bool = True) -> dict:
        """POSTs one call to /inspect and (unless told otherwise) waits for its row in the feed.

        Returns {"id", "decision", "server", "tool", "rule"}; records the feed latency."""
        before = self.max_feed_id()
        body = {"server_name": server, "tool_call": {"tool_name": tool, "arguments": arguments}}
        response = self.request("POST", "/inspect", body)
        returned = time.monotonic()
        if not isinstance(response, dict) or response.get("decision") not in ("ALLOW", "BLOCK"):
            raise Failure(f"POST /inspect returned no ALLOW/BLOCK decision: {response!r}")
        decision = response["decision"]
        record_id = self.record_id(response)
        posted = {"id": record_id, "decision": decision, "server": server, "tool": tool,
                  "rule": response.get("rule")}
        if not expect_in_feed:
            return posted

        def find_row():
            if record_id is not None:
                return self.js(ROW_BY_ID_JS, record_id) and record_id
            # No id in the response: the newest row after the POST with this server and tool.
            for row in self.js(FEED_ROWS_JS):
                if row["id"] > before and row["server"] == server and row["tool"] == tool:
                    return row["id"]
            return None

        deadline = returned + FEED_DEADLINE_S
        found = None
        while found is None:
            found = find_row() or None
            if found is None and time.monotonic() > deadline:
                raise Failure(
                    f"decision {decision} for server {server!r} tool {tool!r}"
                    f"{'' if record_id is None else f' (record {record_id})'} was not in the feed "
                    f"{time.monotonic() - returned:.3f}s after POST /inspect returned (limit {FEED_DEADLINE_S:.1f}s)")
            if found is None:
                time.sleep(0.01)
        elapsed = time.monotonic() - returned
        self.latencies.append(elapsed)
        posted["id"] = found

        row = self.js(ROW_BY_ID_JS, found)
        if row is None:
            raise Failure(f"row {found} left the feed while being checked")
        for field in ("decision", "server", "tool"):
            if row[field] != posted[field]:
                raise Failure(f"row {found}: {field} shows {row[field]!r}, but the API said {posted[field]!r}")
        return posted

    # ------------------------------------------------------------------------------------------
    # The test
    # ------------------------------------------------------------------------------------------

    def run(self) -> None:
        self.start_browser()
        driver = self.driver
        assert driver is not None

        # --- Load and connect -------------------------------------------------------------------
        url = self.base_url + "/dashboard"
        if self.token:
            url += "?token=" + urllib.parse.quote(self.token, safe="")
        driver.get(url)
        if "mcp-shield" not in driver.title:
            raise Failure(f"unexpected page title {driver.title!r}")
        self.wait_for('#status to say "live"',
                      lambda: "live" in (self.js("var s = document.getElementById('status'); return s ? s.textContent : '';")))
        start_counts = self.wait_for("integer counters", self.counters)
        self.ok(f"dashboard loaded and live; counters start at total={start_counts[0]} "
                f"allowed={start_counts[1]} blocked={start_counts[2]}")

        # --- The contract waiting for approval -------------------------------------------------
        self.check_contract_waiting()

        # --- Decisions appear in the feed ---------------------------------------------------------
        posted = [
            self.post(self.server_a, "get_current_time", {"timezone": "UTC"}),
            self.post(self.server_a, "fetch", {"url": "http://169.254.169.254/latest/meta-data/"}),
            self.post(self.server_b, "read_file", {"path": "../../.ssh/id_rsa"}),
            self.post(self.server_b, "list_directory", {"path": "."}),
        ]
        if posted[1]["decision"] != "BLOCK":
            raise Failure(f"a fetch of the metadata address was not blocked: {posted[1]}")
        if posted[0]["decision"] != "ALLOW":
            raise Failure(f"get_current_time was not allowed (check the server's default policy): {posted[0]}")
        self.ok(f"{len(posted)} decisions appeared in the feed, slowest after "
                f"{max(self.latencies) * 1000:.0f} ms")

        secret = self.post(self.server_a, "create_issue",
                           {"title": "deploy notes", "note": f"use token {GITHUB_TOKEN} for the deploy"})
        posted.append(secret)

        # --- Hostile text stays text ------------------------------------------------------------
        xss_server = self.post(XSS_SERVER, "get_current_time", {"timezone": "UTC"})
        xss_tool = self.post(self.server_a, XSS_TOOL, {"q": "x"})
        xss_args = self.post(self.server_a, "echo", {"text": XSS_ARGUMENT})
        xss_all = self.post(XSS_SERVER, XSS_TOOL, {"text": XSS_ARGUMENT})
        posted += [xss_server, xss_tool, xss_args, xss_all]

        for record, field, payload in ((xss_server, "server", XSS_SERVER), (xss_tool, "tool", XSS_TOOL),
                                       (xss_all, "server", XSS_SERVER), (xss_all, "tool", XSS_TOOL)):
            row = self.js(ROW_BY_ID_JS, record["id"])
            if row is None or row[field] != payload:
                raise Failure(f"row {record['id']}: {field} cell is {row and row[field]!r}, expected the literal text {payload!r}")
        self.check_no_injection("after posting hostile names")
        self.ok("HTML in server and tool names is shown as literal text; no elements created, no alert")

        # --- Detail view ------------------------------------------------------------------------
        detail = self.open_detail(secret["id"])
        if "[REDACTED:github-token]" not in detail:
            raise Failure(f"#detail does not show [REDACTED:github-token] for record {secret['id']}:\n{detail}")
        if GITHUB_TOKEN in detail or GITHUB_TOKEN[:12] in detail:
            raise Failure(f"#detail shows the GitHub token itself for record {secret['id']}")
        if "deploy notes" not in detail:
            raise Failure(f"#detail does not show the other arguments of record {secret['id']}:\n{detail}")
        self.ok("detail view shows the redacted arguments ([REDACTED:github-token]), not the token")

        detail = self.open_detail(xss_args["id"])
        if XSS_ARGUMENT not in detail:
            raise Failure(f"#detail does not show the argument {XSS_ARGUMENT!r} as text:\n{detail}")
        detail = self.open_detail(xss_all["id"])
        for payload in (XSS_SERVER, XSS_TOOL, XSS_ARGUMENT):
            if payload not in detail:
                raise Failure(f"#detail of record {xss_all['id']} does not show {payload!r} as text")
        self.check_no_injection("after opening hostile records")
        self.ok("hostile arguments are shown as literal text in the detail view")

        # --- Counters ---------------------------------------------------------------------------
        allowed = sum(1 for p in posted if p["decision"] == "ALLOW")
        blocked = len(posted) - allowed
        expected = (start_counts[0] + len(posted), start_counts[1] + allowed, start_counts[2] + blocked)
        try:
            self.wait_for("counters", lambda: self.counters() == expected, timeout=WAIT_S)
        except Failure:
            raise Failure(f"counters are (total, allowed, blocked) = {self.counters()}, expected {expected} "
                          f"after posting {allowed} ALLOW and {blocked} BLOCK") from None
        self.ok(f"counters went up by {len(posted)} ({allowed} allowed, {blocked} blocked)")

        # --- Filters ----------------------------------------------------------------------------
        self.check_filters(posted)

        # --- Final checks and the screenshot -----------------------------------------------------
        self.check_no_injection("at the end")
        self.open_detail(secret["id"])
        self.js("window.scrollTo(0, 0);")
        self.save_screenshot()
        self.ok(f"screenshot saved to {self.screenshot}")

        # --- Approving the contract (after the screenshot, which shows it waiting) ---------------
        self.check_contract_approval()
        self.check_no_injection("after approving the contract")
        self.check_browser_log()

    def contracts_panel(self) -> dict:
        panel = self.js(CONTRACTS_JS)
        if panel is None:
            raise Failure("the page has no #contracts panel")
        return panel

    def waiting_contract(self, panel: dict) -> dict | None:
        for item in panel["items"]:
            if item["kind"] == "tool" and item["name"] == CONTRACT_TOOL and item["serverName"] == self.contract_server:
                return item
        return None

    def check_contract_waiting(self) -> None:
        """The panel lists the seeded contract, with its diff, and its server name as text."""
        if not self.contract_server:
            # Nothing seeded: the panel must still load (an item list or "Nothing waiting").
            def loaded():
                panel = self.contracts_panel()
                done = panel["items"] or panel["error"] or (panel["empty"] and "Loading" not in panel["empty"])
                return panel if done else None
            panel = self.wait_for("the contracts panel to load", loaded)
            if panel["error"]:
                raise Failure(f"the contracts panel shows an error: {panel['error']}")
            self.ok(f"contracts panel loaded ({len(panel['items'])} waiting)")
            return

        def find():
            panel = self.contracts_panel()
            if panel["error"]:
                raise Failure(f"the contracts panel shows an error: {panel['error']}")
            return self.waiting_contract(panel)
        try:
            item = self.wait_for(f"#contracts to list tool {CONTRACT_TOOL!r} of {self.contract_server!r}", find)
        except Failure:
            raise Failure(f"#contracts does not list tool {CONTRACT_TOOL!r} of {self.contract_server!r}: "
                          f"{self.contracts_panel()!r}") from None
        if item["status"] != "changed":
            raise Failure(f"the waiting {CONTRACT_TOOL!r} tool shows status {item['status']!r}, expected 'changed'")
        if item["shownName"] != CONTRACT_TOOL:
            raise Failure(f"the waiting tool's name shows as {item['shownName']!r}")
        if not item["hasButton"]:
            raise Failure("the waiting contract has no Approve button")
        lines = [line for line in item["diff"] if CONTRACT_DIFF_PATH in line["text"]]
        if not lines:
            raise Failure(f"no diff line of the waiting contract mentions {CONTRACT_DIFF_PATH}: {item['diff']!r}")
        line = lines[0]
        if not line["text"].startswith("+") or "diff-add" not in line["cls"].split():
            raise Failure(f"the diff line {line['text']!r} is not shown as an addition (class {line['cls']!r})")
        added = self.js("var e = document.createElement('span'); e.className = 'diff-line diff-add';"
                        "document.body.append(e); var c = getComputedStyle(e).color; e.remove();"
                        "var r = document.createElement('span'); r.className = 'diff-line diff-remove';"
                        "document.body.append(r); var d = getComputedStyle(r).color; r.remove(); return [c, d];")
        if added[0] == added[1]:
            raise Failure(f"added and removed diff lines have the same colour {added[0]}")
        self.check_no_injection("after listing the waiting contract")
        self.ok(f"contracts panel lists the changed {CONTRACT_TOOL!r} tool with the diff line "
                f"{line['text'][:60]!r}…; the server name {self.contract_server!r} is literal text, no element, no alert")

    def check_contract_approval(self) -> None:
        """Approve removes the item; GET /contracts (with the page's cookie) says approved."""
        if not self.contract_server:
            return
        assert self.driver is not None
        item = self.waiting_contract(self.contracts_panel())
        if item is None:
            raise Failure("the waiting contract left #contracts before it was approved")
        button = self.driver.find_element(
            By.CSS_SELECTOR, f'#contracts li.contract[data-kind="tool"][data-name="{CONTRACT_TOOL}"] button.btn-approve')
        self.js("arguments[0].scrollIntoView({block: 'center'});", button)
        clicked = time.monotonic()
        button.click()

        def emptied():
            panel = self.contracts_panel()
            if panel["error"]:
                raise Failure(f"the contracts panel shows an error after Approve: {panel['error']}")
            for entry in panel["items"]:
                if entry["serverName"] == self.contract_server and entry["name"] == CONTRACT_TOOL:
                    errors = self.js("return Array.from(document.querySelectorAll('#contracts li.contract "
                                     ".inline-error')).filter(e => !e.hidden).map(e => e.textContent);")
                    if errors:
                        raise Failure(f"Approve failed: {errors}")
                    return None
            return panel
        panel = self.wait_for("the approved contract to leave #contracts", emptied, timeout=5)
        elapsed = time.monotonic() - clicked
        if panel["items"] or not panel["empty"] or "Nothing waiting" not in panel["empty"]:
            raise Failure(f"#contracts does not say 'Nothing waiting' after Approve: {panel!r}")

        answer = self.driver.execute_async_script(FETCH_CONTRACTS_JS)
        if answer["status"] != 200:
            raise Failure(f"GET /contracts from the page returned {answer['status']}: {answer['body'][:300]}")
        body = json.loads(answer["body"])
        statuses = [pin.get("status") for server in body.get("servers", []) if server.get("name") == self.contract_server
                    for pin in server.get("pins", []) if pin.get("kind") == "tool" and pin.get("name") == CONTRACT_TOOL]
        if statuses != ["approved"]:
            raise Failure(f"after Approve, GET /contracts reports tool {CONTRACT_TOOL!r} of {self.contract_server!r} "
                          f"as {statuses!r}, expected ['approved']")
        self.ok(f"Approve emptied the contracts panel after {elapsed * 1000:.0f} ms "
                f"(\"{panel['empty']}\"); GET /contracts reports the pin approved")

    def open_detail(self, record_id: int) -> str:
        """Clicks the row of `record_id` and returns the detail view's text once it shows it."""
        assert self.driver is not None
        row = self.driver.find_element(By.CSS_SELECTOR, f'#feed tr[data-id="{record_id}"]')
        self.js("arguments[0].scrollIntoView({block: 'center'});", row)
        row.click()

        def detail_text():
            # The dashboard marks #detail with the id of the record it shows.
            shown = self.js("var d = document.getElementById('detail');"
                            "return d ? [d.getAttribute('data-id'), d.textContent] : null;")
            if shown is None:
                raise Failure("the page has no #detail")
            return shown[1] if shown[0] == str(record_id) else None

        return self.wait_for(f"#detail to show record {record_id}", detail_text, timeout=5)

    def check_no_injection(self, when: str) -> None:
        assert self.driver is not None
        count = self.js(INJECTED_ELEMENTS_JS)
        if count:
            raise Failure(f"{count} img/script/svg/iframe/object element(s) were created in #feed or #detail {when}")
        alerts = self.js("return window.__alerts;")
        if alerts is None:
            raise Failure("the alert counter was not installed (CDP Page.addScriptToEvaluateOnNewDocument failed?)")
        if alerts:
            raise Failure(f"window.alert/confirm/prompt was called {alerts} time(s) {when}")
        try:
            alert = self.driver.switch_to.alert
            text = alert.text
            alert.dismiss()
            raise Failure(f"an alert is open {when}: {text!r}")
        except NoAlertPresentException:
            pass
        violations = self.js("return window.__cspViolations;") or []
        if violations:
            raise Failure(f"Content-Security-Policy violations {when}: {violations}")

    def visible_rows(self) -> list[dict]:
        return [row for row in self.js(FEED_ROWS_JS) if row["visible"]]

    def set_server_filter(self, value: str) -> None:
        assert self.driver is not None
        element = self.driver.find_element(By.ID, "filter-server")
        if element.tag_name.lower() == "select":
            if value == "":
                Select(element).select_by_value("")
            else:
                self.wait_for(f"option {value!r} in #filter-server",
                              lambda: self.js("return Array.from(arguments[0].options).some(o => o.value === arguments[1]);",
                                              element, value))
                Select(element).select_by_value(value)
        else:
            element.clear()
            if value:
                element.send_keys(value)
            # Fire `change` as leaving the field would; the page also reacts to `input`.
            self.js("arguments[0].dispatchEvent(new Event('change', {bubbles: true}));", element)

    def check_filters(self, posted: list[dict]) -> None:
        assert self.driver is not None
        decision_select = Select(self.driver.find_element(By.ID, "filter-decision"))
        values = sorted(option.get_attribute("value") for option in decision_select.options)
        if values != ["", "ALLOW", "BLOCK"]:
            raise Failure(f"#filter-decision options are {values}, expected '', 'ALLOW', 'BLOCK'")

        ours_allowed = {p["id"] for p in posted if p["decision"] == "ALLOW"}
        ours_blocked = {p["id"] for p in posted if p["decision"] == "BLOCK"}

        # BLOCK only: every visible row is a BLOCK, ours included.
        decision_select.select_by_value("BLOCK")

        def only_blocks():
            rows = self.visible_rows()
            ids = {row["id"] for row in rows}
            return (rows and all(row["decision"] == "BLOCK" for row in rows)
                    and ours_blocked <= ids and not (ours_allowed & ids))
        self.wait_for("the BLOCK filter to show only BLOCK rows", only_blocks)

        # Live: with the filter on, a new ALLOW stays out and a new BLOCK comes in.
        allow = self.post(self.server_a, "get_current_time", {"timezone": "Europe/Paris"}, expect_in_feed=False)
        if allow["decision"] != "ALLOW":
            raise Failure(f"get_current_time was not allowed: {allow}")
        block = self.post(self.server_a, "fetch", {"url": "http://169.254.169.254/latest/user-data"})
        posted += [allow, block]
        # Events arrive in order: once the BLOCK is shown, the ALLOW before it has been handled.
        if any(row["decision"] != "BLOCK" for row in self.visible_rows()):
            raise Failure("an ALLOW row appeared in the feed while filtering on BLOCK")
        self.ok("decision filter BLOCK shows only BLOCK rows, on reload and for live events")

        decision_select.select_by_value("")
        self.wait_for("the feed to show ALLOW rows again once the decision filter is cleared",
                      lambda: any(row["decision"] == "ALLOW" for row in self.visible_rows()))

        # Server filter.
        ours_b = {p["id"] for p in posted if p["server"] == self.server_b}
        ours_a = {p["id"] for p in posted if p["server"] == self.server_a}
        self.set_server_filter(self.server_b)

        def only_server_b():
            rows = self.visible_rows()
            ids = {row["id"] for row in rows}
            return (rows and all(row["server"] == self.server_b for row in rows)
                    and ours_b <= ids and not (ours_a & ids))
        self.wait_for(f"the server filter to show only {self.server_b!r}", only_server_b)

        live_a = self.post(self.server_a, "get_current_time", {"timezone": "UTC"}, expect_in_feed=False)
        live_b = self.post(self.server_b, "list_directory", {"path": "docs"})
        posted += [live_a, live_b]
        if any(row["server"] != self.server_b for row in self.visible_rows()):
            raise Failure(f"a row of another server appeared while filtering on {self.server_b!r}")
        self.ok("server filter shows only that server's rows, on reload and for live events")

        self.set_server_filter("")
        self.wait_for("the feed to show every server again once the server filter is cleared",
                      lambda: any(row["server"] == self.server_a for row in self.visible_rows()))

    def save_screenshot(self) -> None:
        assert self.driver is not None
        directory = os.path.dirname(os.path.abspath(self.screenshot))
        os.makedirs(directory, exist_ok=True)
        if not self.driver.save_screenshot(self.screenshot):
            raise Failure(f"could not save the screenshot to {self.screenshot}")

    def check_browser_log(self) -> None:
        """Fails on JavaScript errors in the page's console; other warnings are printed."""
        assert self.driver is not None
        try:
            entries = self.driver.get_log("browser")
        except WebDriverException:
            return
        errors = []
        for entry in entries:
            if entry.get("level") != "SEVERE":
                continue
            message = entry.get("message", "")
            source = entry.get("source", "")
            if source in ("javascript", "security") or "Uncaught" in message or "Content Security Policy" in message:
                errors.append(message)
            else:
                print(f"  note  browser console: {message}", flush=True)
        if errors:
            raise Failure("JavaScript errors in the page:\n    " + "\n    ".join(errors))

    def close(self) -> None:
        if self.driver is not None:
            try:
                self.driver.quit()
            except WebDriverException:
                pass


def main() -> int:
    parser = argparse.ArgumentParser(description="Headless-browser test of the mcp-shield dashboard.")
    parser.add_argument("--base-url", required=True, help="e.g. http://127.0.0.1:8787")
    parser.add_argument("--screenshot", required=True, help="where to save a 1280x900 PNG")
    parser.add_argument("--token", default=os.environ.get("MCP_SHIELD_TOKEN"),
                        help="API token, if the server has one (default: $MCP_SHIELD_TOKEN)")
    parser.add_argument("--contract-server", default=None,
                        help="the name of a server with a changed `add` tool waiting for approval "
                             "(seeded by scripts/browser-test): checks the contracts panel and approves it")
    parser.add_argument("--chromedriver", default="/usr/bin/chromedriver")
    parser.add_argument("--chromium", default=shutil.which("chromium") or shutil.which("chromium-browser"),
                        help="the browser binary (default: chromium on PATH)")
    options = parser.parse_args()

    test = DashboardTest(options.base_url, options.screenshot, options.token, options.chromedriver, options.chromium,
                         options.contract_server)
    print(f"dashboard test against {test.base_url}", flush=True)
    try:
        test.run()
    except Failure as failure:
        print(f"FAIL: {failure}", file=sys.stderr, flush=True)
        if test.driver is not None:
            try:
                test.save_screenshot()
                print(f"(screenshot of the failure saved to {test.screenshot})", file=sys.stderr)
            except Exception:  # noqa: BLE001 - best effort while reporting another failure
                pass
        print(f"{len(test.passed)} passed, 1 failed")
        return 1
    except WebDriverException as error:
        print(f"FAIL: browser error: {error.msg or error}", file=sys.stderr, flush=True)
        print(f"{len(test.passed)} passed, 1 failed")
        return 1
    finally:
        test.close()

    latencies = sorted(test.latencies)
    median = latencies[len(latencies) // 2] * 1000 if latencies else 0.0
    print(f"feed latency over {len(latencies)} decisions: median {median:.0f} ms, "
          f"max {latencies[-1] * 1000 if latencies else 0:.0f} ms (limit {FEED_DEADLINE_S * 1000:.0f} ms)")
    print(f"{len(test.passed)} passed, 0 failed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
