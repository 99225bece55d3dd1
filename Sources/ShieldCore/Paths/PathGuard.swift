internal import Foundation

/// Judges path-valued arguments: containment in the policy's roots by whole segment, the
/// credential and system file deny lists, and the encodings attackers use to hide a traversal.
///
/// A path is percent-decoded (repeatedly, at most ``maxDecodeRounds`` times), Unicode
/// compatibility-normalized (fullwidth `．．／` is `../`), `\` is a separator, and relative paths
/// resolve against the first root (or the working directory). It never "sanitizes" by deleting
/// `../`: it normalizes and then judges the result.
///
/// With a ``EvaluationContext/resolveRealPath`` function the real path (symlinks resolved) is
/// judged too, closing symlink escapes like CVE-2025-53109; without one the check is lexical.
struct PathGuard: Sendable {
    static let maxDecodeRounds = 4
    /// Paths with more segments are refused: no real path needs them, and matching stays cheap.
    static let maxSegments = 256

    /// Credential and system files no tool argument should name. `~` is the user's home.
    static let builtinDeny = [
        "**/.ssh", "**/.ssh/**", "**/.aws/**", "**/.gnupg/**", "**/.password-store/**",
        "**/.kube/config", "**/.docker/config.json", "**/.config/gh/hosts.yml", "**/.config/gcloud/**",
        "**/.azure/**", "**/.netrc", "**/_netrc", "**/.git-credentials", "**/.npmrc", "**/.pypirc",
        "**/.vault-token", "**/.terraform.d/credentials.tfrc.json", "**/.env", "**/.env.local",
        "**/.env.production", "**/.env.development", "**/id_rsa", "**/id_dsa", "**/id_ecdsa", "**/id_ed25519",
        "**/.bash_history", "**/.zsh_history",
        "**/.pgpass", "**/.my.cnf", "**/.config/git/credentials", "**/.claude/.credentials.json", "**/.boto",
        "**/.s3cfg", "**/.config/rclone/rclone.conf", "**/.m2/settings.xml", "**/.gradle/gradle.properties",
        "**/.cargo/credentials", "**/.cargo/credentials.toml", "**/.config/hub", "**/.terraformrc",
        "/etc/shadow", "/etc/shadow-", "/etc/gshadow", "/etc/gshadow-", "/etc/passwd", "/etc/passwd-", "/etc/master.passwd",
        "/etc/sudoers", "/etc/sudoers.d/**", "/etc/ssh/ssh_host_*", "/etc/ssl/private/**", "/etc/kubernetes/**",
        "/var/backups/**", "/proc", "/proc/**", "/dev/fd", "/dev/fd/**", "/root", "/root/**",
        "/var/run/secrets/**", "/run/secrets/**",
        // MCP client configurations hold every server's credentials.
        "**/claude_desktop_config.json", "**/.cursor/mcp.json", "**/.vscode/mcp.json",
        "**/.codeium/windsurf/mcp_config.json", "**/.claude.json", "**/.config/claude/**",
    ]

    static let envTemplates = [".example", ".sample", ".template", ".dist", ".defaults", ".schema"]

    let roots: [[String]]
    let deny: [PathGlob]
    /// `**/NAME` patterns: a path whose last segment is NAME is denied.
    let deniedNames: [String: String]
    /// `**/NAME/**` patterns: a path with NAME as a directory segment is denied.
    let deniedDirectories: [String: String]
    /// Every other pattern, matched in full; indexed by a literal first or last segment so a path
    /// is only matched against patterns that could match it.
    let otherDeny: [PathGlob]
    let denyByFirstSegment: [String: [PathGlob]]
    let denyByLastSegment: [String: [PathGlob]]
    let denyUnindexed: [PathGlob]
    let home: [String]
    let base: [String]
    let resolveRealPath: (@Sendable (String) -> String?)?

