import ArgumentParser
import Foundation
import ShieldCore

/// `mcp-shield risk a,b,c` or `risk --definitions FILE`: score a server from its tool names or
/// its full tool definitions.
struct Risk: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score an MCP server's risk from its tool names or full tool definitions.",
        discussion: """
            Examples: mcp-shield risk get_time,read_file,run_terminal_cmd
                      mcp-shield risk --definitions tools.json   (a tools/list result, {"tools": [...]}, or an array of definitions; - reads standard input)
            Definitions are judged by name, description, parameters, schemas and annotations, and scanned for poisoning.
            """
    )

    @Argument(help: "Comma-separated tool names.")
    var tools: String?

    @Option(name: .long, help: ArgumentHelp("A JSON file of tool definitions (- for standard input).", valueName: "path"))
    var definitions: String?

    @Flag(name: .long, help: "Print the report as one JSON object.")
    var json = false

    func validate() throws {
        if (tools == nil) == (definitions == nil) { throw ValidationError("give tool names or --definitions FILE (one of them)") }
    }

    func run() throws {
        let report: RiskScorer.Report
        if let definitions {
            report = try Self.score(file: definitions)
        } else {
            let names = (tools ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard !names.isEmpty else { throw CLIError("no tool names given") }
            report = RiskScorer.score(names)
        }
        let out = Terminal.standardOutput
        if json {
            out.write(report.json.jsonText + "\n")
        } else {
            let color: Terminal.Color =
                switch report.level {
                case .high: .red
                case .medium: .yellow
                case .low: .green
                }
            var text = out.paint("\(report.level.rawValue) RISK (score \(report.score))", color) + "\n"
            func section(_ title: String, _ findings: [RiskScorer.Finding]) {
                text += "  \(title): " + (findings.isEmpty ? "none" : "") + "\n"
                for finding in findings { text += "    \(finding.tool) — \(finding.capability)\n" }
            }
            section("high-risk tools", report.high)
            if definitions != nil {
                for tool in report.tools where !tool.reasons.isEmpty {
                    text +=
                        "    " + out.paint("\(Terminal.sanitize(tool.name)): \(Terminal.sanitize(tool.reasons.joined(separator: "; ")))", .dim) + "\n"
                }
            }
            section("medium-risk tools", report.medium)
            text += "  " + out.paint(report.recommendation, .dim) + "\n"
            out.write(text)
        }
        try out.finish()
    }
}

extension Risk {
    /// Scores the definitions in `path` (or standard input for `-`), poisoning scan included.
    static func score(file path: String) throws -> RiskScorer.Report {
        let data: Data
        if path == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            guard let contents = FileManager.default.contents(atPath: path) else { throw CLIError("cannot read \(path)") }
            data = contents
        }
        let body: JSONValue
        do {
            body = try data.withUnsafeBytes { try JSONParser.parse(bytes: $0, limits: JSONParser.Limits(maxBytes: 64 << 20)) }
        } catch {
            throw CLIError("\(path): not JSON: \(error)")
        }
        // A tools/list response whole, or its result.
        let inner = body["result"] ?? body
        guard let definitions = RiskScorer.definitions(from: inner) else {
            throw CLIError("\(path): expected {\"tools\": [...]}, {\"tool_names\": [...]} or an array of tool definitions")
        }
        return RiskScorer.score(definitions: definitions, findings: RiskScorer.poisoningFindings(in: definitions))
    }
}
