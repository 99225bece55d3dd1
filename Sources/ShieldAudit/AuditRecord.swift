public import ShieldCore

#if canImport(Glibc)
    internal import Glibc
#elseif canImport(Darwin)
    internal import Darwin
#endif

/// Where a decision was made.
public enum AuditSurface: String, Sendable, Hashable, CaseIterable {
    case cli
    case api
    case proxy
    /// A sandbox's launch and exit (not a decision on a call: tool `(sandbox)`).
    case sandbox
}

/// One decision as a surface hands it to the audit store, before it is stored.
///
/// The arguments are kept only as a SHA-256 digest of their JSON text and a redacted, size-capped
/// copy (see ``Redaction``): a secret an attacker tried to exfiltrate never reaches the database.
public struct AuditEntry: Sendable, Hashable {
    public var timeMilliseconds: Int64
    public var surface: AuditSurface
    public var server: String
    public var tool: String
    public var policy: String
    public var decision: Decision.Verdict
    public var rule: String?
    public var reason: String
    public var path: String?
    /// Lower-case hex SHA-256 of the arguments' JSON text as evaluated; empty when the redacted
    /// copy masks anything (the digest would let guesses at the secret be checked).
    public var argumentsDigest: String
    /// The redacted copy's JSON text.
    public var redactedArguments: String
    public var redactions: Int
    public var truncated: Bool
    public var session: String?
    public var latencyNanoseconds: Int64

    public init(
        timeMilliseconds: Int64, surface: AuditSurface, server: String, tool: String, policy: String, decision: Decision.Verdict,
        rule: String?, reason: String, path: String?, argumentsDigest: String, redactedArguments: String, redactions: Int,
        truncated: Bool, session: String?, latencyNanoseconds: Int64
    ) {
        self.timeMilliseconds = timeMilliseconds
        self.surface = surface
        self.server = server
        self.tool = tool
        self.policy = policy
        self.decision = decision
        self.rule = rule
        self.reason = reason
        self.path = path
        self.argumentsDigest = argumentsDigest
        self.redactedArguments = redactedArguments
        self.redactions = redactions
        self.truncated = truncated
        self.session = session
        self.latencyNanoseconds = latencyNanoseconds
    }

    /// The entry for `decision` on `call`: digests and redacts the arguments.
    public init(
        call: ToolCall, decision: Decision, surface: AuditSurface, server: String, policy: String, session: String? = nil,
        latencyNanoseconds: Int64, timeMilliseconds: Int64 = AuditClock.nowMilliseconds()
    ) {
        let redacted = Redaction.redact(call.arguments)
        self.init(
            timeMilliseconds: timeMilliseconds, surface: surface, server: server, tool: call.name, policy: policy,
            decision: decision.verdict, rule: decision.rule, reason: decision.reason,
            path: decision.path.map { Redaction.redactSecrets(in: $0).text },  // a path names keys, which can be secrets
            // No digest when something was masked: beside the redacted copy it would let anyone
            // check guesses at the masked secret (a weak password falls to a dictionary).
            argumentsDigest: redacted.redactions == 0 ? AuditChain.sha256Hex(call.arguments.jsonText) : "",
            redactedArguments: redacted.value.jsonText,
            redactions: redacted.redactions, truncated: redacted.truncated, session: session, latencyNanoseconds: latencyNanoseconds)
    }
}

/// A stored decision: an ``AuditEntry`` with its place in the hash chain.
public struct AuditRecord: Sendable, Hashable {
    /// Position in the chain: 1, 2, 3… with no gaps (gaps are deletions).
    public var sequence: Int64
    public var entry: AuditEntry
    /// The previous record's ``hash`` (for the first record, the genesis value or the
    /// retention checkpoint's hash).
    public var previousHash: String
    /// SHA-256 over this record's fields and ``previousHash`` (see ``AuditChain``).
    public var hash: String

    public init(sequence: Int64, entry: AuditEntry, previousHash: String, hash: String) {
        self.sequence = sequence
        self.entry = entry
        self.previousHash = previousHash
        self.hash = hash
    }
}

/// Which records a query returns: newest first, filtered, paged.
public struct AuditQuery: Sendable, Hashable {
    public var limit: Int
    public var offset: Int
    public var decision: Decision.Verdict?
    public var server: String?
    public var tool: String?
    /// Only records at or after this time.
    public var sinceMilliseconds: Int64?
    /// Only records with a larger sequence number (for following the log).
    public var afterSequence: Int64?

    public init(
        limit: Int = 100, offset: Int = 0, decision: Decision.Verdict? = nil, server: String? = nil, tool: String? = nil,
        sinceMilliseconds: Int64? = nil, afterSequence: Int64? = nil
    ) {
        self.limit = limit
        self.offset = offset
        self.decision = decision
        self.server = server
        self.tool = tool
        self.sinceMilliseconds = sinceMilliseconds
        self.afterSequence = afterSequence
    }
}

/// Counts over the whole log (or since a time).
public struct AuditStats: Sendable, Hashable {
    public var total: Int
    public var allowed: Int
    public var blocked: Int
    /// BLOCKs per rule, most first.
    public var blockedByRule: [(name: String, count: Int)]
    /// Decisions per server, most first: (server, total, blocked).
    public var byServer: [(name: String, total: Int, blocked: Int)]
    /// BLOCKs per tool, most first.
    public var blockedByTool: [(name: String, count: Int)]
    /// Decisions per minute over the window asked for: (minute start in ms, total, blocked).
    public var timeline: [(minuteMilliseconds: Int64, total: Int, blocked: Int)]

    public init(
        total: Int, allowed: Int, blocked: Int, blockedByRule: [(name: String, count: Int)], byServer: [(name: String, total: Int, blocked: Int)],
        blockedByTool: [(name: String, count: Int)], timeline: [(minuteMilliseconds: Int64, total: Int, blocked: Int)]
    ) {
        self.total = total
        self.allowed = allowed
        self.blocked = blocked
        self.blockedByRule = blockedByRule
        self.byServer = byServer
        self.blockedByTool = blockedByTool
        self.timeline = timeline
    }

    public static func == (lhs: AuditStats, rhs: AuditStats) -> Bool {
        lhs.total == rhs.total && lhs.allowed == rhs.allowed && lhs.blocked == rhs.blocked
            && lhs.blockedByRule.elementsEqual(rhs.blockedByRule, by: ==) && lhs.byServer.elementsEqual(rhs.byServer, by: ==)
            && lhs.blockedByTool.elementsEqual(rhs.blockedByTool, by: ==) && lhs.timeline.elementsEqual(rhs.timeline, by: ==)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(total)
        hasher.combine(blocked)
    }
}

/// How much of the log to keep.
public struct AuditRetention: Sendable, Hashable {
    /// Records older than this many days are pruned.
    public var days: Int?
    /// At most this many records are kept (the newest).
    public var maxRecords: Int?

    public init(days: Int? = nil, maxRecords: Int? = nil) {
        self.days = days
        self.maxRecords = maxRecords
    }
}

/// Wall-clock milliseconds since 1970.
public enum AuditClock {
    public static func nowMilliseconds() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }
}
