internal import Foundation

/// Resolves symbolic links for the decision core's path checks, the way the kernel walks a path.
public enum RealPath {
    /// The most components resolved; longer paths are judged lexically only (the core bounds
    /// path length separately).
    static let maxComponents = 256

    /// The real path of `path`: each component is resolved in turn, so `..` applies to the real
    /// directory reached so far (`/dev/fd/..` is `/proc/self`), and once a component does not
    /// exist the rest is appended lexically.
    ///
    /// `nil` when nothing resolves differently (the lexical answer stands).
    @Sendable public static func resolve(_ path: String) -> String? {
        let components = path.split(separator: "/", omittingEmptySubsequences: true)
        guard components.count <= maxComponents else { return nil }
        var current = "/"
        for (index, component) in components.enumerated() {
            if component == "." { continue }
            if component == ".." {
                current = (current as NSString).deletingLastPathComponent
                continue
            }
            let candidate = current == "/" ? "/" + component : current + "/" + component
            guard let real = realpath(candidate, nil) else {
                // The rest does not exist: finish lexically.
                var lexical = candidate.split(separator: "/").map(String.init)
                for rest in components[(index + 1)...] {
                    if rest == ".." {
                        if !lexical.isEmpty { lexical.removeLast() }
                    } else if rest != "." {
                        lexical.append(String(rest))
                    }
                }
                current = "/" + lexical.joined(separator: "/")
                break
            }
            current = String(cString: real)
            free(real)
        }
        return current == path ? nil : current
    }
}
