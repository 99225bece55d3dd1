internal import Synchronization

/// Fire-and-forget recording for surfaces that must not wait for a commit per message (the
/// proxy): entries are queued without blocking and committed in batches by one task, in the
/// order they were submitted.
///
/// The guarantee is weaker than ``AuditWriter``'s, and says so: a decision is acted on before its
/// record is committed; records are committed within one batch of being queued, and ``drain()``
/// (called on every orderly exit) waits until every queued record is committed. A store failure
/// is remembered in ``failure``; the caller fails closed from then on.
public final class AuditQueue: Sendable {
    private struct State {
        var pending: [AuditEntry] = []
        var failure: String?
        var committed = 0
    }

    /// The queue's state, shared with the worker task.
    private final class Shared: Sendable {
        let state = Mutex(State())
    }

    private let shared = Shared()
    private let signal: AsyncStream<Void>.Continuation
    private let worker: Task<Void, Never>

    public init(store: any AuditStore) {
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        signal = continuation
        let shared = shared
        worker = Task {
            for await _ in stream { await Self.flush(shared, store) }
            await Self.flush(shared, store)  // after finish(): whatever is left
        }
    }

    private static func flush(_ shared: Shared, _ store: any AuditStore) async {
        let state = shared
        while true {
            let batch = state.state.withLock { state -> [AuditEntry] in
                let batch = Array(state.pending.prefix(AuditWriter.maxBatch))
                state.pending.removeFirst(batch.count)
                return batch
            }
            guard !batch.isEmpty else { return }
            do {
                _ = try await store.append(batch)
                state.state.withLock { $0.committed += batch.count }
            } catch {
                state.state.withLock { $0.failure = "\(error)" }
            }
        }
    }

    /// Queues `entries`; returns at once.
    public func submit(_ entries: [AuditEntry]) {
        guard !entries.isEmpty else { return }
        shared.state.withLock { $0.pending.append(contentsOf: entries) }
        signal.yield()
    }

    /// Why the store failed, once it has.
    public var failure: String? { shared.state.withLock { $0.failure } }

    /// Records committed so far.
    public var committed: Int { shared.state.withLock { $0.committed } }

    /// Commits everything queued, then stops accepting work.
    public func drain() async {
        signal.finish()
        await worker.value
    }
}
