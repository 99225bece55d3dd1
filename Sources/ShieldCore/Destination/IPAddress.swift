/// An IPv4 or IPv6 address, parsed the way a browser or HTTP client would read it.
///
/// IPv4 text is read with the WHATWG URL Standard's IPv4 parser, which accepts the legacy forms
/// that `inet_aton` and every major HTTP client accept: 1 to 4 parts, each decimal, octal
/// (`0177`) or hex (`0x7f`), the last part filling the remaining bytes — so `127.1`,
/// `2130706433`, `0x7f.1` and `017700000001` are all 127.0.0.1.
///
/// ```swift
/// IPAddress.parseIPv4("127.1")        // .v4(0x7f00_0001)
/// IPAddress.parseIPv6("::ffff:a9fe:a9fe")  // .v6(0, 0x0000_ffff_a9fe_a9fe)
/// ```
public enum IPAddress: Sendable, Hashable, CustomStringConvertible {
    case v4(UInt32)
    /// High and low 64 bits.
    case v6(UInt64, UInt64)

    public var description: String {
        switch self {
        case .v4(let a): return Self.format(v4: a)
        case .v6(let hi, let lo):
            var pieces: [UInt16] = []
            for shift in stride(from: 48, through: 0, by: -16) { pieces.append(UInt16(truncatingIfNeeded: hi >> UInt64(shift))) }
            for shift in stride(from: 48, through: 0, by: -16) { pieces.append(UInt16(truncatingIfNeeded: lo >> UInt64(shift))) }
            // Compress the longest run of zeros (RFC 5952).
            var bestStart = -1, bestLength = 1, runStart = -1
            for i in 0...8 {
                if i < 8, pieces[i] == 0 {
                    if runStart < 0 { runStart = i }
                } else if runStart >= 0 {
                    if i - runStart > bestLength { bestStart = runStart; bestLength = i - runStart }
                    runStart = -1
                }
            }
            var text = ""
            var i = 0
            while i < 8 {
                if i == bestStart {
                    text += i == 0 ? "::" : ":"
                    i += bestLength
                    continue
                }
                text += String(pieces[i], radix: 16)
                if i < 7 { text += ":" }
                i += 1
            }
            return text
        }
    }

    static func format(v4 a: UInt32) -> String {
        "\(a >> 24).\((a >> 16) & 0xff).\((a >> 8) & 0xff).\(a & 0xff)"
    }

    // MARK: - IPv4

    /// Whether a host string "ends in a number" (WHATWG): then it must parse as IPv4 or the URL
    /// is invalid.
    static func endsInNumber<S: StringProtocol>(_ host: S) -> Bool {
        var host = String(host)
        return host.withUTF8(endsInNumber)
    }

    static func endsInNumber(_ host: UnsafeBufferPointer<UInt8>) -> Bool {
        var end = host.count
        if end > 0, host[end - 1] == UInt8(ascii: ".") {
            end -= 1
            if end == 0 { return false }
        }
        var start = end
        while start > 0, host[start - 1] != UInt8(ascii: ".") { start -= 1 }
        let last = host[start..<end]
        guard !last.isEmpty else { return false }
        if last.allSatisfy({ $0 &- 48 < 10 }) { return true }
        guard last.count >= 2, host[start] == UInt8(ascii: "0"), host[start + 1] | 0x20 == UInt8(ascii: "x") else { return false }
        return last.dropFirst(2).allSatisfy { $0.isHexDigit }
    }

    /// Parses IPv4 text in any legacy form (WHATWG IPv4 parser). `nil` when it is not valid.
    public static func parseIPv4<S: StringProtocol>(_ text: S) -> IPAddress? {
        var parts = text.split(separator: ".", omittingEmptySubsequences: false)
        if parts.last?.isEmpty == true, parts.count > 1 { parts.removeLast() }
        guard (1...4).contains(parts.count) else { return nil }
        var numbers: [UInt64] = []
        for part in parts {
            guard let n = parseIPv4Number(part) else { return nil }
            numbers.append(n)
        }
        for n in numbers.dropLast() where n > 255 { return nil }
        let last = numbers.last!
        guard last < (1 << (8 * UInt64(5 - numbers.count))) else { return nil }
        var address = last
        for (i, n) in numbers.dropLast().enumerated() {
            address += n << (8 * UInt64(3 - i))
        }
        return .v4(UInt32(address))
    }

