import Foundation
import Testing

@testable import ShieldCore

@Suite struct PolicyLoaderTests {
    func load(_ yaml: String) throws(PolicyError) -> Policy {
        try PolicyLoader.load(yaml: yaml, name: "test", source: "test.yaml")
    }

    func error(_ yaml: String) -> PolicyError? {
        do {
            _ = try load(yaml)
            return nil
        } catch {
            return error
        }
    }

    @Test func originalFormatLoadsUnchanged() throws {
        let policy = try load(
            """
            allowed_tools: [safe_tool, get_time, list_files]
            blocked_tool_patterns: [exec, shell]
            blocked_arg_patterns: ["169.254.169.254", "../"]
            block_network: true
            block_env_access: false
            max_memory_mb: 256
            execution_timeout_seconds: 15
            """)
        #expect(policy.allowedTools == ["safe_tool", "get_time", "list_files"])
        #expect(policy.blockedToolPatterns == ["exec", "shell"])
        #expect(policy.blockedArgPatterns == ["169.254.169.254", "../"])
        #expect(policy.sandbox.blockNetwork && !policy.sandbox.blockEnvAccess)
        #expect(policy.sandbox.maxMemoryMB == 256 && policy.sandbox.executionTimeoutSeconds == 15)
    }

    @Test func bundledPoliciesLoad() throws {
        let catalog = PolicyCatalog()
        #expect(try catalog.load(name: "default").allowedTools == ["*"])
        let strict = try catalog.load(name: "strict")
        #expect(strict.egress.allowedSchemes == ["https"])
        #expect(strict.filesystem.roots == ["."])
        #expect(catalog.names == ["default", "strict"])
    }

    @Test func bundledPoliciesMatchTheFilesInTheRepository() throws {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("policies")
        for name in ["default", "strict"] {
            let file = try String(contentsOf: directory.appendingPathComponent("\(name).yaml"), encoding: .utf8)
            #expect(PolicyCatalog.bundled[name] == file)
        }
    }

    @Test func unknownKeyIsAnErrorWithLineAndSuggestion() {
        let error = error(
            """
            allowed_tools: ["*"]
            egress:
              allowed_schmes: [https]
            """)
        #expect(error?.line == 3)
        #expect(error?.key == "egress.allowed_schmes")
        #expect(error?.description.contains("did you mean \"allowed_schemes\"") == true)
    }

    @Test func unknownTopLevelKeyListsKnownKeys() {
        let error = error("allowed_tools: [a]\nzzz: 1\n")
        #expect(error?.key == "zzz")
        #expect(error?.message.contains("known keys") == true)
    }

    @Test(arguments: [
        ("allowed_tools: a", "allowed_tools", "expected a list of strings"),
        ("allowed_tools: [a, null]", "allowed_tools", "expected a string"),
        ("allowed_tools: ['']", "allowed_tools", "empty string"),
        ("allowed_tools: ['[abc']", "allowed_tools", "unclosed"),
        ("allowed_tools: [a]\nblock_network: yes", "block_network", "expected true or false"),
        ("allowed_tools: [a]\nmax_memory_mb: 0", "max_memory_mb", "out of range"),
        ("allowed_tools: [a]\nmax_memory_mb: lots", "max_memory_mb", "expected a whole number"),
        ("allowed_tools: [a]\negress: {allowed_schemes: ['1http']}", "egress.allowed_schemes", "not a URL scheme"),
        ("allowed_tools: [a]\negress: {allow_hosts: ['10.0.0.0/33']}", "egress.allow_hosts", "out of range"),
        ("allowed_tools: [a]\negress: {deny_hosts: ['a b']}", "egress.deny_hosts", "not a host name"),
        ("allowed_tools: [a]\nfilesystem: {roots: ['/tmp/*']}", "filesystem.roots", "not a pattern"),
        ("allowed_tools: [a]\ntools: {fetch: {arguments: {url: website}}}", "tools.fetch.arguments.url", "unknown argument kind"),
        ("allowed_tools: [a]\ntools: {fetch: {shel: true}}", "tools.fetch.shel", "did you mean \"shell\""),
        ("allowed_tools: [a]\nsecrets: {enabled: 1}", "secrets.enabled", "expected true or false"),
    ])
    func invalidValuesNameTheKey(_ yaml: String, _ key: String, _ message: String) throws {
        let found = try #require(error(yaml))
        #expect(found.key == key, "\(found)")
        #expect(found.message.contains(message), "\(found)")
        #expect(found.line != nil)
    }

