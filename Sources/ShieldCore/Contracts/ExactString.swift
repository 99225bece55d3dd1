/// A string compared and hashed by its UTF-8 bytes.
///
/// Swift's `String` equality is Unicode canonical equivalence (`"é"` precomposed equals `"e"` +
/// U+0301). JSON Schema compares strings code point by code point, and a property name that only
/// looks like a declared one must not be taken for it, so ``JSONSchema`` keys its lookups with this.
struct ExactString: Hashable, Sendable {
    var value: String

    init(_ value: String) {
        self.value = value
    }

    static func == (lhs: ExactString, rhs: ExactString) -> Bool {
        let (a, b) = (lhs.value.utf8, rhs.value.utf8)
        guard a.count == b.count else { return false }
        let fast = a.withContiguousStorageIfAvailable { left in
            b.withContiguousStorageIfAvailable { right in left.elementsEqual(right) }
        }
        if let fast, let equal = fast { return equal }
        return a.elementsEqual(b)
    }

    func hash(into hasher: inout Hasher) {
        let utf8 = value.utf8
        hasher.combine(utf8.count)
        let hashed: Void? = utf8.withContiguousStorageIfAvailable { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        if hashed == nil {
            Array(utf8).withUnsafeBytes { hasher.combine(bytes: $0) }
        }
    }

    /// Byte-wise order, for sorting object keys into a canonical order.
    static func precedes(_ lhs: ExactString, _ rhs: ExactString) -> Bool {
        lhs.value.utf8.lexicographicallyPrecedes(rhs.value.utf8)
    }
}
