internal import CShieldSIMD

/// Byte classes for sixteen bytes at once: each function takes a chunk of sixteen bytes and
/// returns a chunk whose lanes have the high bit set where the byte is in the class (and clear
/// where it is not), and ``bits(_:)`` packs those high bits into sixteen bits, one per byte.
///
/// The text scanners (``SecretScanner``, ``InstructionScanner``) use them to find the few bytes
/// worth a closer look — word starts, marker bytes — without a branch per byte. The operations
/// are the ones the compiler turns into SSE2 / NEON instructions (wrapping add and subtract,
/// bitwise logic, lane equality; Swift's `.<` on bytes is not one of them, so a range test is
/// done with arithmetic, exact per lane), and `pmovmskb` from `CShieldSIMD`.
enum ByteLanes {
    typealias Chunk = SIMD16<UInt8>

    /// The sixteen bytes at `offset`; past `count`, lanes are zero (a byte in no class here).
    @inline(__always) static func load(_ base: UnsafeRawPointer, _ offset: Int, count: Int) -> Chunk {
        if offset + 16 <= count { return base.loadUnaligned(fromByteOffset: offset, as: Chunk.self) }
        var chunk = Chunk(repeating: 0)
        if offset < count {
            withUnsafeMutableBytes(of: &chunk) { $0.copyMemory(from: UnsafeRawBufferPointer(start: base + offset, count: count - offset)) }
        }
        return chunk
    }

    /// Lanes whose byte `b` is ASCII and `low < b < high` (`high` at most 128).
    @inline(__always) static func lanes(_ x: Chunk, above low: UInt8, below high: UInt8) -> Chunk {
        // Per lane, on the low seven bits t: (127 + high - t) has bit 7 set when t < high, and
        // (t + 127 - low) when t > low; neither borrows nor carries out of the lane.
        let t = x & 0x7F
        return (Chunk(repeating: 127 &+ high) &- t) & ~x & (t &+ Chunk(repeating: 127 &- low)) & 0x80
    }

    /// Lanes whose byte is `byte` (any byte, ASCII or not); the lane is all ones.
    @inline(__always) static func lanes(_ x: Chunk, equalTo byte: UInt8) -> Chunk {
        // A mask of sixteen byte lanes is stored as sixteen bytes of 0 or 0xFF.
        unsafeBitCast(x .== Chunk(repeating: byte), to: Chunk.self)
    }

    /// ASCII letters.
    @inline(__always) static func letters(_ x: Chunk) -> Chunk {
        lanes(x | 0x20, above: 0x60, below: 0x7B)
    }

    /// ASCII digits.
    @inline(__always) static func digits(_ x: Chunk) -> Chunk {
        lanes(x, above: 0x2F, below: 0x3A)
    }

    /// Word bytes: letters (given), digits and `_`.
    @inline(__always) static func words(_ x: Chunk, letters: Chunk) -> Chunk {
        letters | digits(x) | lanes(x, equalTo: 0x5F)
    }

    /// The index of the first byte of `bytes` at or after `start` that is not ASCII, or
    /// `bytes.count`: sixteen bytes at a time (a byte's high bit is its lane's bit).
    static func firstNonASCII(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        guard let address = bytes.baseAddress else { return 0 }
        let base = UnsafeRawPointer(address)
        var offset = start
        while offset < bytes.count {
            let high = bits(load(base, offset, count: bytes.count))
            if high != 0 { return offset + high.trailingZeroBitCount }
            offset += 16
        }
        return bytes.count
    }

    /// The lanes' high bits as sixteen bits, lane `i` at bit `i` (one `pmovmskb` on x86): four
    /// chunks make one 64-bit mask of a 64-byte block, so a scan loops over a block's
    /// candidates once (each loop's end is a branch the CPU cannot predict) and finds a word's
    /// end with one bit count.
    @inline(__always) static func bits(_ lanes: Chunk) -> UInt64 {
        UInt64(shield_high_bits(lanes))
    }
}
