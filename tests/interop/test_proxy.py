"""Interop tests for `mcp-shield proxy`, driven by software nobody here wrote.

The client is the official MCP Python SDK (`mcp.Client` over stdio) and the servers are the
reference servers `mcp-server-time`, `mcp-server-fetch` and `mcp-server-git`, each started as
`mcp-shield proxy ... -- SERVER`. The SDK tests run in both protocol eras the SDK speaks:
`legacy` (the 2025-11-25 initialize handshake) and `auto`, the SDK's default, which negotiates
2026-07-28 with these servers.

Raw wire behaviour (refused messages, byte-for-byte passthrough, process lifecycle) is tested
with `subprocess.Popen` in front of `recording_server.py`, which appends every line it receives
to a file.

Nothing here needs the internet: the fetch server is pointed (`--proxy-url`) at a local HTTP
server that answers every request, so any request the fetch server makes, to any host, is
counted here.

The binary is $MCP_SHIELD_BIN (default .build/debug/mcp-shield, relative to the repository).
"""

from __future__ import annotations

import datetime as dt
import http.server
import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters, stdio_client

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
RECORDING_SERVER = HERE / "recording_server.py"


def _shield_binary() -> Path:
    path = Path(os.environ.get("MCP_SHIELD_BIN", ".build/debug/mcp-shield"))
    return path if path.is_absolute() else REPO / path


BIN = _shield_binary()
# The servers are console scripts of the virtual environment running these tests.
VENV_BIN = Path(sys.executable).parent

# The proxy lists a server's tools itself, right after the client's notifications/initialized,
# to pin their contracts before any call (ids "mcp-shield-tools-N").
PROXY_LIST = re.compile(rb'"id":"mcp-shield-tools-\d+","method":"tools/list"')
BLOCKED_PREFIX = "mcp-shield blocked this call (rule {rule}): "

MODES = [
    pytest.param("legacy", id="mcp-2025-11-25"),
    pytest.param("auto", id="mcp-2026-07-28"),
]


@pytest.fixture(scope="session", autouse=True)
def _binary_exists():
    if not (BIN.is_file() and os.access(BIN, os.X_OK)):
        pytest.fail(f"mcp-shield binary not found at {BIN}: build it (swift build) or set MCP_SHIELD_BIN", pytrace=False)


@pytest.fixture(params=MODES)
def mode(request) -> str:
    return request.param


def server_command(name: str, *args: str) -> list[str]:
    path = VENV_BIN / name
    if not path.exists():
        found = shutil.which(name)
        if not found:
            pytest.fail(f"{name} is not installed in {VENV_BIN} (run scripts/interop-test)", pytrace=False)
        path = Path(found)
    return [str(path), *args]


