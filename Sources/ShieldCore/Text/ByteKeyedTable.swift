internal import Foundation

/// A fixed table from byte strings to values, looked up with a borrowed buffer: no `String` is
/// built to ask whether a path segment, scheme or host label is in it.
///
/// Keys are found by an FNV-1a hash in an open-addressed array and then compared byte for byte,
/// so a colliding key is a miss, never a false hit. All keys live in one byte array, so a lookup
/// touches no reference-counted storage but the table's own. The table is built once (from a
/// policy or a built-in list) and only read afterwards.
struct ByteKeyedTable<Value: Sendable>: Sendable {
    /// A key's hash, where its bytes are in ``keyBytes`` (`count` -1: an empty slot), and its
    /// value's index.
    private struct Slot {
        var hash: UInt64 = 0
        var start: Int32 = 0
        var count: Int32 = -1
        var value: Int32 = 0
    }

    private var slots: [Slot]
    private var keyBytes: [UInt8] = []
    private var values: [Value] = []
    private let mask: Int
    /// A 256-bit Bloom filter over each key's length and first and last bytes: most lookups are
    /// misses (a path segment, a JSON key), and most misses end here without hashing the key.
    private var filter = SIMD4<UInt64>(repeating: 0)
    /// Every key, in the order first given.
    let allKeys: [String]

    /// - Parameter entries: each key's UTF-8 bytes are the key; a later duplicate replaces an
    ///   earlier one, as in a `Dictionary`.
    init<S: Sequence>(_ entries: S) where S.Element == (String, Value) {
        var unique: [String: Value] = [:]
        var order: [String] = []
        for (key, value) in entries {
            if unique.updateValue(value, forKey: key) == nil { order.append(key) }
        }
        allKeys = order
        var capacity = 8
        while capacity < unique.count * 2 { capacity <<= 1 }
        mask = capacity - 1
        slots = Array(repeating: Slot(), count: capacity)
        for key in order {
            let bytes = Array(key.utf8)
            let hash = bytes.withUnsafeBufferPointer(FNV1a.hash)
            var slot = Int(truncatingIfNeeded: hash) & mask
            while slots[slot].count >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Slot(hash: hash, start: Int32(keyBytes.count), count: Int32(bytes.count), value: Int32(values.count))
            keyBytes += bytes
            values.append(unique[key]!)
            let (a, b) = bytes.withUnsafeBufferPointer(Self.filterBits)
            for bit in [a, b] { filter[bit >> 6] |= 1 << UInt64(bit & 63) }
        }
    }

    /// The two filter bits of `key`.
    @inline(__always) private static func filterBits(_ key: UnsafeBufferPointer<UInt8>) -> (Int, Int) {
        guard let first = key.first, let last = key.last else { return (0, 1) }
        return ((Int(first) &* 31 &+ key.count) & 255, (Int(last) &* 17 &+ key.count &* 5 &+ 128) & 255)
    }

    /// Whether the filter rules `key` out.
    @inline(__always) private func surelyAbsent(_ key: UnsafeBufferPointer<UInt8>) -> Bool {
        let (a, b) = Self.filterBits(key)
        return (filter[a >> 6] >> UInt64(a & 63)) & (filter[b >> 6] >> UInt64(b & 63)) & 1 == 0
    }

    var isEmpty: Bool { values.isEmpty }

    subscript(_ key: UnsafeBufferPointer<UInt8>) -> Value? {
        index(of: key).map { values[$0] }
    }

    /// Calls `body` with the value for `key` where it is stored, without copying it out (a
    /// value holding arrays or strings is not retained); `nil` when `key` is absent.
    func withValue<R>(for key: UnsafeBufferPointer<UInt8>, _ body: (Value) -> R) -> R? {
        guard let index = index(of: key) else { return nil }
        return values.withUnsafeBufferPointer { body($0[index]) }
    }

    /// Where the value for `key` is in ``values``.
    @inline(__always) private func index(of key: UnsafeBufferPointer<UInt8>) -> Int? {
        if surelyAbsent(key) { return nil }
        let hash = FNV1a.hash(key)
        return slots.withUnsafeBufferPointer { slots in
            keyBytes.withUnsafeBufferPointer { keyBytes -> Int? in
                var slot = Int(truncatingIfNeeded: hash) & mask
                while slots[slot].count >= 0 {
                    let entry = slots[slot]
                    if entry.hash == hash, Int(entry.count) == key.count,
                        key.isEmpty || memcmp(keyBytes.baseAddress! + Int(entry.start), key.baseAddress!, key.count) == 0
                    {
                        return Int(entry.value)
                    }
                    slot = (slot + 1) & mask
                }
                return nil
            }
        }
    }

    subscript(_ key: String) -> Value? {
        key.withUTF8Bytes { self[$0] }
    }
}

/// The 64-bit FNV-1a hash: cheap for the short keys looked up per argument, and good enough for
/// tables that compare keys byte for byte after finding them.
enum FNV1a {
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return hash
    }
}
