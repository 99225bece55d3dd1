internal import Foundation
internal import Yams

/// The server → policy map of a policy directory's `bindings.yaml`.
///
/// ```yaml
/// servers:
///   github: strict
///   filesystem: workspace
/// ```
///
/// Every bound policy name must be a valid name; unknown keys are errors.
public struct PolicyBindings: Sendable {
    public var servers: [String: String]

    public static func load(file path: String) throws(PolicyError) -> PolicyBindings {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw PolicyError(source: path, message: "cannot read the bindings file")
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw PolicyError(source: path, message: "invalid YAML: \(error)")
        }
        guard let root else { return PolicyBindings(servers: [:]) }
        guard case .mapping(let top) = root else {
            throw PolicyError(source: path, line: root.mark?.line, message: "expected a mapping with the key \"servers\"")
        }
        var servers: [String: String] = [:]
        for (key, value) in top {
            guard key.string == "servers" else {
                throw PolicyError(
                    source: path, line: key.mark?.line, column: key.mark?.column, key: key.string, message: "unknown key (known keys: servers)")
            }
            guard case .mapping(let entries) = value else {
                throw PolicyError(source: path, line: value.mark?.line, key: "servers", message: "expected a mapping of server names to policy names")
            }
            for (server, policy) in entries {
                guard case .scalar(let serverName) = server, case .scalar(let policyName) = policy,
                    PolicyCatalog.isValidName(policyName.string)
                else {
                    throw PolicyError(
                        source: path, line: policy.mark?.line, column: policy.mark?.column, key: "servers.\(server.string ?? "?")",
                        message: "expected a policy name")
                }
                servers[serverName.string] = policyName.string
            }
        }
        return PolicyBindings(servers: servers)
    }
}