    init(_ filesystem: Policy.Filesystem, context: EvaluationContext) {
        let home = Self.lexical(context.homeDirectory.split(separator: "/").map(String.init))
        let cwd = Self.lexical(context.workingDirectory.split(separator: "/").map(String.init))
        self.home = home
        func absolute(_ text: String) -> [String] {
            let parts = text.split(separator: "/").map(String.init)
            if text.hasPrefix("~") { return Self.lexical(home + parts.dropFirst()) }
            if text.hasPrefix("/") { return Self.lexical(parts) }
            return Self.lexical(cwd + parts)
        }
        roots = filesystem.roots.map(absolute)
        base = roots.first ?? cwd
        // A literal entry in deny_paths denies the path and everything beneath it.
        let userPatterns = filesystem.denyPaths.flatMap { pattern -> [String] in
            let trimmed = pattern.count > 1 && pattern.hasSuffix("/") ? String(pattern.dropLast()) : pattern
            return Glob.isPattern(trimmed) && trimmed.hasSuffix("**") ? [trimmed] : [trimmed, trimmed + "/**"]
        }
        // Running as root, /root is the user's own home: denying it whole would deny ~ itself.
        let builtin = Self.builtinDeny.filter { home != ["root"] || ($0 != "/root" && $0 != "/root/**") }
        let patterns = (filesystem.builtinDeny ? builtin : []) + userPatterns
        deny = patterns.map { pattern in
            if pattern.hasPrefix("~") {
                return PathGlob("/" + (home + pattern.split(separator: "/").dropFirst().map(String.init)).joined(separator: "/"))
            }
            if pattern.hasPrefix("/") || pattern.hasPrefix("**") { return PathGlob(pattern) }
            return PathGlob("**/" + pattern)
        }
        resolveRealPath = context.resolveRealPath
        var names: [String: String] = [:], directories: [String: String] = [:], others: [PathGlob] = []
        for glob in deny {
            let segments = glob.segments
            if segments.count == 2, segments[0] == .anyDepth, case .literal(let name) = segments[1] {
                names[name] = glob.source
            } else if segments.count == 3, segments[0] == .anyDepth, segments[2] == .anyDepth, case .literal(let name) = segments[1] {
                directories[name] = glob.source
            } else {
                others.append(glob)
            }
        }
        deniedNames = names
        deniedDirectories = directories
        otherDeny = others
        var byFirst: [String: [PathGlob]] = [:], byLast: [String: [PathGlob]] = [:], unindexed: [PathGlob] = []
        for glob in others {
            if case .literal(let first)? = glob.segments.first {
                byFirst[first, default: []].append(glob)
            } else if case .literal(let last)? = glob.segments.last {
                byLast[last, default: []].append(glob)
            } else {
                unindexed.append(glob)
            }
        }
        denyByFirstSegment = byFirst
        denyByLastSegment = byLast
        denyUnindexed = unindexed
    }

    /// The deny pattern `segments` (lower-cased) match, if any.
    func deniedBy(_ segments: [String]) -> String? {
        if let last = segments.last, let source = deniedNames[last] { return source }
        // Every `.env.*` but the templates projects commit (`.env.example`).
        if let last = segments.last, last.hasPrefix(".env."), !Self.envTemplates.contains(where: { last.hasSuffix($0) }) {
            return "**/.env.*"
        }
        for segment in segments.dropLast() {
            if let source = deniedDirectories[segment] { return source }
        }
        guard let first = segments.first, let last = segments.last else { return denyUnindexed.first { $0.matches(lowercased: segments) }?.source }
        for candidates in [denyByFirstSegment[first], denyByLastSegment[last], denyUnindexed] {
            if let glob = candidates?.first(where: { $0.matches(lowercased: segments) }) { return glob.source }
        }
        return nil
    }

