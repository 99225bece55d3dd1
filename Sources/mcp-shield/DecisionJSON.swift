import ShieldCore

/// The JSON form of a decision used by `check` and `inspect --json`.
enum DecisionJSON {
    /// `{"decision":…,"reason":…,"rule":…,"path":…}` plus `extra` members, and a newline.
    static func line(_ decision: Decision, extra: [(String, String?)] = []) -> String {
        var out = #"{"decision":"#
        out.reserveCapacity(96 + decision.reason.utf8.count + (decision.path?.utf8.count ?? 0))
        JSONValue.writeQuoted(decision.verdict.rawValue, to: &out)
        out += #","reason":"#
        JSONValue.writeQuoted(decision.reason, to: &out)
        out += #","rule":"#
        write(decision.rule, to: &out)
        out += #","path":"#
        write(decision.path, to: &out)
        for (key, value) in extra {
            out += ","
            JSONValue.writeQuoted(key, to: &out)
            out += ":"
            write(value, to: &out)
        }
        out += "}\n"
        return out
    }

    /// A string or `null`.
    private static func write(_ value: String?, to out: inout String) {
        if let value { JSONValue.writeQuoted(value, to: &out) } else { out += "null" }
    }

    /// `{"error":…}` and a newline.
    static func error(_ message: String) -> String {
        #"{"error":"# + JSONValue.quoted(message) + "}\n"
    }
}
