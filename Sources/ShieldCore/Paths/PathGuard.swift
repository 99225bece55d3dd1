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
final class PathGuard: Sendable {
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

    /// The policy's roots, made absolute.
    let roots: [PathSegments]
    /// `**/NAME` patterns: a path whose last segment is NAME is denied.
    let deniedNames: ByteKeyedTable<String>
    /// `**/NAME/**` patterns: a path with NAME as a directory segment is denied.
    /// Per segment name: the `**/NAME/**` pattern that denies a path with NAME as a directory
    /// segment, and the floating patterns (``denyUnindexed`` entries) that need a NAME segment.
    let segmentRules: ByteKeyedTable<SegmentRule>
    /// Every other pattern, matched in full; indexed by a literal first or last segment so a path
    /// is only matched against patterns that could match it.
    let otherDeny: [PathGlob]
    let denyByFirstSegment: ByteKeyedTable<[PathGlob]>
    let denyByLastSegment: ByteKeyedTable<[PathGlob]>
    /// Patterns with neither a literal first nor a literal last segment, in list order. Those
    /// that start `**/NAME` are tried only on a path with a NAME segment (``segmentRules``),
    /// the others (``denyAlwaysTried``, their indexes) on every path.
    let denyUnindexed: [PathGlob]
    let denyAlwaysTried: [Int]

    struct SegmentRule: Sendable {
        var directory: String?
        var floating: [Int] = []
    }
    let home: [String]
    let homeSegments: PathSegments
    /// Where relative paths start: the first root, or the working directory.
    let base: PathSegments
    /// ``homeSegments`` and ``base`` lower-cased, as the deny lists are matched.
    let lowercasedHome: PathSegments
    let lowercasedBase: PathSegments
    let resolveRealPath: (@Sendable (String) -> String?)?

    init(_ filesystem: Policy.Filesystem, context: EvaluationContext) {
        let home = Self.lexical(context.homeDirectory.split(separator: "/").map(String.init))
        let cwd = Self.lexical(context.workingDirectory.split(separator: "/").map(String.init))
        self.home = home
        homeSegments = PathSegments(home)
        func absolute(_ text: String) -> [String] {
            let parts = text.split(separator: "/").map(String.init)
            if text.hasPrefix("~") { return Self.lexical(home + parts.dropFirst()) }
            if text.hasPrefix("/") { return Self.lexical(parts) }
            return Self.lexical(cwd + parts)
        }
        roots = filesystem.roots.map { PathSegments(absolute($0)) }
        base = roots.first ?? PathSegments(cwd)
        lowercasedHome = homeSegments.lowercased()
        lowercasedBase = base.lowercased()
        // A literal entry in deny_paths denies the path and everything beneath it.
        let userPatterns = filesystem.denyPaths.flatMap { pattern -> [String] in
            let trimmed = pattern.count > 1 && pattern.hasSuffix("/") ? String(pattern.dropLast()) : pattern
            return Glob.isPattern(trimmed) && trimmed.hasSuffix("**") ? [trimmed] : [trimmed, trimmed + "/**"]
        }
        // Running as root, /root is the user's own home: denying it whole would deny ~ itself.
        let builtin = Self.builtinDeny.filter { home != ["root"] || ($0 != "/root" && $0 != "/root/**") }
        let patterns = (filesystem.builtinDeny ? builtin : []) + userPatterns
        let deny = patterns.map { pattern in
            if pattern.hasPrefix("~") {
                return PathGlob("/" + (home + pattern.split(separator: "/").dropFirst().map(String.init)).joined(separator: "/"))
            }
            if pattern.hasPrefix("/") || pattern.hasPrefix("**") { return PathGlob(pattern) }
            return PathGlob("**/" + pattern)
        }
        resolveRealPath = context.resolveRealPath
        var names: [(String, String)] = [], directories: [(String, String)] = [], others: [PathGlob] = []
        for glob in deny {
            let segments = glob.segments
            if segments.count == 2, segments[0] == .anyDepth, case .literal(let name) = segments[1] {
                names.append((name, glob.source))
            } else if segments.count == 3, segments[0] == .anyDepth, segments[2] == .anyDepth, case .literal(let name) = segments[1] {
                directories.append((name, glob.source))
            } else {
                others.append(glob)
            }
        }
        deniedNames = ByteKeyedTable(names)
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
        denyByFirstSegment = ByteKeyedTable(byFirst.map { ($0.key, $0.value) })
        denyByLastSegment = ByteKeyedTable(byLast.map { ($0.key, $0.value) })
        denyUnindexed = unindexed
        var rules: [String: SegmentRule] = [:]
        var ruleOrder: [String] = []
        func rule(_ name: String, _ change: (inout SegmentRule) -> Void) {
            if rules[name] == nil { ruleOrder.append(name) }
            change(&rules[name, default: SegmentRule()])
        }
        for (name, source) in directories { rule(name) { $0.directory = source } }
        var alwaysTried: [Int] = []
        for (index, glob) in unindexed.enumerated() {
            if glob.segments.count >= 2, glob.segments[0] == .anyDepth, case .literal(let name) = glob.segments[1] {
                rule(name) { $0.floating.append(index) }
            } else {
                alwaysTried.append(index)
            }
        }
        segmentRules = ByteKeyedTable(ruleOrder.map { ($0, rules[$0]!) })
        denyAlwaysTried = alwaysTried
    }

