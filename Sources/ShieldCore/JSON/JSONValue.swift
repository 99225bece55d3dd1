/// A JSON document as the strict parser read it.
///
/// Objects keep their members in source order; numbers keep their source text, so a value can be
/// re-encoded without the precision changes a `Double` round trip would introduce.
///
/// `JSONValue` does not accept duplicate object keys, invalid UTF-8 or lone surrogates: a document
/// that two JSON parsers could read differently never becomes a `JSONValue` (see ``JSONParser``).
///
/// ```swift
/// let value = try JSONParser.parse(#"{"url": "http://127.1/"}"#)
/// value["url"]?.stringValue  // "http://127.1/"
/// ```
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    /// A number, as its source text (already validated against the JSON number grammar).
    case number(String)
    case string(String)
    case array([JSONValue])
    /// An object's members in source order. Keys are unique.
    case object([(key: String, value: JSONValue)])

    /// The string payload of a `.string`, else `nil`.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The member named `key` of an object, else `nil`.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    /// A short name of the value's type, for error messages.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.bool(let a), .bool(let b)): a == b
        case (.number(let a), .number(let b)): a == b
        case (.string(let a), .string(let b)): a == b
        case (.array(let a), .array(let b)): a == b
        case (.object(let a), .object(let b)):
            a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let b): hasher.combine(b)
        case .number(let n): hasher.combine(n)
        case .string(let s): hasher.combine(s)
        case .array(let a): hasher.combine(a)
        case .object(let members):
            hasher.combine(members.count)
            for member in members {
                hasher.combine(member.key)
                hasher.combine(member.value)
            }
        }
    }
}
