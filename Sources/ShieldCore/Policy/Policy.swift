/// A validated security policy: which tools may be called and what their arguments may reach.
///
/// Policies are written in YAML (see ``PolicyLoader`` and the README's policy reference). The
/// original mcp-shield keys keep their meaning; everything else is an extension with a safe
/// default. A `Policy` value is always valid: the loader refuses unknown keys and bad values.
///
/// `Policy` describes; it does not decide. ``DecisionEngine`` compiles a policy once and evaluates
/// calls against it.
public struct Policy: Sendable, Hashable {
    /// The policy's name (its file name without `.yaml`), or a file path for `--policy-file`.
    public var name: String
    /// Free text for people.
    public var description: String?

    /// Tools that may be called: exact names or globs, case-sensitive. Empty allows nothing.
    public var allowedTools: [String]
    /// Tools that may never be called, even when allowed: case-insensitive, a glob when the
    /// pattern holds `*`, `?` or `[`, else a substring (the original's meaning).
    public var blockedToolPatterns: [String]
    /// Case-insensitive literal strings that no argument key or string value may contain.
    public var blockedArgPatterns: [String]

    public var egress: Egress
    public var filesystem: Filesystem
    /// Whether credential-shaped values in arguments are blocked.
    public var secretsEnabled: Bool
    /// Extra tool-name globs treated as shells (besides the built-in synonyms).
    public var shellTools: [String]
    /// Per-tool argument semantics, where heuristics are not enough.
    public var toolRules: [ToolRule]
    /// How a server launched under this policy is confined (applied by the sandbox layer).
    public var sandbox: SandboxSettings
    /// Which requests a server may send to the client (the proxy enforces them).
    public var serverRequests: ServerRequests
    /// How the proxy treats what servers say about themselves: pinning, poisoning, schemas.
    public var contracts: Contracts
    /// What the proxy does to results before the client (and its model) reads them.
    public var responses: Responses

    public init(
        name: String,
        description: String? = nil,
        allowedTools: [String] = [],
        blockedToolPatterns: [String] = [],
        blockedArgPatterns: [String] = [],
        egress: Egress = Egress(),
        filesystem: Filesystem = Filesystem(),
        secretsEnabled: Bool = true,
        shellTools: [String] = [],
        toolRules: [ToolRule] = [],
        sandbox: SandboxSettings = SandboxSettings(),
        serverRequests: ServerRequests = ServerRequests(),
        contracts: Contracts = Contracts(),
        responses: Responses = Responses()
    ) {
        self.name = name
        self.description = description
        self.allowedTools = allowedTools
        self.blockedToolPatterns = blockedToolPatterns
        self.blockedArgPatterns = blockedArgPatterns
        self.egress = egress
        self.filesystem = filesystem
        self.secretsEnabled = secretsEnabled
        self.shellTools = shellTools
        self.toolRules = toolRules
        self.sandbox = sandbox
        self.serverRequests = serverRequests
        self.contracts = contracts
        self.responses = responses
    }
}

extension Policy {
    /// Where tool arguments may send traffic.
    public struct Egress: Sendable, Hashable {
        /// URL schemes allowed in URL-valued arguments, lower-case.
        public var allowedSchemes: [String] = ["http", "https", "ws", "wss"]
        /// Deny loopback, private, link-local and other non-global addresses and local names.
        public var denyPrivateAddresses = true
        /// When non-empty, only these hosts may be reached: host globs, IP addresses or CIDR blocks,
        /// each optionally with `:port`.
        public var allowHosts: [String] = []
        /// Hosts that may never be reached (same forms as ``allowHosts``).
        public var denyHosts: [String] = []
        /// Internal hosts exempted from ``denyPrivateAddresses`` (same forms). Cloud metadata
        /// endpoints are never exempt.
        public var allowInternal: [String] = []

        public init() {}
    }

    /// Where path arguments may point.
    public struct Filesystem: Sendable, Hashable {
        /// Directories that path arguments must stay inside: absolute, `~/…`, or relative to the
        /// working directory. Relative path arguments resolve against the first root. Empty: no
        /// containment check (the deny lists and traversal check still apply).
        public var roots: [String] = []
        /// Extra path globs that are always denied.
        public var denyPaths: [String] = []
        /// Whether the built-in credential and system file deny list applies.
        public var builtinDeny = true

        public init() {}
    }

