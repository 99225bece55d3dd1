/// A JSON value in a form whose `Hashable` conformance is JSON Schema's equality.
///
/// Numbers compare by value (`1 == 1.0 == 1e0`), strings by code points, arrays element by
/// element, and objects by their members regardless of order. ``JSONSchema`` builds these for
/// `const`, `enum` and `uniqueItems`, depth- and work-bounded (see ``make(_:depth:budget:)``).
enum CanonicalJSON: Hashable, Sendable {
    case null
    case bool(Bool)
    case number(SchemaNumber)
    /// A number whose text is not in the JSON grammar (only a hand-built `JSONValue` has one):
    /// equal to numbers with the same text.
    case malformedNumber(ExactString)
    case string(ExactString)
    case array([CanonicalJSON])
    /// Members sorted by key bytes.
    case object(keys: [ExactString], values: [CanonicalJSON])

    /// The canonical form of `value`, or `nil` when it nests deeper than `depth` levels or
    /// would take more than `budget` steps (one per value). `budget` is reduced by the steps used.
    static func make(_ value: JSONValue, depth: Int, budget: inout Int) -> CanonicalJSON? {
        budget -= 1
        guard budget >= 0 else { return nil }
        switch value {
        case .null: return .null
        case .bool(let flag): return .bool(flag)
        case .number(let text):
            return SchemaNumber(text).map(CanonicalJSON.number) ?? .malformedNumber(ExactString(text))
        case .string(let text): return .string(ExactString(text))
        case .array(let elements):
            guard depth > 0 else { return nil }
            var result: [CanonicalJSON] = []
            result.reserveCapacity(elements.count)
            for element in elements {
                guard let canonical = make(element, depth: depth - 1, budget: &budget) else { return nil }
                result.append(canonical)
            }
            return .array(result)
        case .object(let members):
            guard depth > 0 else { return nil }
            var pairs: [(key: ExactString, value: CanonicalJSON)] = []
            pairs.reserveCapacity(members.count)
            for member in members {
                guard let canonical = make(member.value, depth: depth - 1, budget: &budget) else { return nil }
                pairs.append((ExactString(member.key), canonical))
            }
            pairs.sort { ExactString.precedes($0.key, $1.key) }
            return .object(keys: pairs.map(\.key), values: pairs.map(\.value))
        }
    }
}

/// Which JSON types a set of values holds, to reject a value of another type before building its
/// canonical form.
struct ValueKinds: OptionSet, Sendable, Hashable {
    var rawValue: UInt8

    static let null = ValueKinds(rawValue: 1 << 0)
    static let boolean = ValueKinds(rawValue: 1 << 1)
    static let number = ValueKinds(rawValue: 1 << 2)
    static let string = ValueKinds(rawValue: 1 << 3)
    static let array = ValueKinds(rawValue: 1 << 4)
    static let object = ValueKinds(rawValue: 1 << 5)

    init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    init(of value: JSONValue) {
        switch value {
        case .null: self = .null
        case .bool: self = .boolean
        case .number: self = .number
        case .string: self = .string
        case .array: self = .array
        case .object: self = .object
        }
    }
}
