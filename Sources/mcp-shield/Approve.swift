import ArgumentParser
import Foundation
import ShieldAudit
import ShieldCore

/// `mcp-shield approve SERVER [NAME]`: accept what a server now announces, after reading the change.
struct Approve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Approve a server's new or changed tools, prompts, resources or instructions, showing what changed.",
        discussion: """
            The proxy pins every tool (name, title, description, schemas, annotations), prompt, \
            resource and the server's instructions on first use. One that is new or changed later \
            is hidden and its calls blocked until approved here. SERVER is the server's name, its \
            key (shown by `mcp-shield pins`) or a key prefix. Without NAME, everything the server \
            has waiting is approved. Approvals are recorded in the audit log.
            """
    )

    @Argument(help: "The server: its name, key or key prefix.")
    var server: String

    @Argument(help: "The tool (or prompt name, resource URI) to approve; default: everything waiting.")
    var name: String?

    @Option(name: .long, help: ArgumentHelp("Only this kind: tool, prompt, resource, resource-template, instructions.", valueName: "kind"))
    var kind: String?

    @Flag(name: .long, help: "Show what would be approved, and approve nothing.")
    var dryRun = false

    @OptionGroup var source: PinOptions

    func run() async throws {
        var kindFilter: Contract.Kind?
        if let kind {
            guard let parsed = Contract.Kind(rawValue: kind) else {
                throw CLIError("--kind: \"\(kind)\" is not one of \(Contract.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            kindFilter = parsed
        }
        let store = try source.open()
        let target = try Pins.resolve(server, in: store)
        let waiting = try store.pins(serverKey: target.key).filter {
            $0.status != .approved && (kindFilter == nil || $0.kind == kindFilter) && (name == nil || $0.name == name)
        }
        let out = Terminal.standardOutput
        guard !waiting.isEmpty else {
            out.write(
                "nothing waiting for approval from \(Terminal.sanitize(target.name)) (\(target.key))\(name.map { " named \(Terminal.sanitize($0))" } ?? "")\n"
            )
            try out.finish()
            if name != nil { throw ExitCode(1) }
            return
        }
        for pin in waiting { out.write(Pins.describe(pin, terminal: out)) }
        guard !dryRun else {
            out.write(out.paint("dry run: nothing approved\n", .dim))
            try out.finish()
            return
        }
        let now = AuditClock.nowMilliseconds()
        var approved: [ContractPin] = []
        for pin in waiting {
            do {
                approved += try store.approve(serverKey: target.key, kind: pin.kind, name: pin.name, nowMilliseconds: now)
            } catch {
                throw CLIError("\(error)")
            }
        }
        // Recorded: who approved what is part of the story the audit log tells.
        let entries = approved.map {
            AuditEntry.approval(of: $0, server: target, surface: .cli, session: "approve-\(getpid())", nowMilliseconds: now)
        }
        do {
            _ = try await SQLiteAuditStore(path: source.databasePath).append(entries)
        } catch {
            throw CLIError("approved, but the approval could not be recorded in the audit log: \(error)")
        }
        out.write(out.paint("approved \(approved.count) for \(Terminal.sanitize(target.name)) (\(target.key))", .green) + "\n")
        try out.finish()
    }
}

/// `mcp-shield pins [SERVER]`: the pinned servers and where their contracts stand.
struct Pins: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List pinned servers and their tools, prompts and resources: approved, new, changed or removed.")

    @Argument(help: "Only this server (name, key or key prefix); with it, changes are shown in full.")
    var server: String?

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    @OptionGroup var source: PinOptions

    func run() async throws {
        let store = try source.open()
        let servers = try server.map { [try Self.resolve($0, in: store)] } ?? store.servers()
        let out = Terminal.standardOutput
        var documents: [JSONValue] = []
        for entry in servers {
            let pinned = try store.pins(serverKey: entry.key)
            if json {
                documents.append(
                    .object([
                        ("key", .string(entry.key)), ("name", .string(entry.name)),
                        ("identity", (try? JSONParser.parse(entry.identity)) ?? .string(entry.identity)),
                        ("executable_sha256", entry.executableSHA256.map(JSONValue.string) ?? .null),
                        (
                            "pins",
                            .array(
                                pinned.map { pin in
                                    .object([
                                        ("kind", .string(pin.kind.rawValue)), ("name", .string(pin.name)),
                                        ("status", .string(pin.removedMilliseconds == nil ? pin.status.rawValue : "removed")),
                                        ("diff", .array(pin.diff.map(JSONValue.string))),
                                    ])
                                })
                        ),
                    ]))
                continue
            }
            let waiting = pinned.filter { $0.status != .approved }.count
            out.write(
                out.paint("\(Terminal.sanitize(entry.name))", .bold) + "  key \(entry.key)  \(pinned.count) pinned, "
                    + (waiting == 0 ? "none waiting" : out.paint("\(waiting) waiting for approval", .yellow)) + "\n")
            out.write("  " + out.paint(Terminal.sanitize(entry.identity), .dim) + "\n")
            for pin in pinned {
                let status = pin.removedMilliseconds == nil ? pin.status.rawValue : "removed"
                let color: Terminal.Color = status == "approved" ? .green : status == "removed" ? .dim : .yellow
                out.write(
                    "  \(out.paint(status.padding(toLength: 8, withPad: " ", startingAt: 0), color)) \(pin.kind.rawValue) \(Terminal.sanitize(pin.name))\n"
                )
                if server != nil, pin.status != .approved { out.write(Self.describe(pin, terminal: out, indent: "      ")) }
            }
        }
        if json { out.write(JSONValue.array(documents).prettyText) }
        try out.finish()
    }

    /// The one server `reference` names.
    static func resolve(_ reference: String, in store: any ContractStore) throws -> PinnedServer {
        let matches = try store.servers(matching: reference)
        guard let first = matches.first else { throw CLIError("no pinned server named \(reference) (see `mcp-shield pins`)") }
        guard matches.count == 1 else {
            let keys = matches.map { "\($0.key) \($0.identity)" }.joined(separator: "\n  ")
            throw CLIError("\(reference) names \(matches.count) servers; give the key:\n  \(keys)")
        }
        return first
    }

    /// A pin waiting for approval, with its change.
    static func describe(_ pin: ContractPin, terminal out: Terminal, indent: String = "  ") -> String {
        let heading = pin.status == .new ? "new" : "changed"
        var text = "\(out.paint(heading, .yellow)) \(pin.kind.rawValue) \(Terminal.sanitize(pin.name))\n"
        for line in pin.diff {
            let color: Terminal.Color = line.hasPrefix("+") ? .green : line.hasPrefix("-") ? .red : .yellow
            text += indent + out.paint(Terminal.sanitize(line), color) + "\n"
        }
        if let definition = try? JSONParser.parse(pin.observed) {
            let findings =
                pin.kind == .tool
                ? PoisoningDetector.scan(tool: definition, otherTools: [])
                : definition.stringValue.map { PoisoningDetector.scan(text: $0, field: "$", tool: nil, otherTools: []) } ?? []
            for finding in findings {
                text += indent + out.paint("finding \(finding.rule) at \(finding.field): \(Terminal.sanitize(finding.excerpt))", .red) + "\n"
            }
        }
        return text
    }
}

/// `--db PATH` for the commands that read and approve pins.
struct PinOptions: ParsableArguments {
    @Option(
        name: .long, help: ArgumentHelp("The audit database (default: $MCP_SHIELD_DB, else $XDG_DATA_HOME/mcp-shield/audit.db).", valueName: "path"))
    var db: String?

    var databasePath: String { db ?? AuditLocation.defaultPath(environment: ProcessInfo.processInfo.environment) }

    /// The pins in the database, which must exist: pins are only ever made by a proxy.
    func open() throws -> SQLiteContractStore {
        let path = databasePath
        guard FileManager.default.fileExists(atPath: path) else { throw CLIError("no audit database at \(path): nothing has been pinned") }
        do { return try SQLiteContractStore(path: path) } catch { throw CLIError("\(error)") }
    }
}
