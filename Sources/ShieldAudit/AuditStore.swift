/// Where decisions are recorded. SQLite (``SQLiteAuditStore``) is the embedded default.
///
/// Implementations must keep the chain whole when several processes append at once: each
/// ``append(_:)`` reads the chain head and writes its records in one exclusive transaction.
public protocol AuditStore: Sendable {
    /// Stores `entries` in order, chained after the current head, and returns them as stored.
    /// When this returns, the records are committed (durably, per the store's guarantee).
    func append(_ entries: [AuditEntry]) async throws -> [AuditRecord]

    /// Records matching `query`, newest first.
    func records(_ query: AuditQuery) async throws -> [AuditRecord]

    /// The record with sequence number `sequence`, if it is stored.
    func record(sequence: Int64) async throws -> AuditRecord?

    /// Records with a sequence number above `sequence`, oldest first: for following the log.
    func records(after sequence: Int64, limit: Int) async throws -> [AuditRecord]

    /// The highest sequence number stored, or 0.
    func lastSequence() async throws -> Int64

    /// Counts, optionally since a time, and a per-minute timeline over the last `timelineMinutes`.
    func stats(sinceMilliseconds: Int64?, timelineMinutes: Int) async throws -> AuditStats

    /// Checks the whole chain.
    func verify() async throws -> AuditVerification

    /// Prunes what `retention` does not keep, leaving a signed checkpoint. Returns how many
    /// records were pruned.
    @discardableResult
    func prune(_ retention: AuditRetention, nowMilliseconds: Int64) async throws -> Int
}

/// The result of checking the chain: every problem found, each tied to a record.
public struct AuditVerification: Sendable, Hashable {
    public enum Problem: Sendable, Hashable, CustomStringConvertible {
        /// The record's fields no longer hash to its stored hash.
        case edited(sequence: Int64)
        /// The record's previous hash is not the hash of the record before it.
        case brokenLink(sequence: Int64, expectedPrevious: Int64)
        /// Sequence numbers `from...to` are missing.
        case missing(from: Int64, to: Int64)
        /// The chain head says `head`, but the last record is `last`.
        case truncated(last: Int64, head: Int64)
        /// The retention checkpoint's signature does not verify (or the key is missing).
        case badCheckpoint(String)
        /// The chain head's signature does not verify: the chain was recomputed without the key.
        case badHead(String)
        /// A row could not be read at all.
        case unreadable(String)

        public var description: String {
            switch self {
            case .edited(let sequence):
                "record \(sequence) was edited: its fields do not match its hash"
            case .brokenLink(let sequence, let previous):
                "record \(sequence) does not follow record \(previous): records were reordered, inserted or rewritten"
            case .missing(let from, let to):
                from == to ? "record \(from) is missing (deleted)" : "records \(from)–\(to) are missing (deleted)"
            case .truncated(let last, let head):
                "the log ends at record \(last) but the chain head is record \(head): records \(last + 1)–\(head) were deleted"
            case .badCheckpoint(let why):
                "retention checkpoint: \(why)"
            case .badHead(let why):
                "chain head: \(why)"
            case .unreadable(let why):
                "unreadable record: \(why)"
            }
        }
    }

    /// Records checked.
    public var checked: Int
    /// First and last sequence numbers checked.
    public var first: Int64?
    public var last: Int64?
    /// Records pruned under retention before `first` (covered by the signed checkpoint).
    public var pruned: Int64
    public var problems: [Problem]

    public var isIntact: Bool { problems.isEmpty }

    public init(checked: Int, first: Int64?, last: Int64?, pruned: Int64, problems: [Problem]) {
        self.checked = checked
        self.first = first
        self.last = last
        self.pruned = pruned
        self.problems = problems
    }
}
