extension RiskScorer {
    /// Most properties read from one input schema, counted over every level.
    static let maxSchemaProperties = 64
    /// Deepest schema level read (the root is level 0).
    static let maxSchemaDepth = 8
    /// Most subschemas visited in one input schema (`items`, `anyOf` and the like included).
    static let maxSchemaNodes = 512
    /// Most `enum` values read per subschema, and the longest value read, in UTF-8 bytes.
    static let maxEnumValues = 64
    static let maxEnumValueBytes = 256

    static let commandParameterWords: Set<String> = ["command", "commands", "cmd", "cmdline", "script", "shell", "exec", "bash"]
    static let credentialParameterWords: Set<String> = [
        "password", "passwords", "passwd", "passphrase", "secret", "secrets", "credential", "credentials", "apikey", "authorization",
    ]
    /// Joined words that name a key wherever they appear: `api_key`, `x-api-key`, `privateKey`.
    static let credentialParameterFragments = ["apikey", "privatekey", "accesskey", "secretkey"]
    /// Words that make a `token` parameter a position, not a credential: `page_token`, `max_tokens`.
    static let notCredentialWords: Set<String> = ["page", "next", "continuation", "cursor", "sync", "max", "limit", "count"]
    static let pathParameterWords: Set<String> = [
        "path", "paths", "file", "files", "filename", "filenames", "filepath", "dir", "directory", "folder",
    ]
    static let urlParameterWords: Set<String> = ["url", "urls", "uri", "uris", "endpoint", "endpoints", "href", "webhook"]
    /// Words in a path parameter's description that make it a place the tool writes.
    static let writeDescriptionWords: Set<String> = [
        "write", "writes", "written", "writing", "overwrite", "overwrites", "overwritten", "overwriting", "save", "saves", "saved",
        "create", "creates", "created", "append", "appends", "appended",
    ]
    static let uriFormats: Set<String> = ["uri", "uri-reference", "iri", "iri-reference", "url"]
    /// The name vocabularies an enum value is matched against: an operation, not a noun.
    static let enumCapabilities: Set<String> = ["executes commands", "deletes data", "writes files"]

    /// The signals an input schema gives, every one a schema fact (``Signal/Origin/schema``).
    ///
    /// Walks `properties`, `items`, `prefixItems`, `additionalProperties`, `anyOf`, `oneOf` and
    /// `allOf`, within the bounds above; `$ref` is not resolved.
    static func schemaSignals(_ schema: JSONValue) -> [Signal] {
        var signals: [Signal] = []
        var seen = Set<String>()
        var properties = maxSchemaProperties
        var nodes = maxSchemaNodes
        func add(_ parameter: String, _ fact: String, _ level: Level, _ capability: String) {
            guard seen.insert(parameter + "\u{0}" + capability).inserted else { return }
            let label = "parameter `\(printable(parameter))`" + (fact.isEmpty ? "" : " " + fact)
            signals.append(Signal(level: level, capability: capability, reason: "\(label) (\(capability))", origin: .schema))
        }
        func visit(_ node: JSONValue, parameter: String?, depth: Int) {
            guard depth < maxSchemaDepth, nodes > 0, case .object = node else { return }
            nodes -= 1
            if let parameter {
                if let format = node["format"]?.stringValue, uriFormats.contains(format.lowercased()) {
                    add(parameter, "format \"\(printable(format))\"", .medium, "fetches from the network")
                }
                for (value, level, capability) in enumSignals(node) {
                    add(parameter, "enum \"\(printable(value))\"", level, capability)
                }
            }
            if case .object(let members)? = node["properties"] {
                for member in members {
                    guard properties > 0 else { break }
                    properties -= 1
                    for (level, capability) in parameterCapabilities(member.key, member.value) {
                        add(member.key, "", level, capability)
                    }
                    visit(member.value, parameter: member.key, depth: depth + 1)
                }
            }
            for key in ["items", "additionalProperties"] {
                if let child = node[key] { visit(child, parameter: parameter, depth: depth + 1) }
            }
            for key in ["items", "prefixItems", "anyOf", "oneOf", "allOf"] {
                guard case .array(let children)? = node[key] else { continue }
                for child in children { visit(child, parameter: parameter, depth: depth + 1) }
            }
        }
        visit(schema, parameter: nil, depth: 0)
        return signals
    }

    /// What a parameter's name (and, for a path, its description) says it does.
    static func parameterCapabilities(_ name: String, _ property: JSONValue) -> [(Level, String)] {
        let words = Self.words(name)
        let set = Set(words)
        let joined = words.joined()
        var found: [(Level, String)] = []
        if !set.isDisjoint(with: commandParameterWords) { found.append((.high, "executes commands")) }
        let credential =
            !set.isDisjoint(with: credentialParameterWords) || credentialParameterFragments.contains(where: joined.contains)
            || (set.contains("token") && set.isDisjoint(with: notCredentialWords))
        if credential { found.append((.high, "accesses credentials")) }
        if !set.isDisjoint(with: pathParameterWords) {
            let description = String(decoding: (property["description"]?.stringValue ?? "").utf8.prefix(maxDescriptionBytes), as: UTF8.self)
            let described = Set(Self.words(String(description.map { $0.isLetter || $0.isNumber ? $0 : " " })))
            found.append(described.isDisjoint(with: writeDescriptionWords) ? (.medium, "reads the filesystem") : (.high, "writes files"))
        }
        if !set.isDisjoint(with: urlParameterWords) { found.append((.medium, "fetches from the network")) }
        return found
    }

    /// Enum values that name an operation: a command (`"bash"`), a deletion (`"rm"`) or a write.
    static func enumSignals(_ node: JSONValue) -> [(value: String, level: Level, capability: String)] {
        guard case .array(let values)? = node["enum"] else { return [] }
        var found: [(value: String, level: Level, capability: String)] = []
        for case .string(let full) in values.prefix(maxEnumValues) {
            let value = String(decoding: full.utf8.prefix(maxEnumValueBytes), as: UTF8.self)
            let words = Self.words(value)
            if highNames.contains(words.joined()) { found.append((value, .high, "executes commands")) }
            for entry in highVocabulary where enumCapabilities.contains(entry.capability) && !entry.words.isDisjoint(with: words) {
                found.append((value, .high, entry.capability))
            }
        }
        return found
    }

    /// Text fit for a reason: control and format characters (bidi overrides, zero-width
    /// characters), backticks and quotes shown as `?`, 64 characters at most.
    static func printable(_ text: String) -> String {
        var shown = ""
        for character in text.prefix(64) {
            let hidden = character.unicodeScalars.contains {
                $0.properties.generalCategory == .control || $0.properties.generalCategory == .format
            }
            shown.append(hidden || character == "`" || character == "\"" ? "?" : character)
        }
        return text.dropFirst(64).isEmpty ? shown : shown + "…"
    }
}
