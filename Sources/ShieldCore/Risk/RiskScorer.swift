/// Scores a server's risk from its tool names: LOW, MEDIUM or HIGH, with a score, the risky tools
/// and why, and a recommendation.
///
/// Names are split into words (`run_terminal_cmd`, `runTerminalCmd` and `Run-Terminal-Cmd` are
/// all *run terminal cmd*) and matched case-insensitively against capability vocabularies:
/// command execution, credential access, destructive and writing filesystem operations (HIGH);
/// filesystem reads, network fetches, databases and repository writes (MEDIUM).
///
/// ```swift
/// RiskScorer.score(["get_time", "Bash"]).level  // .high
/// ```
///
/// It judges names only; a later issue scores full tool contracts (descriptions, schemas).
public enum RiskScorer {
    public enum Level: String, Sendable, Hashable { case low = "LOW", medium = "MEDIUM", high = "HIGH" }

    /// One risky tool and the capability that makes it risky.
    public struct Finding: Sendable, Hashable {
        public var tool: String
        public var capability: String
    }

    public struct Report: Sendable, Hashable {
        public var level: Level
        public var score: Int
        public var high: [Finding]
        public var medium: [Finding]
        public var recommendation: String
    }

    static let highVocabulary: [(capability: String, words: Set<String>)] = [
        (
            "executes commands",
            [
                "exec", "execute", "shell", "bash", "sh", "zsh", "terminal", "powershell", "pwsh", "cmd", "command", "commands", "eval", "subprocess",
                "spawn", "script", "repl", "interpreter",
            ]
        ),
        (
            "accesses credentials",
            [
                "secret", "secrets", "credential", "credentials", "password", "passwords", "passwd", "apikey", "keychain", "vault", "privatekey",
                "env", "environ",
            ]
        ),
        ("deletes data", ["delete", "remove", "rm", "unlink", "rmdir", "wipe", "destroy", "drop", "truncate", "purge", "erase", "kill"]),
        ("writes files", ["write", "overwrite", "edit", "modify", "append", "move", "rename", "upload", "chmod", "chown", "mkdir"]),
        ("makes arbitrary requests", ["ssrf", "proxy", "raw", "socket", "curl", "wget"]),
    ]

    static let mediumVocabulary: [(capability: String, words: Set<String>)] = [
        ("reads the filesystem", ["read", "file", "files", "dir", "directory", "directories", "folder", "path", "ls", "glob", "cat", "tree"]),
        (
            "fetches from the network",
            ["fetch", "http", "https", "request", "download", "url", "browse", "browser", "navigate", "scrape", "crawl", "web", "webhook", "network"]
        ),
        ("queries databases", ["sql", "query", "database", "db", "postgres", "mysql", "sqlite", "mongo", "redis"]),
        ("changes repositories", ["push", "commit", "merge", "checkout", "reset", "rebase", "create"]),
        ("sends messages", ["send", "email", "mail", "message", "slack", "post", "publish", "notify"]),
    ]

    /// Whole names that are commands even though no single word says so.
    static let highNames: Set<String> = ["run", "runterminalcmd", "runcode", "codeinterpreter", "python", "node", "sudo"]

    /// Scores `toolNames`.
    public static func score(_ toolNames: [String]) -> Report {
        var high: [Finding] = []
        var medium: [Finding] = []
        for name in toolNames {
            let words = Self.words(name)
            let joined = words.joined()
            if highNames.contains(joined) {
                high.append(Finding(tool: name, capability: "executes commands"))
            } else if let match = highVocabulary.first(where: { !$0.words.isDisjoint(with: words) }) {
                high.append(Finding(tool: name, capability: match.capability))
            } else if let match = mediumVocabulary.first(where: { !$0.words.isDisjoint(with: words) }) {
                medium.append(Finding(tool: name, capability: match.capability))
            }
        }
        let level: Level
        let score: Int
        if !high.isEmpty {
            level = .high
            score = min(100, 90 - 10 * max(0, 3 - high.count) + min(10, medium.count * 2))
        } else if !medium.isEmpty {
            level = .medium
            score = min(70, 45 + 5 * medium.count)
        } else {
            level = .low
            score = 10
        }
        let recommendation: String
        switch level {
        case .high: recommendation = "Do not run without the strict policy, and isolate the server (no network, no credentials)."
        case .medium: recommendation = "Run through the proxy with the default policy, filesystem roots set, and review the audit log."
        case .low: recommendation = "Safe to run through the proxy with the default policy."
        }
        return Report(level: level, score: score, high: high, medium: medium, recommendation: recommendation)
    }

    /// Lower-case words of a tool name: split at `_ - . / :` and spaces, and at camelCase humps.
    static func words(_ name: String) -> [String] {
        var words: [String] = []
        var current = ""
        var previousWasLower = false
        for character in name {
            if character == "_" || character == "-" || character == "." || character == "/" || character == ":" || character == " " {
                if !current.isEmpty { words.append(current) }
                current = ""
                previousWasLower = false
                continue
            }
            if character.isUppercase, previousWasLower, !current.isEmpty {
                words.append(current)
                current = ""
            }
            current += character.lowercased()
            previousWasLower = character.isLowercase || character.isNumber
        }
        if !current.isEmpty { words.append(current) }
        return words
    }
}

extension RiskScorer.Report {
    /// The report in the original API's shape: `risk_level`, `risk_score`, `high_risk_tools`,
    /// `medium_risk_tools`, `reasons` (tool → capability) and `recommendation`.
    public var json: JSONValue {
        var seen = Set<String>()
        let reasons = (high + medium).filter { seen.insert($0.tool).inserted }.map { (key: $0.tool, value: JSONValue.string($0.capability)) }
        return .object([
            ("risk_level", .string(level.rawValue)),
            ("risk_score", .number(String(score))),
            ("high_risk_tools", .array(high.map { .string($0.tool) })),
            ("medium_risk_tools", .array(medium.map { .string($0.tool) })),
            ("reasons", .object(reasons)),
            ("recommendation", .string(recommendation)),
        ])
    }
}
