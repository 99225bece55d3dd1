/// Reading the keywords that apply subschemas: to members, to items, or to the value in place.
extension SchemaCompiler {
    mutating func objectRules(_ keywords: Keywords) throws(CompileError) -> ObjectRules? {
        var rules = ObjectRules()
        var used = false
        if let members = try object(keywords, "properties") {
            used = true
            for member in members {
                rules.properties[ExactString(member.key)] = try subschema(member.value, keywords, "properties", member.key)
            }
        }
        if let members = try object(keywords, "patternProperties") {
            used = true
            for member in members {
                let regex = try pattern(member.key, keywords, "patternProperties", member.key)
                let node = try subschema(member.value, keywords, "patternProperties", member.key)
                rules.patternProperties.append(PatternSchema(pattern: regex, node: node))
            }
        }
        if let schema = keywords["additionalProperties"] {
            used = true
            rules.additionalProperties = try subschema(schema, keywords, "additionalProperties")
        }
        if let schema = keywords["propertyNames"] {
            used = true
            rules.propertyNames = try subschema(schema, keywords, "propertyNames")
        }
        if let value = keywords["required"] {
            used = true
            rules.required = try strings(value, keywords, "required")
        }
        if let limit = try count(keywords, "minProperties") {
            used = true
            rules.minProperties = limit
        }
        if let limit = try count(keywords, "maxProperties") {
            used = true
            rules.maxProperties = limit
        }
        if let members = try object(keywords, "dependentRequired") {
            used = true
            for member in members {
                let names = try strings(member.value, keywords, "dependentRequired")
                rules.dependentRequired.append((ExactString(member.key), names))
            }
        }
        if let members = try object(keywords, "dependentSchemas") {
            used = true
            for member in members {
                let node = try subschema(member.value, keywords, "dependentSchemas", member.key)
                rules.dependentSchemas.append((ExactString(member.key), node))
            }
        }
        // Draft-07's `dependencies` holds both kinds: an array of names or a schema.
        if let members = try object(keywords, "dependencies") {
            used = true
            for member in members {
                if case .array = member.value {
                    let names = try strings(member.value, keywords, "dependencies")
                    rules.dependentRequired.append((ExactString(member.key), names))
                } else {
                    let node = try subschema(member.value, keywords, "dependencies", member.key)
                    rules.dependentSchemas.append((ExactString(member.key), node))
                }
            }
        }
        return used ? rules : nil
    }

    mutating func arrayRules(_ keywords: Keywords) throws(CompileError) -> ArrayRules? {
        var rules = ArrayRules()
        var used = false
        switch keywords["items"] {
        case .array?:
            // Draft-07 tuple: `items` lists the prefix, `additionalItems` covers the rest.
            used = true
            rules.prefix = try schemas(keywords, "items", allowEmpty: true)
            if let rest = keywords["additionalItems"] {
                rules.rest = try subschema(rest, keywords, "additionalItems")
            }
        case let items?:
            used = true
            rules.prefix = try schemas(keywords, "prefixItems", allowEmpty: true)
            rules.rest = try subschema(items, keywords, "items")
        case nil:
            rules.prefix = try schemas(keywords, "prefixItems", allowEmpty: true)
            used = !rules.prefix.isEmpty
        }
        if let schema = keywords["contains"] {
            used = true
            rules.contains = try subschema(schema, keywords, "contains")
            rules.minContains = try count(keywords, "minContains") ?? 1
            rules.maxContains = try count(keywords, "maxContains")
        }
        if let limit = try count(keywords, "minItems") {
            used = true
            rules.minItems = limit
        }
        if let limit = try count(keywords, "maxItems") {
            used = true
            rules.maxItems = limit
        }
        switch keywords["uniqueItems"] {
        case .bool(let unique)?:
            used = used || unique
            rules.uniqueItems = unique
        case nil:
            break
        default:
            throw error(at: keywords.pointer, "uniqueItems", "uniqueItems must be a boolean")
        }
        return used ? rules : nil
    }

    mutating func logicRules(_ keywords: Keywords) throws(CompileError) -> LogicRules? {
        var rules = LogicRules()
        rules.allOf = try schemas(keywords, "allOf")
        rules.anyOf = try schemas(keywords, "anyOf")
        rules.oneOf = try schemas(keywords, "oneOf")
        if let schema = keywords["not"] {
            rules.not = try subschema(schema, keywords, "not")
        }
        // `if` without `then` or `else` has no effect.
        if let condition = keywords["if"], keywords["then"] != nil || keywords["else"] != nil {
            rules.condition = try subschema(condition, keywords, "if")
            if let then = keywords["then"] { rules.then = try subschema(then, keywords, "then") }
            if let otherwise = keywords["else"] { rules.otherwise = try subschema(otherwise, keywords, "else") }
        }
        let empty = rules.allOf.isEmpty && rules.anyOf.isEmpty && rules.oneOf.isEmpty && rules.not == nil && rules.condition == nil
        return empty ? nil : rules
    }
}
