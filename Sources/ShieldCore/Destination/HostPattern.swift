/// One entry of an egress host list: a host glob (`*.example.com`), an IP address, or a CIDR
/// block, optionally followed by `:port`.
///
/// ```swift
/// let pattern = try HostPattern.parse("10.0.0.0/8").get()
/// pattern.matches(.ip(.v4(0x0a000001)), port: 443)  // true
/// ```
public struct HostPattern: Sendable, Hashable {
    enum Kind: Sendable, Hashable {
        case glob(String)
        case network(IPAddress, prefix: Int)
    }

    let kind: Kind
    let port: Int?

    /// A description of what is wrong with `text`, or `nil` when it is a valid pattern.
    public static func validate(_ text: String) -> String? {
        switch parse(text) {
        case .success: nil
        case .failure(let error): error.message
        }
    }

    /// Parses a pattern; host names are compared lower-case.
    public static func parse(_ text: String) -> Result<HostPattern, URLReference.ParseError> {
        let text = text.lowercased()
        var hostText = Substring(text)
        var port: Int?
        // Port: only after a bracketed IPv6 or when there is exactly one colon.
        if hostText.hasPrefix("[") || hostText.filter({ $0 == ":" }).count == 1 {
            switch URLReference.splitHostPort(hostText) {
            case .failure(let error): return .failure(error)
            case .success(let (host, p)):
                hostText = host
                port = p
            }
        }
        if hostText.hasPrefix("["), hostText.hasSuffix("]") { hostText = hostText.dropFirst().dropLast() }
        var prefix: Int?
        if let slash = hostText.firstIndex(of: "/") {
            guard let bits = Int(hostText[hostText.index(after: slash)...]) else {
                return .failure(.init(message: "invalid CIDR prefix in \"\(text)\""))
            }
            prefix = bits
            hostText = hostText[..<slash]
        }
        let address = IPAddress.parseDottedQuad(hostText) ?? (hostText.contains(":") ? IPAddress.parseIPv6(hostText) : nil)
        if let address {
            let width = if case .v4 = address { 32 } else { 128 }
            let bits = prefix ?? width
            guard (0...width).contains(bits) else { return .failure(.init(message: "CIDR prefix /\(bits) is out of range in \"\(text)\"")) }
            return .success(HostPattern(kind: .network(address, prefix: bits), port: port))
        }
        guard prefix == nil else { return .failure(.init(message: "\"\(text)\": a CIDR block needs an IP address")) }
        let allowed = hostText.unicodeScalars.allSatisfy {
            $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "." || $0 == "-" || $0 == "*" || $0 == "_"
        }
        guard !hostText.isEmpty, allowed else {
            return .failure(.init(message: "\"\(text)\" is not a host name, IP address or CIDR block"))
        }
        var name = String(hostText)
        if name.hasSuffix("."), name.count > 1 { name.removeLast() }
        return .success(HostPattern(kind: .glob(name), port: port))
    }

    /// Whether `host` (and `port`, when the pattern names one) matches.
    public func matches(_ host: Host, port: Int?) -> Bool {
        if let wanted = self.port, wanted != port { return false }
        switch (kind, host) {
        case (.glob(let pattern), .name(let name)):
            return Glob.matches(pattern, name)
        case (.network(let network, let prefix), .ip(let address)):
            return Self.contains(network, prefix: prefix, address)
        default:
            return false
        }
    }

    static func contains(_ network: IPAddress, prefix: Int, _ address: IPAddress) -> Bool {
        switch (network, address) {
        case (.v4(let n), .v4(let a)):
            return prefix == 0 || n >> UInt32(32 - prefix) == a >> UInt32(32 - prefix)
        case (.v6(let nh, let nl), .v6(let ah, let al)):
            if prefix <= 64 { return prefix == 0 || nh >> UInt64(64 - prefix) == ah >> UInt64(64 - prefix) }
            return nh == ah && (prefix == 128 || nl >> UInt64(128 - prefix) == al >> UInt64(128 - prefix))
        case (.v4(let n), .v6(let hi, let lo)) where hi == 0 && lo >> 32 == 0xFFFF:
            // An IPv4-mapped address matches IPv4 blocks.
            return contains(.v4(n), prefix: prefix, .v4(UInt32(truncatingIfNeeded: lo)))
        default:
            return false
        }
    }
}
