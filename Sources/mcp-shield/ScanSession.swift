import Foundation
import ShieldCore
import ShieldSystem

/// A minimal MCP client over a child's standard input and output, for `mcp-shield scan`: it
/// initializes, then lists tools, prompts, resources and resource templates (every page), and
/// nothing else. Requests the server sends are answered with an error; notifications are read
/// and ignored. A server that does not answer within the deadline is killed.
struct ScanSession {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// What the server announced.
    struct Announcement {
        var instructions: String?
        var tools: [JSONValue] = []
        var prompts: [JSONValue] = []
        var resources: [JSONValue] = []
        var resourceTemplates: [JSONValue] = []
    }

    static let maxPages = 100

    /// Starts `command`, reads its announcement, and stops it.
    static func announce(command: [String], environment: [String: String], timeout: Duration) throws(Failure) -> Announcement {
        let child: ChildProcess
        do {
            child = try ChildProcess(arguments: command, environment: environment)
        } catch {
            throw Failure(description: "cannot start \(command.joined(separator: " ")): \(error)")
        }
        let finished = Deadline()
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds) {
            if finished.expire() { child.send(SIGKILL) }
        }
        var reader = LineReader(descriptor: child.stdout, maxLineBytes: 16 << 20)
        defer {
            _ = finished.finish()
            reader.close()
            close(child.stdin)
            child.send(SIGTERM)
            _ = child.wait()
            close(child.stdout)
        }
        var session = Exchange(child: child, reader: reader)
        defer { reader = session.reader }
        do {
            let initialized = try session.request(
                "initialize",
                .object([
                    ("protocolVersion", .string("2025-06-18")), ("capabilities", .object([])),
                    ("clientInfo", .object([("name", .string("mcp-shield-scan")), ("version", .string("1"))])),
                ]))
            try session.notify("notifications/initialized")
            var announcement = Announcement(instructions: initialized["instructions"]?.stringValue)
            let capabilities = initialized["capabilities"]
            if capabilities?["tools"] != nil { announcement.tools = try session.list("tools/list", member: "tools") }
            if capabilities?["prompts"] != nil { announcement.prompts = try session.list("prompts/list", member: "prompts") }
            if capabilities?["resources"] != nil {
                announcement.resources = try session.list("resources/list", member: "resources")
                announcement.resourceTemplates = (try? session.list("resources/templates/list", member: "resourceTemplates")) ?? []
            }
            return announcement
        } catch {
            if finished.expired { throw Failure(description: "the server did not answer within \(timeout.components.seconds) s") }
            throw error
        }
    }

    /// Set once, by whichever comes first: the scan finishing or the deadline passing.
    final class Deadline: @unchecked Sendable {
        private let lock = NSLock()
        private var state = 0  // 0 running, 1 finished, 2 expired

        func finish() -> Bool { transition(to: 1) }
        func expire() -> Bool { transition(to: 2) }
        var expired: Bool { lock.withLock { state == 2 } }

        private func transition(to new: Int) -> Bool {
            lock.withLock {
                guard state == 0 else { return false }
                state = new
                return true
            }
        }
    }

    /// Requests and their answers, in order.
    struct Exchange {
        let child: ChildProcess
        var reader: LineReader
        var nextID = 1

        mutating func request(_ method: String, _ params: JSONValue) throws(Failure) -> JSONValue {
            let id = nextID
            nextID += 1
            try send(.object([("jsonrpc", .string("2.0")), ("id", .number(String(id))), ("method", .string(method)), ("params", params)]))
            while true {
                guard let line = reader.next() else { throw Failure(description: "the server closed its output before answering \(method)") }
                guard case .line(let bytes) = line else { throw Failure(description: "the server sent a line over 16 MiB") }
                guard !bytes.isEmpty, let message = try? JSONParser.parse(bytes: bytes, limits: JSONParser.Limits(maxBytes: 16 << 20)) else {
                    continue  // not JSON-RPC (a log line on stdout): not ours to judge here
                }
                if case .string? = message["method"] {
                    // A request from the server (roots, sampling…): declined; a notification: ignored.
                    if let requestID = message["id"] {
                        try send(
                            .object([
                                ("jsonrpc", .string("2.0")), ("id", requestID),
                                ("error", .object([("code", .number("-32601")), ("message", .string("mcp-shield scan answers no requests"))])),
                            ]))
                    }
                    continue
                }
                guard message["id"] == .number(String(id)) else { continue }
                if let error = message["error"] {
                    throw Failure(description: "\(method) failed: \(error["message"]?.stringValue ?? error.jsonText)")
                }
                guard let result = message["result"] else { throw Failure(description: "\(method): an answer with neither result nor error") }
                return result
            }
        }

        mutating func notify(_ method: String) throws(Failure) {
            try send(.object([("jsonrpc", .string("2.0")), ("method", .string(method))]))
        }

        /// Every page of a list.
        mutating func list(_ method: String, member: String) throws(Failure) -> [JSONValue] {
            var entries: [JSONValue] = []
            var cursor: JSONValue?
            for _ in 0..<ScanSession.maxPages {
                let result = try request(method, cursor.map { .object([("cursor", $0)]) } ?? .object([]))
                if case .array(let page)? = result[member] { entries += page }
                guard let next = result["nextCursor"], next != .null else { return entries }
                cursor = next
            }
            throw Failure(description: "\(method) returned more than \(ScanSession.maxPages) pages")
        }

        func send(_ message: JSONValue) throws(Failure) {
            let bytes = Array((message.jsonText + "\n").utf8)
            var offset = 0
            while offset < bytes.count {
                let written = bytes[offset...].withUnsafeBytes { write(child.stdin, $0.baseAddress, $0.count) }
                if written < 0 {
                    if errno == EINTR { continue }
                    throw Failure(description: "the server stopped reading its input")
                }
                offset += written
            }
        }
    }
}
