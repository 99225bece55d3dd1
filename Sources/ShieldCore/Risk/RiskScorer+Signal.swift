extension RiskScorer {
    /// One reason a tool is risky: how risky, the capability it implies, a readable phrase, and
    /// where it was seen.
    ///
    /// The origin decides what annotations may do to it: `readOnlyHint` may lower a signal from
    /// ``Origin/words`` only; schema facts, annotations and poisoning findings are never lowered.
    struct Signal: Sendable, Hashable {
        enum Origin: Sendable, Hashable {
            /// Inferred from words in the tool's name or description.
            case words
            /// A fact of the input schema: a parameter's name, format or enum values.
            case schema
            /// Raised by an annotation the server declared.
            case annotation
            /// A poisoning rule matched the tool.
            case poisoning
        }

        var level: Level
        var capability: String
        var reason: String
        var origin: Origin
    }
}
