import ArgumentParser
import Foundation
import ShieldAudit
import ShieldCore
import ShieldProxy
import ShieldSystem

/// `mcp-shield scan -- COMMAND` / `scan --config PATH`: what servers announce, judged before use.
struct Scan: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Start MCP servers, read their tools, prompts and resources, and report risk, poisoning and pin status.",
        discussion: """
            Each server is started locally, initialized, asked for its lists, and stopped; nothing \
            is called and no data leaves the machine. The report gives each server's risk \
            (from full tool definitions), every poisoning finding with where it is, and how its \
            contracts compare with the pins the proxy recorded (read only: scan pins nothing). \
            Exit status: 0 nothing found; 1 poisoning findings, or contracts that differ from \
            their pins; 2 a server could not be scanned.
            """
    )

    @Option(name: .long, help: ArgumentHelp("Scan every server in a Claude Desktop, Cursor or VS Code configuration.", valueName: "path"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("The server's name in the report and the pins (default: the command's name).", valueName: "name"))
    var serverName: String?

    @Option(name: .long, help: ArgumentHelp("Seconds each server has to answer.", valueName: "seconds"))
    var timeout = 30

    @Flag(name: .long, help: "Print the report as JSON (for CI).")
    var json = false

    @Option(
        name: .long,
        help: ArgumentHelp("The audit database holding pins (default: $MCP_SHIELD_DB, else $XDG_DATA_HOME/mcp-shield/audit.db).", valueName: "path"))
    var db: String?

    @Argument(parsing: .postTerminator, help: "A server's command line, after --.")
    var command: [String] = []

    func validate() throws {
        if config == nil, command.isEmpty { throw ValidationError("give a server's command after --, or --config PATH") }
        if config != nil, !command.isEmpty { throw ValidationError("give either --config or a command, not both") }
        if config != nil, serverName != nil { throw ValidationError("--server-name names the server of a command; a config names its own") }
        guard (1...3600).contains(timeout) else { throw ValidationError("--timeout must be 1...3600 seconds") }
    }

    func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        let environment = ProcessInfo.processInfo.environment
        var servers: [ClientConfig.Server] = []
        if let config {
            let text: String
            do { text = try String(contentsOfFile: config, encoding: .utf8) } catch {
                throw CLIError("cannot read \(config): \(error.localizedDescription)")
            }
            do {
                servers = try ClientConfig.servers(in: try JSONParser.parse(text))
            } catch {
                throw CLIError("\(config): \(error)")
            }
        } else {
            servers = [
                ClientConfig.Server(name: serverName ?? (command[0] as NSString).lastPathComponent, command: command, url: nil, environment: [:])
            ]
        }
        let path = db ?? AuditLocation.defaultPath(environment: environment)
        let pins: SQLiteContractStore? = FileManager.default.fileExists(atPath: path) ? try? SQLiteContractStore(path: path) : nil
        var reports: [ScanReport] = []
        for server in servers {
            reports.append(scan(server, environment: environment, pins: pins))
        }
        let out = Terminal.standardOutput
        if json {
            out.write(JSONValue.array(reports.map(\.json)).prettyText)
        } else {
            for report in reports { out.write(report.text(out)) }
        }
        try out.finish()
        let status = reports.map(\.exitStatus).max() ?? 0
        if status != 0 { throw ExitCode(status) }
    }

    func scan(_ server: ClientConfig.Server, environment: [String: String], pins: SQLiteContractStore?) -> ScanReport {
        var report = ScanReport(name: server.name)
        guard let command = server.command, !command.isEmpty else {
            report.error = "a remote server (\(server.url ?? "no command")): scan starts local servers only"
            return report
        }
        report.command = command
        let announcement: ScanSession.Announcement
        do {
            announcement = try ScanSession.announce(
                command: command, environment: environment.merging(server.environment) { _, configured in configured }, timeout: .seconds(timeout))
        } catch {
            report.error = error.description
            return report
        }
        let identity = ServerIdentity.stdio(
            name: server.name, command: command, executable: ChildProcess.resolve(command[0], searchPath: ChildProcess.searchPath))
        report.key = identity.key
        report.counts = [
            ("tools", announcement.tools.count), ("prompts", announcement.prompts.count), ("resources", announcement.resources.count),
            ("resource templates", announcement.resourceTemplates.count),
        ]
        let toolNames = Set(announcement.tools.compactMap { $0["name"]?.stringValue })
        var contracts: [Contract] = []
        var perTool: [String: [String]] = [:]
        for (kind, entries) in [
            (Contract.Kind.tool, announcement.tools), (.prompt, announcement.prompts), (.resource, announcement.resources),
            (.resourceTemplate, announcement.resourceTemplates),
        ] {
            guard let listing = kind.listing else { continue }
            for entry in entries {
                let name = entry[listing.nameKey]?.stringValue ?? "(unnamed)"
                contracts.append(Contract(kind: kind, name: name, definition: entry))
                let findings = PoisoningDetector.findings(in: entry, kind: kind, otherTools: toolNames.subtracting([name]))
                report.findings += findings.map { (kind, name, $0) }
                if kind == .tool, !findings.isEmpty { perTool[name] = findings.map(\.rule) }
            }
        }
        if let instructions = announcement.instructions {
            contracts.append(Contract(kind: .instructions, name: "instructions", definition: .string(instructions)))
            report.findings += PoisoningDetector.scan(text: instructions, field: "$.instructions", tool: nil, otherTools: toolNames).map {
                (.instructions, "instructions", $0)
            }
        }
        report.risk = RiskScorer.score(definitions: announcement.tools, findings: perTool)
        // Pin status, read only.
        if let pins, (try? pins.servers().contains { $0.key == identity.key }) == true {
            report.pinned = true
            for contract in contracts {
                let pin = try? pins.pin(serverKey: identity.key, kind: contract.kind, name: contract.name)
                let status: String
                if let approved = pin?.approved {
                    status = approved == contract.canonicalText ? "pinned" : "changed"
                } else {
                    status = "new"
                }
                report.pins.append((contract.kind, contract.name, status))
            }
        }
        return report
    }
}

