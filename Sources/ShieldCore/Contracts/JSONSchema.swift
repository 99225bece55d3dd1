/// A JSON Schema compiled once, validating values synchronously.
///
/// It checks a tool call's arguments against the tool's `inputSchema` (and a result against its
/// `outputSchema`). Drafts 2020-12 and 07 are read, with their different spellings of the same
/// ideas (`prefixItems` and the array form of `items`, `$defs` and `definitions`, numeric and
/// boolean `exclusiveMinimum`, `dependentRequired` and `dependencies`).
///
/// ```swift
/// let schema = try JSONSchema(JSONParser.parse(#"{"type": "object", "required": ["path"]}"#))
/// schema.firstViolation(of: .object([]))?.rule     // "schema.required"
/// schema.firstViolation(of: .object([]))?.message  // "missing required property \"path\""
/// ```
///
/// Supported keywords: `type`, `enum`, `const`; `minLength`, `maxLength` (counted in Unicode
/// scalars), `pattern`; `minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum`,
/// `multipleOf`; `properties`, `patternProperties`, `additionalProperties`, `propertyNames`,
/// `required`, `minProperties`, `maxProperties`, `dependentRequired`, `dependentSchemas`,
/// `dependencies`; `items`, `prefixItems`, `additionalItems`, `contains`, `minContains`,
/// `maxContains`, `minItems`, `maxItems`, `uniqueItems`; `allOf`, `anyOf`, `oneOf`, `not`,
/// `if`/`then`/`else`; `$ref` to a JSON pointer inside the schema, `$defs`, `definitions`.
///
/// What it does not do:
/// - `format` is an annotation only: `"format": "uri"` accepts any string.
/// - Unknown keywords are ignored, as JSON Schema specifies — including `unevaluatedProperties`
///   and `unevaluatedItems`, which are therefore not enforced. `title`, `description`,
///   `default`, `examples`, `$schema`, `$id`, `$anchor` and `$comment` are annotations.
/// - `$ref` resolves only JSON pointers into this schema (`#`, `#/$defs/x`, or the root `$id`
///   followed by a pointer); remote references, `#anchor` references, `$dynamicRef` and
///   `$recursiveRef` are compile errors. An embedded `$id` does not change how pointers resolve.
///   Keywords beside a `$ref` apply too (the 2020-12 reading; draft-07 ignores them).
/// - Values are only traversed as deep as the schema looks into them.
///
/// Numbers are compared as exact decimals read from their source text (see ``SchemaNumber``):
/// `1`, `1.0` and `1e0` are equal, integers beyond `Int64` stay exact, and `"integer"` accepts any
/// number whose value is whole (`1.0`, `1e2`).
///
/// Schemas and values are both attacker-influenced, so validation is bounded (see ``Limits``):
/// nesting, `$ref` chains and total work. Exceeding a bound is a `schema.too-complex` violation —
/// the value fails — never a crash, a hang or a pass. A regular expression can still backtrack
/// exponentially on a pattern with nested quantifiers (`(a+)+$`); patterns longer than
/// ``Limits/maxPatternLength`` are refused and strings longer than
/// ``Limits/maxPatternSubjectBytes`` are not tested against patterns, which bounds but does not
/// remove that cost.
public struct JSONSchema: Sendable {
    /// One way a value does not conform.
    public struct Violation: Sendable, Hashable, Error, CustomStringConvertible {
        /// The stable rule id: `schema.type`, `schema.required`, `schema.enum`, `schema.const`,
        /// `schema.pattern`, `schema.length`, `schema.range`, `schema.items`,
        /// `schema.additional-properties`, `schema.properties-count`, `schema.combinator`,
        /// `schema.false`, or `schema.too-complex` when a bound was exceeded.
        public var rule: String
        /// The JSON path of the offending value: `$`, `$.edits[0].oldText`, `$["odd key"]`.
        public var path: String
        /// A sentence naming the expectation and what was found.
        public var message: String

        public init(rule: String, path: String, message: String) {
            self.rule = rule
            self.path = path
            self.message = message
        }

        public var description: String { "\(path): \(message) (\(rule))" }
    }

    /// Why a schema cannot be enforced, and where in it.
    public struct CompileError: Error, Sendable, Hashable, CustomStringConvertible {
        /// A JSON pointer into the schema: `#/properties/path/pattern`.
        public var path: String
        public var message: String

        public init(path: String, message: String) {
            self.path = path
            self.message = message
        }

        public var description: String { "\(message) at \(path)" }
    }

    /// Bounds on compiling and on each validation.
    public struct Limits: Sendable, Hashable {
        /// The deepest value nesting validation descends into.
        public var maxDepth: Int
        /// The most subschema applications nested inside each other: value levels plus `$ref`,
        /// `allOf`, `anyOf`, … applied in place. Catches `$ref` cycles and bounds the call stack.
        public var maxEvaluationDepth: Int
        /// The most steps (a schema applied to a value, a member or item visited, a value
        /// compared; long strings cost one step per 64 bytes scanned) one validation may take.
        public var maxWork: Int
        /// The longest `pattern` or `patternProperties` key accepted, in characters.
        public var maxPatternLength: Int
        /// The longest string, in UTF-8 bytes, tested against a pattern.
        public var maxPatternSubjectBytes: Int
        /// The most subschemas a schema may compile to.
        public var maxSubschemas: Int

        public init(
            maxDepth: Int = 128, maxEvaluationDepth: Int = 512, maxWork: Int = 1_000_000, maxPatternLength: Int = 1_000,
            maxPatternSubjectBytes: Int = 65_536, maxSubschemas: Int = 100_000
        ) {
            self.maxDepth = maxDepth
            self.maxEvaluationDepth = maxEvaluationDepth
            self.maxWork = maxWork
            self.maxPatternLength = maxPatternLength
            self.maxPatternSubjectBytes = maxPatternSubjectBytes
            self.maxSubschemas = maxSubschemas
        }

        /// The limits used for tool schemas.
        public static let `default` = Limits()
    }

    let nodes: [SchemaNode]
    let root: Int
    let limits: Limits

    /// Compiles `schema`.
    ///
    /// - Parameters:
    ///   - schema: The schema document: an object or a boolean.
    ///   - limits: Bounds on compiling and validating.
    /// - Throws: ``CompileError`` for a schema that cannot be enforced: not an object or boolean,
    ///   an invalid or over-long regular expression in `pattern` or `patternProperties`, a `$ref`
    ///   that does not resolve or is remote, a keyword value of the wrong type. Callers fail closed.
    public init(_ schema: JSONValue, limits: Limits = .default) throws(CompileError) {
        var compiler = SchemaCompiler(root: schema, limits: limits)
        root = try compiler.compileAll()
        nodes = compiler.finishedNodes()
        self.limits = limits
    }

    /// The first violation, or `nil` when `value` conforms.
    public func firstViolation(of value: JSONValue) -> Violation? {
        violations(of: value, limit: 1).first
    }

    /// All violations, up to `limit` (at least one is reported for a value that does not conform).
    ///
    /// A `schema.too-complex` violation ends validation: it is the last one reported.
    public func violations(of value: JSONValue, limit: Int = 20) -> [Violation] {
        var validator = SchemaValidator(nodes: nodes, limits: limits, limit: max(1, limit))
        _ = validator.validate(root, value)
        return validator.result()
    }

    /// Whether `value` conforms.
    public func accepts(_ value: JSONValue) -> Bool {
        firstViolation(of: value) == nil
    }
}
