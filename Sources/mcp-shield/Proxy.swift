import ArgumentParser
import Foundation
import ShieldAudit
import ShieldCore
import ShieldProxy
import ShieldSandbox
import ShieldSystem

/// `mcp-shield proxy [options] -- COMMAND [ARGS...]`: enforce policy on a stdio MCP server.
struct Proxy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run an MCP server over stdio with every message passing the policy.",
        discussion: """
            In a client config, replace  "command": "X", "args": [...]  with \
            "command": "mcp-shield", "args": ["proxy", "--", "X", ...]. \
            Blocked tools/call requests never reach the server; the client gets a tool error naming \
            the rule. Forbidden tools are hidden from tools/list. Decisions are recorded in the audit \
            database. The proxy exits with the server's status.
            """
    )

    @OptionGroup var policyOptions: PolicyOptions

    @Option(name: .long, help: ArgumentHelp("The server's name in policies and the audit log (default: the command's name).", valueName: "name"))
    var serverName: String?

    @Option(
        name: .long, help: ArgumentHelp("The audit database (default: $MCP_SHIELD_DB, else $XDG_DATA_HOME/mcp-shield/audit.db).", valueName: "path"))
    var db: String?

    @Flag(name: .long, help: "Do not record decisions.")
    var noAudit = false

    @Option(name: .long, help: ArgumentHelp("Largest message accepted in either direction, in bytes.", valueName: "bytes"))
    var maxMessageBytes = MessageGate.defaultMaxMessageBytes

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Run the server in a sandbox: \(SandboxKind.allCases.map(\.rawValue).joined(separator: ", ")). The policy's sandbox settings configure it.",
            valueName: "kind"))
    var sandbox: SandboxChoice?

    @Option(name: .long, help: ArgumentHelp("The container image the server runs from (podman, docker, gvisor).", valueName: "image"))
    var image: String?

    @Option(name: .customLong("bind-ro"), help: ArgumentHelp("A host path bound read-only into a bwrap sandbox (repeatable).", valueName: "path"))
    var bindReadOnly: [String] = []

    @Option(
        name: .long,
        help: ArgumentHelp("The sandbox's name in `mcp-shield sandbox list` (default: the server's name and our pid).", valueName: "name"))
    var sandboxName: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Serve one client on this Unix socket instead of standard input and output, in a session of our own (how `sandbox launch` runs servers).",
            valueName: "path"))
    var listen: String?

    @Argument(parsing: .postTerminator, help: "The server's command line, after --.")
    var command: [String] = []

    func validate() throws {
        guard !command.isEmpty else { throw ValidationError("give the server's command after --, e.g. mcp-shield proxy -- uvx mcp-server-time") }
        if policyOptions.server != nil, serverName != nil { throw ValidationError("--server and --server-name are the same option; give one") }
        if db != nil, noAudit { throw ValidationError("--db and --no-audit cannot be used together") }
        guard maxMessageBytes >= 1024 else { throw ValidationError("--max-message-bytes must be at least 1024") }
        if sandbox == nil, image != nil || !bindReadOnly.isEmpty || sandboxName != nil {
            throw ValidationError("--image, --bind-ro and --sandbox-name need --sandbox")
        }
        if let sandboxName, !SandboxRegistry.isValidName(sandboxName) {
            throw ValidationError("--sandbox-name: \"\(sandboxName)\" is not a name (letters, digits, - _ ., at most 64)")
        }
        for path in bindReadOnly where !path.hasPrefix("/") { throw ValidationError("--bind-ro takes an absolute path, not \(path)") }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let name = serverName ?? policyOptions.server ?? (command[0] as NSString).lastPathComponent
        var options = policyOptions
        options.server = name
        let directory = options.policyDir ?? environment["MCP_SHIELD_POLICY_DIR"]
        let catalog = PolicyCatalog(directory: directory)
        // The files the policy comes from, worked out again at every check: editing bindings.yaml
        // can bind the server to another policy file, whose edits must apply too.
        let policyFile = options.policyFile
        let requested = options.policy
        let watched: @Sendable () -> [String] = {
            if let policyFile { return [policyFile] }
            guard let directory else { return [] }
            let bound = (try? catalog.boundPolicy(forServer: name)) ?? nil
            return ["\(directory)/bindings.yaml", "\(directory)/\(bound ?? requested ?? "default").yaml"]
        }
        let resolve = { @Sendable [options] () throws -> Policy in try options.resolvePolicy() }
        let policies: PolicySource
        do {
            policies = try PolicySource(watching: watched, context: .host(), report: { Terminal.standardError.write($0 + "\n") }, load: resolve)
        } catch let error as CLIError {
            throw error
        } catch {
            throw CLIError("\(error)")
        }
        var queue: AuditQueue?
        // Pins live beside the audit log; without one, they last for this run (trust on first use
        // within the session).
        var pins: any ContractStore = MemoryContractStore()
        if !noAudit {
            let path = db ?? AuditLocation.defaultPath(environment: environment)
            do {
                let store = try SQLiteAuditStore(path: path)
                queue = AuditQueue(store: store)
                pins = try SQLiteContractStore(sharing: store)
            } catch {
                throw CLIError("cannot open the audit database \(path): \(error) (use --no-audit to run without recording)")
            }
        }
        let session = "proxy-\(getpid())-" + String(UInt32.random(in: .min ... .max), radix: 16)
        let auditQueue = queue
        let gate = MessageGate(
            serverName: name, session: session, maxMessageBytes: maxMessageBytes, engine: { policies.engine() },
            auditFailure: { auditQueue?.failure },
            // The policy's execution_timeout_seconds is a sandbox setting: it applies under --sandbox.
            callTimeout: sandbox == nil ? nil : .seconds(policies.engine().policy.sandbox.executionTimeoutSeconds),
            contracts: ContractPinning(
                server: .stdio(name: name, command: command, executable: ChildProcess.resolve(command[0], searchPath: ChildProcess.searchPath)),
                store: pins))
        var listening: Int32?
        if let listen {
            // A background server: detached from the launcher's terminal and process group.
            _ = setsid()
            listening = try UnixSocket.listen(at: listen)
        }
        defer { if let listen { unlink(listen) } }
        let proxy: StdioProxy
        if let sandbox {
            let policy = policies.engine().policy
            let plan = try sandboxPlan(sandbox.kind, policy: policy, environment: environment, session: session)
            for note in plan.notes { Terminal.standardError.write("mcp-shield: \(note)\n") }
            let registry = SandboxRegistry(besideDatabase: db ?? AuditLocation.defaultPath(environment: environment))
            let entry = SandboxRegistry.Entry(
                name: sandboxName ?? Self.defaultSandboxName(server: name), kind: sandbox.rawValue, server: name, policy: policy.name,
                command: command, pid: getpid(), startedMilliseconds: AuditClock.nowMilliseconds(), socket: listen)
            if registry.list().contains(where: { $0.name == entry.name }) {
                plan.cleanup()
                throw CLIError("a sandbox named \(entry.name) is already running")
            }
            let launched = Self.sandboxRecord(
                entry, rule: "sandbox.launch", reason: "launched \(entry.name) in \(entry.kind): \(command.joined(separator: " "))", session: session)
            proxy = StdioProxy(
                // Registered once the server runs and the proxy holds its signals: a `sandbox
                // stop` from then on reaches the server and ends in an audited exit.
                start: { [queue] in
                    let child = try Sandbox.start(plan)
                    do {
                        try registry.register(entry)
                    } catch {
                        child.send(SIGKILL)
                        _ = child.wait()
                        plan.cleanup()
                        throw error
                    }
                    queue?.submit([launched])
                    return child
                },
                afterExit: { [queue] status in
                    plan.cleanup()
                    registry.unregister(entry.name, pid: entry.pid)
                    queue?.submit([
                        Self.sandboxRecord(
                            entry, rule: "sandbox.exit", reason: "\(entry.name) ended: \(StdioProxy.describe(status))", session: session)
                    ])
                }, gate: gate, audit: queue, listeningSocket: listening)
        } else {
            proxy = StdioProxy(
                start: { try ChildProcess(arguments: command) }, afterExit: { _ in }, gate: gate, audit: queue, listeningSocket: listening)
        }
        let status: Int32
        do {
            status = try await proxy.run()
        } catch {
            throw CLIError("\(error)")
        }
        throw ExitCode(status)
    }

    /// `SERVER-PID`, with anything but letters, digits, `-` and `_` in the server's name made `-`.
    static func defaultSandboxName(server: String) -> String {
        let safe = server.unicodeScalars.prefix(40).map { scalar -> Character in
            let allowed = scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "-" || scalar == "_")
            return allowed ? Character(scalar) : "-"
        }
        return "\(safe.isEmpty || safe.first == "." ? "server" : String(safe))-\(getpid())"
    }

    /// A sandbox's launch or exit, for the audit log (not a decision on a call).
    static func sandboxRecord(_ entry: SandboxRegistry.Entry, rule: String, reason: String, session: String) -> AuditEntry {
        AuditEntry(
            timeMilliseconds: AuditClock.nowMilliseconds(), surface: .sandbox, server: entry.server, tool: "(sandbox)", policy: entry.policy,
            decision: .allow, rule: rule, reason: reason, path: nil, argumentsDigest: AuditChain.sha256Hex(""), redactedArguments: "null",
            redactions: 0, truncated: false, session: session, latencyNanoseconds: 0)
    }

    /// The launch plan for `command` in `kind`, configured by the policy in force at start.
    func sandboxPlan(_ kind: SandboxKind, policy: Policy, environment: [String: String], session: String) throws -> LaunchPlan {
        let home = environment["HOME"] ?? NSHomeDirectory()
        let workingDirectory = FileManager.default.currentDirectoryPath
        let roots = policy.filesystem.roots.map { root -> String in
            let expanded = root == "~" || root.hasPrefix("~/") ? home + root.dropFirst() : root
            let absolute = expanded.hasPrefix("/") ? expanded : workingDirectory + "/" + expanded
            return (absolute as NSString).standardizingPath
        }
        let request = SandboxRequest(
            command: command, settings: policy.sandbox, roots: roots, readOnlyPaths: bindReadOnly, image: image,
            hostEnvironment: environment, name: session)
        do {
            return try Sandbox.plan(kind, request)
        } catch {
            throw CLIError("cannot start the \(kind) sandbox: \(error)")
        }
    }
}

/// `--sandbox`'s values: the library's kinds, as an argument the parser reads.
enum SandboxChoice: String, CaseIterable, ExpressibleByArgument {
    case bwrap, podman, docker, gvisor

    var kind: SandboxKind { SandboxKind(rawValue: rawValue)! }
}
