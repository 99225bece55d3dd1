import Testing

@testable import ShieldCore

/// One value checked against one schema, and the violation expected (`nil` rule: it conforms).
struct SchemaCase: Sendable, CustomTestStringConvertible {
    var schema: String
    var value: String
    var rule: String?
    var path: String

    init(_ schema: String, _ value: String, _ rule: String? = nil, at path: String = "$") {
        self.schema = schema
        self.value = value
        self.rule = rule
        self.path = path
    }

    var testDescription: String { "\(schema) ← \(value)" }
}

private func schema(_ text: String, limits: JSONSchema.Limits = .default) throws -> JSONSchema {
    try JSONSchema(JSONParser.parse(text), limits: limits)
}

private func violation(_ schemaText: String, _ valueText: String) throws -> JSONSchema.Violation? {
    try schema(schemaText).firstViolation(of: JSONParser.parse(valueText))
}

private func compileError(_ text: String) throws -> JSONSchema.CompileError? {
    let value = try JSONParser.parse(text)
    do {
        _ = try JSONSchema(value)
        return nil
    } catch {
        return error
    }
}

/// `depth` arrays nested around `null`, built and torn down one level at a time: letting Swift
/// free 100,000 levels recursively would overflow the stack.
private func withDeepArray<T>(depth: Int, _ body: (JSONValue) -> T) -> T {
    var value = JSONValue.null
    for _ in 0..<depth { value = .array([value]) }
    let result = body(value)
    while case .array(let elements) = value {
        value = elements.first ?? .null
    }
    return result
}

