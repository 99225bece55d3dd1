public import ShieldAudit
internal import ShieldCore
internal import Synchronization

/// Pinning a server's contracts in the proxy: where the server and its pins are.
public struct ContractPinning: Sendable {
    public var server: ServerIdentity
    public var store: any ContractStore

    public init(server: ServerIdentity, store: any ContractStore) {
        self.server = server
        self.store = store
    }
}

/// What servers say about themselves, on its way to the client: lists are pinned and checked for
/// poisoning, held entries hidden, results scanned.
///
/// - `tools/list`, `prompts/list`, `resources/list`, `resources/templates/list`: each entry is
///   compared with its pin (``ContractStore``) and scanned (``PoisoningDetector``); an entry
///   that is new, changed or poisoned is held: left out of the list, and a call to it blocked.
/// - `initialize`: the server's `instructions` are pinned and scanned the same way; held
///   instructions are left out of the result.
/// - `tools/call`, `prompts/get`, `resources/read` results: ``ResponseScanner`` masks
///   credentials and flags, wraps or withholds injected instructions; a tool's
///   `structuredContent` is validated against its `outputSchema`.
extension MessageGate {
    // MARK: Client → server

    /// The contract check for a call to `tool`, or `nil` when nothing is known and nothing is
    /// pinned (pinning is off and the tool was never listed).
    func contractCheck(forTool tool: String, engine: DecisionEngine) -> ToolContractCheck? {
        let cached = toolChecks.withLock { $0[tool] }
        guard let contracts, engine.policy.contracts.pinning else { return cached }
        // A duplicate stays held until the server lists the name once: no approval lifts it.
        if let cached, cached.hold == nil || cached.hold?.rule == "contract.duplicate" { return cached }
        // Held or never listed: the store may know better (an approval since, another session's list).
        do {
            guard let pin = try contracts.store.pin(serverKey: contracts.server.key, kind: .tool, name: tool) else {
                return ToolContractCheck(
                    hold: Decision(
                        verdict: .block,
                        reason: "tool \(JSONValue.quoted(tool)) was never announced by this server in tools/list, so its contract is unchecked",
                        rule: "contract.unlisted"))
            }
            let definition = try JSONParser.parse(pin.observed)
            let check = engine.contractCheck(
                tool: definition, pin: pin.status, findings: PoisoningDetector.findings(in: definition, kind: .tool, otherTools: []))
            toolChecks.withLock { $0[tool] = check }
            return check
        } catch {
            return ToolContractCheck(hold: unavailable(error))
        }
    }

    /// A `prompts/get` or `resources/read` of a held prompt or resource is answered with an error.
    func heldEntryRequest(method: String, message: JSONValue, id: JSONValue?, audit: inout [AuditEntry]) -> Verdict {
        let kind: Contract.Kind = method == "prompts/get" ? .prompt : .resource
        guard let name = message["params"]?[kind == .prompt ? "name" : "uri"]?.stringValue,
            var hold = heldEntries.withLock({ $0[kind]?[name] })
        else { return .forward }
        let engine = engine()
        if let contracts, engine.policy.contracts.pinning, hold.rule != "contract.duplicate" {
            do {
                if let pin = try contracts.store.pin(serverKey: contracts.server.key, kind: kind, name: name) {
                    let definition = try JSONParser.parse(pin.observed)
                    if let stillHeld = engine.contractHold(
                        kind: kind, name: name, pin: pin.status, findings: PoisoningDetector.findings(in: definition, kind: kind, otherTools: []))
                    {
                        hold = stillHeld
                    } else {
                        heldEntries.withLock { _ = $0[kind]?.removeValue(forKey: name) }
                        return .forward
                    }
                }
            } catch {
                hold = unavailable(error)
            }
        }
        audit.append(rejected(tool: name, rule: hold.rule ?? "contract.held", reason: "\(method): \(hold.reason)", policy: engine.policy.name))
        guard let id else { return .drop }
        return .reply(.object(Self.errorMembers(id: id, code: -32001, message: "mcp-shield: \(hold.reason)")))
    }

    // MARK: Server → client

