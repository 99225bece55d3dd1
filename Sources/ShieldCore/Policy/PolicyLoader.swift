internal import Yams

/// Reads and validates policy YAML.
///
/// Every key is known or an error, every value is checked, and every error names the source,
/// line, column and key — a typo must never silently weaken a policy.
///
/// ```swift
/// let policy = try PolicyLoader.load(yaml: text, name: "mine", source: "policies/mine.yaml")
/// ```
public enum PolicyLoader {
    /// The largest policy text accepted, in bytes.
    public static let maxPolicyBytes = 1 << 20

    /// Parses and validates a policy.
    ///
    /// - Parameters:
    ///   - yaml: The policy text.
    ///   - name: The policy's name.
    ///   - source: Where the text came from, for error messages.
    /// - Throws: ``PolicyError`` naming line, column and key.
    public static func load(yaml: String, name: String, source: String) throws(PolicyError) -> Policy {
        guard yaml.utf8.count <= maxPolicyBytes else {
            throw PolicyError(source: source, message: "policy is larger than \(maxPolicyBytes) bytes")
        }
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: yaml) else {
                throw PolicyError(source: source, message: "policy is empty")
            }
            root = node
        } catch let error as PolicyError {
            throw error
        } catch let error as YamlError {
            throw yamlError(error, source: source)
        } catch {
            throw PolicyError(source: source, message: "invalid YAML: \(error)")
        }
        let reader = YAMLReader(source: source)
        return try reader.policy(root, name: name)
    }

    private static func yamlError(_ error: YamlError, source: String) -> PolicyError {
        switch error {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let detail = context.map { "\($0.text); " } ?? ""
            return PolicyError(source: source, line: mark.line, column: mark.column, message: "invalid YAML: \(detail)\(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return PolicyError(
                source: source, line: context.mark.line, column: context.mark.column,
                key: duplicates.sorted().joined(separator: ", "), message: "key appears more than once")
        default:
            return PolicyError(source: source, message: "invalid YAML: \(error)")
        }
    }
}

/// Walks a composed YAML tree into a ``Policy``, tracking key paths for errors.
private final class YAMLReader {
    let source: String
    /// Bounds the nodes visited, so alias expansion ("billion laughs") cannot run away.
    var budget = 100_000

    init(source: String) { self.source = source }

    func policy(_ root: Node, name: String) throws(PolicyError) -> Policy {
        var policy = Policy(name: name)
        var sawAllowedTools = false
        try forEachMember(of: root, key: nil) { (key, value, path) throws(PolicyError) in
            switch key {
            case "description": policy.description = try string(value, path)
            case "allowed_tools":
                sawAllowedTools = true
                policy.allowedTools = try strings(value, path)
                for pattern in policy.allowedTools { try checkGlob(pattern, value, path) }
            case "blocked_tool_patterns":
                policy.blockedToolPatterns = try strings(value, path)
                for pattern in policy.blockedToolPatterns { try checkGlob(pattern, value, path) }
            case "blocked_arg_patterns": policy.blockedArgPatterns = try strings(value, path)
            case "block_network": policy.sandbox.blockNetwork = try bool(value, path)
            case "block_env_access": policy.sandbox.blockEnvAccess = try bool(value, path)
            case "max_memory_mb": policy.sandbox.maxMemoryMB = try int(value, path, in: 16...1_048_576)
            case "execution_timeout_seconds": policy.sandbox.executionTimeoutSeconds = try int(value, path, in: 1...86_400)
            case "egress": policy.egress = try egress(value, path)
            case "filesystem": policy.filesystem = try filesystem(value, path)
            case "secrets":
                try forEachMember(of: value, key: path) { (key, value, path) throws(PolicyError) in
                    guard key == "enabled" else { throw unknownKey(key, value, path, known: ["enabled"]) }
                    policy.secretsEnabled = try bool(value, path)
                }
            case "commands":
                try forEachMember(of: value, key: path) { (key, value, path) throws(PolicyError) in
                    guard key == "shell_tools" else { throw unknownKey(key, value, path, known: ["shell_tools"]) }
                    policy.shellTools = try strings(value, path)
                    for pattern in policy.shellTools { try checkGlob(pattern, value, path) }
                }
            case "tools": policy.toolRules = try toolRules(value, path)
            case "server_requests": policy.serverRequests = try serverRequests(value, path)
            case "sandbox": try sandbox(value, path, into: &policy.sandbox)
            case "contracts": policy.contracts = try contracts(value, path)
            case "responses": policy.responses = try responses(value, path)
            default:
                throw unknownKey(key, value, path, known: Self.topLevelKeys)
            }
        }
        if !sawAllowedTools {
            throw PolicyError(
                source: source, line: root.mark?.line, column: root.mark?.column, key: "allowed_tools",
                message: "missing: list the tools this policy allows (use [\"*\"] to allow every tool)")
        }
        return policy
    }

