/// One compiled (sub)schema: its keywords read into typed fields, so validation never looks a
/// keyword up by name. Subschemas are indices into the compiled schema's node array, which lets a
/// recursive `$ref` point back at an ancestor.
///
/// Keyword groups that only apply to one JSON type are `nil` when the schema has none of them, so a
/// node costs one check per absent group.
final class SchemaNode: Sendable {
    /// The fields of a node while it is being compiled.
    struct Parts {
        var isFalse = false
        var types: TypeRule?
        var constant: ConstRule?
        var enumeration: EnumRule?
        var strings: StringRules?
        var numbers: NumberRules?
        var objects: ObjectRules?
        var arrays: ArrayRules?
        var ref: Int?
        var logic: LogicRules?
    }

    /// The boolean schema `false`: nothing is valid.
    let isFalse: Bool
    /// No keyword to check (`true`, `{}`, or only annotations): everything is valid.
    let isTrivial: Bool
    let types: TypeRule?
    let constant: ConstRule?
    let enumeration: EnumRule?
    let strings: StringRules?
    let numbers: NumberRules?
    let objects: ObjectRules?
    let arrays: ArrayRules?
    let ref: Int?
    let logic: LogicRules?

    init(_ parts: Parts) {
        isFalse = parts.isFalse
        types = parts.types
        constant = parts.constant
        enumeration = parts.enumeration
        strings = parts.strings
        numbers = parts.numbers
        objects = parts.objects
        arrays = parts.arrays
        ref = parts.ref
        logic = parts.logic
        isTrivial =
            !parts.isFalse && parts.types == nil && parts.constant == nil && parts.enumeration == nil && parts.strings == nil
            && parts.numbers == nil && parts.objects == nil && parts.arrays == nil && parts.ref == nil && parts.logic == nil
    }

    static let alwaysValid = SchemaNode(Parts())
    static let neverValid = SchemaNode(Parts(isFalse: true))
}

/// The JSON types `type` names.
struct SchemaTypes: OptionSet, Sendable, Hashable {
    var rawValue: UInt8

    static let null = SchemaTypes(rawValue: 1 << 0)
    static let boolean = SchemaTypes(rawValue: 1 << 1)
    static let object = SchemaTypes(rawValue: 1 << 2)
    static let array = SchemaTypes(rawValue: 1 << 3)
    static let number = SchemaTypes(rawValue: 1 << 4)
    static let string = SchemaTypes(rawValue: 1 << 5)
    static let integer = SchemaTypes(rawValue: 1 << 6)

    init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    /// The type `name` denotes, or `nil` for a name JSON Schema does not define.
    init?(name: String) {
        switch name {
        case "null": self = .null
        case "boolean": self = .boolean
        case "object": self = .object
        case "array": self = .array
        case "number": self = .number
        case "string": self = .string
        case "integer": self = .integer
        default: return nil
        }
    }
}

/// `type`.
struct TypeRule: Sendable, Equatable {
    var types: SchemaTypes
    /// The names as the schema listed them, for messages: `string or null`.
    var text: String
}

/// `const`.
struct ConstRule: Sendable, Equatable {
    var value: CanonicalJSON
    var kind: ValueKinds
    var text: String
}

/// `enum`.
struct EnumRule: Sendable, Equatable {
    var values: Set<CanonicalJSON>
    var kinds: ValueKinds
    var text: String
}

/// `minLength`, `maxLength`, `pattern`.
struct StringRules: Sendable {
    var minLength = 0
    var maxLength: Int?
    var pattern: SchemaPattern?
}

/// A numeric bound and its source text.
struct NumberBound: Sendable, Equatable {
    var value: SchemaNumber
    var text: String
    /// The bound as an `Int` when it is a small integer, for comparing plain integers quickly.
    var small: Int?

    init(value: SchemaNumber, text: String) {
        self.value = value
        self.text = text
        small = value.smallInteger
    }
}

/// `minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum`, `multipleOf`.
struct NumberRules: Sendable {
    var minimum: NumberBound?
    var exclusiveMinimum: NumberBound?
    var maximum: NumberBound?
    var exclusiveMaximum: NumberBound?
    var multipleOf: SchemaDivisor?

    /// Whether the plain integer `value` satisfies every bound, answered without building a
    /// ``SchemaNumber``; `nil` when a bound is not a small integer or `multipleOf` is present.
    func contains(_ value: Int) -> Bool? {
        guard multipleOf == nil else { return nil }
        var within = true
        if let bound = minimum {
            guard let small = bound.small else { return nil }
            within = within && value >= small
        }
        if let bound = exclusiveMinimum {
            guard let small = bound.small else { return nil }
            within = within && value > small
        }
        if let bound = maximum {
            guard let small = bound.small else { return nil }
            within = within && value <= small
        }
        if let bound = exclusiveMaximum {
            guard let small = bound.small else { return nil }
            within = within && value < small
        }
        return within
    }
}

/// A subschema that applies to the members whose names match a pattern.
struct PatternSchema: Sendable {
    var pattern: SchemaPattern
    var node: Int
}

/// Keywords that apply to objects.
struct ObjectRules: Sendable {
    var properties: [ExactString: Int] = [:]
    var patternProperties: [PatternSchema] = []
    var additionalProperties: Int?
    var propertyNames: Int?
    var required: [ExactString] = []
    var minProperties = 0
    var maxProperties: Int?
    var dependentRequired: [(trigger: ExactString, names: [ExactString])] = []
    var dependentSchemas: [(trigger: ExactString, node: Int)] = []

    /// Whether any keyword validates the members' values (so the validator descends a level).
    var descends: Bool { !properties.isEmpty || !patternProperties.isEmpty || additionalProperties != nil || propertyNames != nil }
}

/// Keywords that apply to arrays.
struct ArrayRules: Sendable {
    /// `prefixItems`, or draft-07's array form of `items`.
    var prefix: [Int] = []
    /// The schema for items after the prefix: `items`, or draft-07's `additionalItems`.
    var rest: Int?
    var contains: Int?
    var minContains = 1
    var maxContains: Int?
    var minItems = 0
    var maxItems: Int?
    var uniqueItems = false
}

/// `allOf`, `anyOf`, `oneOf`, `not`, `if`/`then`/`else`.
struct LogicRules: Sendable {
    var allOf: [Int] = []
    var anyOf: [Int] = []
    var oneOf: [Int] = []
    var not: Int?
    var condition: Int?
    var then: Int?
    var otherwise: Int?
}
