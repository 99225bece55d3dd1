public import ShieldCore

/// Where pinned contracts live: the same database as the audit log (``SQLiteContractStore``), or
/// memory (``MemoryContractStore``, for a proxy run with `--no-audit` and for tests).
///
/// Calls are synchronous: the proxy consults the store while deciding a message, and a list
/// response waits for its pins to be written. Implementations must be safe for several
/// processes at once (each observation is one transaction).
public protocol ContractStore: Sendable {
    /// Records the contracts a server announced in one list (or its instructions) and reports
    /// where each stands against its pin.
    ///
    /// The first time a server's list of a kind is seen, its contracts are approved as they are
    /// (trust on first use), except those in `untrusted` (definitions with poisoning findings),
    /// which wait for a person. After that, a contract that differs from its approved pin is
    /// ``PinStatus/changed`` and a name never approved is ``PinStatus/new``; both keep their
    /// approved pin until ``approve(server:kind:name:nowMilliseconds:)``.
    ///
    /// - Parameters:
    ///   - complete: the list is the whole list (not one page of several), so a pinned name it
    ///     lacks was removed.
    func observe(
        server: ServerIdentity, kind: Contract.Kind, contracts: [Contract], untrusted: Set<String>, complete: Bool, nowMilliseconds: Int64
    ) throws -> ContractObservation

    /// The pin of one contract, if the server ever announced it.
    func pin(serverKey: String, kind: Contract.Kind, name: String) throws -> ContractPin?

    /// Every pin of a server (or of every server), ordered by server, kind and name.
    func pins(serverKey: String?) throws -> [ContractPin]

    /// The servers that have pins, most recently seen first.
    func servers() throws -> [PinnedServer]

    /// Approves what a server last announced, for one contract, one kind or everything not yet
    /// approved. Returns the pins as they were before approval (their ``ContractPin/approved``
    /// is the old definition, ``ContractPin/observed`` the newly approved one).
    func approve(serverKey: String, kind: Contract.Kind?, name: String?, nowMilliseconds: Int64) throws -> [ContractPin]
}

/// One pinned contract.
public struct ContractPin: Sendable, Hashable {
    public var serverKey: String
    public var kind: Contract.Kind
    public var name: String
    /// The approved definition (canonical JSON), `nil` when it was never approved.
    public var approved: String?
    /// The definition last announced (canonical JSON).
    public var observed: String
    public var approvedMilliseconds: Int64?
    public var observedMilliseconds: Int64
    /// When a complete list last lacked it, if it has not come back since.
    public var removedMilliseconds: Int64?

    public init(
        serverKey: String, kind: Contract.Kind, name: String, approved: String?, observed: String, approvedMilliseconds: Int64?,
        observedMilliseconds: Int64, removedMilliseconds: Int64?
    ) {
        self.serverKey = serverKey
        self.kind = kind
        self.name = name
        self.approved = approved
        self.observed = observed
        self.approvedMilliseconds = approvedMilliseconds
        self.observedMilliseconds = observedMilliseconds
        self.removedMilliseconds = removedMilliseconds
    }

    /// Where the last announced definition stands.
    public var status: PinStatus {
        guard let approved else { return .new }
        return approved == observed ? .approved : .changed
    }

    /// The readable change from the approved definition to the announced one.
    public var diff: [String] {
        let old = approved.flatMap { try? JSONParser.parse($0) }
        let new = try? JSONParser.parse(observed)
        return ContractDiff.lines(from: old, to: new)
    }
}

/// A server with pins.
public struct PinnedServer: Sendable, Hashable {
    public var key: String
    public var name: String
    /// `{"command":[…]}` or `{"url":"…"}`.
    public var identity: String
    public var executableSHA256: String?
    public var firstSeenMilliseconds: Int64
    public var lastSeenMilliseconds: Int64

    public init(key: String, name: String, identity: String, executableSHA256: String?, firstSeenMilliseconds: Int64, lastSeenMilliseconds: Int64) {
        self.key = key
        self.name = name
        self.identity = identity
        self.executableSHA256 = executableSHA256
        self.firstSeenMilliseconds = firstSeenMilliseconds
        self.lastSeenMilliseconds = lastSeenMilliseconds
    }
}

/// What one observation found.
public struct ContractObservation: Sendable, Hashable {
    /// Each announced contract's status, by name.
    public var status: [String: PinStatus] = [:]
    /// Pinned names the complete list no longer has (reported once, when they go).
    public var removed: [String] = []
    /// Whether this was the first list of this kind from this server (its contracts were
    /// trusted on first use).
    public var firstUse = false
    /// The executable's previous hash, when it changed since the server was last seen.
    public var executableChangedFrom: String?

    public init() {}
}

extension ContractStore {
    /// The servers whose name, key (or key prefix) or command line is `reference`.
    public func servers(matching reference: String) throws -> [PinnedServer] {
        let all = try servers()
        if let exact = all.first(where: { $0.key == reference }) { return [exact] }
        let byName = all.filter { $0.name == reference }
        if !byName.isEmpty { return byName }
        return all.filter { reference.count >= 4 && $0.key.hasPrefix(reference) }
    }
}

extension AuditEntry {
    /// The record of a person approving `pin` (as it was before approval) of `server`, through
    /// `mcp-shield approve` or `POST /contracts/approve`.
    public static func approval(of pin: ContractPin, server: PinnedServer, surface: AuditSurface, session: String, nowMilliseconds: Int64) -> AuditEntry {
        AuditEntry(
            timeMilliseconds: nowMilliseconds, surface: surface, server: server.name,
            tool: pin.kind == .tool ? pin.name : "(\(pin.kind.rawValue)) \(pin.name)", policy: "-", decision: .allow, rule: "contract.approved",
            reason:
                "approved \(pin.status == .new ? "new" : "changed") \(pin.kind.rawValue) \(JSONValue.quoted(pin.name)) of server \(server.key) (\(surface.rawValue)): \(pin.diff.count) change(s)",
            path: nil, argumentsDigest: AuditChain.sha256Hex(pin.observed), redactedArguments: "null", redactions: 0, truncated: false,
            session: session, latencyNanoseconds: 0)
    }
}
