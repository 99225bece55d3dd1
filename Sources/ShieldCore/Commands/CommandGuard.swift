internal import Foundation

/// Judges command lines given to shell tools, and argv-bound values given to other tools.
///
/// In a shell, ordinary pipelines pass (`ls -la | grep foo`, `git status && git diff`,
/// `curl https://example.com | jq .`). Blocked: download-and-execute, reverse shells,
/// destructive commands, credential files or secret variables sent to the network, credential
/// file reads, and network commands aimed at internal hosts.
///
/// Outside shells, a value that becomes one argv element (`branch`, `ref`, `package`) must not
/// start with `-` (option injection, e.g. `--upload-pack=…`) or carry shell metacharacters.
final class CommandGuard: Sendable {
    let paths: PathGuard
    let egress: EgressGuard

    init(paths: PathGuard, egress: EgressGuard) {
        self.paths = paths
        self.egress = egress
    }

    static let downloaders: Set<String> = [
        "curl", "wget", "fetch", "aria2c", "http", "https", "xh", "lwp-download", "lwp-request",
        "invoke-webrequest", "iwr", "invoke-restmethod", "irm", "certutil", "bitsadmin",
    ]
    static let interpreters: Set<String> = [
        "sh", "bash", "zsh", "dash", "ksh", "mksh", "fish", "csh", "tcsh", "ash", "python", "python2", "python3",
        "perl", "ruby", "node", "nodejs", "php", "pwsh", "powershell", "iex", "invoke-expression", "source", ".",
        "eval", "lua", "osascript", "deno", "bun",
    ]
    static let shells: Set<String> = ["sh", "bash", "zsh", "dash", "ksh", "mksh", "fish", "csh", "tcsh", "ash", "pwsh", "powershell"]
    static let netcats: Set<String> = ["nc", "ncat", "netcat", "nc.traditional", "nc.openbsd"]
    static let networkSenders: Set<String> = downloaders.union(netcats).union([
        "socat", "scp", "sftp", "rsync", "ssh", "ftp", "tftp", "telnet", "openssl", "sendmail", "mail", "mutt", "smbclient",
        "dig", "nslookup", "host", "drill", "kdig", "getent", "ping", "ping6", "traceroute",
    ])
    /// Variable names that hold credentials.
    static let secretVariableWords = [
        "SECRET", "TOKEN", "PASSWORD", "PASSWD", "API_KEY", "APIKEY", "ACCESS_KEY", "PRIVATE_KEY", "CREDENTIAL", "AUTH",
    ]

    // MARK: - Shell command lines

    /// Judges a shell command line.
    func check(commandLine: String) -> Finding? {
        check(commandLine: commandLine, depth: 0)
    }

    /// Command lines longer than this are refused rather than analysed.
    static let maxCommandLineBytes = 256 << 10
    /// Substitutions and nested `sh -c` scripts one command line may hold.
    static let maxSubstitutions = 64
    /// Simple commands one command line may hold.
    static let maxCommands = 256

    private func check(commandLine: String, depth: Int) -> Finding? {
        guard depth < 8 else {
            return Finding(rule: "command.too-complex", reason: "command substitutions are nested more than 8 deep")
        }
        guard commandLine.utf8.count <= Self.maxCommandLineBytes else {
            return Finding(rule: "command.too-complex", reason: "command line is longer than \(Self.maxCommandLineBytes) bytes")
        }
        let syntax = ShellSyntax(commandLine)
        guard syntax.commands.count <= Self.maxCommands else {
            return Finding(rule: "command.too-complex", reason: "command line holds more than \(Self.maxCommands) commands")
        }
        // Scripts the line runs itself: substitutions, `sh -c '…'`, `eval …`.
        let nested = syntax.substitutions + Self.inlineScripts(syntax)
        guard nested.count <= Self.maxSubstitutions else {
            return Finding(
                rule: "command.too-complex", reason: "command line holds more than \(Self.maxSubstitutions) substitutions or inline scripts")
        }
        if let finding = forkBomb(commandLine) ?? downloadAndExecute(syntax) ?? decodeAndExecute(syntax) ?? reverseShell(syntax) ?? destructive(
            syntax)
            ?? exfiltration(syntax) ?? credentialReads(syntax) ?? networkTargets(syntax)
        {
            return finding
        }
        for script in nested {
            if let finding = check(commandLine: script, depth: depth + 1) { return finding }
        }
        return nil
    }

