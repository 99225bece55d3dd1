import ArgumentParser
import ShieldCore
import ShieldSystem

#if canImport(Glibc)
    import Glibc
#endif

/// `mcp-shield check`: decide a stream of tool calls, one JSON line in, one JSON line out.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Decide tool calls read as JSON Lines on standard input.",
        discussion: """
            Each input line is a tools/call params object: {"name": TOOL, "arguments": {...}} \
            ("tool" or "tool_name" are accepted for the name). Each output line, in input order, is \
            {"decision":"ALLOW"|"BLOCK","reason":…,"rule":…,"path":…}, or {"error":…} for a line \
            that is not valid JSON or not a params object; processing continues. Blank lines are skipped.

            Exit status: 0 when every line was decided (whatever the decisions), 2 for a policy \
            error or when any line was malformed.
            """
    )

    @OptionGroup var policyOptions: PolicyOptions

    /// The longest line accepted; longer lines get an error line.
    static let maxLineBytes = 32 << 20

    func run() throws {
        let policy = try policyOptions.resolvePolicy()
        let engine = DecisionEngine(policy: policy, context: PolicyOptions.context())
        let out = Terminal.standardOutput
        var malformed = false
        var reader = LineReader(descriptor: 0, maxLineBytes: Self.maxLineBytes)
        defer { reader.close() }
        while let line = reader.next() {
            switch line {
            case .tooLong(let length):
                malformed = true
                out.write(DecisionJSON.error("line exceeds \(Self.maxLineBytes) bytes (at least \(length))"))
            case .line(let bytes):
                if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
                switch Self.decide(bytes, engine: engine) {
                case .success(let decision): out.write(DecisionJSON.line(decision))
                case .failure(let message):
                    malformed = true
                    out.write(DecisionJSON.error(message.message))
                }
            }
        }
        try out.finish()
        if let error = reader.readError {
            throw CLIError("reading standard input failed (\(String(cString: strerror(error)))); the decisions above cover only what was read")
        }
        if malformed { throw ExitCode(2) }
    }

    struct LineError: Error { var message: String }

    static func decide(_ bytes: UnsafeRawBufferPointer, engine: DecisionEngine) -> Result<Decision, LineError> {
        var line = bytes
        if line.last == 0x0D { line = UnsafeRawBufferPointer(rebasing: line.dropLast()) }
        let parsed: JSONValue
        do {
            parsed = try JSONParser.parse(bytes: line)
        } catch {
            return .failure(LineError(message: "invalid JSON: \(error)"))
        }
        do {
            return .success(engine.evaluate(try ToolCall(params: parsed)))
        } catch {
            return .failure(LineError(message: "not a tools/call params object: \(error)"))
        }
    }
}