    /// A list result with held entries left out, or `nil` to pass it unchanged.
    func listResult(
        _ result: [(key: String, value: JSONValue)], kind: Contract.Kind, paged: Bool, engine: DecisionEngine, outcome: inout Outcome
    ) -> [(key: String, value: JSONValue)]? {
        guard let listing = kind.listing, let index = result.firstIndex(where: { $0.key == listing.member }),
            case .array(let entries) = result[index].value
        else { return nil }
        var kept: [JSONValue] = []
        var forbidden: [String] = []
        var named: [(name: String, entry: JSONValue)] = []
        for entry in entries {
            guard case .string(let name)? = entry[listing.nameKey] else {
                forbidden.append("(an entry without a \(listing.nameKey))")
                continue
            }
            if kind == .tool, engine.decideToolName(name).isBlocked { forbidden.append(name) } else { named.append((name, entry)) }
        }
        if !forbidden.isEmpty {
            outcome.outputs.append(
                .log(
                    "mcp-shield: hid \(forbidden.count) \(kind.rawValue)(s) the policy \(engine.policy.name) forbids: \(forbidden.joined(separator: ", "))"
                ))
        }
        let names = Set(named.map(\.name))
        let scanned = named.map {
            (name: $0.name, entry: $0.entry, findings: PoisoningDetector.findings(in: $0.entry, kind: kind, otherTools: names.subtracting([$0.name])))
        }
        let complete = !paged && (result.first(where: { $0.key == "nextCursor" })?.value ?? .null) == .null
        let statuses = pinStatuses(
            kind: kind, contracts: scanned.map { Contract(kind: kind, name: $0.name, definition: $0.entry) },
            untrusted: Set(scanned.filter { !$0.findings.isEmpty && engine.policy.contracts.poisoning == .block }.map(\.name)),
            complete: complete, engine: engine, outcome: &outcome)
        var held: [String] = []
        var holds: [String: Decision] = [:]
        // Two entries under one name: which one a client believes is anyone's guess, and only
        // one of them could match the pin. Both are held.
        var seen = Set<String>()
        let duplicated = Set(scanned.map(\.name).filter { !seen.insert($0).inserted })
        for (name, entry, findings) in scanned {
            let status = statuses?[name] ?? .approved
            var hold: Decision?
            if duplicated.contains(name) {
                hold = Decision(
                    verdict: .block, reason: "the server lists more than one \(kind.rawValue) named \(JSONValue.quoted(name))",
                    rule: "contract.duplicate")
                if kind == .tool { toolChecks.withLock { $0[name] = ToolContractCheck(hold: hold) } }
            } else if statuses == nil {
                hold = unavailable(nil)
            } else if kind == .tool {
                let check = engine.contractCheck(tool: entry, pin: status, findings: findings)
                toolChecks.withLock { $0[name] = check }
                hold = check.hold
            } else {
                hold = engine.contractHold(kind: kind, name: name, pin: status, findings: findings)
            }
            recordFindings(findings, kind: kind, name: name, entry: entry, held: hold != nil, engine: engine, outcome: &outcome)
            if let hold {
                held.append(name)
                holds[name] = hold
                recordOnce(kind: kind, name: name, decision: hold, definition: entry, engine: engine, outcome: &outcome)
            } else {
                kept.append(entry)
            }
        }
        if statuses == nil, kind == .tool {
            toolChecks.withLock { checks in for name in names { checks[name] = ToolContractCheck(hold: unavailable(nil)) } }
        }
        if kind != .tool { heldEntries.withLock { $0[kind, default: [:]].merge(holds) { _, new in new } } }
        if kind == .tool, complete { clientListedTools() }
        if !held.isEmpty {
            outcome.outputs.append(
                .log(
                    "mcp-shield: held \(held.count) \(kind.rawValue)(s) until approved (mcp-shield approve \(contracts?.server.key ?? serverName)): \(held.joined(separator: ", "))"
                ))
        }
        guard !forbidden.isEmpty || !held.isEmpty else { return nil }
        var replaced = result
        replaced[index].value = .array(kept)
        return replaced
    }

