/// An exact decimal read from a JSON number's source text, for ``JSONSchema``'s numeric keywords.
///
/// The value is `±0.d₁d₂…dₙ × 10^exponent` with no leading or trailing zero digits, so two numbers
/// are equal exactly when their fields are: `1`, `1.0`, `10e-1` and `0.1e1` are one value, and the
/// synthesized `Hashable` conformance is numeric equality. Nothing is rounded through `Double`, so
/// `9007199254740993` and `9007199254740992` stay different and integers beyond `Int64` are still
/// known to be integral.
///
/// It does not do arithmetic beyond what the keywords need. Exponents are saturated at
/// ±``exponentBound``: numbers written with exponents that large (`1e9999999999`) compare as if
/// their exponents were that bound.
struct SchemaNumber: Hashable, Sendable, Comparable {
    /// Exponents written beyond this magnitude saturate.
    static let exponentBound = 1_000_000_000

    var isNegative: Bool
    /// Significant decimal digits, each 0…9, without leading or trailing zeros; empty for zero.
    var digits: [UInt8]
    /// The power of ten the digits, read as a fraction `0.d₁d₂…`, are multiplied by.
    var exponent: Int

    /// Reads a number in the JSON grammar (`-?digits(.digits)?([eE][+-]?digits)?`); `nil` for
    /// anything else.
    init?(_ text: String) {
        var text = text
        text.makeContiguousUTF8()
        guard let number = text.utf8.withContiguousStorageIfAvailable({ Self.parse($0) }) ?? Self.parse(Array(text.utf8)) else {
            return nil
        }
        self = number
    }

    private init(isNegative: Bool, digits: [UInt8], exponent: Int) {
        self.isNegative = isNegative
        self.digits = digits
        self.exponent = exponent
    }

    private static func parse(_ bytes: some RandomAccessCollection<UInt8>) -> SchemaNumber? {
        func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        var i = bytes.startIndex
        var negative = false
        if i < bytes.endIndex, bytes[i] == UInt8(ascii: "-") {
            negative = true
            i = bytes.index(after: i)
        }
        var digits: [UInt8] = []
        // Where the decimal point sits relative to the first kept digit.
        var point = 0
        func take(_ byte: UInt8, beforePoint: Bool) {
            let digit = byte - UInt8(ascii: "0")
            if digits.isEmpty, digit == 0 {
                // A leading zero: after the point it shifts the point left; before it, nothing.
                if !beforePoint { point -= 1 }
                return
            }
            digits.append(digit)
            if beforePoint { point += 1 }
        }
        let integerStart = i
        while i < bytes.endIndex, isDigit(bytes[i]) {
            take(bytes[i], beforePoint: true)
            i = bytes.index(after: i)
        }
        guard i != integerStart else { return nil }
        if i < bytes.endIndex, bytes[i] == UInt8(ascii: ".") {
            i = bytes.index(after: i)
            let fractionStart = i
            while i < bytes.endIndex, isDigit(bytes[i]) {
                take(bytes[i], beforePoint: false)
                i = bytes.index(after: i)
            }
            guard i != fractionStart else { return nil }
        }
        var written = 0
        if i < bytes.endIndex, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i = bytes.index(after: i)
            var exponentNegative = false
            if i < bytes.endIndex, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") {
                exponentNegative = bytes[i] == UInt8(ascii: "-")
                i = bytes.index(after: i)
            }
            let exponentStart = i
            while i < bytes.endIndex, isDigit(bytes[i]) {
                if written <= exponentBound { written = written * 10 + Int(bytes[i] - UInt8(ascii: "0")) }
                i = bytes.index(after: i)
            }
            guard i != exponentStart else { return nil }
            if exponentNegative { written = -written }
        }
        guard i == bytes.endIndex else { return nil }
        while digits.last == 0 { digits.removeLast() }
        if digits.isEmpty { return SchemaNumber(isNegative: false, digits: [], exponent: 0) }
        let exponent = min(max(point + written, -exponentBound), exponentBound)
        return SchemaNumber(isNegative: negative, digits: digits, exponent: exponent)
    }

    var isZero: Bool { digits.isEmpty }

    /// Whether the value is a whole number (`1`, `1.0`, `1e2`, `-0`; not `1.5` or `1e-1`).
    var isIntegral: Bool { digits.count <= exponent }

    /// Whether `text` is a JSON number with an integral value. Plain integers are answered
    /// without building a ``SchemaNumber``.
    static func isIntegral(_ text: String) -> Bool {
        var plain = true
        for (offset, byte) in text.utf8.enumerated() where !(byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) {
            if offset == 0, byte == UInt8(ascii: "-") { continue }
            plain = false
            break
        }
        if plain, text.utf8.contains(where: { $0 != UInt8(ascii: "-") }) { return true }
        return SchemaNumber(text)?.isIntegral ?? false
    }

    /// The value as an `Int` when it is a non-negative integer; values beyond `Int.max` are
    /// `Int.max`. `nil` for negative or fractional values.
    var nonNegativeInt: Int? {
        guard !isNegative, isIntegral else { return nil }
        guard exponent <= 18 else { return Int.max }
        var value = 0
        for position in 0..<exponent {
            value = value * 10 + (position < digits.count ? Int(digits[position]) : 0)
        }
        return value
    }

    /// The value as an `Int` when it is an integer of at most 18 digits, else `nil`.
    var smallInteger: Int? {
        guard isIntegral, exponent <= 18 else { return nil }
        var value = 0
        for position in 0..<exponent {
            value = value * 10 + (position < digits.count ? Int(digits[position]) : 0)
        }
        return isNegative ? -value : value
    }

    /// `text` as an `Int` when it is a plain integer (`-?[0-9]{1,18}`), without building a
    /// ``SchemaNumber``; `nil` otherwise.
    static func smallInteger(_ text: String) -> Int? {
        var utf8 = text.utf8[...]
        let negative = utf8.first == UInt8(ascii: "-")
        if negative { utf8 = utf8.dropFirst() }
        guard !utf8.isEmpty, utf8.count <= 18 else { return nil }
        var value = 0
        for byte in utf8 {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return negative ? -value : value
    }

    /// -1, 0 or 1.
    private var signum: Int { isZero ? 0 : (isNegative ? -1 : 1) }

    static func < (lhs: SchemaNumber, rhs: SchemaNumber) -> Bool {
        let (left, right) = (lhs.signum, rhs.signum)
        if left != right { return left < right }
        if left == 0 { return false }
        // Same sign, both non-zero: compare magnitudes, then flip for negatives.
        var order = 0
        if lhs.exponent != rhs.exponent {
            order = lhs.exponent < rhs.exponent ? -1 : 1
        } else if let (a, b) = zip(lhs.digits, rhs.digits).first(where: { $0 != $1 }) {
            order = a < b ? -1 : 1
        } else if lhs.digits.count != rhs.digits.count {
            // No trailing zeros: the longer digit string is the larger magnitude.
            order = lhs.digits.count < rhs.digits.count ? -1 : 1
        }
        return left < 0 ? order > 0 : order < 0
    }
}
