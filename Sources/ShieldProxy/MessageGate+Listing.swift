internal import ShieldCore
internal import Synchronization

/// The proxy's own `tools/list`.
///
/// Pinning needs to know a tool's contract before the tool is called, and not every client lists
/// before it calls (the Python SDK's `call_tool` does not). So when pinning is on and the server
/// has tools, the proxy lists them itself, right after forwarding the client's
/// `notifications/initialized` (every page, ids `mcp-shield-tools-N`); the answers are pinned
/// and checked like a client's list and not forwarded. A `tools/call` for a tool not yet known
/// waits (is deferred) until that list is answered, then is decided as usual; one that arrives
/// before any list was asked for starts one. A tool still unknown after a whole list is blocked
/// (`contract.unlisted`). `notifications/tools/list_changed` from the server makes the next
/// unknown tool start a new list.
extension MessageGate {
    struct ProxyListing {
        /// The server's `initialize` result advertised tools.
        var serverHasTools = false
        /// The id (as JSON text) of the proxy's list request in flight.
        var inFlight: String?
        /// Whether that request asked for a later page.
        var paged = false
        /// A whole list (the client's or the proxy's) was seen since the tools last changed.
        var listed = false
        var counter = 0
        /// Calls waiting for the list, with the bytes to forward if they are allowed (`nil`:
        /// the re-encoding, for an element of a batch).
        var deferred: [(message: JSONValue, bytes: [UInt8]?)] = []
        /// Requests the proxy sends the server after the message being handled.
        var injections: [[UInt8]] = []
        /// The protocol envelope the proxy's requests carry (`_meta` with the
        /// `io.modelcontextprotocol/…` keys, which the stateless 2026-07-28 revision requires on
        /// every request), copied from the client's request that needed the list.
        var envelope: JSONValue?

        /// Queues a list request (from `cursor`, if given) and marks it in flight.
        mutating func request(cursor: JSONValue?) {
            counter += 1
            let id = JSONValue.string("mcp-shield-tools-\(counter)")
            var members: [(key: String, value: JSONValue)] = [("jsonrpc", .string("2.0")), ("id", id), ("method", .string("tools/list"))]
            var params: [(key: String, value: JSONValue)] = []
            if let envelope { params.append(("_meta", envelope)) }
            if let cursor { params.append(("cursor", cursor)) }
            if !params.isEmpty { members.append(("params", .object(params))) }
            inFlight = id.jsonText
            paged = cursor != nil
            injections.append(Array(JSONValue.object(members).jsonText.utf8))
        }
    }

    var pinsTools: Bool { contracts != nil && engine().policy.contracts.pinning }

    /// The client finished initializing: list the tools now, if there is anything to pin.
    func listToolsOnInitialized() {
        guard pinsTools else { return }
        proxyListing.withLock { listing in
            guard listing.serverHasTools, !listing.listed, listing.inFlight == nil else { return }
            listing.request(cursor: nil)
        }
    }

    /// Whether pinning is on and `tool` was not in any list of this session.
    func isUnknownTool(_ tool: String, engine: DecisionEngine) -> Bool {
        contracts != nil && engine.policy.contracts.pinning && toolChecks.withLock { $0[tool] == nil }
    }

    /// Whether a call to `tool` must wait for a list (starting one if none is in flight).
    ///
    /// - Parameter params: the call's params, whose protocol envelope the list request copies.
    func mustWaitForListing(tool: String, params: JSONValue?, engine: DecisionEngine) -> Bool {
        guard isUnknownTool(tool, engine: engine) else { return false }
        return proxyListing.withLock { listing in
            if listing.inFlight != nil { return true }
            guard !listing.listed else { return false }
            listing.envelope = Self.envelope(params)
            listing.request(cursor: nil)
            return true
        }
    }

    /// The `io.modelcontextprotocol/…` members of a request's `_meta` (protocol version, client
    /// capabilities and information), nothing request-specific such as a progress token.
    static func envelope(_ params: JSONValue?) -> JSONValue? {
        guard case .object(let members)? = params?["_meta"] else { return nil }
        let envelopeKeys: Set<String> = [
            "io.modelcontextprotocol/protocolVersion", "io.modelcontextprotocol/clientCapabilities", "io.modelcontextprotocol/clientInfo",
        ]
        let kept = members.filter { envelopeKeys.contains($0.key) }
        return kept.isEmpty ? nil : .object(kept)
    }

    /// Whether calls wait for a list still in flight (the proxy keeps the server's input open
    /// for them when the client leaves).
    var callsAwaitList: Bool {
        proxyListing.withLock { $0.inFlight != nil && !$0.deferred.isEmpty }
    }

    /// The server said its tools changed: the next unknown tool starts a new list.
    func toolsChanged() {
        proxyListing.withLock { $0.listed = false }
    }

    /// Marks a whole client list as seen (no call needs to wait for the proxy's).
    func clientListedTools() {
        proxyListing.withLock { $0.listed = true }
    }

    func takeInjections() -> [[UInt8]] {
        proxyListing.withLock { listing in
            defer { listing.injections.removeAll() }
            return listing.injections
        }
    }

    /// If `id` is the proxy's own list request: pins the page, asks for the next one or releases
    /// the calls that waited, and withholds the answer from the client. `nil` for other ids.
    func proxyListingAnswered(id: JSONValue, message: JSONValue, outcome: inout Outcome) -> ServerVerdict? {
        let paged: Bool? = proxyListing.withLock { listing in
            guard listing.inFlight == id.jsonText else { return nil }
            listing.inFlight = nil
            return listing.paged
        }
        guard let paged else { return nil }
        let engine = engine()
        if case .object(let result)? = message["result"] {
            _ = listResult(result, kind: .tool, paged: paged, engine: engine, outcome: &outcome)
            if let cursor = message["result"]?["nextCursor"], cursor != .null {
                proxyListing.withLock { $0.request(cursor: cursor) }
                outcome.outputs += takeInjections().map(Output.toServer)
                return .withhold
            }
        } else {
            outcome.outputs.append(.log("mcp-shield: the server refused the proxy's tools/list: \(message["error"]?.jsonText ?? "no result")"))
        }
        // The list is whole (or the server has none to give): decide the calls that waited.
        let waiting = proxyListing.withLock { listing in
            listing.listed = true
            defer { listing.deferred.removeAll() }
            return listing.deferred
        }
        for (call, bytes) in waiting {
            switch clientMessage(call, audit: &outcome.audit) {
            case .forward:
                outcome.outputs.append(.toServer(bytes ?? Array(call.jsonText.utf8)))
                awaitAnswer(to: call)
            case .reply(let reply): outcome.outputs.append(.toClient(Array(reply.jsonText.utf8)))
            case .drop: break
            // The tools changed again meanwhile and a new list is on its way: wait for it.
            case .deferred: proxyListing.withLock { $0.deferred.append((call, bytes)) }
            }
        }
        outcome.outputs += takeInjections().map(Output.toServer)
        return .withhold
    }
}
