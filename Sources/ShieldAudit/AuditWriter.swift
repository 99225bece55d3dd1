/// The one writer of a process: group commit in front of an ``AuditStore``.
///
/// ``record(_:)`` returns once the entry's batch is committed. While one batch commits, the
/// entries that arrive wait and form the next batch, so under load one transaction (and one
/// fsync) carries many decisions, and when idle a decision waits for its own commit only: there
/// is no timer and no delay. A batch holds at most ``maxBatch`` entries.
///
/// The batches are committed by ``run()``, which the owner runs for the writer's lifetime (the
/// server runs it as a service beside the HTTP server). Without it, ``record(_:)`` fails at once
/// rather than waiting forever: a decision that cannot be recorded is not given out.
///
/// ```swift
/// let writer = AuditWriter(store: store)
/// async let committing: Void = writer.run()
/// let record = try await writer.record(entry)
/// ```
public actor AuditWriter {
    public static let maxBatch = 2048

    public let store: any AuditStore
    private var pending: [(entry: AuditEntry, continuation: CheckedContinuation<AuditRecord, any Error>)] = []
    private var running = false
    private nonisolated let wake: AsyncStream<Void>.Continuation
    private let wakes: AsyncStream<Void>
    /// Batches committed, and entries in them: the group-commit ratio.
    public private(set) var batches = 0
    public private(set) var committed = 0

    public init(store: any AuditStore) {
        self.store = store
        (wakes, wake) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Stores `entry`; returns once it is committed. Throws when the store fails or the writer is
    /// not running: the caller must treat an unrecorded decision as a failure (fail closed).
    @discardableResult
    public func record(_ entry: AuditEntry) async throws -> AuditRecord {
        guard running else { throw AuditError("the audit writer is not running") }
        return try await withCheckedThrowingContinuation { continuation in
            pending.append((entry, continuation))
            wake.yield()
        }
    }

    /// Commits batches until the task is cancelled; then commits what is queued and stops.
    public func run() async {
        running = true
        for await _ in wakes { await flush() }
        // Cancelled: nothing new is accepted; what was queued is still committed.
        running = false
        await flush()
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
            } catch {
                for waiter in batch { waiter.continuation.resume(throwing: error) }
            }
        }
    }
}
