extension Policy {
    /// The policy with every default made explicit, as YAML the loader accepts.
    ///
    /// `mcp-shield policy show` prints this, so what a policy means is visible, not only what its
    /// file says.
    public var effectiveYAML: String {
        func list(_ values: [String]) -> String {
            "[" + values.map { JSONValue.quoted($0) }.joined(separator: ", ") + "]"
        }
        var lines = ["# effective policy \"\(name)\""]
        if let description { lines.append("description: \(JSONValue.quoted(description))") }
        lines += [
            "allowed_tools: \(list(allowedTools))",
            "blocked_tool_patterns: \(list(blockedToolPatterns))",
            "blocked_arg_patterns: \(list(blockedArgPatterns))",
            "block_network: \(sandbox.blockNetwork)",
            "block_env_access: \(sandbox.blockEnvAccess)",
            "max_memory_mb: \(sandbox.maxMemoryMB)",
            "execution_timeout_seconds: \(sandbox.executionTimeoutSeconds)",
            "egress:",
            "  allowed_schemes: \(list(egress.allowedSchemes))",
            "  deny_private_addresses: \(egress.denyPrivateAddresses)",
            "  allow_hosts: \(list(egress.allowHosts))",
            "  deny_hosts: \(list(egress.denyHosts))",
            "  allow_internal: \(list(egress.allowInternal))",
            "filesystem:",
            "  roots: \(list(filesystem.roots))",
            "  deny_paths: \(list(filesystem.denyPaths))",
            "  builtin_deny: \(filesystem.builtinDeny)",
            "secrets:",
            "  enabled: \(secretsEnabled)",
            "commands:",
            "  shell_tools: \(list(shellTools))",
            "server_requests:",
            "  sampling: \(serverRequests.sampling ? "allow" : "deny")",
            "  elicitation: \(serverRequests.elicitation ? "allow" : "deny")",
            "  roots: \(serverRequests.roots ? "allow" : "deny")",
            "  elicitation_secrets: \(serverRequests.elicitationSecrets ? "allow" : "deny")",
            "sandbox:",
            "  max_processes: \(sandbox.maxProcesses)",
            "  env_allow: \(list(sandbox.environmentAllow))",
            "  roots: \(sandbox.rootsWritable ? "read-write" : "read-only")",
            "  read_only_paths: \(list(sandbox.readOnlyPaths))",
            "  host_user: \(sandbox.hostUser)",
        ]
        if let image = sandbox.image { lines.append("  image: \(JSONValue.quoted(image))") }
        lines += [
            "contracts:",
            "  pinning: \(contracts.pinning)",
            "  poisoning: \(contracts.poisoning.rawValue)",
            "  validate_arguments: \(contracts.validateArguments)",
            "  validate_results: \(contracts.validateResults)",
            "responses:",
            "  redact_secrets: \(responses.redactSecrets)",
            "  injection: \(responses.injection.rawValue)",
        ]
        if toolRules.isEmpty {
            lines.append("tools: {}")
        } else {
            lines.append("tools:")
            for rule in toolRules {
                lines.append("  \(JSONValue.quoted(rule.toolPattern)):")
                if let shell = rule.shell { lines.append("    shell: \(shell)") }
                // JSON is YAML (flow style): the schema is written as its JSON text.
                if let schema = rule.inputSchema { lines.append("    input_schema: \(schema.jsonText)") }
                if !rule.arguments.isEmpty {
                    lines.append("    arguments:")
                    for (key, kind) in rule.arguments.sorted(by: { $0.key < $1.key }) {
                        lines.append("      \(JSONValue.quoted(key)): \(kind.rawValue)")
                    }
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
