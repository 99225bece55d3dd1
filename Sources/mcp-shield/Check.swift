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

/// Reads newline-terminated lines from a file descriptor in large chunks.
///
/// Lines are returned as slices of an internal buffer, valid until the next call. A line longer
/// than `maxLineBytes` is skipped up to its newline without being kept in memory, and reported as
/// `.tooLong`.
struct LineReader {
    enum Line {
        case line(UnsafeRawBufferPointer)
        case tooLong(Int)
    }

    let descriptor: Int32
    let maxLineBytes: Int
    private var storage: UnsafeMutableRawPointer
    private var capacity: Int
    private var start = 0
    private var end = 0
    private var eof = false
    private var discarded: Int?
    /// The `errno` of a failed read; the stream ends there.
    private(set) var readError: Int32?

    init(descriptor: Int32, maxLineBytes: Int) {
        self.descriptor = descriptor
        self.maxLineBytes = maxLineBytes
        capacity = 1 << 20
        storage = .allocate(byteCount: capacity, alignment: 16)
    }

    /// Frees the buffer; the reader must not be used afterwards.
    func close() {
        storage.deallocate()
    }

    mutating func next() -> Line? {
        while true {
            if end > start, let found = memchr(storage + start, 0x0A, end - start) {
                let newline = storage.distance(to: found)
                defer { start = newline + 1 }
                if let skipped = discarded {
                    discarded = nil
                    return .tooLong(skipped + newline - start)
                }
                return .line(UnsafeRawBufferPointer(start: storage + start, count: newline - start))
            }
            if eof {
                guard start < end || discarded != nil else { return nil }
                defer {
                    start = end
                    discarded = nil
                }
                if let skipped = discarded { return .tooLong(skipped + end - start) }
                return .line(UnsafeRawBufferPointer(start: storage + start, count: end - start))
            }
            if end - start > maxLineBytes {
                // Too long: forget what we have and skip to the next newline.
                discarded = (discarded ?? 0) + end - start
                start = 0
                end = 0
            }
            // Make room: move the partial line to the front, grow if it fills the buffer.
            if start > 0 {
                (storage).copyMemory(from: storage + start, byteCount: end - start)
                end -= start
                start = 0
            }
            if end == capacity {
                let bigger = UnsafeMutableRawPointer.allocate(byteCount: capacity * 2, alignment: 16)
                bigger.copyMemory(from: storage, byteCount: end)
                storage.deallocate()
                storage = bigger
                capacity *= 2
            }
            let n = read(descriptor, storage + end, capacity - end)
            if n < 0 {
                if errno == EINTR { continue }
                readError = errno
                eof = true
            } else if n == 0 {
                eof = true
            } else {
                end += n
            }
        }
    }
}
