/// A filesystem glob matched segment by segment: `**` matches any number of whole segments
/// (including none), other segments are ``Glob`` patterns that never cross a `/`.
///
/// Matching is case-insensitive, so a deny list also holds on case-insensitive filesystems
/// (`~/.SSH/id_rsa` on macOS). Segments are compiled once: literal segments compare as strings.
///
/// ```swift
/// PathGlob("**/.ssh/**").matches(PathSegments(["home", "me", ".ssh", "id_rsa"]))  // true
/// ```
struct PathGlob: Sendable, Hashable {
    enum Segment: Sendable, Hashable {
        case anyDepth
        case literal(String)
        case pattern(String)
    }

    let segments: [Segment]
    /// Each literal segment's bytes (nil for the others), compared without going through `String`.
    private let literals: [[UInt8]?]
    let source: String

    /// - Parameter pattern: an absolute pattern, or one starting with `**`; `~` is expanded
    ///   against `home` by the caller.
    init(_ pattern: String) {
        source = pattern
        segments = ByteSearch.lowercased(pattern).split(separator: "/").map { segment in
            if segment == "**" { return .anyDepth }
            return Glob.isPattern(String(segment)) ? .pattern(String(segment)) : .literal(String(segment))
        }
        literals = segments.map { if case .literal(let literal) = $0 { Array(literal.utf8) } else { nil } }
    }

    /// Whether `path` — segments already lower-cased — matches.
    func matches<Path: PathSegmentList>(_ path: Path) -> Bool {
        match(0, 0, path)
    }

    private func match<Path: PathSegmentList>(_ p: Int, _ s: Int, _ path: Path) -> Bool {
        guard p < segments.count else { return s == path.count }
        switch segments[p] {
        case .anyDepth:
            for start in s...path.count where match(p + 1, start, path) { return true }
            return false
        case .literal:
            guard s < path.count, let literal = literals[p], path.segment(s, equals: literal) else { return false }
        case .pattern(let pattern):
            guard s < path.count, Glob.matches(pattern, path.string(s)) else { return false }
        }
        return match(p + 1, s + 1, path)
    }
}
