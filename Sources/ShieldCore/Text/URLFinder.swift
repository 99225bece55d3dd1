internal import Foundation

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
    /// - Parameter quotesTerminate: whether `"` and `'` end a URL (prose, JSON-ish text). In a
    ///   shell word that was already unquoted they are literal characters of the URL.
    static func urls(in text: String, quotesTerminate: Bool = true) -> [Substring] {
        ranges(in: text, quotesTerminate: quotesTerminate).map { substring(text, $0) }
    }

    /// The URLs in `text` as ranges of UTF-8 byte offsets.
    static func ranges(in text: String, quotesTerminate: Bool = true) -> [Range<Int>] {
        text.withUTF8Bytes { bytes in
            var found: [Range<Int>] = []
            scan(bytes, quotesTerminate: quotesTerminate) { found.append($0..<$1) }
            return found
        }
    }

    /// The part of `text` at the UTF-8 byte offsets `range` (which start and end on characters).
    static func substring(_ text: String, _ range: Range<Int>) -> Substring {
        let utf8 = text.utf8
        let lower = utf8.index(utf8.startIndex, offsetBy: range.lowerBound)
        return text[lower..<utf8.index(lower, offsetBy: range.count)]
    }

    /// Calls `report` with the byte range of each URL in `bytes`.
    ///
    /// Besides `scheme://`, the forms WHATWG accepts for special schemes are found too:
    /// `http:\\\\host`, `http:/host` and even `http:host`. Tabs and newlines do not end a URL
    /// (WHATWG removes them, so `http://169.254.\t169.254/` reaches 169.254.169.254); when a URL
    /// spans one, the part before it is reported as well, as a reader that stops there sees it.
    ///
    /// Linear time: the end of a run of URL characters is found once for the whole run.
    static func scan(_ bytes: UnsafeBufferPointer<UInt8>, quotesTerminate: Bool = true, _ report: (Int, Int) -> Void) {
        // A local function, not a function value: the call is inlined into the byte loops.
        @inline(__always) func isTerminator(_ byte: UInt8) -> Bool {
            quotesTerminate ? Self.isTerminator(byte) : Self.isUnquotedTerminator(byte)
        }
        let count = bytes.count
        var i = 0
        var resumeAt = 0
        var runEnd = 0  // end of the run of non-terminators containing i, when i < runEnd
        var breakAt = 0  // the first tab or newline after i in that run (or runEnd), when i < breakAt
        while i + 1 < count {
            guard bytes[i] == UInt8(ascii: ":") else {
                // Jump to the next colon.
                guard let found = memchr(bytes.baseAddress! + i, Int32(UInt8(ascii: ":")), count - i) else { return }
                i = UnsafePointer<UInt8>(bytes.baseAddress!).distance(to: found.assumingMemoryBound(to: UInt8.self))
                continue
            }
            // Walk back over the scheme.
            var start = i
            while start > resumeAt, isSchemeByte(bytes[start - 1]) { start -= 1 }
            while start < i, !bytes[start].isASCIILetter { start += 1 }  // a scheme starts with a letter
            let next = bytes[i + 1]
            let isSlashed = i + 2 < count && next == UInt8(ascii: "/") && bytes[i + 2] == UInt8(ascii: "/")
            let isURL = start < i && (isSlashed || (isSpecialScheme(bytes, start, i) && !isTerminator(next) && !isLineBreak(next)))
            guard isURL else {
                i += 1
                continue
            }
            if runEnd <= i { (runEnd, breakAt) = run(bytes, from: i + 1, quotesTerminate: quotesTerminate) }
            if breakAt <= i {
                breakAt = i + 1
                while breakAt < runEnd, !isLineBreak(bytes[breakAt]) { breakAt += 1 }
            }
            let end = runEnd
            var hostStart = i + 1
            while hostStart < end, bytes[hostStart] == UInt8(ascii: "/") || bytes[hostStart] == UInt8(ascii: "\\") || isLineBreak(bytes[hostStart]) {
                hostStart += 1
            }
            if hostStart < end, bytes[hostStart] != UInt8(ascii: "?"), bytes[hostStart] != UInt8(ascii: "#") {
                report(start, end)
                // The reading that stops at the first tab or newline.
                let cut = min(breakAt, end)
                if cut < end, cut > hostStart { report(start, cut) }
            }
            // Resume right after the colon: a URL can hold another (`?next=http://…`).
            resumeAt = i + 1
            i += 1
        }
    }

    /// Where the run of URL bytes from `start` ends (the first terminator, or the end), and the
    /// first tab or line break in it (or the run's end): sixteen bytes at a time.
    static func run(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, quotesTerminate: Bool) -> (end: Int, firstBreak: Int) {
        guard let address = bytes.baseAddress else { return (start, start) }
        let base = UnsafeRawPointer(address)
        var offset = start
        var firstBreak = -1
        while offset < bytes.count {
            let x = ByteLanes.load(base, offset, count: bytes.count)
            let breaks = ByteLanes.lanes(x, equalTo: 0x09) | ByteLanes.lanes(x, equalTo: 0x0A) | ByteLanes.lanes(x, equalTo: 0x0D)
            // ASCII bytes outside `!`…`~` but tab and line breaks (controls, space, DEL); the
            // zero lanes past the end are among them.
            var ends = ~(ByteLanes.lanes(x, above: 0x20, below: 0x7F) | x | breaks) & 0x80
            ends |= ByteLanes.lanes(x, equalTo: UInt8(ascii: "<")) | ByteLanes.lanes(x, equalTo: UInt8(ascii: ">"))
            ends |= ByteLanes.lanes(x, equalTo: UInt8(ascii: "`"))
            if quotesTerminate { ends |= ByteLanes.lanes(x, equalTo: UInt8(ascii: "\"")) | ByteLanes.lanes(x, equalTo: UInt8(ascii: "'")) }
            let endBits = ByteLanes.bits(ends)
            var breakBits = ByteLanes.bits(breaks)
            if endBits != 0 {
                let end = offset + endBits.trailingZeroBitCount
                breakBits &= (1 << UInt64(endBits.trailingZeroBitCount)) - 1
                if firstBreak < 0, breakBits != 0 { firstBreak = offset + breakBits.trailingZeroBitCount }
                return (end, firstBreak < 0 ? end : firstBreak)
            }
            if firstBreak < 0, breakBits != 0 { firstBreak = offset + breakBits.trailingZeroBitCount }
            offset += 16
        }
        return (bytes.count, firstBreak < 0 ? bytes.count : firstBreak)
    }

    @inline(__always) static func isLineBreak(_ byte: UInt8) -> Bool {
        byte < 64 && (lineBreaks >> UInt64(byte)) & 1 != 0
    }

    /// Tab, line feed and carriage return, as bits of the bytes below 64.
    private static let lineBreaks: UInt64 = 1 << 0x09 | 1 << 0x0A | 1 << 0x0D

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

    /// Controls other than tab and line breaks, space, `"`, `'`, `<`, `>`, backtick and DEL.
    @inline(__always) static func isTerminator(_ byte: UInt8) -> Bool {
        byte < 64 ? (terminatorsBelow64 >> UInt64(byte)) & 1 != 0 : byte == UInt8(ascii: "`") || byte == 0x7F
    }

    /// ``isTerminator(_:)`` without the quotes.
    @inline(__always) static func isUnquotedTerminator(_ byte: UInt8) -> Bool {
        byte < 64 ? (unquotedTerminatorsBelow64 >> UInt64(byte)) & 1 != 0 : byte == UInt8(ascii: "`") || byte == 0x7F
    }

    /// The terminators below 64, one bit each: a shift and a test instead of a chain of compares.
    /// Bytes 0x00–0x20 but tab, LF and CR, then `<` and `>` (and for the quoted set `"` and
    /// `'`); a test checks both against that list.
    private static let unquotedTerminatorsBelow64: UInt64 = 0x5000_0001_FFFF_D9FF
    private static let terminatorsBelow64: UInt64 = 0x5000_0085_FFFF_D9FF
}
