import ArgumentParser
import ShieldCore

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
        out.flush()
        if malformed { throw ExitCode(2) }
    }

    struct LineError: Error { var message: String }

    static func decide(_ bytes: ArraySlice<UInt8>, engine: DecisionEngine) -> Result<Decision, LineError> {
        var line = bytes
        if line.last == 0x0D { line = line.dropLast() }
        let parsed: JSONValue
        do {
            parsed = try line.withUnsafeBytes { raw throws(JSONParseError) in try JSONParser.parse(bytes: raw) }
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

/// Reads newline-terminated lines from a file descriptor in large chunks.
struct LineReader {
    enum Line {
        case line(ArraySlice<UInt8>)
        case tooLong(Int)
    }

    let descriptor: Int32
    let maxLineBytes: Int
    private var buffer: [UInt8] = []
    private var start = 0
    private var scanned = 0
    private var eof = false
    private var discarding = false
    private var discarded = 0

    init(descriptor: Int32, maxLineBytes: Int) {
        self.descriptor = descriptor
        self.maxLineBytes = maxLineBytes
        buffer.reserveCapacity(1 << 20)
    }

    mutating func next() -> Line? {
        while true {
            if let newline = buffer[scanned...].firstIndex(of: 0x0A) {
                defer {
                    start = newline + 1
                    scanned = start
                }
                if discarding {
                    discarding = false
                    let length = discarded + (newline - start)
                    discarded = 0
                    return .tooLong(length)
                }
                return .line(buffer[start..<newline])
            }
            scanned = buffer.count
            if buffer.count - start > maxLineBytes {
                discarding = true
                discarded += buffer.count - start
                buffer.removeAll(keepingCapacity: true)
                start = 0
                scanned = 0
            }
            if eof {
                guard start < buffer.count || discarding else { return nil }
                defer {
                    start = buffer.count
                    scanned = start
                    discarding = false
                }
                if discarding { return .tooLong(discarded + buffer.count - start) }
                return .line(buffer[start...])
            }
            // Compact, then read more.
            if start > 0 {
                buffer.removeFirst(start)
                scanned -= start
                start = 0
            }
            let chunk = 1 << 20
            let oldCount = buffer.count
            buffer.append(contentsOf: repeatElement(0, count: chunk))
            let n = buffer.withUnsafeMutableBytes { raw in
                read(descriptor, raw.baseAddress! + oldCount, chunk)
            }
            if n < 0, errno == EINTR {
                buffer.removeLast(chunk)
                continue
            }
            buffer.removeLast(chunk - max(n, 0))
            if n <= 0 { eof = true }
        }
    }
}
