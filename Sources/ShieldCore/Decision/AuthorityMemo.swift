/// The URL authorities (`scheme://host:port`) judged clear so far in one evaluation, looked up by
/// their bytes without allocating: a later URL with the same authority is not judged again.
///
/// Entries are found by an FNV-1a hash and then compared byte for byte, so a colliding
/// authority is a miss (judged in full), never a hit.
struct AuthorityMemo {
    private var entries: [UInt64: [[UInt8]]] = [:]

    func contains(_ authority: UnsafeBufferPointer<UInt8>) -> Bool {
        entries[Self.hash(authority)]?.contains { $0.elementsEqual(authority) } ?? false
    }

    mutating func insert(_ authority: [UInt8]) {
        let key = authority.withUnsafeBufferPointer(Self.hash)
        if entries[key]?.contains(authority) == true { return }
        entries[key, default: []].append(authority)
    }

    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return hash
    }
}
