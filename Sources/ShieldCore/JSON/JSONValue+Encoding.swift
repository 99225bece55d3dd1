extension JSONValue {
    /// The value as compact JSON text; object members keep their order.
    ///
    /// Non-ASCII text is written as UTF-8, control characters and U+2028/U+2029 as `\u` escapes.
    public var jsonText: String {
        var out: [UInt8] = []
        out.reserveCapacity(128)
        write(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// The value as indented JSON text (two spaces, one member or element per line), for files
    /// people edit. Empty containers stay on one line.
    public var prettyText: String {
        var out: [UInt8] = []
        writePretty(to: &out, depth: 0)
        out.append(0x0A)
        return String(decoding: out, as: UTF8.self)
    }

    private func writePretty(to out: inout [UInt8], depth: Int) {
        func newline(_ depth: Int) {
            out.append(0x0A)
            out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * depth))
        }
        switch self {
        case .array(let elements) where !elements.isEmpty:
            out.append(UInt8(ascii: "["))
            for (i, element) in elements.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                newline(depth + 1)
                element.writePretty(to: &out, depth: depth + 1)
            }
            newline(depth)
            out.append(UInt8(ascii: "]"))
        case .object(let members) where !members.isEmpty:
            out.append(UInt8(ascii: "{"))
            for (i, member) in members.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                newline(depth + 1)
                Self.writeQuoted(member.key, to: &out)
                out.append(contentsOf: ": ".utf8)
                member.value.writePretty(to: &out, depth: depth + 1)
            }
            newline(depth)
            out.append(UInt8(ascii: "}"))
        default:
            write(to: &out)
        }
    }

    /// Written as bytes: appending to a byte array is much cheaper than growing a `String` piece by
    /// piece, and the text is valid UTF-8 by construction (every string in a `JSONValue` is).
    private func write(to out: inout [UInt8]) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .number(let n): out.append(contentsOf: n.utf8)
        case .string(let s): Self.writeQuoted(s, to: &out)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (i, element) in elements.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                element.write(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (i, member) in members.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                Self.writeQuoted(member.key, to: &out)
                out.append(UInt8(ascii: ":"))
                member.value.write(to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// Appends `string` to `out` as a JSON string literal.
    public static func writeQuoted(_ string: String, to out: inout String) {
        var bytes: [UInt8] = []
        writeQuoted(string, to: &bytes)
        out += String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `string` as a JSON string literal, in UTF-8. Control characters, `"`, `\`, DEL and
    /// U+2028/U+2029 (line terminators to JavaScript) are escaped; other text is copied as it is.
    static func writeQuoted(_ string: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var utf8 = string.utf8[...]
        while !utf8.isEmpty {
            // Copy the longest run that needs no escape in one append.
            let run = utf8.prefix { $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") && $0 != 0x7F && $0 != 0xE2 && $0 != 0xC2 }
            out.append(contentsOf: run)
            utf8 = utf8[run.endIndex...]
            guard let byte = utf8.first else { break }
            if byte == 0xC2 {
                // U+0085 NEXT LINE (C2 85) is a line break to some readers; other C2 sequences are copied.
                if utf8.dropFirst().first == 0x85 {
                    out.append(contentsOf: "\\u0085".utf8)
                    utf8 = utf8.dropFirst(2)
                } else {
                    out.append(byte)
                    utf8 = utf8.dropFirst()
                }
                continue
            }
            if byte == 0xE2 {
                // U+2028 and U+2029 are E2 80 A8 and E2 80 A9; other E2 sequences are copied.
                let sequence = utf8.prefix(3)
                if sequence.elementsEqual([0xE2, 0x80, 0xA8]) || sequence.elementsEqual([0xE2, 0x80, 0xA9]) {
                    out.append(contentsOf: (sequence.last == 0xA8 ? "\\u2028" : "\\u2029").utf8)
                    utf8 = utf8.dropFirst(3)
                } else {
                    out.append(byte)
                    utf8 = utf8.dropFirst()
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: "\\\"".utf8)
            case UInt8(ascii: "\\"): out.append(contentsOf: "\\\\".utf8)
            case 0x0A: out.append(contentsOf: "\\n".utf8)
            case 0x0D: out.append(contentsOf: "\\r".utf8)
            case 0x09: out.append(contentsOf: "\\t".utf8)
            default:
                let digits = Array("0123456789abcdef".utf8)
                out.append(contentsOf: "\\u00".utf8)
                out.append(digits[Int(byte >> 4)])
                out.append(digits[Int(byte & 0x0F)])
            }
            utf8 = utf8.dropFirst()
        }
        out.append(UInt8(ascii: "\""))
    }

    /// `string` as a JSON string literal.
    public static func quoted(_ string: String) -> String {
        var out = ""
        writeQuoted(string, to: &out)
        return out
    }
}
