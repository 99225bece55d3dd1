internal import Foundation

/// Substring search on UTF-8 bytes.
///
/// `String.contains(_:)` from the standard library searches by `Character` (grapheme clusters),
/// which is correct for user-facing text and far too slow for a proxy's hot path. These compare
/// code units: a match is a match of the exact UTF-8 encoding, which is what a literal pattern
/// means here.
enum ByteSearch {
    /// Whether `needle`'s bytes occur in `haystack`.
    static func contains(_ haystack: String, _ needle: String) -> Bool {
        contains(haystack, needle, foldASCIICase: false)
    }

    /// Whether `needle`'s bytes occur in `haystack`.
    static func contains(_ haystack: Substring, _ needle: String) -> Bool {
        guard needle.utf8.count <= haystack.utf8.count else { return false }
        return haystack.withUTF8Bytes { h in needle.withUTF8Bytes { n in search(h, n, foldASCIICase: false) } }
    }

    /// Whether `byte` occurs in `text` (memchr: vectorized, and stops at the first).
    static func contains(_ text: String, byte: UInt8) -> Bool {
        text.withUTF8Bytes { contains($0, byte: byte) }
    }

    /// Whether `byte` occurs in `bytes` (memchr).
    static func contains(_ bytes: UnsafeBufferPointer<UInt8>, byte: UInt8) -> Bool {
        guard let base = bytes.baseAddress else { return false }
        return memchr(base, Int32(byte), bytes.count) != nil
    }

    /// Whether `needle`'s bytes occur in `bytes`.
    static func contains(_ bytes: UnsafeBufferPointer<UInt8>, _ needle: StaticString) -> Bool {
        needle.withUTF8Buffer { search(bytes, $0, foldASCIICase: false) }
    }

    /// Whether `needle` occurs in `haystack`, ignoring ASCII case. `needle` must be lower-case.
    static func containsIgnoringASCIICase(_ haystack: String, lowercasedNeedle needle: String) -> Bool {
        contains(haystack, needle, foldASCIICase: true)
    }

    private static func contains(_ haystack: String, _ needle: String, foldASCIICase: Bool) -> Bool {
        guard needle.utf8.count <= haystack.utf8.count else { return false }
        return haystack.withUTF8Bytes { h in needle.withUTF8Bytes { n in search(h, n, foldASCIICase: foldASCIICase) } }
    }

    static func search(_ h: UnsafeBufferPointer<UInt8>, _ n: UnsafeBufferPointer<UInt8>, foldASCIICase: Bool) -> Bool {
        guard !n.isEmpty else { return true }
        guard n.count <= h.count else { return false }
        if !foldASCIICase {
            // memchr to each candidate first byte, memcmp for the rest: both vectorized by libc.
            let base = h.baseAddress!
            var offset = 0
            let last = h.count - n.count
            while offset <= last, let found = memchr(base + offset, Int32(n[0]), last - offset + 1) {
                let position = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(found))
                if memcmp(base + position, n.baseAddress!, n.count) == 0 { return true }
                offset = position + 1
            }
            return false
        }
        // Ignoring case: memchr to the next candidate of each case of the first byte (each found
        // again only once passed, so the search stays linear), then the rest compared folded.
        let base = h.baseAddress!
        let last = h.count - n.count
        let first = n[0]
        let upper = first &- UInt8(ascii: "a") < 26 ? first - 0x20 : first
        func next(_ byte: UInt8, from offset: Int) -> Int {
            guard offset <= last, let found = memchr(base + offset, Int32(byte), last - offset + 1) else { return Int.max }
            return UnsafeRawPointer(base).distance(to: UnsafeRawPointer(found))
        }
        var nextLower = next(first, from: 0)
        var nextUpper = upper == first ? Int.max : next(upper, from: 0)
        while true {
            let i = min(nextLower, nextUpper)
            guard i <= last else { return false }
            var k = 1
            while k < n.count, lower(h[i + k]) == n[k] { k += 1 }
            if k == n.count { return true }
            if i == nextLower { nextLower = next(first, from: i + 1) } else { nextUpper = next(upper, from: i + 1) }
        }
    }

    @inline(__always) static func lower(_ b: UInt8) -> UInt8 {
        b &- UInt8(ascii: "A") < 26 ? b | 0x20 : b
    }

    /// `text` lower-cased: a byte loop for ASCII, the Unicode mapping otherwise.
    static func lowercased(_ text: String) -> String {
        text.withUTF8Bytes { bytes in
            var hasUpper = false
            for byte in bytes {
                if byte >= 0x80 { return text.lowercased() }
                if byte &- UInt8(ascii: "A") < 26 { hasUpper = true }
            }
            guard hasUpper else { return text }
            return String(unsafeUninitializedCapacity: bytes.count) { out in
                for index in bytes.indices { out[index] = lower(bytes[index]) }
                return bytes.count
            }
        }
    }
}
