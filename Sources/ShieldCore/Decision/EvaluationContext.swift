/// What the decision core needs to know about the machine, passed in so the core stays pure.
///
/// The CLI builds one from the environment (`HOME`, the working directory, `realpath`); tests
/// build fixed ones.
///
/// ```swift
/// let context = EvaluationContext(homeDirectory: "/home/user", workingDirectory: "/workspace")
/// ```
public struct EvaluationContext: Sendable {
    /// The home directory `~` expands to.
    public var homeDirectory: String
    /// The directory relative policy roots resolve against (and relative paths, when the policy
    /// has no roots).
    public var workingDirectory: String
    /// Resolves symbolic links in an absolute path, returning the real path of its longest
    /// existing prefix followed by the rest; `nil` to judge paths lexically only.
    public var resolveRealPath: (@Sendable (String) -> String?)?

    public init(
        homeDirectory: String = "/nonexistent-home",
        workingDirectory: String = "/",
        resolveRealPath: (@Sendable (String) -> String?)? = nil
    ) {
        self.homeDirectory = homeDirectory
        self.workingDirectory = workingDirectory
        self.resolveRealPath = resolveRealPath
    }
}
