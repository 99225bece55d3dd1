/// An absolute path as one byte buffer and the ranges of its segments: the form ``PathGuard``
/// normalizes and judges, without a `String` per segment.
///
/// Several values may share one buffer: the lexically resolved path and the path as written are
/// two lists of ranges over the same bytes.
struct PathSegments: Sendable {
    private(set) var bytes: [UInt8] = []
    private(set) var ranges: [Range<Int>] = []

    init() {}

    init(_ segments: [String]) {
        for segment in segments { append(segment.utf8) }
    }

    /// Segments given by `ranges` over `other`'s buffer (which is shared, not copied).
    init(_ other: PathSegments, ranges: [Range<Int>]) {
        bytes = other.bytes
        self.ranges = ranges
    }

    var count: Int { ranges.count }
    var isEmpty: Bool { ranges.isEmpty }

    mutating func reserveCapacity(bytes byteCount: Int, segments: Int) {
        bytes.reserveCapacity(byteCount)
        ranges.reserveCapacity(segments)
    }

    mutating func append<C: Collection>(_ segment: C) where C.Element == UInt8 {
        let start = bytes.count
        bytes.append(contentsOf: segment)
        ranges.append(start..<bytes.count)
    }

    /// Appends one segment from a buffer: a plain copy, not the generic collection append.
    mutating func append(_ segment: UnsafeBufferPointer<UInt8>) {
        let start = bytes.count
        bytes.append(contentsOf: segment)
        ranges.append(start..<bytes.count)
    }

    /// Appends every segment of `other`, bytes and ranges each in one copy.
    mutating func append(_ other: PathSegments) {
        let offset = bytes.count
        bytes.append(contentsOf: other.bytes)
        if offset == 0 {
            ranges.append(contentsOf: other.ranges)
        } else {
            for range in other.ranges { ranges.append((range.lowerBound + offset)..<(range.upperBound + offset)) }
        }
    }

    subscript(_ index: Int) -> ArraySlice<UInt8> { bytes[ranges[index]] }

    var strings: [String] { ranges.indices.map(string) }

    /// `/a/b/c`, as shown in reasons.
    var text: String {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count + ranges.count)
        for range in ranges {
            out.append(UInt8(ascii: "/"))
            out.append(contentsOf: bytes[range])
        }
        return out.isEmpty ? "/" : String(decoding: out, as: UTF8.self)
    }

    /// Whether segment `index` is exactly `literal`.
    func segment(_ index: Int, is literal: StaticString) -> Bool {
        let range = ranges[index]
        guard range.count == literal.utf8CodeUnitCount else { return false }
        return literal.withUTF8Buffer { bytes[range].elementsEqual($0) }
    }

    /// The path with every segment lower-cased: ASCII by byte, anything else by Unicode's mapping.
    /// A path without upper-case ASCII or non-ASCII bytes is returned as it is.
    func lowercased() -> PathSegments {
        // All the bytes at once (those of dropped segments too: at worst a needless copy).
        let needsMapping = bytes.withUnsafeBufferPointer { $0.contains { $0 &- UInt8(ascii: "A") < 26 || $0 >= 0x80 } }
        guard needsMapping else { return self }
        var out = PathSegments()
        out.reserveCapacity(bytes: bytes.count, segments: count)
        for i in 0..<count {
            let segment = self[i]
            if segment.allSatisfy({ $0 < 0x80 }) {
                out.append(segment.lazy.map(ByteSearch.lower))
            } else {
                out.append(string(i).lowercased().utf8)
            }
        }
        return out
    }

    /// Calls `body` with segment `index`'s bytes.
    func withSegment<R>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        let range = ranges[index]
        return bytes.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[range])) }
    }
}

extension PathSegments: Equatable {
    /// Equal when the segments are, whatever buffers hold them.
    static func == (lhs: PathSegments, rhs: PathSegments) -> Bool {
        lhs.count == rhs.count && lhs.starts(with: rhs)
    }
}

/// What the deny-list and root matching read of a path: its segment count and each segment's
/// bytes. ``PathSegments`` owns its bytes; ``PathSegmentsView`` borrows them, so a plain path is
/// judged without building one.
protocol PathSegmentList {
    var count: Int { get }
    /// Calls `body` with segment `index`'s bytes.
    func withSegment<R>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R
}

extension PathSegments: PathSegmentList {}

extension PathSegmentList {
    /// Whether segment `index` is exactly `literal`.
    func segment(_ index: Int, equals literal: [UInt8]) -> Bool {
        withSegment(index) { segment in
            segment.count == literal.count && literal.withUnsafeBufferPointer { segment.elementsEqual($0) }
        }
    }

    /// Segment `index` as a string (for glob patterns).
    func string(_ index: Int) -> String { withSegment(index) { String(decoding: $0, as: UTF8.self) } }

    /// Whether the first segments are `prefix`'s, byte for byte.
    func starts(with prefix: PathSegments) -> Bool {
        guard prefix.count <= count else { return false }
        for i in 0..<prefix.count {
            let equal = withSegment(i) { segment in prefix.withSegment(i) { segment.elementsEqual($0) } }
            if !equal { return false }
        }
        return true
    }
}

/// An absolute path as the segments of a prefix (the base or home directory, or none) followed by
/// segments at `ranges` of a buffer, all borrowed: building one copies nothing and retains
/// nothing.
struct PathSegmentsView: PathSegmentList {
    let prefixBytes: UnsafeBufferPointer<UInt8>
    let prefixRanges: UnsafeBufferPointer<Range<Int>>
    let bytes: UnsafeBufferPointer<UInt8>
    let ranges: UnsafeBufferPointer<Range<Int>>

    var count: Int { prefixRanges.count + ranges.count }

    func withSegment<R>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if index < prefixRanges.count { return body(UnsafeBufferPointer(rebasing: prefixBytes[prefixRanges[index]])) }
        return body(UnsafeBufferPointer(rebasing: bytes[ranges[index - prefixRanges.count]]))
    }
}

extension PathSegments {
    /// Calls `body` with a view of these segments followed by segments at `ranges` of `bytes`.
    func followed<R>(
        by bytes: UnsafeBufferPointer<UInt8>, _ ranges: UnsafeBufferPointer<Range<Int>>, _ body: (PathSegmentsView) -> R
    ) -> R {
        self.bytes.withUnsafeBufferPointer { prefixBytes in
            self.ranges.withUnsafeBufferPointer { prefixRanges in
                body(PathSegmentsView(prefixBytes: prefixBytes, prefixRanges: prefixRanges, bytes: bytes, ranges: ranges))
            }
        }
    }
}
