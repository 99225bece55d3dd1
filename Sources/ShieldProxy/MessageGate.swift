internal import Foundation
public import ShieldAudit
public import ShieldCore
internal import Synchronization

/// The proxy's decisions on JSON-RPC messages, one newline-delimited message at a time, in both
/// directions. Pure bookkeeping and decisions, no I/O: ``StdioProxy`` moves the bytes.
///
/// Client → server:
/// - `tools/call` is decided by ``DecisionEngine/evaluate(_:)``. ALLOW forwards the message as it
///   arrived; BLOCK answers the client with a `CallToolResult` whose `isError` is true and whose
///   text names the rule, for the same id, and the server never sees the call. (A tool error, not
///   a JSON-RPC error: the model reads tool results, so it learns why and can change course;
///   clients surface JSON-RPC errors as failures of the connection or the client itself.)
/// - `tools/list` requests are remembered so their responses can be filtered.
/// - Everything else (initialize, ping, resources, prompts, completion, logging, notifications,
///   cancellation, responses to server requests, methods nobody has heard of) passes unchanged.
///
/// Server → client:
/// - A `tools/list` response loses the tools the policy forbids; everything else in it
///   (pagination cursors, `_meta`) is kept.
/// - `sampling/createMessage`, `elicitation/create` and `roots/list` requests are allowed or
///   denied by the policy's `server_requests`; an elicitation asking the user for a credential is
///   denied unless the policy allows it. A denied request is answered to the server (an
///   elicitation with `decline`, the others with a JSON-RPC error) and never reaches the client.
///
/// Either direction: a message two JSON parsers could read differently (duplicate keys, invalid
/// UTF-8, lone surrogates), or over the size limit, is not forwarded. What is forwarded is
/// exactly what was evaluated: the original bytes when the message is passed whole, or the
/// re-encoding of the parsed value when part of it was removed.
public final class MessageGate: Sendable {
    public enum Output: Sendable, Equatable {
        case toServer([UInt8])
        case toClient([UInt8])
        /// A line for the proxy's standard error.
        case log(String)
    }

    public struct Outcome: Sendable {
        public var outputs: [Output] = []
        public var audit: [AuditEntry] = []
    }

    public static let defaultMaxMessageBytes = 16 << 20

    let serverName: String
    let session: String
    let maxMessageBytes: Int
    let engine: @Sendable () -> DecisionEngine
    /// Set when the audit store has failed: every `tools/call` is then blocked.
    let auditFailure: @Sendable () -> String?
    /// Client list requests (`tools/list`, `prompts/list`, …) awaiting their response, by id (as
    /// JSON text): the kind listed, and whether the request asked for a later page.
    let pendingLists = Mutex<[String: (kind: Contract.Kind, paged: Bool)]>([:])
    /// Pinning, when the policy enables it and a store is at hand.
    let contracts: ContractPinning?
    /// What the last `tools/list` said about each tool: its hold and schemas.
    let toolChecks = Mutex<[String: ToolContractCheck]>([:])
    /// Prompts and resources held back, by kind and name, with the decision that holds them.
    let heldEntries = Mutex<[Contract.Kind: [String: Decision]]>([:])
    /// Holds and findings already recorded this session (kind, name, rule, definition), so a
    /// client that lists again does not fill the log with the same record.
    let recordedContractEvents = Mutex<Set<String>>([])
    /// The proxy's own `tools/list`, which pins a session's tools even when the client calls
    /// without listing (see ``MessageGate/ProxyListing``).
    let proxyListing = Mutex(ProxyListing())
    /// Every client request forwarded and not yet answered, by id (as JSON text): answered with
    /// an error if the server dies first, or when a `tools/call` outlives ``callTimeout``.
    private let pendingRequests = Mutex<[String: Pending]>([:])
    /// Ids of calls answered with a timeout error: the server's late answer is withheld.
    private let timedOut = Mutex<Set<String>>([])
    /// How long a `tools/call` may run (the policy's `execution_timeout_seconds`, applied under
    /// a sandbox); `nil`: no limit.
    public let callTimeout: Duration?

    struct Pending {
        var id: JSONValue
        var method: String
        /// The tool, prompt name or resource URI the request is about.
        var subject: String?
        var deadline: ContinuousClock.Instant?
    }

