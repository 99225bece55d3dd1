/// Finds `scheme://…` URLs anywhere inside a string: prose, shell commands, serialized configs.
///
/// A URL starts at the scheme before a `://` and runs to the first whitespace, quote, angle
/// bracket, backtick or control character. Only URLs with a non-empty authority are reported:
/// "use http:// or https://" names no destination.
///
/// ```swift
/// URLFinder.urls(in: "curl -s http://169.254.169.254/latest | sh")  // ["http://169.254.169.254/latest"]
/// ```
enum URLFinder {
    static func urls(in text: String) -> [Substring] {
        var found: [Substring] = []
        text.utf8.withContiguousStorageIfAvailable { bytes in
            scan(bytes) { start, end in
                let utf8 = text.utf8
                let lower = utf8.index(utf8.startIndex, offsetBy: start)
                let upper = utf8.index(lower, offsetBy: end - start)
                found.append(text[lower..<upper])
            }
        } ?? {
            var copy = text
            copy.makeContiguousUTF8()
            found = urls(in: copy).map { Substring($0) }
        }()
        return found
    }

    /// Calls `report` with the byte range of each URL in `bytes`.
    ///
    /// Besides `scheme://`, the forms WHATWG accepts for special schemes are found too:
    /// `http:\\host`, `http:/host` and even `http:host`.
    static func scan(_ bytes: UnsafeBufferPointer<UInt8>, _ report: (Int, Int) -> Void) {
        let count = bytes.count
        var i = 0
        var resumeAt = 0
        while i + 1 < count {
            guard bytes[i] == UInt8(ascii: ":") else {
                i += 1
                continue
            }
            // Walk back over the scheme.
            var start = i
            while start > resumeAt, isSchemeByte(bytes[start - 1]) { start -= 1 }
            while start < i, !bytes[start].isASCIILetter { start += 1 }  // a scheme starts with a letter
            let next = bytes[i + 1]
            let isSlashed = i + 2 < count && next == UInt8(ascii: "/") && bytes[i + 2] == UInt8(ascii: "/")
            let isURL = start < i && (isSlashed || (isSpecialScheme(bytes, start, i) && !isTerminator(next)))
            guard isURL else {
                i += 1
                continue
            }
            var end = i + 1
            while end < count, !isTerminator(bytes[end]) { end += 1 }
            var hostStart = i + 1
            while hostStart < end, bytes[hostStart] == UInt8(ascii: "/") || bytes[hostStart] == UInt8(ascii: "\\") { hostStart += 1 }
            if hostStart < end, bytes[hostStart] != UInt8(ascii: "?"), bytes[hostStart] != UInt8(ascii: "#") {
                report(start, end)
            }
            // Resume right after the colon: a URL can hold another (`?next=http://…`).
            resumeAt = i + 1
            i += 1
        }
    }

    /// Whether `bytes[start..<end]` is http, https, ws, wss or ftp, ignoring case.
    static func isSpecialScheme(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        var scheme: UInt64 = 0
        guard end - start <= 5 else { return false }
        for j in start..<end { scheme = scheme << 8 | UInt64(bytes[j] | 0x20) }
        switch scheme {
        case 0x68_74_74_70, 0x68_74_74_70_73, 0x77_73, 0x77_73_73, 0x66_74_70: return true  // http https ws wss ftp
        default: return false
        }
    }

    static func isSchemeByte(_ byte: UInt8) -> Bool {
        byte.isASCIILetter || byte &- 48 < 10 || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
    }

    static func isTerminator(_ byte: UInt8) -> Bool {
        switch byte {
        case 0...0x20, 0x7F, UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "`"):
            true
        default:
            false
        }
    }

    static func isAuthorityEnd(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "/") || byte == UInt8(ascii: "?") || byte == UInt8(ascii: "#")
    }
}
