extension PoisoningDetector {
    /// Findings in one listed entry of any kind: a tool (``scan(tool:otherTools:)``), or a
    /// prompt, resource or resource template, every string of which is scanned.
    ///
    /// The walk visits at most 10,000 values, deepest-first; a larger entry is scanned in part.
    public static func findings(in entry: JSONValue, kind: Contract.Kind, otherTools: Set<String>) -> [ContractFinding] {
        if kind == .tool { return scan(tool: entry, otherTools: otherTools) }
        var findings: [ContractFinding] = []
        var stack: [(path: String, value: JSONValue)] = [("$", entry)]
        var budget = 10_000
        while budget > 0, let (path, value) = stack.popLast() {
            budget -= 1
            switch value {
            case .string(let text): findings += scan(text: text, field: path, tool: nil, otherTools: otherTools)
            case .array(let elements): for (i, element) in elements.enumerated().reversed() { stack.append(("\(path)[\(i)]", element)) }
            case .object(let members): for member in members.reversed() { stack.append((path + JSONPath.member(member.key), member.value)) }
            default: break
            }
        }
        return findings
    }
}