    public init(
        serverName: String, session: String, maxMessageBytes: Int = defaultMaxMessageBytes, engine: @escaping @Sendable () -> DecisionEngine,
        auditFailure: @escaping @Sendable () -> String? = { nil }, callTimeout: Duration? = nil, contracts: ContractPinning? = nil
    ) {
        self.callTimeout = callTimeout
        self.contracts = contracts
        self.serverName = serverName
        self.session = session
        self.maxMessageBytes = maxMessageBytes
        self.engine = engine
        self.auditFailure = auditFailure
    }

    // MARK: Client → server

    /// Decides one line the client sent.
    public func fromClient(_ line: UnsafeRawBufferPointer) -> Outcome {
        var outcome = Outcome()
        let message: JSONValue
        do {
            message = try JSONParser.parse(bytes: line, limits: limits)
        } catch {
            // The reply carries the request's id when a lenient reading finds one, so the client is
            // not left waiting; the message itself is not forwarded either way.
            let id = Self.lenientID(line) ?? .null
            outcome.outputs.append(.toClient(Self.errorResponse(id: id, code: -32700, message: "mcp-shield refused a message: \(error)")))
            outcome.audit.append(
                rejected(tool: "(unparsable message)", rule: "jsonrpc.malformed", reason: "client message is not valid JSON: \(error)"))
            return outcome
        }
        switch message {
        case .array(let elements):
            guard !elements.isEmpty else {
                outcome.outputs.append(.toClient(Self.errorResponse(id: .null, code: -32600, message: "empty batch")))
                return outcome
            }
            var forwarded: [JSONValue] = []
            var replies: [JSONValue] = []
            for element in elements {
                switch clientMessage(element, audit: &outcome.audit) {
                case .forward:
                    forwarded.append(element)
                    awaitAnswer(to: element)
                case .reply(let reply): replies.append(reply)
                case .drop: break
                case .deferred: proxyListing.withLock { $0.deferred.append((element, nil)) }
                }
            }
            if forwarded.count == elements.count {
                outcome.outputs.append(.toServer(Self.forwardable(line, message)))
            } else if !forwarded.isEmpty {
                outcome.outputs.append(.toServer(Array(JSONValue.array(forwarded).jsonText.utf8)))
            }
            if !replies.isEmpty { outcome.outputs.append(.toClient(Array(JSONValue.array(replies).jsonText.utf8))) }
        default:
            switch clientMessage(message, audit: &outcome.audit) {
            case .forward:
                outcome.outputs.append(.toServer(Self.forwardable(line, message)))
                awaitAnswer(to: message)
            case .reply(let reply): outcome.outputs.append(.toClient(Array(reply.jsonText.utf8)))
            case .drop: break
            case .deferred: proxyListing.withLock { $0.deferred.append((message, Self.forwardable(line, message))) }
            }
        }
        outcome.outputs += takeInjections().map(Output.toServer)
        return outcome
    }

    func awaitAnswer(to message: JSONValue) {
        guard case .string(let method)? = message["method"], let id = message["id"] else { return }
        var pending = Pending(id: id, method: method)
        switch method {
        case "tools/call", "prompts/get": pending.subject = message["params"]?["name"]?.stringValue
        case "resources/read": pending.subject = message["params"]?["uri"]?.stringValue
        default: break
        }
        if method == "tools/call", let callTimeout { pending.deadline = .now + callTimeout }
        pendingRequests.withLock { $0[id.jsonText] = pending }
    }

    /// Calls past their deadline: the client gets a timeout error, the server a
    /// `notifications/cancelled`, and the call's late answer will be withheld.
    public func expireCalls(now: ContinuousClock.Instant = .now) -> Outcome {
        var outcome = Outcome()
        guard let callTimeout else { return outcome }
        let expired = pendingRequests.withLock { pending in
            let keys = pending.filter { $0.value.deadline.map { $0 <= now } ?? false }.map(\.key)
            return keys.compactMap { pending.removeValue(forKey: $0) }
        }
        guard !expired.isEmpty else { return outcome }
        timedOut.withLock { set in for call in expired { set.insert(call.id.jsonText) } }
        let seconds = callTimeout.components.seconds
        for call in expired.sorted(by: { $0.id.jsonText < $1.id.jsonText }) {
            let reason = "tools/call exceeded execution_timeout_seconds (\(seconds) s); the server was told to cancel it"
            outcome.outputs.append(.toClient(Self.errorResponse(id: call.id, code: -32001, message: "mcp-shield: \(reason)")))
            let cancel = JSONValue.object([
                ("jsonrpc", .string("2.0")), ("method", .string("notifications/cancelled")),
                ("params", .object([("requestId", call.id), ("reason", .string(reason))])),
            ])
            outcome.outputs.append(.toServer(Array(cancel.jsonText.utf8)))
            outcome.audit.append(rejected(tool: call.subject ?? "(unknown tool)", rule: "sandbox.timeout", reason: reason))
        }
        return outcome
    }