    /// An `initialize` result without held `instructions`, or `nil` to pass it unchanged.
    func initializeResult(_ result: [(key: String, value: JSONValue)], engine: DecisionEngine, outcome: inout Outcome) -> [(
        key: String, value: JSONValue
    )]? {
        let hasTools = JSONValue.object(result)["capabilities"]?["tools"] != nil
        proxyListing.withLock { $0.serverHasTools = hasTools }
        guard let index = result.firstIndex(where: { $0.key == "instructions" }), case .string(let text) = result[index].value else { return nil }
        let found = PoisoningDetector.scan(text: text, field: "$.instructions", tool: nil, otherTools: [])
        let contract = Contract(kind: .instructions, name: "instructions", definition: .string(text))
        let status = pinStatuses(
            kind: .instructions, contracts: [contract],
            untrusted: found.isEmpty || engine.policy.contracts.poisoning == .flag ? [] : ["instructions"],
            complete: true, engine: engine, outcome: &outcome)
        let hold =
            status == nil
            ? unavailable(nil)
            : engine.contractHold(kind: .instructions, name: "instructions", pin: status?["instructions"] ?? .approved, findings: found)
        recordFindings(found, kind: .instructions, name: "instructions", entry: .string(text), held: hold != nil, engine: engine, outcome: &outcome)
        guard let hold else { return nil }
        recordOnce(kind: .instructions, name: "instructions", decision: hold, definition: .string(text), engine: engine, outcome: &outcome)
        outcome.outputs.append(.log("mcp-shield: withheld the server's instructions: \(hold.reason)"))
        var replaced = result
        replaced.remove(at: index)
        return replaced
    }

    /// A result with credentials masked, injected instructions handled, and (for a tool with an
    /// `outputSchema`) its structured content validated; `nil` to pass it unchanged.
    func scannedResult(
        _ result: [(key: String, value: JSONValue)], request: Pending, engine: DecisionEngine, outcome: inout Outcome
    ) -> [(key: String, value: JSONValue)]? {
        let subject = request.subject ?? "(unknown)"
        let value = JSONValue.object(result)
        if request.method == "tools/call", value["isError"] != .bool(true),
            let schema = toolChecks.withLock({ $0[subject]?.outputSchema })
        {
            let violation: JSONSchema.Violation?
            if let structured = value["structuredContent"] {
                violation = schema.firstViolation(of: structured)
            } else {
                violation = JSONSchema.Violation(
                    rule: "schema.output-missing", path: "$", message: "the tool declares an outputSchema but returned no structuredContent")
            }
            if let violation {
                let reason = "the result of \(subject) does not match its outputSchema at \(violation.path): \(violation.message)"
                outcome.audit.append(rejected(tool: subject, rule: violation.rule, reason: reason, policy: engine.policy.name))
                return Self.withheldResult("mcp-shield withheld this result (rule \(violation.rule)): \(reason)")
            }
        }
        var options = ResponseScanner.Options()
        options.redactSecrets = engine.policy.responses.redactSecrets
        options.injection = ResponseScanner.InjectionAction(rawValue: engine.policy.responses.injection.rawValue) ?? .block
        guard options.redactSecrets || options.injection != .off else { return nil }
        let scan = ResponseScanner(options: options).scan(value)
        guard !scan.changes.isEmpty else { return nil }
        let rules = Array(Set(scan.changes.map(\.rule))).sorted()
        var parts: [String] = []
        if scan.redactions > 0 { parts.append("masked \(scan.redactions) credential(s)") }
        if scan.injections > 0 {
            let verb = scan.blocked ? "withheld it for" : options.injection == .wrap ? "wrapped" : "flagged"
            parts.append("\(verb) \(scan.injections) injected instruction(s)")
        }
        let where_ = scan.changes.prefix(3).map { "\($0.rule) at \($0.path)" }.joined(separator: ", ")
        let reason = "\(request.method) result of \(subject): \(parts.joined(separator: "; ")) (\(where_))"
        outcome.audit.append(
            rejected(
                tool: subject, rule: rules.first ?? "response", reason: reason, policy: engine.policy.name, verdict: scan.blocked ? .block : .allow))
        guard scan.value != value, case .object(let members) = scan.value else { return nil }
        return members
    }

    // MARK: Helpers

