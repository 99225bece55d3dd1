/// Why ``JSONParser`` refused a document, and where.
public struct JSONParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of problem.
    public enum Kind: Sendable, Hashable {
        case tooLarge(limit: Int)
        case tooDeep(limit: Int)
        case tooManyNodes(limit: Int)
        case unexpectedEnd
        case unexpectedByte(UInt8)
        case trailingData
        case invalidUTF8
        case loneSurrogate
        case duplicateKey(String)
        case invalidNumber
        case invalidEscape
        case controlCharacterInString
        case byteOrderMark
    }

    public var kind: Kind
    /// Byte offset into the input where the problem was found.
    public var offset: Int

    public init(_ kind: Kind, at offset: Int) {
        self.kind = kind
        self.offset = offset
    }

    /// Whether the document was refused for exceeding a work bound rather than for bad syntax.
    public var isLimit: Bool {
        switch kind {
        case .tooLarge, .tooDeep, .tooManyNodes: true
        default: false
        }
    }

    public var description: String {
        let what: String
        switch kind {
        case .tooLarge(let limit): what = "document larger than \(limit) bytes"
        case .tooDeep(let limit): what = "nesting deeper than \(limit) levels"
        case .tooManyNodes(let limit): what = "more than \(limit) values"
        case .unexpectedEnd: what = "unexpected end of input"
        case .unexpectedByte(let byte):
            let shown = (0x21...0x7E).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16))"
            what = "unexpected \(shown)"
        case .trailingData: what = "data after the end of the document"
        case .invalidUTF8: what = "invalid UTF-8"
        case .loneSurrogate: what = "lone UTF-16 surrogate in a \\u escape"
        case .duplicateKey(let key): what = "duplicate object key \"\(key.prefix(64))\""
        case .invalidNumber: what = "invalid number"
        case .invalidEscape: what = "invalid escape sequence"
        case .controlCharacterInString: what = "unescaped control character in a string"
        case .byteOrderMark: what = "byte-order mark before the document"
        }
        return "\(what) at byte \(offset)"
    }
}
