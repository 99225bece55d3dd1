internal import Foundation

/// Classifies a canonical ``Host``: addresses through ``AddressClassifier``, names against the
/// metadata names, definitionally local names and wildcard-DNS services that answer with an
/// address embedded in the name (`127.0.0.1.nip.io`, `lvh.me`).
///
/// It does not resolve names: a public-looking name that resolves to an internal address must be
/// caught at connect time by whoever dials (the proxy's egress, the sandbox's network namespace).
public enum HostClassifier {
    /// What a host is, for egress purposes.
    public enum Class: Sendable, Hashable {
        case global
        case metadata(String)
        case internalAddress(String)
        case reserved(String)
        case localName(String)
    }

    static let metadataNames: Set<String> = [
        "metadata.google.internal", "metadata.goog", "metadata", "instance-data",
        "instance-data.ec2.internal", "metadata.tencentyun.com", "metadata.platformequinix.com",
        "metadata.packet.net",
    ]

    /// Names that are local by definition (RFC 6761, RFC 6762, RFC 8375, ICANN's `.internal`) or by
    /// widespread private use.
    static let localSuffixes = [
        "localhost", "local", "internal", "localdomain", "home.arpa", "intranet", "lan", "corp", "home", "svc",
    ]

    /// Public names whose DNS answers loopback for the name and every subdomain.
    static let loopbackNames = ["localtest.me", "lvh.me", "vcap.me", "lacolhost.com", "readme.localtest.me"]

    /// Wildcard DNS services that answer with the address spelled in the name.
    static let echoDomains = ["nip.io", "sslip.io", "xip.io", "traefik.me", "nip.direct"]

    public static func classify(_ host: Host) -> Class {
        switch host {
        case .ip(let address):
            return Class(AddressClassifier.classify(address))
        case .name(let name):
            return classify(name: name)
        }
    }

    static func classify(name: String) -> Class {
        let (isMetadata, hasDot, matches) = name.withUTF8Bytes { utf8 -> (Bool, Bool, [Int]) in
            if metadataNameTable[utf8] != nil { return (true, true, []) }
            guard utf8.contains(UInt8(ascii: ".")) else { return (false, false, []) }
            // The name's label suffixes (itself, then what follows each dot), looked up at once.
            var matches: [Int] = []
            var start = 0
            while true {
                if let index = specialSuffixTable[UnsafeBufferPointer(rebasing: utf8[start...])] { matches.append(index) }
                guard let dot = utf8[start...].firstIndex(of: UInt8(ascii: ".")) else { break }
                start = dot + 1
            }
            return (false, true, matches.count > 1 ? matches.sorted() : matches)
        }
        if isMetadata { return .metadata("cloud metadata host name \"\(name)\"") }
        guard hasDot else {
            if name == "ip6-localhost" || name == "ip6-loopback" { return .localName("\"\(name)\" is loopback") }
            return .localName("single-label name \"\(name)\" resolves on the local network")
        }
        // Most names end in no special suffix; the ones that do are judged in list order.
        for index in matches {
            let (suffix, kind) = specialSuffixes[index]
            switch kind {
            case .kubernetes:
                return .localName("\"\(name)\" is the in-cluster Kubernetes API")
            case .local:
                return .localName("\"\(name)\" is a local name (.\(suffix))")
            case .loopback:
                return .localName("\"\(name)\" resolves to loopback (\(suffix))")
            case .echo:
                guard name != suffix, let address = echoedAddress(name.dropLast(suffix.count + 1)) else { continue }
                switch AddressClassifier.classify(address) {
                case .global: continue
                case .metadata(let why): return .metadata("\"\(name)\" resolves to \(address): \(why)")
                case .internalAddress(let why), .reserved(let why):
                    return .localName("\"\(name)\" resolves to \(address) (\(suffix) echoes the address in the name): \(why)")
                }
            }
        }
        return .global
    }

    /// Whether ``classify(name:)`` of this name (lower-case bytes) is surely `.global`: not a
    /// metadata name, not single-label, and no label suffix is special. `false` for every other
    /// name, including echo-domain names that classify could still find global.
    static func isGlobal(lowercasedName name: UnsafeBufferPointer<UInt8>) -> Bool {
        if metadataNameTable[name] != nil { return false }
        guard var dot = name.firstIndex(of: UInt8(ascii: ".")) else { return false }
        if specialSuffixTable[name] != nil { return false }
        while true {
            if specialSuffixTable[UnsafeBufferPointer(rebasing: name[(dot + 1)...])] != nil { return false }
            guard let next = name[(dot + 1)...].firstIndex(of: UInt8(ascii: ".")) else { return true }
            dot = next
        }
    }

    private enum SuffixKind {
        case kubernetes, local, loopback, echo
    }

    /// Every special suffix, in the order they are judged.
    private static let specialSuffixes: [(String, SuffixKind)] =
        [("kubernetes.default", .kubernetes)] + localSuffixes.map { ($0, .local) } + loopbackNames.map { ($0, .loopback) }
        + echoDomains.map { ($0, .echo) }
    /// A special suffix's position in ``specialSuffixes``.
    private static let specialSuffixTable = ByteKeyedTable(specialSuffixes.enumerated().map { ($0.element.0, $0.offset) })
    static let metadataNameTable = ByteKeyedTable(metadataNames.map { ($0, true) })

    /// Whether `name` is `suffix` or ends with `.suffix`, without building strings.
    static func hasLabelSuffix(_ name: String, _ suffix: String) -> Bool {
        var name = name, suffix = suffix
        name.makeContiguousUTF8()
        suffix.makeContiguousUTF8()
        return name.utf8.withContiguousStorageIfAvailable { n in
            suffix.utf8.withContiguousStorageIfAvailable { s in
                guard n.count >= s.count else { return false }
                let offset = n.count - s.count
                guard memcmp(n.baseAddress! + offset, s.baseAddress!, s.count) == 0 else { return false }
                return offset == 0 || n[offset - 1] == UInt8(ascii: ".")
            } ?? false
        } ?? false
    }

    /// The IPv4 address a wildcard-DNS name spells: `a.b.c.d`, `x-a-b-c-d`, or 8 hex digits, at the end.
    static func echoedAddress(_ labels: Substring) -> IPAddress? {
        let dotted = labels.split(separator: ".")
        // sslip.io spells IPv6 with dashes for colons: `--1` is `::1`.
        if let last = dotted.last, last.contains("--") || last.filter({ $0 == "-" }).count >= 2,
            let address = IPAddress.parseIPv6(last.replacingOccurrences(of: "-", with: ":"))
        {
            return address
        }
        if dotted.count >= 4, let address = IPAddress.parseDottedQuad(dotted.suffix(4).joined(separator: ".")) {
            return address
        }
        guard let last = dotted.last else { return nil }
        let dashed = last.split(separator: "-")
        if dashed.count >= 4, let address = IPAddress.parseDottedQuad(dashed.suffix(4).joined(separator: ".")) {
            return address
        }
        if let hex = dashed.last, hex.count == 8, let value = UInt32(hex, radix: 16) {
            return .v4(value)
        }
        return nil
    }
}

extension HostClassifier.Class {
    init(_ address: AddressClassifier.Class) {
        switch address {
        case .global: self = .global
        case .metadata(let reason): self = .metadata(reason)
        case .internalAddress(let reason): self = .internalAddress(reason)
        case .reserved(let reason): self = .reserved(reason)
        }
    }
}
