import ArgumentParser
import Foundation
import ShieldCore

/// `mcp-shield risk a,b,c`: score a server from its tool names.
struct Risk: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score an MCP server's risk from its tool names.",
        discussion: "Example: mcp-shield risk get_time,read_file,run_terminal_cmd"
    )

    @Argument(help: "Comma-separated tool names.")
    var tools: String

    @Flag(name: .long, help: "Print the report as one JSON object.")
    var json = false

    func run() throws {
        let names = tools.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !names.isEmpty else { throw CLIError("no tool names given") }
        let report = RiskScorer.score(names)
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
            section("medium-risk tools", report.medium)
            text += "  " + out.paint(report.recommendation, .dim) + "\n"
            out.write(text)
        }
        try out.finish()
    }
}
