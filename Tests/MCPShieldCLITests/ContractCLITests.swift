import Foundation
import MCP
import SystemPackage
import Testing

/// Contract pinning end to end: the official MCP Swift SDK client, through `mcp-shield proxy`, to
/// the rug-pull demo server (built on the SDK's server side), with `mcp-shield approve` and
/// `mcp-shield scan` run as a user would.
@Suite(.serialized) struct ContractCLITests {
    static var demo: String { CLI.binary.deletingLastPathComponent().appendingPathComponent("mcp-shield-demo-server").path }

    /// The proxy in front of the rug-pull server, with the SDK client connected. The server's
    /// first `tools/list` is the proxy's own (it pins the tools as the client initializes), so by
    /// default the change comes at the third: after the client's first list.
    static func connect(database: String, change: String, changeAt: Int = 3) async throws -> SwiftSDKInteropTests.Connection {
        try await SwiftSDKInteropTests.Connection(
            kind: "rugpull", serverName: "rugpull", database: database,
            environment: ["MCP_SHIELD_DEMO_CHANGE": change, "MCP_SHIELD_DEMO_CHANGE_AT": String(changeAt)])
    }

    static func scratchDatabase() -> String {
        NSTemporaryDirectory() + "mcp-shield-contracts-\(UUID().uuidString)/audit.db"
    }

    @Test(arguments: [
        ("description", "$.description"), ("schema", "$.inputSchema.properties.note"), ("annotations", "$.annotations.destructiveHint"),
    ])
    func aChangedToolIsHeldUntilApproved(change: String, changedPath: String) async throws {
        let database = Self.scratchDatabase()
        let connection = try await Self.connect(database: database, change: change)
        // First list: pinned on first use, usable.
        let first = try await connection.client.listTools().tools.map(\.name)
        #expect(first == ["add", "report"])
        let sum = try await connection.call("add", ["a": 2, "b": 3])
        #expect(sum.text == "5" && !sum.isError)
        // Second list: the server changed `add`; the proxy holds it.
        let second = try await connection.client.listTools().tools.map(\.name)
        #expect(second == ["report"])
        let held = try await connection.call("add", ["a": 2, "b": 3])
        #expect(held.isError && held.text.contains("rule contract.changed"), "\(held.text)")

        // `approve` shows the change and approves it; the held tool comes back.
        let dryRun = try CLI.run(["approve", "rugpull", "--dry-run", "--db", database])
        #expect(dryRun.status == 0, "\(dryRun.stderr)")
        #expect(dryRun.stdout.contains("changed tool add") && dryRun.stdout.contains(changedPath), "\(dryRun.stdout)")
        let stillHeld = try await connection.call("add", ["a": 2, "b": 3])
        #expect(stillHeld.isError && stillHeld.text.contains("contract.changed"))
        let approve = try CLI.run(["approve", "rugpull", "add", "--db", database])
        #expect(approve.status == 0 && approve.stdout.contains("approved 1"), "\(approve.stdout)\(approve.stderr)")
        let third = try await connection.client.listTools().tools.map(\.name)
        #expect(third == ["add", "report"])
        let after = try await connection.call("add", ["a": 20, "b": 22])
        #expect(after.text == "42" && !after.isError, "\(after.text)")
        await connection.close()

        // The audit log tells the story: the hold, then the approval.
        let log = try CLI.run(["audit", "--db", database, "--limit", "50"])
        #expect(log.stdout.contains("contract.changed") && log.stdout.contains("contract.approved"), "\(log.stdout)")
        let pins = try CLI.run(["pins", "--json", "--db", database])
        #expect(pins.status == 0 && pins.stdout.contains("\"approved\"") && !pins.stdout.contains("\"changed\""), "\(pins.stdout)")
    }

