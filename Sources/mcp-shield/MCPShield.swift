import ArgumentParser

/// The `mcp-shield` command: a thin shell over the decision core.
///
/// Exit status: 0 when a call is allowed (or a command succeeded), 1 when a call is blocked,
/// 2 for usage, input and policy errors.
@main
struct MCPShield: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp-shield",
        abstract: "A security runtime for MCP servers: every tool call passes one policy decision.",
        discussion: """
            Exit status: 0 ALLOW (or success), 1 BLOCK, 2 usage, input or policy error.
            Policies: the bundled `default` and `strict`, or NAME.yaml in --policy-dir \
            (or $MCP_SHIELD_POLICY_DIR); --policy-file FILE uses a file directly.
            """,
        version: "0.1.0",
        subcommands: [
            Inspect.self, Check.self, Risk.self, PolicyCommand.self, Serve.self, AuditCommand.self, Stats.self, Proxy.self, SandboxCommand.self,
            Connect.self, Wrap.self, Unwrap.self, Approve.self, Pins.self, Scan.self, Demo.self,
        ]
    )

    /// Runs the command line, mapping every failure that is not a decision to exit status 2.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let exit as ExitCode {
            Self.exit(withError: exit)
        } catch {
            if Self.exitCode(for: error) == .success {
                Self.exit(withError: error)  // --help, --version
            }
            Terminal.standardError.write("error: " + Self.message(for: error) + "\n")
            if Self.fullMessage(for: error).contains("Usage:") {
                Terminal.standardError.write(Self.helpMessage(for: Self.self).split(separator: "\n").prefix(3).joined(separator: "\n") + "\n")
            }
            Self.exit(withError: ExitCode(2))
        }
    }
}