    /// The server has exited: every request it had not answered gets an error, so no client
    /// waits forever for a server that is gone (killed for exceeding its memory, say).
    public func serverExited(_ how: String) -> Outcome {
        var outcome = Outcome()
        var unanswered = pendingRequests.withLock { pending in
            defer { pending.removeAll() }
            return pending.values.map(\.id).sorted { $0.jsonText < $1.jsonText }
        }
        unanswered += proxyListing.withLock { listing in
            defer { listing.deferred.removeAll() }
            return listing.deferred.compactMap { $0.message["id"] }
        }
        for id in unanswered {
            outcome.outputs.append(.toClient(Self.errorResponse(id: id, code: -32603, message: "the MCP server exited before answering (\(how))")))
        }
        return outcome
    }

    /// A line longer than the limit, from the client: refused without being read whole.
    public func oversizedFromClient(bytes: Int) -> Outcome {
        var outcome = Outcome()
        let reason = "client message of at least \(bytes) bytes exceeds the \(maxMessageBytes)-byte limit"
        outcome.outputs.append(.toClient(Self.errorResponse(id: .null, code: -32600, message: "mcp-shield refused a message: \(reason)")))
        outcome.audit.append(rejected(tool: "(oversized message)", rule: "jsonrpc.too-large", reason: reason))
        return outcome
    }

    enum Verdict {
        case forward
        case reply(JSONValue)
        case drop
        /// A `tools/call` that waits for the proxy's own `tools/list` to be answered.
        case deferred
    }

    func clientMessage(_ message: JSONValue, audit: inout [AuditEntry]) -> Verdict {
        guard case .object(let members) = message else {
            return .reply(.object(Self.errorMembers(id: .null, code: -32600, message: "a JSON-RPC message must be an object")))
        }
        if let problem = Self.caseFoldingProblem(members, known: Self.envelopeKeys)
            ?? (message["method"] == .string("tools/call") ? message["params"].flatMap(Self.paramsProblem) : nil)
        {
            audit.append(rejected(tool: "(ambiguous message)", rule: "jsonrpc.ambiguous", reason: problem))
            guard let id = message["id"] else { return .drop }
            return .reply(.object(Self.errorMembers(id: id, code: -32600, message: "mcp-shield refused a message: \(problem)")))
        }
        guard case .string(let method)? = message["method"] else { return .forward }  // a response to a server request
        let id = message["id"]
        switch method {
        case "tools/call":
            return toolCall(message, id: id, audit: &audit)
        case "tools/list", "prompts/list", "resources/list", "resources/templates/list":
            if let id, let kind = Contract.Kind(listMethod: method) {
                let paged = message["params"]?["cursor"].map { $0 != .null } ?? false
                pendingLists.withLock { $0[id.jsonText] = (kind, paged) }
            }
            return .forward
        case "prompts/get", "resources/read":
            return heldEntryRequest(method: method, message: message, id: id, audit: &audit)
        case "notifications/initialized":
            listToolsOnInitialized()
            return .forward
        default:
            return .forward
        }
    }

