import Testing

@testable import ShieldCore

@Suite struct JSONParserTests {
    @Test func parsesNestedDocument() throws {
        let value = try JSONParser.parse(#"{"a": [1, "two", null, true, {"b": -1.5e3}]}"#)
        #expect(value["a"] == .array([.number("1"), .string("two"), .null, .bool(true), .object([("b", .number("-1.5e3"))])]))
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        let value = try JSONParser.parse(#""a\"b\\c\/d\n\t\u0041\u00e9\ud83d\ude00""#)
        #expect(value == .string("a\"b\\c/d\n\tAé😀"))
    }

    @Test func encodesEscapesAndLineSeparators() throws {
        let text = "q\"b\\n\n r\r t\t c\u{01}\u{1F} del\u{7F} ls\u{2028} ps\u{2029} e\u{2026} é😀"
        let encoded = JSONValue.string(text).jsonText
        #expect(encoded == #""q\"b\\n\n r\r t\t c\u0001\u001f del\u007f ls\u2028 ps\u2029 e… é😀""#)
        #expect(try JSONParser.parse(encoded) == .string(text))
        #expect(JSONValue.quoted("plain") == #""plain""#)
    }

    /// Both encoders (to a String and to bytes) against one written scalar by scalar, on
    /// generated text full of characters that need an escape and of their near neighbours.
    @Test func quotingAgreesWithAnEncoderWrittenPerScalar() throws {
        func reference(_ text: String) -> String {
            var out = "\""
            for scalar in text.unicodeScalars {
                switch scalar.value {
                case 0x22: out += "\\\""
                case 0x5C: out += "\\\\"
                case 0x0A: out += "\\n"
                case 0x0D: out += "\\r"
                case 0x09: out += "\\t"
                case 0..<0x20, 0x7F, 0x85, 0x2028, 0x2029:
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                default: out.unicodeScalars.append(scalar)
                }
            }
            return out + "\""
        }
        let pieces = [
            "a", "\"", "\\", "\n", "\r", "\t", "\u{01}", "\u{1F}", "\u{7F}", "\u{80}", "\u{85}", "\u{A0}", "\u{2028}", "\u{2029}", "\u{2027}", "€",
            "é", "😀",
        ]
        var rng = SeededGenerator(state: 41)
        var escaped = 0
        for _ in 0..<20_000 {
            let text = FastLaneTests.randomText(pieces, maxPieces: 6, &rng)
            let expected = reference(text)
            if expected.utf8.count != text.utf8.count + 2 { escaped += 1 }
            #expect(JSONValue.quoted(text) == expected, "\(String(reflecting: text))")
            var bytes: [UInt8] = []
            JSONValue.writeQuoted(text, to: &bytes)
            #expect(String(decoding: bytes, as: UTF8.self) == expected, "\(String(reflecting: text))")
        }
        #expect(escaped > 10_000)
    }

    @Test func keepsMemberOrderAndNumberText() throws {
        let text = #"{"z":1,"a":1.50,"m":[1e400,-0]}"#
        #expect(try JSONParser.parse(text).jsonText == text)
    }

    @Test(arguments: [
        (#"{"name":"a","name":"b"}"#, "duplicate object key \"name\""),
        (#"{"a":{"x":1,"x":2}}"#, "duplicate object key \"x\""),
        (#""\ud800""#, "lone UTF-16 surrogate"),
        (#""\udc00x""#, "lone UTF-16 surrogate"),
        (#""\ud800\u0041""#, "lone UTF-16 surrogate"),
        ("\u{FEFF}{}", "byte-order mark"),
        ("{} {}", "data after the end"),
        ("[1,]", "unexpected ']'"),
        ("{\"a\" 1}", "unexpected '1'"),
        ("01", "invalid number"),
        ("1.", "invalid number"),
        ("-", "invalid number"),
        ("1e", "invalid number"),
        (".5", "unexpected '.'"),
        ("\"a\u{01}b\"", "unescaped control character"),
        (#""\x""#, "invalid escape"),
        ("tru", "unexpected end"),
        ("NaN", "unexpected 'N'"),
        ("", "unexpected end"),
        ("[", "unexpected end"),
    ])
    func refuses(_ input: String, _ message: String) {
        #expect {
            try JSONParser.parse(input)
        } throws: { error in
            "\(error)".contains(message)
        }
    }

    @Test(
        arguments: [
            [0x22, 0xC0, 0x80, 0x22],  // overlong NUL
            [0x22, 0xED, 0xA0, 0x80, 0x22],  // encoded surrogate
            [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22],  // above U+10FFFF
            [0x22, 0xE2, 0x82, 0x22],  // truncated sequence
            [0x22, 0xFF, 0x22],
        ] as [[UInt8]])
    func refusesInvalidUTF8(_ bytes: [UInt8]) {
        #expect {
            try bytes.withUnsafeBytes { raw throws(JSONParseError) in try JSONParser.parse(bytes: raw) }
        } throws: { error in
            (error as? JSONParseError)?.kind == .invalidUTF8
        }
    }

    @Test func refusesDeepNestingWithoutReadingItAll() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect {
            try JSONParser.parse(deep)
        } throws: { error in
            guard let error = error as? JSONParseError, case .tooDeep(128) = error.kind else { return false }
            return error.offset <= 130
        }
    }

    @Test func enforcesSizeAndNodeLimits() {
        #expect(throws: JSONParseError.self) { try JSONParser.parse("[1,2,3]", limits: .init(maxBytes: 6)) }
        #expect {
            try JSONParser.parse("[1,2,3,4]", limits: .init(maxNodes: 4))
        } throws: { error in
            (error as? JSONParseError)?.kind == .tooManyNodes(limit: 4)
        }
    }

    @Test func manyKeysStillDetectDuplicates() {
        let members = (0..<40).map { "\"k\($0)\":\($0)" }.joined(separator: ",")
        #expect(throws: JSONParseError.self) { try JSONParser.parse("{\(members),\"k7\":0}") }
        #expect((try? JSONParser.parse("{\(members)}")) != nil)
    }
}
