/// Object and array keywords: the ones that descend into members and items.
extension SchemaValidator {
    // MARK: - Objects

    mutating func check(_ rules: ObjectRules, _ members: [(key: String, value: JSONValue)], _ value: JSONValue) -> Bool {
        var valid = true
        if members.count < rules.minProperties {
            valid = fail(
                "schema.properties-count",
                "expected at least \(JSONSchema.plural(rules.minProperties, "property", "properties")), found \(members.count)")
            if stopped { return false }
        }
        if let maxProperties = rules.maxProperties, members.count > maxProperties {
            valid = fail(
                "schema.properties-count", "expected at most \(JSONSchema.plural(maxProperties, "property", "properties")), found \(members.count)")
            if stopped { return false }
        }
        var keys = KeyLookup()
        for name in rules.required where !keys.contains(name, in: members) {
            valid = fail("schema.required", "missing required property \(JSONSchema.quote(name.value))")
            if stopped { return false }
        }
        for dependency in rules.dependentRequired where keys.contains(dependency.trigger, in: members) {
            for name in dependency.names where !keys.contains(name, in: members) {
                valid = fail(
                    "schema.required",
                    "missing property \(JSONSchema.quote(name.value)), required when \(JSONSchema.quote(dependency.trigger.value)) is present")
                if stopped { return false }
            }
        }
        if rules.descends {
            guard valueDepth < limits.maxDepth else { return abort("value nests deeper than \(limits.maxDepth) levels") }
            for member in members {
                guard spend(1) else { return false }
                path.append(.key(member.key))
                let conforms = check(member: member, rules)
                path.removeLast()
                if !conforms {
                    valid = false
                    if stopped { return false }
                }
            }
        }
        for dependency in rules.dependentSchemas where keys.contains(dependency.trigger, in: members) {
            if !validate(dependency.node, value) {
                valid = false
                if stopped { return false }
            }
        }
        return valid
    }

    /// One member against `properties`, `patternProperties`, `additionalProperties` and
    /// `propertyNames`; the path already ends with its key.
    private mutating func check(member: (key: String, value: JSONValue), _ rules: ObjectRules) -> Bool {
        var valid = true
        var declared = false
        if !rules.properties.isEmpty, let node = rules.properties[ExactString(member.key)] {
            declared = true
            if !descend(into: node, member.value, key: member.key) {
                valid = false
                if stopped { return false }
            }
        }
        for entry in rules.patternProperties {
            guard matches(entry.pattern, member.key) else {
                if fatal != nil { return false }
                continue
            }
            declared = true
            if !descend(into: entry.node, member.value, key: member.key) {
                valid = false
                if stopped { return false }
            }
        }
        if !declared, let node = rules.additionalProperties, !descend(into: node, member.value, key: member.key) {
            valid = false
            if stopped { return false }
        }
        if let node = rules.propertyNames, !validate(node, .string(member.key)) {
            valid = false
        }
        return valid
    }

    private mutating func descend(into index: Int, _ value: JSONValue, key: String) -> Bool {
        let node = nodes[index]
        if node.isTrivial { return true }
        if node.isFalse { return fail("schema.additional-properties", "property \(JSONSchema.quote(key)) is not allowed") }
        valueDepth += 1
        defer { valueDepth -= 1 }
        return validate(index, value)
    }

    /// Whether an object has a member, by exact key: a scan for small objects, a set for large ones.
    private struct KeyLookup {
        var keys: Set<ExactString>?

        mutating func contains(_ name: ExactString, in members: [(key: String, value: JSONValue)]) -> Bool {
            if members.count <= 8 { return members.contains { ExactString($0.key) == name } }
            if keys == nil { keys = Set(members.lazy.map { ExactString($0.key) }) }
            return keys?.contains(name) ?? false
        }
    }

    // MARK: - Arrays

    mutating func check(_ rules: ArrayRules, _ elements: [JSONValue]) -> Bool {
        var valid = true
        let count = elements.count
        if count < rules.minItems {
            valid = fail("schema.items", "expected at least \(JSONSchema.plural(rules.minItems, "item")), found \(count)")
            if stopped { return false }
        }
        if let maxItems = rules.maxItems, count > maxItems {
            valid = fail("schema.items", "expected at most \(JSONSchema.plural(maxItems, "item")), found \(count)")
            if stopped { return false }
        }
        // A `false` rest schema (`items: false`, `additionalItems: false`) limits the count.
        let rest = rules.rest.map { nodes[$0] }
        if rest?.isFalse == true, count > rules.prefix.count {
            valid = fail("schema.items", "expected at most \(JSONSchema.plural(rules.prefix.count, "item")), found \(count)")
            if stopped { return false }
        }
        let checksRest = rest.map { !$0.isFalse && !$0.isTrivial } ?? false
        if !rules.prefix.isEmpty || checksRest {
            guard valueDepth < limits.maxDepth else { return abort("value nests deeper than \(limits.maxDepth) levels") }
            for (index, element) in elements.enumerated() {
                let node: Int
                if index < rules.prefix.count {
                    node = rules.prefix[index]
                } else if checksRest, let rest = rules.rest {
                    node = rest
                } else {
                    break
                }
                guard spend(1) else { return false }
                path.append(.index(index))
                let conforms = descend(into: node, element, index: index)
                path.removeLast()
                if !conforms {
                    valid = false
                    if stopped { return false }
                }
            }
        }
        if let contains = rules.contains, !check(contains: contains, rules, elements) {
            valid = false
            if stopped { return false }
        }
        if rules.uniqueItems, count > 1 {
            var seen: [CanonicalJSON: Int] = [:]
            seen.reserveCapacity(count)
            for (index, element) in elements.enumerated() {
                guard let canonical = canonical(element, levels: 1) else { return false }
                if let first = seen.updateValue(index, forKey: canonical) {
                    valid = fail("schema.items", "items \(first) and \(index) are equal, expected unique items")
                    break
                }
            }
        }
        return valid
    }

    private mutating func descend(into index: Int, _ value: JSONValue, index position: Int) -> Bool {
        let node = nodes[index]
        if node.isTrivial { return true }
        if node.isFalse { return fail("schema.items", "item \(position) is not allowed") }
        valueDepth += 1
        defer { valueDepth -= 1 }
        return validate(index, value)
    }

    /// `contains`, `minContains`, `maxContains`: items are probed, muted.
    private mutating func check(contains node: Int, _ rules: ArrayRules, _ elements: [JSONValue]) -> Bool {
        guard valueDepth < limits.maxDepth else { return abort("value nests deeper than \(limits.maxDepth) levels") }
        var found = 0
        muted += 1
        for (index, element) in elements.enumerated() {
            guard spend(1) else { break }
            path.append(.index(index))
            valueDepth += 1
            let hit = validate(node, element)
            valueDepth -= 1
            path.removeLast()
            if fatal != nil { break }
            if hit {
                found += 1
                if let maxContains = rules.maxContains {
                    if found > maxContains { break }
                } else if found >= rules.minContains {
                    break
                }
            }
        }
        muted -= 1
        if fatal != nil { return false }
        if found < rules.minContains {
            return fail("schema.items", "expected at least \(JSONSchema.plural(rules.minContains, "item")) matching contains, found \(found)")
        }
        if let maxContains = rules.maxContains, found > maxContains {
            return fail("schema.items", "expected at most \(JSONSchema.plural(maxContains, "item")) matching contains, found more")
        }
        return true
    }
}
