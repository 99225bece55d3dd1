import Foundation

/// Resolves symbolic links for the decision core's path checks.
enum RealPath {
    /// The real path of `path`'s longest existing prefix, followed by the rest of `path`.
    ///
    /// `nil` when nothing resolves differently (the lexical answer stands).
    @Sendable static func resolve(_ path: String) -> String? {
        var existing = path
        var rest: [String] = []
        while !existing.isEmpty, existing != "/" {
            if let real = realpath(existing, nil) {
                defer { free(real) }
                let resolved = String(cString: real)
                let full = ([resolved] + rest.reversed()).joined(separator: "/")
                return full == path ? nil : full
            }
            let url = URL(fileURLWithPath: existing)
            rest.append(url.lastPathComponent)
            existing = url.deletingLastPathComponent().path
        }
        return nil
    }
}
