public import ShieldCore

/// Rewrites MCP client configurations so every stdio server runs through `mcp-shield proxy`, and
/// back.
///
/// Shapes understood: Claude Desktop's `claude_desktop_config.json` and Cursor's `mcp.json`
/// (`{"mcpServers": {NAME: {"command", "args", "env"}}}`) and VS Code's `mcp.json`
/// (`{"servers": {NAME: {"type": "stdio", "command", "args"}}}`). A server is wrapped as
///
/// ```json
/// "command": "/usr/local/bin/mcp-shield",
/// "args": ["proxy", "--server-name", NAME, "--", ORIGINAL_COMMAND, ORIGINAL_ARGS...]
/// ```
///
/// Wrapping is idempotent (a wrapped server is left alone), keeps every other member and the
/// order of members, and unwrapping takes the original command line back out of the arguments,
/// so edits made to the file in between survive. Remote servers (`url`, or a `type` other than
/// `stdio`) cannot be proxied over stdio and are left as they are, with a note.
public enum ClientConfig {
    public struct Change: Sendable, Hashable, CustomStringConvertible {
        public enum Kind: String, Sendable { case wrapped, unwrapped, alreadyWrapped = "already wrapped", notWrapped = "not wrapped", skipped }
        public var server: String
        public var kind: Kind
        public var note: String?

        public var description: String { "\(server): \(kind.rawValue)" + (note.map { " (\($0))" } ?? "") }
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// The members that hold servers, in the shapes above.
    static let serverCollections = ["mcpServers", "servers"]

    /// Wraps every stdio server in `config`.
    public static func wrap(_ config: JSONValue, shield: String, policy: String?) throws(Failure) -> (JSONValue, [Change]) {
        try rewrite(config) { name, server throws(Failure) in
            guard case .string(let command)? = server["command"] else {
                return (server, Change(server: name, kind: .skipped, note: "no command: a remote server cannot be proxied over stdio"))
            }
            if case .string(let type)? = server["type"], type != "stdio" {
                return (server, Change(server: name, kind: .skipped, note: "type \(type) is not stdio"))
            }
            let arguments = try stringArray(server["args"], name: name)
            if isWrapped(command: command, arguments: arguments) {
                // Only our own wrapping is trusted as it is: a config from elsewhere can point at
                // another "mcp-shield" with flags that weaken it (--no-audit, --policy-file).
                guard command == shield else {
                    return (
                        server,
                        Change(
                            server: name, kind: .skipped,
                            note: "runs \(command) \(arguments.prefix { $0 != "--" }.joined(separator: " ")), not this mcp-shield: review it by hand")
                    )
                }
                return (server, Change(server: name, kind: .alreadyWrapped))
            }
            var proxyArguments = ["proxy", "--server-name", name]
            if let policy { proxyArguments += ["--policy", policy] }
            proxyArguments += ["--", command] + arguments
            return (replacing(server, command: shield, arguments: proxyArguments), Change(server: name, kind: .wrapped))
        }
    }

    /// Restores every wrapped server's own command line.
    public static func unwrap(_ config: JSONValue) throws(Failure) -> (JSONValue, [Change]) {
        try rewrite(config) { name, server throws(Failure) in
            guard case .string(let command)? = server["command"] else { return (server, Change(server: name, kind: .notWrapped)) }
            let arguments = try stringArray(server["args"], name: name)
            guard isWrapped(command: command, arguments: arguments), let separator = arguments.firstIndex(of: "--"),
                separator + 1 < arguments.count
            else { return (server, Change(server: name, kind: .notWrapped)) }
            let original = Array(arguments[(separator + 1)...])
            return (replacing(server, command: original[0], arguments: Array(original.dropFirst())), Change(server: name, kind: .unwrapped))
        }
    }

