/// Finds text a person cannot see but a model reads: Unicode Tags (U+E0000–E007F, "ASCII
/// smuggling"), bidirectional overrides and isolates (Trojan Source), zero-width runs and runs of
/// variation selectors used for steganography.
///
/// Legitimate uses pass: the three subdivision flags (🏴 + gbeng/gbsct/gbwls + U+E007F), a single
/// zero-width joiner inside an emoji sequence, zero-width non-joiners in Persian text, left-to-right
/// and right-to-left *marks* in mixed-direction text, one variation selector after a character.
///
/// Works on UTF-8 bytes: every character it looks for starts with 0xE1, 0xE2, 0xEF or 0xF3.
enum HiddenTextScanner {
    struct Match: Sendable, Hashable {
        var rule: String
        var description: String
    }

    static func firstHidden(in text: String) -> Match? {
        text.withUTF8Bytes { firstHidden(in: $0) }
    }

    static func firstHidden(in bytes: UnsafeBufferPointer<UInt8>) -> Match? {
        firstHiddenSpan(in: bytes)?.match
    }

    /// The first hidden text in `bytes` and where it is, in UTF-8 byte offsets: from the first
    /// invisible character of the run that gave it away to the end of that run of invisible
    /// characters.
    static func firstHiddenSpan(in bytes: UnsafeBufferPointer<UInt8>) -> (match: Match, range: Range<Int>)? {
        let count = bytes.count
        var runStart = 0
        var i = 0
        var invisibleRun = 0
        var invisibleTotal = 0
        var joinersAfterASCII = 0
        var selectorRun = 0
        var softHyphenRun = 0
        var previous: UInt32 = 0
        while i < count {
            // Runs of ASCII are the common case and can hide nothing: skip them, sixteen bytes
            // at a time.
            if bytes[i] < 0x80 {
                i = ByteLanes.firstNonASCII(in: bytes, from: i + 1)
                previous = UInt32(bytes[i - 1])
                invisibleRun = 0
                selectorRun = 0
                softHyphenRun = 0
                continue
            }
            let lead = bytes[i]
            let start = i
            let length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
            guard i + length <= count else { break }
            let scalar: UInt32
            switch length {
            case 1: scalar = UInt32(lead)
            case 2: scalar = UInt32(lead & 0x1F) << 6 | UInt32(bytes[i + 1] & 0x3F)
            default: scalar = decode(bytes, i, length)
            }
            i += length
            switch scalar {
            case 0xE0000...0xE007F:
                // Allowed only as one of the RGI subdivision flags: 🏴 + gbeng/gbsct/gbwls + CANCEL TAG.
                if previous == 0x1F3F4, let end = tagSequenceEnd(bytes, from: i - length) {
                    i = end
                    previous = 0xE007F
                    continue
                }
                return (
                    Match(
                        rule: "unicode.tag-characters",
                        description: "invisible Unicode Tag characters (U+E0000–E007F), used to smuggle hidden instructions"),
                    start..<Self.invisibleRunEnd(bytes, from: i)
                )
            case 0x202A...0x202E, 0x2066...0x2069:
                return (
                    Match(
                        rule: "unicode.bidi-override",
                        description:
                            "a bidirectional override or isolate (U+\(hex(scalar))), which makes text display differently from what is processed"
                    ),
                    start..<Self.invisibleRunEnd(bytes, from: i)
                )
            case 0x200B, 0x200C, 0x200D, 0x2060...0x2064, 0x206A...0x206F, 0xFEFF, 0x180E:
                if invisibleRun == 0 { runStart = start }
                invisibleRun += 1
                let isJoiner = scalar == 0x200C || scalar == 0x200D
                // A zero-width space separates words in Thai, Lao, Khmer and Myanmar text.
                let separatesWords = scalar == 0x200B && Self.isSpacelessScript(previous)
                if !isJoiner, !separatesWords { invisibleTotal += 1 }
                // Joiners belong between emoji or letters of joining scripts, not after ASCII.
                if isJoiner, previous < 0x80 { joinersAfterASCII += 1 }
                if invisibleRun >= 2 || invisibleTotal >= 4 || joinersAfterASCII >= 3 {
                    let from = invisibleRun >= 2 ? runStart : start
                    return (
                        Match(
                            rule: "unicode.zero-width",
                            description: "zero-width characters (U+\(hex(scalar)) among them), a known steganography channel"),
                        from..<Self.invisibleRunEnd(bytes, from: i)
                    )
                }
                selectorRun = 0
                softHyphenRun = 0
            case 0xFE00...0xFE0F, 0xE0100...0xE01EF:
                if selectorRun == 0 { runStart = start }
                selectorRun += 1
                if selectorRun >= 2 {
                    return (
                        Match(rule: "unicode.zero-width", description: "a run of variation selectors, a known steganography channel"),
                        runStart..<Self.invisibleRunEnd(bytes, from: i)
                    )
                }
                invisibleRun = 0
            case 0x00AD, 0x034F, 0x115F, 0x1160, 0x3164, 0xFFA0:
                // Soft hyphens, the combining grapheme joiner and Hangul fillers render as nothing.
                if softHyphenRun == 0 { runStart = start }
                softHyphenRun += 1
                if softHyphenRun >= 2 {
                    return (
                        Match(rule: "unicode.zero-width", description: "a run of invisible characters (U+\(hex(scalar)))"),
                        runStart..<Self.invisibleRunEnd(bytes, from: i)
                    )
                }
                invisibleRun = 0
            default:
                invisibleRun = 0
                selectorRun = 0
                softHyphenRun = 0
            }
            previous = scalar
        }
        return nil
    }

