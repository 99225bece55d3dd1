/// The one decision function: a policy compiled once, evaluating tool calls synchronously and
/// without I/O.
///
/// Every surface — `mcp-shield inspect` and `check`, the HTTP API, the stdio proxy — calls
/// ``evaluate(_:)``. The order of checks is fixed: the tool name (hidden characters, deny
/// patterns, allow list), then every key and string value of the arguments at every depth
/// (strings holding JSON are parsed and walked too). The first finding is the answer.
///
/// ```swift
/// let engine = DecisionEngine(policy: policy, context: context)
/// let decision = engine.evaluate(ToolCall(name: "fetch", arguments: .object([("url", .string("http://127.1/"))])))
/// // BLOCK ssrf.private-address at $.url
/// ```
///
/// It does not resolve host names (see ``HostClassifier``) and it keeps no state between calls:
/// rate limits and contract pinning belong to the layers that see sessions.
public final class DecisionEngine: Sendable {
    /// Bounds on the work one evaluation may do. Exceeding one is a BLOCK, never a partial check.
    public struct Limits: Sendable, Hashable {
        /// Deepest nesting of argument containers, counting JSON held in strings.
        public var maxDepth = 128
        /// Most argument values (scalars and containers), counting JSON held in strings.
        public var maxNodes = 1_000_000
        /// Most string bytes scanned, counting JSON held in strings.
        public var maxScanBytes = 96 << 20
        /// How many times a JSON document inside a string inside a JSON document may nest.
        public var maxEmbeddedJSON = 4

        public init() {}
    }

    public let policy: Policy
    let limits: Limits
    let egress: EgressGuard
    let paths: PathGuard
    let commands: CommandGuard
    let blockedArgPatterns: [String]
    let blockedToolPatterns: [(pattern: String, isGlob: Bool)]
    /// `allowed_tools`, compiled: every entry allows its own name exactly (`tool[1]` too), and
    /// the entries with glob characters also allow what they match.
    let allowedToolNames: Set<String>
    let allowedToolGlobs: [String]
    /// `allowed_tools` holds `*`: the list allows every name, without hashing one.
    let allowsEveryTool: Bool
    /// The policy's own argument schemas (`tools: {PATTERN: {input_schema: …}}`), compiled.
    let policySchemas: [(pattern: String, schema: Result<JSONSchema, JSONSchema.CompileError>)]

    /// Compiles `policy` for evaluation.
    ///
    /// - Parameters:
    ///   - policy: A validated policy.
    ///   - context: Home and working directory, and optionally a real-path resolver.
    ///   - limits: Work bounds.
    public init(policy: Policy, context: EvaluationContext = EvaluationContext(), limits: Limits = Limits()) {
        self.policy = policy
        self.limits = limits
        egress = EgressGuard(policy.egress)
        paths = PathGuard(policy.filesystem, context: context)
        commands = CommandGuard(paths: paths, egress: egress)
        blockedArgPatterns = policy.blockedArgPatterns.map { $0.lowercased() }
        blockedToolPatterns = policy.blockedToolPatterns.map { (Self.fold($0), Glob.isPattern($0)) }
        allowedToolNames = Set(policy.allowedTools)
        allowedToolGlobs = policy.allowedTools.filter(Glob.isPattern)
        allowsEveryTool = policy.allowedTools.contains("*")
        policySchemas = policy.toolRules.compactMap { rule in
            rule.inputSchema.map { schema in (rule.toolPattern, Result { () throws(JSONSchema.CompileError) in try JSONSchema(schema) }) }
        }
    }

    /// Decides one tool call.
    public func evaluate(_ call: ToolCall) -> Decision {
        if let finding = checkToolName(call.name) { return .block(finding) }
        guard case .object = call.arguments else {
            return .block(
                Finding(rule: "args.malformed", reason: "tool arguments must be a JSON object, found \(call.arguments.typeName)", path: "$"))
        }
        for (pattern, schema) in policySchemas where Glob.matches(pattern, call.name) {
            if let finding = Self.schemaFinding(schema, call.arguments, owner: "the policy's input_schema for \(quote(pattern))") {
                return .block(finding)
            }
        }
        var walker = ArgumentWalker(engine: self, tool: ToolProfile(name: call.name, toolRules: policy.toolRules, shellTools: policy.shellTools))
        if let finding = walker.walk(call.arguments) { return .block(finding) }
        return .allow
    }