    /// A server a client configuration starts or reaches.
    public struct Server: Sendable, Hashable {
        public var name: String
        /// The command line (for a wrapped server, the one after `mcp-shield proxy … --`).
        public var command: [String]?
        public var url: String?
        /// The `env` the client sets for the server.
        public var environment: [String: String]

        public init(name: String, command: [String]?, url: String?, environment: [String: String]) {
            self.name = name
            self.command = command
            self.url = url
            self.environment = environment
        }
    }

    /// Every server in `config`, in the order written.
    public static func servers(in config: JSONValue) throws(Failure) -> [Server] {
        var servers: [Server] = []
        _ = try rewrite(config) { name, entry throws(Failure) in
            var environment: [String: String] = [:]
            if case .object(let members)? = entry["env"] {
                for (key, value) in members { if case .string(let text) = value { environment[key] = text } }
            }
            var server = Server(name: name, command: nil, url: entry["url"]?.stringValue, environment: environment)
            if case .string(let command)? = entry["command"] {
                var line = [command] + (try stringArray(entry["args"], name: name))
                if isWrapped(command: command, arguments: Array(line.dropFirst())), let separator = line.firstIndex(of: "--"),
                    separator + 1 < line.count
                {
                    line = Array(line[(separator + 1)...])
                }
                server.command = line
            }
            servers.append(server)
            return (entry, Change(server: name, kind: .skipped))
        }
        return servers
    }

    /// Whether `command` + `arguments` is already `mcp-shield proxy … -- …`.
    static func isWrapped(command: String, arguments: [String]) -> Bool {
        let program = command.split(separator: "/").last.map(String.init) ?? command
        return program == "mcp-shield" && arguments.first == "proxy" && arguments.contains("--")
    }

    static func rewrite(
        _ config: JSONValue, _ transform: (String, JSONValue) throws(Failure) -> (JSONValue, Change)
    ) throws(Failure) -> (JSONValue, [Change]) {
        guard case .object(var members) = config else { throw Failure(description: "the configuration is not a JSON object") }
        var changes: [Change] = []
        var found = false
        for index in members.indices where serverCollections.contains(members[index].key) {
            guard case .object(var servers) = members[index].value else {
                throw Failure(description: "\"\(members[index].key)\" is not an object of servers")
            }
            found = true
            for serverIndex in servers.indices {
                let (name, server) = servers[serverIndex]
                guard case .object = server else { throw Failure(description: "server \(JSONValue.quoted(name)) is not an object") }
                let (rewritten, change) = try transform(name, server)
                servers[serverIndex].value = rewritten
                changes.append(change)
            }
            members[index].value = .object(servers)
        }
        guard found else { throw Failure(description: "no \"mcpServers\" or \"servers\" object: not an MCP client configuration") }
        return (.object(members), changes)
    }

    static func stringArray(_ value: JSONValue?, name: String) throws(Failure) -> [String] {
        guard let value, value != .null else { return [] }
        guard case .array(let items) = value else { throw Failure(description: "server \(JSONValue.quoted(name)): \"args\" is not an array") }
        var strings: [String] = []
        for item in items {
            guard case .string(let text) = item else {
                throw Failure(description: "server \(JSONValue.quoted(name)): \"args\" holds a \(item.typeName), not a string")
            }
            strings.append(text)
        }
        return strings
    }

    /// `server` with `command` and `args` replaced in place (members keep their order; `args` is
    /// added after `command` when it was missing).
    static func replacing(_ server: JSONValue, command: String, arguments: [String]) -> JSONValue {
        guard case .object(var members) = server else { return server }
        let args = JSONValue.array(arguments.map(JSONValue.string))
        if let index = members.firstIndex(where: { $0.key == "command" }) { members[index].value = .string(command) }
        if let index = members.firstIndex(where: { $0.key == "args" }) {
            members[index].value = args
        } else {
            let after = (members.firstIndex(where: { $0.key == "command" }) ?? members.count - 1) + 1
            members.insert((key: "args", value: args), at: after)
        }
        return .object(members)
    }
}