    /// Judges one path.
    func check(_ raw: String) -> Finding? {
        let normalized: Normalized
        switch normalize(raw) {
        case .failure(let finding): return finding
        case .success(let value): normalized = value
        }
        if normalized.climbsAboveBase {
            return Finding(rule: "path.traversal", reason: "relative path \(quote(raw)) climbs above its base directory")
        }
        if let finding = judge(normalized.segments, raw: raw) { return finding }
        if normalized.rawSegments.contains(".."), let source = deniedBy(normalized.rawSegments.map(ByteSearch.lowercased)) {
            return Finding(rule: "path.credential-file", reason: "path \(quote(raw)) passes through a denied location (\(source)) before \"..\"")
        }
        if let resolveRealPath, let real = resolveRealPath("/" + normalized.rawSegments.joined(separator: "/")) {
            let realSegments = Self.lexical(Self.segments(of: real))
            if realSegments != normalized.segments, let finding = judge(realSegments, raw: raw) {
                return Finding(rule: finding.rule, reason: finding.reason + " (after resolving symbolic links to \(quote(real)))")
            }
        }
        return nil
    }

    /// Judges only the deny lists: for paths found inside shell commands, where containment in
    /// the roots is not required (`ls /usr/bin` is fine) but credential files are still refused.
    func deniedFile(_ raw: String) -> Finding? {
        guard case .success(let normalized) = normalize(raw) else { return nil }
        let segments = normalized.segments.map(ByteSearch.lowercased)
        guard let source = deniedBy(segments) ?? deniedBy(normalized.rawSegments.map(ByteSearch.lowercased)) ?? deniedByGlob(segments) else {
            return nil
        }
        let shown = "/" + normalized.segments.joined(separator: "/")
        return Finding(
            rule: "path.credential-file", reason: "path \(quote(raw)) is \(quote(shown)), a credential or system file (denied by \(source))")
    }

    /// For shell words that are globs (`/etc/shad*`, `~/.s[s]h/id_*`): the deny pattern some
    /// expansion of them could match, judged segment by segment against the literal entries.
    func deniedByGlob(_ segments: [String]) -> String? {
        guard segments.contains(where: Glob.isPattern) else { return nil }
        for (index, segment) in segments.enumerated() where Glob.isPattern(segment) {
            if index == segments.count - 1, let name = deniedNames.keys.first(where: { Glob.matches(segment, $0) }) { return deniedNames[name] }
            if let name = deniedDirectories.keys.first(where: { Glob.matches(segment, $0) }) { return deniedDirectories[name] }
        }
        for glob in otherDeny where glob.segments.count == segments.count {
            let matches = zip(glob.segments, segments).allSatisfy { pattern, segment in
                switch pattern {
                case .anyDepth: true
                case .literal(let literal): Glob.matches(segment, literal)
                case .pattern(let other): Glob.matches(segment, other) || Glob.matches(other, segment)
                }
            }
            if matches { return glob.source }
        }
        return nil
    }

    private func judge(_ segments: [String], raw: String) -> Finding? {
        let shown = "/" + segments.joined(separator: "/")
        if let source = deniedBy(segments.map(ByteSearch.lowercased)) {
            return Finding(
                rule: "path.credential-file", reason: "path \(quote(raw)) is \(quote(shown)), a credential or system file (denied by \(source))")
        }
        if !roots.isEmpty, !roots.contains(where: { segments.starts(with: $0) }) {
            let allowed = roots.map { "/" + $0.joined(separator: "/") }.joined(separator: ", ")
            return Finding(
                rule: "path.outside-root", reason: "path \(quote(raw)) resolves to \(quote(shown)), outside the allowed roots (\(allowed))")
        }
        return nil
    }

    struct Normalized {
        /// The path with `.` and `..` resolved lexically.
        var segments: [String]
        /// The path as written (made absolute, `.` dropped, `..` kept): what the kernel walks,
        /// where `/dev/fd/..` is `/proc/self`, not `/dev`.
        var rawSegments: [String]
        var climbsAboveBase: Bool
    }

