/// A strict, bounded, non-recursive JSON parser (RFC 8259).
///
/// It is the only JSON reader on the decision path. It refuses what two parsers could read
/// differently — duplicate object keys, invalid UTF-8, lone UTF-16 surrogates in `\u` escapes, a
/// byte-order mark, trailing data — and it bounds its own work: input size, nesting depth and node
/// count are checked as it goes, so a 100,000-deep document is refused at depth ``Limits/maxDepth``
/// after reading only that many bytes, and nothing can overflow the stack.
///
/// ```swift
/// let value = try JSONParser.parse(#"{"a": [1, "two", null]}"#)
/// ```
///
/// It does not accept JSON5, comments, `NaN`, or unquoted keys.
public struct JSONParser {
    /// Bounds on the work one parse may do. Exceeding any of them is an error, never a truncation.
    public struct Limits: Sendable, Hashable {
        /// The largest input accepted, in bytes.
        public var maxBytes: Int
        /// The deepest nesting of arrays and objects accepted.
        public var maxDepth: Int
        /// The largest number of values (scalars and containers) accepted.
        public var maxNodes: Int

        public init(maxBytes: Int = 32 << 20, maxDepth: Int = 128, maxNodes: Int = 1_000_000) {
            self.maxBytes = maxBytes
            self.maxDepth = maxDepth
            self.maxNodes = maxNodes
        }

        /// The limits used for tool-call arguments.
        public static let `default` = Limits()
    }

    /// Parses `text` as one JSON document.
    ///
    /// - Parameters:
    ///   - text: The document.
    ///   - limits: Bounds on size, depth and node count.
    /// - Throws: ``JSONParseError`` describing the first problem and its byte offset.
    public static func parse(_ text: String, limits: Limits = .default) throws(JSONParseError) -> JSONValue {
        var text = text
        // Native Swift strings are contiguous UTF-8; `makeContiguousUTF8` is a no-op for them.
        text.makeContiguousUTF8()
        let result: Result<JSONValue, JSONParseError> =
            text.utf8.withContiguousStorageIfAvailable { buffer in
                Result { () throws(JSONParseError) in try parse(bytes: UnsafeRawBufferPointer(buffer), limits: limits) }
            } ?? .failure(JSONParseError(.invalidUTF8, at: 0))
        return try result.get()
    }

    /// Parses UTF-8 `bytes` as one JSON document.
    ///
    /// - Throws: ``JSONParseError`` describing the first problem and its byte offset.
    public static func parse(bytes: UnsafeRawBufferPointer, limits: Limits = .default) throws(JSONParseError) -> JSONValue {
        guard bytes.count <= limits.maxBytes else {
            throw JSONParseError(.tooLarge(limit: limits.maxBytes), at: 0)
        }
        var parser = JSONParser(bytes: bytes.bindMemory(to: UInt8.self), limits: limits)
        return try parser.parseDocument()
    }

    /// An open container. Frames are mutated in place on the stack, so appending never copies
    /// the elements gathered so far.
    private struct Frame {
        var isObject: Bool
        var elements: [JSONValue] = []
        var members: [(key: String, value: JSONValue)] = []
        var keys: Set<String>? = nil
        var pendingKey = ""

        static func array() -> Frame { Frame(isObject: false) }
        static func object(_ key: String) -> Frame { Frame(isObject: true, pendingKey: key) }
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private let limits: Limits
    private var index = 0
    private var nodes = 0
    private var scratch: [UInt8] = []

    private init(bytes: UnsafeBufferPointer<UInt8>, limits: Limits) {
        self.bytes = bytes
        self.limits = limits
    }

    private mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
            throw JSONParseError(.byteOrderMark, at: 0)
        }
        var stack: [Frame] = []
        var value: JSONValue

