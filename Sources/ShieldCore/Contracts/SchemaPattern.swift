/// A `pattern` or `patternProperties` regular expression, compiled once.
///
/// Matching follows ECMA-262's `RegExp.prototype.test` as far as Swift's `Regex` allows: an
/// unanchored search, over Unicode scalars rather than grapheme clusters (so `^.$` does not match
/// `"e\u{301}"`), with `\d` and `\w` ASCII-only. Syntax Swift's `Regex` does not accept (for
/// example lookbehind, or `[^]`) is a compile error, never a pattern that silently matches less.
///
/// `Regex` is not `Sendable`. This class is immutable after `init`, which also runs one match so
/// the regex's lazily built program exists before the value is shared; matching never mutates it.
final class SchemaPattern: @unchecked Sendable {
    /// The pattern as the schema wrote it.
    let source: String
    private let regex: Regex<AnyRegexOutput>

    /// - Throws: The `Regex` parser's error for a pattern it does not accept.
    init(_ source: String) throws {
        self.source = source
        regex = try Regex(source)
            .matchingSemantics(.unicodeScalar)
            .asciiOnlyDigits()
            .asciiOnlyWordCharacters()
        _ = try? regex.firstMatch(in: "")
    }

    /// Whether the pattern matches anywhere in `text`.
    ///
    /// - Throws: Whatever the regex engine throws while matching.
    func matches(_ text: String) throws -> Bool {
        try regex.firstMatch(in: text) != nil
    }
}
