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

    /// The words of a normalized key of `count` bytes (1 to 16) held in `chunk`'s first lanes,
    /// its other lanes zero: the same as appending its bytes one by one.
    init(chunk: SIMD16<UInt8>, count: Int) {
        let halves = unsafeBitCast(chunk, to: SIMD2<UInt64>.self)
        // The sixteen lanes as one 128-bit number `top:bottom` with the key's first byte highest;
        // shifted right so that its last byte is lowest.
        let top = halves[0].byteSwapped
        let bottom = halves[1].byteSwapped
        let shift = 8 * (16 - count)
        if shift >= 64 {
            low = top &>> (shift - 64)
        } else if shift == 0 {
            (low, high) = (bottom, top)
        } else {
            (low, high) = ((bottom &>> shift) | (top &<< (64 - shift)), top &>> shift)
        }
        self.count = count
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
