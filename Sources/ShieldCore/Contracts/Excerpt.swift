/// A short, printable excerpt of text around a span: the span (cut when long) with about 40
/// characters of context on each side, invisible and control characters written as `\u{…}`
/// escapes (`\n` and `\t` as such), so a person sees what a model would read.
///
/// ```swift
/// Excerpt.make("abc\u{200B}\u{200B}def", 3..<9)  // "abc\u{200B}\u{200B}def"
/// ```
enum Excerpt {
    /// The excerpt of `text` around the UTF-8 byte range `range`.
    static func make(_ text: String, _ range: Range<Int>, context: Int = 40) -> String {
        var text = text
        return text.withUTF8 { make($0, range, context: context) }
    }

    /// The excerpt of `bytes` around `range`.
    static func make(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, context: Int = 40) -> String {
        let count = bytes.count
        var lower = max(0, min(range.lowerBound, count))
        var upper = max(lower, min(range.upperBound, count))
        lower = scalarStart(bytes, lower)
        upper = scalarStart(bytes, upper)
        // A long span keeps its beginning.
        var cut = false
        if upper - lower > 240 {
            upper = scalarStart(bytes, lower + 240)
            cut = true
        }
        var start = lower
        for _ in 0..<context where start > 0 {
            start = scalarStart(bytes, start - 1)
        }
        var end = cut ? upper : min(count, upper)
        if !cut {
            for _ in 0..<context where end < count {
                end = scalarEnd(bytes, end)
            }
        }
        var out = start > 0 ? "…" : ""
        out += printable(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self))
        if end < count { out += "…" }
        return out
    }

    /// `text` with invisible, format and control characters escaped.
    static func printable(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if isInvisible(scalar) {
                    out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    /// Whether `scalar` shows as nothing (or as something else): default-ignorable, format,
    /// control, separator, private-use and unassigned code points, and Hangul fillers.
    static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        let properties = scalar.properties
        switch properties.generalCategory {
        case .format, .control, .lineSeparator, .paragraphSeparator, .privateUse, .unassigned: return true
        default: return properties.isDefaultIgnorableCodePoint || scalar.value == 0x3164 || scalar.value == 0xFFA0
        }
    }

    /// The ASCII text hidden in Unicode Tag characters (U+E0020–E007E) in `bytes[range]`, or `""`.
    static func decodedTags(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        var out: [UInt8] = []
        var i = range.lowerBound
        while i + 4 <= range.upperBound, out.count < 200 {
            if bytes[i] == 0xF3, bytes[i + 1] == 0xA0 {
                let scalar =
                    UInt32(bytes[i] & 0x07) << 18 | UInt32(bytes[i + 1] & 0x3F) << 12 | UInt32(bytes[i + 2] & 0x3F) << 6 | UInt32(bytes[i + 3] & 0x3F)
                if scalar >= 0xE0020, scalar <= 0xE007E { out.append(UInt8(scalar - 0xE0000)) }
                i += 4
            } else {
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `i` moved back to the start of the UTF-8 sequence it is in.
    static func scalarStart(_ bytes: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int {
        var i = min(i, bytes.count)
        while i > 0, i < bytes.count, bytes[i] & 0xC0 == 0x80 { i -= 1 }
        return i
    }

    /// The end of the UTF-8 sequence starting at `i`.
    static func scalarEnd(_ bytes: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int {
        var i = i + 1
        while i < bytes.count, bytes[i] & 0xC0 == 0x80 { i += 1 }
        return i
    }
}