    private func toolCall(_ message: JSONValue, id: JSONValue?, audit: inout [AuditEntry]) -> Verdict {
        let engine = engine()
        let call: ToolCall
        do {
            call = try ToolCall(params: message["params"] ?? .null)
        } catch {
            audit.append(
                rejected(tool: "(malformed tools/call)", rule: "args.malformed", reason: "tools/call params: \(error)", policy: engine.policy.name))
            guard let id else { return .drop }
            return .reply(.object(Self.errorMembers(id: id, code: -32602, message: "mcp-shield refused tools/call: \(error)")))
        }
        var decision: Decision
        let start = ContinuousClock.now
        if let failure = auditFailure() {
            decision = Decision(
                verdict: .block, reason: "the audit store failed (\(failure)); no call is allowed unrecorded", rule: "audit.unavailable")
        } else if isUnknownTool(call.name, engine: engine) {
            // Not yet listed: a call the policy blocks anyway is answered now; one it allows
            // waits for the tool's contract.
            decision = engine.evaluate(call)
            if !decision.isBlocked {
                if mustWaitForListing(tool: call.name, params: message["params"], engine: engine) { return .deferred }
                decision = engine.evaluate(call, contract: contractCheck(forTool: call.name, engine: engine))
            }
        } else {
            decision = engine.evaluate(call, contract: contractCheck(forTool: call.name, engine: engine))
        }
        let elapsed = ContinuousClock.now - start
        if id == nil, decision.verdict == .allow {
            // A tools/call without an id is a notification, which has no result to return: it
            // cannot be a real call, and it is not forwarded.
            decision = Decision(verdict: .block, reason: "tools/call sent as a notification (no id)", rule: "jsonrpc.invalid-request")
        }
        audit.append(
            AuditEntry(
                call: call, decision: decision, surface: .proxy, server: serverName, policy: engine.policy.name, session: session,
                latencyNanoseconds: elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000))
        guard decision.isBlocked else { return .forward }
        guard let id else { return .drop }
        return .reply(Self.blockedResult(id: id, decision: decision))
    }

    static let envelopeKeys: Set<String> = ["jsonrpc", "id", "method", "params", "result", "error"]
    static let toolCallKeys: Set<String> = ["name", "arguments", "_meta", "task"]

    /// Keys some servers would read differently: two keys equal but for case (Go's
    /// `encoding/json` matches keys case-insensitively, the last one winning), or a key that is a
    /// known member but for case (`Method`, `NAME`).
    static func caseFoldingProblem(_ members: [(key: String, value: JSONValue)], known: Set<String>) -> String? {
        var seen = Set<String>()
        for (key, _) in members {
            let folded = key.lowercased()
            if !seen.insert(folded).inserted { return "keys differing only in case (\(JSONValue.quoted(key))) are ambiguous" }
            if folded != key, known.contains(folded) { return "key \(JSONValue.quoted(key)) differs from \(JSONValue.quoted(folded)) only in case" }
        }
        return nil
    }

    /// tools/call params must name the tool as `name` (the aliases the CLI accepts are not
    /// MCP), with no case-folding ambiguity.
    static func paramsProblem(_ params: JSONValue) -> String? {
        guard case .object(let members) = params else { return nil }
        if let problem = caseFoldingProblem(members, known: toolCallKeys.union(["tool", "tool_name"])) { return problem }
        if params["name"] == nil, params["tool"] != nil || params["tool_name"] != nil { return "tools/call names its tool with \"name\"" }
        if params["name"] != nil, params["tool"] != nil || params["tool_name"] != nil { return "tools/call has more than one tool name" }
        return nil
    }

    /// The `CallToolResult` a blocked call gets.
    static func blockedResult(id: JSONValue, decision: Decision) -> JSONValue {
        var text = "mcp-shield blocked this call (rule \(decision.rule ?? "policy")): \(decision.reason)"
        if let path = decision.path { text += " [argument \(path)]" }
        return .object([
            ("jsonrpc", .string("2.0")),
            ("id", id),
            (
                "result",
                .object([
                    ("content", .array([.object([("type", .string("text")), ("text", .string(text))])])),
                    ("isError", .bool(true)),
                    // Required from protocol 2026-07-28 on; earlier versions allow extra members.
                    ("resultType", .string("complete")),
                ])
            ),
        ])
    }

    // MARK: Server → client

