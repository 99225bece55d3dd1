/// Reading each keyword's value into its typed rule; a value of the wrong type is a compile error.
extension SchemaCompiler {
    func typeRule(_ keywords: Keywords) throws(CompileError) -> TypeRule? {
        guard let value = keywords["type"] else { return nil }
        var names: [String] = []
        switch value {
        case .string(let name):
            names = [name]
        case .array(let elements) where !elements.isEmpty:
            for element in elements {
                guard case .string(let name) = element else {
                    throw error(at: keywords.pointer, "type", "type must be a type name or a non-empty array of type names")
                }
                names.append(name)
            }
        default:
            throw error(at: keywords.pointer, "type", "type must be a type name or a non-empty array of type names")
        }
        var types: SchemaTypes = []
        for name in names {
            guard let type = SchemaTypes(name: name) else {
                throw error(at: keywords.pointer, "type", "unknown type \(JSONSchema.quote(name))")
            }
            types.insert(type)
        }
        return TypeRule(types: types, text: JSONSchema.list(names, conjunction: "or"))
    }

    func constRule(_ keywords: Keywords) throws(CompileError) -> ConstRule? {
        guard let value = keywords["const"] else { return nil }
        return ConstRule(value: try canonical(value, keywords, "const"), kind: ValueKinds(of: value), text: JSONSchema.preview(value))
    }

    func enumRule(_ keywords: Keywords) throws(CompileError) -> EnumRule? {
        guard let value = keywords["enum"] else { return nil }
        guard case .array(let elements) = value else { throw error(at: keywords.pointer, "enum", "enum must be an array") }
        var rule = EnumRule(values: [], kinds: [], text: JSONSchema.preview(list: elements))
        for element in elements {
            rule.values.insert(try canonical(element, keywords, "enum"))
            rule.kinds.insert(ValueKinds(of: element))
        }
        return rule
    }

    private func canonical(_ value: JSONValue, _ keywords: Keywords, _ keyword: String) throws(CompileError) -> CanonicalJSON {
        var budget = Int.max
        guard let canonical = CanonicalJSON.make(value, depth: limits.maxDepth, budget: &budget) else {
            throw error(at: keywords.pointer, keyword, "\(keyword) nests deeper than \(limits.maxDepth) levels")
        }
        return canonical
    }

    func stringRules(_ keywords: Keywords) throws(CompileError) -> StringRules? {
        var rules = StringRules()
        let minLength = try count(keywords, "minLength")
        rules.minLength = minLength ?? 0
        rules.maxLength = try count(keywords, "maxLength")
        if let value = keywords["pattern"] {
            guard case .string(let source) = value else { throw error(at: keywords.pointer, "pattern", "pattern must be a string") }
            rules.pattern = try pattern(source, keywords, "pattern")
        }
        return minLength == nil && rules.maxLength == nil && rules.pattern == nil ? nil : rules
    }

    /// Compiles a regular expression, refusing over-long or invalid ones.
    func pattern(_ source: String, _ keywords: Keywords, _ tokens: String...) throws(CompileError) -> SchemaPattern {
        func fail(_ message: String) -> CompileError { error(at: keywords.pointer, tokens: tokens, message) }
        guard source.count <= limits.maxPatternLength else {
            throw fail("pattern is longer than \(limits.maxPatternLength) characters")
        }
        do {
            return try SchemaPattern(source)
        } catch {
            throw fail("invalid regular expression \(JSONSchema.quote(source)): \(String(describing: error).prefix(200))")
        }
    }

    func numberRules(_ keywords: Keywords) throws(CompileError) -> NumberRules? {
        var rules = NumberRules()
        rules.minimum = try bound(keywords, "minimum")
        rules.maximum = try bound(keywords, "maximum")
        // Draft-04 spells an exclusive bound as a boolean beside `minimum`/`maximum`.
        switch keywords["exclusiveMinimum"] {
        case .bool(let exclusive)?:
            if exclusive, let minimum = rules.minimum { (rules.exclusiveMinimum, rules.minimum) = (minimum, nil) }
        default:
            rules.exclusiveMinimum = try bound(keywords, "exclusiveMinimum")
        }
        switch keywords["exclusiveMaximum"] {
        case .bool(let exclusive)?:
            if exclusive, let maximum = rules.maximum { (rules.exclusiveMaximum, rules.maximum) = (maximum, nil) }
        default:
            rules.exclusiveMaximum = try bound(keywords, "exclusiveMaximum")
        }
        if let value = keywords["multipleOf"] {
            guard case .number(let text) = value, let number = SchemaNumber(text), let divisor = SchemaDivisor(number, text: text) else {
                throw error(at: keywords.pointer, "multipleOf", "multipleOf must be a positive number with at most 19 significant digits")
            }
            rules.multipleOf = divisor
        }
        let empty =
            rules.minimum == nil && rules.maximum == nil && rules.exclusiveMinimum == nil && rules.exclusiveMaximum == nil
            && rules.multipleOf == nil
        return empty ? nil : rules
    }

    private func bound(_ keywords: Keywords, _ keyword: String) throws(CompileError) -> NumberBound? {
        guard let value = keywords[keyword] else { return nil }
        guard case .number(let text) = value, let number = SchemaNumber(text) else {
            throw error(at: keywords.pointer, keyword, "\(keyword) must be a number")
        }
        return NumberBound(value: number, text: text)
    }

    /// A keyword whose value is a non-negative integer (`minLength`, `maxItems`, …).
    func count(_ keywords: Keywords, _ keyword: String) throws(CompileError) -> Int? {
        guard let value = keywords[keyword] else { return nil }
        guard case .number(let text) = value, let count = SchemaNumber(text)?.nonNegativeInt else {
            throw error(at: keywords.pointer, keyword, "\(keyword) must be a non-negative integer")
        }
        return count
    }

    func strings(_ value: JSONValue, _ keywords: Keywords, _ keyword: String) throws(CompileError) -> [ExactString] {
        guard case .array(let elements) = value else {
            throw error(at: keywords.pointer, keyword, "\(keyword) must be an array of strings")
        }
        var names: [ExactString] = []
        for element in elements {
            guard case .string(let name) = element else {
                throw error(at: keywords.pointer, keyword, "\(keyword) must be an array of strings")
            }
            names.append(ExactString(name))
        }
        return names
    }

    /// A keyword whose value is an array of schemas (`allOf`, `prefixItems`, …).
    mutating func schemas(_ keywords: Keywords, _ keyword: String, allowEmpty: Bool = false) throws(CompileError) -> [Int] {
        guard let value = keywords[keyword] else { return [] }
        guard case .array(let elements) = value, allowEmpty || !elements.isEmpty else {
            throw error(at: keywords.pointer, keyword, "\(keyword) must be a non-empty array of schemas")
        }
        var nodes: [Int] = []
        for (index, element) in elements.enumerated() {
            nodes.append(try subschema(element, keywords, keyword, String(index)))
        }
        return nodes
    }

    /// A keyword whose value is an object (`properties`, `dependentSchemas`, …).
    func object(_ keywords: Keywords, _ keyword: String) throws(CompileError) -> [(key: String, value: JSONValue)]? {
        guard let value = keywords[keyword] else { return nil }
        guard case .object(let members) = value else { throw error(at: keywords.pointer, keyword, "\(keyword) must be an object") }
        return members
    }
}
