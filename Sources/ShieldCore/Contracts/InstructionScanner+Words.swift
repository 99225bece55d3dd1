/// Reading words on UTF-8 bytes: what the phrase rules are matched against.
///
/// A word is a run of ASCII letters, digits and `_`, with an apostrophe (`'` or `’`) allowed
/// between letters (`don't`, `user's`). Words are compared by a 64-bit FNV-1a hash of their
/// ASCII-lower-cased bytes, with `’` read as `'`, so no `String` is made for a word.
///
/// Within a phrase, words are separated by spaces, single line breaks and most punctuation;
/// `,` `:` `(` `)` `-` and dashes end a clause but not the phrase. A sentence end (`.` before a
/// space, `!`, `?`, `;`, `<`, `>`, `|`, a blank line) ends the phrase.
extension InstructionScanner {
    @inline(__always) static func isLetter(_ b: UInt8) -> Bool { (b | 0x20) &- 0x61 < 26 }

    @inline(__always) static func isWordByte(_ b: UInt8) -> Bool { (b | 0x20) &- 0x61 < 26 || b &- 0x30 < 10 || b == 0x5F }

    /// The end of the word starting at `start`.
    @inline(__always) static func wordEnd(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        let count = bytes.count
        var i = start
        while i < count {
            let b = bytes[i]
            if isWordByte(b) {
                i += 1
            } else if b == 0x27, i > start, i + 1 < count, isLetter(bytes[i + 1]) {
                i += 2
            } else if b == 0xE2, i > start, i + 3 < count, bytes[i + 1] == 0x80, bytes[i + 2] == 0x99, isLetter(bytes[i + 3]) {
                i += 4
            } else {
                break
            }
        }
        return i
    }

    static let fnvOffset: UInt64 = 0xCBF2_9CE4_8422_2325
    static let fnvPrime: UInt64 = 0x0000_0100_0000_01B3

    /// The hash of `bytes[start..<end]`, lower-cased, `’` read as `'`.
    @inline(__always) static func hash(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> UInt64 {
        var h = fnvOffset
        var i = start
        while i < end {
            var b = bytes[i]
            if b == 0xE2, i + 2 < end, bytes[i + 1] == 0x80, bytes[i + 2] == 0x99 {
                b = 0x27
                i += 2
            } else if b &- 0x41 < 26 {
                b |= 0x20
            }
            h = (h ^ UInt64(b)) &* fnvPrime
            i += 1
        }
        return h
    }

    /// The hash of a vocabulary word.
    static func hash(_ word: String) -> UInt64 {
        let bytes = Array(word.utf8)
        return bytes.withUnsafeBufferPointer { hash($0, 0, $0.count) }
    }

    /// A set of words, by hash. Sets are small (a few dozen words): a linear search is fastest.
    struct WordSet: Sendable {
        var hashes: [UInt64]

        /// The words of `list`, separated by spaces.
        init(_ list: String) {
            hashes = list.split(separator: " ").map { InstructionScanner.hash(String($0)) }
        }

        @inline(__always) func contains(_ hash: UInt64) -> Bool {
            hashes.contains(hash)
        }
    }

    /// The start of the next word after `position` within the same sentence, and whether a clause
    /// boundary (`,` `:` `(` `)` `-`, a dash) lies before it; `nil` at a sentence end, after a long
    /// run of separators, or at the end of the text.
    static func nextWord(_ bytes: UnsafeBufferPointer<UInt8>, after position: Int) -> (start: Int, clause: Bool)? {
        let count = bytes.count
        var i = position
        var clause = false
        var newlines = 0
        while i < count, i - position < 40 {
            let b = bytes[i]
            if isWordByte(b) { return (i, clause) }
            switch b {
            case 0x20, 0x09, 0x0D:
                break
            case 0x0A:
                newlines += 1
                if newlines >= 2 { return nil }
            case UInt8(ascii: ","), UInt8(ascii: ":"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "-"):
                clause = true
            case UInt8(ascii: "."):
                // "file.txt" and "~/.ssh" continue the phrase; ". " ends the sentence.
                guard i + 1 < count, bytes[i + 1] > 0x20, bytes[i + 1] != UInt8(ascii: "\"") else { return nil }
            case UInt8(ascii: "!"), UInt8(ascii: "?"), UInt8(ascii: ";"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "|"):
                return nil
            case 0xE2:
                // General punctuation: dashes (U+2010–2015) and quotation marks (U+2018–201F).
                guard i + 2 < count, bytes[i + 1] == 0x80, bytes[i + 2] &- 0x90 < 0x10 else { return nil }
                if bytes[i + 2] < 0x98 { clause = true }
                i += 2
            case 0x80...0xFF:
                return nil
            default:
                break  // quotes, backticks, asterisks, slashes, brackets, other ASCII punctuation
            }
            i += 1
        }
        return nil
    }

    /// The word before `position` within the same sentence, or `nil`.
    static func previousWord(_ bytes: UnsafeBufferPointer<UInt8>, before position: Int) -> Range<Int>? {
        var i = position - 1
        var newlines = 0
        while i >= 0, position - i < 40 {
            let b = bytes[i]
            if isWordByte(b) { break }
            switch b {
            case 0x0A:
                newlines += 1
                if newlines >= 2 { return nil }
            case UInt8(ascii: "."):
                if i + 1 >= bytes.count || bytes[i + 1] <= 0x20 || bytes[i + 1] == UInt8(ascii: "\"") { return nil }
            case UInt8(ascii: "!"), UInt8(ascii: "?"), UInt8(ascii: ";"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "|"):
                return nil
            case 0x80...0xFF:
                // Dashes and quotation marks (E2 80 90–9F), read backwards.
                guard i >= 2, bytes[i] &- 0x90 < 0x10, bytes[i - 1] == 0x80, bytes[i - 2] == 0xE2 else { return nil }
                i -= 2
            default:
                break
            }
            i -= 1
        }
        guard i >= 0, isWordByte(bytes[i]) else { return nil }
        let end = i + 1
        var start = i
        while start > 0 {
            let b = bytes[start - 1]
            if isWordByte(b) {
                start -= 1
            } else if b == 0x27, start >= 2, isLetter(bytes[start - 2]), isLetter(bytes[start]) {
                start -= 1
            } else if b == 0x99, start >= 4, bytes[start - 2] == 0x80, bytes[start - 3] == 0xE2, isLetter(bytes[start - 4]), isLetter(bytes[start]) {
                start -= 3
            } else {
                break
            }
        }
        return start..<end
    }
}