    /// Decides one line the server sent.
    public func fromServer(_ line: UnsafeRawBufferPointer) -> Outcome {
        var outcome = Outcome()
        let message: JSONValue
        do {
            message = try JSONParser.parse(bytes: line, limits: limits)
        } catch {
            outcome.outputs.append(.log("mcp-shield: dropped a message from the server that is not valid JSON: \(error)"))
            outcome.audit.append(
                rejected(tool: "(unparsable server message)", rule: "jsonrpc.malformed", reason: "server message is not valid JSON: \(error)"))
            return outcome
        }
        switch message {
        case .array(let elements):
            var kept: [JSONValue] = []
            var changed = false
            for element in elements {
                switch serverMessage(element, outcome: &outcome) {
                case .pass: kept.append(element)
                case .replace(let replacement):
                    kept.append(replacement)
                    changed = true
                case .withhold: changed = true
                }
            }
            if !changed {
                outcome.outputs.append(.toClient(Self.forwardable(line, message)))
            } else if !kept.isEmpty {
                outcome.outputs.append(.toClient(Array(JSONValue.array(kept).jsonText.utf8)))
            }
        default:
            switch serverMessage(message, outcome: &outcome) {
            case .pass: outcome.outputs.append(.toClient(Self.forwardable(line, message)))
            case .replace(let replacement): outcome.outputs.append(.toClient(Array(replacement.jsonText.utf8)))
            case .withhold: break
            }
        }
        return outcome
    }

    /// A line longer than the limit, from the server: dropped.
    public func oversizedFromServer(bytes: Int) -> Outcome {
        var outcome = Outcome()
        let reason = "server message of at least \(bytes) bytes exceeds the \(maxMessageBytes)-byte limit"
        outcome.outputs.append(.log("mcp-shield: dropped a \(reason)"))
        outcome.audit.append(rejected(tool: "(oversized server message)", rule: "jsonrpc.too-large", reason: reason))
        return outcome
    }

    enum ServerVerdict {
        case pass
        case replace(JSONValue)
        case withhold
    }

    private func serverMessage(_ message: JSONValue, outcome: inout Outcome) -> ServerVerdict {
        guard case .object(let members) = message else { return .pass }
        if case .string(let method)? = message["method"] {
            guard let id = message["id"] else {
                // A notification.
                if method == "notifications/tools/list_changed" { toolsChanged() }
                return .pass
            }
            return serverRequest(method: method, id: id, params: message["params"], outcome: &outcome)
        }
        // A response: to which request?
        guard let id = message["id"] else { return .pass }
        if let verdict = proxyListingAnswered(id: id, message: message, outcome: &outcome) { return verdict }
        let request = pendingRequests.withLock { $0.removeValue(forKey: id.jsonText) }
        // Already answered with a timeout error: a second answer would confuse the client.
        if timedOut.withLock({ $0.remove(id.jsonText) != nil }) {
            outcome.outputs.append(.log("mcp-shield: withheld the server's late answer to request \(id.jsonText) (timed out)"))
            return .withhold
        }
        let list = pendingLists.withLock { $0.removeValue(forKey: id.jsonText) }
        guard case .object(let result)? = message["result"] else { return .pass }
        let engine = engine()
        var replacement: [(key: String, value: JSONValue)]?
        if let list {
            replacement = listResult(result, kind: list.kind, paged: list.paged, engine: engine, outcome: &outcome)
        } else {
            // A result answering no request the gate forwarded (a second answer to an id, an id
            // nobody asked) is scanned like a tool's: what reaches the client is never unchecked.
            let request = request ?? Pending(id: id, method: "(unmatched response)")
            switch request.method {
            case "initialize": replacement = initializeResult(result, engine: engine, outcome: &outcome)
            case "tools/call", "prompts/get", "resources/read", "(unmatched response)":
                replacement = scannedResult(result, request: request, engine: engine, outcome: &outcome)
                // Only a tools/call result can say it failed (isError); a prompt or a resource
                // withheld is answered with a JSON-RPC error instead.
                if request.method != "tools/call", let replacement, JSONValue.object(replacement)["isError"] == .bool(true),
                    case .string(let text)? = JSONValue.object(replacement)["content"].flatMap({
                        if case .array(let items) = $0 { items.first } else { nil }
                    })?["text"]
                {
                    return .replace(.object(Self.errorMembers(id: id, code: -32001, message: text)))
                }
            default: break
            }
        }
        guard let replacement else { return .pass }
        var replaced = members
        if let index = replaced.firstIndex(where: { $0.key == "result" }) { replaced[index].value = .object(replacement) }
        return .replace(.object(replaced))
    }

