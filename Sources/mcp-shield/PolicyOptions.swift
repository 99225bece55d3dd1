import ArgumentParser
import Foundation
import ShieldCore
import ShieldSystem

/// `--policy NAME | --policy-file FILE`, `--policy-dir DIR` and `--server NAME`, shared by every
/// command that decides.
struct PolicyOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Policy name: a bundled policy or NAME.yaml in the policy directory.", valueName: "name"))
    var policy: String?

    @Option(name: .long, help: ArgumentHelp("Use this policy file instead of a named policy.", valueName: "file"))
    var policyFile: String?

    @Option(name: .long, help: ArgumentHelp("Directory of policies and bindings.yaml (default: $MCP_SHIELD_POLICY_DIR).", valueName: "dir"))
    var policyDir: String?

    @Option(name: .long, help: ArgumentHelp("The MCP server's name; a server bound to a policy is always evaluated under it.", valueName: "name"))
    var server: String?

    func validate() throws {
        if policy != nil, policyFile != nil {
            throw ValidationError("--policy and --policy-file cannot be used together")
        }
    }

    /// The policy to decide under, after bindings.
    func resolvePolicy() throws -> Policy {
        let directory = policyDir ?? ProcessInfo.processInfo.environment["MCP_SHIELD_POLICY_DIR"]
        do {
            return try PolicyCatalog(directory: directory).resolve(name: policy, file: policyFile, server: server)
        } catch {
            throw CLIError("policy: \(error)")
        }
    }

    /// The machine facts the decision core needs.
    static func context() -> EvaluationContext { .host() }
}

/// A user-facing error: printed as it is, exit status 2.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