    /// Strict dotted-quad: four decimal parts 0–255, no leading zeros beyond "0".
    public static func parseDottedQuad<S: StringProtocol>(_ text: S) -> IPAddress? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var address: UInt32 = 0
        for part in parts {
            guard (1...3).contains(part.utf8.count), part.utf8.allSatisfy({ $0 &- 48 < 10 }),
                let n = UInt32(part), n <= 255
            else { return nil }
            address = address << 8 | n
        }
        return .v4(address)
    }

    private static func parseIPv4Number<S: StringProtocol>(_ part: S) -> UInt64? {
        var digits = Substring(part)
        guard !digits.isEmpty else { return nil }
        var radix = 10
        if digits.count >= 2, digits.hasPrefix("0x") || digits.hasPrefix("0X") {
            digits = digits.dropFirst(2)
            radix = 16
        } else if digits.count >= 2, digits.hasPrefix("0") {
            digits = digits.dropFirst()
            radix = 8
        }
        if digits.isEmpty { return 0 }
        // Cap the length so huge numbers fail instead of overflowing.
        guard digits.utf8.count <= 32 else { return nil }
        guard let value = UInt64(digits, radix: radix), value <= UInt64(UInt32.max) else { return nil }
        return value
    }

    // MARK: - IPv6

    /// Parses IPv6 text without brackets (WHATWG IPv6 parser, plus an optional `%zone` suffix that
    /// is dropped). `nil` when it is not valid.
    public static func parseIPv6<S: StringProtocol>(_ text: S, allowZone: Bool = false) -> IPAddress? {
        var input = Substring(text)
        if let percent = input.firstIndex(of: "%") {
            guard allowZone, input.index(after: percent) < input.endIndex else { return nil }
            input = input[..<percent]
        }
        let c = Array(input.utf8)
        var pieces = [UInt16](repeating: 0, count: 8)
        var pieceIndex = 0
        var compress: Int?
        var p = 0
        if p < c.count, c[p] == UInt8(ascii: ":") {
            guard p + 1 < c.count, c[p + 1] == UInt8(ascii: ":") else { return nil }
            p += 2
            pieceIndex += 1
            compress = pieceIndex
        }
        while p < c.count {
            guard pieceIndex < 8 else { return nil }
            if c[p] == UInt8(ascii: ":") {
                guard compress == nil else { return nil }
                p += 1
                pieceIndex += 1
                compress = pieceIndex
                continue
            }
            var value: UInt16 = 0
            var length = 0
            while length < 4, p < c.count, let digit = c[p].hexValue {
                value = value << 4 | UInt16(digit)
                p += 1
                length += 1
            }
            if p < c.count, c[p] == UInt8(ascii: ".") {
                // An embedded IPv4 address in the last 32 bits.
                guard length > 0, pieceIndex <= 6 else { return nil }
                p -= length
                var numbersSeen = 0
                while p < c.count {
                    var ipv4Piece: Int?
                    if numbersSeen > 0 {
                        guard c[p] == UInt8(ascii: "."), numbersSeen < 4 else { return nil }
                        p += 1
                    }
                    guard p < c.count, c[p] &- 48 < 10 else { return nil }
                    while p < c.count, c[p] &- 48 < 10 {
                        let number = Int(c[p] - 48)
                        if let current = ipv4Piece {
                            guard current != 0 else { return nil }
                            ipv4Piece = current * 10 + number
                        } else {
                            ipv4Piece = number
                        }
                        guard ipv4Piece! <= 255 else { return nil }
                        p += 1
                    }
                    pieces[pieceIndex] = pieces[pieceIndex] << 8 | UInt16(ipv4Piece!)
                    numbersSeen += 1
                    if numbersSeen == 2 || numbersSeen == 4 { pieceIndex += 1 }
                }
                guard numbersSeen == 4 else { return nil }
                break
            } else if p < c.count, c[p] == UInt8(ascii: ":") {
                p += 1
                guard p < c.count else { return nil }
            } else if p < c.count {
                return nil
            }
            guard length > 0 else { return nil }
            pieces[pieceIndex] = value
            pieceIndex += 1
        }
        if let compress {
            var swaps = pieceIndex - compress
            pieceIndex = 7
            while pieceIndex != 0, swaps > 0 {
                pieces.swapAt(pieceIndex, compress + swaps - 1)
                pieceIndex -= 1
                swaps -= 1
            }
        } else if pieceIndex != 8 {
            return nil
        }
        var hi: UInt64 = 0, lo: UInt64 = 0
        for i in 0..<4 { hi = hi << 16 | UInt64(pieces[i]) }
        for i in 4..<8 { lo = lo << 16 | UInt64(pieces[i]) }
        return .v6(hi, lo)
    }
}

extension UInt8 {
    var isHexDigit: Bool { hexValue != nil }
    var hexValue: UInt8? {
        switch self {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): self - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): self - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): self - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
