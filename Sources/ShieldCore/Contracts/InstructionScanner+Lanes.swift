/// Byte classes for eight bytes at once ("SIMD within a register"): each function returns the
/// high bit of every byte lane of a little-endian `UInt64` whose byte is in the class. Exact per
/// lane (no borrow crosses lanes); bytes of 0x80 and above are in no class.
///
/// The scan loop uses them to find word starts and marker bytes without a branch per byte.
extension InstructionScanner {
    static let ones: UInt64 = 0x0101_0101_0101_0101
    static let highBits: UInt64 = 0x8080_8080_8080_8080
    static let lowBits: UInt64 = 0x7F7F_7F7F_7F7F_7F7F

    /// Lanes whose byte `b` is ASCII and `low < b < high` (`high` at most 128).
    @inline(__always) static func lanes(_ x: UInt64, above low: UInt64, below high: UInt64) -> UInt64 {
        let t = x & lowBits
        return (ones &* (127 &+ high) &- t) & ~x & (t &+ ones &* (127 &- low)) & highBits
    }

    /// Lanes whose byte is `byte`.
    @inline(__always) static func lanes(_ x: UInt64, equalTo byte: UInt64) -> UInt64 {
        let y = x ^ (ones &* byte)
        return ~(((y & lowBits) &+ lowBits) | y | lowBits)
    }

    /// ASCII letters.
    @inline(__always) static func letterLanes(_ x: UInt64) -> UInt64 {
        lanes(x | (ones &* 0x20), above: 0x60, below: 0x7B)
    }

    /// Word bytes: letters (given), digits and `_`.
    @inline(__always) static func wordLanes(_ x: UInt64, letters: UInt64) -> UInt64 {
        letters | lanes(x, above: 0x2F, below: 0x3A) | lanes(x, equalTo: 0x5F)
    }

    /// Bytes that can start a marker or a path: `<`, `[`, `#`; `.` and `/` after a non-word byte
    /// and before a letter; `-` before `-`. (What follows the last lane is not known: it counts.)
    @inline(__always) static func triggerLanes(_ x: UInt64, letters: UInt64, afterNonWord: UInt64) -> UInt64 {
        let lastLane: UInt64 = 0x8000_0000_0000_0000
        let dashes = lanes(x, equalTo: 0x2D)
        let dotsAndSlashes = lanes(x, above: 0x2D, below: 0x30)
        return (dotsAndSlashes & afterNonWord & ((letters >> 8) | lastLane)) | (dashes & ((dashes >> 8) | lastLane)) | lanes(x, equalTo: 0x3C)
            | lanes(x, equalTo: 0x5B) | lanes(x, equalTo: 0x23)
    }
}
