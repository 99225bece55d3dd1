internal import Foundation
public import ShieldCore
internal import ShieldSystem
internal import Synchronization

/// Compiled decision engines, one per policy name, for the server's requests.
///
/// Engines are compiled once and reused; an engine whose policy file (or `bindings.yaml`) changed
/// on disk is compiled again on its next use, so policy edits apply without a restart. Bundled
/// policies never change.
public final class PolicyEngines: Sendable {
    public let catalog: PolicyCatalog
    let context: EvaluationContext
    private let cache = Mutex<[String: (stamp: FileStamp?, engine: DecisionEngine)]>([:])
    private let bindings = Mutex<(stamp: FileStamp, servers: [String: String])?>(nil)

    public init(catalog: PolicyCatalog, context: EvaluationContext) {
        self.catalog = catalog
        self.context = context
    }

    /// Why a policy could not be chosen.
    public enum Failure: Error, Sendable {
        /// No policy by this name.
        case unknown(String)
        /// The server is bound to another policy.
        case bound(server: String, policy: String, requested: String)
        /// The policy (or bindings.yaml) exists but is invalid.
        case invalid(PolicyError)
    }

    /// The engine for `server`, under `requested` or the server's bound policy.
    public func engine(requested: String?, server: String?) throws(Failure) -> DecisionEngine {
        let bound = try server.flatMap { server throws(Failure) in try boundPolicy(forServer: server) }
        if let bound, let requested, requested != bound, let server {
            throw .bound(server: server, policy: bound, requested: requested)
        }
        let name = bound ?? requested ?? "default"
        guard PolicyCatalog.isValidName(name) else { throw .unknown(name) }
        // One stat per request: a policy file that changed is compiled again.
        let stamp = FileStamp(path: catalog.directory.map { "\($0)/\(name).yaml" })
        guard stamp != nil || PolicyCatalog.bundled[name] != nil else { throw .unknown(name) }
        if let cached = cache.withLock({ $0[name] }), cached.stamp == stamp { return cached.engine }
        let policy: Policy
        do {
            policy = try catalog.load(name: name)
        } catch {
            throw .invalid(error)
        }
        let engine = DecisionEngine(policy: policy, context: context)
        cache.withLock { $0[name] = (stamp, engine) }
        return engine
    }

    /// The policy `server` is bound to in the directory's `bindings.yaml`, re-read when it changes.
    func boundPolicy(forServer server: String) throws(Failure) -> String? {
        guard let directory = catalog.directory else { return nil }
        let path = "\(directory)/bindings.yaml"
        guard let stamp = FileStamp(path: path) else { return nil }
        if let cached = bindings.withLock({ $0 }), cached.stamp == stamp { return cached.servers[server] }
        do {
            let servers = try PolicyBindings.load(file: path).servers
            bindings.withLock { $0 = (stamp, servers) }
            return servers[server]
        } catch {
            throw .invalid(error)
        }
    }
}
