internal import Foundation

/// Judges destinations — URLs and hosts found in arguments — against a policy's egress rules.
///
/// The order is fixed: the policy's deny list, then cloud metadata (never exempt), then the
/// private/special-purpose/local-name classes (unless the host is in `allow_internal`), then the
/// allow list. When parsers could disagree about a URL's host, every reading is judged.
///
/// ```swift
/// let guard = EgressGuard(policy.egress)
/// guard.check(url: "http://2852039166/", asWholeValue: true)?.rule  // "ssrf.metadata"
/// ```
final class EgressGuard: Sendable {
    /// Usually a handful: searched in order, which for so few beats hashing.
    let allowedSchemes: [String]
    let denyPrivate: Bool
    let allowHosts: [HostPattern]
    let denyHosts: [HostPattern]
    let allowInternal: [HostPattern]
    /// Whether each of ``URLReference/commonSchemes`` is allowed: the plain lane asks by index,
    /// comparing no strings.
    let allowsCommonScheme: [Bool]

    init(_ egress: Policy.Egress) {
        allowedSchemes = Array(Set(egress.allowedSchemes))
        allowsCommonScheme = URLReference.commonSchemes.map(egress.allowedSchemes.contains)
        denyPrivate = egress.denyPrivateAddresses
        // Patterns were validated by the policy loader; an invalid one built in code is dropped
        // from allow lists (fail closed) and cannot be dropped from the deny list silently.
        allowHosts = egress.allowHosts.compactMap { try? HostPattern.parse($0).get() }
        denyHosts = egress.denyHosts.map { (try? HostPattern.parse($0).get()) ?? HostPattern(kind: .glob("*"), port: nil) }
        allowInternal = egress.allowInternal.compactMap { try? HostPattern.parse($0).get() }
    }

    /// What a URL check concluded besides a finding.
    enum URLOutcome {
        case finding(Finding)
        /// A `file:` URL whose scheme the policy allows: its path must pass the path checks.
        case filePath(String)
        case clear
    }

    /// Checks a URL.
    ///
    /// - Parameter asWholeValue: the URL is the whole argument (or the argument is URL-valued):
    ///   the scheme rule applies. URLs found inside prose are judged by host only.
    /// The longest URL prefix judged. The host lies in the authority, which must end within it.
    static let maxJudgedURLBytes = 8 << 10

    func check(url fullText: Substring, asWholeValue: Bool) -> URLOutcome {
        var text = fullText
        if text.utf8.count > Self.maxJudgedURLBytes {
            // Judge the scheme and authority only, so scanning stays linear in the input; a URL
            // whose authority does not end within the bound is refused rather than guessed at.
            let window = text.utf8.prefix(Self.maxJudgedURLBytes)
            let schemeEnd = window.firstIndex(of: UInt8(ascii: ":")) ?? window.endIndex
            var hostStart = schemeEnd
            while hostStart < window.endIndex, [UInt8(ascii: ":"), UInt8(ascii: "/"), UInt8(ascii: "\\")].contains(window[hostStart]) {
                hostStart = window.index(after: hostStart)
            }
            guard let end = window[hostStart...].firstIndex(where: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") })
            else {
                return .finding(
                    Finding(
                        rule: "ssrf.unparsable-url", reason: "URL \(quote(fullText)) has an authority longer than \(Self.maxJudgedURLBytes) bytes"))
            }
            text = fullText[..<end]
        }
        let url: URLReference
        if let plain = URLReference.parsePlain(text) {
            url = plain  // the common shape, read without the general parser
        } else {
            switch URLReference.parse(text) {
            case .success(let parsed): url = parsed
            case .failure(let error):
                // A bracketed IPv6 literal with a zone id is invalid to WHATWG but curl reads it:
                // judge what curl would reach before calling it unparsable.
                if let zoned = Self.zonedIPv6Host(text), let finding = check(host: zoned, port: nil) {
                    return .finding(finding)
                }
                return .finding(
                    Finding(
                        rule: "ssrf.unparsable-url",
                        reason: "URL \(quote(text)) cannot be parsed (\(error.message)); refusing what a client might read differently"))
            }
        }
        return judge(url, asWholeValue: asWholeValue)
    }

    /// Whether a URL of the plain shape (``URLReference/plainParts(_:)``) is clear, judged on
    /// its bytes: an allowed scheme (when it is the whole value) and a host name that is global
    /// by ``HostClassifier/isGlobal(lowercasedName:)``. `false` means "not decided here": the
    /// URL is then judged in full by ``check(url:asWholeValue:)``, which words any finding. Only
    /// a policy without host lists is decided here (their patterns match a parsed ``Host``).
    func isPlainlyClear(_ bytes: UnsafeBufferPointer<UInt8>, asWholeValue: Bool) -> Bool {
        guard denyHosts.isEmpty, allowHosts.isEmpty, bytes.count <= Self.maxJudgedURLBytes, let parts = URLReference.plainParts(bytes) else {
            return false
        }
        if asWholeValue {
            guard let scheme = URLReference.commonSchemeIndex(UnsafeBufferPointer(rebasing: bytes[parts.scheme])), allowsCommonScheme[scheme] else {
                return false
            }
        }
        let host = UnsafeBufferPointer(rebasing: bytes[parts.host])
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: host.count) { lowered in
            for index in host.indices { lowered[index] = ByteSearch.lower(host[index]) }
            return HostClassifier.isGlobal(lowercasedName: UnsafeBufferPointer(lowered))
        }
    }

