/// The URL authorities (`scheme://host:port`) judged clear so far in one evaluation, looked up by
/// their bytes without allocating: a later URL with the same authority is not judged again.
///
/// Entries are found by an FNV-1a hash and then compared byte for byte, so a colliding
/// authority is a miss (judged in full), never a hit.
struct AuthorityMemo {
    private var entries: [UInt64: [[UInt8]]] = [:]

    func contains(_ authority: UnsafeBufferPointer<UInt8>) -> Bool {
        entries[FNV1a.hash(authority)]?.contains { $0.elementsEqual(authority) } ?? false
    }

    mutating func insert(_ authority: [UInt8]) {
        let key = authority.withUnsafeBufferPointer(FNV1a.hash)
        if entries[key]?.contains(authority) == true { return }
        entries[key, default: []].append(authority)
    }
}
