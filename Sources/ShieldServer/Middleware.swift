internal import Foundation
internal import HTTPTypes
internal import Hummingbird
internal import Logging
internal import ShieldCore

/// The header values, built once (a generic middleware cannot hold stored statics).
enum SecurityHeaders {
    static let contentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'"
}

/// Security headers on every response, errors included.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    static var contentSecurityPolicy: String { SecurityHeaders.contentSecurityPolicy }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.contentSecurityPolicy] = SecurityHeaders.contentSecurityPolicy
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.frameOptions] = "DENY"
        response.headers[.referrerPolicy] = "no-referrer"
        response.headers[.openerPolicy] = "same-origin"
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }
}

/// Turns every error into the JSON error shape. Errors the client caused keep their 4xx status
/// (an unknown route is 404, an oversized body 413); only our own failures are 500.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return error.response
        } catch let error as any HTTPResponseError {
            let status = error.status
            let code =
                switch status {
                case .notFound: "not_found"
                case .methodNotAllowed: "method_not_allowed"
                case .contentTooLarge: "body_too_large"
                case .unauthorized: "unauthorized"
                default: status.code < 500 ? "bad_request" : "internal_error"
                }
            let message = status == .notFound ? "no such endpoint: \(request.method) \(request.uri.path)" : status.reasonPhrase
            var response = APIError(status, code, message).response
            if status == .methodNotAllowed { response.headers[.allow] = nil }
            return response
        } catch {
            context.logger.error("internal error on \(request.method) \(request.uri.path): \(error)")
            return APIError(.internalServerError, "internal_error", "internal error").response
        }
    }
}

/// Who may talk to the control plane.
///
/// - **Host check.** Bound to a loopback address, only requests for a loopback host name are
///   served: a DNS-rebinding page (`evil.example` resolving to 127.0.0.1) is refused.
/// - **Token.** With a token configured, every endpoint but `/health` needs
///   `Authorization: Bearer TOKEN` or the dashboard's session cookie (set by opening
///   `/dashboard?token=TOKEN`).
/// - **Origin.** A state-changing request (anything but GET, HEAD, OPTIONS) that carries an
///   `Origin` other than the server's own is refused: a web page cannot drive the API.
struct AccessMiddleware<Context: RequestContext>: RouterMiddleware {
    static var cookieName: String { "mcp_shield_token" }

    let token: String?
    let loopbackOnly: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let host = request.head.authority ?? ""
        if loopbackOnly, !Self.isLoopbackAuthority(host) {
            throw APIError(.misdirectedRequest, "bad_host", "this server answers on loopback host names only, not \(JSONValue.quoted(host))")
        }
        let path = request.uri.path
        if let token, path != "/health" {
            if path == "/dashboard", let offered = request.query("token") {
                guard Self.constantTimeEquals(offered, token) else {
                    var response = APIError(.unauthorized, "unauthorized", "wrong token").response
                    response.headers[.wwwAuthenticate] = "Bearer"
                    return response
                }
                // Trade the token in the URL for an HttpOnly, SameSite=Strict cookie, and drop it
                // from the address bar.
                return Response(
                    status: .seeOther,
                    headers: [
                        .location: "/dashboard",
                        .setCookie: "\(Self.cookieName)=\(token); Path=/; HttpOnly; SameSite=Strict",
                    ])
            }
            guard let offered = Self.offeredToken(request), Self.constantTimeEquals(offered, token) else {
                var response = APIError(.unauthorized, "unauthorized", "a bearer token is required (Authorization: Bearer TOKEN)").response
                response.headers[.wwwAuthenticate] = "Bearer"
                return response
            }
        }
        if request.method != .get, request.method != .head, request.method != .options, let origin = request.headers[.origin] {
            guard origin == "http://\(host)" || origin == "https://\(host)" else {
                throw APIError(.forbidden, "foreign_origin", "requests from origin \(JSONValue.quoted(origin)) are refused")
            }
        }
        return try await next(request, context)
    }

    static func offeredToken(_ request: Request) -> String? {
        if let authorization = request.headers[.authorization] {
            let parts = authorization.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" { return String(parts[1]).trimmingCharacters(in: .whitespaces) }
            return nil
        }
        for header in request.headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let trimmed = pair.trimmingCharacters(in: .whitespaces)
                if trimmed.hasPrefix(cookieName + "=") { return String(trimmed.dropFirst(cookieName.count + 1)) }
            }
        }
        return nil
    }

    /// Compares without an early exit, so timing does not reveal how much of a guess was right.
    static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        var difference = UInt8(x.count == y.count ? 0 : 1)
        for i in 0..<max(x.count, y.count) {
            difference |= (i < x.count ? x[i] : 0) ^ (i < y.count ? y[i] : 0)
        }
        return difference == 0
    }

    /// `localhost`, `127.x.y.z` or `[::1]`, with an optional port.
    static func isLoopbackAuthority(_ authority: String) -> Bool {
        // The usual case first, without building substrings.
        var utf8 = authority.utf8[...]
        for prefix in ["127.0.0.1", "localhost"] where utf8.starts(with: prefix.utf8) {
            utf8 = utf8.dropFirst(prefix.utf8.count)
            if utf8.isEmpty { return true }
            if utf8.first == UInt8(ascii: ":"), utf8.count > 1, utf8.dropFirst().allSatisfy({ $0 &- UInt8(ascii: "0") < 10 }) { return true }
            break
        }
        return isLoopbackAuthoritySlow(authority)
    }

    static func isLoopbackAuthoritySlow(_ authority: String) -> Bool {
        var host = Substring(authority)
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return false }
            let rest = host[host.index(after: close)...]
            guard rest.isEmpty || (rest.hasPrefix(":") && rest.dropFirst().allSatisfy(\.isASCIIDigit)) else { return false }
            return host[host.index(after: host.startIndex)..<close] == "::1"
        }
        if let colon = host.lastIndex(of: ":") {
            guard host[host.index(after: colon)...].allSatisfy(\.isASCIIDigit) else { return false }
            host = host[..<colon]
        }
        if host.lowercased() == "localhost" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127"
            && octets.allSatisfy { !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(\.isASCIIDigit) && Int($0)! <= 255 }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}

/// Request latency by route, method and status, and request counts.
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ShieldMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response: Response
        do {
            response = try await next(request, context)
        } catch let error as APIError {
            metrics.request(route: context.endpointPath ?? "unmatched", method: request.method.rawValue, status: Int(error.status.code), since: start)
            throw error
        } catch let error as any HTTPResponseError {
            metrics.request(route: context.endpointPath ?? "unmatched", method: request.method.rawValue, status: Int(error.status.code), since: start)
            throw error
        }
        // Event streams last as long as the client stays; their duration is not a latency.
        if response.headers[.contentType] != "text/event-stream" {
            metrics.request(
                route: context.endpointPath ?? "unmatched", method: request.method.rawValue, status: Int(response.status.code), since: start)
        }
        return response
    }
}

extension HTTPField.Name {
    static var frameOptions: Self { Self("X-Frame-Options")! }
    static var referrerPolicy: Self { Self("Referrer-Policy")! }
    static var openerPolicy: Self { Self("Cross-Origin-Opener-Policy")! }
    static var lastEventID: Self { Self("Last-Event-ID")! }
}
