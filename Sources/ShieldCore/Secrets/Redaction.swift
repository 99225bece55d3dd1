/// A copy of tool-call arguments that is safe to store and to show: what the audit log keeps.
///
/// - Credentials the ``SecretScanner`` recognises are replaced in place by `[REDACTED:KIND]`
///   (`[REDACTED:github-token]`), wherever they sit in a string.
/// - The whole value of a member whose key names a secret (`password`, `api_key`,
///   `Authorization`, `client_secret`…) is replaced by `[REDACTED:key]`: a credential with no
///   recognisable shape is still a credential.
/// - The user-information part of URLs (`https://user:pass@host`) is masked.
/// - The copy is size-capped: long strings are cut, wide containers keep their first members,
///   deep nesting is cut, and once the byte budget is spent the rest is left out. Every cut is
///   marked, so a reader knows the copy is partial.
///
/// Redaction runs on the full strings before they are cut, so a secret straddling a cut is
/// still masked.
///
/// ```swift
/// let copy = Redaction.redact(.object([("token", .string("hunter2"))]))
/// copy.value.jsonText  // {"token":"[REDACTED:key]"}
/// ```
public enum Redaction {
    public struct Limits: Sendable, Hashable {
        /// Longest string kept, in UTF-8 bytes.
        public var maxStringBytes = 512
        /// Most members of one object or elements of one array kept.
        public var maxMembers = 64
        /// Deepest nesting kept.
        public var maxDepth = 16
        /// Approximate size of the whole copy, in bytes of string and key text.
        public var maxTotalBytes = 8192

        public init() {}
    }

    public struct Result: Sendable, Hashable {
        /// The redacted, size-capped copy.
        public var value: JSONValue
        /// How many credentials or secret-named values were masked.
        public var redactions: Int
        /// Whether anything was cut for size.
        public var truncated: Bool
    }

    /// Redacts and caps `value`.
    public static func redact(_ value: JSONValue, limits: Limits = Limits()) -> Result {
        var state = State(limits: limits, budget: limits.maxTotalBytes)
        let copy = state.copy(value, depth: 0, secretKey: false)
        return Result(value: copy, redactions: state.redactions, truncated: state.truncated)
    }

    /// Masks every credential in `text` (no size cap).
    public static func redactSecrets(in text: String) -> (text: String, redactions: Int) {
        var state = State(limits: Limits(), budget: .max)
        let masked = state.mask(text)
        return (masked, state.redactions)
    }

    /// Keys whose values are credentials whatever they look like (compared after lower-casing and
    /// dropping `_`, `-`, `.` and spaces).
    static let secretKeyWords = [
        "password", "passwd", "passphrase", "secret", "token", "apikey", "accesskey", "privatekey", "credential",
        "authorization", "cookie", "sessionid", "clientsecret", "signingkey", "bearer",
    ]

    /// Whether a key (`password`, `api_key`, `Authorization`, `client-secret`…) names a credential.
    public static func keyNamesSecret(_ key: String) -> Bool {
        let normalized = ArgumentHints.normalize(key)
        return secretKeyWords.contains { ByteSearch.contains(normalized, $0) } || normalized == "auth" || normalized == "pwd"
    }

    struct State {
        let limits: Limits
        var budget: Int
        var redactions = 0
        var truncated = false

        mutating func copy(_ value: JSONValue, depth: Int, secretKey: Bool) -> JSONValue {
            if secretKey, value != .null {
                redactions += 1
                return .string("[REDACTED:key]")
            }
            switch value {
            case .null, .bool, .number:
                budget -= 8
                return value
            case .string(let text):
                return .string(cut(mask(text)))
            case .array(let elements):
                guard depth < limits.maxDepth else { return cutMarker("nested deeper than \(limits.maxDepth)") }
                var out: [JSONValue] = []
                for (index, element) in elements.enumerated() {
                    if index == limits.maxMembers || budget <= 0 {
                        out.append(cutMarker("\(elements.count - index) more elements"))
                        break
                    }
                    out.append(copy(element, depth: depth + 1, secretKey: false))
                }
                return .array(out)
            case .object(let members):
                guard depth < limits.maxDepth else { return cutMarker("nested deeper than \(limits.maxDepth)") }
                var out: [(key: String, value: JSONValue)] = []
                for (index, member) in members.enumerated() {
                    if index == limits.maxMembers || budget <= 0 {
                        out.append((key: "[TRUNCATED]", value: .string("\(members.count - index) more members")))
                        truncated = true
                        break
                    }
                    let key = cut(mask(member.key))  // a key can carry a secret too
                    out.append((key: key, value: copy(member.value, depth: depth + 1, secretKey: Redaction.keyNamesSecret(member.key))))
                }
                return .object(out)
            }
        }

        mutating func cutMarker(_ what: String) -> JSONValue {
            truncated = true
            return .string("[TRUNCATED: \(what)]")
        }

        /// `text` cut to the string limit and the remaining budget, at a character boundary.
        mutating func cut(_ text: String) -> String {
            let allowed = max(0, min(limits.maxStringBytes, budget))
            let count = text.utf8.count
            budget -= min(count, allowed) + 2
            guard count > allowed else { return text }
            truncated = true
            let head = Array(text.utf8.prefix(allowed + 1))
            var end = allowed
            while end > 0, head[end] & 0xC0 == 0x80 { end -= 1 }  // not inside a UTF-8 sequence
            return String(decoding: head[..<end], as: UTF8.self) + "…[TRUNCATED: \(count) bytes]"
        }

        /// `text` with every recognised credential and URL password replaced.
        mutating func mask(_ text: String) -> String {
            var bytes = Array(text.utf8)
            var changed = false
            var out: [UInt8] = []
            var position = 0
            bytes.withUnsafeBufferPointer { buffer in
                while position < buffer.count {
                    let rest = UnsafeBufferPointer(rebasing: buffer[position...])
                    guard let match = SecretScanner.firstSecret(in: rest) else { break }
                    out.append(contentsOf: rest[..<match.range.lowerBound])
                    out.append(contentsOf: "[REDACTED:\(match.kind)]".utf8)
                    position += max(match.range.upperBound, 1)
                    redactions += 1
                    changed = true
                }
                if changed { out.append(contentsOf: buffer[position...]) }
            }
            if changed { bytes = out }
            if maskUserInfo(&bytes) { changed = true }
            return changed ? String(decoding: bytes, as: UTF8.self) : text
        }

        /// Masks `user:password@` after every `://`, up to the end of the authority.
        mutating func maskUserInfo(_ bytes: inout [UInt8]) -> Bool {
            var changed = false
            var i = 0
            while i + 3 <= bytes.count {
                guard bytes[i] == UInt8(ascii: ":"), bytes[i + 1] == UInt8(ascii: "/"), bytes[i + 2] == UInt8(ascii: "/") else {
                    i += 1
                    continue
                }
                let start = i + 3
                var end = start
                var at: Int?
                while end < bytes.count {
                    let b = bytes[end]
                    if b == UInt8(ascii: "/") || b == UInt8(ascii: "?") || b == UInt8(ascii: "#") || b <= 0x20 || b == UInt8(ascii: "\"") { break }
                    if b == UInt8(ascii: "@") { at = end }
                    end += 1
                }
                if let at, let colon = bytes[start..<at].firstIndex(of: UInt8(ascii: ":")) {
                    let marker = Array("[REDACTED:password]".utf8)
                    bytes.replaceSubrange((colon + 1)..<at, with: marker)
                    redactions += 1
                    changed = true
                    i = colon + 1 + marker.count
                } else {
                    i = end
                }
            }
            return changed
        }
    }
}
