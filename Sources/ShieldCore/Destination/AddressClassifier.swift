/// Classifies IP addresses against the IANA IPv4 and IPv6 special-purpose address registries and
/// the cloud metadata endpoints.
///
/// Embedded IPv4 addresses (IPv4-mapped, IPv4-compatible, IPv4-translated, NAT64 `64:ff9b::/96`,
/// 6to4 `2002::/16`, Teredo `2001::/32`) are extracted and classified as IPv4 — standard libraries
/// often skip this (Python's `is_global` accepts NAT64 and 6to4 embeddings of loopback).
///
/// It does not resolve names; see ``HostClassifier`` for names.
public enum AddressClassifier {
    /// What an address is, for egress purposes.
    public enum Class: Sendable, Hashable {
        /// Globally reachable unicast.
        case global
        /// A cloud instance metadata endpoint.
        case metadata(String)
        /// Loopback, private, link-local, shared, unique-local or unspecified.
        case internalAddress(String)
        /// Multicast, reserved, documentation, benchmarking or otherwise not global unicast.
        case reserved(String)
    }

    /// Metadata endpoints by address.
    static let metadataV4: [UInt32: String] = [
        0xA9FE_A9FE: "cloud instance metadata service (169.254.169.254)",
        0xA9FE_AA02: "AWS ECS task metadata endpoint (169.254.170.2)",
        0xA9FE_AA17: "AWS EKS pod identity agent (169.254.170.23)",
        0xA9FE_A9FD: "AWS VPC DNS resolver (169.254.169.253)",
        0xA9FE_A97B: "AWS time sync service (169.254.169.123)",
        0xA9FE_0017: "Tencent Cloud metadata service (169.254.0.23)",
        0x6464_64C8: "Alibaba Cloud metadata service (100.100.100.200)",
        0xA83F_8110: "Azure WireServer (168.63.129.16)",
        0xC000_00C0: "Oracle Cloud metadata service (192.0.0.192)",
    ]

    /// IPv4 special-purpose blocks that are not global unicast: (network, prefix length, is internal, name).
    static let specialV4: [(UInt32, Int, Bool, String)] = [
        (0x0000_0000, 8, true, "\"this network\" 0.0.0.0/8 (reaches the local host)"),
        (0x0A00_0000, 8, true, "private network 10.0.0.0/8"),
        (0x6440_0000, 10, true, "shared address space 100.64.0.0/10"),
        (0x7F00_0000, 8, true, "loopback 127.0.0.0/8"),
        (0xA9FE_0000, 16, true, "link-local 169.254.0.0/16"),
        (0xAC10_0000, 12, true, "private network 172.16.0.0/12"),
        (0xC0A8_0000, 16, true, "private network 192.168.0.0/16"),
        (0xC000_0000, 24, false, "IETF protocol assignments 192.0.0.0/24"),
        (0xC000_0200, 24, false, "documentation range 192.0.2.0/24"),
        (0xC058_6300, 24, false, "deprecated 6to4 relay anycast 192.88.99.0/24"),
        (0xC612_0000, 15, false, "benchmarking range 198.18.0.0/15"),
        (0xC633_6400, 24, false, "documentation range 198.51.100.0/24"),
        (0xCB00_7100, 24, false, "documentation range 203.0.113.0/24"),
        (0xE000_0000, 4, false, "multicast 224.0.0.0/4"),
        (0xF000_0000, 4, false, "reserved 240.0.0.0/4 (includes broadcast)"),
    ]

    /// Classifies `address`.
    public static func classify(_ address: IPAddress) -> Class {
        switch address {
        case .v4(let a): return classify(v4: a)
        case .v6(let hi, let lo): return classify(v6hi: hi, lo: lo)
        }
    }

    static func classify(v4 a: UInt32) -> Class {
        if let name = metadataV4[a] { return .metadata(name) }
        for (network, length, isInternal, name) in specialV4 where a >> UInt32(32 - length) == network >> UInt32(32 - length) {
            return isInternal ? .internalAddress(name) : .reserved(name)
        }
        return .global
    }

    static func classify(v6hi hi: UInt64, lo: UInt64) -> Class {
        let v4 = UInt32(truncatingIfNeeded: lo)
        func embedded(_ a: UInt32, _ how: String) -> Class {
            switch classify(v4: a) {
            case .global: return .global
            case .metadata(let name): return .metadata("\(how) of \(IPAddress.format(v4: a)): \(name)")
            case .internalAddress(let name): return .internalAddress("\(how) of \(IPAddress.format(v4: a)): \(name)")
            case .reserved(let name): return .reserved("\(how) of \(IPAddress.format(v4: a)): \(name)")
            }
        }
        // Metadata over IPv6 (AWS IMDS, DNS and time service).
        if hi == 0xFD00_0EC2_0000_0000, [0x254, 0x253, 0x123, 0x23].contains(lo) {
            return .metadata("AWS metadata service over IPv6 (\(IPAddress.v6(hi, lo)))")
        }
        if hi == 0 {
            if lo == 0 { return .internalAddress("unspecified address ::") }
            if lo == 1 { return .internalAddress("loopback ::1") }
            if lo >> 32 == 0xFFFF { return embedded(v4, "IPv4-mapped address") }
            if lo >> 32 == 0 { return embedded(v4, "IPv4-compatible address") }
            if lo >> 32 == 0xFFFF_0000 { return embedded(v4, "IPv4-translated address") }
        }
        if hi == 0x0064_FF9B_0000_0000, lo >> 32 == 0 { return embedded(v4, "NAT64 address") }
        if hi >> 16 == 0x0064_FF9B_0001 { return .internalAddress("local-use NAT64 64:ff9b:1::/48") }
        if hi >> 48 == 0x2002 {
            let inner = UInt32(truncatingIfNeeded: hi >> 16)
            return embedded(inner, "6to4 address")
        }
        if hi >> 32 == 0x2001_0000 {
            let server = UInt32(truncatingIfNeeded: hi)
            let client = ~v4
            for (a, role) in [(server, "Teredo server"), (client, "Teredo client")] {
                let inner = embedded(a, role)
                if inner != .global { return inner }
            }
            return .reserved("Teredo tunnel 2001::/32")
        }
        if hi >> 32 == 0x2001_0DB8 { return .reserved("documentation range 2001:db8::/32") }
        if hi >> 41 == 0x2001_0000_0000_0000 >> 41 {
            return .reserved("IETF protocol assignments 2001::/23")
        }
        if hi >> 44 == 0x3FFF_0000_0000_0000 >> 44 { return .reserved("documentation range 3fff::/20") }
        if hi >> 57 == 0xFC00_0000_0000_0000 >> 57 { return .internalAddress("unique local address fc00::/7") }
        if hi >> 54 == 0xFE80_0000_0000_0000 >> 54 { return .internalAddress("link-local fe80::/10") }
        if hi >> 54 == 0xFEC0_0000_0000_0000 >> 54 { return .internalAddress("site-local fec0::/10") }
        if hi >> 56 == 0xFF { return .reserved("multicast ff00::/8") }
        if hi >> 61 != 0x1 { return .reserved("outside global unicast 2000::/3") }
        return .global
    }
}
