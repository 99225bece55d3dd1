/// The URL authorities (`scheme://host:port`) judged clear so far in one evaluation, looked up by
/// their bytes without allocating: a later URL with the same authority is not judged again.
///
/// An open-addressing set: the authorities' bytes sit one after another in one array, and each
/// slot holds an authority's FNV-1a hash and its place there. A hit needs an equal hash and equal
/// bytes, so a colliding authority is a miss (judged in full), never a hit. Most evaluations hold
/// a few authorities; one with many (a megabyte of links) still finds each in constant time.
struct AuthorityMemo {
    private struct Slot {
        var hash: UInt64
        /// Where the authority's bytes start in `bytes`; -1 for an empty slot.
        var start: Int
        var count: Int
        static let empty = Slot(hash: 0, start: -1, count: 0)
    }

    private var bytes: [UInt8] = []
    /// A power of two in size, at most half full; empty until the first insert.
    private var slots: [Slot] = []
    private var used = 0

    func contains(_ authority: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !slots.isEmpty else { return false }
        return find(authority, hash: FNV1a.hash(authority)).found
    }

    mutating func insert(_ authority: UnsafeBufferPointer<UInt8>) {
        let hash = FNV1a.hash(authority)
        if slots.isEmpty { slots = Array(repeating: .empty, count: 16) }
        let (found, index) = find(authority, hash: hash)
        if found { return }
        slots[index] = Slot(hash: hash, start: bytes.count, count: authority.count)
        bytes.append(contentsOf: authority)
        used += 1
        if used * 2 > slots.count { grow() }
    }

    /// The slot holding `authority`, or the empty slot where it would go.
    private func find(_ authority: UnsafeBufferPointer<UInt8>, hash: UInt64) -> (found: Bool, index: Int) {
        let mask = slots.count - 1
        var index = Int(truncatingIfNeeded: hash) & mask
        return bytes.withUnsafeBufferPointer { stored in
            while true {
                let slot = slots[index]
                if slot.start < 0 { return (false, index) }
                if slot.hash == hash, slot.count == authority.count,
                    UnsafeBufferPointer(rebasing: stored[slot.start..<(slot.start + slot.count)]).elementsEqual(authority)
                {
                    return (true, index)
                }
                index = (index + 1) & mask
            }
        }
    }

    private mutating func grow() {
        let old = slots
        slots = Array(repeating: .empty, count: old.count * 2)
        let mask = slots.count - 1
        for slot in old where slot.start >= 0 {
            var index = Int(truncatingIfNeeded: slot.hash) & mask
            while slots[index].start >= 0 { index = (index + 1) & mask }
            slots[index] = slot
        }
    }
}
