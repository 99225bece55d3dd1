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
/// ``score(definitions:findings:)`` scores full tool contracts as `tools/list` returns them:
/// descriptions, parameter schemas, annotations and poisoning findings (see
/// `RiskScorer+Contracts.swift`). Either way the report carries a per-tool breakdown in ``Report/tools``.
///
/// It does not run or connect to the server: it judges what the server says about its tools.
public enum RiskScorer {
    public enum Level: String, Sendable, Hashable {
        case low = "LOW", medium = "MEDIUM", high = "HIGH"

        var rank: Int {
            switch self {
            case .low: 0
            case .medium: 1
            case .high: 2
            }
        }

        /// One level down (LOW stays LOW).
        var lowered: Level {
            switch self {
            case .high: .medium
            case .medium, .low: .low
            }
        }
    }

    /// One risky tool and the capability that makes it risky.
    public struct Finding: Sendable, Hashable {
        public var tool: String
        public var capability: String
    }

    /// One tool's risk: its level, a score from 0 to 100 and every reason found, most telling first.
    ///
    /// A reason is a readable phrase: *name: "bash" (executes commands)*, *parameter \`command\`
    /// (executes commands)*, *annotation destructiveHint*, *description: "deletes" (deletes data)*,
    /// or a poisoning rule id such as *poisoning.hidden-instructions*. Words that annotations
    /// lowered end in *, lowered by annotation readOnlyHint*.
    public struct ToolRisk: Sendable, Hashable {
        public var name: String
        public var level: Level
        public var score: Int
        public var reasons: [String]
    }

    /// A server's risk: the overall level and score, the tools at HIGH and MEDIUM with the
    /// capability that put them there, a recommendation, and every tool's breakdown.
    public struct Report: Sendable, Hashable {
        public var level: Level
        public var score: Int
        public var high: [Finding]
        public var medium: [Finding]
        public var recommendation: String
        /// Every scored tool, in input order (LOW tools included, with no reasons).
        public var tools: [ToolRisk]
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

    /// Scores `toolNames`: each name is split into words and matched against the vocabularies.
    ///
    /// - Parameters:
    ///   - toolNames: the server's tool names, as `tools/list` lists them.
    public static func score(_ toolNames: [String]) -> Report {
        score(definitions: toolNames.map { .string($0) })
    }

    /// The signals a tool name gives: a whole-name command first, then one per capability matched,
    /// HIGH vocabularies before MEDIUM ones (so the first signal is the name-only verdict).
    static func nameSignals(_ name: String) -> [Signal] {
        let words = Self.words(name)
        var signals: [Signal] = []
        if highNames.contains(words.joined()) {
            let capability = "executes commands"
            signals.append(Signal(level: .high, capability: capability, reason: "name: \(JSONValue.quoted(name)) (\(capability))", origin: .words))
        }
        for (level, vocabulary) in [(Level.high, highVocabulary), (.medium, mediumVocabulary)] {
            for entry in vocabulary where !signals.contains(where: { $0.capability == entry.capability }) {
                guard let word = words.first(where: entry.words.contains) else { continue }
                signals.append(
                    Signal(
                        level: level, capability: entry.capability, reason: "name: \(JSONValue.quoted(word)) (\(entry.capability))", origin: .words))
            }
        }
        return signals
    }

    /// The report for tools already reduced to signals: each tool's level is its highest signal's,
    /// and the server's level and score follow from how many tools are HIGH and MEDIUM.
    static func report(_ assessed: [(name: String, signals: [Signal])]) -> Report {
        var high: [Finding] = []
        var medium: [Finding] = []
        var tools: [ToolRisk] = []
        for (name, signals) in assessed {
            let tool = toolRisk(name, signals)
            if tool.level != .low, let top = signals.first(where: { $0.level == tool.level }) {
                if tool.level == .high {
                    high.append(Finding(tool: name, capability: top.capability))
                } else {
                    medium.append(Finding(tool: name, capability: top.capability))
                }
            }
            tools.append(tool)
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
        return Report(level: level, score: score, high: high, medium: medium, recommendation: recommendation, tools: tools)
    }

    /// One tool's breakdown. HIGH scores 80, plus 5 per further HIGH capability and 2 per MEDIUM
    /// one (at most 100); MEDIUM scores 45 plus 5 per MEDIUM capability (at most 70); LOW is 10.
    static func toolRisk(_ name: String, _ signals: [Signal]) -> ToolRisk {
        let level = signals.map(\.level).max { $0.rank < $1.rank } ?? .low
        let highCapabilities = Set(signals.filter { $0.level == .high }.map(\.capability)).count
        let mediumCapabilities = Set(signals.filter { $0.level == .medium }.map(\.capability)).count
        let score =
            switch level {
            case .high: min(100, 80 + 5 * (highCapabilities - 1) + 2 * mediumCapabilities)
            case .medium: min(70, 45 + 5 * mediumCapabilities)
            case .low: 10
            }
        var seen = Set<String>()
        var reasons: [String] = []
        for rank in [Level.high, .medium, .low] {
            for signal in signals where signal.level == rank && seen.insert(signal.reason).inserted { reasons.append(signal.reason) }
        }
        return ToolRisk(name: name, level: level, score: score, reasons: reasons)
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
    /// `medium_risk_tools`, `reasons` (tool → capability) and `recommendation`, then `tools`:
    /// `[{"name", "risk_level", "risk_score", "reasons": [...]}]` (a key old clients ignore).
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
            (
                "tools",
                .array(
                    tools.map { tool in
                        .object([
                            ("name", .string(tool.name)),
                            ("risk_level", .string(tool.level.rawValue)),
                            ("risk_score", .number(String(tool.score))),
                            ("reasons", .array(tool.reasons.map { .string($0) })),
                        ])
                    })
            ),
        ])
    }
}
