/// How values, schemas and paths appear in violation and compile-error messages.
///
/// Values come from tool calls and may be large: strings and numbers are cut at 64 characters,
/// containers are described by their size, lists show at most 10 values.
extension JSONSchema {
    static let previewLength = 64

    /// `text` as a JSON string literal, cut to 64 Unicode scalars (`"aaaa"…`).
    static func quote(_ text: String) -> String {
        guard text.utf8.count > previewLength else { return JSONValue.quoted(text) }
        let scalars = text.unicodeScalars
        guard scalars.count > previewLength else { return JSONValue.quoted(text) }
        var prefix = String.UnicodeScalarView()
        prefix.append(contentsOf: scalars.prefix(previewLength))
        return JSONValue.quoted(String(prefix)) + "…"
    }

    /// `1 item`, `2 items`.
    static func plural(_ count: Int, _ singular: String, _ plural: String? = nil) -> String {
        "\(count) " + (count == 1 ? singular : plural ?? singular + "s")
    }

    /// `a`, `a or b`, `a, b or c`.
    static func list(_ names: [String], conjunction: String) -> String {
        guard let last = names.last else { return "" }
        guard names.count > 1 else { return last }
        return names.dropLast().joined(separator: ", ") + " \(conjunction) " + last
    }

    /// A short rendering of `value`: scalars as JSON, containers by size.
    static func preview(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool(let flag): flag ? "true" : "false"
        case .number(let text): text.utf8.count > previewLength ? String(text.prefix(previewLength)) + "…" : text
        case .string(let text): quote(text)
        case .array(let elements):
            elements.isEmpty ? "[]" : "an array of \(plural(elements.count, "item"))"
        case .object(let members):
            members.isEmpty ? "{}" : "an object with \(plural(members.count, "property", "properties"))"
        }
    }

    /// `["ls", "cat"]`, showing at most 10 values.
    static func preview(list values: [JSONValue]) -> String {
        let shown = values.prefix(10).map { preview($0) }.joined(separator: ", ")
        return "[" + shown + (values.count > 10 ? ", …" : "") + "]"
    }

    /// `$`, `$.edits[0].oldText`, `$["odd key"]` (see ``JSONPath``).
    static func render(path: [SchemaValidator.PathComponent]) -> String {
        var text = "$"
        for component in path {
            switch component {
            case .key(let key):
                text += JSONPath.member(key)
            case .index(let index):
                text += "[\(index)]"
            }
        }
        return text
    }
}
