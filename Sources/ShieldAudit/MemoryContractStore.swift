public import ShieldCore
internal import Synchronization

/// Pins kept in memory for the life of the process: trust on first use within one run. What a
/// proxy started with `--no-audit` uses, and what tests use.
public final class MemoryContractStore: ContractStore {
    struct State {
        var servers: [String: PinnedServer] = [:]
        var pins: [String: ContractPin] = [:]
        var listed: Set<String> = []
    }

    private let state = Mutex(State())

    public init() {}

    static func pinKey(_ server: String, _ kind: Contract.Kind, _ name: String) -> String { "\(server)\u{0}\(kind.rawValue)\u{0}\(name)" }

    public func observe(
        server: ServerIdentity, kind: Contract.Kind, contracts: [Contract], untrusted: Set<String>, complete: Bool, nowMilliseconds: Int64
    ) throws -> ContractObservation {
        state.withLock { state in
            let key = server.key
            var previousDigest: String?
            if var known = state.servers[key] {
                previousDigest = known.executableSHA256
                known.name = server.name
                known.executableSHA256 = server.executableSHA256
                known.lastSeenMilliseconds = nowMilliseconds
                state.servers[key] = known
            } else {
                state.servers[key] = PinnedServer(
                    key: key, name: server.name, identity: server.identityText, executableSHA256: server.executableSHA256,
                    firstSeenMilliseconds: nowMilliseconds, lastSeenMilliseconds: nowMilliseconds)
            }
            let firstUse = state.listed.insert("\(key)\u{0}\(kind.rawValue)").inserted
            let existing = state.pins.values.filter { $0.serverKey == key && $0.kind == kind }
            var (writes, observation) = PinLedger.reconcile(
                existing: existing, firstUse: firstUse, serverKey: key, kind: kind, contracts: contracts, untrusted: untrusted,
                complete: complete, now: nowMilliseconds)
            for pin in writes { state.pins[Self.pinKey(key, kind, pin.name)] = pin }
            if let previousDigest, previousDigest != server.executableSHA256 { observation.executableChangedFrom = previousDigest }
            return observation
        }
    }

    public func pin(serverKey: String, kind: Contract.Kind, name: String) throws -> ContractPin? {
        state.withLock { $0.pins[Self.pinKey(serverKey, kind, name)] }
    }

    public func pins(serverKey: String?) throws -> [ContractPin] {
        state.withLock { state in
            state.pins.values.filter { serverKey == nil || $0.serverKey == serverKey }
                .sorted { ($0.serverKey, $0.kind.rawValue, $0.name) < ($1.serverKey, $1.kind.rawValue, $1.name) }
        }
    }

    public func servers() throws -> [PinnedServer] {
        state.withLock { $0.servers.values.sorted { $0.lastSeenMilliseconds > $1.lastSeenMilliseconds } }
    }

    public func approve(serverKey: String, kind: Contract.Kind?, name: String?, nowMilliseconds: Int64) throws -> [ContractPin] {
        state.withLock { state in
            let matching = state.pins.values.filter {
                $0.serverKey == serverKey && (kind == nil || $0.kind == kind) && (name == nil || $0.name == name) && $0.status != .approved
            }
            for pin in matching { state.pins[Self.pinKey(serverKey, pin.kind, pin.name)] = PinLedger.approved(pin, now: nowMilliseconds) }
            return matching.sorted { ($0.kind.rawValue, $0.name) < ($1.kind.rawValue, $1.name) }
        }
    }
}
