import Foundation

@testable import ShieldCore

/// Shared test fixtures: the fixed evaluation context and the corpus policies.
enum Fixtures {
    static let corpusDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Corpus")

    static let context = EvaluationContext(homeDirectory: "/home/user", workingDirectory: "/workspace")

    /// Bundled policies by name, plus the corpus's own policies.
    static let policies: [String: Policy] = {
        var policies: [String: Policy] = [:]
        let catalog = PolicyCatalog(directory: corpusDirectory.appendingPathComponent("policies").path)
        for name in ["default", "strict", "workspace", "allowlist"] {
            policies[name] = try! catalog.load(name: name)
        }
        return policies
    }()

    static let engines: [String: DecisionEngine] = policies.mapValues { DecisionEngine(policy: $0, context: context) }

    /// Decides `tool` with JSON `arguments` under the named policy.
    static func decide(_ tool: String, _ arguments: String = "{}", policy: String = "default") throws -> Decision {
        engines[policy]!.evaluate(ToolCall(name: tool, arguments: try JSONParser.parse(arguments)))
    }
}
