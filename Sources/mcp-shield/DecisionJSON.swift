import ShieldCore

/// The JSON form of a decision used by `check` and `inspect --json`.
enum DecisionJSON {
    /// `{"decision":…,"reason":…,"rule":…,"path":…}` plus `extra` members, and a newline.
    static func line(_ decision: Decision, extra: [(String, String?)] = []) -> String {
        var out = #"{"decision":"# + JSONValue.quoted(decision.verdict.rawValue)
        out += #","reason":"# + JSONValue.quoted(decision.reason)
        out += #","rule":"# + (decision.rule.map(JSONValue.quoted) ?? "null")
        out += #","path":"# + (decision.path.map(JSONValue.quoted) ?? "null")
        for (key, value) in extra {
            out += "," + JSONValue.quoted(key) + ":" + (value.map(JSONValue.quoted) ?? "null")
        }
        return out + "}\n"
    }

    /// `{"error":…}` and a newline.
    static func error(_ message: String) -> String {
        #"{"error":"# + JSONValue.quoted(message) + "}\n"
    }
}
