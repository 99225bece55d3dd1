/// The one writer of a process: group commit in front of an ``AuditStore``.
///
/// ``record(_:)`` returns once the entry's batch is committed. While one batch commits, the
/// entries that arrive wait and form the next batch, so under load one transaction (and one
/// fsync) carries many decisions, and when idle a decision waits for its own commit only: there
/// is no timer and no delay. A batch holds at most ``maxBatch`` entries.
///
/// Subscribers (the dashboard feed) get every record this writer commits, as soon as it is
/// committed.
public actor AuditWriter {
    public static let maxBatch = 2048

    public let store: any AuditStore
    private var pending: [(entry: AuditEntry, continuation: CheckedContinuation<AuditRecord, any Error>)] = []
    private var flushing = false
    private var subscribers: [Int: @Sendable ([AuditRecord]) -> Void] = [:]
    private var nextSubscriber = 0
    /// Batches committed, and entries in them: the group-commit ratio, for metrics.
    public private(set) var batches = 0
    public private(set) var committed = 0

    public init(store: any AuditStore) {
        self.store = store
    }

    /// Stores `entry`; returns once it is committed. Throws when the store fails: the caller
    /// must treat an unrecorded decision as a failure (fail closed), not carry on silently.
    @discardableResult
    public func record(_ entry: AuditEntry) async throws -> AuditRecord {
        try await withCheckedThrowingContinuation { continuation in
            pending.append((entry, continuation))
            if !flushing {
                flushing = true
                Task { await self.flush() }
            }
        }
    }

    /// Calls `handler` with every batch committed from now on; returns a token for ``unsubscribe(_:)``.
    public func subscribe(_ handler: @escaping @Sendable ([AuditRecord]) -> Void) -> Int {
        nextSubscriber += 1
        subscribers[nextSubscriber] = handler
        return nextSubscriber
    }

    public func unsubscribe(_ token: Int) {
        subscribers[token] = nil
    }

    private func flush() async {
        while !pending.isEmpty {
            let batch = Array(pending.prefix(Self.maxBatch))
            pending.removeFirst(batch.count)
            do {
                let records = try await store.append(batch.map(\.entry))
                batches += 1
                committed += records.count
                for (waiter, record) in zip(batch, records) { waiter.continuation.resume(returning: record) }
                for handler in subscribers.values { handler(records) }
            } catch {
                for waiter in batch { waiter.continuation.resume(throwing: error) }
            }
        }
        flushing = false
    }
}
