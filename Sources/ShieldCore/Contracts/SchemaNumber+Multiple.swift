/// `multipleOf`, exactly.
extension SchemaNumber {
    /// Whether the value divided by `divisor` is an integer, computed exactly.
    ///
    /// With the value `A × 10^p` and the divisor `B × 10^q` (`A`, `B` without trailing zeros), the
    /// quotient is integral when `p ≥ q` and `B` divides `A × 10^(p−q)` — found with modular
    /// arithmetic on `A`'s digits, whatever its length. When `p < q` it never is: `A` would have
    /// to end in a zero.
    func isMultiple(of divisor: SchemaDivisor) -> Bool {
        if isZero { return true }
        let scale = exponent - digits.count
        guard scale >= divisor.scale else { return false }
        let modulus = divisor.mantissa
        var remainder: UInt64 = 0
        for digit in digits {
            // remainder < modulus, so the high word of remainder × 10 + digit stays below it.
            let (high, low) = remainder.multipliedFullWidth(by: 10)
            let (sum, carry) = low.addingReportingOverflow(UInt64(digit))
            remainder = modulus.dividingFullWidth((high + (carry ? 1 : 0), sum)).remainder
        }
        let shift = Self.power(10 % modulus, scale - divisor.scale, modulo: modulus)
        return Self.multiply(remainder, shift, modulo: modulus) == 0
    }

    private static func multiply(_ a: UInt64, _ b: UInt64, modulo m: UInt64) -> UInt64 {
        let (high, low) = a.multipliedFullWidth(by: b)
        return m.dividingFullWidth((high, low)).remainder
    }

    private static func power(_ base: UInt64, _ exponent: Int, modulo m: UInt64) -> UInt64 {
        var result = 1 % m
        var base = base
        var exponent = exponent
        while exponent > 0 {
            if exponent & 1 == 1 { result = multiply(result, base, modulo: m) }
            base = multiply(base, base, modulo: m)
            exponent >>= 1
        }
        return result
    }
}
