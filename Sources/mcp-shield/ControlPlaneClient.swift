import Foundation
import ShieldAudit
import ShieldCore

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Reads a running `mcp-shield serve`: `--url http://127.0.0.1:8000 [--token T]`.
struct ControlPlaneClient {
    let base: URL
    let token: String?

    init(base text: String, token: String?) throws {
        guard let url = URL(string: text.hasSuffix("/") ? String(text.dropLast()) : text), let scheme = url.scheme?.lowercased(),
            scheme == "http" || scheme == "https", url.host != nil
        else {
            throw CLIError("--url must be an http:// or https:// URL, found \(JSONValue.quoted(text))")
        }
        base = url
        self.token = token
    }

    /// GETs `path` (with its query) and parses the JSON answer; a non-2xx answer is an error
    /// carrying the server's message.
    func get(_ path: String, query: [(String, String)] = []) async throws -> JSONValue {
        var components = URLComponents(url: base.appendingPathComponent(path), resolvingAgainstBaseURL: false)!
        if !query.isEmpty { components.queryItems = query.map { URLQueryItem(name: $0.0, value: $0.1) } }
        var request = URLRequest(url: components.url!)
        request.timeoutInterval = 30
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await URLSession.shared.data(for: request)
        } catch {
            throw CLIError("cannot reach \(base.absoluteString): \(error.localizedDescription)")
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        let body: JSONValue
        do {
            body = try data.withUnsafeBytes { bytes throws(JSONParseError) in try JSONParser.parse(bytes: bytes) }
        } catch {
            throw CLIError("\(components.url!.absoluteString) answered \(status) with a body that is not JSON")
        }
        guard (200..<300).contains(status) else {
            let message = body["error"]?["message"]?.stringValue ?? "HTTP \(status)"
            throw CLIError("\(components.url!.absoluteString): \(message)")
        }
        return body
    }
}
