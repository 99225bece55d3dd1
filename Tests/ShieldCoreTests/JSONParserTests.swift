import Testing
@testable import ShieldCore

@Suite struct JSONParserTests {
    @Test func parsesNestedDocument() throws {
        let value = try JSONParser.parse(#"{"a": [1, "two", null, true, {"b": -1.5e3}]}"#)
        #expect(value["a"] == .array([.number("1"), .string("two"), .null, .bool(true), .object([("b", .number("-1.5e3"))])]))
    }
}