    @Test func aToolPoisonedFromTheStartIsHeldAndAResultIsScanned() async throws {
        let database = Self.scratchDatabase()
        // The description is poisoned on the very first list: trust on first use does not trust it.
        let connection = try await Self.connect(database: database, change: "description", changeAt: 1)
        let tools = try await connection.client.listTools().tools.map(\.name)
        #expect(tools == ["report"])
        let held = try await connection.call("add", ["a": 1, "b": 1])
        #expect(held.isError && held.text.contains("rule poisoning."), "\(held.text)")
        // The report's credential is masked in place and its injected instruction wrapped.
        let report = try await connection.call("report", [:])
        #expect(!report.isError)
        #expect(report.text.contains("[REDACTED:github-token]") && !report.text.contains("ghp_"), "\(report.text)")
        #expect(report.text.contains("Build 412 passed") && report.text.contains("untrusted-tool-output"), "\(report.text)")
        await connection.close()
        let pins = try CLI.run(["pins", "rugpull", "--db", database])
        #expect(pins.stdout.contains("new") && pins.stdout.contains("finding poisoning."), "\(pins.stdout)")
    }

    @Test func argumentsAreValidatedAgainstTheToolsSchema() async throws {
        let database = Self.scratchDatabase()
        let connection = try await Self.connect(database: database, change: "none")
        _ = try await connection.client.listTools()
        let wrongType = try await connection.call("add", ["a": "two", "b": 3])
        #expect(wrongType.isError && wrongType.text.contains("rule schema.type") && wrongType.text.contains("$.a"), "\(wrongType.text)")
        let missing = try await connection.call("add", ["a": 2])
        #expect(missing.isError && missing.text.contains("rule schema.required"), "\(missing.text)")
        await connection.close()
    }

    @Test func scanReportsRiskFindingsAndPins() throws {
        let database = Self.scratchDatabase()
        // A clean server, never pinned: exit 0.
        let clean = try CLI.run(["scan", "--json", "--db", database, "--", Self.demo, "safe"])
        #expect(clean.status == 0, "\(clean.stdout)\(clean.stderr)")
        let cleanReport = try #require(try JSONSerialization.jsonObject(with: Data(clean.stdout.utf8)) as? [[String: Any]])
        #expect((cleanReport.first?["findings"] as? [Any])?.isEmpty == true)
        // A poisoned one, from a client config: exit 1, with the finding and where it is.
        let config = NSTemporaryDirectory() + "mcp-shield-scan-\(UUID().uuidString).json"
        let text = """
            {"mcpServers": {
              "time": {"command": "\(Self.demo)", "args": ["safe"]},
              "adder": {"command": "\(Self.demo)", "args": ["rugpull"], "env": {"MCP_SHIELD_DEMO_CHANGE_AT": "1"}},
              "remote": {"url": "https://example.com/mcp"}
            }}
            """
        try text.write(toFile: config, atomically: true, encoding: .utf8)
        let scan = try CLI.run(["scan", "--json", "--db", database, "--config", config])
        #expect(scan.status == 2, "a remote server cannot be scanned: \(scan.stdout)\(scan.stderr)")
        let reports = try #require(try JSONSerialization.jsonObject(with: Data(scan.stdout.utf8)) as? [[String: Any]])
        #expect(reports.map { $0["server"] as? String } == ["time", "adder", "remote"])
        let adder = reports[1]
        let findings = (adder["findings"] as? [[String: Any]]) ?? []
        #expect(findings.contains { ($0["rule"] as? String)?.hasPrefix("poisoning.") == true && $0["field"] as? String == "$.description" })
        #expect((adder["risk"] as? [String: Any])?["risk_level"] as? String == "HIGH")
        #expect(reports[2]["error"] != nil)
        // Human output names the finding too.
        let human = try CLI.run(["scan", "--db", database, "--", Self.demo, "rugpull"], environment: ["MCP_SHIELD_DEMO_CHANGE_AT": "1"])
        #expect(human.status == 1 && human.stdout.contains("poisoning"), "\(human.stdout)")
    }
}