    /// Pins `contracts` and returns each one's status; `nil` when the store failed (everything is
    /// then held). Without pinning, everything is approved.
    private func pinStatuses(
        kind: Contract.Kind, contracts: [Contract], untrusted: Set<String>, complete: Bool, engine: DecisionEngine, outcome: inout Outcome
    ) -> [String: PinStatus]? {
        guard let pinning = self.contracts, engine.policy.contracts.pinning else {
            return Dictionary(contracts.map { ($0.name, PinStatus.approved) }) { first, _ in first }
        }
        do {
            let observation = try pinning.store.observe(
                server: pinning.server, kind: kind, contracts: contracts, untrusted: untrusted, complete: complete,
                nowMilliseconds: AuditClock.nowMilliseconds())
            if observation.firstUse, !contracts.isEmpty {
                outcome.outputs.append(
                    .log("mcp-shield: pinned \(contracts.count) \(kind.rawValue)(s) of \(serverName) on first use (server \(pinning.server.key))"))
            }
            for name in observation.removed {
                outcome.audit.append(
                    rejected(
                        tool: name, rule: "contract.removed", reason: "\(kind.rawValue) \(JSONValue.quoted(name)) is no longer announced",
                        policy: engine.policy.name, verdict: .allow))
            }
            if let old = observation.executableChangedFrom, kind == .tool || kind == .instructions {
                let reason =
                    "the executable of \(serverName) changed (sha256 \(old.prefix(12))… → \(pinning.server.executableSHA256.map { String($0.prefix(12)) } ?? "unreadable")…); its contracts are compared with the pins"
                outcome.outputs.append(.log("mcp-shield: \(reason)"))
                outcome.audit.append(
                    rejected(tool: "(server)", rule: "contract.executable-changed", reason: reason, policy: engine.policy.name, verdict: .allow))
            }
            return observation.status
        } catch {
            let hold = unavailable(error)
            outcome.outputs.append(.log("mcp-shield: \(hold.reason)"))
            outcome.audit.append(
                rejected(tool: "(\(kind.rawValue) list)", rule: "contract.unavailable", reason: hold.reason, policy: engine.policy.name))
            return nil
        }
    }

    /// Records poisoning findings the policy only flags (held ones are recorded with the hold).
    private func recordFindings(
        _ findings: [ContractFinding], kind: Contract.Kind, name: String, entry: JSONValue, held: Bool, engine: DecisionEngine,
        outcome: inout Outcome
    ) {
        guard !held, let first = findings.first else { return }
        let decision = Decision(
            verdict: .allow,
            reason:
                "\(kind.rawValue) \(JSONValue.quoted(name)): \(first.detail) (\(first.field): \(first.excerpt)); flagged only (contracts.poisoning: flag)",
            rule: first.rule)
        recordOnce(kind: kind, name: name, decision: decision, definition: entry, engine: engine, outcome: &outcome)
    }

    /// Records a hold or a flag once per session and definition.
    private func recordOnce(
        kind: Contract.Kind, name: String, decision: Decision, definition: JSONValue, engine: DecisionEngine, outcome: inout Outcome
    ) {
        let key = [kind.rawValue, name, decision.rule ?? "", Contract.canonical(definition).jsonText].joined(separator: "\u{0}")
        guard recordedContractEvents.withLock({ $0.insert(key).inserted }) else { return }
        outcome.audit.append(
            rejected(
                tool: kind == .tool ? name : "(\(kind.rawValue)) \(name)", rule: decision.rule ?? "contract.held", reason: decision.reason,
                policy: engine.policy.name, verdict: decision.verdict))
    }

    /// The hold when the pin store cannot answer: nothing is let through unchecked.
    func unavailable(_ error: (any Error)?) -> Decision {
        Decision(
            verdict: .block, reason: "the contract pins cannot be read or written\(error.map { " (\($0))" } ?? ""); nothing unpinned is let through",
            rule: "contract.unavailable")
    }

    /// A `CallToolResult` standing in for one that was withheld.
    static func withheldResult(_ text: String) -> [(key: String, value: JSONValue)] {
        [
            ("content", .array([.object([("type", .string("text")), ("text", .string(text))])])),
            ("isError", .bool(true)),
        ]
    }
}
