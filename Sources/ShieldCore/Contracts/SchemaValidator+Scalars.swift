/// String and number keywords.
extension SchemaValidator {
    mutating func check(_ rules: StringRules, _ text: String) -> Bool {
        var valid = true
        let bytes = text.utf8.count
        // Unicode scalars ≤ UTF-8 bytes ≤ 4 × scalars: count scalars only when bytes cannot decide.
        let countForMax = rules.maxLength.map { bytes > $0 } ?? false
        let countForMin = rules.minLength > 0 && (bytes + 3) / 4 < rules.minLength
        if countForMax || countForMin {
            guard spend(1 + bytes >> 6) else { return false }
            let count = text.unicodeScalars.count
            if count < rules.minLength {
                valid = fail("schema.length", "expected at least \(JSONSchema.plural(rules.minLength, "character")), found \(count)")
                if stopped { return false }
            }
            if let maxLength = rules.maxLength, count > maxLength {
                valid = fail("schema.length", "expected at most \(JSONSchema.plural(maxLength, "character")), found \(count)")
                if stopped { return false }
            }
        }
        if let pattern = rules.pattern, !matches(pattern, text) {
            if fatal != nil { return false }
            valid = fail("schema.pattern", "\(JSONSchema.quote(text)) does not match the pattern \(JSONSchema.quote(pattern.source))")
        }
        return valid
    }

    /// Whether `pattern` matches `text`; `false` after aborting when `text` is too long to test
    /// or the regex engine fails.
    mutating func matches(_ pattern: SchemaPattern, _ text: String) -> Bool {
        let bytes = text.utf8.count
        guard bytes <= limits.maxPatternSubjectBytes else {
            return abort("a string of \(bytes) bytes is too long to test against a pattern (the limit is \(limits.maxPatternSubjectBytes))")
        }
        guard spend(1 + bytes >> 6) else { return false }
        do {
            return try pattern.matches(text)
        } catch {
            return abort("the pattern \(JSONSchema.quote(pattern.source)) could not be evaluated")
        }
    }

    mutating func check(_ rules: NumberRules, _ text: String, _ value: JSONValue) -> Bool {
        // Plain integers against integer bounds: no allocation. A failure takes the full path
        // below, which words the message.
        if let integer = SchemaNumber.smallInteger(text), rules.contains(integer) == true { return true }
        guard spend(1 + text.utf8.count >> 6) else { return false }
        guard let number = SchemaNumber(text) else {
            return fail("schema.type", "expected a number, found malformed number text \(JSONSchema.preview(value))")
        }
        var valid = true
        if let bound = rules.minimum, number < bound.value {
            valid = fail("schema.range", "\(JSONSchema.preview(value)) is less than the minimum \(bound.text)")
            if stopped { return false }
        }
        if let bound = rules.exclusiveMinimum, !(bound.value < number) {
            valid = fail("schema.range", "\(JSONSchema.preview(value)) is not greater than the exclusive minimum \(bound.text)")
            if stopped { return false }
        }
        if let bound = rules.maximum, bound.value < number {
            valid = fail("schema.range", "\(JSONSchema.preview(value)) is greater than the maximum \(bound.text)")
            if stopped { return false }
        }
        if let bound = rules.exclusiveMaximum, !(number < bound.value) {
            valid = fail("schema.range", "\(JSONSchema.preview(value)) is not less than the exclusive maximum \(bound.text)")
            if stopped { return false }
        }
        if let divisor = rules.multipleOf, !number.isMultiple(of: divisor) {
            valid = fail("schema.range", "\(JSONSchema.preview(value)) is not a multiple of \(divisor.text)")
        }
        return valid
    }
}
