/// One part of what a server says about itself, as it is pinned: a tool, a prompt, a resource, a
/// resource template, or the server's `instructions`.
///
/// The definition is kept whole (every member, not only the description: name, title,
/// description, inputSchema, outputSchema, annotations, icons, `_meta`) in a canonical form, with
/// object members sorted by key at every depth, so a server that merely reorders members has not
/// changed its contract, and any other change has.
///
/// ```swift
/// let contract = Contract(kind: .tool, name: "read_file", definition: tool)
/// contract.canonicalText  // {"description":"…","inputSchema":{…},"name":"read_file"}
/// ```
public struct Contract: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case tool
        case prompt
        case resource
        case resourceTemplate = "resource-template"
        case instructions
    }

    public var kind: Kind
    /// The tool or prompt name, the resource URI, the template's URI template, or `instructions`.
    public var name: String
    /// The definition with object members sorted.
    public var definition: JSONValue
    /// ``definition`` as compact JSON: what is stored and compared.
    public var canonicalText: String

    public init(kind: Kind, name: String, definition: JSONValue) {
        self.kind = kind
        self.name = name
        self.definition = Self.canonical(definition)
        canonicalText = self.definition.jsonText
    }

    /// `value` with object members sorted by key (by Unicode scalar values), at every depth.
    public static func canonical(_ value: JSONValue) -> JSONValue {
        switch value {
        case .array(let elements): .array(elements.map(canonical))
        case .object(let members):
            .object(
                members.map { (key: $0.key, value: canonical($0.value)) }
                    .sorted { $0.key.unicodeScalars.lexicographicallyPrecedes($1.key.unicodeScalars) })
        default: value
        }
    }
}

extension Contract.Kind {
    /// The list method whose result holds this kind, the member holding the array, and the member
    /// naming each entry.
    public var listing: (method: String, member: String, nameKey: String)? {
        switch self {
        case .tool: ("tools/list", "tools", "name")
        case .prompt: ("prompts/list", "prompts", "name")
        case .resource: ("resources/list", "resources", "uri")
        case .resourceTemplate: ("resources/templates/list", "resourceTemplates", "uriTemplate")
        case .instructions: nil
        }
    }

    /// The kind a list method returns.
    public init?(listMethod: String) {
        guard let kind = Self.allCases.first(where: { $0.listing?.method == listMethod }) else { return nil }
        self = kind
    }
}