    // MARK: - argv-bound values

    /// Judges a value that a tool passes to a program as one argument.
    ///
    /// - Parameter allowVersionOperators: the value names a package, where `>`, `<` and `=` are
    ///   version constraints (`requests>=2.31`) rather than redirections.
    func check(argument value: String, allowVersionOperators: Bool = false) -> Finding? {
        if value.hasPrefix("-") {
            return Finding(rule: "command.option-injection", reason: "value \(quote(value)) starts with \"-\" and would be read as an option")
        }
        // A URL as the whole value may carry `&` and `;` in its query (RFC 3986 sub-delimiters).
        // What a URL cannot hold unencoded (`|`, `` ` ``, `<`, `>`, line breaks) and `$(…)` are
        // refused in it too, and a `://` anywhere else excuses nothing.
        let isURL = Self.isWholeURL(value)
        let scalars = Array(value.unicodeScalars)
        for (index, scalar) in scalars.enumerated() {
            let isVersionConstraint =
                allowVersionOperators && (scalar == ">" || scalar == "<") && index + 1 < scalars.count
                && (scalars[index + 1] == "=" || ("0"..."9").contains(scalars[index + 1]))
            if isVersionConstraint { continue }  // >=2.31, <3
            if isURL, scalar == "&" || scalar == ";" { continue }
            switch scalar {
            case ";", "|", "&", "`", ">", "<", "\n", "\r":
                return Finding(
                    rule: "command.shell-metachar", reason: "value \(quote(value)) contains the shell metacharacter \(quote(String(scalar)))")
            case "$" where ByteSearch.contains(value, "$(") || ByteSearch.contains(value, "${"):
                return Finding(rule: "command.shell-metachar", reason: "value \(quote(value)) contains a shell substitution")
            default:
                continue
            }
        }
        return nil
    }

    // MARK: - Helpers

    static func isSecretVariable(_ name: String) -> Bool {
        let upper = name.uppercased()
        return secretVariableWords.contains { upper.contains($0) }
    }

    static func isBlockDevice(_ path: String) -> Bool {
        guard path.hasPrefix("/dev/") else { return false }
        let device = path.dropFirst(5)
        return ["sd", "hd", "vd", "xvd", "nvme", "mmcblk", "disk", "md", "dm-", "mapper/"].contains { device.hasPrefix($0) }
    }

    /// `/`, `/*`, `~`, `$HOME`, `${HOME:?}`, `.`, `..`, `*`, a top-level directory such as `/etc`
    /// or `/home`, or a home directory (`/home/user`, `/root`).
    func isCriticalTarget(_ target: String) -> Bool {
        var t = Substring(target)
        while t.hasSuffix("/*") || t.hasSuffix("/.") || (t.hasSuffix("/") && t.count > 1) {
            t = t.hasSuffix("/") ? t.dropLast() : t.dropLast(2)
        }
        if t.hasPrefix("${HOME"), let close = t.firstIndex(of: "}") { t = "$HOME" + t[t.index(after: close)...] }
        if t.hasPrefix(ascii: "~"), !t.contains(ascii: "/") { return true }  // ~ or ~user
        if ["", "/", "*", ".", "./*", "~", "$HOME", "..", "../*"].contains(t) { return true }
        if t.hasPrefix(ascii: "/") && !t.dropFirst().contains(ascii: "/") { return true }
        let segments = t.split(separator: "/")
        if t.hasPrefix("/home/") && segments.count == 2 { return true }
        return "/" + paths.home.joined(separator: "/") == t
    }

