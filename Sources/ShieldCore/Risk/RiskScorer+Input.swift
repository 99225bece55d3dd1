extension RiskScorer {
    /// The tools a request body lists, ready for ``score(definitions:findings:)``; `nil` when the
    /// body has none of the accepted shapes.
    ///
    /// Accepted shapes:
    /// - `{"tool_names": ["read_file", ...]}`, the original API's (names become `.string`s);
    /// - `{"tools": [{"name": ..., "description": ..., "inputSchema": ...}, ...]}`, a `tools/list`
    ///   result (other members, such as `nextCursor`, are ignored);
    /// - an array whose elements are either of those objects, a bare name, or a tool definition
    ///   (`[{"tools": [...]}, {"tools": [...]}]` for several pages of `tools/list`).
    ///
    /// ```swift
    /// let body = try JSONParser.parse(#"{"tool_names": ["get_time", "Bash"]}"#)
    /// RiskScorer.definitions(from: body)  // [.string("get_time"), .string("Bash")]
    /// ```
    ///
    /// A body with both `tool_names` and `tools` lists the names first. Every name must be a
    /// string and every definition an object with a string `name`, else the answer is `nil`; it
    /// does not check definitions any further (a malformed schema is scored as far as it goes).
    ///
    /// - Parameters:
    ///   - body: a parsed request body or CLI input.
    public static func definitions(from body: JSONValue) -> [JSONValue]? {
        switch body {
        case .object:
            return listedDefinitions(body)
        case .array(let elements):
            var definitions: [JSONValue] = []
            for element in elements {
                switch element {
                case .string:
                    definitions.append(element)
                case .object where element["tool_names"] != nil || element["tools"] != nil:
                    guard let listed = listedDefinitions(element) else { return nil }
                    definitions += listed
                case .object where element["name"]?.stringValue != nil:
                    definitions.append(element)
                default:
                    return nil
                }
            }
            return definitions
        default:
            return nil
        }
    }

    /// The names and definitions of a `{"tool_names"}` / `{"tools"}` object.
    static func listedDefinitions(_ body: JSONValue) -> [JSONValue]? {
        let names = body["tool_names"]
        let tools = body["tools"]
        guard names != nil || tools != nil else { return nil }
        var definitions: [JSONValue] = []
        if let names {
            guard case .array(let items) = names, items.allSatisfy({ $0.stringValue != nil }) else { return nil }
            definitions += items
        }
        if let tools {
            guard case .array(let items) = tools, items.allSatisfy({ $0["name"]?.stringValue != nil }) else { return nil }
            definitions += items
        }
        return definitions
    }
}

extension RiskScorer {
    /// The poisoning rules found in each named definition (tool name → rule ids), each judged
    /// with the other definitions' names as the tools a client would list beside it: the
    /// `findings` ``score(definitions:findings:)`` takes.
    public static func poisoningFindings(in definitions: [JSONValue]) -> [String: [String]] {
        let names = Set(definitions.compactMap { $0["name"]?.stringValue })
        var findings: [String: [String]] = [:]
        for definition in definitions {
            guard case .string(let name)? = definition["name"] else { continue }
            let found = PoisoningDetector.findings(in: definition, kind: .tool, otherTools: names.subtracting([name]))
            if !found.isEmpty { findings[name] = found.map(\.rule) }
        }
        return findings
    }
}
