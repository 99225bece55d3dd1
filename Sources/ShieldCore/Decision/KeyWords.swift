/// The last sixteen bytes of a normalized key (see ``ArgumentHints/normalize(_:)``) as two
/// words, and its length: what the key tables compare, built in the same pass that normalizes
/// the key, so a lookup needs no buffer and no second pass over bytes.
///
/// Byte `i` from the end of the key is at bits `8i..<8i+8` of `low` (`i < 8`) or of `high`
/// (`8 ≤ i < 16`); missing bytes are zero. A key of at most sixteen bytes is its words and
/// length, so two such keys are equal exactly when their words and lengths are.
struct KeyWords: Equatable, Sendable {
    var low: UInt64 = 0
    var high: UInt64 = 0
    /// The key's length in bytes (it may exceed sixteen; the words then hold its last sixteen).
    var count = 0

    /// Whether the words hold the whole key.
    var isWhole: Bool { count <= 16 }

    /// Appends one byte of the normalized key.
    @inline(__always) mutating func append(_ byte: UInt8) {
        high = (high << 8) | (low >> 56)
        low = (low << 8) | UInt64(byte)
        count += 1
    }

    /// The words of `bytes`, already normalized.
    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        for byte in bytes { append(byte) }
    }

    init() {}

    /// The words of a key of one to sixteen bytes that are all lower-case ASCII letters and
    /// digits (its own normal form), or `nil` for any other key. Read with two loads that
    /// together cover the key, overlapping when it is shorter than twice their width: no byte
    /// loop and no copy.
    @inline(__always) init?(plainWord bytes: UnsafeBufferPointer<UInt8>) {
        let count = bytes.count
        guard let address = bytes.baseAddress, count > 0, count <= 16 else { return nil }
        let raw = UnsafeRawPointer(address)
        // The first and the last bytes of the key, each as a big-endian number (the key's first
        // byte highest), and the width of each load in bytes.
        let head: UInt64
        let tail: UInt64
        let width: Int
        if count >= 8 {
            (head, tail, width) = (
                raw.loadUnaligned(as: UInt64.self).bigEndian, raw.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self).bigEndian, 8
            )
        } else if count >= 4 {
            head = UInt64(raw.loadUnaligned(as: UInt32.self).bigEndian)
            tail = UInt64(raw.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self).bigEndian)
            width = 4
        } else if count >= 2 {
            head = UInt64(raw.loadUnaligned(as: UInt16.self).bigEndian)
            tail = UInt64(raw.loadUnaligned(fromByteOffset: count - 2, as: UInt16.self).bigEndian)
            width = 2
        } else {
            (head, tail, width) = (UInt64(bytes[0]), UInt64(bytes[0]), 1)
        }
        // Every byte of the key is in one load or the other (or both).
        guard Self.isPlain(head, width: width), Self.isPlain(tail, width: width) else { return nil }
        // The key as a 128-bit number is head shifted above tail (the bytes they share are equal).
        let shift = 8 * (count - width)
        if shift == 0 {
            low = tail
        } else if shift == 64 {
            (low, high) = (tail, head)
        } else {
            low = tail | (head &<< shift)
            high = width == 8 ? head &>> (64 - shift) : 0
        }
        self.count = count
    }

    /// Whether the low `width` bytes of `word` are all lower-case ASCII letters or digits
    /// (SWAR: one test for all eight bytes; bytes above `width` count as plain).
    @inline(__always) static func isPlain(_ word: UInt64, width: Int) -> Bool {
        // Bytes above the load are filled with `a`.
        let filler: UInt64 = width == 8 ? 0 : 0x6161_6161_6161_6161 &<< (8 * width)
        let x = word | filler
        let high: UInt64 = 0x8080_8080_8080_8080
        // Per byte b (b < 0x80 checked separately): bit 7 of b + (0x80 - lo) is set when b >= lo,
        // and of b + (0x7f - hi) when b > hi; no carry crosses a byte because b and the
        // constants are below 0x80.
        func atLeast(_ lo: UInt8) -> UInt64 { ((x & ~high) &+ (0x0101_0101_0101_0101 &* UInt64(0x80 - lo))) & high }
        func above(_ hi: UInt8) -> UInt64 { ((x & ~high) &+ (0x0101_0101_0101_0101 &* UInt64(0x7F - hi))) & high }
        let letter = atLeast(0x61) & ~above(0x7A)
        let digit = atLeast(0x30) & ~above(0x39)
        return (letter | digit) & ~(x & high) == high
    }

    /// Where the key starts its search in a table of `mask + 1` slots.
    @inline(__always) func slot(_ mask: Int) -> Int {
        let mixed = (low &* 0x9E37_79B9_7F4A_7C15) ^ (high &* 0xC2B2_AE3D_27D4_EB4F) ^ UInt64(truncatingIfNeeded: count)
        return Int(truncatingIfNeeded: mixed >> 32) & mask
    }
}

/// A fixed table from normalized keys of at most sixteen bytes to values, looked up by
/// ``KeyWords``: one multiply and a compare of three words, no bytes hashed or compared.
struct KeyWordTable<Value: Sendable>: Sendable {
    private var slots: [(words: KeyWords, value: Value)?]
    private let mask: Int

    /// - Parameter entries: normalized keys of at most sixteen bytes; a later duplicate replaces
    ///   an earlier one.
    init(_ entries: [(String, Value)]) {
        var capacity = 8
        while capacity < entries.count * 2 { capacity <<= 1 }
        mask = capacity - 1
        slots = Array(repeating: nil, count: capacity)
        for (key, value) in entries {
            let words = Array(key.utf8).withUnsafeBufferPointer(KeyWords.init)
            precondition(words.isWhole, "a key in a KeyWordTable is at most sixteen bytes: \(key)")
            var slot = words.slot(mask)
            while let entry = slots[slot], entry.words != words { slot = (slot + 1) & mask }
            slots[slot] = (words, value)
        }
    }

    subscript(_ words: KeyWords) -> Value? {
        guard words.isWhole else { return nil }
        return slots.withUnsafeBufferPointer { slots in
            var slot = words.slot(mask)
            while let entry = slots[slot] {
                if entry.words == words { return entry.value }
                slot = (slot + 1) & mask
            }
            return nil
        }
    }
}