    private func serverRequest(method: String, id: JSONValue, params: JSONValue?, outcome: inout Outcome) -> ServerVerdict {
        let engine = engine()
        guard var decision = engine.evaluateServerRequest(method: method, params: params) else { return .pass }
        if decision.verdict == .allow, let failure = auditFailure() {
            decision = Decision(
                verdict: .block, reason: "the audit store failed (\(failure)); nothing is allowed unrecorded", rule: "audit.unavailable")
        }
        let call = ToolCall(name: method, arguments: params ?? .object([]))
        outcome.audit.append(
            AuditEntry(
                call: call, decision: decision, surface: .proxy, server: serverName, policy: engine.policy.name, session: session,
                latencyNanoseconds: 0))
        guard decision.isBlocked else { return .pass }
        outcome.outputs.append(.log("mcp-shield: denied \(method) from the server: \(decision.reason)"))
        if method == "elicitation/create" {
            let decline = JSONValue.object([("jsonrpc", .string("2.0")), ("id", id), ("result", .object([("action", .string("decline"))]))])
            outcome.outputs.append(.toServer(Array(decline.jsonText.utf8)))
        } else {
            outcome.outputs.append(
                .toServer(
                    Self.errorResponse(
                        id: id, code: -32001, message: "denied by mcp-shield policy (\(decision.rule ?? "policy")): \(decision.reason)"))
            )
        }
        return .withhold
    }

    // MARK: Helpers

    /// Whether `line` can be forwarded as it is: it holds no byte sequence that some peer's line
    /// reader treats as a line break besides the final newline (a bare CR, which JSON allows as
    /// white space and universal-newline readers split on; NEL, LINE and PARAGRAPH SEPARATOR,
    /// which `splitlines` splits on). Otherwise the re-encoding is forwarded, which has none.
    static func isPlain(_ line: UnsafeRawBufferPointer) -> Bool {
        var index = 0
        let count = line.count
        while index < count {
            let byte = line[index]
            if byte == 0x0D { return false }
            if byte == 0xC2, index + 1 < count, line[index + 1] == 0x85 { return false }
            if byte == 0xE2, index + 2 < count, line[index + 1] == 0x80, line[index + 2] == 0xA8 || line[index + 2] == 0xA9 { return false }
            index += 1
        }
        return true
    }

    /// The bytes to forward for a message evaluated whole.
    static func forwardable(_ line: UnsafeRawBufferPointer, _ message: JSONValue) -> [UInt8] {
        isPlain(line) ? Array(line) : Array(message.jsonText.utf8)
    }

    /// The top-level `id` of a message the strict parser refused (duplicate keys, say), as a
    /// lenient parser reads it: a string or an integer, else `nil`.
    static func lenientID(_ line: UnsafeRawBufferPointer) -> JSONValue? {
        guard line.count <= 1 << 20, let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else { return nil }
        if let text = object["id"] as? String { return .string(text) }
        if let number = object["id"] as? NSNumber, let integer = Int64(exactly: number.doubleValue) { return .number(String(integer)) }
        return nil
    }

    var limits: JSONParser.Limits { JSONParser.Limits(maxBytes: maxMessageBytes) }

    func rejected(tool: String, rule: String, reason: String, policy: String? = nil, verdict: Decision.Verdict = .block) -> AuditEntry {
        AuditEntry(
            timeMilliseconds: AuditClock.nowMilliseconds(), surface: .proxy, server: serverName, tool: tool,
            policy: policy ?? engine().policy.name, decision: verdict, rule: rule, reason: reason, path: nil,
            argumentsDigest: AuditChain.sha256Hex(""), redactedArguments: "null", redactions: 0, truncated: false, session: session,
            latencyNanoseconds: 0)
    }

    static func errorMembers(id: JSONValue, code: Int, message: String) -> [(key: String, value: JSONValue)] {
        [
            ("jsonrpc", .string("2.0")), ("id", id),
            ("error", .object([("code", .number(String(code))), ("message", .string(message))])),
        ]
    }

    static func errorResponse(id: JSONValue, code: Int, message: String) -> [UInt8] {
        Array(JSONValue.object(errorMembers(id: id, code: code, message: message)).jsonText.utf8)
    }
}
