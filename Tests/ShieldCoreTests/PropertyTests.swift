import Foundation
import Testing

@testable import ShieldCore

/// A small deterministic generator (SplitMix64), so failures reproduce from the seed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite struct PropertyTests {
    /// Fragments attackers and ordinary clients put in arguments, mixed at random.
    static let fragments = [
        "http://", "https://127.1/", "://", "[", "]", "::", "%2e%2e/", "../", "..\\", "~", "/etc/passwd", "\\\\srv\\share",
        "ghp_", "AKIA", "-----BEGIN ", "eyJ", "xoxb-", "sk-ant-", "\u{E0041}", "\u{202E}", "\u{200B}\u{200B}", "$(", "`",
        "| sh", "curl ", "rm -rf /", "\n", "\"", "\\u0000", "{", "}", "@", "#", "?", "%", "%25", "0x7f", "2130706433",
        "ｌｏｃａｌｈｏｓｔ", "。", "\u{1F3F4}", "é", "日本", " ", "a", "1", ".", "/", ":", "=", "\0",
    ]

    static func randomString(_ rng: inout SeededGenerator) -> String {
        var text = ""
        for _ in 0..<Int.random(in: 0...12, using: &rng) {
            text += fragments.randomElement(using: &rng)!
        }
        return text
    }

    static func randomValue(_ rng: inout SeededGenerator, depth: Int) -> JSONValue {
        switch Int.random(in: 0..<(depth > 6 ? 4 : 7), using: &rng) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &rng))
        case 2: return .number(String(Int.random(in: -1000...1000, using: &rng)))
        case 3: return .string(randomString(&rng))
        case 4:
            return .array((0..<Int.random(in: 0...4, using: &rng)).map { _ in randomValue(&rng, depth: depth + 1) })
        case 5:
            // A string holding JSON.
            return .string(randomValue(&rng, depth: depth + 1).jsonText)
        default:
            var members: [(key: String, value: JSONValue)] = []
            var keys = Set<String>()
            for _ in 0..<Int.random(in: 0...4, using: &rng) {
                let key =
                    Bool.random(using: &rng)
                    ? ["url", "path", "command", "host", "branch", "text", "file"].randomElement(using: &rng)! : randomString(&rng)
                if keys.insert(key).inserted { members.append((key, randomValue(&rng, depth: depth + 1))) }
            }
            return .object(members)
        }
    }

    @Test(arguments: [1, 2, 3, 4])
    func randomArgumentsAlwaysGetADecision(seed: UInt64) {
        var rng = SeededGenerator(state: seed)
        let tools = ["fetch", "bash", "read_file", "git_log", "run_terminal_cmd", "x"]
        for policy in ["default", "strict", "workspace", "allowlist"] {
            let engine = Fixtures.engines[policy]!
            for _ in 0..<500 {
                let arguments = JSONValue.object([("a", Self.randomValue(&rng, depth: 0)), ("b", Self.randomValue(&rng, depth: 0))])
                let decision = engine.evaluate(ToolCall(name: tools.randomElement(using: &rng)!, arguments: arguments))
                #expect(!decision.reason.isEmpty)
                #expect(decision.isBlocked == (decision.rule != nil))
            }
        }
    }

    @Test(arguments: [5, 6])
    func randomBytesNeverCrashTheParserAndParsedValuesRoundTrip(seed: UInt64) {
        var rng = SeededGenerator(state: seed)
        for _ in 0..<2000 {
            let text = Self.randomValue(&rng, depth: 0).jsonText
            var bytes = Array(text.utf8)
            // Corrupt some documents.
            if Bool.random(using: &rng), !bytes.isEmpty {
                bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
            let parsed = try? bytes.withUnsafeBytes { raw throws(JSONParseError) in try JSONParser.parse(bytes: raw) }
            if let parsed {
                #expect((try? JSONParser.parse(parsed.jsonText)) == parsed)
            }
        }
    }

    /// The walker skips the hidden-text scan for ASCII text and URL finding for ASCII text
    /// without a colon: both scanners must find nothing there.
    @Test func asciiTextHidesNothingAndAColonlessOneHoldsNoURL() {
        var rng = SeededGenerator(state: 0xA5C11)
        let ascii = (0..<128).map { UInt8($0) }
        for _ in 0..<20_000 {
            let bytes = (0..<Int.random(in: 0...80, using: &rng)).map { _ in ascii.randomElement(using: &rng)! }
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(HiddenTextScanner.firstHidden(in: text) == nil, "\(String(reflecting: text))")
            if !bytes.contains(UInt8(ascii: ":")) { #expect(URLFinder.ranges(in: text).isEmpty, "\(String(reflecting: text))") }
        }
        // Both scanners do report what they look for.
        #expect(HiddenTextScanner.firstHidden(in: "a\u{202E}b") != nil)
        #expect(!URLFinder.ranges(in: "see http://example.com").isEmpty)
    }

    /// The case-folding byte search against a plain reference, on text and needles drawn from a
    /// small alphabet so that near misses and overlapping candidates are common.
    @Test func caseFoldingSearchMatchesAReference() {
        var rng = SeededGenerator(state: 0xF01D)
        let alphabet = Array("aAbBsS iIcC:é".utf8)
        for _ in 0..<30_000 {
            let haystack = (0..<Int.random(in: 0...40, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }
            let needle = (0..<Int.random(in: 1...4, using: &rng)).map { _ in ByteSearch.lower(alphabet.randomElement(using: &rng)!) }
            let folded = haystack.map(ByteSearch.lower)
            let expected = folded.count >= needle.count && (0...(folded.count - needle.count)).contains { folded[$0...].starts(with: needle) }
            let found = haystack.withUnsafeBufferPointer { h in needle.withUnsafeBufferPointer { ByteSearch.search(h, $0, foldASCIICase: true) } }
            #expect(found == expected, "\(String(decoding: haystack, as: UTF8.self)) / \(String(decoding: needle, as: UTF8.self))")
        }
    }

    @Test func hundredThousandDeepNestingInsideAStringIsBlocked() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let decision = try Fixtures.decide("fetch", JSONValue.object([("data", .string(deep))]).jsonText)
        #expect(decision.rule == "args.too-deep")
        #expect(decision.path == "$.data")
    }

    @Test func deepButBoundedNestingIsWalked() throws {
        var value = JSONValue.string("http://169.254.169.254/")
        for _ in 0..<100 { value = .object([("k", value)]) }
        let decision = Fixtures.engines["default"]!.evaluate(ToolCall(name: "fetch", arguments: .object([("a", value)])))
        #expect(decision.rule == "ssrf.metadata")
        #expect(decision.path == "$.a" + String(repeating: ".k", count: 100))
    }

    @Test func sixteenMebibyteArgumentIsScannedToTheEnd() throws {
        var text = String(repeating: "The quick brown fox jumps over the lazy dog. ", count: (16 << 20) / 45)
        let benign = Fixtures.engines["default"]!.evaluate(ToolCall(name: "write_note", arguments: .object([("body", .string(text))])))
        #expect(benign.verdict == .allow)
        text += " token=ghp_R8mQ2vX7kL4nP9sT1wZ6yB3cF5hJ0dG8aE2u"
        let start = ContinuousClock.now
        let decision = Fixtures.engines["default"]!.evaluate(ToolCall(name: "write_note", arguments: .object([("body", .string(text))])))
        #expect(decision.rule == "secret.github-token")
        // A hang detector, not a benchmark (BENCHMARKS.md has the figures).
        #expect(ContinuousClock.now - start < .seconds(30))
    }

    @Test func evaluationBoundsBlockInsteadOfTruncating() throws {
        var limits = DecisionEngine.Limits()
        limits.maxNodes = 100
        let engine = DecisionEngine(policy: Fixtures.policies["default"]!, context: Fixtures.context, limits: limits)
        let many = JSONValue.array((0..<200).map { .number(String($0)) })
        #expect(engine.evaluate(ToolCall(name: "x", arguments: .object([("a", many)]))).rule == "args.too-many-nodes")
        limits = DecisionEngine.Limits()
        limits.maxScanBytes = 1000
        let large = DecisionEngine(policy: Fixtures.policies["default"]!, context: Fixtures.context, limits: limits)
        #expect(
            large.evaluate(ToolCall(name: "x", arguments: .object([("a", .string(String(repeating: "a", count: 2000)))]))).rule == "args.too-large")
        // Keys count against the budget too, plain words included: 101 keys of ten bytes each
        // go past 1,000 bytes (the last one read crosses it), and 90 stay within.
        func keys(_ count: Int) -> JSONValue { .object((0..<count).map { (String(format: "key%07d", $0), .bool(true)) }) }
        let byKeys = large.evaluate(ToolCall(name: "x", arguments: keys(101)))
        #expect(byKeys.rule == "args.too-large")
        #expect(byKeys.verdict == .block)
        #expect(large.evaluate(ToolCall(name: "x", arguments: keys(90))).verdict == .allow)
        var embedded = JSONValue.string("x")
        for _ in 0..<6 { embedded = .string(JSONValue.array([embedded]).jsonText) }
        #expect(Fixtures.engines["default"]!.evaluate(ToolCall(name: "x", arguments: .object([("a", embedded)]))).rule == "args.too-deep")
    }

    /// Shapes that were quadratic in an earlier version. Each must finish (the suite's run time
    /// is the hang detector) with a decision.
    @Test func pathologicalShapesStayLinear() throws {
        let engine = Fixtures.engines["default"]!
        let shapes: [(String, JSONValue)] = [
            ("notes", .object([("p", .array(Array(repeating: .number("1"), count: 50_000)))])),
            ("notes", .object((0..<20_000).map { ("k\($0)", JSONValue.number("1")) })),
            ("bash", .object([("command", .string(String(repeating: "a{", count: 60_000)))])),
            ("bash", .object([("command", .string(String(repeating: "x(){", count: 20_000)))])),
            ("bash", .object([("command", .string(String(repeating: "curl x;", count: 4000)))])),
            ("read_file", .object([("path", .string(String(repeating: "/a", count: 20_000)))])),
            ("notes", .object([("text", .string(String(repeating: "http:", count: 40_000)))])),
            ("notes", .object([("text", .string(String(repeating: "-eyJ", count: 40_000)))])),
            ("notes", .object([("text", .string((0..<20_000).map { "http://u@a\($0).com/ " }.joined()))])),
        ]
        for (tool, arguments) in shapes {
            let decision = engine.evaluate(ToolCall(name: tool, arguments: arguments))
            #expect(!decision.reason.isEmpty)
        }
        // The parser itself, on a large flat array and a large object.
        let array = "[" + Array(repeating: "1", count: 200_000).joined(separator: ",") + "]"
        #expect((try? JSONParser.parse(array)).map { if case .array(let a) = $0 { a.count } else { 0 } } == 200_000)
        let object = "{" + (0..<50_000).map { "\"k\($0)\":1" }.joined(separator: ",") + "}"
        #expect((try? JSONParser.parse(object)) != nil)
    }

    @Test func denyPatternsWithSeveralGlobstarsStayBounded() throws {
        let policy = try PolicyLoader.load(
            yaml: "allowed_tools: ['*']\nfilesystem:\n  deny_paths: [\"**/config/**/*.key\"]\n", name: "t", source: "t")
        let engine = DecisionEngine(policy: policy, context: Fixtures.context)
        let deep = "/" + Array(repeating: "config", count: 250).joined(separator: "/") + "/x.txt"
        #expect(engine.evaluate(ToolCall(name: "read_file", arguments: .object([("path", .string(deep))]))).verdict == .allow)
        let key = "/srv/config/a/b/server.key"
        #expect(engine.evaluate(ToolCall(name: "read_file", arguments: .object([("path", .string(key))]))).rule == "path.credential-file")
    }
}
