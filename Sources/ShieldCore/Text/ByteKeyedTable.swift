/// A fixed table from byte strings to values, looked up with a borrowed buffer: no `String` is
/// built to ask whether a path segment, scheme or host label is in it.
///
/// Keys are found by an FNV-1a hash in an open-addressed array and then compared byte for byte,
/// so a colliding key is a miss, never a false hit. The table is built once (from a policy or a
/// built-in list) and only read afterwards.
struct ByteKeyedTable<Value: Sendable>: Sendable {
    private var keys: [[UInt8]?]
    private var values: [Value?]
    private let mask: Int
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
        keys = Array(repeating: nil, count: capacity)
        values = Array(repeating: nil, count: capacity)
        for (key, value) in unique {
            let bytes = Array(key.utf8)
            var slot = bytes.withUnsafeBufferPointer { Int(truncatingIfNeeded: FNV1a.hash($0)) } & mask
            while keys[slot] != nil { slot = (slot + 1) & mask }
            keys[slot] = bytes
            values[slot] = value
        }
    }

    var isEmpty: Bool { !keys.contains { $0 != nil } }

    subscript(_ key: UnsafeBufferPointer<UInt8>) -> Value? {
        var slot = Int(truncatingIfNeeded: FNV1a.hash(key)) & mask
        while let candidate = keys[slot] {
            if candidate.count == key.count, candidate.elementsEqual(key) { return values[slot] }
            slot = (slot + 1) & mask
        }
        return nil
    }

    subscript(_ key: String) -> Value? {
        var key = key
        return key.withUTF8 { self[$0] }
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
