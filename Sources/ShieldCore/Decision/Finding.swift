/// One thing a detector found wrong with a tool call.
///
/// Detectors return findings; ``DecisionEngine`` turns the first finding into a BLOCK ``Decision``.
public struct Finding: Sendable, Hashable, Error {
    /// The stable rule id, for example `path.outside-root`.
    public var rule: String
    /// A sentence a person can act on.
    public var reason: String
    /// The JSON path of the argument, filled in by the argument walker.
    public var path: String?

    public init(rule: String, reason: String, path: String? = nil) {
        self.rule = rule
        self.reason = reason
        self.path = path
    }
}
