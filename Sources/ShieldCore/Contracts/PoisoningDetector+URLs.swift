extension PoisoningDetector {
    /// Paste, request-capture, tunnel and out-of-band testing services: where exfiltrated data
    /// is sent. Matched as the host or a parent domain of it.
    static let exfiltrationServices = [
        "pastebin.com", "pastebin.pl", "paste.ee", "hastebin.com", "ghostbin.com", "rentry.co", "termbin.com", "dpaste.com", "dpaste.org",
        "webhook.site", "requestbin.com", "requestbin.net", "pipedream.net", "requestcatcher.com", "beeceptor.com", "hookbin.com", "postb.in",
        "ptsv2.com", "ptsv3.com", "mockbin.org", "requestrepo.com", "ngrok.io", "ngrok.app", "ngrok.dev", "ngrok-free.app", "ngrok-free.dev",
        "trycloudflare.com", "loca.lt", "localtunnel.me", "serveo.net", "localhost.run", "lhr.life", "transfer.sh", "file.io", "0x0.st",
        "temp.sh", "interact.sh", "interactsh.com", "oast.pro", "oast.live", "oast.site", "oast.online", "oast.fun", "oast.me",
        "burpcollaborator.net", "oastify.com", "canarytokens.com", "dnslog.cn", "ceye.io",
    ]

    /// Local names that development setups document as defaults: the machine itself, and the host
    /// as seen from a container.
    static let developmentNames = ["localhost", "host.docker.internal", "gateway.docker.internal", "host.containers.internal"]

    /// Query parameter names that carry data out.
    static let dataParameters: Set<String> = [
        "data", "content", "contents", "payload", "exfil", "leak", "secrets", "creds", "credentials", "conversation", "history", "chat",
        "memory", "messages", "ssh", "env", "dump", "sidenote",
    ]

    /// Words inside a placeholder that name data to send. (Not `key`, `token` or `message`:
    /// `?key={API_KEY}` and `/messages/{messageId}` are ordinary API documentation.)
    static let dataPlaceholders = [
        "content", "secret", "credential", "password", "passwd", "ssh", "id_rsa", "private_key", "sidenote", "cookie", "exfil", "leak",
        "system_prompt", "conversation",
    ]

    /// Why `url` is suspicious in a tool definition, or `nil`.
    static func suspicion(url: String) -> String? {
        let reference: URLReference? = URLReference.parsePlain(Substring(url)) ?? (try? URLReference.parse(url).get())
        if let host = reference?.host {
            switch host {
            case .ip(let address):
                switch AddressClassifier.classify(address) {
                case .metadata(let why): return "it points at \(why)"
                case .internalAddress(let why) where !ByteSearch.contains(why, "loopback") && !ByteSearch.contains(why, "unspecified"):
                    return "it points at an internal address (\(why))"
                case .global: return "its host is a raw IP address (\(address)), typical of an attacker's collection server"
                case .internalAddress, .reserved: break
                }
            case .name(let name):
                if let service = exfiltrationServices.first(where: { HostClassifier.hasLabelSuffix(name, $0) }) {
                    return "\(service) is a paste, request-capture or tunnel service, used to receive exfiltrated data"
                }
                // Single-label names (`http://db:5432`) and localhost are development defaults.
                if name.utf8.contains(UInt8(ascii: ".")), !name.utf8.contains(where: { $0 == UInt8(ascii: "{") || $0 == UInt8(ascii: "$") }) {
                    switch HostClassifier.classify(name: name) {
                    case .metadata(let why): return "it points at \(why)"
                    case .localName(let why) where !developmentNames.contains(where: { HostClassifier.hasLabelSuffix(name, $0) }):
                        return "it points at an internal host (\(why))"
                    default: break
                    }
                }
            }
        }
        return dataTemplate(url).map { "it templates data into the request (\($0))" }
    }

    /// A query parameter or placeholder of `url` that fills in data to send: `?data={…}`,
    /// `?q={{conversation}}`, `/log/{secrets}`.
    static func dataTemplate(_ url: String) -> String? {
        let lower = ByteSearch.lowercased(url)
        // Placeholders anywhere: {…}, {{…}}, ${…}, <…> (percent-encoded braces too).
        let decoded = lower.replacingBraces()
        var rest = Substring(decoded)
        while let open = rest.firstIndex(of: "{") {
            let after = rest[rest.index(after: open)...]
            guard let close = after.firstIndex(of: "}") else { break }
            let inside = String(after[..<close].prefix(80))
            if dataPlaceholders.contains(where: { ByteSearch.contains(inside, $0) }) { return "{\(inside)}" }
            rest = after[close...]
        }
        // Query parameters named for data whose value is a placeholder: ?data={…}, ?key=<…>.
        guard let question = decoded.firstIndex(of: "?") else { return nil }
        let query = decoded[decoded.index(after: question)...].prefix { $0 != "#" }
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, dataParameters.contains(String(parts[0])) else { continue }
            let value = parts[1]
            if value.contains(where: { $0 == "{" || $0 == "<" }) || value.hasPrefix("$") { return String(pair.prefix(80)) }
        }
        return nil
    }
}

extension String {
    /// `self` with percent-encoded braces and angle brackets decoded.
    fileprivate func replacingBraces() -> String {
        guard utf8.contains(UInt8(ascii: "%")) else { return self }
        var out: [UInt8] = []
        let bytes = Array(utf8)
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "%"), i + 2 < bytes.count {
                let code = (bytes[i + 1], bytes[i + 2] | 0x20)
                switch code {
                case (UInt8(ascii: "7"), UInt8(ascii: "b")): out.append(UInt8(ascii: "{"))
                case (UInt8(ascii: "7"), UInt8(ascii: "d")): out.append(UInt8(ascii: "}"))
                case (UInt8(ascii: "3"), UInt8(ascii: "c")): out.append(UInt8(ascii: "<"))
                case (UInt8(ascii: "3"), UInt8(ascii: "e")): out.append(UInt8(ascii: ">"))
                default:
                    out.append(bytes[i])
                    i += 1
                    continue
                }
                i += 3
                continue
            }
            out.append(bytes[i])
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}