    static let topLevelKeys = [
        "description", "allowed_tools", "blocked_tool_patterns", "blocked_arg_patterns",
        "block_network", "block_env_access", "max_memory_mb", "execution_timeout_seconds",
        "egress", "filesystem", "secrets", "commands", "tools", "server_requests", "sandbox",
        "contracts", "responses",
    ]

    // MARK: Sections

    func egress(_ node: Node, _ path: String) throws(PolicyError) -> Policy.Egress {
        var egress = Policy.Egress()
        let known = ["allowed_schemes", "deny_private_addresses", "allow_hosts", "deny_hosts", "allow_internal"]
        try forEachMember(of: node, key: path) { (key, value, path) throws(PolicyError) in
            switch key {
            case "allowed_schemes":
                egress.allowedSchemes = try strings(value, path).map { $0.lowercased() }
                for scheme in egress.allowedSchemes where !URLScheme.isValid(scheme) {
                    throw error(value, path, "\"\(scheme)\" is not a URL scheme")
                }
            case "deny_private_addresses": egress.denyPrivateAddresses = try bool(value, path)
            case "allow_hosts": egress.allowHosts = try hostPatterns(value, path)
            case "deny_hosts": egress.denyHosts = try hostPatterns(value, path)
            case "allow_internal": egress.allowInternal = try hostPatterns(value, path)
            default: throw unknownKey(key, value, path, known: known)
            }
        }
        return egress
    }

    func serverRequests(_ node: Node, _ path: String) throws(PolicyError) -> Policy.ServerRequests {
        var requests = Policy.ServerRequests()
        let known = ["sampling", "elicitation", "roots", "elicitation_secrets"]
        try forEachMember(of: node, key: path) { (key, value, path) throws(PolicyError) in
            let allowed: Bool
            switch try string(value, path) {
            case "allow": allowed = true
            case "deny": allowed = false
            case let other: throw error(value, path, "expected allow or deny, found \"\(other)\"")
            }
            switch key {
            case "sampling": requests.sampling = allowed
            case "elicitation": requests.elicitation = allowed
            case "roots": requests.roots = allowed
            case "elicitation_secrets": requests.elicitationSecrets = allowed
            default: throw unknownKey(key, value, path, known: known)
            }
        }
        return requests
    }

    func contracts(_ node: Node, _ path: String) throws(PolicyError) -> Policy.Contracts {
        var contracts = Policy.Contracts()
        let known = ["pinning", "poisoning", "validate_arguments", "validate_results"]
        try forEachMember(of: node, key: path) { (key, value, path) throws(PolicyError) in
            switch key {
            case "pinning": contracts.pinning = try bool(value, path)
            case "poisoning": contracts.poisoning = try choice(value, path)
            case "validate_arguments": contracts.validateArguments = try bool(value, path)
            case "validate_results": contracts.validateResults = try bool(value, path)
            default: throw unknownKey(key, value, path, known: known)
            }
        }
        return contracts
    }

    func responses(_ node: Node, _ path: String) throws(PolicyError) -> Policy.Responses {
        var responses = Policy.Responses()
        try forEachMember(of: node, key: path) { (key, value, path) throws(PolicyError) in
            switch key {
            case "redact_secrets": responses.redactSecrets = try bool(value, path)
            case "injection": responses.injection = try choice(value, path)
            default: throw unknownKey(key, value, path, known: ["redact_secrets", "injection"])
            }
        }
        return responses
    }

    /// One of an enumeration's raw values.
    func choice<Choice: RawRepresentable & CaseIterable>(_ node: Node, _ path: String) throws(PolicyError) -> Choice
    where Choice.RawValue == String {
        let text = try string(node, path)
        guard let value = Choice(rawValue: text) else {
            throw error(node, path, "expected \(Choice.allCases.map(\.rawValue).joined(separator: " or ")), found \"\(text)\"")
        }
        return value
    }

    /// A YAML value as JSON: mappings, lists, and scalars typed the way YAML's core schema types
    /// them (a quoted scalar is always a string).
    func json(_ node: Node, _ path: String, depth: Int = 0) throws(PolicyError) -> JSONValue {
        try spend(node, path)
        guard depth < 64 else { throw error(node, path, "nested more than 64 levels") }
        switch node {
        case .mapping(let mapping):
            var members: [(key: String, value: JSONValue)] = []
            for (keyNode, value) in mapping {
                guard case .scalar(let scalar) = keyNode else { throw error(keyNode, path, "keys must be plain strings") }
                members.append((scalar.string, try json(value, "\(path).\(scalar.string)", depth: depth + 1)))
            }
            return .object(members)
        case .sequence(let sequence):
            var elements: [JSONValue] = []
            for element in sequence { elements.append(try json(element, path, depth: depth + 1)) }
            return .array(elements)
        case .scalar(let scalar):
            guard Self.plainTags.contains(scalar.tag.description) else {
                throw error(node, path, "YAML tag \(scalar.tag.description) is not allowed here; write the value as plain text")
            }
            if scalar.style != .plain { return .string(scalar.string) }
            if node.null != nil { return .null }
            if let bool = node.bool { return .bool(bool) }
            if node.int != nil || node.float != nil, let number = try? JSONParser.parse(scalar.string), case .number = number { return number }
            return .string(scalar.string)
        case .alias:
            throw error(node, path, "aliases are not allowed in a schema")
        }
    }