    func normalize(_ raw: String) -> Result<Normalized, Finding> {
        var text = raw
        if text.utf8.count >= 5, text.utf8.prefix(5).map({ $0 | 0x20 }).elementsEqual("file:".utf8.map { $0 | 0x20 }) {
            text = String(text.dropFirst(5))
            if text.hasPrefix("//") { text = String(text.dropFirst(2)) }
        }
        // Percent-decoding, bounded.
        var rounds = 0
        while Self.hasPercentEscape(text) {
            guard rounds < Self.maxDecodeRounds else {
                return .failure(
                    Finding(
                        rule: "path.encoding", reason: "path \(quote(raw)) is still percent-encoded after \(Self.maxDecodeRounds) rounds of decoding")
                )
            }
            guard let decoded = Self.percentDecode(text) else {
                return .failure(Finding(rule: "path.encoding", reason: "path \(quote(raw)) decodes to invalid UTF-8"))
            }
            text = decoded
            rounds += 1
        }
        if text.utf8.contains(0) {
            return .failure(Finding(rule: "path.nul-byte", reason: "path \(quote(raw)) contains a NUL byte, which truncates it in C APIs"))
        }
        if !text.utf8.allSatisfy({ $0 < 0x80 }) {
            text = text.precomposedStringWithCompatibilityMapping
        }
        if text.utf8.contains(UInt8(ascii: "\\")) { text = text.replacingOccurrences(of: "\\", with: "/") }
        if text.hasPrefix("//") {
            return .failure(Finding(rule: "path.unc", reason: "path \(quote(raw)) is a UNC or network path"))
        }
        let utf8 = Array(text.utf8.prefix(3))
        if utf8.count >= 2, utf8[0].isASCIILetter, utf8[1] == UInt8(ascii: ":") {
            return .failure(Finding(rule: "path.drive", reason: "path \(quote(raw)) names a Windows drive"))
        }

        var parts = Self.segments(of: text)
        guard parts.count <= Self.maxSegments else {
            return .failure(Finding(rule: "path.too-long", reason: "path \(quote(raw)) has more than \(Self.maxSegments) segments"))
        }
        var start: [String]
        if text.hasPrefix("/") {
            start = []
        } else if let first = parts.first, first.hasPrefix("~") {
            let user = first.dropFirst()
            start = user.isEmpty ? home : (user == "root" ? ["root"] : ["home", String(user)])
            parts.removeFirst()
        } else {
            start = base
        }
        for part in parts where part.count >= 3 && part.allSatisfy({ $0 == "." }) {
            return .failure(
                Finding(
                    rule: "path.dot-segment",
                    reason: "path \(quote(raw)) has the segment \(quote(part)), which some systems treat as a parent directory"))
        }
        // Does the path, relative to where it starts, climb above that start?
        var depth = 0
        var climbs = false
        for part in parts {
            if part == ".." {
                depth -= 1
                if depth < 0 { climbs = true }
            } else if part != "." {
                depth += 1
            }
        }
        let isRelative = !text.hasPrefix("/") && !text.hasPrefix("~")
        let raw = (start + parts).filter { $0 != "." }
        return .success(Normalized(segments: Self.lexical(start + parts), rawSegments: raw, climbsAboveBase: isRelative && climbs))
    }

    /// The non-empty `/`-separated segments of `text`, split on bytes (`String.split` compares
    /// `Character`s, which costs grapheme breaking on every byte).
    static func segments(of text: String) -> [String] {
        text.utf8.split(separator: UInt8(ascii: "/")).map { String(Substring($0)) }
    }

    /// Removes `.` and resolves `..` lexically; `..` at the root stays at the root.
    static func lexical(_ parts: [String]) -> [String] {
        var out: [String] = []
        for part in parts {
            switch part {
            case "", ".": continue
            case "..": if !out.isEmpty { out.removeLast() }
            default: out.append(part)
            }
        }
        return out
    }

    static func hasPercentEscape(_ text: String) -> Bool {
        var utf8 = text.utf8[...]
        while let percent = utf8.firstIndex(of: UInt8(ascii: "%")) {
            let after = utf8[utf8.index(after: percent)...]
            if after.count >= 2, after[after.startIndex].isHexDigit, after[after.index(after: after.startIndex)].isHexDigit { return true }
            utf8 = after
        }
        return false
    }

    static func percentDecode(_ text: String) -> String? {
        var out: [UInt8] = []
        let bytes = Array(text.utf8)
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "%"), i + 2 < bytes.count, let h = bytes[i + 1].hexValue, let l = bytes[i + 2].hexValue {
                out.append(h << 4 | l)
                i += 3
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return String(validating: out, as: UTF8.self)
    }
}
