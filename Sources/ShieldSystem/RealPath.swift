#if canImport(Glibc)
    internal import Glibc
#elseif canImport(Darwin)
    internal import Darwin
#endif

/// Resolves symbolic links for the decision core's path checks, the way the kernel walks a path.
public enum RealPath {
    /// The most components looked up on the file system (links' targets included); past it the
    /// rest is judged lexically. Paths are bounded separately by the core.
    static let maxLookups = 256
    /// The most symbolic links followed: Linux's limit, past which the kernel answers `ELOOP`.
    /// The rest is then judged lexically.
    static let maxLinks = 40

    /// The real path of `path`, resolved one component at a time as the kernel does: `..`
    /// applies to the real directory reached so far (`/dev/fd/..` is `/proc/self`), and a link's
    /// target takes its place, whether or not the target exists (a write through a dangling link
    /// creates its target). Once a component does not exist or cannot be looked up, the rest is
    /// applied lexically.
    ///
    /// One `readlink` per component: only links are read, and a prefix is never resolved twice.
    ///
    /// `nil` when nothing resolves differently (the lexical answer stands).
    @Sendable public static func resolve(_ path: String) -> String? {
        // The path's bytes, then each link target read, appended; `pending` holds the ranges of
        // the components still to walk, the next one last.
        var text = Array(path.utf8)
        var pending: [Range<Int>] = []
        appendComponents(of: text, in: 0..<text.count, to: &pending)
        // The real path so far, each component preceded by `/` ("" is the root), and a NUL
        // after it for the system calls.
        var current: [UInt8] = [0]
        current.reserveCapacity(text.count + 2)
        var lookups = 0
        var links = 0
        var lexical = false
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: Int(PATH_MAX)) { target in
            while let range = pending.popLast() {
                let count = range.count
                if count == 1, text[range.lowerBound] == UInt8(ascii: ".") { continue }
                if count == 2, text[range.lowerBound] == UInt8(ascii: "."), text[range.lowerBound + 1] == UInt8(ascii: ".") {
                    // The parent of a real directory is its lexical parent.
                    current.removeLast()
                    let slash = current.lastIndex(of: UInt8(ascii: "/")) ?? 0
                    current.removeSubrange(slash...)
                    current.append(0)
                    continue
                }
                let parentLength = current.count - 1
                current[parentLength] = UInt8(ascii: "/")
                current.append(contentsOf: text[range])
                current.append(0)
                if lexical { continue }
                lookups += 1
                guard lookups <= maxLookups else {
                    lexical = true
                    continue
                }
                let length = current.withUnsafeBufferPointer { path in
                    path.withMemoryRebound(to: CChar.self) { readlink($0.baseAddress!, target.baseAddress!, target.count) }
                }
                if length < 0 {
                    // EINVAL: it exists and is not a link. Anything else (missing, not a
                    // directory, not searchable): the rest is lexical.
                    if errno != EINVAL { lexical = true }
                    continue
                }
                links += 1
                guard links <= maxLinks, length > 0, length < target.count else {
                    lexical = true
                    continue
                }
                // The link's target replaces it: relative to the link's directory, or to the
                // root when absolute.
                let start = text.count
                text.append(contentsOf: UnsafeRawBufferPointer(start: target.baseAddress!, count: length))
                if text[start] == UInt8(ascii: "/") {
                    current.removeAll(keepingCapacity: true)
                } else {
                    current.removeSubrange(parentLength...)
                }
                current.append(0)
                appendComponents(of: text, in: start..<text.count, to: &pending)
            }
        }
        current.removeLast()
        let real = current.isEmpty ? "/" : String(decoding: current, as: UTF8.self)
        return real == path ? nil : real
    }

    /// Pushes the `/`-separated components of `text[range]` onto `pending`, the first one last.
    private static func appendComponents(of text: [UInt8], in range: Range<Int>, to pending: inout [Range<Int>]) {
        var end = range.upperBound
        var index = range.upperBound
        while index > range.lowerBound {
            index -= 1
            if text[index] == UInt8(ascii: "/") {
                if end > index + 1 { pending.append((index + 1)..<end) }
                end = index
            }
        }
        if end > range.lowerBound { pending.append(range.lowerBound..<end) }
    }
}
