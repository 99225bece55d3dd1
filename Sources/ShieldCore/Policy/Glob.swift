/// Shell-style name globs: `*` (any run), `?` (one character), `[abc]`, `[a-z]`, `[!x]`.
///
/// Used for tool names and host names. It matches whole strings by Unicode scalar, in linear
/// time for patterns with `*` (no exponential backtracking). For filesystem globs with `**` see
/// ``PathGlob``.
///
/// ```swift
/// Glob.matches("git_*", "git_status")  // true
/// ```
public enum Glob {
    /// Whether `pattern` holds any glob metacharacter.
    public static func isPattern(_ pattern: String) -> Bool {
        pattern.unicodeScalars.contains { $0 == "*" || $0 == "?" || $0 == "[" }
    }

    /// A description of what is wrong with `pattern`, or `nil` when it is valid.
    public static func validate(_ pattern: String) -> String? {
        let scalars = Array(pattern.unicodeScalars)
        var i = 0
        while i < scalars.count {
            if scalars[i] == "[" {
                guard let end = classEnd(scalars, from: i) else { return "unclosed \"[\" in pattern" }
                i = end
            }
            i += 1
        }
        return nil
    }

    /// Whether `name` matches `pattern` as a whole.
    public static func matches(_ pattern: String, _ name: String) -> Bool {
        // Fast paths for the shapes policies use most: "*", "prefix*", "*suffix".
        var metacharacters = 0
        var stars = 0
        for byte in pattern.utf8 {
            if byte == UInt8(ascii: "*") {
                stars += 1
                metacharacters += 1
            } else if byte == UInt8(ascii: "?") || byte == UInt8(ascii: "[") {
                metacharacters += 1
            }
        }
        if metacharacters == 0 { return pattern == name }
        if stars == 1, metacharacters == 1 {
            if pattern.utf8.count == 1 { return true }
            if pattern.utf8.last == UInt8(ascii: "*") { return name.utf8.starts(with: pattern.utf8.dropLast()) }
            if pattern.utf8.first == UInt8(ascii: "*") { return name.utf8.reversed().starts(with: pattern.utf8.dropFirst().reversed()) }
        }
        let p = Array(pattern.unicodeScalars)
        let s = Array(name.unicodeScalars)
        var pi = 0, si = 0
        var starPattern = -1, starName = 0
        while si < s.count {
            if pi < p.count {
                switch p[pi] {
                case "*":
                    starPattern = pi
                    starName = si
                    pi += 1
                    continue
                case "?":
                    pi += 1
                    si += 1
                    continue
                case "[":
                    if let end = classEnd(p, from: pi) {
                        if classMatches(p[(pi + 1)..<end], s[si]) {
                            pi = end + 1
                            si += 1
                            continue
                        }
                    } else if s[si] == "[" {
                        pi += 1
                        si += 1
                        continue
                    }
                default:
                    if p[pi] == s[si] {
                        pi += 1
                        si += 1
                        continue
                    }
                }
            }
            guard starPattern >= 0 else { return false }
            pi = starPattern + 1
            starName += 1
            si = starName
        }
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }

    /// The index of the `]` closing the class opened at `start`, or `nil`.
    static func classEnd(_ p: [Unicode.Scalar], from start: Int) -> Int? {
        var i = start + 1
        if i < p.count, p[i] == "!" || p[i] == "^" { i += 1 }
        if i < p.count, p[i] == "]" { i += 1 }  // a leading ] is literal
        while i < p.count {
            if p[i] == "]" { return i }
            i += 1
        }
        return nil
    }

    static func classMatches(_ body: ArraySlice<Unicode.Scalar>, _ c: Unicode.Scalar) -> Bool {
        var body = body
        var negated = false
        if let first = body.first, first == "!" || first == "^" {
            negated = true
            body = body.dropFirst()
        }
        var matched = false
        var i = body.startIndex
        while i < body.endIndex {
            if i + 2 < body.endIndex, body[i + 1] == "-" {
                if body[i].value <= c.value, c.value <= body[i + 2].value { matched = true }
                i += 3
            } else {
                if body[i] == c { matched = true }
                i += 1
            }
        }
        return matched != negated
    }
}