    /// The deny pattern a path (already lower-cased) matches, if any.
    func deniedBy<Path: PathSegmentList>(_ path: Path) -> String? {
        guard path.count > 0 else { return denyUnindexed.first { $0.matches(path) }?.source }
        let last = path.count - 1
        if let source = path.withSegment(last, { deniedNames[$0] }) { return source }
        // Every `.env.*` but the templates projects commit (`.env.example`).
        let isEnvFile = path.withSegment(last) { name in
            name.count >= 5 && name[0] == UInt8(ascii: ".") && name[1] == UInt8(ascii: "e") && name[2] == UInt8(ascii: "n")
                && name[3] == UInt8(ascii: "v") && name[4] == UInt8(ascii: ".")
                && !Self.envTemplates.contains { name.reversed().starts(with: $0.utf8.reversed()) }
        }
        if isEnvFile { return "**/.env.*" }
        // One lookup per segment: a denied directory ends the search; floating patterns that
        // need the segment are kept for after the indexed ones. Rules and candidate lists are
        // read in place: copying one out of its table would retain its arrays.
        var needed: [Int] = []
        for index in 0...last {
            let directory = path.withSegment(index) { segment in
                segmentRules.withValue(for: segment) { rule -> String? in
                    if index < last, let source = rule.directory { return source }
                    needed += rule.floating
                    return nil
                } ?? nil
            }
            if let directory { return directory }
        }
        let byFirst = path.withSegment(0) { segment in denyByFirstSegment.withValue(for: segment) { $0.first { $0.matches(path) }?.source } ?? nil }
        if let byFirst { return byFirst }
        let byLast = path.withSegment(last) { segment in denyByLastSegment.withValue(for: segment) { $0.first { $0.matches(path) }?.source } ?? nil }
        if let byLast { return byLast }
        // In list order, so the reason names the first matching entry.
        for index in needed.isEmpty ? denyAlwaysTried : (denyAlwaysTried + needed).sorted() where denyUnindexed[index].matches(path) {
            return denyUnindexed[index].source
        }
        return nil
    }

    /// Whether `raw` is surely allowed, decided on its bytes without building a
    /// ``PathSegments``: a path that needs no decoding (ASCII without `%`, `\\`, NUL or a
    /// `file:` prefix), starts with `/`, `~/` or a relative segment, has no `..` or other
    /// all-dot segment but `.` (so, `.` dropped, it is its own resolution and cannot climb), is
    /// denied by no pattern and lies inside the roots. `false` means "not decided here":
    /// ``checkInFull(_:)`` judges it and words any finding. With a real-path resolver every path
    /// is judged in full.
    func isPlainlyAllowed(_ raw: String) -> Bool {
        raw.withUTF8Bytes(isPlainlyAllowed)
    }

