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
        // Trim C0 controls and spaces; remove tab and newlines anywhere.
        var scalars = Substring(text).unicodeScalars[...]
        while let first = scalars.first, first.value <= 0x20 { scalars.removeFirst() }
        while let last = scalars.last, last.value <= 0x20 { scalars.removeLast() }
        var input = String.UnicodeScalarView()
        for scalar in scalars where scalar != "\t" && scalar != "\n" && scalar != "\r" {
            input.append(scalar)
        }
        let cleaned = String(input)
        guard let colon = cleaned.firstIndex(of: ":"), URLScheme.isValid(cleaned[..<colon]) else {
            return .failure(ParseError(message: "no URL scheme"))
        }
        let scheme = cleaned[..<colon].lowercased()
        let rest = cleaned[cleaned.index(after: colon)...]
        var url = URLReference(scheme: scheme)

        if scheme == "file" {
            // file://host/path or file:///path; the host is "" or localhost in practice.
            var remainder = rest.drop { $0 == "/" || $0 == "\\" }
            if rest.hasPrefix("//") || rest.hasPrefix("\\\\") {
                let slashes = rest.prefix { $0 == "/" || $0 == "\\" }.count
                if slashes == 2 {
                    let hostEnd = remainder.firstIndex { "/\\?#".contains($0) } ?? remainder.endIndex
                    let hostText = remainder[..<hostEnd]
                    if !hostText.isEmpty, hostText.lowercased() != "localhost" {
                        switch Host.parse(hostText) {
                        case .success(let host): url.host = host
                        case .failure(let error): return .failure(ParseError(message: error.message))
                        }
                    }
                    remainder = remainder[hostEnd...].drop { $0 == "/" || $0 == "\\" }
                }
            }
            let pathEnd = remainder.firstIndex { $0 == "?" || $0 == "#" } ?? remainder.endIndex
            url.path = "/" + remainder[..<pathEnd]
            return .success(url)
        }

        let special = specialSchemes.contains(scheme)
        let authority: Substring
        if special {
            let afterSlashes = rest.drop { $0 == "/" || $0 == "\\" }
            let end = afterSlashes.firstIndex { "/\\?#".contains($0) } ?? afterSlashes.endIndex
            authority = afterSlashes[..<end]
        } else if rest.hasPrefix("//") {
            let afterSlashes = rest.dropFirst(2)
            let end = afterSlashes.firstIndex { "/?#".contains($0) } ?? afterSlashes.endIndex
            authority = afterSlashes[..<end]
        } else {
            return .success(url)  // opaque: mailto:, data:, javascript:, urn:
        }

        let hostAndPort = authority.lastIndex(of: "@").map { authority[authority.index(after: $0)...] } ?? authority
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

        // Other readings: RFC 3986 (backslash is not a delimiter), and userinfo split at the first @.
        if rest.hasPrefix("//") {
            let afterSlashes = rest.dropFirst(2)
            let end = afterSlashes.firstIndex { "/?#".contains($0) } ?? afterSlashes.endIndex
            let rfcAuthority = afterSlashes[..<end]
            var candidates: [Substring] = []
            if let at = rfcAuthority.lastIndex(of: "@") { candidates.append(rfcAuthority[rfcAuthority.index(after: at)...]) }
            if let at = rfcAuthority.firstIndex(of: "@") {
                // A reader that ends the userinfo at the first "@" and the host at the next one.
                let afterFirst = rfcAuthority[rfcAuthority.index(after: at)...]
                candidates.append(afterFirst.prefix { $0 != "@" })
            }
            if !rfcAuthority.contains("@") { candidates.append(rfcAuthority) }
            for candidate in candidates {
                let lenient = candidate.split(separator: "\\", maxSplits: 1, omittingEmptySubsequences: false).first ?? candidate
                for text in Set([candidate, lenient]) {
                    guard case .success(let (hostText, _)) = splitHostPort(text), !hostText.isEmpty,
                        case .success(let host) = Host.parse(hostText), host != url.host, !url.alternateHosts.contains(host)
                    else { continue }
                    url.alternateHosts.append(host)
                }
            }
        }
        return .success(url)
    }

    /// Splits `host:port` (with bracketed IPv6). The port must be decimal and at most 65535.
    static func splitHostPort(_ text: Substring) -> Result<(Substring, Int?), ParseError> {
        var hostEnd = text.endIndex
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return .failure(ParseError(message: "unclosed \"[\" in host")) }
            hostEnd = text.index(after: close)
            guard hostEnd == text.endIndex || text[hostEnd] == ":" else {
                return .failure(ParseError(message: "unexpected text after IPv6 address"))
            }
        } else if let colon = text.firstIndex(of: ":") {
            hostEnd = colon
        }
        let host = text[..<hostEnd]
        guard hostEnd < text.endIndex else { return .success((host, nil)) }
        let portText = text[text.index(after: hostEnd)...]
        if portText.isEmpty { return .success((host, nil)) }
        guard portText.utf8.count <= 5, portText.utf8.allSatisfy({ $0 &- 48 < 10 }), let port = Int(portText), port <= 65535 else {
            return .failure(ParseError(message: "invalid port \"\(portText.prefix(16))\""))
        }
        return .success((host, port))
    }
}

/// URL scheme syntax (RFC 3986 §3.1).
enum URLScheme {
    static func isValid<S: StringProtocol>(_ scheme: S) -> Bool {
        guard let first = scheme.utf8.first, first.isASCIILetter, scheme.utf8.count <= 32 else { return false }
        return scheme.utf8.allSatisfy { $0.isASCIILetter || $0 &- 48 < 10 || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") }
    }
}

extension UInt8 {
    var isASCIILetter: Bool { (self | 0x20) &- UInt8(ascii: "a") < 26 }
}
