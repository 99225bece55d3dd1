internal import Foundation
public import ShieldCore

extension EvaluationContext {
    /// This machine's facts for the decision core: the user's home, the working directory and
    /// the kernel-order real-path resolver, so symlink escapes are judged on where they lead.
    public static func host() -> EvaluationContext {
        let environment = ProcessInfo.processInfo.environment
        return EvaluationContext(
            homeDirectory: environment["HOME"] ?? NSHomeDirectory(),
            workingDirectory: FileManager.default.currentDirectoryPath,
            resolveRealPath: RealPath.resolve
        )
    }
}
