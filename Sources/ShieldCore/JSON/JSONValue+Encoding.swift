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
        // Most strings need no escape: appended as they are, with no byte buffer.
        guard string.withUTF8Bytes({ $0.contains(where: mayNeedEscape) }) else {
            out += "\""
            out += string
            out += "\""
            return
        }
        var bytes: [UInt8] = []
        writeQuoted(string, to: &bytes)
        out += String(decoding: bytes, as: UTF8.self)
    }

    /// Bytes that may need an escape: control characters, `"`, `\`, DEL, and the lead bytes of
    /// U+0085 (C2) and U+2028/U+2029 (E2).
    @inline(__always)
    private static func mayNeedEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == 0x7F || byte == 0xE2 || byte == 0xC2
    }

    /// Appends `string` as a JSON string literal, in UTF-8. Control characters, `"`, `\`, DEL and
    /// U+2028/U+2029 (line terminators to JavaScript) are escaped; other text is copied as it is.
    static func writeQuoted(_ string: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        string.withUTF8Bytes { bytes in
            // Runs that need no escape are copied whole.
            var runStart = 0
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                guard mayNeedEscape(byte) else {
                    index += 1
                    continue
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                func next(_ offset: Int) -> UInt8? { index + offset < bytes.count ? bytes[index + offset] : nil }
                switch byte {
                case 0xC2 where next(1) == 0x85:
                    // U+0085 NEXT LINE is a line break to some readers.
                    out.append(contentsOf: "\\u0085".utf8)
                    index += 2
                case 0xE2 where next(1) == 0x80 && (next(2) == 0xA8 || next(2) == 0xA9):
                    out.append(contentsOf: (next(2) == 0xA8 ? "\\u2028" : "\\u2029").utf8)
                    index += 3
                case 0xC2, 0xE2:
                    // Another character: copied.
                    out.append(byte)
                    index += 1
                case UInt8(ascii: "\""):
                    out.append(contentsOf: "\\\"".utf8)
                    index += 1
                case UInt8(ascii: "\\"):
                    out.append(contentsOf: "\\\\".utf8)
                    index += 1
                case 0x0A:
                    out.append(contentsOf: "\\n".utf8)
                    index += 1
                case 0x0D:
                    out.append(contentsOf: "\\r".utf8)
                    index += 1
                case 0x09:
                    out.append(contentsOf: "\\t".utf8)
                    index += 1
                default:
                    let digits: StaticString = "0123456789abcdef"
                    out.append(contentsOf: "\\u00".utf8)
                    digits.withUTF8Buffer { hex in
                        out.append(hex[Int(byte >> 4)])
                        out.append(hex[Int(byte & 0x0F)])
                    }
                    index += 1
                }
                runStart = index
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<bytes.count]))
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