        // Each turn either opens a container (and continues with its first element) or produces a
        // complete `value`, which is then folded into the enclosing containers.
        parseValue: while true {
            skipWhitespace()
            guard index < bytes.count else { throw error(.unexpectedEnd) }
            try countNode()
            switch bytes[index] {
            case UInt8(ascii: "["):
                index += 1
                try push(&stack, .array())
                skipWhitespace()
                if peek() == UInt8(ascii: "]") {
                    index += 1
                    stack.removeLast()
                    value = .array([])
                } else {
                    continue parseValue
                }
            case UInt8(ascii: "{"):
                index += 1
                skipWhitespace()
                if peek() == UInt8(ascii: "}") {
                    index += 1
                    try checkDepth(stack.count + 1)
                    value = .object([])
                } else {
                    let key = try parseKey()
                    try push(&stack, .object(key))
                    continue parseValue
                }
            case UInt8(ascii: "\""):
                value = .string(try parseString())
            case UInt8(ascii: "t"):
                try expectLiteral("true")
                value = .bool(true)
            case UInt8(ascii: "f"):
                try expectLiteral("false")
                value = .bool(false)
            case UInt8(ascii: "n"):
                try expectLiteral("null")
                value = .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                value = .number(try parseNumber())
            default:
                throw error(.unexpectedByte(bytes[index]))
            }

            // Fold the finished value into its parents until one of them wants another element.
            while true {
                guard !stack.isEmpty else {
                    skipWhitespace()
                    guard index == bytes.count else { throw error(.trailingData) }
                    return value
                }
                let top = stack.count - 1
                skipWhitespace()
                if !stack[top].isObject {
                    stack[top].elements.append(value)
                    switch peek() {
                    case UInt8(ascii: ","):
                        index += 1
                        continue parseValue
                    case UInt8(ascii: "]"):
                        index += 1
                        value = .array(stack.removeLast().elements)
                    case nil: throw error(.unexpectedEnd)
                    case let byte?: throw error(.unexpectedByte(byte))
                    }
                } else {
                    stack[top].members.append((stack[top].pendingKey, value))
                    switch peek() {
                    case UInt8(ascii: ","):
                        index += 1
                        skipWhitespace()
                        let keyOffset = index
                        let key = try parseKey()
                        if stack[top].keys != nil {
                            guard stack[top].keys!.insert(key).inserted else {
                                throw JSONParseError(.duplicateKey(key), at: keyOffset)
                            }
                        } else if stack[top].members.contains(where: { $0.key == key }) {
                            throw JSONParseError(.duplicateKey(key), at: keyOffset)
                        } else if stack[top].members.count >= 16 {
                            stack[top].keys = Set(stack[top].members.map(\.key) + [key])
                        }
                        stack[top].pendingKey = key
                        continue parseValue
                    case UInt8(ascii: "}"):
                        index += 1
                        value = .object(stack.removeLast().members)
                    case nil: throw error(.unexpectedEnd)
                    case let byte?: throw error(.unexpectedByte(byte))
                    }
                }
            }
        }
    }

    // MARK: - Pieces

    private mutating func push(_ stack: inout [Frame], _ frame: Frame) throws(JSONParseError) {
        try checkDepth(stack.count + 1)
        stack.append(frame)
    }

    private func checkDepth(_ depth: Int) throws(JSONParseError) {
        if depth > limits.maxDepth { throw error(.tooDeep(limit: limits.maxDepth)) }
    }

    private mutating func countNode() throws(JSONParseError) {
        nodes += 1
        if nodes > limits.maxNodes { throw error(.tooManyNodes(limit: limits.maxNodes)) }
    }

    private func peek() -> UInt8? {
        index < bytes.count ? bytes[index] : nil
    }

    private func error(_ kind: JSONParseError.Kind) -> JSONParseError {
        JSONParseError(kind, at: index)
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private mutating func parseKey() throws(JSONParseError) -> String {
        guard peek() == UInt8(ascii: "\"") else {
            if let byte = peek() { throw error(.unexpectedByte(byte)) }
            throw error(.unexpectedEnd)
        }
        let key = try parseString()
        skipWhitespace()
        guard peek() == UInt8(ascii: ":") else {
            if let byte = peek() { throw error(.unexpectedByte(byte)) }
            throw error(.unexpectedEnd)
        }
        index += 1
        return key
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
        let count = literal.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw error(.unexpectedEnd) }
        let start = literal.utf8Start
        for offset in 0..<count where bytes[index + offset] != start[offset] {
            index += offset
            throw error(.unexpectedByte(bytes[index]))
        }
        index += count
    }

    private mutating func parseNumber() throws(JSONParseError) -> String {
        let start = index
        func digits(_ index: inout Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Int {
            let begin = index
            while index < bytes.count, bytes[index] &- UInt8(ascii: "0") < 10 { index += 1 }
            return index - begin
        }
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count else { throw error(.invalidNumber) }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else if digits(&index, bytes) == 0 {
            throw error(.invalidNumber)
        }
        if peek() == UInt8(ascii: ".") {
            index += 1
            guard digits(&index, bytes) > 0 else { throw error(.invalidNumber) }
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            index += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { index += 1 }
            guard digits(&index, bytes) > 0 else { throw error(.invalidNumber) }
        }
        if let next = peek(), next &- UInt8(ascii: "0") < 10 { throw error(.invalidNumber) }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
    }

    /// Parses a string starting at the opening quote; validates UTF-8 and escapes.
    private mutating func parseString() throws(JSONParseError) -> String {
        index += 1  // opening quote
        let start = index
        // Fast path: no escapes. Scan for the closing quote, validating as we go.
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let slice = UnsafeBufferPointer(rebasing: bytes[start..<index])
                index += 1
                return String(decoding: slice, as: UTF8.self)
            } else if byte == UInt8(ascii: "\\") {
                break
            } else if byte < 0x20 {
                throw error(.controlCharacterInString)
            } else if byte < 0x80 {
                index += 1
            } else {
                try skipUTF8Scalar()
            }
        }
        guard index < bytes.count else { throw JSONParseError(.unexpectedEnd, at: bytes.count) }

        // Slow path: the string has escapes; build it in the scratch buffer.
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return String(decoding: scratch, as: UTF8.self)
            } else if byte == UInt8(ascii: "\\") {
                try parseEscape()
            } else if byte < 0x20 {
                throw error(.controlCharacterInString)
            } else if byte < 0x80 {
                scratch.append(byte)
                index += 1
            } else {
                let scalarStart = index
                try skipUTF8Scalar()
                scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[scalarStart..<index]))
            }
        }
        throw JSONParseError(.unexpectedEnd, at: bytes.count)
    }

    private mutating func parseEscape() throws(JSONParseError) {
        index += 1
        guard index < bytes.count else { throw error(.unexpectedEnd) }
        let byte = bytes[index]
        index += 1
        switch byte {
        case UInt8(ascii: "\""): scratch.append(0x22)
        case UInt8(ascii: "\\"): scratch.append(0x5C)
        case UInt8(ascii: "/"): scratch.append(0x2F)
        case UInt8(ascii: "b"): scratch.append(0x08)
        case UInt8(ascii: "f"): scratch.append(0x0C)
        case UInt8(ascii: "n"): scratch.append(0x0A)
        case UInt8(ascii: "r"): scratch.append(0x0D)
        case UInt8(ascii: "t"): scratch.append(0x09)
        case UInt8(ascii: "u"):
            let escapeStart = index - 2
            var code = UInt32(try parseHex4())
            if (0xD800...0xDBFF).contains(code) {
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
                else { throw JSONParseError(.loneSurrogate, at: escapeStart) }
                index += 2
                let low = UInt32(try parseHex4())
                guard (0xDC00...0xDFFF).contains(low) else { throw JSONParseError(.loneSurrogate, at: escapeStart) }
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(code) {
                throw JSONParseError(.loneSurrogate, at: escapeStart)
            }
            // Valid by construction: not a surrogate, at most 0x10FFFF.
            scratch.append(contentsOf: Array(String(Character(Unicode.Scalar(code)!)).utf8))
        default:
            index -= 1
            throw error(.invalidEscape)
        }
    }

    private mutating func parseHex4() throws(JSONParseError) -> UInt16 {
        guard index + 4 <= bytes.count else { throw error(.unexpectedEnd) }
        var value: UInt16 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw error(.invalidEscape)
            }
            value = value << 4 | UInt16(digit)
            index += 1
        }
        return value
    }

    /// Advances over one multi-byte UTF-8 scalar, rejecting overlong forms, surrogates and values
    /// above U+10FFFF (RFC 3629).
    private mutating func skipUTF8Scalar() throws(JSONParseError) {
        let lead = bytes[index]
        let length: Int
        var lower: UInt8 = 0x80
        var upper: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; lower = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; upper = 0x9F
        case 0xF0: length = 4; lower = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; upper = 0x8F
        default: throw error(.invalidUTF8)
        }
        guard index + length <= bytes.count else { throw error(.invalidUTF8) }
        let second = bytes[index + 1]
        guard second >= lower, second <= upper else { throw error(.invalidUTF8) }
        for offset in 2..<max(length, 2) where bytes[index + offset] & 0xC0 != 0x80 {
            throw error(.invalidUTF8)
        }
        index += length
    }
}
