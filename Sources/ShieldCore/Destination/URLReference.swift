/// The parts of a URL that decide where a request goes: scheme, host and port.
///
/// Parsing follows the WHATWG URL Standard for the special schemes (`http`, `https`, `ws`, `wss`,
/// `ftp`, `file`): tabs and newlines are removed, leading/trailing C0 and spaces trimmed, any run
/// of `/` and `\` after the scheme is skipped, the authority ends at `/`, `\`, `?` or `#`, and
/// the userinfo ends at the *last* `@`.
///
/// Other clients read some URLs differently (an RFC 3986 parser such as curl's does not treat `\`
/// as a delimiter, and some split userinfo at the first `@`). ``alternateHosts`` holds the hosts
/// those readings give, so a caller can block if *any* reading reaches an internal host.
///
/// ```swift
/// let url = try URLReference.parse("http://evil.com\\@127.0.0.1/").get()
/// url.host            // evil.com (WHATWG)
/// url.alternateHosts  // [127.0.0.1] (RFC 3986 reading)
/// ```
///
/// It does not resolve relative references, normalize paths, or parse queries.
public struct URLReference: Sendable, Hashable {
    /// Lower-case scheme without the colon.
    public var scheme: String
    /// The host, when the URL has an authority (`nil` for `mailto:`, `data:`, `file:///x`).
    public var host: Host?
    public var port: Int?
    /// Hosts that other reasonable parsers would contact instead.
    public var alternateHosts: [Host] = []
    /// For `file:` URLs, the percent-encoded path.
    public var path: String?

    /// Why a URL could not be parsed.
    public struct ParseError: Error, Sendable, Hashable {
        public var message: String
    }

    static let specialSchemes: Set<String> = ["http", "https", "ws", "wss", "ftp", "file"]

