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

    @Argument(parsing: .postTerminator, help: "The server's command line, after --.")
    var command: [String] = []

    func validate() throws {
        guard !command.isEmpty else { throw ValidationError("give the server's command after --, e.g. mcp-shield proxy -- uvx mcp-server-time") }
        if policyOptions.server != nil, serverName != nil { throw ValidationError("--server and --server-name are the same option; give one") }
        if db != nil, noAudit { throw ValidationError("--db and --no-audit cannot be used together") }
        guard maxMessageBytes >= 1024 else { throw ValidationError("--max-message-bytes must be at least 1024") }
        if sandbox == nil, image != nil || !bindReadOnly.isEmpty { throw ValidationError("--image and --bind-ro need --sandbox") }
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
        if !noAudit {
            let path = db ?? AuditLocation.defaultPath(environment: environment)
            do {
                queue = AuditQueue(store: try SQLiteAuditStore(path: path))
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
            callTimeout: sandbox == nil ? nil : .seconds(policies.engine().policy.sandbox.executionTimeoutSeconds))
        let proxy: StdioProxy
        if let sandbox {
            let plan = try sandboxPlan(sandbox.kind, policy: policies.engine().policy, environment: environment, session: session)
            for note in plan.notes { Terminal.standardError.write("mcp-shield: \(note)\n") }
            proxy = StdioProxy(start: { try Sandbox.start(plan) }, afterExit: plan.cleanup, gate: gate, audit: queue)
        } else {
            proxy = StdioProxy(command: command, gate: gate, audit: queue)
        }
        let status: Int32
        do {
            status = try await proxy.run()
        } catch {
            throw CLIError("\(error)")
        }
        throw ExitCode(status)
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
