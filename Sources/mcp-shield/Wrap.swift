import ArgumentParser
import Foundation
import ShieldCore
import ShieldProxy

/// `mcp-shield wrap --config PATH`: route every stdio server of a client config through the proxy.
struct Wrap: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rewrite an MCP client config so every stdio server runs through mcp-shield proxy.",
        discussion: """
            Understands Claude Desktop (claude_desktop_config.json), Cursor (.cursor/mcp.json) and \
            VS Code (.vscode/mcp.json). Idempotent: wrapped servers are left alone. The first wrap \
            keeps the original file as PATH.mcp-shield.bak; `mcp-shield unwrap` restores the servers.
            """
    )

    @Option(name: .long, help: ArgumentHelp("The client configuration file.", valueName: "path"))
    var config: String

    @Option(name: .long, help: ArgumentHelp("Policy for every wrapped server (default: the server's binding, else default).", valueName: "name"))
    var policy: String?

    @Option(
        name: .long, help: ArgumentHelp("The mcp-shield command written into the config (default: this binary's absolute path).", valueName: "path"))
    var shield: String?

    func validate() throws {
        if let policy, !PolicyCatalog.isValidName(policy) { throw ValidationError("invalid policy name \(JSONValue.quoted(policy))") }
    }

    func run() throws {
        let original = try ConfigFile.read(config)
        let (rewritten, changes): (JSONValue, [ClientConfig.Change])
        do {
            (rewritten, changes) = try ClientConfig.wrap(original.value, shield: shield ?? ConfigFile.currentExecutable(), policy: policy)
        } catch {
            throw CLIError("\(config): \(error)")
        }
        if changes.contains(where: { $0.kind == .wrapped }) {
            try ConfigFile.backUp(config, original.bytes)
            try ConfigFile.write(config, rewritten)
        }
        ConfigFile.report(changes, config: config)
    }
}

/// `mcp-shield unwrap --config PATH`.
struct Unwrap: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Undo wrap: give every proxied server its own command line back.")

    @Option(name: .long, help: ArgumentHelp("The client configuration file.", valueName: "path"))
    var config: String

    func run() throws {
        let original = try ConfigFile.read(config)
        let (rewritten, changes): (JSONValue, [ClientConfig.Change])
        do {
            (rewritten, changes) = try ClientConfig.unwrap(original.value)
        } catch {
            throw CLIError("\(config): \(error)")
        }
        if changes.contains(where: { $0.kind == .unwrapped }) { try ConfigFile.write(config, rewritten) }
        ConfigFile.report(changes, config: config)
    }
}

enum ConfigFile {
    static func read(_ path: String) throws -> (bytes: Data, value: JSONValue) {
        guard let data = FileManager.default.contents(atPath: path) else { throw CLIError("cannot read \(path)") }
        do {
            return (data, try data.withUnsafeBytes { bytes throws(JSONParseError) in try JSONParser.parse(bytes: bytes) })
        } catch {
            throw CLIError("\(path) is not strict JSON (\(error)); comments and trailing commas are not supported, nothing was changed")
        }
    }

    /// Keeps the file as it was before the first wrap; a later wrap does not overwrite it.
    static func backUp(_ path: String, _ bytes: Data) throws {
        let backup = path + ".mcp-shield.bak"
        guard !FileManager.default.fileExists(atPath: backup) else { return }
        guard FileManager.default.createFile(atPath: backup, contents: bytes, attributes: [.posixPermissions: 0o600]) else {
            throw CLIError("cannot write the backup \(backup); nothing was changed")
        }
    }

    /// Replaces the file atomically (temporary file and rename), keeping its permissions.
    static func write(_ path: String, _ value: JSONValue) throws {
        let permissions = (try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? 0o600
        let temporary = path + ".mcp-shield.tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(value.prettyText.utf8), attributes: [.posixPermissions: permissions])
        else { throw CLIError("cannot write \(temporary); nothing was changed") }
        guard rename(temporary, path) == 0 else {
            unlink(temporary)
            throw CLIError("cannot replace \(path): \(String(cString: strerror(errno))); nothing was changed")
        }
    }

    static func report(_ changes: [ClientConfig.Change], config: String) {
        let out = Terminal.standardOutput
        for change in changes { out.write("\(Terminal.sanitize(change.description))\n") }
        if changes.isEmpty { out.write("\(config): no servers\n") }
        out.flush()
    }

    /// This binary's absolute path, so the client finds it whatever its PATH.
    static func currentExecutable() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? "mcp-shield"
    }
}
