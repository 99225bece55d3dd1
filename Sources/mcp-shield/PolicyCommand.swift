import ArgumentParser
import Foundation
import ShieldCore

/// `mcp-shield policy validate|show|list`.
struct PolicyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Validate, show and list policies.",
        subcommands: [Validate.self, Show.self, List.self]
    )

    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a policy file; print what is wrong with line, column and key.",
            discussion: "Exit status: 0 valid, 2 invalid or unreadable."
        )

        @Argument(help: "The policy file.")
        var file: String

        func run() throws {
            let policy: Policy
            do {
                policy = try PolicyCatalog.load(file: file)
            } catch {
                throw CLIError("\(error)")
            }
            let out = Terminal.standardOutput
            out.write(
                "\(file): \(out.paint("valid", .green)) (policy \"\(policy.name)\", \(policy.allowedTools.count) allowed tool pattern(s), \(policy.toolRules.count) tool rule(s))\n"
            )
            try out.finish()
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a policy with every default made explicit.")

        @Argument(help: "The policy name.")
        var name: String

        @Option(name: .long, help: ArgumentHelp("Directory of policies (default: $MCP_SHIELD_POLICY_DIR).", valueName: "dir"))
        var policyDir: String?

        func run() throws {
            let directory = policyDir ?? ProcessInfo.processInfo.environment["MCP_SHIELD_POLICY_DIR"]
            do {
                let policy = try PolicyCatalog(directory: directory).load(name: name)
                Terminal.standardOutput.write(policy.effectiveYAML)
                try Terminal.standardOutput.finish()
            } catch {
                throw CLIError("policy: \(error)")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the available policy names.")

        @Option(name: .long, help: ArgumentHelp("Directory of policies (default: $MCP_SHIELD_POLICY_DIR).", valueName: "dir"))
        var policyDir: String?

        func run() throws {
            let directory = policyDir ?? ProcessInfo.processInfo.environment["MCP_SHIELD_POLICY_DIR"]
            Terminal.standardOutput.write(PolicyCatalog(directory: directory).names.joined(separator: "\n") + "\n")
            try Terminal.standardOutput.finish()
        }
    }
}