    /// What a per-tool rule says an argument is.
    public enum ArgumentKind: String, Sendable, Hashable, CaseIterable {
        /// A URL or host the tool will contact.
        case url
        /// A host name or address, optionally with a port.
        case host
        /// A filesystem path.
        case path
        /// A shell command line.
        case command
        /// A value that ends up in a program's argv: no options, no shell metacharacters.
        case argument
        /// Prose: only secrets, hidden Unicode, embedded URLs and blocked patterns are checked.
        case text
    }

    /// Semantics for the tools whose name matches ``toolPattern``.
    public struct ToolRule: Sendable, Hashable {
        /// A tool-name glob (case-sensitive).
        public var toolPattern: String
        /// Whether the tool is a shell: its string arguments are command lines.
        public var shell: Bool?
        /// Argument key (or dotted path from the arguments object) → kind.
        public var arguments: [String: ArgumentKind]

        /// A JSON Schema the tool's arguments must also satisfy, on top of the schema the server
        /// declares: how a policy adds or tightens constraints.
        public var inputSchema: JSONValue?

        public init(toolPattern: String, shell: Bool? = nil, arguments: [String: ArgumentKind] = [:], inputSchema: JSONValue? = nil) {
            self.toolPattern = toolPattern
            self.shell = shell
            self.arguments = arguments
            self.inputSchema = inputSchema
        }
    }

    /// What a server may ask of the client: sampling (the client's model), elicitation (the
    /// user) and the client's roots. A denied request never reaches the client.
    public struct ServerRequests: Sendable, Hashable {
        /// `sampling/createMessage`.
        public var sampling = true
        /// `elicitation/create`.
        public var elicitation = true
        /// `roots/list`.
        public var roots = true
        /// An elicitation that asks the user for a password, token, key or other credential.
        public var elicitationSecrets = false

        public init() {}
    }

    /// Confinement settings read by the sandbox layer; the decision core only validates them.
    public struct SandboxSettings: Sendable, Hashable {
        /// The original `block_network`: run the server with no network.
        public var blockNetwork = false
        /// The original `block_env_access`: run the server with an empty environment.
        public var blockEnvAccess = true
        /// The original `max_memory_mb`.
        public var maxMemoryMB = 512
        /// The original `execution_timeout_seconds`.
        public var executionTimeoutSeconds = 30
        /// Processes (and threads) the server may have at once.
        public var maxProcesses = 128
        /// Host environment variables passed through when ``blockEnvAccess`` is on (names).
        public var environmentAllow: [String] = []
        /// Whether ``Filesystem/roots`` are bound writable into the sandbox (else read-only).
        public var rootsWritable = false
        /// Extra host paths bound read-only: a runtime outside `/usr` (`/opt/node`), a virtualenv.
        public var readOnlyPaths: [String] = []
        /// The host user and group a local sandbox runs as when mcp-shield runs as root: a root
        /// user namespace would still be host root to every file bound in.
        public var hostUser = 65534
        /// The image a container backend runs the server from.
        public var image: String?

        public init() {}
    }
}

extension Policy {
    /// What a finding in a server's self-description leads to.
    public enum FindingAction: String, Sendable, Hashable, CaseIterable {
        /// Recorded and reported; the tool stays usable.
        case flag
        /// The tool (prompt, resource, instructions) is held: hidden and its calls blocked.
        case block
    }

    /// Contract pinning ("rug pull" protection), poisoning detection and schema validation.
    public struct Contracts: Sendable, Hashable {
        /// Pin every tool, prompt, resource and the server's instructions on first use; hold a new
        /// or changed one until `mcp-shield approve`.
        public var pinning = true
        /// What poisoning findings (hidden instructions, credential files, cross-tool
        /// instructions, invisible Unicode, exfiltration URLs) in a definition lead to.
        public var poisoning = FindingAction.block
        /// Validate tool-call arguments against the tool's `inputSchema`.
        public var validateArguments = true
        /// Validate `structuredContent` in results against the tool's `outputSchema`.
        public var validateResults = true

        public init() {}
    }

    /// What is done to injected instructions found in a result.
    public enum InjectionAction: String, Sendable, Hashable, CaseIterable {
        /// Not looked for.
        case off
        /// Recorded; the result is forwarded unchanged.
        case flag
        /// The text is wrapped in a notice telling the model it is data, not instructions.
        case wrap
        /// The result is withheld; the client gets a tool error saying why.
        case block
    }

    /// Scanning of `tools/call`, `resources/read` and `prompts/get` results.
    public struct Responses: Sendable, Hashable {
        /// Replace live-shaped credentials in results with `[REDACTED:kind]`.
        public var redactSecrets = true
        public var injection = InjectionAction.wrap

        public init() {}
    }
}
