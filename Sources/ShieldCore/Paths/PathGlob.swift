/// A filesystem glob matched segment by segment: `**` matches any number of whole segments
/// (including none), other segments are ``Glob`` patterns that never cross a `/`.
///
/// Matching is case-insensitive, so a deny list also holds on case-insensitive filesystems
/// (`~/.SSH/id_rsa` on macOS). Segments are compiled once: literal segments compare as strings.
///
/// ```swift
/// PathGlob("**/.ssh/**").matches(lowercased: ["home", "me", ".ssh", "id_rsa"])  // true
/// ```
struct PathGlob: Sendable, Hashable {
    enum Segment: Sendable, Hashable {
        case anyDepth
        case literal(String)
        case pattern(String)
    }

    let segments: [Segment]
    let source: String

    /// - Parameter pattern: an absolute pattern, or one starting with `**`; `~` is expanded
    ///   against `home` by the caller.
    init(_ pattern: String) {
        source = pattern
        segments = ByteSearch.lowercased(pattern).split(separator: "/").map { segment in
            if segment == "**" { return .anyDepth }
            return Glob.isPattern(String(segment)) ? .pattern(String(segment)) : .literal(String(segment))
        }
    }

    /// Whether `path` — segments already lower-cased — matches.
    func matches(lowercased path: [String]) -> Bool {
        match(0, path[...])
    }

    private func match(_ p: Int, _ path: ArraySlice<String>) -> Bool {
        guard p < segments.count else { return path.isEmpty }
        switch segments[p] {
        case .anyDepth:
            var rest = path
            while true {
                if match(p + 1, rest) { return true }
                guard !rest.isEmpty else { return false }
                rest = rest.dropFirst()
            }
        case .literal(let literal):
            guard let first = path.first, first == literal else { return false }
        case .pattern(let pattern):
            guard let first = path.first, Glob.matches(pattern, first) else { return false }
        }
        return match(p + 1, path.dropFirst())
    }
}