    // MARK: - Tool name

    /// Whether the policy lets a tool by this name be called at all (hidden characters, deny
    /// patterns, the allow list): what the proxy uses to hide tools from `tools/list`.
    public func decideToolName(_ name: String) -> Decision {
        checkToolName(name).map(Decision.block) ?? .allow
    }

    func checkToolName(_ name: String) -> Finding? {
        guard !name.isEmpty else { return Finding(rule: "tool.invalid-name", reason: "tool name is empty") }
        let (isASCII, hasControl) = name.withUTF8Bytes { bytes in
            var isASCII = true
            var hasControl = false
            for byte in bytes {
                if byte >= 0x80 {
                    isASCII = false
                } else if byte < 0x20 || byte == 0x7F {
                    hasControl = true
                }
            }
            return (isASCII, hasControl)
        }
        // Format characters and the hidden-text blocks (tags, bidi controls, zero-width
        // characters) are all outside ASCII.
        if hasControl
            || (!isASCII && name.unicodeScalars.contains { $0.value >= 0x80 && $0.properties.generalCategory == .format })
        {
            return Finding(rule: "tool.invalid-name", reason: "tool name \(quote(name)) contains control or invisible formatting characters")
        }
        if !isASCII, let hidden = HiddenTextScanner.firstHidden(in: name) {
            return Finding(rule: "tool.invalid-name", reason: "tool name contains \(hidden.description)")
        }
        let folded = isASCII ? ByteSearch.lowercased(name) : Self.fold(name)
        for (pattern, isGlob) in blockedToolPatterns where isGlob ? Glob.matches(pattern, folded) : ByteSearch.contains(folded, pattern) {
            return Finding(rule: "tool.denied", reason: "tool \(quote(name)) matches the blocked pattern \(quote(pattern))")
        }
        guard allowsEveryTool || allowedToolNames.contains(name) || allowedToolGlobs.contains(where: { Glob.matches($0, name) }) else {
            return Finding(rule: "tool.not-allowed", reason: "tool \(quote(name)) is not in the policy's allowed_tools")
        }
        return nil
    }

    /// Case- and compatibility-folded form for case-insensitive name matching: `ＥＸＥＣ` is `exec`.
    static func fold(_ name: String) -> String {
        if name.utf8.allSatisfy({ $0 < 0x80 }) { return ByteSearch.lowercased(name) }
        return Host.mapUnicode(name).lowercased()
    }
}

/// Evaluates `call` under `policy`: a convenience for one-off decisions. Surfaces that decide
/// many calls compile the policy once with ``DecisionEngine``.
public func evaluate(_ call: ToolCall, policy: Policy, context: EvaluationContext = EvaluationContext()) -> Decision {
    DecisionEngine(policy: policy, context: context).evaluate(call)
}

/// What the policy says about one tool: is it a shell, and which arguments have declared kinds.
struct ToolProfile {
    /// Whether the tool writes to a running process (`interact_with_process`,
    /// `write_to_terminal`): its `input` is typed into a shell. Computed only when asked.
    var takesShellInput: Bool {
        let normalized = ArgumentHints.normalize(name)
        return ["process", "terminal", "shell", "repl", "console", "session"].contains { ByteSearch.contains(normalized, $0) }
    }

    var isShell: Bool
    let name: String
    var argumentKinds: [String: Policy.ArgumentKind] = [:]

    /// - Parameters:
    ///   - toolRules: the policy's per-tool rules; the first that matches decides `shell`, and
    ///     argument kinds merge with earlier rules winning.
    ///   - shellTools: the policy's extra shell-tool globs.
    init(name: String, toolRules: [Policy.ToolRule], shellTools: [String]) {
        var shell: Bool?
        for rule in toolRules where Glob.matches(rule.toolPattern, name) {
            if shell == nil { shell = rule.shell }
            argumentKinds.merge(rule.arguments) { first, _ in first }
        }
        isShell = shell ?? (ArgumentHints.isShellToolName(name) || shellTools.contains { Glob.matches($0, name) })
        self.name = name
    }
}
