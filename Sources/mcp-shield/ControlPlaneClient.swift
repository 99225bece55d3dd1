import Foundation
import ShieldAudit
import ShieldCore

#if canImport(Glibc)
    import Glibc
#endif

/// Reads a running `mcp-shield serve`: `--url http://127.0.0.1:8000 [--token T]`.
///
/// A small HTTP/1.1 client over a socket (one GET per connection, `Connection: close`), so the
/// binary does not link FoundationNetworking and libcurl with its TLS stack for this one use.
/// `serve` speaks plain HTTP on loopback; reach a remote one through an SSH tunnel.
struct ControlPlaneClient {
    let host: String
    let port: Int
    let basePath: String
    let token: String?
    let display: String

    static let timeoutSeconds = 30
    static let maxResponseBytes = 64 << 20

    init(base text: String, token: String?) throws {
        guard let url = URL(string: text), url.scheme?.lowercased() == "http", let host = url.host, !host.isEmpty else {
            if URL(string: text)?.scheme?.lowercased() == "https" {
                throw CLIError("--url: https is not supported (serve speaks plain HTTP; use an SSH tunnel to reach a remote one)")
            }
            throw CLIError("--url must be an http:// URL, found \(JSONValue.quoted(text))")
        }
        self.host = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        port = url.port ?? 80
        basePath = url.path.hasSuffix("/") ? String(url.path.dropLast()) : url.path
        self.token = token
        display = text
    }

    /// GETs `path` with `query` and parses the JSON answer; a non-2xx answer is an error carrying
    /// the server's message.
    func get(_ path: String, query: [(String, String)] = []) async throws -> JSONValue {
        var target = basePath + path
        if !query.isEmpty { target += "?" + query.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&") }
        let hostHeader = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        var request = "GET \(target) HTTP/1.1\r\nHost: \(hostHeader)\r\nAccept: application/json\r\nConnection: close\r\n"
        if let token { request += "Authorization: Bearer \(token)\r\n" }
        request += "\r\n"
        let (host, port) = (host, port)
        let raw = try await Task.detached { try Self.exchange(host: host, port: port, request: Array(request.utf8)) }.value
        let (status, body) = try Self.parseResponse(raw)
        let value: JSONValue
        do {
            value = try body.withUnsafeBytes { bytes throws(JSONParseError) in try JSONParser.parse(bytes: bytes) }
        } catch {
            throw CLIError("\(display)\(target) answered \(status) with a body that is not JSON")
        }
        guard (200..<300).contains(status) else {
            throw CLIError("\(display)\(target): \(value["error"]?["message"]?.stringValue ?? "HTTP \(status)")")
        }
        return value
    }

    /// Percent-encodes everything but RFC 3986 unreserved characters.
    static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            if byte.isASCIILetterOrDigit || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_")
                || byte == UInt8(ascii: "~")
            {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }

    /// Connects, sends `request`, reads until the server closes.
    static func exchange(host: String, port: Int, request: [UInt8]) throws -> [UInt8] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &list) == 0, let first = list else {
            throw CLIError("cannot resolve \(host)")
        }
        defer { freeaddrinfo(list) }
        var descriptor: Int32 = -1
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        while let info = candidate {
            let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
            if fd >= 0 {
                var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
                setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                if connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 {
                    descriptor = fd
                    break
                }
                close(fd)
            }
            candidate = info.pointee.ai_next
        }
        guard descriptor >= 0 else { throw CLIError("cannot reach \(host):\(port): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var offset = 0
        while offset < request.count {
            let n = request.withUnsafeBytes { send(descriptor, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw CLIError("sending to \(host):\(port) failed: \(String(cString: strerror(errno)))") }
            offset += n
        }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = recv(descriptor, &buffer, buffer.count, 0)
            if n == 0 { break }
            guard n > 0 else { throw CLIError("reading from \(host):\(port) failed: \(String(cString: strerror(errno)))") }
            response.append(contentsOf: buffer[..<n])
            guard response.count <= maxResponseBytes else { throw CLIError("the answer from \(host):\(port) is larger than 64 MiB") }
        }
        return response
    }

    /// The status and body of an HTTP/1.1 response (Content-Length, chunked, or until close).
    static func parseResponse(_ raw: [UInt8]) throws -> (Int, [UInt8]) {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let headerEnd = raw.indices.dropLast(3).first(where: { raw[$0..<($0 + 4)].elementsEqual(separator) }) else {
            throw CLIError("the server's answer is not HTTP")
        }
        let head = String(decoding: raw[..<headerEnd], as: UTF8.self)
        let lines = head.components(separatedBy: "\r\n")
        let statusParts = lines.first?.split(separator: " ") ?? []
        guard statusParts.count >= 2, statusParts[0].hasPrefix("HTTP/1."), let status = Int(statusParts[1]) else {
            throw CLIError("the server's answer has no HTTP status line")
        }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Array(raw[(headerEnd + 4)...])
        if headers["transfer-encoding"]?.lowercased() == "chunked" {
            body = try dechunk(body)
        } else if let length = headers["content-length"].flatMap({ Int($0) }), length <= body.count {
            body = Array(body[..<length])
        }
        return (status, body)
    }

    static func dechunk(_ data: [UInt8]) throws -> [UInt8] {
        var out: [UInt8] = []
        var index = 0
        while index < data.count {
            guard let lineEnd = data[index...].indices.first(where: { $0 + 1 < data.count && data[$0] == 13 && data[$0 + 1] == 10 }) else { break }
            let sizeText = String(decoding: data[index..<lineEnd], as: UTF8.self).split(separator: ";").first.map(String.init) ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else { throw CLIError("malformed chunked answer") }
            if size == 0 { break }
            let start = lineEnd + 2
            guard start + size <= data.count else { throw CLIError("truncated chunked answer") }
            out.append(contentsOf: data[start..<(start + size)])
            index = start + size + 2
        }
        return out
    }
}

extension UInt8 {
    fileprivate var isASCIILetterOrDigit: Bool {
        (self >= UInt8(ascii: "a") && self <= UInt8(ascii: "z")) || (self >= UInt8(ascii: "A") && self <= UInt8(ascii: "Z"))
            || (self >= UInt8(ascii: "0") && self <= UInt8(ascii: "9"))
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