def write_policy(path: Path, text: str) -> Path:
    path.write_text(text)
    result = subprocess.run([str(BIN), "policy", "validate", str(path)], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, f"policy {path} is invalid: {result.stdout}{result.stderr}"
    return path


# MARK: - Through the SDK


@dataclass
class Outcome:
    """What the client made of one tools/call."""

    is_error: bool | None = None
    text: str = ""
    structured: Any = None
    exception: BaseException | None = None


async def call(client: Client, name: str, arguments: dict[str, Any]) -> Outcome:
    try:
        result = await client.call_tool(name, arguments)
    except Exception as error:  # the client could not read the answer: reported by the asserts
        return Outcome(exception=error)
    text = "\n".join(block.text for block in result.content if getattr(block, "type", None) == "text")
    return Outcome(is_error=bool(result.is_error), text=text, structured=result.structured_content)


def assert_allowed(outcome: Outcome) -> None:
    if outcome.exception is not None:
        raise AssertionError(f"the MCP client failed on the answer: {outcome.exception!r}")
    assert outcome.is_error is False, f"expected a successful call, got an error result: {outcome.text}"


def assert_blocked(outcome: Outcome, rule: str) -> None:
    # A 2026-07-28 CallToolResult must carry "resultType": the SDK refuses one without it.
    if outcome.exception is not None:
        raise AssertionError(
            "the official MCP SDK client could not read the proxy's blocked-call result "
            f"(a 2026-07-28 CallToolResult must carry \"resultType\": \"complete\"): {outcome.exception}"
        )
    assert outcome.is_error is True, f"expected a blocked call (isError true), got: {outcome.text}"
    assert outcome.text.startswith(BLOCKED_PREFIX.format(rule=rule)), f"expected rule {rule}, got: {outcome.text}"


class Session:
    """`mcp-shield proxy` in front of a server, with its own audit database and stderr log."""

    def __init__(self, tmp_path: Path, server: list[str], server_name: str, policy_file: Path | None = None):
        self.db = tmp_path / "audit.db"
        self.stderr_path = tmp_path / f"proxy-{server_name}.stderr"
        self.server_name = server_name
        args = ["proxy", "--db", str(self.db), "--server-name", server_name]
        if policy_file is not None:
            args += ["--policy-file", str(policy_file)]
        self.params = StdioServerParameters(command=str(BIN), args=[*args, "--", *server])

    def run(self, mode: str, body):
        """Runs `await body(client)` in a client session through the proxy; returns its value."""

        async def main():
            with open(self.stderr_path, "w") as errlog, anyio.fail_after(120):
                # The SDK's own stdio transport; passed as a Transport to send stderr to a file.
                transport = stdio_client(self.params, errlog=errlog)
                async with Client(transport, mode=mode, read_timeout_seconds=45) as client:
                    return await body(client)

        try:
            return anyio.run(main)
        except BaseException:
            sys.stderr.write(f"--- proxy stderr ({self.stderr_path}) ---\n{self.stderr()}\n")
            raise

    def stderr(self) -> str:
        return self.stderr_path.read_text(errors="replace") if self.stderr_path.exists() else ""

    def audit(self) -> list[dict[str, Any]]:
        return audit_records(self.db)


def audit_records(db: Path) -> list[dict[str, Any]]:
    """Every record in the database, oldest first, as `mcp-shield audit --json` prints them."""
    result = subprocess.run(
        [str(BIN), "audit", "--db", str(db), "--json", "--limit", "100"], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, f"mcp-shield audit failed: {result.stderr}"
    records = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    return sorted(records, key=lambda record: record["id"])


def tool_names(listing) -> list[str]:
    return [tool.name for tool in listing.tools]


# MARK: time


def test_time_server(tmp_path, mode):
    session = Session(tmp_path, server_command("mcp-server-time", "--local-timezone", "UTC"), "time")

    async def body(client):
        listing = await client.list_tools()
        now = await call(client, "get_current_time", {"timezone": "UTC"})
        return client.protocol_version, client.server_info, tool_names(listing), now

    version, server_info, names, now = session.run(mode, body)
    assert version == ("2025-11-25" if mode == "legacy" else "2026-07-28")
    assert server_info is not None and server_info.name == "mcp-time"
    assert {"get_current_time", "convert_time"} <= set(names)
    assert_allowed(now)
    answer = json.loads(now.text)
    assert answer["timezone"] == "UTC"
    moment = dt.datetime.fromisoformat(answer["datetime"])
    assert abs((moment - dt.datetime.now(dt.timezone.utc)).total_seconds()) < 300

    records = session.audit()
    assert [(r["tool"], r["decision"], r["rule"]) for r in records] == [("get_current_time", "ALLOW", None)]


# MARK: hidden tools


def test_hidden_tools(tmp_path, mode):
    policy = write_policy(tmp_path / "only-now.yaml", 'allowed_tools: ["get_current_time"]\n')
    session = Session(tmp_path, server_command("mcp-server-time", "--local-timezone", "UTC"), "time", policy)

    async def body(client):
        listing = await client.list_tools()
        hidden = await call(client, "convert_time", {"source_timezone": "UTC", "time": "12:00", "target_timezone": "Europe/Paris"})
        shown = await call(client, "get_current_time", {"timezone": "UTC"})
        return tool_names(listing), hidden, shown

    names, hidden, shown = session.run(mode, body)
    assert names == ["get_current_time"]
    assert_allowed(shown)
    assert_blocked(hidden, "tool.not-allowed")
    assert "hid 1 tool(s)" in session.stderr() and "convert_time" in session.stderr()


# MARK: fetch


# Plain text, so the fetch server returns it as it is: its HTML simplifier (readabilipy) runs
# `npm install` on first use when Node.js is on the PATH, which needs the internet.
PAGE = "Shield interop page.\nThe word of the day is PLATYPUS-7731.\n"


class CountingHTTPServer:
    """A local HTTP server, origin and forward proxy at once: every request is counted."""

    def __init__(self):
        self.requests: list[str] = []
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                owner.requests.append(self.requestline)
                body = PAGE.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/plain; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def http_server():
    server = CountingHTTPServer()
    yield server
    server.close()


def fetch_server(http_server: CountingHTTPServer) -> list[str]:
    # --allow-private-ips: the fetch server's own private-address guard is off, so the proxy is
    # the only thing between the model and an internal address. --proxy-url: every request the
    # fetch server makes, whatever its host, lands on the counting server.
    return server_command(
        "mcp-server-fetch", "--ignore-robots-txt", "--allow-private-ips", "--proxy-url", f"http://127.0.0.1:{http_server.port}"
    )


def test_fetch_allowed_internal_host(tmp_path, mode, http_server):
    port = http_server.port
    policy = write_policy(
        tmp_path / "fetch-local.yaml", f'allowed_tools: ["*"]\negress:\n  allow_internal: ["127.0.0.1:{port}"]\n'
    )
    session = Session(tmp_path, fetch_server(http_server), "fetch", policy)
    url = f"http://127.0.0.1:{port}/page"
    other = f"http://127.0.0.1:{port + 1}/page"

    async def body(client):
        allowed = await call(client, "fetch", {"url": url})
        other_port = await call(client, "fetch", {"url": other})
        return allowed, other_port

    allowed, other_port = session.run(mode, body)
    # One request reached the counting server: the allowed one. The allowance is for that host and
    # port only.
    assert http_server.requests == [f"GET {url} HTTP/1.1"], "expected exactly the allowed request"
    records = session.audit()
    assert [(r["tool"], r["decision"], r["rule"], r["arguments"]) for r in records] == [
        ("fetch", "ALLOW", None, {"url": url}),
        ("fetch", "BLOCK", "ssrf.private-address", {"url": other}),
    ]
    assert_allowed(allowed)
    assert "PLATYPUS-7731" in allowed.text
    assert_blocked(other_port, "ssrf.private-address")


def test_fetch_blocked_by_default_policy(tmp_path, mode, http_server):
    session = Session(tmp_path, fetch_server(http_server), "fetch")
    loopback = f"http://127.0.0.1:{http_server.port}/"
    metadata = "http://169.254.169.254/latest/meta-data/"

    async def body(client):
        return await call(client, "fetch", {"url": loopback}), await call(client, "fetch", {"url": metadata})

    loopback_outcome, metadata_outcome = session.run(mode, body)
    # The key property: the fetch server never saw either call (it would have reached the counter).
    assert http_server.requests == [], "the fetch server made a request the proxy should have blocked"
    records = session.audit()
    assert [(r["tool"], r["decision"], r["rule"], r["path"], r["arguments"]) for r in records] == [
        ("fetch", "BLOCK", "ssrf.private-address", "$.url", {"url": loopback}),
        ("fetch", "BLOCK", "ssrf.metadata", "$.url", {"url": metadata}),
    ]
    assert_blocked(loopback_outcome, "ssrf.private-address")
    assert_blocked(metadata_outcome, "ssrf.metadata")


# MARK: git


def git(*args: str, cwd: Path) -> str:
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}
    identity = ["-c", "user.name=Interop Test", "-c", "user.email=interop@example.invalid", "-c", "commit.gpgsign=false"]
    result = subprocess.run(["git", *identity, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, f"git {' '.join(args)}: {result.stderr}"
    return result.stdout


def make_repo(path: Path) -> Path:
    path.mkdir(parents=True)
    git("init", "-q", "-b", "main", cwd=path)
    (path / "README.md").write_text("interop\n")
    git("add", "README.md", cwd=path)
    git("commit", "-q", "-m", "initial commit", cwd=path)
    return path


def branches(repo: Path) -> set[str]:
    return set(git("branch", "--format=%(refname:short)", cwd=repo).split())


def test_git_filesystem_roots(tmp_path, mode):
    base = tmp_path.resolve()
    allowed_root = base / "allowed"
    inside = make_repo(allowed_root / "repo")
    outside = make_repo(base / "outside" / "repo")
    policy = write_policy(base / "git.yaml", f'allowed_tools: ["*"]\nfilesystem:\n  roots: ["{allowed_root}"]\n')
    # Without --repository, so the git server itself would open any repository: only the proxy confines it.
    session = Session(tmp_path, server_command("mcp-server-git"), "git", policy)

    async def body(client):
        names = tool_names(await client.list_tools())
        results = {
            "status inside": await call(client, "git_status", {"repo_path": str(inside)}),
            "status outside": await call(client, "git_status", {"repo_path": str(outside)}),
            "branch inside": await call(client, "git_create_branch", {"repo_path": str(inside), "branch_name": "made-through-shield"}),
            "branch outside": await call(client, "git_create_branch", {"repo_path": str(outside), "branch_name": "shield-was-bypassed"}),
        }
        return names, results

    names, results = session.run(mode, body)
    assert {"git_status", "git_create_branch"} <= set(names)
    # The server ran the allowed call and never the blocked one.
    assert branches(inside) == {"main", "made-through-shield"}
    assert branches(outside) == {"main"}, "the git server created a branch outside the allowed root"
    records = session.audit()
    assert [(r["tool"], r["decision"], r["rule"], r["path"], r["arguments"].get("repo_path")) for r in records] == [
        ("git_status", "ALLOW", None, None, str(inside)),
        ("git_status", "BLOCK", "path.outside-root", "$.repo_path", str(outside)),
        ("git_create_branch", "ALLOW", None, None, str(inside)),
        ("git_create_branch", "BLOCK", "path.outside-root", "$.repo_path", str(outside)),
    ]
    assert_allowed(results["status inside"])
    assert "On branch main" in results["status inside"].text
    assert_allowed(results["branch inside"])
    assert_blocked(results["status outside"], "path.outside-root")
    assert_blocked(results["branch outside"], "path.outside-root")


# MARK: audit


def test_audit_records_every_decision(tmp_path, mode):
    policy = write_policy(tmp_path / "audited.yaml", 'description: audited\nallowed_tools: ["get_current_time"]\n')
    session = Session(tmp_path, server_command("mcp-server-time", "--local-timezone", "UTC"), "time-audited", policy)
    metadata = "http://169.254.169.254/latest/meta-data/iam/security-credentials/"

    async def body(client):
        await call(client, "get_current_time", {"timezone": "UTC"})
        await call(client, "convert_time", {"source_timezone": "UTC", "time": "12:00", "target_timezone": "Asia/Tokyo"})
        await call(client, "get_current_time", {"timezone": metadata})
        await call(client, "get_current_time", {"timezone": "Europe/Berlin"})

    session.run(mode, body)
    records = session.audit()
    assert len(records) == 4, f"expected one record per tools/call, got {json.dumps(records, indent=1)}"
    for record in records:
        assert record["surface"] == "proxy"
        assert record["server"] == "time-audited"
        assert record["policy"] == "audited"
        assert record["blocked"] == (record["decision"] == "BLOCK")
    assert len({record["session"] for record in records}) == 1
    assert [(r["tool"], r["decision"], r["rule"], r["path"], r["arguments"]) for r in records] == [
        ("get_current_time", "ALLOW", None, None, {"timezone": "UTC"}),
        (
            "convert_time",
            "BLOCK",
            "tool.not-allowed",
            None,
            {"source_timezone": "UTC", "time": "12:00", "target_timezone": "Asia/Tokyo"},
        ),
        ("get_current_time", "BLOCK", "ssrf.metadata", "$.timezone", {"timezone": metadata}),
        ("get_current_time", "ALLOW", None, None, {"timezone": "Europe/Berlin"}),
    ]
    assert "169.254.169.254" in records[2]["reason"]
    verify = subprocess.run([str(BIN), "audit", "verify", "--db", str(session.db)], capture_output=True, text=True, timeout=30)
    assert verify.returncode == 0, f"audit verify failed: {verify.stdout}{verify.stderr}"


# MARK: - Raw wire, in front of the recording server


class RawProxy:
    """`mcp-shield proxy -- python recording_server.py ...` driven over pipes, no SDK."""

    def __init__(
        self, tmp_path: Path, *server_options: str, proxy_options: tuple[str, ...] = (), server: list[str] | None = None
    ):
        self.tmp_path = tmp_path
        self.db = tmp_path / "audit.db"
        self.record = tmp_path / "record.jsonl"
        self.pid_file = tmp_path / "server.pid"
        self.stderr_path = tmp_path / "proxy.stderr"
        if server is None:
            server = [sys.executable, str(RECORDING_SERVER), str(self.record), "--pid-file", str(self.pid_file), *server_options]
        command = [str(BIN), "proxy", "--db", str(self.db), "--server-name", "recording", *proxy_options, "--", *server]
        self._stderr = open(self.stderr_path, "wb")
        # Nothing from the caller's environment may choose the policy or the database.
        env = {key: value for key, value in os.environ.items() if not key.startswith("MCP_SHIELD_")}
        self.proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr, env=env)
        self._lines: queue.Queue[bytes | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self._server_pid: int | None = None

    def _read(self):
        for line in iter(self.proc.stdout.readline, b""):
            self._lines.put(line.rstrip(b"\n"))
        self._lines.put(None)

    def send(self, raw: bytes) -> None:
        self.proc.stdin.write(raw + b"\n")
        self.proc.stdin.flush()

    def send_json(self, message: dict[str, Any]) -> bytes:
        raw = json.dumps(message, separators=(",", ":")).encode()
        self.send(raw)
        return raw

    def receive(self, timeout: float = 15) -> bytes | None:
        """The next line from the proxy (None at EOF)."""
        try:
            return self._lines.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"no message from the proxy within {timeout} s; stderr:\n{self.stderr()}") from None

    def response(self, id_: Any, timeout: float = 15) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            line = self.receive(max(0.1, deadline - time.monotonic()))
            assert line is not None, f"the proxy closed its output before answering id {id_}; stderr:\n{self.stderr()}"
            message = json.loads(line)
            if isinstance(message, dict) and message.get("id") == id_ and "method" not in message:
                return message

    def request(self, message: dict[str, Any]) -> dict[str, Any]:
        self.send_json(message)
        return self.response(message["id"])

    def initialize(self) -> None:
        reply = self.request(
            {
                "jsonrpc": "2.0",
                "id": 1,
                "method": "initialize",
                "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "raw", "version": "0"}},
            }
        )
        assert reply["result"]["serverInfo"]["name"] == "recording-server"
        self.send_json({"jsonrpc": "2.0", "method": "notifications/initialized"})

    def barrier(self, id_: int = 999) -> None:
        """A ping answered by the server: everything sent before it has been recorded."""
        assert self.request({"jsonrpc": "2.0", "id": id_, "method": "ping"}) == {"jsonrpc": "2.0", "id": id_, "result": {}}

    def recorded(self) -> list[bytes]:
        """What the server received from the client, in order: the proxy's own tools/list
        requests (which pin the server's tools, see `proxy_lists`) left out."""
        return [line for line in self.everything_recorded() if not PROXY_LIST.search(line)]

    def proxy_lists(self) -> list[bytes]:
        """The tools/list requests the proxy sent the server itself."""
        return [line for line in self.everything_recorded() if PROXY_LIST.search(line)]

    def everything_recorded(self) -> list[bytes]:
        if not self.record.exists():
            return []
        return self.record.read_bytes().split(b"\n")[:-1]

    def server_pid(self, timeout: float = 15) -> int:
        deadline = time.monotonic() + timeout
        while self._server_pid is None:
            if self.pid_file.exists() and self.pid_file.read_text().strip():
                self._server_pid = int(self.pid_file.read_text())
            elif time.monotonic() > deadline:
                raise AssertionError(f"the recording server did not start; stderr:\n{self.stderr()}")
            else:
                time.sleep(0.02)
        return self._server_pid

    def close_stdin(self) -> None:
        self.proc.stdin.close()

    def wait(self, timeout: float) -> int:
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"the proxy did not exit within {timeout} s; stderr:\n{self.stderr()}") from None

    def stderr(self) -> str:
        self._stderr.flush()
        return self.stderr_path.read_text(errors="replace")

    def cleanup(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if self._server_pid is not None and alive(self._server_pid):
            os.kill(self._server_pid, signal.SIGKILL)
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()
            except (OSError, ValueError):
                pass
        self._stderr.close()


def alive(pid: int) -> bool:
    """Whether the process is still running (a zombie, already dead, is not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"


def wait_dead(pid: int, timeout: float = 2) -> bool:
    deadline = time.monotonic() + timeout
    while alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


@pytest.fixture
def raw_proxy(tmp_path):
    started: list[RawProxy] = []

    def start(*server_options: str, proxy_options: tuple[str, ...] = (), server: list[str] | None = None) -> RawProxy:
        proxy = RawProxy(tmp_path, *server_options, proxy_options=proxy_options, server=server)
        started.append(proxy)
        return proxy

    yield start
    for proxy in started:
        proxy.cleanup()


# MARK: refused messages


REFUSED = [
    pytest.param(
        b'{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"echo","name":"rm_rf","arguments":{}}}',
        7,
        id="duplicate-key-name",
    ),
    pytest.param(
        b'{"jsonrpc":"2.0","id":7,"method":"ping","method":"tools/call","params":{"name":"rm_rf","arguments":{}}}',
        7,
        id="duplicate-key-method",
    ),
    pytest.param(
        b'{"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"echo","arguments":{"text":"caf\xe9 \xff"}}}',
        8,
        id="invalid-utf8",
    ),
    pytest.param(
        b'{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"echo","arguments":{"text":"\\ud800"}}}',
        9,
        id="lone-surrogate",
    ),
    pytest.param(
        b'{"jsonrpc":"2.0","id":10,"method":"tools/call","params":{"name":"echo","arguments":{"text":"\xed\xa0\x80"}}}',
        10,
        id="encoded-surrogate",
    ),
]


@pytest.mark.parametrize("line, id_", REFUSED)
def test_refused_message_never_reaches_server(raw_proxy, line, id_):
    proxy = raw_proxy()
    proxy.initialize()
    proxy.send(line)
    reply = json.loads(proxy.receive())
    assert "error" in reply and "result" not in reply, f"expected a JSON-RPC error, got {reply}"
    assert isinstance(reply["error"]["code"], int) and reply["error"]["message"].startswith("mcp-shield refused a message")
    # The id could not be trusted, so JSON-RPC says null; the request's own id would also be fine.
    assert reply.get("id") in (None, id_)
    proxy.barrier()
    recorded = proxy.recorded()
    assert line not in recorded
    assert not [r for r in recorded if re.search(rb'"id"\s*:\s*%d(?!\d)' % id_, r)], f"the server received {recorded}"
    assert not [r for r in recorded if b"tools/call" in r]
    assert len(recorded) == 3  # initialize, notifications/initialized, the barrier ping

    proxy.close_stdin()
    assert proxy.wait(10) == 0
    records = audit_records(proxy.db)
    assert [(r["surface"], r["server"], r["decision"], r["rule"]) for r in records] == [
        ("proxy", "recording", "BLOCK", "jsonrpc.malformed")
    ]


# MARK: passthrough


def test_passthrough_is_byte_for_byte(raw_proxy):
    proxy = raw_proxy()
    proxy.initialize()
    unknown = b'{ "jsonrpc" : "2.0", "id" : 31, "method" : "foo/bar", "params" : { "z" : 1, "a" : [1, 2.50, "\\u00e9", 1e2] } }'
    notification = b'{"method":"notifications/shield-test","jsonrpc":"2.0","params":{"b":2,"a":1}}'
    batch = b'[{"jsonrpc":"2.0","id":41,"method":"ping"}, {"jsonrpc":"2.0","id":42,"method":"ping"}]'
    allowed_call = b'{"jsonrpc":"2.0","id":51,"method":"tools/call","params":{"arguments":{"text":"caf\\u00e9 \xc3\xa9"},"name":"echo"}}'

    proxy.send(unknown)
    # The server's answer is relayed as the server wrote it (default json.dumps separators).
    assert proxy.receive() == b'{"jsonrpc": "2.0", "id": 31, "error": {"code": -32601, "message": "Method not found: foo/bar"}}'
    proxy.send(notification)
    proxy.send(batch)
    answers = json.loads(proxy.receive())
    assert sorted(answer["id"] for answer in answers) == [41, 42]
    # An allowed tools/call is forwarded as it arrived, too.
    proxy.send(allowed_call)
    echo = proxy.response(51)
    assert echo["result"]["isError"] is False
    assert json.loads(echo["result"]["content"][0]["text"]) == {"text": "café é"}
    proxy.barrier()

    recorded = proxy.recorded()
    assert recorded[2:] == [unknown, notification, batch, allowed_call, b'{"jsonrpc":"2.0","id":999,"method":"ping"}']
    # Besides the client's messages, the server got one tools/list from the proxy: after the
    # client's notifications/initialized, before anything else.
    everything = proxy.everything_recorded()
    assert proxy.proxy_lists() == [b'{"jsonrpc":"2.0","id":"mcp-shield-tools-1","method":"tools/list"}']
    assert PROXY_LIST.search(everything[2])


def test_batch_with_a_blocked_call(raw_proxy):
    proxy = raw_proxy()
    proxy.initialize()
    ping = {"jsonrpc": "2.0", "id": 61, "method": "ping"}
    bad = {
        "jsonrpc": "2.0",
        "id": 62,
        "method": "tools/call",
        "params": {"name": "echo", "arguments": {"text": "http://169.254.169.254/latest/meta-data/"}},
    }
    proxy.send(json.dumps([ping, bad]).encode())
    answers = [json.loads(proxy.receive()), json.loads(proxy.receive())]
    # One array from the proxy (the blocked call), one from the server (the ping), in either order.
    by_id = {answer[0]["id"]: answer for answer in answers if isinstance(answer, list) and len(answer) == 1}
    assert set(by_id) == {61, 62}, f"expected two one-element batches, got {answers}"
    assert by_id[61][0]["result"] == {}
    blocked = by_id[62][0]["result"]
    assert blocked["isError"] is True
    assert blocked["content"][0]["text"].startswith(BLOCKED_PREFIX.format(rule="ssrf.metadata"))
    proxy.barrier()
    recorded = proxy.recorded()
    assert [json.loads(line) for line in recorded[2:-1]] == [[ping]]
    assert not [line for line in recorded if b"169.254" in line]


def test_tools_call_notification_is_not_forwarded(raw_proxy):
    proxy = raw_proxy()
    proxy.initialize()
    proxy.send(b'{"jsonrpc":"2.0","method":"tools/call","params":{"name":"echo","arguments":{"text":"no id"}}}')
    proxy.barrier()
    assert not [line for line in proxy.recorded() if b"tools/call" in line]
    proxy.close_stdin()
    assert proxy.wait(10) == 0
    records = audit_records(proxy.db)
    assert [(r["tool"], r["decision"], r["rule"]) for r in records] == [("echo", "BLOCK", "jsonrpc.invalid-request")]


def test_oversized_line_is_refused_whole(raw_proxy):
    # A valid message after a run of whitespace: one line, over the limit. Were the proxy to resume
    # reading inside the line, the rest would be a well-formed tools/call smuggled past the check.
    proxy = raw_proxy(proxy_options=("--max-message-bytes", "2048"))
    proxy.initialize()
    smuggled = b'{"jsonrpc":"2.0","id":71,"method":"tools/call","params":{"name":"echo","arguments":{"smuggled":true}}}'
    proxy.send(b" " * 5000 + smuggled)
    reply = json.loads(proxy.receive())
    assert "error" in reply and reply.get("id") in (None, 71), f"expected a JSON-RPC error, got {reply}"
    proxy.send(b'{"jsonrpc":"2.0","id":72,"method":"tools/call","params":{"name":"echo","arguments":{"pad":"' + b"A" * 4000 + b'"}}}')
    reply = json.loads(proxy.receive())
    assert "error" in reply and reply.get("id") in (None, 72), f"expected a JSON-RPC error, got {reply}"
    # Larger than the proxy's read buffer and a pipe's capacity: it arrives in pieces.
    proxy.send(b" " * 300_000 + smuggled)
    reply = json.loads(proxy.receive())
    assert "error" in reply and reply.get("id") in (None, 71), f"expected a JSON-RPC error, got {reply}"
    proxy.barrier()  # and the proxy still works
    recorded = proxy.recorded()
    assert not [line for line in recorded if b"smuggled" in line or b"AAAA" in line], f"the server received {recorded}"
    assert len(recorded) == 3
    proxy.close_stdin()
    assert proxy.wait(10) == 0
    records = audit_records(proxy.db)
    assert [r["decision"] for r in records] == ["BLOCK"] * 3
    # Every over-long line is refused as too large, however its bytes arrived.
    assert [r["rule"] for r in records] == ["jsonrpc.too-large"] * 3


def test_policy_file_is_reloaded(raw_proxy, tmp_path):
    policy = write_policy(tmp_path / "live.yaml", 'allowed_tools: ["echo", "exit"]\n')
    proxy = raw_proxy(proxy_options=("--policy-file", str(policy)))
    proxy.initialize()
    echo = {"jsonrpc": "2.0", "id": 81, "method": "tools/call", "params": {"name": "echo", "arguments": {"n": 1}}}
    assert proxy.request(echo)["result"]["isError"] is False

    def rewrite(text: str) -> None:
        policy.write_text(text)
        later = time.time() + 5
        os.utime(policy, (later, later))
        time.sleep(0.6)  # the proxy looks at most every 250 ms

    rewrite('description: tightened\nallowed_tools: ["exit"]\n')
    answer = proxy.request({**echo, "id": 82})["result"]
    assert answer["isError"] is True and answer["content"][0]["text"].startswith(BLOCKED_PREFIX.format(rule="tool.not-allowed"))
    listing = proxy.request({"jsonrpc": "2.0", "id": 83, "method": "tools/list"})["result"]["tools"]
    assert [tool["name"] for tool in listing] == ["exit"]

    policy.write_text('allowed_tools: ["*"]\negress:\n  alow_hosts: []\n')  # a typo: invalid, not applied
    os.utime(policy, (time.time() + 10, time.time() + 10))
    time.sleep(0.6)
    answer = proxy.request({**echo, "id": 84})["result"]
    assert answer["isError"] is True, "an invalid policy edit must keep the last good policy"
    assert "invalid" in proxy.stderr()
    recorded = proxy.recorded()
    assert [json.loads(line).get("id") for line in recorded if b"tools/call" in line] == [81]


# MARK: lifecycle


def test_client_eof_ends_proxy_with_server_status(raw_proxy):
    proxy = raw_proxy("--eof-exit", "5")
    proxy.initialize()
    pid = proxy.server_pid()
    # A request right before EOF is still answered: the server's output is relayed until it exits.
    proxy.send_json({"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "echo", "arguments": {"last": True}}})
    start = time.monotonic()
    proxy.close_stdin()
    assert proxy.response(2)["result"]["content"][0]["text"] == '{"last": true}'
    assert proxy.receive() is None
    assert proxy.wait(5) == 5
    assert time.monotonic() - start < 5
    assert wait_dead(pid), f"the server (pid {pid}) is still running after the proxy exited"


def test_server_exit_ends_proxy_with_its_status(raw_proxy):
    proxy = raw_proxy()
    proxy.initialize()
    pid = proxy.server_pid()
    reply = proxy.request({"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "exit", "arguments": {"code": 3}}})
    assert reply["result"]["content"][0]["text"] == "exiting"
    # Our standard input stays open: the server's exit alone ends the proxy.
    assert proxy.wait(5) == 3
    assert proxy.receive(5) is None
    assert wait_dead(pid)


def test_missing_command_fails_clearly(raw_proxy, tmp_path):
    missing = str(tmp_path / "no-such-mcp-server")
    proxy = raw_proxy(server=[missing, "--flag"])
    status = proxy.wait(10)
    assert status != 0
    stderr = proxy.stderr()
    assert missing in stderr or "no-such-mcp-server" in stderr, f"stderr does not name the command: {stderr!r}"
    assert stderr.strip(), "no message on stderr"


def test_stubborn_server_is_killed(raw_proxy):
    proxy = raw_proxy("--stubborn")
    proxy.initialize()
    pid = proxy.server_pid()
    start = time.monotonic()
    proxy.close_stdin()
    status = proxy.wait(8)
    elapsed = time.monotonic() - start
    assert elapsed < 6.5, f"the proxy took {elapsed:.1f} s to exit"
    assert wait_dead(pid), f"the stubborn server (pid {pid}) survived the proxy"
    assert status == 128 + signal.SIGKILL, f"expected 128 + SIGKILL (the server was killed), got {status}"


def test_sigterm_is_forwarded_to_server(raw_proxy):
    proxy = raw_proxy()
    proxy.initialize()
    pid = proxy.server_pid()
    proxy.proc.send_signal(signal.SIGTERM)
    assert proxy.wait(5) == 128 + signal.SIGTERM
    assert wait_dead(pid)
