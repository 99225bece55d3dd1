/// One validation of one value against compiled ``SchemaNode``s.
///
/// The walk recurses along the value and the schema together, so its depth is bounded by
/// ``JSONSchema/Limits/maxDepth`` value levels and ``JSONSchema/Limits/maxEvaluationDepth``
/// nested schema applications (which is what stops a `$ref` cycle), and its work by
/// ``JSONSchema/Limits/maxWork``. Exceeding a bound records a `schema.too-complex` violation and
/// ends the walk; no probe (`anyOf`, `not`, …) can turn that into a pass.
///
/// Subschemas whose outcome decides a combinator are evaluated *muted*: nothing is recorded and
/// the first failure ends them. The JSON path of the current value is a stack of components,
/// rendered only when a violation is recorded.
struct SchemaValidator {
    enum PathComponent {
        case key(String)
        case index(Int)
    }

    typealias Violation = JSONSchema.Violation

    let nodes: [SchemaNode]
    let limits: JSONSchema.Limits
    /// How many violations to record before stopping.
    let limit: Int
    private(set) var violations: [Violation] = []
    /// The `schema.too-complex` violation that ended the walk.
    private(set) var fatal: Violation?
    /// Greater than zero inside a probe.
    var muted = 0
    var work = 0
    /// Schema applications currently nested.
    var nesting = 0
    /// Value levels below the root the walk is at.
    var valueDepth = 0
    var path: [PathComponent] = []

    init(nodes: [SchemaNode], limits: JSONSchema.Limits, limit: Int) {
        self.nodes = nodes
        self.limits = limits
        self.limit = limit
        path.reserveCapacity(16)
    }

    /// The violations recorded, the fatal one last.
    func result() -> [Violation] {
        guard let fatal else { return violations }
        return violations + [fatal]
    }

    /// Whether a failure just seen ends this evaluation: in a probe, after a fatal violation, or
    /// once enough violations are recorded.
    var stopped: Bool { muted > 0 || fatal != nil || violations.count >= limit }

    /// Records a violation at the current path (unless muted) and returns `false`.
    mutating func fail(_ rule: String, _ message: @autoclosure () -> String) -> Bool {
        if muted == 0, fatal == nil, violations.count < limit {
            violations.append(Violation(rule: rule, path: JSONSchema.render(path: path), message: message()))
        }
        return false
    }

    /// Records the `schema.too-complex` violation that ends the walk and returns `false`.
    mutating func abort(_ message: String) -> Bool {
        if fatal == nil {
            fatal = Violation(rule: "schema.too-complex", path: JSONSchema.render(path: path), message: message)
        }
        return false
    }

    /// Counts `steps` of work; `false` (after aborting) once over budget.
    mutating func spend(_ steps: Int) -> Bool {
        work += steps
        return work <= limits.maxWork || abort("validation takes more than \(limits.maxWork) steps")
    }

    /// The canonical form of a value `levels` below the current one, for equality; `nil` after
    /// aborting when it is too deep or too large.
    mutating func canonical(_ value: JSONValue, levels: Int = 0) -> CanonicalJSON? {
        var budget = limits.maxWork - work
        let canonical = CanonicalJSON.make(value, depth: limits.maxDepth - valueDepth - levels, budget: &budget)
        work = limits.maxWork - budget
        if canonical == nil {
            _ =
                work > limits.maxWork
                ? abort("validation takes more than \(limits.maxWork) steps") : abort("value nests deeper than \(limits.maxDepth) levels")
        }
        return canonical
    }

    /// Whether `value` conforms to node `index`, recording violations as it goes.
    mutating func validate(_ index: Int, _ value: JSONValue) -> Bool {
        let node = nodes[index]
        if node.isTrivial { return true }
        if fatal != nil { return false }
        if node.isFalse { return fail("schema.false", "no value is allowed here") }
        guard spend(1) else { return false }
        guard nesting < limits.maxEvaluationDepth else {
            return abort("schema applications nest deeper than \(limits.maxEvaluationDepth) levels")
        }
        nesting += 1
        defer { nesting -= 1 }

        var valid = true
        if let rule = node.types, !check(rule, value) {
            valid = false
            if stopped { return false }
        }
        if let rule = node.constant, !check(rule, value) {
            valid = false
            if stopped { return false }
        }
        if let rule = node.enumeration, !check(rule, value) {
            valid = false
            if stopped { return false }
        }
        var typed = true
        switch value {
        case .string(let text): if let rules = node.strings { typed = check(rules, text) }
        case .number(let text): if let rules = node.numbers { typed = check(rules, text, value) }
        case .object(let members): if let rules = node.objects { typed = check(rules, members, value) }
        case .array(let elements): if let rules = node.arrays { typed = check(rules, elements) }
        case .null, .bool: break
        }
        if !typed {
            valid = false
            if stopped { return false }
        }
        if let ref = node.ref, !validate(ref, value) {
            valid = false
            if stopped { return false }
        }
        if let rules = node.logic, !check(rules, value) {
            valid = false
        }
        return valid
    }

    // MARK: - Keywords for any value

    private mutating func check(_ rule: TypeRule, _ value: JSONValue) -> Bool {
        let types = rule.types
        let matches: Bool
        switch value {
        case .null: matches = types.contains(.null)
        case .bool: matches = types.contains(.boolean)
        case .string: matches = types.contains(.string)
        case .array: matches = types.contains(.array)
        case .object: matches = types.contains(.object)
        case .number(let text): matches = types.contains(.number) || (types.contains(.integer) && SchemaNumber.isIntegral(text))
        }
        if matches { return true }
        if case .number = value {
            return fail("schema.type", "expected \(rule.text), found number \(JSONSchema.preview(value))")
        }
        return fail("schema.type", "expected \(rule.text), found \(value.typeName)")
    }

    private mutating func check(_ rule: ConstRule, _ value: JSONValue) -> Bool {
        if ValueKinds(of: value) == rule.kind {
            guard let canonical = canonical(value) else { return false }
            if canonical == rule.value { return true }
        }
        return fail("schema.const", "expected \(rule.text), found \(JSONSchema.preview(value))")
    }

    private mutating func check(_ rule: EnumRule, _ value: JSONValue) -> Bool {
        if rule.kinds.contains(ValueKinds(of: value)) {
            guard let canonical = canonical(value) else { return false }
            if rule.values.contains(canonical) { return true }
        }
        return fail("schema.enum", "\(JSONSchema.preview(value)) is not one of \(rule.text)")
    }
}
