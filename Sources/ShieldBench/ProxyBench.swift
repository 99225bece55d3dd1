import Foundation
import ShieldCore
import ShieldSystem

/// Proxy benchmarks (`shield-bench proxy`): the latency a tools/call round trip gains through
/// `mcp-shield proxy` against the same server spoken to directly, and the proxy's throughput for
/// small pipelined messages.
enum ProxyBench {
    static let directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent().path

    /// A client on a child's stdio.
    final class Peer: @unchecked Sendable {
        let child: ChildProcess
        var reader: LineReader

        init(_ arguments: [String]) throws {
            child = try ChildProcess(arguments: arguments, environment: ["HOME": NSTemporaryDirectory(), "PATH": "/usr/bin:/bin"])
            reader = LineReader(descriptor: child.stdout, maxLineBytes: 1 << 24, initialCapacity: 1 << 20)
        }

        func send(_ bytes: [UInt8]) {
            bytes.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let n = write(child.stdin, raw.baseAddress! + offset, raw.count - offset)
                    if n <= 0 { return }
                    offset += n
                }
            }
        }

        /// Reads lines until one holds `"id":ID` (skipping notifications).
        func wait(for id: Int) {
            let marker = Array(#""id":\#(id),"#.utf8)
            let last = Array(#""id":\#(id)}"#.utf8)
            while let line = reader.next() {
                guard case .line(let bytes) = line else { continue }
                if contains(bytes, marker) || contains(bytes, last) { return }
            }
            fatalError("the peer closed before answering \(id)")
        }

        func contains(_ bytes: UnsafeRawBufferPointer, _ needle: [UInt8]) -> Bool {
            guard bytes.count >= needle.count else { return false }
            for start in 0...(bytes.count - needle.count) where bytes[start] == needle[0] {
                if zip(needle.indices, needle).allSatisfy({ bytes[start + $0] == $1 }) { return true }
            }
            return false
        }

        func close() {
            Glibc.close(child.stdin)
            _ = child.wait()
        }

        /// initialize + initialized.
        func handshake() {
            send(
                Array(
                    (#"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}"#
                        + "\n" + #"{"jsonrpc":"2.0","method":"notifications/initialized"}"# + "\n").utf8))
            wait(for: 0)
        }
    }

    /// Round-trip times of `count` tools/call requests, one at a time, after `warmup`.
    static func roundTrips(_ arguments: [String], count: Int, warmup: Int) throws -> [Int64] {
        let peer = try Peer(arguments)
        defer { peer.close() }
        peer.handshake()
        var samples: [Int64] = []
        let clock = ContinuousClock()
        for i in 1...(warmup + count) {
            let request = Array(
                (#"{"jsonrpc":"2.0","id":\#(i),"method":"tools/call","params":{"name":"safe_tool","arguments":{"message":"hello \#(i)"}}}"#
                    + "\n").utf8)
            let start = clock.now
            peer.send(request)
            peer.wait(for: i)
            let elapsed = clock.now - start
            if i > warmup { samples.append(nanoseconds(elapsed)) }
        }
        return samples
    }

    /// `shield-bench echo-server`: a minimal MCP-shaped server that answers every request at once
    /// (initialize with a tools capability, tools/list with one tool, `safe_tool`, a tools/call
    /// with a one-line text result, anything else with an empty result), so the latency measured
    /// is the transport's and the gate's (pinned contract, schema, result scan), not a server's.
    static func echoServer() -> Never {
        var reader = LineReader(descriptor: 0, maxLineBytes: 1 << 24, initialCapacity: 1 << 16)
        let tool = try! JSONParser.parse(
            #"{"name":"safe_tool","description":"Echoes its message.","inputSchema":{"type":"object","properties":{"message":{"type":"string"}},"required":["message"]}}"#
        )
        while let line = reader.next() {
            guard case .line(let bytes) = line, let message = try? JSONParser.parse(bytes: bytes), let id = message["id"],
                case .string(let method)? = message["method"]
            else { continue }
            let result: JSONValue
            switch method {
            case "tools/call":
                result = .object([("content", .array([.object([("type", .string("text")), ("text", .string("ok"))])])), ("isError", .bool(false))])
            case "initialize":
                result = .object([
                    ("protocolVersion", .string("2025-11-25")), ("capabilities", .object([("tools", .object([]))])),
                    ("serverInfo", .object([("name", .string("echo")), ("version", .string("1"))])),
                ])
            case "tools/list": result = .object([("tools", .array([tool]))])
            default: result = .object([])
            }
            let reply = Array((JSONValue.object([("jsonrpc", .string("2.0")), ("id", id), ("result", result)]).jsonText + "\n").utf8)
            reply.withUnsafeBytes { _ = write(1, $0.baseAddress, $0.count) }
        }
        exit(0)
    }

    static func run() throws {
        let shield = directory + "/mcp-shield"
        let bench = directory + "/shield-bench"
        let database = NSTemporaryDirectory() + "mcp-shield-bench-\(getpid()).db"
        defer {
            for suffix in ["", "-wal", "-shm", ".key"] { try? FileManager.default.removeItem(atPath: database + suffix) }
        }
        let count = max(200, Int(5_000 * scale))
        print("proxy benchmark: \(count) tools/call round trips each way, after 500 warm-up calls")
        // Interleave the runs so both see the same machine: direct, proxy, direct, proxy.
        var direct: [Int64] = []
        var proxied: [Int64] = []
        for _ in 0..<2 {
            direct += try roundTrips([bench, "echo-server"], count: count / 2, warmup: 500)
            proxied += try roundTrips([shield, "proxy", "--db", database, "--", bench, "echo-server"], count: count / 2, warmup: 500)
        }
        let d = Sample(nanoseconds: direct)
        let p = Sample(nanoseconds: proxied)
        func us(_ value: Int64) -> String { format(Double(value) / 1000) }
        print("direct to the server         median \(us(d.percentile(0.5))) µs  p99 \(us(d.percentile(0.99))) µs")
        print("through mcp-shield proxy     median \(us(p.percentile(0.5))) µs  p99 \(us(p.percentile(0.99))) µs  (audited)")
        print(
            "added by the proxy           median \(us(p.percentile(0.5) - d.percentile(0.5))) µs  p99 \(us(p.percentile(0.99) - d.percentile(0.99))) µs"
        )

        // Throughput: pipelined small messages through the proxy to `cat`, which sends each back;
        // every message crosses the gate twice (client → server, server → client).
        let messages = max(10_000, Int(200_000 * scale))
        let peer = try Peer([shield, "proxy", "--no-audit", "--", "/bin/cat"])
        var batch: [UInt8] = []
        for i in 1...messages {
            batch.append(contentsOf: #"{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":"t","progress":\#(i)}}"#.utf8)
            batch.append(0x0A)
        }
        batch.append(contentsOf: (#"{"jsonrpc":"2.0","id":424242,"method":"ping"}"# + "\n").utf8)
        let clock = ContinuousClock()
        let start = clock.now
        let payload = batch
        let writer = Foundation.Thread { peer.send(payload) }
        writer.start()
        var received = 0
        while let line = peer.reader.next() {
            received += 1
            if case .line(let bytes) = line, peer.contains(bytes, Array(#""id":424242"#.utf8)) { break }
        }
        let seconds = Double(nanoseconds(clock.now - start)) / 1e9
        peer.close()
        print("pipelined: \(received) messages through the proxy (and back) in \(format(seconds)) s: \(Int(Double(received) / seconds)) messages/s")
    }
}