    /// The path-looking parts of a shell word: the word itself, the value of `key=value`,
    /// curl's `@file`.
    static func pathCandidates(in word: String) -> [String] {
        // A candidate is made of the word's bytes and starts with `/`, `~` or `.`, holds a `/`,
        // or starts with `id_`: a word with none of those (most) has none.
        let mayHoldPath = word.utf8.contains { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "~") || $0 == UInt8(ascii: ".") }
        guard mayHoldPath || ByteSearch.contains(word, "id_") else { return [] }
        return pathCandidatesInFull(in: word)
    }

    /// ``pathCandidates(in:)`` without the early answer for words that cannot hold a path.
    static func pathCandidatesInFull(in word: String) -> [String] {
        var candidates: [String] = []
        for expanded in braceExpansions(word) {
            var text = Substring(expanded)
            // key=value, --opt=value, curl -F 'name=@file;type=…', -F 'name=<file', --data-urlencode 'name@file'.
            if let equals = text.utf8.firstIndex(of: UInt8(ascii: "=")), text.hasPrefix(ascii: "-") || isName(text[..<equals], dash: true) {
                text = text[text.index(after: equals)...]
            } else if let at = text.utf8.firstIndex(of: UInt8(ascii: "@")), at != text.startIndex, isName(text[..<at], dash: false) {
                text = text[text.index(after: at)...]
            }
            if text.hasPrefix(ascii: "@") || text.hasPrefix(ascii: "<") { text = text.dropFirst() }
            if let semicolon = text.utf8.firstIndex(of: UInt8(ascii: ";")) { text = text[..<semicolon] }
            guard !text.isEmpty, !ByteSearch.contains(text, "://") else { continue }
            if text.hasPrefix(ascii: "/") || text.hasPrefix(ascii: "~") || text.hasPrefix(ascii: ".") || text.contains(ascii: "/") || text == ".env"
                || text.hasPrefix("id_")
            {
                candidates.append(String(text))
            }
        }
        return candidates
    }

    /// Whether `value` is one URL: a scheme and `://` at its start, and no white space or
    /// control character anywhere.
    static func isWholeURL(_ value: String) -> Bool {
        guard let colon = value.utf8.firstIndex(of: UInt8(ascii: ":")), URLScheme.isValid(value[..<colon]),
            value.utf8[colon...].starts(with: "://".utf8)
        else { return false }
        return !value.utf8.contains { $0 <= 0x20 || $0 == 0x7F }
    }

    /// Whether every character of `part` is a letter, a digit or `_` (or `-`, with `dash`): the
    /// name in `name=value` or `name@file`. ASCII is decided by byte, anything else by `Character`.
    static func isName(_ part: Substring, dash: Bool) -> Bool {
        var isASCII = true
        let fits = part.utf8.allSatisfy { byte in
            if byte >= 0x80 {
                isASCII = false
                return true
            }
            return byte.isASCIILetter || byte &- UInt8(ascii: "0") < 10 || byte == UInt8(ascii: "_") || (dash && byte == UInt8(ascii: "-"))
        }
        if isASCII { return fits }
        return part.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || (dash && $0 == "-") }
    }

    /// Whether a word given to a network command names a host rather than a file or port.
    static func looksLikeHost(_ text: Substring) -> Bool {
        guard !text.isEmpty, !text.contains(ascii: "/") else { return false }
        if text.allSatisfy(\.isNumber) { return text.count > 5 }  // a decimal IPv4, not a port
        if text.lowercased().hasPrefix("0x"), text.dropFirst(2).allSatisfy(\.isHexDigit) { return true }  // a hex IPv4
        return text.contains(ascii: ".") || text.contains(ascii: ":") || text.hasPrefix(ascii: "[")
            || HostClassifier.metadataNames.contains(text.lowercased())
            || text.lowercased() == "localhost"
    }
}
