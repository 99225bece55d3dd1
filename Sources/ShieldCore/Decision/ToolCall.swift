/// A `tools/call` request as the decision engine sees it: a tool name and its arguments.
///
/// ```swift
/// let call = try ToolCall(params: JSONParser.parse(#"{"name":"fetch","arguments":{"url":"https://example.com"}}"#))
/// ```
public struct ToolCall: Sendable, Hashable {
    /// The tool's name, exactly as the client sent it.
    public var name: String
    /// The `arguments` member; an object when well formed. Anything else is blocked as `args.malformed`.
    public var arguments: JSONValue

    public init(name: String, arguments: JSONValue = .object([])) {
        self.name = name
        self.arguments = arguments
    }

    /// Reads a `tools/call` params object: `{"name": TOOL, "arguments": {...}}`.
    ///
    /// `tool` and `tool_name` are accepted for the name (the original mcp-shield API used
    /// `tool_name`). A missing `arguments` member is an empty object.
    ///
    /// - Throws: ``ToolCallError`` when the name is missing, ambiguous or not a string.
    public init(params: JSONValue) throws(ToolCallError) {
        guard case .object(let members) = params else {
            throw ToolCallError("expected a JSON object, found \(params.typeName)")
        }
        var name: String?
        var arguments: JSONValue = .object([])
        for (key, value) in members {
            switch key {
            case "name", "tool", "tool_name":
                guard case .string(let s) = value else {
                    throw ToolCallError("\"\(key)\" must be a string, found \(value.typeName)")
                }
                guard name == nil else {
                    throw ToolCallError("more than one of \"name\", \"tool\", \"tool_name\" given")
                }
                name = s
            case "arguments":
                arguments = value
            default:
                continue
            }
        }
        guard let name else { throw ToolCallError("missing tool name (\"name\", \"tool\" or \"tool_name\")") }
        self.init(name: name, arguments: arguments)
    }
}

/// Why a JSON value is not a `tools/call` params object.
public struct ToolCallError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
