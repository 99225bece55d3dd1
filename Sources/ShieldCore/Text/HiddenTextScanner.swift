/// Finds text a person cannot see but a model reads: Unicode Tags (U+E0000–E007F, "ASCII
/// smuggling"), bidirectional overrides and isolates (Trojan Source), zero-width runs and runs of
/// variation selectors used for steganography.
///
/// Legitimate uses pass: an emoji flag tag sequence (🏴 + tag letters + U+E007F), a single
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
        var text = text
        text.makeContiguousUTF8()
        return text.utf8.withContiguousStorageIfAvailable { firstHidden(in: $0) } ?? nil
    }

    static func firstHidden(in bytes: UnsafeBufferPointer<UInt8>) -> Match? {
        let count = bytes.count
        var i = 0
        var invisibleRun = 0
        var invisibleTotal = 0
        var selectorRun = 0
        var previousWasBlackFlag = false
        while i < count {
            let lead = bytes[i]
            let length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
            guard lead >= 0xE1, i + length <= count else {
                // Characters that cannot be hidden ones end any run.
                invisibleRun = 0
                selectorRun = 0
                previousWasBlackFlag = false
                i += length
                continue
            }
            let scalar = decode(bytes, i, length)
            i += length
            switch scalar {
            case 0xE0000...0xE007F:
                // Allowed only as an emoji tag sequence: 🏴 then tag digits/letters then CANCEL TAG.
                if previousWasBlackFlag, let end = tagSequenceEnd(bytes, from: i - length) {
                    i = end
                    previousWasBlackFlag = false
                    continue
                }
                return Match(rule: "unicode.tag-characters", description: "invisible Unicode Tag characters (U+E0000–E007F), used to smuggle hidden instructions")
            case 0x202A...0x202E, 0x2066...0x2069:
                return Match(rule: "unicode.bidi-override", description: "a bidirectional override or isolate (U+\(hex(scalar))), which makes text display differently from what is processed")
            case 0x200B, 0x200C, 0x200D, 0x2060...0x2064, 0xFEFF, 0x180E:
                invisibleRun += 1
                if scalar != 0x200C && scalar != 0x200D { invisibleTotal += 1 }
                if invisibleRun >= 2 || invisibleTotal >= 4 {
                    return Match(rule: "unicode.zero-width", description: "zero-width characters (U+\(hex(scalar)) among them), a known steganography channel")
                }
                selectorRun = 0
            case 0xFE00...0xFE0F, 0xE0100...0xE01EF:
                selectorRun += 1
                if selectorRun >= 2 {
                    return Match(rule: "unicode.zero-width", description: "a run of variation selectors, a known steganography channel")
                }
                invisibleRun = 0
            default:
                invisibleRun = 0
                selectorRun = 0
            }
            previousWasBlackFlag = scalar == 0x1F3F4
        }
        return nil
    }

    /// If a valid tag sequence (tag digits/lower-case letters, then U+E007F) starts at `start`,
    /// the index after it.
    static func tagSequenceEnd(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var i = start
        var letters = 0
        while i + 4 <= bytes.count, bytes[i] == 0xF3 {
            let scalar = decode(bytes, i, 4)
            i += 4
            switch scalar {
            case 0xE0030...0xE0039, 0xE0061...0xE007A: letters += 1
            case 0xE007F: return (1...8).contains(letters) ? i : nil
            default: return nil
            }
        }
        return nil
    }

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
