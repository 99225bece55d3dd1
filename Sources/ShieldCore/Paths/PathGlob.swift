/// A filesystem glob matched segment by segment: `**` matches any number of whole segments
/// (including none), other segments are ``Glob`` patterns that never cross a `/`.
///
/// Matching is case-insensitive, so a deny list also holds on case-insensitive filesystems
/// (`~/.SSH/id_rsa` on macOS).
///
/// ```swift
/// PathGlob("**/.ssh/**").matches(["home", "me", ".ssh", "id_rsa"])  // true
/// ```
struct PathGlob: Sendable, Hashable {
    let segments: [String]
    let source: String

    /// - Parameter pattern: an absolute pattern, or one starting with `**`; `~` is expanded
    ///   against `home` by the caller.
    init(_ pattern: String) {
        source = pattern
        segments = pattern.lowercased().split(separator: "/").map(String.init)
    }

    func matches(_ path: [Substring]) -> Bool {
        let lowered = path.map { $0.lowercased() }
        return match(0, lowered[...])
    }

    private func match(_ p: Int, _ path: ArraySlice<String>) -> Bool {
        guard p < segments.count else { return path.isEmpty }
        if segments[p] == "**" {
            // Try every split point; patterns are short, so this stays cheap.
            var rest = path
            while true {
                if match(p + 1, rest) { return true }
                guard !rest.isEmpty else { return false }
                rest = rest.dropFirst()
            }
        }
        guard let first = path.first, Glob.matches(segments[p], first) else { return false }
        return match(p + 1, path.dropFirst())
    }
}
