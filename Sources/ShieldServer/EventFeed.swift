public import ShieldAudit
internal import Synchronization

/// The live decision feed behind `GET /events`.
///
/// It follows the audit database, not only this process's writer, so decisions recorded by
/// proxies and other processes appear too: while anyone is subscribed it asks the store for
/// records after the last one seen every ``interval`` (one indexed query), and hands each batch
/// to every subscriber. An empty batch every ``heartbeat`` lets connections send a keep-alive.
///
/// A subscriber that falls more than ``bufferLimit`` batches behind is disconnected rather than
/// fed with gaps; the browser's EventSource reconnects with `Last-Event-ID` and the server
/// replays what it missed from the database.
public final class EventFeed: Sendable {
    public static let interval = Duration.milliseconds(100)
    public static let heartbeat = Duration.seconds(15)
    static let bufferLimit = 256

    let store: any AuditStore
    private let state = Mutex<State>(State())

    struct State {
        var subscribers: [Int: AsyncStream<[AuditRecord]>.Continuation] = [:]
        var nextID = 0
    }

    public init(store: any AuditStore) {
        self.store = store
    }

    /// A stream of record batches from now on, oldest first within and across batches.
    public func subscribe() -> AsyncStream<[AuditRecord]> {
        let (stream, continuation) = AsyncStream<[AuditRecord]>.makeStream(bufferingPolicy: .bufferingOldest(Self.bufferLimit))
        let id = state.withLock { state in
            state.nextID += 1
            state.subscribers[state.nextID] = continuation
            return state.nextID
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.subscribers.removeValue(forKey: id) }
        }
        return stream
    }

    /// Ends every subscriber's stream (on shutdown, so open event streams let the server stop).
    public func finishAll() {
        for subscriber in state.withLock({ Array($0.subscribers.values) }) { subscriber.finish() }
    }

    /// Follows the store until the task is cancelled, from `startingAfter` (default: the end of
    /// the log when it starts).
    public func run(startingAfter: Int64? = nil) async {
        var last: Int64 = if let startingAfter { startingAfter } else { (try? await store.lastSequence()) ?? 0 }
        var sinceHeartbeat = Duration.zero
        var idleTicks = 0
        while !Task.isCancelled {
            try? await Task.sleep(for: Self.interval)
            sinceHeartbeat += Self.interval
            let subscribers = state.withLock { Array($0.subscribers.values) }
            if subscribers.isEmpty {
                sinceHeartbeat = .zero
                // Nobody listening: stay near the end of the log, checking once a second. A new
                // subscriber replays from the database first and drops what it has already sent,
                // so starting from a slightly stale position loses nothing.
                idleTicks += 1
                if idleTicks >= 10, let current = try? await store.lastSequence() {
                    last = current
                    idleTicks = 0
                }
                continue
            }
            var batch: [AuditRecord] = []
            if let records = try? await store.records(after: last, limit: 1000), !records.isEmpty {
                batch = records
                last = records[records.count - 1].sequence
            }
            let beat = sinceHeartbeat >= Self.heartbeat
            guard !batch.isEmpty || beat else { continue }
            if beat { sinceHeartbeat = .zero }
            for subscriber in subscribers {
                if case .dropped = subscriber.yield(batch) { subscriber.finish() }
            }
        }
        for subscriber in state.withLock({ Array($0.subscribers.values) }) { subscriber.finish() }
    }
}