    private func judge(_ url: URLReference, asWholeValue: Bool) -> URLOutcome {
        // Object-store URLs name buckets, not hosts: s3://my-bucket/key is not a DNS lookup.
        // An address in that place is still judged: some clients take it as an endpoint.
        if case .name? = url.host, url.alternateHosts.isEmpty, Self.objectStoreSchemes[url.scheme] != nil { return .clear }
        if asWholeValue, !allowedSchemes.contains(url.scheme) {
            // `git+https` and friends fetch over the scheme after the "+".
            let transport = url.scheme.utf8.contains(UInt8(ascii: "+")) ? url.scheme.split(separator: "+").last.map(String.init) : nil
            if transport.map(allowedSchemes.contains) != true {
                let allowed = allowedSchemes.sorted().joined(separator: ", ")
                return .finding(
                    Finding(
                        rule: "ssrf.scheme", reason: "URL scheme \"\(url.scheme)\" is not allowed (allowed: \(allowed.isEmpty ? "none" : allowed))"))
            }
        }
        let port = url.port ?? Self.defaultPort(url.scheme)
        if let host = url.host, let finding = check(host: host, port: port) { return .finding(finding) }
        for host in url.alternateHosts {
            if let finding = check(host: host, port: port) { return .finding(finding) }
        }
        if url.scheme == "file", asWholeValue, let path = url.path { return .filePath(path) }
        return .clear
    }

    /// Checks a value that names a host: `127.1`, `localhost:6379`, `[::1]:80`, `fe80::1%eth0`,
    /// `user@host`, or a URL with or without a scheme.
    ///
    /// - Parameter lenient: the value is only *suggested* to be a host (by its key): one that does
    ///   not parse as a host is not a destination (`#section`, `/v1/chat`, `data:…`) rather than
    ///   a parse failure.
    func check(hostValue text: Substring, lenient: Bool = false) -> Finding? {
        if ByteSearch.contains(String(text), "://") {
            if case .finding(let finding) = check(url: text, asWholeValue: true) { return finding }
            return nil
        }
        if case .success(let host) = Host.parse(text, allowZone: true) {
            return check(host: host, port: nil)
        }
        if lenient {
            // Something that tries to be an IPv4 address and fails is refused, not ignored.
            let hostPart = text.prefix { !"/?#:".contains($0) }
            if hostPart.contains(ascii: "."), hostPart.contains(where: \.isNumber),
                hostPart.allSatisfy({ $0.isHexDigit || $0 == "." || $0 == "x" || $0 == "X" })
            {
                if case .finding(let finding) = check(url: "http://" + text, asWholeValue: false) { return finding }
                return nil
            }
            guard let first = text.utf8.first, first.isASCIILetter || first &- 48 < 10 || first == UInt8(ascii: "[") else { return nil }
            guard case .success(let url) = URLReference.parse("http://" + text) else { return nil }
            for host in [url.host].compactMap({ $0 }) + url.alternateHosts {
                if let finding = check(host: host, port: url.port ?? 80) { return finding }
            }
            return nil
        }
        if case .finding(let finding) = check(url: "http://" + text, asWholeValue: false) { return finding }
        return nil
    }

    /// Judges one host.
    func check(host: Host, port: Int?) -> Finding? {
        if denyHosts.contains(where: { $0.matches(host, port: port) }) {
            return Finding(rule: "ssrf.denied-host", reason: "destination \(host) is on the policy's deny list")
        }
        let kind = HostClassifier.classify(host)
        if case .metadata(let why) = kind {
            return Finding(rule: "ssrf.metadata", reason: "destination \(host) is a cloud metadata endpoint: \(why)")
        }
        if denyPrivate, !allowInternal.contains(where: { $0.matches(host, port: port) }) {
            switch kind {
            case .internalAddress(let why):
                return Finding(rule: "ssrf.private-address", reason: "destination \(host) is an internal address: \(why)")
            case .reserved(let why):
                return Finding(rule: "ssrf.reserved-address", reason: "destination \(host) is not a global unicast address: \(why)")
            case .localName(let why):
                return Finding(rule: "ssrf.local-name", reason: "destination \(host) is a local name: \(why)")
            case .global, .metadata:
                break
            }
        }
        if !allowHosts.isEmpty, !allowHosts.contains(where: { $0.matches(host, port: port) }) {
            return Finding(rule: "ssrf.host-not-allowed", reason: "destination \(host) is not on the policy's allow list")
        }
        return nil
    }

    /// The address in `scheme://[v6%25zone]…`, zone dropped.
    static func zonedIPv6Host(_ text: Substring) -> Host? {
        guard let open = text.firstIndex(of: "["), let close = text[open...].firstIndex(of: "]") else { return nil }
        let inner = text[text.index(after: open)..<close].replacingOccurrences(of: "%25", with: "%")
        guard inner.contains(ascii: "%"), let address = IPAddress.parseIPv6(inner, allowZone: true) else { return nil }
        return .ip(address)
    }

    static let objectStoreSchemes = ByteKeyedTable(
        ["s3", "s3a", "s3n", "gs", "gcs", "az", "abfs", "abfss", "wasb", "wasbs", "r2", "oci"].map { ($0, true) })

    static func defaultPort(_ scheme: String) -> Int? {
        // By length first: an equal string compares in one step, an unequal one costs a call.
        switch scheme.utf8.count {
        case 2: scheme == "ws" ? 80 : nil
        case 3: scheme == "wss" ? 443 : scheme == "ftp" ? 21 : nil
        case 4: scheme == "http" ? 80 : nil
        case 5: scheme == "https" ? 443 : nil
        default: nil
        }
    }
}

/// A value quoted for a reason, shortened so reasons stay readable.
func quote<S: StringProtocol>(_ text: S, limit: Int = 80) -> String {
    let shown = text.count > limit ? text.prefix(limit) + "…" : Substring(text)
    return JSONValue.quoted(String(shown))
}
