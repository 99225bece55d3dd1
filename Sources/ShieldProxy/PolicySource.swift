public import ShieldCore
internal import ShieldSystem
internal import Synchronization

/// The proxy's policy, reloaded when its files change on disk.
///
/// At most every ``checkInterval`` a tools/call looks at the files the policy came from (the
/// policy file and, with a policy directory, `bindings.yaml`). A changed file is loaded and
/// validated; a valid policy replaces the old one and an invalid one is reported on standard
/// error while the last good policy stays in force.
public final class PolicySource: Sendable {
    public static let checkInterval = Duration.milliseconds(250)

    let load: @Sendable () throws -> Policy
    /// The files the policy comes from now (a rebinding in bindings.yaml changes them).
    let watched: @Sendable () -> [String]
    let context: EvaluationContext
    let report: @Sendable (String) -> Void
    private let state: Mutex<State>

    struct State {
        var engine: DecisionEngine
        var paths: [String]
        var stamps: [FileStamp?]
        var checked: ContinuousClock.Instant
    }

    /// Loads the policy now; throws if it is invalid (a proxy must not start without one).
    public init(
        watching files: @escaping @Sendable () -> [String], context: EvaluationContext, report: @escaping @Sendable (String) -> Void,
        load: @escaping @Sendable () throws -> Policy
    ) throws {
        self.load = load
        self.watched = files
        self.context = context
        self.report = report
        let engine = DecisionEngine(policy: try load(), context: context)
        let paths = files()
        state = Mutex(State(engine: engine, paths: paths, stamps: paths.map { FileStamp(path: $0) }, checked: .now))
    }

    /// The engine to decide with now.
    public func engine() -> DecisionEngine {
        let now = ContinuousClock.now
        let (engine, due) = state.withLock { state -> (DecisionEngine, Bool) in
            guard now - state.checked >= Self.checkInterval else { return (state.engine, false) }
            state.checked = now
            return (state.engine, true)
        }
        guard due else { return engine }
        let paths = watched()
        let stamps = paths.map { FileStamp(path: $0) }
        let changed = state.withLock { $0.paths != paths || $0.stamps != stamps }
        guard changed else { return engine }
        do {
            let fresh = DecisionEngine(policy: try load(), context: context)
            state.withLock {
                $0.engine = fresh
                $0.paths = paths
                $0.stamps = stamps
            }
            report("mcp-shield: policy reloaded (\(fresh.policy.name))")
            return fresh
        } catch {
            state.withLock {
                $0.paths = paths
                $0.stamps = stamps  // report each bad edit once
            }
            report("mcp-shield: the edited policy is invalid; keeping the last good one: \(error)")
            return engine
        }
    }
}
