import Testing

@testable import ShieldCore

@Suite struct RiskScorerTests {
    static func tool(_ json: String) throws -> JSONValue { try JSONParser.parse(json) }

    // MARK: Names

    @Test func namesScoreAsBefore() {
        let mixed = RiskScorer.score(["get_time", "Bash", "http_request"])
        #expect(mixed.level == .high)
        #expect(mixed.score == 72)
        #expect(mixed.high == [RiskScorer.Finding(tool: "Bash", capability: "executes commands")])
        #expect(mixed.medium == [RiskScorer.Finding(tool: "http_request", capability: "fetches from the network")])

        let low = RiskScorer.score(["get_time", "list_timezones"])
        #expect(low.level == .low)
        #expect(low.score == 10)
        #expect(low.high.isEmpty && low.medium.isEmpty)

        let repeated = RiskScorer.score(["run_shell", "get_time", "run_shell"])
        #expect(repeated.level == .high)
        #expect(repeated.high.map(\.tool) == ["run_shell", "run_shell"])

        #expect(RiskScorer.score(["runTerminalCmd"]).high.first?.capability == "executes commands")
        #expect(RiskScorer.score(["read_file"]).level == .medium)
    }

    @Test func namesFillTheBreakdown() {
        let report = RiskScorer.score(["get_time", "Bash", "http_request"])
        #expect(report.tools.map(\.name) == ["get_time", "Bash", "http_request"])
        #expect(report.tools.map(\.level) == [.low, .high, .medium])
        #expect(report.tools[0].reasons.isEmpty && report.tools[0].score == 10)
        #expect(report.tools[1].reasons == [#"name: "bash" (executes commands)"#])
        #expect(report.tools[2].reasons == [#"name: "http" (fetches from the network)"#])
    }

    @Test func bareStringDefinitionsScoreLikeNames() {
        #expect(RiskScorer.score(definitions: [.string("get_time"), .string("Bash")]) == RiskScorer.score(["get_time", "Bash"]))
    }

    // MARK: Contracts

