import Foundation
import Testing

/// `mcp-shield wrap` / `unwrap` on real files: backup, idempotence, restoration, refusal of
/// files it cannot edit safely.
@Suite(.serialized) struct WrapCLITests {
    static func scratch(_ text: String) throws -> String {
        let directory = NSTemporaryDirectory() + "mcp-shield-wrap-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/claude_desktop_config.json"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static let config = #"""
        {
          "mcpServers": {
            "time": {"command": "uvx", "args": ["mcp-server-time", "--local-timezone", "UTC"]},
            "github": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-github"], "env": {"GITHUB_TOKEN": "x"}},
            "remote": {"url": "https://mcp.example.com/mcp"}
          },
          "theme": "dark"
        }
        """#

    @Test func wrapBacksUpIsIdempotentAndUnwrapRestores() throws {
        let path = try Self.scratch(Self.config)
        let first = try CLI.run(["wrap", "--config", path, "--shield", "/opt/bin/mcp-shield", "--policy", "strict"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout == "time: wrapped\ngithub: wrapped\nremote: skipped (no command: a remote server cannot be proxied over stdio)\n")
        #expect(try String(contentsOfFile: path + ".mcp-shield.bak", encoding: .utf8) == Self.config)
        let wrapped = try String(contentsOfFile: path, encoding: .utf8)
        #expect(wrapped.contains(#""command": "/opt/bin/mcp-shield""#))
        #expect(wrapped.contains(#""proxy","#) && wrapped.contains(#""--server-name","#) && wrapped.contains(#""strict","#))
        #expect(wrapped.contains(#""GITHUB_TOKEN": "x""#) && wrapped.contains(#""theme": "dark""#))

        let second = try CLI.run(["wrap", "--config", path, "--shield", "/opt/bin/mcp-shield"])
        #expect(second.stdout.hasPrefix("time: already wrapped\ngithub: already wrapped\n"))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == wrapped)

        let unwrap = try CLI.run(["unwrap", "--config", path])
        #expect(unwrap.stdout.hasPrefix("time: unwrapped\ngithub: unwrapped\n"))
        let restored = try String(contentsOfFile: path, encoding: .utf8)
        #expect(restored.contains(#""command": "uvx""#) && restored.contains(#""--local-timezone","#))
        #expect(!restored.contains("mcp-shield"))
    }

    @Test func filesItCannotEditSafelyAreLeftAlone() throws {
        let jsonc = "{\n  // VS Code allows comments\n  \"servers\": {}\n}\n"
        let path = try Self.scratch(jsonc)
        let result = try CLI.run(["wrap", "--config", path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("is not strict JSON") && result.stderr.contains("nothing was changed"))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == jsonc)
        #expect(!FileManager.default.fileExists(atPath: path + ".mcp-shield.bak"))

        let other = try Self.scratch(#"{"editor": {"fontSize": 12}}"#)
        let notConfig = try CLI.run(["wrap", "--config", other])
        #expect(notConfig.status == 2)
        #expect(notConfig.stderr.contains("not an MCP client configuration"))
    }
}
