internal import Foundation

/// A URL host after canonicalization: an IP address or a lower-case domain name.
///
/// Canonicalization follows the WHATWG URL Standard's host parser: percent-decoding, Unicode
/// compatibility mapping (so fullwidth `１２７．０．０．１` and ideographic full stops `。` become
/// ASCII), removal of default-ignorable characters, lower-casing, forbidden code points rejected,
/// and a host that ends in a number must be a valid IPv4 address in one of its legacy forms.
///
/// ```swift
/// Host.parse("%31%32%37.1")  // .ip(.v4(0x7f000001))
/// Host.parse("ＬＯＣＡＬＨＯＳＴ.")  // .name("localhost")
/// ```
///
/// It does not implement full UTS #46 (no Punycode conversion): a non-ASCII name stays Unicode,
/// which can only make an allow-list miss (fail closed), never make an internal host look public.
public enum Host: Sendable, Hashable, CustomStringConvertible {
    case ip(IPAddress)
    /// A domain name, lower-case, without a trailing dot.
    case name(String)

    public var description: String {
        switch self {
        case .ip(.v6(let hi, let lo)): "[\(IPAddress.v6(hi, lo))]"
        case .ip(let address): address.description
        case .name(let name): name
        }
    }

    /// Why a host could not be parsed.
    public struct ParseError: Error, Sendable, Hashable {
        public var message: String
    }

    /// Parses a URL host (the part between `//`/userinfo and `:port`/path).
    ///
    /// - Parameter allowZone: accept an IPv6 zone id (`fe80::1%eth0`), as host-valued arguments
    ///   may carry one; URLs may not.
    public static func parse<S: StringProtocol>(_ raw: S, allowZone: Bool = false) -> Result<Host, ParseError> {
        let input = Substring(raw)
        guard !input.isEmpty else { return .failure(ParseError(message: "empty host")) }
        if input.hasPrefix("[") {
            guard input.hasSuffix("]"), input.count >= 2,
                let address = IPAddress.parseIPv6(input.dropFirst().dropLast(), allowZone: allowZone)
            else { return .failure(ParseError(message: "invalid IPv6 address \(input.prefix(64))")) }
            return .success(.ip(address))
        }
        var name: String
        if !input.utf8.contains(where: { $0 == UInt8(ascii: "%") || $0 >= 0x80 }) {
            // The common case, plain ASCII: lower-case while copying.
            name = String(unsafeUninitializedCapacity: input.utf8.count) { buffer in
                var i = 0
                for byte in input.utf8 {
                    buffer[i] = ByteSearch.lower(byte)
                    i += 1
                }
                return i
            }
        } else {
            // Percent-decode, then require UTF-8.
            var bytes: [UInt8] = []
            bytes.reserveCapacity(input.utf8.count)
            var utf8 = input.utf8[...]
            while let byte = utf8.popFirst() {
                if byte == UInt8(ascii: "%"), utf8.count >= 2,
                    let high = utf8[utf8.startIndex].hexValue, let low = utf8[utf8.index(after: utf8.startIndex)].hexValue
                {
                    bytes.append(high << 4 | low)
                    utf8 = utf8.dropFirst(2)
                } else {
                    bytes.append(byte)
                }
            }
            guard let decoded = String(validating: bytes, as: UTF8.self) else {
                return .failure(ParseError(message: "host is not valid UTF-8 after percent-decoding"))
            }
            name = decoded.utf8.allSatisfy({ $0 < 0x80 }) ? ByteSearch.lowercased(decoded) : mapUnicode(decoded)
        }
        if !name.utf8.allSatisfy({ $0 < 0x80 }) { name = name.lowercased() }
        for scalar in name.unicodeScalars where isForbiddenDomainCodePoint(scalar) {
            return .failure(ParseError(message: "host contains forbidden character U+\(String(scalar.value, radix: 16, uppercase: true))"))
        }
        if IPAddress.endsInNumber(name) {
            guard let address = IPAddress.parseIPv4(name) else {
                return .failure(ParseError(message: "host \"\(name.prefix(64))\" ends in a number but is not a valid IPv4 address"))
            }
            return .success(.ip(address))
        }
        if name.hasSuffix(".") { name.removeLast() }
        guard !name.isEmpty else { return .failure(ParseError(message: "empty host")) }
        if name.utf8.contains(UInt8(ascii: ":")) {
            // A bare IPv6 address given as a host value (not valid in a URL without brackets).
            guard let address = IPAddress.parseIPv6(name, allowZone: allowZone) else {
                return .failure(ParseError(message: "invalid host \"\(name.prefix(64))\""))
            }
            return .success(.ip(address))
        }
        return .success(.name(name))
    }

    /// UTS #46-style mapping subset: NFKC, ideographic full stops to ".", default-ignorables removed.
    static func mapUnicode(_ text: String) -> String {
        var mapped = String.UnicodeScalarView()
        for scalar in text.precomposedStringWithCompatibilityMapping.unicodeScalars {
            switch scalar.value {
            case 0x3002, 0xFF0E, 0xFF61: mapped.append(".")
            default:
                // UTS #46 maps default-ignorable code points (soft hyphen, zero-width and
                // invisible operators, shorthand format controls, variation selectors) to nothing.
                if scalar.properties.isDefaultIgnorableCodePoint || (0x1BCA0...0x1BCA3).contains(scalar.value) { continue }
                mapped.append(scalar)
            }
        }
        return String(mapped)
    }

    static func isForbiddenDomainCodePoint(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "\u{0}"..."\u{20}", "\u{7F}", "#", "%", "/", "<", ">", "?", "@", "[", "\\", "]", "^", "|": true
        default: false
        }
    }
}
