/// The answer to one tool call: ALLOW or BLOCK, with why.
///
/// A BLOCK always names a stable ``rule`` (for example `ssrf.private-address`), a human ``reason``
/// and, when an argument caused it, the JSON ``path`` of that argument (`$.config.urls[2]`).
///
/// ```swift
/// let decision = engine.evaluate(ToolCall(name: "fetch", arguments: ["url": "http://127.1/"]))
/// decision.verdict  // .block
/// decision.rule     // "ssrf.private-address"
/// ```
public struct Decision: Sendable, Hashable {
    /// ALLOW or BLOCK.
    public enum Verdict: String, Sendable, Hashable {
        case allow = "ALLOW"
        case block = "BLOCK"
    }

    public var verdict: Verdict
    /// A sentence a person can act on.
    public var reason: String
    /// The stable rule id of a BLOCK; `nil` on ALLOW.
    public var rule: String?
    /// The JSON path of the offending argument, when one argument caused the BLOCK.
    public var path: String?

    public init(verdict: Verdict, reason: String, rule: String? = nil, path: String? = nil) {
        self.verdict = verdict
        self.reason = reason
        self.rule = rule
        self.path = path
    }

    /// An ALLOW.
    public static let allow = Decision(verdict: .allow, reason: "passed all policy checks")

    /// A BLOCK for `finding`.
    public static func block(_ finding: Finding) -> Decision {
        Decision(verdict: .block, reason: finding.reason, rule: finding.rule, path: finding.path)
    }

    /// Whether this is a BLOCK.
    public var isBlocked: Bool { verdict == .block }
}
