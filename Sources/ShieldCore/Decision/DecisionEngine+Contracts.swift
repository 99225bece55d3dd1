/// What the proxy knows about a listed tool when a call to it arrives: whether the tool is held
/// and the schemas it declared. Made by ``DecisionEngine/contractCheck(tool:pin:findings:)``,
/// applied by ``DecisionEngine/evaluate(_:contract:)``.
public struct ToolContractCheck: Sendable {
    /// Why the tool may not be called (its contract is new, changed or poisoned), else `nil`.
    public var hold: Decision?
    /// The tool's `inputSchema`, compiled, when the policy validates arguments.
    public var inputSchema: JSONSchema?
    /// The tool's `outputSchema`, compiled, when the policy validates results.
    public var outputSchema: JSONSchema?
    public init(hold: Decision? = nil, inputSchema: JSONSchema? = nil, outputSchema: JSONSchema? = nil) {
        self.hold = hold
        self.inputSchema = inputSchema
        self.outputSchema = outputSchema
    }
}

/// Where a contract stands against its pin.
public enum PinStatus: String, Sendable, Hashable {
    /// Matches the approved pin (or pinning is off).
    case approved
    /// Never approved: a tool that appeared after the server was first pinned (a renamed tool is
    /// a new tool).
    case new
    /// Differs from the approved pin.
    case changed
}

extension DecisionEngine {
    /// Judges one contract (a tool, prompt, resource or the server's instructions) from its pin
    /// status and its poisoning findings: the decision that holds it, or `nil` when it may be used.
    ///
    /// A contract that is new or changed is held (`contract.new`, `contract.changed`) until
    /// approved. One with poisoning findings is never trusted on first use when the policy says
    /// `poisoning: block`: it stays new, held under its finding's rule (`poisoning.*`), until a
    /// person approves that exact definition. (A changed contract with a finding is held as
    /// `contract.changed`, the finding named in the reason.)
    public func contractHold(kind: Contract.Kind, name: String, pin: PinStatus, findings: [ContractFinding]) -> Decision? {
        let what = kind == .instructions ? "the server's instructions" : "\(kind.rawValue) \(quote(name))"
        let finding = policy.contracts.poisoning == .block ? findings.first : nil
        let found = finding.map { " It has a poisoning finding: \($0.detail) (\($0.field): \($0.excerpt))." } ?? ""
        switch pin {
        case .approved:
            return nil
        case .changed:
            // A rug pull first: the change is the news, a finding in it the reason to look closely.
            return Decision(
                verdict: .block, reason: "\(what) changed since it was approved; review the change with `mcp-shield approve`.\(found)",
                rule: "contract.changed")
        case .new:
            if let finding {
                return Decision(
                    verdict: .block,
                    reason:
                        "\(what) is held: \(finding.detail) (\(finding.field): \(finding.excerpt)); approve it with `mcp-shield approve` after review",
                    rule: finding.rule)
            }
            return Decision(
                verdict: .block, reason: "\(what) is new since this server was pinned; approve it with `mcp-shield approve`", rule: "contract.new")
        }
    }

    /// The check a call to `tool` (a `tools/list` entry) gets.
    public func contractCheck(tool: JSONValue, pin: PinStatus, findings: [ContractFinding]) -> ToolContractCheck {
        let name = tool["name"]?.stringValue ?? ""
        var check = ToolContractCheck(hold: contractHold(kind: .tool, name: name, pin: pin, findings: findings))
        // A declared schema that cannot be enforced is not skipped: the tool cannot be checked.
        func compile(_ key: String) -> JSONSchema? {
            guard let schema = tool[key] else { return nil }
            do throws(JSONSchema.CompileError) {
                return try JSONSchema(schema)
            } catch {
                check.hold =
                    check.hold
                    ?? Decision(
                        verdict: .block, reason: "tool \(quote(name)) declares an \(key) mcp-shield cannot enforce: \(error)", rule: "schema.unusable"
                    )
                return nil
            }
        }
        if policy.contracts.validateArguments { check.inputSchema = compile("inputSchema") }
        if policy.contracts.validateResults { check.outputSchema = compile("outputSchema") }
        return check
    }

    /// Decides one tool call with what is known of the tool's contract: the tool name first,
    /// then the hold, then the declared input schema, then every argument (``evaluate(_:)``).
    ///
    /// - Parameter contract: `nil` when the caller tracks no contracts (the CLI, the HTTP API).
    public func evaluate(_ call: ToolCall, contract: ToolContractCheck?) -> Decision {
        guard let contract else { return evaluate(call) }
        if let finding = checkToolName(call.name) { return .block(finding) }
        if let hold = contract.hold { return hold }
        if let schema = contract.inputSchema, case .object = call.arguments,
            let finding = Self.schemaFinding(.success(schema), call.arguments, owner: "the tool's inputSchema")
        {
            return .block(finding)
        }
        return evaluate(call)
    }

    /// The finding for a schema violation (or an unusable schema), else `nil`.
    static func schemaFinding(_ schema: Result<JSONSchema, JSONSchema.CompileError>, _ value: JSONValue, owner: String) -> Finding? {
        switch schema {
        case .failure(let error):
            return Finding(rule: "schema.unusable", reason: "\(owner) cannot be enforced: \(error)", path: "$")
        case .success(let schema):
            guard let violation = schema.firstViolation(of: value) else { return nil }
            return Finding(rule: violation.rule, reason: "arguments do not match \(owner): \(violation.message)", path: violation.path)
        }
    }
}
