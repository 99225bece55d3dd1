/// Values remembered by the bytes of their key for one evaluation, looked up without allocating:
/// the URL authorities (`scheme://host:port`) judged clear so far (``AuthorityMemo``), and the
/// facts of each distinct JSON key (an array of a hundred objects has the same few keys).
///
/// An open-addressing table: the keys' bytes sit one after another in one array, and each slot
/// holds a key's FNV-1a hash, its place there and its value. A hit needs an equal hash and equal
/// bytes, so a colliding key is a miss (computed again), never a wrong hit. Most evaluations hold
/// a few keys; one with many (a megabyte of links) still finds each in constant time.
struct ByteMemo<Value> {
    private struct Slot {
        var hash: UInt64
        /// Where the key's bytes start in `bytes`; -1 for an empty slot.
        var start: Int
        var count: Int
        var value: Value?
    }

    private var bytes: [UInt8] = []
    /// A power of two in size, at most half full; empty until the first insert.
    private var slots: [Slot] = []
    private var used = 0

    /// The value remembered for `key`, if any.
    func value(for key: UnsafeBufferPointer<UInt8>) -> Value? {
        guard !slots.isEmpty else { return nil }
        let (found, index) = find(key, hash: FNV1a.hash(key))
        return found ? slots[index].value : nil
    }

    func contains(_ key: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !slots.isEmpty else { return false }
        return find(key, hash: FNV1a.hash(key)).found
    }

    /// Remembers `value` for `key`; a key already present keeps its first value.
    mutating func insert(_ key: UnsafeBufferPointer<UInt8>, _ value: Value) {
        let hash = FNV1a.hash(key)
        if slots.isEmpty { slots = Array(repeating: Slot(hash: 0, start: -1, count: 0), count: 16) }
        let (found, index) = find(key, hash: hash)
        if found { return }
        slots[index] = Slot(hash: hash, start: bytes.count, count: key.count, value: value)
        bytes.append(contentsOf: key)
        used += 1
        if used * 2 > slots.count { grow() }
    }

    /// The slot holding `key`, or the empty slot where it would go.
    private func find(_ key: UnsafeBufferPointer<UInt8>, hash: UInt64) -> (found: Bool, index: Int) {
        let mask = slots.count - 1
        var index = Int(truncatingIfNeeded: hash) & mask
        return bytes.withUnsafeBufferPointer { stored in
            while true {
                let slot = slots[index]
                if slot.start < 0 { return (false, index) }
                if slot.hash == hash, slot.count == key.count,
                    UnsafeBufferPointer(rebasing: stored[slot.start..<(slot.start + slot.count)]).elementsEqual(key)
                {
                    return (true, index)
                }
                index = (index + 1) & mask
            }
        }
    }

    private mutating func grow() {
        let old = slots
        slots = Array(repeating: Slot(hash: 0, start: -1, count: 0), count: old.count * 2)
        let mask = slots.count - 1
        for slot in old where slot.start >= 0 {
            var index = Int(truncatingIfNeeded: slot.hash) & mask
            while slots[index].start >= 0 { index = (index + 1) & mask }
            slots[index] = slot
        }
    }
}

/// The URL authorities judged clear so far in one evaluation.
typealias AuthorityMemo = ByteMemo<Void>

extension ByteMemo where Value == Void {
    mutating func insert(_ key: UnsafeBufferPointer<UInt8>) { insert(key, ()) }
}