    /// Parses an absolute URL.
    public static func parse<S: StringProtocol>(_ text: S) -> Result<URLReference, ParseError> {
        // Trim C0 controls and spaces; remove tab and newlines anywhere (WHATWG). Most URLs have
        // none, and then no copy is made.
        var cleaned = Substring(text)
        if cleaned.utf8.contains(where: { $0 <= 0x20 }) {
            var bytes = Array(cleaned.utf8)
            while let first = bytes.first, first <= 0x20 { bytes.removeFirst() }
            while let last = bytes.last, last <= 0x20 { bytes.removeLast() }
            bytes.removeAll { $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
            cleaned = Substring(String(decoding: bytes, as: UTF8.self))
        }
        let utf8 = cleaned.utf8
        guard let colon = utf8.firstIndex(of: UInt8(ascii: ":")), URLScheme.isValid(cleaned[..<colon]) else {
            return .failure(ParseError(message: "no URL scheme"))
        }
        let scheme = cleaned[..<colon].lowercased()
        let rest = cleaned[utf8.index(after: colon)...]
        var url = URLReference(scheme: scheme)

        if scheme == "file" {
            return parseFile(rest, into: url)
        }

        let special = specialSchemes.contains(scheme)
        let authority: Substring
        if special {
            let start = rest.utf8.firstIndex { $0 != UInt8(ascii: "/") && $0 != UInt8(ascii: "\\") } ?? rest.endIndex
            let end = rest.utf8[start...].firstIndex(where: Self.endsSpecialAuthority) ?? rest.endIndex
            authority = rest[start..<end]
        } else if rest.utf8.starts(with: "//".utf8) {
            let start = rest.utf8.index(rest.startIndex, offsetBy: 2)
            let end = rest.utf8[start...].firstIndex(where: Self.endsAuthority) ?? rest.endIndex
            authority = rest[start..<end]
        } else {
            return .success(url)  // opaque: mailto:, data:, javascript:, urn:
        }

        let hostAndPort = authority.utf8.lastIndex(of: UInt8(ascii: "@")).map { authority[authority.utf8.index(after: $0)...] } ?? authority
        switch splitHostPort(hostAndPort) {
        case .failure(let error): return .failure(error)
        case .success(let (hostText, port)):
            guard !hostText.isEmpty || !special else { return .failure(ParseError(message: "URL has an empty host")) }
            if !hostText.isEmpty {
                switch Host.parse(hostText) {
                case .success(let host): url.host = host
                case .failure(let error): return .failure(ParseError(message: error.message))
                }
            }
            url.port = port
        }

        // Other readings differ only when the RFC 3986 authority holds "@" or "\\".
        if rest.utf8.starts(with: "//".utf8) {
            let start = rest.utf8.index(rest.startIndex, offsetBy: 2)
            let rfcAuthority = rest[start..<(rest.utf8[start...].firstIndex(where: Self.endsAuthority) ?? rest.endIndex)]
            if rfcAuthority.utf8.contains(where: { $0 == UInt8(ascii: "@") || $0 == UInt8(ascii: "\\") }) {
                url.alternateHosts = alternateHosts(rfcAuthority, excluding: url.host)
            }
        }
        return .success(url)
    }

    /// The common URL shape, read in one pass over its bytes: `scheme://host[:port]` followed by
    /// nothing or `/`, `?`, `#`, where the host is ASCII letters, digits, `-`, `_` and `.` and does
    /// not end in a number. Such a URL means the same to every parser, so no alternate readings
    /// exist. Anything else returns `nil` and goes to ``parse(_:)``.
    static func parsePlain(_ text: Substring) -> URLReference? {
        text.withUTF8Bytes(parsePlain(bytes:))
    }

    private static func parsePlain(bytes: UnsafeBufferPointer<UInt8>) -> URLReference? {
        guard let parts = plainParts(bytes) else { return nil }
        let scheme = UnsafeBufferPointer(rebasing: bytes[parts.scheme])
        let host = UnsafeBufferPointer(rebasing: bytes[parts.host])
        return URLReference(scheme: Self.commonScheme(scheme) ?? Self.lowercased(scheme), host: .name(Self.lowercased(host)), port: parts.port)
    }

    /// Where a plain URL's scheme and host name lie in its bytes (see ``parsePlain(_:)``), and
    /// its port. `file:` URLs are never plain: their path is judged too.
    struct PlainParts {
        var scheme: Range<Int>
        var host: Range<Int>
        var port: Int?
    }

    static func plainParts(_ bytes: UnsafeBufferPointer<UInt8>) -> PlainParts? {
        let colon = UInt8(ascii: ":"), slash = UInt8(ascii: "/"), dot = UInt8(ascii: ".")
        var i = 0
        guard i < bytes.count, bytes[i].isASCIILetter else { return nil }
        while i < bytes.count, bytes[i] != colon {
            let b = bytes[i]
            guard b.isASCIILetter || b &- 48 < 10 || b == UInt8(ascii: "+") || b == UInt8(ascii: "-") || b == dot else { return nil }
            i += 1
        }
        let schemeEnd = i
        guard schemeEnd <= 32, i + 2 < bytes.count, bytes[i + 1] == slash, bytes[i + 2] == slash else { return nil }
        if URLScheme.startsWithFile(bytes) { return nil }
        let hostStart = i + 3
        guard let (j, lastDot) = hostName(bytes, from: hostStart) else { return nil }
        var hostEnd = j
        if let lastDot, lastDot + 1 == hostEnd { hostEnd = lastDot }  // one trailing dot
        guard hostStart < hostEnd else { return nil }
        guard !IPAddress.endsInNumber(UnsafeBufferPointer(rebasing: bytes[hostStart..<hostEnd])) else { return nil }
        var port: Int?
        if j < bytes.count, bytes[j] == colon {
            var k = j + 1
            var value = 0
            var digits = 0
            while k < bytes.count, bytes[k] &- 48 < 10, digits < 5 {
                value = value * 10 + Int(bytes[k] - 48)
                digits += 1
                k += 1
            }
            guard digits > 0, value <= 65535 else { return nil }
            if k < bytes.count {
                let b = bytes[k]
                guard b == slash || b == UInt8(ascii: "?") || b == UInt8(ascii: "#") else { return nil }
            }
            port = value
        }
        return PlainParts(scheme: 0..<schemeEnd, host: hostStart..<hostEnd, port: port)
    }

    /// The run of host-name bytes (ASCII letters, digits, `-`, `_`, `.`) from `start`, sixteen
    /// bytes at a time: its end, which must be the end of `bytes` or `/`, `?`, `#` or `:`, and
    /// its last dot. `nil` when another byte ends it or a label is empty (a dot first or after
    /// another dot): the general parser decides those.
    static func hostName(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> (end: Int, lastDot: Int?)? {
        guard let address = bytes.baseAddress else { return start < bytes.count ? nil : (start, nil) }
        let base = UnsafeRawPointer(address)
        var offset = start
        var lastDot: Int?
        var dotBefore = true  // a leading dot counts as an empty label
        while offset < bytes.count {
            let x = ByteLanes.load(base, offset, count: bytes.count)
            let dots = ByteLanes.lanes(x, equalTo: UInt8(ascii: "."))
            let name =
                ByteLanes.letters(x) | ByteLanes.digits(x) | ByteLanes.lanes(x, equalTo: UInt8(ascii: "-"))
                | ByteLanes.lanes(x, equalTo: UInt8(ascii: "_"))
                | dots
            // Lanes past the end are zero: not name bytes, so the run stops there at the latest.
            let stops = ~ByteLanes.bits(name) & 0xFFFF
            let length = stops == 0 ? 16 : stops.trailingZeroBitCount
            let dotBits = ByteLanes.bits(dots) & ((1 << UInt64(length)) - 1)
            if dotBits & (dotBits >> 1) != 0 || (dotBefore && dotBits & 1 != 0) { return nil }
            if dotBits != 0 { lastDot = offset + 63 - dotBits.leadingZeroBitCount }
            if length < 16 {
                let end = offset + length
                if end < bytes.count {
                    let b = bytes[end]
                    guard b == UInt8(ascii: "/") || b == UInt8(ascii: "?") || b == UInt8(ascii: "#") || b == UInt8(ascii: ":") else { return nil }
                }
                return (end, lastDot)
            }
            dotBefore = dotBits >> 15 != 0
            offset += 16
        }
        return (bytes.count, lastDot)
    }

    /// The schemes most URLs have, as constants: no `String` is built for them.
    static let commonSchemes = ["https", "http", "wss", "ws"]

    /// The position in ``commonSchemes`` of the scheme `bytes` spell in any case, or `nil`.
    static func commonSchemeIndex(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        func equals(_ literal: StaticString) -> Bool {
            bytes.count == literal.utf8CodeUnitCount
                && literal.withUTF8Buffer { literal in zip(bytes, literal).allSatisfy { $0 | 0x20 == $1 } }
        }
        if equals("https") { return 0 }
        if equals("http") { return 1 }
        if equals("wss") { return 2 }
        if equals("ws") { return 3 }
        return nil
    }

    static func commonScheme(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        commonSchemeIndex(bytes).map { commonSchemes[$0] }
    }

    /// ASCII bytes lower-cased into a new `String`.
    private static func lowercased(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        String(unsafeUninitializedCapacity: bytes.count) { buffer in
            for (k, byte) in bytes.enumerated() { buffer[k] = ByteSearch.lower(byte) }
            return bytes.count
        }
    }

    static func endsSpecialAuthority(_ c: Character) -> Bool {
        c == "/" || c == "\\" || c == "?" || c == "#"
    }

    static func endsSpecialAuthority(_ b: UInt8) -> Bool {
        b == UInt8(ascii: "/") || b == UInt8(ascii: "\\") || b == UInt8(ascii: "?") || b == UInt8(ascii: "#")
    }

    static func endsAuthority(_ b: UInt8) -> Bool {
        b == UInt8(ascii: "/") || b == UInt8(ascii: "?") || b == UInt8(ascii: "#")
    }

    /// Hosts an RFC 3986 reader (backslash is not a delimiter) or a first-"@" reader would contact.
    static func alternateHosts(_ rfcAuthority: Substring, excluding primary: Host?) -> [Host] {
        var candidates: [Substring] = []
        if let at = rfcAuthority.lastIndex(of: "@") { candidates.append(rfcAuthority[rfcAuthority.index(after: at)...]) }
        if let at = rfcAuthority.firstIndex(of: "@") {
            // A reader that ends the userinfo at the first "@" and the host at the next one.
            candidates.append(rfcAuthority[rfcAuthority.index(after: at)...].prefix { $0 != "@" })
        }
        if !rfcAuthority.contains(ascii: "@") { candidates.append(rfcAuthority) }
        var hosts: [Host] = []
        for candidate in candidates {
            let lenient = candidate.split(separator: "\\", maxSplits: 1, omittingEmptySubsequences: false).first ?? candidate
            for text in [candidate, lenient] {
                guard case .success(let (hostText, _)) = splitHostPort(text), !hostText.isEmpty,
                    case .success(let host) = Host.parse(hostText), host != primary, !hosts.contains(host)
                else { continue }
                hosts.append(host)
            }
        }
        return hosts
    }

    /// `file://host/path` or `file:///path`; the host is "" or localhost in practice.
    static func parseFile(_ rest: Substring, into url: URLReference) -> Result<URLReference, ParseError> {
        var url = url
        var remainder = rest.drop { $0 == "/" || $0 == "\\" }
        let slashes = rest.prefix { $0 == "/" || $0 == "\\" }.count
        if slashes == 2 {
            let hostText = remainder.prefix { !Self.endsSpecialAuthority($0) }
            if !hostText.isEmpty, hostText.lowercased() != "localhost" {
                switch Host.parse(hostText) {
                case .success(let host): url.host = host
                case .failure(let error): return .failure(ParseError(message: error.message))
                }
            }
            remainder = remainder[hostText.endIndex...].drop { $0 == "/" || $0 == "\\" }
        }
        url.path = "/" + remainder.prefix { $0 != "?" && $0 != "#" }
        return .success(url)
    }

    /// Splits `host:port` (with bracketed IPv6). The port must be decimal and at most 65535.
    static func splitHostPort(_ text: Substring) -> Result<(Substring, Int?), ParseError> {
        let utf8 = text.utf8
        var hostEnd = text.endIndex
        if utf8.first == UInt8(ascii: "[") {
            guard let close = utf8.firstIndex(of: UInt8(ascii: "]")) else { return .failure(ParseError(message: "unclosed \"[\" in host")) }
            hostEnd = utf8.index(after: close)
            guard hostEnd == text.endIndex || utf8[hostEnd] == UInt8(ascii: ":") else {
                return .failure(ParseError(message: "unexpected text after IPv6 address"))
            }
        } else if let colon = utf8.firstIndex(of: UInt8(ascii: ":")) {
            hostEnd = colon
        }
        let host = text[..<hostEnd]
        guard hostEnd < text.endIndex else { return .success((host, nil)) }
        let portText = text[utf8.index(after: hostEnd)...]
        if portText.isEmpty { return .success((host, nil)) }
        guard portText.utf8.count <= 5, portText.utf8.allSatisfy({ $0 &- 48 < 10 }), let port = Int(portText), port <= 65535 else {
            return .failure(ParseError(message: "invalid port \"\(portText.prefix(16))\""))
        }
        return .success((host, port))
    }
}

/// URL scheme syntax (RFC 3986 §3.1).
enum URLScheme {
    /// Whether `bytes` start with `file:`, in any case.
    static func startsWithFile(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.count >= 5 && bytes[0] | 0x20 == UInt8(ascii: "f") && bytes[1] | 0x20 == UInt8(ascii: "i") && bytes[2] | 0x20 == UInt8(ascii: "l")
            && bytes[3] | 0x20 == UInt8(ascii: "e") && bytes[4] == UInt8(ascii: ":")
    }

    static func isValid<S: StringProtocol>(_ scheme: S) -> Bool {
        guard let first = scheme.utf8.first, first.isASCIILetter, scheme.utf8.count <= 32 else { return false }
        return scheme.utf8.allSatisfy {
            $0.isASCIILetter || $0 &- 48 < 10 || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".")
        }
    }
}

extension UInt8 {
    var isASCIILetter: Bool { (self | 0x20) &- UInt8(ascii: "a") < 26 }
}
