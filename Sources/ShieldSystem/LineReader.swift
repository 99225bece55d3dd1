#if canImport(Glibc)
    internal import Glibc
#elseif canImport(Darwin)
    internal import Darwin
#endif

/// Reads newline-terminated lines from a file descriptor in large chunks.
///
/// Lines are returned as slices of an internal buffer, valid until the next call. A line longer
/// than `maxLineBytes` is skipped up to its newline without being kept in memory, and reported as
/// `.tooLong`. A read returns as soon as some bytes arrive, so interactive streams (pipes from
/// and to MCP servers) see each line as soon as its newline does.
public struct LineReader {
    public enum Line {
        case line(UnsafeRawBufferPointer)
        case tooLong(Int)
    }

    public let descriptor: Int32
    public let maxLineBytes: Int
    private var storage: UnsafeMutableRawPointer
    private var capacity: Int
    private var start = 0
    private var end = 0
    private var eof = false
    private var discarded: Int?
    /// The `errno` of a failed read; the stream ends there.
    public private(set) var readError: Int32?

    public init(descriptor: Int32, maxLineBytes: Int, initialCapacity: Int = 1 << 20) {
        self.descriptor = descriptor
        self.maxLineBytes = maxLineBytes
        capacity = initialCapacity
        storage = .allocate(byteCount: capacity, alignment: 16)
    }

    /// Frees the buffer; the reader must not be used afterwards.
    public func close() {
        storage.deallocate()
    }

    public mutating func next() -> Line? {
        while true {
            if end > start, let found = memchr(storage + start, 0x0A, end - start) {
                let newline = storage.distance(to: found)
                defer { start = newline + 1 }
                if let skipped = discarded {
                    discarded = nil
                    return .tooLong(skipped + newline - start)
                }
                // Over the limit however the bytes arrived (in one read or many).
                if newline - start > maxLineBytes { return .tooLong(newline - start) }
                return .line(UnsafeRawBufferPointer(start: storage + start, count: newline - start))
            }
            if eof {
                guard start < end || discarded != nil else { return nil }
                defer {
                    start = end
                    discarded = nil
                }
                if let skipped = discarded { return .tooLong(skipped + end - start) }
                if end - start > maxLineBytes { return .tooLong(end - start) }
                return .line(UnsafeRawBufferPointer(start: storage + start, count: end - start))
            }
            if end - start > maxLineBytes {
                // Too long: forget what we have and skip to the next newline.
                discarded = (discarded ?? 0) + end - start
                start = 0
                end = 0
            }
            // Make room: move the partial line to the front, grow if it fills the buffer.
            if start > 0 {
                (storage).copyMemory(from: storage + start, byteCount: end - start)
                end -= start
                start = 0
            }
            if end == capacity {
                let bigger = UnsafeMutableRawPointer.allocate(byteCount: capacity * 2, alignment: 16)
                bigger.copyMemory(from: storage, byteCount: end)
                storage.deallocate()
                storage = bigger
                capacity *= 2
            }
            let n = read(descriptor, storage + end, capacity - end)
            if n < 0 {
                if errno == EINTR { continue }
                readError = errno
                eof = true
            } else if n == 0 {
                eof = true
            } else {
                end += n
            }
        }
    }
}