    /// The `sandbox` section; the original top-level keys (`block_network`, …) stay where they were.
    func sandbox(_ node: Node, _ path: String, into settings: inout Policy.SandboxSettings) throws(PolicyError) {
        let known = ["max_processes", "env_allow", "roots", "read_only_paths", "host_user", "image"]
        try forEachMember(of: node, key: path) { (key, value, path) throws(PolicyError) in
            switch key {
            case "max_processes": settings.maxProcesses = try int(value, path, in: 1...65_536)
            case "env_allow":
                settings.environmentAllow = try strings(value, path)
                for name in settings.environmentAllow where !Self.isEnvironmentName(name) {
                    throw error(value, path, "\"\(name)\" is not an environment variable name")
                }
            case "roots":
                switch try string(value, path) {
                case "read-only": settings.rootsWritable = false
                case "read-write": settings.rootsWritable = true
                case let other: throw error(value, path, "expected read-only or read-write, found \"\(other)\"")
                }
            case "read_only_paths":
                settings.readOnlyPaths = try strings(value, path)
                for entry in settings.readOnlyPaths where !entry.hasPrefix("/") {
                    throw error(value, path, "\"\(entry)\" is not an absolute path")
                }
            case "host_user": settings.hostUser = try int(value, path, in: 1...4_294_967_294)
            case "image": settings.image = try string(value, path)
            default: throw unknownKey(key, value, path, known: known)
            }
        }
    }

    static func isEnvironmentName(_ name: String) -> Bool {
        guard let first = name.utf8.first, first == UInt8(ascii: "_") || first.isASCIILetter else { return false }
        return name.utf8.allSatisfy { $0 == UInt8(ascii: "_") || $0.isASCIILetter || ($0 &- 48) < 10 }
    }

    func filesystem(_ node: Node, _ path: String) throws(PolicyError) -> Policy.Filesystem {
        var filesystem = Policy.Filesystem()
        let known = ["roots", "deny_paths", "builtin_deny"]
        try forEachMember(of: node, key: path) { (key, value, path) throws(PolicyError) in
            switch key {
            case "roots":
                filesystem.roots = try strings(value, path)
                for root in filesystem.roots where root.contains("\0") || root.contains("*") {
                    throw error(value, path, "a root is a directory, not a pattern or a NUL-containing string: \"\(root)\"")
                }
            case "deny_paths":
                filesystem.denyPaths = try strings(value, path)
                for pattern in filesystem.denyPaths { try checkGlob(pattern, value, path) }
            case "builtin_deny": filesystem.builtinDeny = try bool(value, path)
            default: throw unknownKey(key, value, path, known: known)
            }
        }
        return filesystem
    }

    func toolRules(_ node: Node, _ path: String) throws(PolicyError) -> [Policy.ToolRule] {
        var rules: [Policy.ToolRule] = []
        try forEachMember(of: node, key: path) { (pattern, value, path) throws(PolicyError) in
            try checkGlob(pattern, value, path)
            var rule = Policy.ToolRule(toolPattern: pattern)
            try forEachMember(of: value, key: path) { (key, value, path) throws(PolicyError) in
                switch key {
                case "shell": rule.shell = try bool(value, path)
                case "input_schema":
                    let schema = try json(value, path)
                    do throws(JSONSchema.CompileError) {
                        _ = try JSONSchema(schema)
                    } catch {
                        throw self.error(value, path, "not a schema mcp-shield can enforce: \(error)")
                    }
                    rule.inputSchema = schema
                case "arguments":
                    try forEachMember(of: value, key: path) { (argument, value, path) throws(PolicyError) in
                        let kindName = try string(value, path)
                        guard let kind = Policy.ArgumentKind(rawValue: kindName) else {
                            let kinds = Policy.ArgumentKind.allCases.map(\.rawValue).joined(separator: ", ")
                            throw error(value, path, "unknown argument kind \"\(kindName)\" (one of: \(kinds))")
                        }
                        rule.arguments[argument] = kind
                    }
                default: throw unknownKey(key, value, path, known: ["shell", "arguments", "input_schema"])
                }
            }
            rules.append(rule)
        }
        return rules
    }