    @Test func missingAllowedToolsIsAnError() {
        #expect(error("block_network: true")?.key == "allowed_tools")
    }

    @Test func syntaxErrorsAndDuplicatesHaveLines() {
        let syntax = error("allowed_tools: [a\nblock_network: true\n")
        #expect(syntax?.line != nil)
        #expect(syntax?.message.contains("invalid YAML") == true)
        let duplicate = error("allowed_tools: [a]\nallowed_tools: ['*']\n")
        #expect(duplicate?.message.contains("more than once") == true)
    }

    @Test func emptyAndNonMappingDocumentsAreErrors() {
        #expect(error("") != nil)
        #expect(error("- a\n- b\n")?.message.contains("expected a mapping") == true)
    }

    @Test func aliasExpansionIsBounded() {
        // A "billion laughs" document: each level repeats the previous one ten times. Lists of
        // lists are not lists of strings, so it fails either way — but it must fail fast, within
        // the node budget, rather than expand 10^7 nodes.
        var bomb = "allowed_tools: [a]\ndescription: &a0 x\n"
        for i in 1..<8 {
            bomb += "blocked_tool_patterns: &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        #expect(error(bomb) != nil)
    }

    @Test(arguments: ["../x", "/etc/passwd", "a b", "", "x.yaml", "..", "-x", String(repeating: "a", count: 65)])
    func policyNamesAreNames(_ name: String) {
        #expect(throws: PolicyError.self) { try PolicyCatalog().load(name: name) }
    }

    @Test func unknownPolicyListsTheAvailableOnes() {
        #expect {
            try PolicyCatalog().load(name: "nonexistent")
        } throws: { error in
            "\(error)".contains("available: default, strict")
        }
    }

    @Test func bindingsPinAServerToItsPolicy() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("shield-bindings-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "servers:\n  github: strict\n".write(to: directory.appendingPathComponent("bindings.yaml"), atomically: true, encoding: .utf8)
        try "allowed_tools: ['*']\n".write(to: directory.appendingPathComponent("open.yaml"), atomically: true, encoding: .utf8)
        let catalog = PolicyCatalog(directory: directory.path)
        #expect(try catalog.resolve(name: nil, file: nil, server: "github").name == "strict")
        #expect(try catalog.resolve(name: "strict", file: nil, server: "github").name == "strict")
        #expect(throws: PolicyError.self) { try catalog.resolve(name: "open", file: nil, server: "github") }
        #expect(throws: PolicyError.self) { try catalog.resolve(name: nil, file: "/tmp/x.yaml", server: "github") }
        #expect(try catalog.resolve(name: "open", file: nil, server: "other").name == "open")
        #expect(catalog.names == ["default", "open", "strict"])
    }