/// One server's scan.
struct ScanReport {
    var name: String
    var command: [String] = []
    var key: String?
    var error: String?
    var counts: [(String, Int)] = []
    var risk: RiskScorer.Report?
    var findings: [(kind: Contract.Kind, name: String, finding: ContractFinding)] = []
    /// Whether the server has pins (else nothing is compared).
    var pinned = false
    var pins: [(kind: Contract.Kind, name: String, status: String)] = []

    var differing: [(kind: Contract.Kind, name: String, status: String)] { pins.filter { $0.status != "pinned" } }

    var exitStatus: Int32 {
        if error != nil { return 2 }
        return findings.isEmpty && differing.isEmpty ? 0 : 1
    }

    var json: JSONValue {
        var members: [(key: String, value: JSONValue)] = [("server", .string(name)), ("command", .array(command.map(JSONValue.string)))]
        if let key { members.append(("key", .string(key))) }
        if let error {
            members.append(("error", .string(error)))
            return .object(members)
        }
        members.append(("counts", .object(counts.map { ($0.0.replacingOccurrences(of: " ", with: "_"), .number(String($0.1))) })))
        if let risk { members.append(("risk", risk.json)) }
        members.append(
            (
                "findings",
                .array(
                    findings.map { item in
                        .object([
                            ("kind", .string(item.kind.rawValue)), ("name", .string(item.name)), ("rule", .string(item.finding.rule)),
                            ("category", .string(item.finding.category.rawValue)), ("field", .string(item.finding.field)),
                            ("excerpt", .string(item.finding.excerpt)), ("detail", .string(item.finding.detail)),
                        ])
                    })
            ))
        members.append(
            (
                "pins",
                pinned
                    ? .array(pins.map { .object([("kind", .string($0.kind.rawValue)), ("name", .string($0.name)), ("status", .string($0.status))]) })
                    : .null
            ))
        return .object(members)
    }

    func text(_ out: Terminal) -> String {
        var text = out.paint(Terminal.sanitize(name), .bold) + "  " + out.paint(Terminal.sanitize(command.joined(separator: " ")), .dim) + "\n"
        if let error {
            return text + "  " + out.paint("not scanned: \(Terminal.sanitize(error))", .red) + "\n"
        }
        text += "  " + counts.map { "\($0.1) \($0.0)" }.joined(separator: ", ") + (key.map { "  (key \($0))" } ?? "") + "\n"
        if let risk {
            let color: Terminal.Color = risk.level == .high ? .red : risk.level == .medium ? .yellow : .green
            text += "  risk " + out.paint("\(risk.level.rawValue) (score \(risk.score))", color) + "\n"
            for tool in risk.tools where tool.level != .low {
                text += "    \(Terminal.sanitize(tool.name)): \(tool.level.rawValue) — \(Terminal.sanitize(tool.reasons.joined(separator: "; ")))\n"
            }
        }
        if findings.isEmpty {
            text += "  poisoning: " + out.paint("none found", .green) + "\n"
        } else {
            text += "  poisoning: " + out.paint("\(findings.count) finding(s)", .red) + "\n"
            for item in findings {
                text += "    \(item.finding.rule)  \(item.kind.rawValue) \(Terminal.sanitize(item.name)) \(item.finding.field)\n"
                text += "      " + out.paint(Terminal.sanitize(item.finding.excerpt), .dim) + "\n"
            }
        }
        if !pinned {
            text += "  pins: " + out.paint("none yet (the proxy pins on first use)", .dim) + "\n"
        } else if differing.isEmpty {
            text += "  pins: " + out.paint("all \(pins.count) match", .green) + "\n"
        } else {
            text += "  pins: " + out.paint("\(differing.count) differ", .yellow) + "\n"
            for pin in differing { text += "    \(pin.status) \(pin.kind.rawValue) \(Terminal.sanitize(pin.name))\n" }
        }
        return text
    }
}