    func hostPatterns(_ node: Node, _ path: String) throws(PolicyError) -> [String] {
        let patterns = try strings(node, path).map { $0.lowercased() }
        for pattern in patterns {
            if let problem = HostPattern.validate(pattern) { throw error(node, path, problem) }
        }
        return patterns
    }

    // MARK: Scalars

    func forEachMember(
        of node: Node, key: String?,
        _ body: (String, Node, String) throws(PolicyError) -> Void
    ) throws(PolicyError) {
        try spend(node, key)
        guard case .mapping(let mapping) = node else {
            throw error(node, key, "expected a mapping of keys to values, found \(describe(node))")
        }
        for (keyNode, value) in mapping {
            guard case .scalar(let scalar) = keyNode else {
                throw error(keyNode, key, "keys must be plain strings")
            }
            let path = key.map { "\($0).\(scalar.string)" } ?? scalar.string
            try body(scalar.string, value, path)
        }
    }

    /// Tags a scalar may carry and still mean its text: none, `!` (quoted), and the core scalar tags.
    static let plainTags: Set<String> = [Tag.Name.implicit, .nonSpecific, .str, .int, .float, .bool].map(\.rawValue).reduce(into: []) {
        $0.insert($1)
    }

    func string(_ node: Node, _ path: String) throws(PolicyError) -> String {
        try spend(node, path)
        guard case .scalar(let scalar) = node, node.null == nil || scalar.style != .plain else {
            throw error(node, path, "expected a string, found \(describe(node))")
        }
        // A tag changes what a scalar means (`!!binary ZXhlYw==` is "exec"); only plain text is taken.
        guard Self.plainTags.contains(scalar.tag.description) else {
            throw error(node, path, "YAML tag \(scalar.tag.description) is not allowed here; write the value as plain text")
        }
        return scalar.string
    }

    func strings(_ node: Node, _ path: String) throws(PolicyError) -> [String] {
        try spend(node, path)
        guard case .sequence(let sequence) = node else {
            throw error(node, path, "expected a list of strings, found \(describe(node))")
        }
        var values: [String] = []
        for element in sequence {
            let value = try string(element, path)
            guard !value.isEmpty else { throw error(element, path, "empty string in list") }
            values.append(value)
        }
        return values
    }

    func bool(_ node: Node, _ path: String) throws(PolicyError) -> Bool {
        try spend(node, path)
        guard case .scalar(let scalar) = node, scalar.style == .plain,
            [Tag.Name.implicit.rawValue, Tag.Name.bool.rawValue].contains(scalar.tag.description),
            let value = ["true": true, "false": false][scalar.string]
        else { throw error(node, path, "expected true or false, found \(describe(node))") }
        return value
    }

    func int(_ node: Node, _ path: String, in range: ClosedRange<Int>) throws(PolicyError) -> Int {
        try spend(node, path)
        guard case .scalar(let scalar) = node, scalar.style == .plain,
            [Tag.Name.implicit.rawValue, Tag.Name.int.rawValue].contains(scalar.tag.description), let value = Int(scalar.string)
        else {
            throw error(node, path, "expected a whole number, found \(describe(node))")
        }
        guard range.contains(value) else {
            throw error(node, path, "\(value) is out of range \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }

    func checkGlob(_ pattern: String, _ node: Node, _ path: String) throws(PolicyError) {
        if let problem = Glob.validate(pattern) { throw error(node, path, "\"\(pattern)\": \(problem)") }
    }

    // MARK: Errors

    func spend(_ node: Node, _ path: String?) throws(PolicyError) {
        budget -= 1
        if budget < 0 { throw error(node, path, "policy is too large (more than 100000 YAML nodes after aliases)") }
    }

    func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar): node.null != nil && scalar.style == .plain ? "null" : "\"\(scalar.string.prefix(40))\""
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }

    func error(_ node: Node, _ key: String?, _ message: String) -> PolicyError {
        PolicyError(source: source, line: node.mark?.line, column: node.mark?.column, key: key, message: message)
    }

    func unknownKey(_ key: String, _ node: Node, _ path: String, known: [String]) -> PolicyError {
        var message = "unknown key"
        if let guess = known.min(by: { editDistance($0, key) < editDistance($1, key) }), editDistance(guess, key) <= 3 {
            message += " (did you mean \"\(guess)\"?)"
        } else {
            message += " (known keys: \(known.joined(separator: ", ")))"
        }
        return error(node, path, message)
    }
}

/// Levenshtein distance, for "did you mean" suggestions.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    var previous = Array(0...b.count)
    for i in 1...max(a.count, 1) where !a.isEmpty {
        var current = [i] + Array(repeating: 0, count: b.count)
        for j in 1...max(b.count, 1) where !b.isEmpty {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        previous = current
    }
    return previous[b.count]
}