    /// ``isPlainlyAllowed(_:)`` of a path's bytes.
    func isPlainlyAllowed(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        guard resolveRealPath == nil else { return false }
        let slash = UInt8(ascii: "/")
        guard let first = text.first, !URLScheme.startsWithFile(text) else { return false }
        // The prefix goes straight into the call: choosing it into a variable first would
        // copy (and retain) its arrays.
        if first == slash {
            guard text.count < 2 || text[1] != slash else { return false }  // UNC
            return isPlainlyAllowed(text, from: 0, prefix: PathSegments(), lowercasedPrefix: PathSegments())
        } else if first == UInt8(ascii: "~") {
            guard text.count == 1 || text[1] == slash else { return false }  // `~user`
            return isPlainlyAllowed(text, from: 1, prefix: homeSegments, lowercasedPrefix: lowercasedHome)
        } else {
            guard text.count < 2 || !first.isASCIILetter || text[1] != UInt8(ascii: ":") else { return false }  // a drive
            return isPlainlyAllowed(text, from: 0, prefix: base, lowercasedPrefix: lowercasedBase)
        }
    }

    /// ``isPlainlyAllowed(_:)`` of `text` from `start` (after a `~`), below `prefix`.
    private func isPlainlyAllowed(
        _ text: UnsafeBufferPointer<UInt8>, from start: Int, prefix: PathSegments, lowercasedPrefix: PathSegments
    ) -> Bool {
        let slash = UInt8(ascii: "/")
        // A path of n bytes has at most (n + 1) / 2 segments; longer lists are judged in full.
        let capacity = min((text.count + 1) / 2, Self.maxSegments / 2)
        return withUnsafeTemporaryAllocation(of: Range<Int>.self, capacity: capacity) { ranges in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: text.count) { lowered in
                var count = 0
                var i = start
                while i < text.count {
                    if text[i] == slash {
                        i += 1
                        continue
                    }
                    let segmentStart = i
                    var allDots = true
                    while i < text.count, text[i] != slash {
                        let byte = text[i]
                        if byte == UInt8(ascii: "%") || byte == UInt8(ascii: "\\") || byte == 0 || byte >= 0x80 { return false }
                        allDots = allDots && byte == UInt8(ascii: ".")
                        lowered[i] = ByteSearch.lower(byte)
                        i += 1
                    }
                    if allDots, i - segmentStart == 1 { continue }  // `.`
                    guard !allDots, count < capacity else { return false }
                    ranges[count] = segmentStart..<i
                    count += 1
                }
                let segments = UnsafeBufferPointer(rebasing: ranges[..<count])
                let denied = lowercasedPrefix.followed(by: UnsafeBufferPointer(lowered), segments) { deniedBy($0) != nil }
                if denied { return false }
                return roots.isEmpty || prefix.followed(by: text, segments) { path in roots.contains { path.starts(with: $0) } }
            }
        }
    }

    /// Judges one path.
    func check(_ raw: String) -> Finding? {
        isPlainlyAllowed(raw) ? nil : checkInFull(raw)
    }

    /// ``check(_:)`` of `raw`, whose bytes the caller has borrowed already.
    func check(_ raw: String, _ bytes: UnsafeBufferPointer<UInt8>) -> Finding? {
        isPlainlyAllowed(bytes) ? nil : checkInFull(raw)
    }

    /// ``check(_:)`` without the plain lane: what that lane must agree with.
    func checkInFull(_ raw: String) -> Finding? {
        let normalized: Normalized
        switch normalize(raw) {
        case .failure(let finding): return finding
        case .success(let value): normalized = value
        }
        if normalized.climbsAboveBase {
            return Finding(rule: "path.traversal", reason: "relative path \(quote(raw)) climbs above its base directory")
        }
        if let finding = judge(normalized.segments, raw: raw) { return finding }
        if normalized.passesThroughParent, let source = deniedBy(normalized.rawSegments.lowercased()) {
            return Finding(rule: "path.credential-file", reason: "path \(quote(raw)) passes through a denied location (\(source)) before \"..\"")
        }
        if let resolveRealPath, let real = resolveRealPath(normalized.rawSegments.text) {
            let realSegments = PathSegments(Self.lexical(Self.segments(of: real)))
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
        let segments = normalized.segments.lowercased()
        guard let source = deniedBy(segments) ?? deniedBy(normalized.rawSegments.lowercased()) ?? deniedByGlob(segments) else {
            return nil
        }
        return Finding(
            rule: "path.credential-file",
            reason: "path \(quote(raw)) is \(quote(normalized.segments.text)), a credential or system file (denied by \(source))")
    }

    /// For shell words that are globs (`/etc/shad*`, `~/.s[s]h/id_*`): the deny pattern some
    /// expansion of them could match, judged segment by segment against the literal entries.
    func deniedByGlob(_ path: PathSegments) -> String? {
        guard path.bytes.contains(where: { $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "[") }) else { return nil }
        let segments = path.strings
        for (index, segment) in segments.enumerated() where Glob.isPattern(segment) {
            if index == segments.count - 1, let name = deniedNames.allKeys.first(where: { Glob.matches(segment, $0) }) { return deniedNames[name] }
            if let name = segmentRules.allKeys.first(where: { segmentRules[$0]?.directory != nil && Glob.matches(segment, $0) }) {
                return segmentRules[name]?.directory
            }
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

    private func judge(_ segments: PathSegments, raw: String) -> Finding? {
        if let source = deniedBy(segments.lowercased()) {
            return Finding(
                rule: "path.credential-file",
                reason: "path \(quote(raw)) is \(quote(segments.text)), a credential or system file (denied by \(source))")
        }
        if !roots.isEmpty, !roots.contains(where: { segments.starts(with: $0) }) {
            let allowed = roots.map(\.text).joined(separator: ", ")
            return Finding(
                rule: "path.outside-root",
                reason: "path \(quote(raw)) resolves to \(quote(segments.text)), outside the allowed roots (\(allowed))")
        }
        return nil
    }

    struct Normalized {
        /// The path with `.` and `..` resolved lexically.
        var segments: PathSegments
        /// The path as written, made absolute.
        var written: PathSegments
        var climbsAboveBase: Bool
        /// Whether ``rawSegments`` holds a `..`.
        var passesThroughParent: Bool

        /// The path as written (made absolute, `.` dropped, `..` kept): what the kernel walks,
        /// where `/dev/fd/..` is `/proc/self`, not `/dev`.
        var rawSegments: PathSegments {
            PathSegments(written, ranges: written.ranges.indices.filter { !written.segment($0, is: ".") }.map { written.ranges[$0] })
        }
    }

    func normalize(_ raw: String) -> Result<Normalized, Finding> {
        guard Self.needsDecoding(raw) else { return raw.withUTF8Bytes { normalize(bytes: $0, raw: raw) } }
        switch Self.decode(raw) {
        case .failure(let finding): return .failure(finding)
        case .success(let decoded): return decoded.withUTF8Bytes { normalize(bytes: $0, raw: raw) }
        }
    }

    /// Whether `text` needs ``decode(_:)`` before it is split: a `file:` prefix, a `%`, a `\\`,
    /// a NUL or a non-ASCII byte. Most paths have none and are split as they are.
    static func needsDecoding(_ text: String) -> Bool {
        text.withUTF8Bytes { bytes in
            if URLScheme.startsWithFile(bytes) { return true }
            for byte in bytes where byte == UInt8(ascii: "%") || byte == UInt8(ascii: "\\") || byte == 0 || byte >= 0x80 { return true }
            return false
        }
    }

    /// `raw` without a `file:` prefix, percent-decoded (at most ``maxDecodeRounds`` times),
    /// compatibility-normalized, with `\\` as `/`; NUL bytes are refused.
    static func decode(_ raw: String) -> Result<String, Finding> {
        var text = raw
        if text.utf8.count >= 5, text.utf8.prefix(5).map({ $0 | 0x20 }).elementsEqual("file:".utf8.map { $0 | 0x20 }) {
            text = String(text.dropFirst(5))
            if text.hasPrefix("//") { text = String(text.dropFirst(2)) }
        }
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
        return .success(text)
    }

    /// Splits decoded path bytes, makes the path absolute and resolves it lexically.
    private func normalize(bytes text: UnsafeBufferPointer<UInt8>, raw: String) -> Result<Normalized, Finding> {
        let slash = UInt8(ascii: "/"), dot = UInt8(ascii: ".")
        if text.count >= 2, text[0] == slash, text[1] == slash {
            return .failure(Finding(rule: "path.unc", reason: "path \(quote(raw)) is a UNC or network path"))
        }
        if text.count >= 2, text[0].isASCIILetter, text[1] == UInt8(ascii: ":") {
            return .failure(Finding(rule: "path.drive", reason: "path \(quote(raw)) names a Windows drive"))
        }
        let absolute = text.first == slash
        let tilde = !absolute && text.first == UInt8(ascii: "~")
        var path = PathSegments()
        // A path of n bytes has at most (n + 1) / 2 segments.
        path.reserveCapacity(bytes: text.count + base.bytes.count + 4, segments: min((text.count + 1) / 2, Self.maxSegments) + base.count + 2)
        var i = 0
        var userIsDots = false
        if absolute {
        } else if tilde {
            while i < text.count, text[i] != slash { i += 1 }
            let user = text[1..<i]
            if user.isEmpty {
                path.append(homeSegments)
            } else if user.elementsEqual("root".utf8) {
                path.append("root".utf8)
            } else {
                path.append("home".utf8)
                path.append(UnsafeBufferPointer(rebasing: user))
                userIsDots = user.allSatisfy { $0 == dot } && user.count <= 2  // `~.` and `~..` resolve too
            }
        } else {
            path.append(base)
        }
        let startCount = path.count
        var segmentCount = tilde ? 1 : 0
        var allDots: Range<Int>?
        while i < text.count {
            if text[i] == slash {
                i += 1
                continue
            }
            let start = i
            while i < text.count, text[i] != slash { i += 1 }
            segmentCount += 1
            guard segmentCount <= Self.maxSegments else {
                return .failure(Finding(rule: "path.too-long", reason: "path \(quote(raw)) has more than \(Self.maxSegments) segments"))
            }
            let part = start..<i
            if allDots == nil, part.count >= 3, text[part].allSatisfy({ $0 == dot }) { allDots = part }
            path.append(UnsafeBufferPointer(rebasing: text[part]))
        }
        if let part = allDots {
            return .failure(
                Finding(
                    rule: "path.dot-segment",
                    reason:
                        "path \(quote(raw)) has the segment \(quote(String(decoding: text[part], as: UTF8.self))), which some systems treat as a parent directory"
                ))
        }
        // Does the path, relative to where it starts, climb above that start?
        var depth = 0
        var climbs = false
        var hasDotSegments = userIsDots
        for index in startCount..<path.count {
            if path.segment(index, is: "..") {
                hasDotSegments = true
                depth -= 1
                if depth < 0 { climbs = true }
            } else if path.segment(index, is: ".") {
                hasDotSegments = true
            } else {
                depth += 1
            }
        }
        // Most paths have no `.` or `..` (the base and home segments never do): they are their
        // own resolution, and share the written path's storage.
        guard hasDotSegments else {
            return .success(Normalized(segments: path, written: path, climbsAboveBase: false, passesThroughParent: false))
        }
        var resolved: [Range<Int>] = []
        resolved.reserveCapacity(path.count)
        var passesThroughParent = false
        for index in 0..<path.count {
            if path.segment(index, is: ".") { continue }
            if path.segment(index, is: "..") {
                passesThroughParent = true
                if !resolved.isEmpty { resolved.removeLast() }
            } else {
                resolved.append(path.ranges[index])
            }
        }
        return .success(
            Normalized(
                segments: PathSegments(path, ranges: resolved), written: path,
                climbsAboveBase: !absolute && !tilde && climbs, passesThroughParent: passesThroughParent))
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
