import ArgumentParser
import Foundation
import ShieldAudit
import ShieldCore

/// `mcp-shield inspect TOOL [--args JSON]`: decide one tool call and explain the decision.
struct Inspect: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Decide one tool call and explain the decision.",
        discussion: """
            Exit status: 0 ALLOW, 1 BLOCK, 2 usage, argument or policy error.

            Examples:
              mcp-shield inspect fetch --args '{"url": "http://169.254.169.254/latest/meta-data/"}'
              mcp-shield inspect read_file --args '{"path": "../../.ssh/id_rsa"}' --policy strict --json
            """
    )

    @Argument(help: "The tool name, as the client would send it.")
    var tool: String

    @Option(name: .long, help: ArgumentHelp("The tool's arguments as a JSON object.", valueName: "json"))
    var args: String = "{}"

    @OptionGroup var policyOptions: PolicyOptions

    @Flag(name: .long, help: "Print the decision as one JSON object.")
    var json = false

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Record the decision in this audit database (default: $MCP_SHIELD_DB, else $XDG_DATA_HOME/mcp-shield/audit.db).", valueName: "path"))
    var db: String?

    @Flag(name: .long, help: "Do not record the decision in the audit database.")
    var noAudit = false

    func validate() throws {
        if db != nil, noAudit { throw ValidationError("--db and --no-audit cannot be used together") }
    }

    func run() async throws {
        let policy = try policyOptions.resolvePolicy()
        let arguments: JSONValue
        do {
            arguments = try JSONParser.parse(args)
        } catch {
            throw CLIError("--args is not valid JSON: \(error)")
        }
        let engine = DecisionEngine(policy: policy, context: PolicyOptions.context())
        let call = ToolCall(name: tool, arguments: arguments)
        let start = ContinuousClock.now
        let decision = engine.evaluate(call)
        let elapsed = ContinuousClock.now - start
        if !noAudit {
            // Recorded before it is shown: a decision that cannot be audited is an error.
            let path = db ?? AuditLocation.defaultPath(environment: ProcessInfo.processInfo.environment)
            do {
                let store = try SQLiteAuditStore(path: path)
                let nanoseconds = elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000
                _ = try await store.append([
                    AuditEntry(
                        call: call, decision: decision, surface: .cli, server: policyOptions.server ?? "cli", policy: policy.name,
                        latencyNanoseconds: nanoseconds)
                ])
            } catch {
                throw CLIError("cannot record the decision in the audit database \(path): \(error) (use --no-audit to skip recording)")
            }
        }
        let out = Terminal.standardOutput
        if json {
            out.write(DecisionJSON.line(decision, extra: [("tool", tool), ("policy", policy.name), ("server", policyOptions.server)]))
        } else {
            let verdict = decision.isBlocked ? out.paint("BLOCK", .red) : out.paint("ALLOW", .green)
            var text = "\(out.paint(verdict, .bold))  \(tool)\n"
            if let rule = decision.rule { text += "  rule    \(out.paint(rule, .yellow))\n" }
            text += "  reason  \(decision.reason)\n"
            if let path = decision.path { text += "  path    \(path)\n" }
            text += "  policy  \(policy.name)\n"
            out.write(text)
        }
        try out.finish()
        if decision.isBlocked { throw ExitCode(1) }
    }
}
