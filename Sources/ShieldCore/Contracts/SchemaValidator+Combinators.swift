/// `allOf`, `anyOf`, `oneOf`, `not` and `if`/`then`/`else`: in-place applicators, probed muted
/// where their outcome decides.
extension SchemaValidator {
    mutating func check(_ rules: LogicRules, _ value: JSONValue) -> Bool {
        var valid = true
        for node in rules.allOf {
            if !validate(node, value) {
                valid = false
                if stopped { return false }
            }
        }
        if !rules.anyOf.isEmpty {
            guard let matched = probe(rules.anyOf, value, stopAfter: 1) else { return false }
            if matched.isEmpty {
                valid = fail("schema.combinator", "\(JSONSchema.preview(value)) matches none of the \(rules.anyOf.count) schemas in anyOf")
                if stopped { return false }
            }
        }
        if !rules.oneOf.isEmpty {
            guard let matched = probe(rules.oneOf, value, stopAfter: 2) else { return false }
            if matched.isEmpty {
                valid = fail("schema.combinator", "\(JSONSchema.preview(value)) matches none of the \(rules.oneOf.count) schemas in oneOf")
                if stopped { return false }
            } else if matched.count > 1 {
                valid = fail(
                    "schema.combinator",
                    "\(JSONSchema.preview(value)) matches schemas \(matched[0]) and \(matched[1]) in oneOf, expected exactly one")
                if stopped { return false }
            }
        }
        if let node = rules.not {
            guard let matched = probe([node], value, stopAfter: 1) else { return false }
            if !matched.isEmpty {
                valid = fail("schema.combinator", "\(JSONSchema.preview(value)) matches the schema in not")
                if stopped { return false }
            }
        }
        if let condition = rules.condition {
            guard let matched = probe([condition], value, stopAfter: 1) else { return false }
            if let next = matched.isEmpty ? rules.otherwise : rules.then, !validate(next, value) {
                valid = false
            }
        }
        return valid
    }

    /// The positions of the `schemas` that `value` conforms to, muted, stopping after `stopAfter`
    /// matches; `nil` when a bound was exceeded.
    private mutating func probe(_ schemas: [Int], _ value: JSONValue, stopAfter: Int) -> [Int]? {
        var matched: [Int] = []
        muted += 1
        for (position, node) in schemas.enumerated() {
            if validate(node, value) {
                matched.append(position)
                if matched.count >= stopAfter { break }
            }
            if fatal != nil { break }
        }
        muted -= 1
        return fatal == nil ? matched : nil
    }
}
