import ArgumentParser
import Foundation
import Logging
import ShieldAudit
import ShieldCore
import ShieldSandbox
import ShieldServer
import ShieldSystem

/// `mcp-shield serve`: the HTTP control plane and the live dashboard.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the HTTP API, metrics and the live dashboard.",
        discussion: """
            Listens on 127.0.0.1:8000 by default. Every decision made through POST /inspect is \
            recorded in the audit database before it is answered. A non-loopback --host needs a \
            token (--token or $MCP_SHIELD_TOKEN); with a token, open the dashboard once at \
            /dashboard?token=TOKEN.
            """
    )

    @Option(name: .long, help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(name: .long, help: "Port to listen on (0 picks a free port).")
    var port = 8000

    @Option(
        name: .long, help: ArgumentHelp("The audit database (default: $MCP_SHIELD_DB, else $XDG_DATA_HOME/mcp-shield/audit.db).", valueName: "path"))
    var db: String?

    @Option(name: .long, help: ArgumentHelp("Directory of policies and bindings.yaml (default: $MCP_SHIELD_POLICY_DIR).", valueName: "dir"))
    var policyDir: String?

    @Option(name: .long, help: ArgumentHelp("Bearer token protecting everything but /health (default: $MCP_SHIELD_TOKEN).", valueName: "token"))
    var token: String?

    @Option(name: .long, help: ArgumentHelp("Largest request body accepted, in bytes.", valueName: "bytes"))
    var maxBodyBytes = 1 << 20

    @Option(name: .long, help: ArgumentHelp("Prune audit records older than this many days (checked hourly).", valueName: "days"))
    var retainDays: Int?

    @Option(name: .long, help: ArgumentHelp("Keep at most this many audit records (checked hourly).", valueName: "count"))
    var maxRecords: Int?

    func validate() throws {
        if let retainDays, retainDays < 1 { throw ValidationError("--retain-days must be at least 1") }
        if let maxRecords, maxRecords < 1 { throw ValidationError("--max-records must be at least 1") }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let path = db ?? AuditLocation.defaultPath(environment: environment)
        let sandboxes = ServerConfiguration.SandboxSupport(
            registry: SandboxRegistry(besideDatabase: path), executable: try SandboxCommand.Launch.ownExecutable(), database: path,
            policyDirectory: policyDir ?? environment["MCP_SHIELD_POLICY_DIR"], environment: environment)
        let configuration = ServerConfiguration(
            host: host, port: port, token: token ?? environment["MCP_SHIELD_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }, maxBodyBytes: maxBodyBytes,
            sandboxes: sandboxes)
        do {
            try configuration.validate()
        } catch {
            throw CLIError(error.message)
        }
        let store: SQLiteAuditStore
        let pins: SQLiteContractStore
        do {
            store = try SQLiteAuditStore(path: path)
            pins = try SQLiteContractStore(sharing: store)
        } catch {
            throw CLIError("\(error)")
        }
        let catalog = PolicyCatalog(directory: policyDir ?? environment["MCP_SHIELD_POLICY_DIR"])
        let plane = ControlPlane(
            configuration: configuration, engines: PolicyEngines(catalog: catalog, context: .host()), store: store, contracts: pins)
        let retention = AuditRetention(days: retainDays, maxRecords: maxRecords)
        var configuredLogger = Logger(label: "mcp-shield")
        configuredLogger.logLevel = .warning
        let logger = configuredLogger
        let err = Terminal.standardError
        let host = host
        try await withThrowingTaskGroup(of: Void.self) { group in
            if retention.days != nil || retention.maxRecords != nil {
                group.addTask { try await Self.prune(store, retention) }
            }
            group.addTask {
                try await plane.run(logger: logger) { port in
                    let display = host.contains(":") ? "[\(host)]" : host
                    let base = "http://\(display):\(port)"
                    let login = configuration.token == nil ? "" : "?token=\(configuration.token!)"
                    err.write("mcp-shield serving on \(base)  (audit database: \(path))\n")
                    err.write("dashboard: \(base)/dashboard\(login)\n")
                    err.write("API reference: \(base)/docs\n")
                }
            }
            // The server ends on SIGINT/SIGTERM; retention stops with it.
            try await group.next()
            group.cancelAll()
        }
    }

    /// Prunes now and then every hour.
    static func prune(_ store: SQLiteAuditStore, _ retention: AuditRetention) async throws {
        while !Task.isCancelled {
            do {
                let pruned = try await store.prune(retention, nowMilliseconds: AuditClock.nowMilliseconds())
                if pruned > 0 { Terminal.standardError.write("audit: pruned \(pruned) records under retention\n") }
            } catch {
                Terminal.standardError.write("audit: retention failed: \(error)\n")
            }
            try await Task.sleep(for: .seconds(3600))
        }
    }
}
