import ArgumentParser
import Foundation
import ShieldAudit
import ShieldCore

/// `--db PATH`, or `--url URL [--token T]` for commands that can read a running server.
struct AuditOptions: ParsableArguments {
    @Option(
        name: .long, help: ArgumentHelp("The audit database (default: $MCP_SHIELD_DB, else $XDG_DATA_HOME/mcp-shield/audit.db).", valueName: "path"))
    var db: String?

    @Option(name: .long, help: ArgumentHelp("Read from a running `mcp-shield serve` instead of the local database.", valueName: "url"))
    var url: String?

    @Option(name: .long, help: ArgumentHelp("Bearer token for --url (default: $MCP_SHIELD_TOKEN).", valueName: "token"))
    var token: String?

    func validate() throws {
        if db != nil, url != nil { throw ValidationError("--db and --url cannot be used together") }
        if token != nil, url == nil { throw ValidationError("--token needs --url") }
    }

    var databasePath: String {
        db ?? AuditLocation.defaultPath(environment: ProcessInfo.processInfo.environment)
    }

    /// Opens the local database for reading.
    func openReadOnly() throws -> SQLiteAuditStore {
        do {
            return try SQLiteAuditStore(path: databasePath, readOnly: true)
        } catch {
            throw CLIError("\(error)")
        }
    }

    /// The client for --url.
    func client() throws -> ControlPlaneClient? {
        guard let url else { return nil }
        return try ControlPlaneClient(base: url, token: token ?? ProcessInfo.processInfo.environment["MCP_SHIELD_TOKEN"])
    }
}
