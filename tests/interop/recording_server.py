#!/usr/bin/env python3
"""A minimal MCP server over stdio that records every raw line it receives.

Used by the interop tests to see exactly what `mcp-shield proxy` forwards: every line read from
standard input is appended, byte for byte (newline included), to RECORD_FILE before it is parsed
or answered, so by the time a response reaches the client its request is on disk.

    recording_server.py RECORD_FILE [--pid-file FILE] [--eof-exit N] [--stubborn]

--pid-file FILE  write this process's pid to FILE at start-up
--eof-exit N     exit with status N when standard input ends (default 0)
--stubborn       ignore SIGTERM, and keep running after standard input ends

Answers: initialize, ping, tools/list (tools `echo` and `exit`), tools/call (`echo` returns its
arguments as text; `exit` answers, then exits with `arguments.code`, default 3), batches (an
array of answers), and any other request with a JSON-RPC "method not found" error written with
Python's default separators (so a client can tell whether the proxy re-encoded it).
Notifications and unparsable lines get no answer. Standard library only.
"""

import json
import os
import signal
import sys
import time

TOOLS = [
    {
        "name": "echo",
        "description": "Returns its arguments as text.",
        "inputSchema": {"type": "object", "properties": {"text": {"type": "string"}}},
    },
    {
        "name": "exit",
        "description": "Answers, then ends the server with the given status (default 3).",
        "inputSchema": {"type": "object", "properties": {"code": {"type": "integer"}}},
    },
]


def parse_args(argv):
    if not argv or argv[0].startswith("--"):
        sys.exit("usage: recording_server.py RECORD_FILE [--pid-file FILE] [--eof-exit N] [--stubborn]")
    options = {"record": argv[0], "pid_file": None, "eof_exit": 0, "stubborn": False}
    rest = argv[1:]
    while rest:
        flag = rest.pop(0)
        if flag == "--pid-file":
            options["pid_file"] = rest.pop(0)
        elif flag == "--eof-exit":
            options["eof_exit"] = int(rest.pop(0))
        elif flag == "--stubborn":
            options["stubborn"] = True
        else:
            sys.exit(f"recording_server.py: unknown option {flag}")
    return options


class Server:
    def __init__(self, out):
        self.out = out
        self.exit_after = None  # status to exit with once the current answer is written

    def write(self, text):
        self.out.write(text.encode("utf-8") + b"\n")
        self.out.flush()

    def answer(self, message):
        """The answer to one message (a JSON value, or raw text), or None."""
        if not isinstance(message, dict) or not isinstance(message.get("method"), str):
            return None  # a response to a server request, or nonsense: nothing to say
        if "id" not in message:
            return None  # a notification
        method, id_ = message["method"], message["id"]
        params = message.get("params") if isinstance(message.get("params"), dict) else {}
        if method == "initialize":
            result = {
                "protocolVersion": params.get("protocolVersion", "2025-11-25"),
                "capabilities": {"tools": {}},
                "serverInfo": {"name": "recording-server", "version": "1.0.0"},
            }
        elif method == "ping":
            result = {}
        elif method == "tools/list":
            result = {"tools": TOOLS}
        elif method == "tools/call":
            name = params.get("name")
            arguments = params.get("arguments") or {}
            if name == "echo":
                text = json.dumps(arguments, sort_keys=True)
                result = {"content": [{"type": "text", "text": text}], "isError": False}
            elif name == "exit":
                self.exit_after = int(arguments.get("code", 3))
                result = {"content": [{"type": "text", "text": "exiting"}], "isError": False}
            else:
                return {"jsonrpc": "2.0", "id": id_, "error": {"code": -32602, "message": f"Unknown tool: {name}"}}
        else:
            # Default separators on purpose: a proxy that re-encodes would lose the spaces.
            return json.dumps({"jsonrpc": "2.0", "id": id_, "error": {"code": -32601, "message": f"Method not found: {method}"}})
        return {"jsonrpc": "2.0", "id": id_, "result": result}

    def handle(self, raw):
        try:
            message = json.loads(raw)
        except ValueError:
            return
        if isinstance(message, list):
            answers = [self.answer(m) for m in message]
            answers = [json.loads(a) if isinstance(a, str) else a for a in answers if a is not None]
            if answers:
                self.write(json.dumps(answers, separators=(",", ":")))
        else:
            answer = self.answer(message)
            if isinstance(answer, str):
                self.write(answer)
            elif answer is not None:
                self.write(json.dumps(answer, separators=(",", ":")))
        if self.exit_after is not None:
            os._exit(self.exit_after)


def main():
    options = parse_args(sys.argv[1:])
    if options["stubborn"]:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if options["pid_file"]:
        with open(options["pid_file"], "w") as f:
            f.write(str(os.getpid()))
    record = open(options["record"], "ab", buffering=0)
    server = Server(sys.stdout.buffer)
    stdin = sys.stdin.buffer
    while True:
        raw = stdin.readline()
        if not raw:
            break
        record.write(raw if raw.endswith(b"\n") else raw + b"\n")
        server.handle(raw)
    if options["stubborn"]:
        while True:
            time.sleep(3600)
    sys.exit(options["eof_exit"])


if __name__ == "__main__":
    main()
