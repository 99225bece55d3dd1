internal import Foundation
public import Hummingbird
internal import ShieldCore

/// A client-facing failure: the status, a stable code and a message, sent as
/// `{"error": {"code": …, "message": …}}`.
public struct APIError: Error, Sendable {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String

    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    var response: Response {
        .json(.object([("error", .object([("code", .string(code)), ("message", .string(message))]))]), status: status)
    }
}

extension Response {
    /// A JSON response, encoded by ``JSONValue/jsonText``.
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        var text = value.jsonText
        text.append("\n")
        return Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    /// A static asset.
    static func asset(_ bytes: [UInt8], contentType: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: contentType, .cacheControl: "no-cache"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

extension Request {
    /// The body parsed as one strict JSON object (duplicate keys, invalid UTF-8 and lone
    /// surrogates refused), at most `limit` bytes.
    mutating func jsonObject(limit: Int) async throws -> JSONValue {
        let buffer: ByteBuffer
        do {
            buffer = try await collectBody(upTo: limit)
        } catch {
            throw APIError(.contentTooLarge, "body_too_large", "the request body is larger than \(limit) bytes")
        }
        let parsed: JSONValue
        do {
            parsed = try buffer.withUnsafeReadableBytes { bytes throws(JSONParseError) in try JSONParser.parse(bytes: bytes) }
        } catch {
            throw APIError(.badRequest, "invalid_json", "the request body is not valid JSON: \(error)")
        }
        guard case .object = parsed else {
            throw APIError(.badRequest, "invalid_request", "the request body must be a JSON object, found \(parsed.typeName)")
        }
        return parsed
    }

    /// A query parameter, if present.
    func query(_ name: String) -> String? {
        uri.queryParameters[Substring(name)].map(String.init)
    }
}

/// Reading members of a request object with errors that name the member.
extension JSONValue {
    func requiredString(_ key: String) throws(APIError) -> String {
        switch self[key] {
        case .string(let value)?: return value
        case nil, .null?: throw APIError(.badRequest, "missing_field", "\"\(key)\" is required")
        case let other?: throw APIError(.badRequest, "invalid_field", "\"\(key)\" must be a string, found \(other.typeName)")
        }
    }

    func optionalString(_ key: String) throws(APIError) -> String? {
        switch self[key] {
        case .string(let value)?: return value
        case nil, .null?: return nil
        case let other?: throw APIError(.badRequest, "invalid_field", "\"\(key)\" must be a string, found \(other.typeName)")
        }
    }
}

/// Strict reading of query parameters: a value that is present but wrong is a 400, never
/// silently replaced by a default.
enum QueryValue {
    static func integer(_ text: String?, name: String, default value: Int, range: ClosedRange<Int>, clamp: Bool) throws(APIError) -> Int {
        guard let text else { return value }
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 &- UInt8(ascii: "0") < 10 }), let parsed = Int(text) else {
            throw APIError(
                .badRequest, "invalid_parameter",
                "\(name) must be an integer from \(range.lowerBound) to \(range.upperBound), found \(JSONValue.quoted(text))")
        }
        if range.contains(parsed) { return parsed }
        guard clamp else {
            throw APIError(.badRequest, "invalid_parameter", "\(name) must be between \(range.lowerBound) and \(range.upperBound)")
        }
        return min(max(parsed, range.lowerBound), range.upperBound)
    }
}