@Suite struct JSONSchemaTests {
    @Test(arguments: [
        // type
        SchemaCase(#"{"type":"string"}"#, #""x""#),
        SchemaCase(#"{"type":"string"}"#, "1", "schema.type"),
        SchemaCase(#"{"type":"number"}"#, "1.5"),
        SchemaCase(#"{"type":"boolean"}"#, "true"),
        SchemaCase(#"{"type":"null"}"#, "false", "schema.type"),
        SchemaCase(#"{"type":"object"}"#, "[]", "schema.type"),
        SchemaCase(#"{"type":"array"}"#, "[]"),
        SchemaCase(#"{"type":["string","null"]}"#, "null"),
        SchemaCase(#"{"type":["string","null"]}"#, "0", "schema.type"),
        // enum and const
        SchemaCase(#"{"enum":["ls","cat"]}"#, #""cat""#),
        SchemaCase(#"{"enum":["ls","cat"]}"#, #""rm""#, "schema.enum"),
        SchemaCase(#"{"enum":["ls","cat"]}"#, "1", "schema.enum"),
        SchemaCase(#"{"const":"a"}"#, #""a""#),
        SchemaCase(#"{"const":"a"}"#, #""b""#, "schema.const"),
        SchemaCase(#"{"const":null}"#, "false", "schema.const"),
        // strings
        SchemaCase(#"{"pattern":"^[a-z]+$"}"#, #""abc""#),
        SchemaCase(#"{"pattern":"^[a-z]+$"}"#, #""abc1""#, "schema.pattern"),
        SchemaCase(#"{"pattern":"b"}"#, #""abc""#),
        SchemaCase(#"{"pattern":"^a$"}"#, #""a\n""#, "schema.pattern"),
        SchemaCase(#"{"pattern":"\\d"}"#, #""٣""#, "schema.pattern"),
        SchemaCase(#"{"pattern":"^[a-z]+$"}"#, "1"),
        SchemaCase(#"{"minLength":2}"#, #""ab""#),
        SchemaCase(#"{"minLength":2}"#, #""é""#, "schema.length"),
        SchemaCase(#"{"maxLength":2}"#, #""😀😀""#),
        SchemaCase(#"{"maxLength":1}"#, #""😀😀""#, "schema.length"),
        SchemaCase(#"{"minLength":3}"#, #""😀😀😀""#),
        SchemaCase(#"{"format":"email"}"#, #""not an email""#),
        // numbers
        SchemaCase(#"{"minimum":1}"#, "1"),
        SchemaCase(#"{"minimum":1}"#, "0.5", "schema.range"),
        SchemaCase(#"{"exclusiveMinimum":0}"#, "0.001"),
        SchemaCase(#"{"exclusiveMinimum":0}"#, "0", "schema.range"),
        SchemaCase(#"{"minimum":0,"exclusiveMinimum":true}"#, "0", "schema.range"),
        SchemaCase(#"{"minimum":0,"exclusiveMinimum":false}"#, "0"),
        SchemaCase(#"{"maximum":10}"#, "1e1"),
        SchemaCase(#"{"maximum":10}"#, "10.5", "schema.range"),
        SchemaCase(#"{"exclusiveMaximum":10}"#, "10.0", "schema.range"),
        SchemaCase(#"{"maximum":10,"exclusiveMaximum":true}"#, "10", "schema.range"),
        SchemaCase(#"{"maximum":-1}"#, "-2"),
        SchemaCase(#"{"minimum":-1}"#, "-2", "schema.range"),
        SchemaCase(#"{"maximum":9007199254740992}"#, "9007199254740993", "schema.range"),
        SchemaCase(#"{"minimum":123456789012345678901234567890}"#, "123456789012345678901234567889", "schema.range"),
        SchemaCase(#"{"multipleOf":0.1}"#, "0.3"),
        SchemaCase(#"{"multipleOf":0.1}"#, "0.35", "schema.range"),
        SchemaCase(#"{"multipleOf":5}"#, "1e2"),
        SchemaCase(#"{"multipleOf":1.5}"#, "4.5"),
        SchemaCase(#"{"multipleOf":1.5}"#, "4", "schema.range"),
        SchemaCase(#"{"multipleOf":0.5}"#, "0.25", "schema.range"),
        SchemaCase(#"{"multipleOf":7}"#, "700000000000000000000000000000000000007"),
        SchemaCase(#"{"multipleOf":7}"#, "700000000000000000000000000000000000008", "schema.range"),
        SchemaCase(#"{"minimum":5}"#, #""3""#),
        // objects
        SchemaCase(#"{"required":["path"]}"#, #"{"path":"/a"}"#),
        SchemaCase(#"{"required":["path"]}"#, "{}", "schema.required"),
        SchemaCase(#"{"required":["path"]}"#, "[]"),
        SchemaCase(#"{"properties":{"a":{"type":"string"}}}"#, #"{"a":1}"#, "schema.type", at: "$.a"),
        SchemaCase(#"{"properties":{"odd key":{"type":"string"}}}"#, #"{"odd key":1}"#, "schema.type", at: #"$["odd key"]"#),
        SchemaCase(#"{"properties":{"a":{}},"additionalProperties":false}"#, #"{"a":1}"#),
        SchemaCase(#"{"properties":{"a":{}},"additionalProperties":false}"#, #"{"a":1,"b":2}"#, "schema.additional-properties", at: "$.b"),
        SchemaCase(#"{"additionalProperties":{"type":"integer"}}"#, #"{"a":"x"}"#, "schema.type", at: "$.a"),
        SchemaCase(#"{"properties":{"a":false}}"#, #"{"a":1}"#, "schema.additional-properties", at: "$.a"),
        SchemaCase(#"{"patternProperties":{"^x-":{"type":"integer"}}}"#, #"{"x-a":1,"y":"s"}"#),
        SchemaCase(#"{"patternProperties":{"^x-":{"type":"integer"}}}"#, #"{"x-a":"s"}"#, "schema.type", at: #"$["x-a"]"#),
        SchemaCase(#"{"patternProperties":{"^x-":{}},"additionalProperties":false}"#, #"{"y":1}"#, "schema.additional-properties", at: "$.y"),
        SchemaCase(#"{"propertyNames":{"maxLength":3}}"#, #"{"abc":1}"#),
        SchemaCase(#"{"propertyNames":{"maxLength":3}}"#, #"{"long":1}"#, "schema.length", at: "$.long"),
        SchemaCase(#"{"minProperties":1}"#, "{}", "schema.properties-count"),
        SchemaCase(#"{"maxProperties":1}"#, #"{"a":1,"b":2}"#, "schema.properties-count"),
        SchemaCase(#"{"maxProperties":2}"#, #"{"a":1,"b":2}"#),
        SchemaCase(#"{"dependentRequired":{"a":["b"]}}"#, #"{"a":1,"b":2}"#),
        SchemaCase(#"{"dependentRequired":{"a":["b"]}}"#, #"{"c":1}"#),
        SchemaCase(#"{"dependentRequired":{"a":["b"]}}"#, #"{"a":1}"#, "schema.required"),
        SchemaCase(#"{"dependencies":{"a":["b"]}}"#, #"{"a":1}"#, "schema.required"),
        SchemaCase(#"{"dependencies":{"a":{"required":["c"]}}}"#, #"{"a":1}"#, "schema.required"),
        SchemaCase(#"{"dependentSchemas":{"a":{"properties":{"b":{"type":"string"}}}}}"#, #"{"a":1,"b":2}"#, "schema.type", at: "$.b"),
        // arrays
        SchemaCase(#"{"items":{"type":"string"}}"#, #"["a","b"]"#),
        SchemaCase(#"{"items":{"type":"string"}}"#, #"["a",2]"#, "schema.type", at: "$[1]"),
        SchemaCase(#"{"prefixItems":[{"type":"string"}],"items":{"type":"integer"}}"#, #"["a",1,2]"#),
        SchemaCase(#"{"prefixItems":[{"type":"string"}],"items":{"type":"integer"}}"#, #"["a",1,"b"]"#, "schema.type", at: "$[2]"),
        SchemaCase(#"{"prefixItems":[{"type":"string"}],"items":false}"#, #"["a","b"]"#, "schema.items"),
        SchemaCase(#"{"prefixItems":[{"type":"string"}]}"#, #"["a",1]"#),
        SchemaCase(#"{"items":[{"type":"string"},{"type":"integer"}]}"#, #"["a",1,null]"#),
        SchemaCase(#"{"items":[{"type":"string"},{"type":"integer"}]}"#, #"["a","b"]"#, "schema.type", at: "$[1]"),
        SchemaCase(#"{"items":[{"type":"string"}],"additionalItems":false}"#, #"["a",1]"#, "schema.items"),
        SchemaCase(#"{"items":[{"type":"string"}],"additionalItems":{"type":"integer"}}"#, #"["a",1,"c"]"#, "schema.type", at: "$[2]"),
        SchemaCase(#"{"items":{"type":"string"},"additionalItems":false}"#, #"["a","b"]"#),
        SchemaCase(#"{"contains":{"type":"integer"}}"#, #"["a",1]"#),
        SchemaCase(#"{"contains":{"type":"integer"}}"#, #"["a"]"#, "schema.items"),
        SchemaCase(#"{"contains":{"type":"integer"},"minContains":2}"#, #"[1,"a"]"#, "schema.items"),
        SchemaCase(#"{"contains":{"type":"integer"},"maxContains":1}"#, #"[1,2]"#, "schema.items"),
        SchemaCase(#"{"contains":{"type":"integer"},"minContains":0}"#, #"["a"]"#),
        SchemaCase(#"{"minItems":1}"#, "[]", "schema.items"),
        SchemaCase(#"{"maxItems":1}"#, "[1,2]", "schema.items"),
        SchemaCase(#"{"uniqueItems":true}"#, #"[1,"1",[1],{"a":1}]"#),
        SchemaCase(#"{"uniqueItems":true}"#, "[1,1.0]", "schema.items"),
        SchemaCase(#"{"uniqueItems":true}"#, #"[{"a":1,"b":[2]},{"b":[2.0],"a":1}]"#, "schema.items"),
        SchemaCase(#"{"uniqueItems":false}"#, "[1,1]"),
        // combinators
        SchemaCase(#"{"allOf":[{"type":"string"},{"maxLength":2}]}"#, #""ab""#),
        SchemaCase(#"{"allOf":[{"type":"string"},{"maxLength":2}]}"#, #""abc""#, "schema.length"),
        SchemaCase(#"{"anyOf":[{"type":"string"},{"type":"integer"}]}"#, "2"),
        SchemaCase(#"{"anyOf":[{"type":"string"},{"type":"integer"}]}"#, "1.5", "schema.combinator"),
        SchemaCase(#"{"oneOf":[{"type":"integer"},{"minimum":0}]}"#, "-1"),
        SchemaCase(#"{"oneOf":[{"type":"integer"},{"minimum":0}]}"#, "0.5"),
        SchemaCase(#"{"oneOf":[{"type":"integer"},{"minimum":0}]}"#, "1", "schema.combinator"),
        SchemaCase(#"{"oneOf":[{"type":"integer"},{"minimum":0}]}"#, "-0.5", "schema.combinator"),
        SchemaCase(#"{"not":{"type":"null"}}"#, "0"),
        SchemaCase(#"{"not":{"type":"null"}}"#, "null", "schema.combinator"),
        SchemaCase(
            #"{"if":{"properties":{"kind":{"const":"file"}}},"then":{"required":["path"]},"else":{"required":["url"]}}"#,
            #"{"kind":"file","path":"a"}"#),
        SchemaCase(
            #"{"if":{"properties":{"kind":{"const":"file"}}},"then":{"required":["path"]},"else":{"required":["url"]}}"#, #"{"kind":"file"}"#,
            "schema.required"),
        SchemaCase(
            #"{"if":{"properties":{"kind":{"const":"file"}}},"then":{"required":["path"]},"else":{"required":["url"]}}"#, #"{"kind":"web"}"#,
            "schema.required"),
        // boolean schemas, annotations, unknown keywords
        SchemaCase("true", #"{"anything":[1,2]}"#),
        SchemaCase("false", "null", "schema.false"),
        SchemaCase("{}", "1"),
        SchemaCase(#"{"title":"t","description":"d","default":1,"examples":[2],"$comment":"c","x-vendor":{"type":"string"},"type":"integer"}"#, "3"),
        SchemaCase(#"{"unevaluatedProperties":false}"#, #"{"a":1}"#),
    ])
    func keyword(_ check: SchemaCase) throws {
        let found = try violation(check.schema, check.value)
        #expect(found?.rule == check.rule)
        if check.rule != nil {
            #expect(found?.path == check.path)
        }
    }

    @Test func messagesNameTheExpectationAndWhatWasFound() throws {
        let integer = try violation(#"{"type":"integer"}"#, #""3""#)
        #expect(integer?.message == "expected integer, found string")
        let fraction = try violation(#"{"type":"integer"}"#, "1.5")
        #expect(fraction?.message == "expected integer, found number 1.5")
        let nullable = try violation(#"{"type":["string","null"]}"#, "1")
        #expect(nullable?.message == "expected string or null, found number 1")
        let required = try violation(#"{"required":["path"]}"#, "{}")
        #expect(required?.message == #"missing required property "path""#)
        let enumeration = try violation(#"{"enum":["ls","cat"]}"#, #""rm""#)
        #expect(enumeration?.message == #""rm" is not one of ["ls", "cat"]"#)
        let constant = try violation(#"{"const":1}"#, #""1""#)
        #expect(constant?.message == #"expected 1, found "1""#)
        let extra = try violation(#"{"additionalProperties":false}"#, #"{"extra":1}"#)
        #expect(extra?.message == #"property "extra" is not allowed"#)
        let length = try violation(#"{"minLength":2}"#, #""é""#)
        #expect(length?.message == "expected at least 2 characters, found 1")
        let items = try violation(#"{"prefixItems":[{}],"items":false}"#, "[1,2]")
        #expect(items?.message == "expected at most 1 item, found 2")
        let unique = try violation(#"{"uniqueItems":true}"#, "[1,2,1.0]")
        #expect(unique?.message == "items 0 and 2 are equal, expected unique items")
        let range = try violation(#"{"maximum":10}"#, "10.5")
        #expect(range?.message == "10.5 is greater than the maximum 10")
        let anyOf = try violation(#"{"anyOf":[{"type":"string"},{"type":"integer"}]}"#, "1.5")
        #expect(anyOf?.message == "1.5 matches none of the 2 schemas in anyOf")
        let dependent = try violation(#"{"dependentRequired":{"a":["b"]}}"#, #"{"a":1}"#)
        #expect(dependent?.message == #"missing property "b", required when "a" is present"#)
    }

    @Test(arguments: ["1", "-5", "1.0", "1e2", "1E+2", "100e-2", "0.5e1", "-0", "0.0", "1e400", "123456789012345678901234567890"])
    func integral(_ number: String) throws {
        let found = try violation(#"{"type":"integer"}"#, number)
        #expect(found == nil)
    }

    @Test(arguments: ["1.5", "1e-1", "0.1", "-2.5", "123456789012345678901234567890.5", "1.0000000000000000000000001"])
    func notIntegral(_ number: String) throws {
        let found = try violation(#"{"type":"integer"}"#, number)
        #expect(found?.rule == "schema.type")
    }

    @Test func constAndEnumCompareNumbersByValueAndObjectsUnordered() throws {
        for number in ["1", "1.0", "1e0", "10e-1", "0.1e1"] {
            let found = try violation(#"{"const":1}"#, number)
            #expect(found == nil, "\(number)")
        }
        let enumerated = try violation(#"{"enum":[1,"a"]}"#, "1.00")
        #expect(enumerated == nil)
        let object = try violation(#"{"const":{"a":1,"b":[1,2]}}"#, #"{"b":[1.0,2],"a":1e0}"#)
        #expect(object == nil)
        let order = try violation(#"{"const":[1,2]}"#, "[2,1]")
        #expect(order?.rule == "schema.const")
        let other = try violation(#"{"const":{"a":1}}"#, #"{"a":1,"b":2}"#)
        #expect(other?.rule == "schema.const")
    }

    @Test func stringsCompareByCodePoints() throws {
        // "é" precomposed and decomposed are one Swift `String`, but different JSON strings.
        let decomposed = JSONValue.string("e\u{301}")
        let constant = try schema(#"{"const":"é"}"#)
        #expect(constant.firstViolation(of: decomposed)?.rule == "schema.const")
        let closed = try schema(#"{"properties":{"é":{"type":"string"}},"additionalProperties":false}"#)
        let found = closed.firstViolation(of: .object([("e\u{301}", .string("x"))]))
        #expect(found?.rule == "schema.additional-properties")
        let scalars = try schema(#"{"pattern":"^.$"}"#)
        #expect(scalars.firstViolation(of: decomposed)?.rule == "schema.pattern")
        #expect(scalars.firstViolation(of: .string("é")) == nil)
    }

    @Test func refsResolveDefinitionsAndPointers() throws {
        let defs = try violation(
            ##"{"$defs":{"name":{"type":"string","minLength":1}},"properties":{"a":{"$ref":"#/$defs/name"}}}"##, ##"{"a":""}"##)
        #expect(defs?.rule == "schema.length")
        #expect(defs?.path == "$.a")
        let definitions = try violation(##"{"definitions":{"n":{"type":"integer"}},"items":{"$ref":"#/definitions/n"}}"##, #"[1,"x"]"#)
        #expect(definitions?.path == "$[1]")
        let escaped = try schema(
            ##"{"$defs":{"a/b":{"type":"string"},"c~d":{"type":"integer"},"e f":{"type":"null"}},"properties":{"x":{"$ref":"#/$defs/a~1b"},"y":{"$ref":"#/$defs/c~0d"},"z":{"$ref":"#/$defs/e%20f"}}}"##
        )
        let conforming = try JSONParser.parse(#"{"x":"s","y":1,"z":null}"#)
        #expect(escaped.firstViolation(of: conforming) == nil)
        for (text, path) in [(#"{"x":1}"#, "$.x"), (#"{"y":"s"}"#, "$.y"), (#"{"z":1}"#, "$.z")] {
            let value = try JSONParser.parse(text)
            #expect(escaped.firstViolation(of: value)?.path == path)
        }
        let byID = try violation(
            ##"{"$id":"https://example.com/s.json","$defs":{"a":{"type":"string"}},"$ref":"https://example.com/s.json#/$defs/a"}"##, "1")
        #expect(byID?.rule == "schema.type")
        let siblings = try violation(##"{"$defs":{"a":{"type":"string"}},"$ref":"#/$defs/a","maxLength":1}"##, #""ab""#)
        #expect(siblings?.rule == "schema.length")
    }

    @Test func recursiveSchemaValidatesATree() throws {
        let tree = try schema(
            #"""
            {"$ref": "#/$defs/node",
             "$defs": {"node": {"type": "object", "required": ["value"],
                                "properties": {"value": {"type": "integer"},
                                               "children": {"type": "array", "items": {"$ref": "#/$defs/node"}}}}}}
            """#)
        let good = try JSONParser.parse(#"{"value":1,"children":[{"value":2},{"value":3,"children":[{"value":4}]}]}"#)
        #expect(tree.firstViolation(of: good) == nil)
        let bad = try JSONParser.parse(#"{"value":1,"children":[{"value":2},{"value":3,"children":[{"value":"four"}]}]}"#)
        let found = tree.firstViolation(of: bad)
        #expect(found?.rule == "schema.type")
        #expect(found?.path == "$.children[1].children[0].value")
        let incomplete = try JSONParser.parse(#"{"value":1,"children":[{}]}"#)
        let missing = tree.firstViolation(of: incomplete)
        #expect(missing?.rule == "schema.required")
        #expect(missing?.path == "$.children[0]")
    }

    @Test func refCyclesAreBounded() throws {
        let cycle = try schema(##"{"$defs":{"a":{"$ref":"#/$defs/b"},"b":{"$ref":"#/$defs/a"}},"$ref":"#/$defs/a"}"##)
        let found = cycle.firstViolation(of: .number("1"))
        #expect(found?.rule == "schema.too-complex")
        let selfLoop = try schema(##"{"anyOf":[{"$ref":"#"}]}"##)
        #expect(selfLoop.firstViolation(of: .null)?.rule == "schema.too-complex")
        // A probe that hits a bound never turns into a pass.
        let negated = try schema(##"{"not":{"$ref":"#"}}"##)
        #expect(negated.firstViolation(of: .null)?.rule == "schema.too-complex")
    }

    @Test func exponentialBranchingHitsTheWorkBound() throws {
        let branching = try schema(
            ##"{"type":"array","items":{"anyOf":[{"$ref":"#"},{"$ref":"#"}]}}"##, limits: JSONSchema.Limits(maxWork: 20_000))
        var value = JSONValue.number("1")
        for _ in 0..<30 { value = .array([value]) }
        let found = branching.firstViolation(of: value)
        #expect(found?.rule == "schema.too-complex")
        #expect(found?.message.contains("steps") == true)
    }

    @Test func deepValuesFailClosedWithoutCrashing() throws {
        let recursive = try schema(##"{"items":{"$ref":"#"}}"##)
        let found = withDeepArray(depth: 100_000) { recursive.firstViolation(of: $0) }
        #expect(found?.rule == "schema.too-complex")
        #expect(found?.message == "value nests deeper than 128 levels")
        let constant = try schema(#"{"const":[]}"#)
        let compared = withDeepArray(depth: 100_000) { constant.firstViolation(of: $0) }
        #expect(compared?.rule == "schema.too-complex")
        let unique = try schema(#"{"uniqueItems":true}"#)
        let hashed = withDeepArray(depth: 100_000) { unique.firstViolation(of: .array([$0, .null])) }
        #expect(hashed?.rule == "schema.too-complex")
        // Within the bound, a deep value is walked.
        let shallow = withDeepArray(depth: 100) { recursive.firstViolation(of: $0) }
        #expect(shallow == nil)
    }

    @Test func longStringsAreNotTestedAgainstPatterns() throws {
        let long = JSONValue.string(String(repeating: "a", count: 70_000))
        let pattern = try schema(#"{"pattern":"^a+$"}"#)
        #expect(pattern.firstViolation(of: long)?.rule == "schema.too-complex")
        let negated = try schema(#"{"not":{"pattern":"b"}}"#)
        #expect(negated.firstViolation(of: long)?.rule == "schema.too-complex")
        let key = try schema(#"{"patternProperties":{"^x":{}}}"#)
        let found = key.firstViolation(of: .object([(String(repeating: "x", count: 70_000), .null)]))
        #expect(found?.rule == "schema.too-complex")
        let unchecked = try schema(#"{"type":"string","maxLength":100000}"#)
        #expect(unchecked.firstViolation(of: long) == nil)
    }

    @Test(
        arguments: [
            (#"{"pattern":"[a-"}"#, "#/pattern", "invalid regular expression"),
            (#"{"properties":{"a":{"pattern":"(?<=x)y"}}}"#, "#/properties/a/pattern", "invalid regular expression"),
            (#"{"patternProperties":{"(":{}}}"#, "#/patternProperties/(", "invalid regular expression"),
            (##"{"$ref":"https://example.com/schema.json"}"##, "#/$ref", "remote reference"),
            (##"{"$ref":"other.json#/$defs/a"}"##, "#/$ref", "remote reference"),
            (##"{"$ref":"#/$defs/missing"}"##, "#/$ref", "does not resolve"),
            (##"{"$ref":"#anchor"}"##, "#/$ref", "anchor reference"),
            (##"{"$defs":{"a":{"type":"strin"}},"$ref":"#/$defs/a"}"##, "#/$defs/a/type", "unknown type \"strin\""),
            (##"{"items":{"$dynamicRef":"#meta"}}"##, "#/items/$dynamicRef", "not supported"),
            (#"{"minLength":-1}"#, "#/minLength", "non-negative integer"),
            (#"{"maxItems":1.5}"#, "#/maxItems", "non-negative integer"),
            (#"{"required":"path"}"#, "#/required", "array of strings"),
            (#"{"properties":[]}"#, "#/properties", "must be an object"),
            (#"{"allOf":[]}"#, "#/allOf", "non-empty array"),
            (#"{"items":[1]}"#, "#/items/0", "must be an object or a boolean"),
            (#"{"multipleOf":0}"#, "#/multipleOf", "positive number"),
            (#"{"uniqueItems":"yes"}"#, "#/uniqueItems", "must be a boolean"),
            ("1", "#", "must be an object or a boolean"),
        ] as [(String, String, String)])
    func refusesSchemasItCannotEnforce(_ text: String, _ path: String, _ message: String) throws {
        let error = try compileError(text)
        #expect(error?.path == path)
        #expect(error?.message.contains(message) == true, "\(String(describing: error))")
    }

    @Test func refusesOverlongPatterns() throws {
        let text = JSONValue.object([("pattern", .string(String(repeating: "a", count: 1_001)))]).jsonText
        let error = try compileError(text)
        #expect(error?.message.contains("longer than 1000 characters") == true)
        let longest = try compileError(JSONValue.object([("pattern", .string(String(repeating: "a", count: 1_000)))]).jsonText)
        #expect(longest == nil)
    }

    @Test func collectsViolationsUpToTheLimit() throws {
        let closed = try schema(
            #"{"properties":{"a":{"type":"string"},"b":{"type":"integer"},"c":{}},"required":["c"],"additionalProperties":false}"#)
        let value = try JSONParser.parse(#"{"a":1,"b":"x","d":true}"#)
        let all = closed.violations(of: value)
        #expect(all.map(\.rule) == ["schema.required", "schema.type", "schema.type", "schema.additional-properties"])
        #expect(all.map(\.path) == ["$", "$.a", "$.b", "$.d"])
        #expect(closed.violations(of: value, limit: 2).count == 2)
        #expect(closed.firstViolation(of: value) == all.first)
        let conforming = try JSONParser.parse(#"{"c":null}"#)
        #expect(closed.violations(of: conforming).isEmpty)
    }

    /// The reference filesystem server's `edit_file` input schema (draft-07, as zod emits it).
    static let editFile = #"""
        {
          "type": "object",
          "properties": {
            "path": {"type": "string"},
            "edits": {
              "type": "array",
              "items": {
                "type": "object",
                "properties": {
                  "oldText": {"type": "string", "description": "Text to search for - must match exactly"},
                  "newText": {"type": "string", "description": "Text to replace with"}
                },
                "required": ["oldText", "newText"],
                "additionalProperties": false
              }
            },
            "dryRun": {"type": "boolean", "default": false, "description": "Preview changes using git-style diff format"}
          },
          "required": ["path", "edits"],
          "additionalProperties": false,
          "$schema": "http://json-schema.org/draft-07/schema#"
        }
        """#

    @Test(
        arguments: [
            (#"{"path":"/tmp/a.txt","edits":[{"oldText":"a","newText":"b"}]}"#, nil, ""),
            (#"{"path":"/tmp/a.txt","edits":[],"dryRun":true}"#, nil, ""),
            (#"{"path":"/tmp/a.txt","edits":[{"oldText":"a","newText":"b"},{"oldText":"c"}]}"#, "schema.required", "$.edits[1]"),
            (#"{"path":"/tmp/a.txt","edits":[{"oldText":"a","newText":"b","mode":"x"}]}"#, "schema.additional-properties", "$.edits[0].mode"),
            (#"{"path":"/tmp/a.txt","edits":[{"oldText":"a","newText":2}]}"#, "schema.type", "$.edits[0].newText"),
            (#"{"path":"/tmp/a.txt","edits":{"oldText":"a","newText":"b"}}"#, "schema.type", "$.edits"),
            (#"{"path":"/tmp/a.txt","edits":[],"dryRun":"yes"}"#, "schema.type", "$.dryRun"),
            (#"{"path":"/tmp/a.txt","edits":[],"command":"rm -rf /"}"#, "schema.additional-properties", "$.command"),
            (#"{"edits":[]}"#, "schema.required", "$"),
            (#"["/tmp/a.txt"]"#, "schema.type", "$"),
        ] as [(String, String?, String)])
    func editFileCalls(_ arguments: String, _ rule: String?, _ path: String) throws {
        let found = try violation(Self.editFile, arguments)
        #expect(found?.rule == rule)
        if rule != nil {
            #expect(found?.path == path)
        }
    }
}