    @Test func aCommandParameterMakesABenignNameHigh() throws {
        let helper = try Self.tool(#"{"name": "helper", "inputSchema": {"type": "object", "properties": {"command": {"type": "string"}}}}"#)
        let report = RiskScorer.score(definitions: [helper])
        #expect(report.level == .high)
        #expect(report.high == [RiskScorer.Finding(tool: "helper", capability: "executes commands")])
        #expect(report.tools.first?.reasons == ["parameter `command` (executes commands)"])
    }

    @Test func aWeatherToolIsLow() throws {
        let weather = try Self.tool(
            #"{"name": "get_weather", "description": "Get the current weather for a city.", "inputSchema": {"type": "object", "properties": {"city": {"type": "string", "description": "City name"}}, "required": ["city"]}}"#
        )
        let report = RiskScorer.score(definitions: [weather])
        #expect(report.level == .low)
        #expect(report.tools.first?.reasons == [])
    }

    @Test(arguments: [
        (#"{"token": {"type": "string"}}"#, "parameter `token` (accesses credentials)"),
        (#"{"api_key": {"type": "string"}}"#, "parameter `api_key` (accesses credentials)"),
        (#"{"endpoint": {"type": "string"}}"#, "parameter `endpoint` (fetches from the network)"),
        (#"{"target": {"type": "string", "format": "uri"}}"#, #"parameter `target` format "uri" (fetches from the network)"#),
        (#"{"op": {"type": "string", "enum": ["ls", "rm"]}}"#, #"parameter `op` enum "rm" (deletes data)"#),
        (#"{"path": {"type": "string", "description": "File to overwrite"}}"#, "parameter `path` (writes files)"),
        (#"{"path": {"type": "string", "description": "File to show"}}"#, "parameter `path` (reads the filesystem)"),
        (
            #"{"options": {"type": "object", "properties": {"cmd": {"type": "array", "items": {"type": "string"}}}}}"#,
            "parameter `cmd` (executes commands)"
        ),
    ])
    func schemaFactsGiveReasons(_ properties: String, _ reason: String) throws {
        let tool = try Self.tool(#"{"name": "helper", "inputSchema": {"type": "object", "properties": "# + properties + "}}")
        let report = RiskScorer.score(definitions: [tool])
        #expect(report.tools.first?.reasons.contains(reason) == true, "\(report.tools)")
    }

    @Test func paginationAndModelTokensAreNotCredentials() throws {
        let tool = try Self.tool(
            #"{"name": "list_items", "inputSchema": {"properties": {"page_token": {"type": "string"}, "max_tokens": {"type": "integer"}}}}"#)
        #expect(RiskScorer.score(definitions: [tool]).level == .low)
    }

    @Test func descriptionVerbsCount() throws {
        let tool = try Self.tool(#"{"name": "cleanup", "description": "Permanently deletes old records."}"#)
        let report = RiskScorer.score(definitions: [tool])
        #expect(report.level == .high)
        #expect(report.tools.first?.reasons == [#"description: "deletes" (deletes data)"#])
    }

    @Test func descriptionsAreReadForTheirFirstFourKibibytesOnly() throws {
        let padding = String(repeating: "a ", count: 2100)
        let tool = JSONValue.object([("name", .string("notes")), ("description", .string(padding + "deletes everything"))])
        #expect(RiskScorer.score(definitions: [tool]).level == .low)
    }

    @Test func schemasAreReadToABoundedDepth() throws {
        var schema = JSONValue.object([("type", .string("object")), ("properties", .object([("command", .object([("type", .string("string"))]))]))])
        for _ in 0..<10 { schema = .object([("type", .string("object")), ("properties", .object([("inner", schema)]))]) }
        let tool = JSONValue.object([("name", .string("helper")), ("inputSchema", schema)])
        #expect(RiskScorer.score(definitions: [tool]).level == .low)
    }

    // MARK: Annotations

    @Test func destructiveHintRaises() throws {
        let plain = try Self.tool(#"{"name": "tidy"}"#)
        let destructive = try Self.tool(#"{"name": "tidy", "annotations": {"destructiveHint": true}}"#)
        #expect(RiskScorer.score(definitions: [plain]).level == .low)
        let report = RiskScorer.score(definitions: [destructive])
        #expect(report.level == .high)
        #expect(report.tools.first?.reasons == ["annotation destructiveHint"])
        #expect(report.high.first?.capability == "deletes data")
    }

    @Test func openWorldHintRaisesToMedium() throws {
        let tool = try Self.tool(#"{"name": "lookup", "annotations": {"openWorldHint": true}}"#)
        let report = RiskScorer.score(definitions: [tool])
        #expect(report.level == .medium)
        #expect(report.medium == [RiskScorer.Finding(tool: "lookup", capability: "reaches external systems")])
    }

    @Test func readOnlyHintCannotLowerACommandParameter() throws {
        let tool = try Self.tool(
            #"{"name": "helper", "inputSchema": {"properties": {"command": {"type": "string"}}}, "annotations": {"readOnlyHint": true, "destructiveHint": false}}"#
        )
        let report = RiskScorer.score(definitions: [tool])
        #expect(report.level == .high)
        #expect(report.tools.first?.reasons == ["parameter `command` (executes commands)"])
    }

    @Test func readOnlyHintLowersWritesInferredFromWordsOnly() throws {
        let named = try Self.tool(#"{"name": "write_note", "annotations": {"readOnlyHint": true}}"#)
        let lowered = RiskScorer.score(definitions: [named])
        #expect(lowered.level == .medium)
        #expect(lowered.tools.first?.reasons == [#"name: "write" (writes files), lowered by annotation readOnlyHint"#])

        let schema = try Self.tool(
            #"{"name": "write_note", "inputSchema": {"properties": {"path": {"type": "string", "description": "Where to write"}}}, "annotations": {"readOnlyHint": true}}"#
        )
        let kept = RiskScorer.score(definitions: [schema])
        #expect(kept.level == .high)
        #expect(kept.tools.first?.reasons == [#"name: "write" (writes files)"#, "parameter `path` (writes files)"])
    }

    @Test func onlyTrueHintsCount() throws {
        let tool = try Self.tool(#"{"name": "tidy", "annotations": {"destructiveHint": "true", "openWorldHint": false}}"#)
        #expect(RiskScorer.score(definitions: [tool]).level == .low)
    }

    // MARK: Poisoning

    @Test func findingsMakeAToolHighWithTheRule() throws {
        let weather = try Self.tool(#"{"name": "get_weather", "inputSchema": {"properties": {"city": {"type": "string"}}}}"#)
        let report = RiskScorer.score(
            definitions: [weather, .string("get_time")],
            findings: ["get_weather": ["poisoning.hidden-instructions", "poisoning.hidden-instructions"], "absent": ["poisoning.x"]])
        #expect(report.level == .high)
        #expect(report.high == [RiskScorer.Finding(tool: "get_weather", capability: "tool poisoning")])
        #expect(report.tools.first?.reasons == ["poisoning.hidden-instructions"])
        #expect(report.tools.map(\.name) == ["get_weather", "get_time"])
    }

    // MARK: Input and output

    @Test func definitionsFromAcceptedShapes() throws {
        let names = try JSONParser.parse(#"{"tool_names": ["get_time", "Bash"]}"#)
        #expect(RiskScorer.definitions(from: names) == [.string("get_time"), .string("Bash")])

        let listed = try JSONParser.parse(#"{"tools": [{"name": "helper", "inputSchema": {}}], "nextCursor": "2"}"#)
        #expect(RiskScorer.definitions(from: listed)?.map { $0["name"] } == [.string("helper")])

        let pages = try JSONParser.parse(#"[{"tools": [{"name": "a"}]}, {"tool_names": ["b"]}, "c", {"name": "d"}]"#)
        #expect(RiskScorer.definitions(from: pages)?.count == 4)
        #expect(RiskScorer.definitions(from: .array([])) == [])
    }

    @Test(arguments: [
        #"{"tool_names": "Bash"}"#, #"{"tool_names": [1]}"#, #"{"tools": [{"description": "no name"}]}"#, #"{"tools": ["Bash"]}"#,
        #"{"other": []}"#, #"[1]"#, #"[{"other": []}]"#, #""Bash""#, "null",
    ])
    func definitionsRejectOtherShapes(_ json: String) throws {
        #expect(RiskScorer.definitions(from: try JSONParser.parse(json)) == nil)
    }

    @Test func jsonKeepsTheOriginalKeysAndAddsTools() throws {
        let text = RiskScorer.score(["get_time", "Bash", "http_request"]).json.jsonText
        let expected =
            #"{"risk_level":"HIGH","risk_score":72,"high_risk_tools":["Bash"],"medium_risk_tools":["http_request"],"#
            + #""reasons":{"Bash":"executes commands","http_request":"fetches from the network"},"#
            + #""recommendation":"Do not run without the strict policy, and isolate the server (no network, no credentials).","#
            + #""tools":[{"name":"get_time","risk_level":"LOW","risk_score":10,"reasons":[]},"#
            + #"{"name":"Bash","risk_level":"HIGH","risk_score":80,"reasons":["name: \"bash\" (executes commands)"]},"#
            + #"{"name":"http_request","risk_level":"MEDIUM","risk_score":50,"reasons":["name: \"http\" (fetches from the network)"]}]}"#
        #expect(text == expected)
    }
}
