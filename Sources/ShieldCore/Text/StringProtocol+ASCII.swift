extension StringProtocol {
    /// Whether the ASCII character `ascii` occurs in the text, compared by UTF-8 byte: what a
    /// shell or a URL parser sees. With Foundation imported, `contains(":")` resolves to
    /// Foundation's `range(of:)`, thousands of instructions for a one-byte search.
    @inline(__always)
    func contains(ascii: Unicode.Scalar) -> Bool {
        utf8.contains(UInt8(ascii: ascii))
    }

    /// Whether the text starts with the ASCII character `ascii`, compared by UTF-8 byte.
    @inline(__always)
    func hasPrefix(ascii: Unicode.Scalar) -> Bool {
        utf8.first == UInt8(ascii: ascii)
    }
}
