extension String {
    /// Calls `body` with the string's UTF-8 bytes.
    ///
    /// A native string lends its storage (a short one a stack copy) without being copied or
    /// retained; only a bridged or otherwise non-contiguous string is copied first. The
    /// standard library's `withUTF8` is `mutating`, so calling it on a parameter means a copy of
    /// the string value, a retain and a release on every call of a hot function.
    @inline(__always)
    func withUTF8Bytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        if let result = try utf8.withContiguousStorageIfAvailable(body) { return result }
        var copy = self
        return try copy.withUTF8(body)
    }
}

// Not one extension on StringProtocol: the generic version costs the Substring callers more.
extension Substring {
    /// Calls `body` with the substring's UTF-8 bytes, without a copy when its base is native
    /// (see ``Swift/String/withUTF8Bytes(_:)``).
    @inline(__always)
    func withUTF8Bytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        if let result = try utf8.withContiguousStorageIfAvailable(body) { return result }
        var copy = self
        return try copy.withUTF8(body)
    }
}