    /// The end of the run of invisible characters (Tags, bidi controls, zero-width characters,
    /// variation selectors, soft hyphens, Hangul fillers) that continues at `start`.
    static func invisibleRunEnd(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var i = start
        while i < bytes.count, bytes[i] >= 0xC2 {
            let lead = bytes[i]
            let length = lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
            guard i + length <= bytes.count else { break }
            let scalar = length == 2 ? UInt32(lead & 0x1F) << 6 | UInt32(bytes[i + 1] & 0x3F) : decode(bytes, i, length)
            switch scalar {
            case 0xE0000...0xE007F, 0x202A...0x202E, 0x2066...0x2069, 0x200B...0x200D, 0x2060...0x2064, 0x206A...0x206F, 0xFEFF, 0x180E,
                0xFE00...0xFE0F, 0xE0100...0xE01EF, 0x00AD, 0x034F, 0x115F, 0x1160, 0x3164, 0xFFA0:
                i += length
            default:
                return i
            }
        }
        return i
    }

    /// Scripts written without spaces, where U+200B marks word breaks.
    static func isSpacelessScript(_ scalar: UInt32) -> Bool {
        switch scalar {
        case 0x0E00...0x0EFF, 0x1000...0x109F, 0x1780...0x17FF, 0x0F00...0x0FFF, 0x200B: true
        default: false
        }
    }

    /// If a valid tag sequence (tag digits/lower-case letters, then U+E007F) starts at `start`,
    /// the index after it.
    static func tagSequenceEnd(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var i = start
        var letters: [UInt8] = []
        while i + 4 <= bytes.count, bytes[i] == 0xF3 {
            let scalar = decode(bytes, i, 4)
            i += 4
            switch scalar {
            case 0xE0030...0xE0039, 0xE0061...0xE007A: letters.append(UInt8(scalar - 0xE0000))
            case 0xE007F: return Self.subdivisionFlags.contains(letters) ? i : nil
            default: return nil
            }
        }
        return nil
    }

    /// The subdivision flags Unicode recommends for general interchange (England, Scotland, Wales).
    static let subdivisionFlags: Set<[UInt8]> = [Array("gbeng".utf8), Array("gbsct".utf8), Array("gbwls".utf8)]

    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, _ i: Int, _ length: Int) -> UInt32 {
        if length == 3 {
            return UInt32(bytes[i] & 0x0F) << 12 | UInt32(bytes[i + 1] & 0x3F) << 6 | UInt32(bytes[i + 2] & 0x3F)
        }
        return UInt32(bytes[i] & 0x07) << 18 | UInt32(bytes[i + 1] & 0x3F) << 12 | UInt32(bytes[i + 2] & 0x3F) << 6 | UInt32(bytes[i + 3] & 0x3F)
    }

    static func hex(_ scalar: UInt32) -> String {
        String(scalar, radix: 16, uppercase: true)
    }
}