    @Test func policyFileErrorsNameTheFile() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("shield-\(UUID().uuidString).yaml")
        try "allowed_tools: [a]\nblockd_arg_patterns: []\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        #expect {
            try PolicyCatalog.load(file: file.path)
        } throws: { error in
            "\(error)".hasPrefix("\(file.path):2:")
        }
        #expect(throws: PolicyError.self) { try PolicyCatalog.load(file: "/nonexistent/policy.yaml") }
    }

    @Test func effectiveYAMLRoundTrips() throws {
        for name in ["default", "strict"] {
            let policy = try PolicyCatalog().load(name: name)
            var reloaded = try PolicyLoader.load(yaml: policy.effectiveYAML, name: name, source: "effective")
            reloaded.description = policy.description
            #expect(reloaded == policy)
        }
    }

    @Test func contractSectionsAndPolicySchemas() throws {
        let yaml = """
            allowed_tools: ['*']
            contracts:
              pinning: false
              poisoning: flag
              validate_results: false
            responses:
              injection: block
            tools:
              run_sql:
                input_schema:
                  type: object
                  properties:
                    query: {type: string, maxLength: 20, pattern: '^SELECT '}
                    limit: {type: integer, maximum: 100}
                  required: [query]
                  additionalProperties: false
            """
        let policy = try load(yaml)
        #expect(!policy.contracts.pinning && policy.contracts.poisoning == .flag && !policy.contracts.validateResults)
        #expect(policy.contracts.validateArguments && policy.responses.injection == .block && policy.responses.redactSecrets)
        var reloaded = try PolicyLoader.load(yaml: policy.effectiveYAML, name: policy.name, source: "effective")
        reloaded.description = policy.description
        #expect(reloaded == policy)
        // The policy's schema applies on every surface, through evaluate.
        let engine = DecisionEngine(policy: policy, context: Fixtures.context)
        func decide(_ arguments: String) throws -> Decision {
            engine.evaluate(ToolCall(name: "run_sql", arguments: try JSONParser.parse(arguments)))
        }
        #expect(try decide(#"{"query":"SELECT 1","limit":5}"#).verdict == .allow)
        let tooBig = try decide(#"{"query":"SELECT 1","limit":500}"#)
        #expect(tooBig.rule == "schema.range" && tooBig.path == "$.limit")
        #expect(try decide(#"{"query":"DROP TABLE x"}"#).rule == "schema.pattern")
        #expect(try decide(#"{"query":"SELECT 1","extra":1}"#).rule == "schema.additional-properties")
        #expect(engine.evaluate(ToolCall(name: "other", arguments: .object([("limit", .number("500"))]))).verdict == .allow)
    }

    @Test(arguments: [
        ("allowed_tools: ['*']\ncontracts:\n  pinnig: true\n", "did you mean \"pinning\""),
        ("allowed_tools: ['*']\ncontracts:\n  poisoning: warn\n", "expected flag or block"),
        ("allowed_tools: ['*']\nresponses:\n  injection: yes\n", "expected off or flag or wrap or block"),
        ("allowed_tools: ['*']\ntools:\n  x:\n    input_schema: {pattern: '(unclosed'}\n", "not a schema mcp-shield can enforce"),
        ("allowed_tools: ['*']\ntools:\n  x:\n    input_schema: {$ref: 'https://example.com/s.json'}\n", "not a schema mcp-shield can enforce"),
    ])
    func contractSettingErrorsAreClear(_ yaml: String, _ message: String) {
        let problem = error(yaml).map { "\($0)" }
        #expect(problem?.contains(message) == true, "\(problem ?? "no error")")
    }

    @Test(arguments: [
        "allowed_tools: ['*']\nblocked_tool_patterns: [!!binary ZXhlYw==]\n",
        "allowed_tools: ['*']\nblock_network: !!str false\n",
        "allowed_tools: ['*']\nblock_network: !custom false\n",
        "allowed_tools: ['*']\nmax_memory_mb: !!str 64\n",
        "allowed_tools: [!!timestamp 2001-12-14]\n",
    ])
    func yamlTagsThatChangeMeaningAreRefused(_ yaml: String) {
        #expect(error(yaml) != nil)
    }

    @Test func plainAndQuotedScalarsStillLoad() throws {
        let policy = try load("allowed_tools: [get_time, '123', 456, !!str fetch]\nblock_network: true\nmax_memory_mb: 64\n")
        #expect(policy.allowedTools == ["get_time", "123", "456", "fetch"])
    }

    @Test func literalDenyPathsCoverTheirSubtree() throws {
        let policy = try load("allowed_tools: ['*']\nfilesystem:\n  deny_paths: [\"/srv/secrets/\"]\n")
        let engine = DecisionEngine(policy: policy, context: Fixtures.context)
        for path in ["/srv/secrets", "/srv/secrets/db.key", "/srv/secrets/a/b/c"] {
            let decision = engine.evaluate(ToolCall(name: "read_file", arguments: .object([("path", .string(path))])))
            #expect(decision.rule == "path.credential-file", "\(path)")
        }
        #expect(engine.evaluate(ToolCall(name: "read_file", arguments: .object([("path", .string("/srv/public/x"))]))).verdict == .allow)
    }
}
