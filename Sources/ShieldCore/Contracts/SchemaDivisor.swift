/// A `multipleOf` divisor: `mantissa × 10^scale`, the mantissa without trailing zeros.
struct SchemaDivisor: Sendable, Hashable {
    var mantissa: UInt64
    var scale: Int
    /// The keyword's source text, for messages.
    var text: String

    /// `nil` unless `number` is positive with at most 19 significant digits.
    init?(_ number: SchemaNumber, text: String) {
        guard !number.isNegative, !number.isZero, number.digits.count <= 19 else { return nil }
        mantissa = number.digits.reduce(0) { $0 * 10 + UInt64($1) }
        scale = number.exponent - number.digits.count
        self.text = text
    }
}
