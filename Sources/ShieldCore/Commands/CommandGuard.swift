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
struct CommandGuard: Sendable {
    let paths: PathGuard
    let egress: EgressGuard

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
    ])
    /// Variable names that hold credentials.
    static let secretVariableWords = ["SECRET", "TOKEN", "PASSWORD", "PASSWD", "API_KEY", "APIKEY", "ACCESS_KEY", "PRIVATE_KEY", "CREDENTIAL", "AUTH"]

    // MARK: - Shell command lines

    /// Judges a shell command line.
    func check(commandLine: String) -> Finding? {
        check(commandLine: commandLine, depth: 0)
    }

    private func check(commandLine: String, depth: Int) -> Finding? {
        guard depth < 8 else {
            return Finding(rule: "command.too-complex", reason: "command substitutions are nested more than 8 deep")
        }
        let syntax = ShellSyntax(commandLine)
        if let finding = forkBomb(commandLine) ?? downloadAndExecute(syntax) ?? reverseShell(syntax) ?? destructive(syntax)
            ?? exfiltration(syntax) ?? credentialReads(syntax) ?? networkTargets(syntax)
        {
            return finding
        }
        for substitution in syntax.substitutions {
            if let finding = check(commandLine: substitution, depth: depth + 1) { return finding }
        }
        return nil
    }

    private func downloadAndExecute(_ syntax: ShellSyntax) -> Finding? {
        for pipeline in syntax.pipelines {
            let names = pipeline.commands.map { $0.program?.name ?? "" }
            if let download = names.firstIndex(where: Self.downloaders.contains),
                let run = names[(download + 1)...].first(where: Self.interpreters.contains)
            {
                return Finding(rule: "command.download-exec", reason: "command pipes a download (\(names[download])) into an interpreter (\(run))")
            }
        }
        // An interpreter fed by a substitution that downloads: bash <(curl …), sh -c "$(curl …)", eval "$(wget …)".
        for command in syntax.commands {
            guard let program = command.program, Self.interpreters.contains(program.name) else { continue }
            for substitution in syntax.substitutions where ShellSyntax(substitution).commands.contains(where: { Self.downloaders.contains($0.program?.name ?? "") }) {
                if command.words.contains(where: { $0.contains(substitution) }) {
                    return Finding(rule: "command.download-exec", reason: "\(program.name) runs code downloaded by a substitution")
                }
            }
        }
        // Download, then make executable.
        let names = syntax.commands.map { $0.program?.name ?? "" }
        if let download = names.firstIndex(where: Self.downloaders.contains),
            syntax.commands[(download + 1)...].contains(where: { $0.program?.name == "chmod" && $0.arguments.contains { $0.contains("x") || $0.hasSuffix("755") || $0.hasSuffix("777") || $0.hasSuffix("700") } })
        {
            return Finding(rule: "command.download-exec", reason: "command downloads a file (\(names[download])) and makes it executable")
        }
        return nil
    }

    private func reverseShell(_ syntax: ShellSyntax) -> Finding? {
        let allCommands = syntax.commands
        for command in allCommands {
            for word in command.words + command.redirectTargets where word.contains("/dev/tcp/") || word.contains("/dev/udp/") {
                return Finding(rule: "command.reverse-shell", reason: "command opens a network socket through \(word.contains("/dev/tcp/") ? "/dev/tcp" : "/dev/udp")")
            }
            guard let program = command.program else { continue }
            let arguments = command.arguments
            if Self.netcats.contains(program.name) {
                for argument in arguments where argument == "-c" || argument.hasPrefix("--exec") || argument.hasPrefix("--sh-exec") || argument.hasPrefix("--lua-exec")
                    || (argument.hasPrefix("-") && !argument.hasPrefix("--") && argument.contains("e"))
                {
                    return Finding(rule: "command.reverse-shell", reason: "\(program.name) \(argument) connects a program to a network socket")
                }
            }
            if program.name == "socat", arguments.contains(where: { let a = $0.lowercased(); return a.hasPrefix("exec:") || a.hasPrefix("system:") || a.contains(",exec:") }) {
                return Finding(rule: "command.reverse-shell", reason: "socat connects a program to a network socket")
            }
            if ["python", "python2", "python3", "perl", "ruby", "php", "node", "nodejs", "lua"].contains(program.name) {
                let code = arguments.joined(separator: " ").lowercased()
                if code.contains("socket"), ["subprocess", "pty", "dup2", "/bin/sh", "/bin/bash", "exec(", "spawn", "child_process", "popen", "system("].contains(where: code.contains) {
                    return Finding(rule: "command.reverse-shell", reason: "\(program.name) code connects a socket to a shell")
                }
            }
        }
        for pipeline in syntax.pipelines {
            let interactiveShell = pipeline.commands.contains { command in
                guard let program = command.program, Self.shells.contains(program.name) else { return false }
                return command.arguments.contains { $0 == "-i" || ($0.hasPrefix("-") && !$0.hasPrefix("--") && $0.contains("i")) }
            }
            if interactiveShell, pipeline.commands.contains(where: { Self.netcats.contains($0.program?.name ?? "") || ["telnet", "socat", "openssl"].contains($0.program?.name ?? "") }) {
                return Finding(rule: "command.reverse-shell", reason: "an interactive shell is piped to a network connection")
            }
        }
        let names = Set(allCommands.compactMap { $0.program?.name })
        if names.contains("mkfifo"), !names.isDisjoint(with: Self.netcats.union(["telnet", "openssl", "socat"])) {
            return Finding(rule: "command.reverse-shell", reason: "a named pipe is wired to a network connection")
        }
        return nil
    }

    private func destructive(_ syntax: ShellSyntax) -> Finding? {
        for command in syntax.commands {
            for target in command.redirectTargets where Self.isBlockDevice(target) {
                return Finding(rule: "command.destructive", reason: "command writes to the block device \(target)")
            }
            guard let program = command.program else { continue }
            let arguments = Array(command.arguments)
            let options = arguments.filter { $0.hasPrefix("-") }
            let operands = arguments.filter { !$0.hasPrefix("-") }
            switch program.name {
            case "rm":
                let recursive = options.contains { $0 == "--recursive" || (!$0.hasPrefix("--") && ($0.contains("r") || $0.contains("R"))) }
                if options.contains("--no-preserve-root") {
                    return Finding(rule: "command.destructive", reason: "rm --no-preserve-root deletes the whole filesystem")
                }
                if recursive, let target = operands.first(where: Self.isCriticalTarget) {
                    return Finding(rule: "command.destructive", reason: "rm -r on \(target) deletes a system or home directory")
                }
            case "chmod", "chown", "chgrp":
                let recursive = options.contains { $0 == "--recursive" || (!$0.hasPrefix("--") && $0.contains("R")) }
                if recursive, let target = operands.dropFirst().first(where: Self.isCriticalTarget) {
                    return Finding(rule: "command.destructive", reason: "\(program.name) -R on \(target) changes a whole system or home tree")
                }
            case "find":
                if arguments.contains("-delete"), let root = operands.first, Self.isCriticalTarget(root) {
                    return Finding(rule: "command.destructive", reason: "find \(root) -delete deletes a system or home tree")
                }
            case "dd":
                if let output = arguments.first(where: { $0.hasPrefix("of=") }), Self.isBlockDevice(String(output.dropFirst(3))) {
                    return Finding(rule: "command.destructive", reason: "dd overwrites the block device \(output.dropFirst(3))")
                }
            case "shred", "wipefs", "blkdiscard", "sfdisk", "sgdisk", "parted", "fdisk":
                if let device = operands.first(where: Self.isBlockDevice) ?? (program.name == "shred" ? nil : operands.first) {
                    return Finding(rule: "command.destructive", reason: "\(program.name) \(device) destroys data on a disk")
                }
            default:
                if program.name.hasPrefix("mkfs") || program.name == "mke2fs" || program.name == "mkswap" {
                    return Finding(rule: "command.destructive", reason: "\(program.name) formats a filesystem")
                }
            }
        }
        return nil
    }

    /// A function that calls itself twice through a pipe in the background: `:(){ :|:& };:`.
    private func forkBomb(_ line: String) -> Finding? {
        let compact = String(line.unicodeScalars.filter { !$0.properties.isWhitespace })
        var search = compact[...]
        while let range = search.range(of: "(){") {
            let name = compact[..<range.lowerBound].reversed().prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" }
            let body = compact[range.upperBound...].prefix { $0 != "}" }
            let callee = String(name.reversed())
            if !callee.isEmpty, body.contains("\(callee)|\(callee)") {
                return Finding(rule: "command.destructive", reason: "command defines a fork bomb (\(callee)() calls itself twice)")
            }
            search = compact[range.upperBound...]
        }
        return nil
    }

    private func exfiltration(_ syntax: ShellSyntax) -> Finding? {
        let all = [syntax] + syntax.substitutions.map(ShellSyntax.init)
        let commands = all.flatMap(\.commands)
        guard let sender = commands.compactMap({ $0.program?.name }).first(where: Self.networkSenders.contains) else { return nil }
        for command in commands {
            for word in command.words + command.redirectTargets {
                for candidate in Self.pathCandidates(in: word) where paths.deniedFile(candidate) != nil {
                    return Finding(rule: "command.credential-exfiltration", reason: "command sends the credential file \(quote(candidate)) over the network (\(sender))")
                }
            }
            if let program = command.program?.name, ["env", "printenv", "set", "export", "declare"].contains(program), command.arguments.isEmpty || program == "env" && command.arguments.allSatisfy({ $0.hasPrefix("-") }) {
                return Finding(rule: "command.credential-exfiltration", reason: "command sends the environment (\(program)) over the network (\(sender))")
            }
        }
        for name in all.flatMap(\.variables) where Self.isSecretVariable(name) {
            return Finding(rule: "command.credential-exfiltration", reason: "command sends the secret variable $\(name) over the network (\(sender))")
        }
        return nil
    }

    private func credentialReads(_ syntax: ShellSyntax) -> Finding? {
        for command in syntax.commands {
            for word in command.words + command.redirectTargets {
                for candidate in Self.pathCandidates(in: word) {
                    if let finding = paths.deniedFile(candidate) { return finding }
                }
            }
        }
        return nil
    }

    /// Hosts given to network commands without a scheme: `curl 2852039166`, `nc 127.1 6379`,
    /// `ssh root@10.0.0.1`, `scp f user@internal:/tmp`, `socat - TCP:127.0.0.1:22`.
    private func networkTargets(_ syntax: ShellSyntax) -> Finding? {
        for command in syntax.commands {
            guard let program = command.program, Self.networkSenders.contains(program.name) || program.name == "ping" else { continue }
            for argument in command.arguments where !argument.hasPrefix("-") && !argument.contains("://") {
                var host = Substring(argument)
                if program.name == "socat" {
                    let parts = argument.split(separator: ":")
                    guard parts.count >= 2, ["tcp", "tcp4", "tcp6", "udp", "udp4", "udp6", "openssl", "ssl"].contains(parts[0].lowercased()) else { continue }
                    host = parts[1]
                } else if ["scp", "rsync", "sftp"].contains(program.name) {
                    guard let colon = argument.firstIndex(of: ":") else { continue }
                    host = argument[..<colon]
                }
                if let at = host.lastIndex(of: "@") { host = host[host.index(after: at)...] }
                guard Self.looksLikeHost(host) else { continue }
                if let finding = egress.check(hostValue: host), finding.rule != "ssrf.unparsable-url" { return finding }
            }
        }
        return nil
    }

    // MARK: - argv-bound values

    /// Judges a value that a tool passes to a program as one argument.
    func check(argument value: String) -> Finding? {
        if value.hasPrefix("-") {
            return Finding(rule: "command.option-injection", reason: "value \(quote(value)) starts with \"-\" and would be read as an option")
        }
        if value.contains("://") { return nil }
        for scalar in value.unicodeScalars {
            switch scalar {
            case ";", "|", "&", "`", ">", "<", "\n", "\r":
                return Finding(rule: "command.shell-metachar", reason: "value \(quote(value)) contains the shell metacharacter \(quote(String(scalar)))")
            case "$" where value.contains("$(") || value.contains("${"):
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

    /// `/`, `/*`, `~`, `$HOME`, `..`, `*`, or a top-level directory such as `/etc` or `/home`.
    static func isCriticalTarget(_ target: String) -> Bool {
        var t = Substring(target)
        while t.hasSuffix("/*") || (t.hasSuffix("/") && t.count > 1) { t = t.hasSuffix("/*") ? t.dropLast(2) : t.dropLast() }
        if ["", "/", "*", "~", "$HOME", "${HOME}", "..", "../*"].contains(t) { return true }
        return t.hasPrefix("/") && !t.dropFirst().contains("/")
    }

    /// The path-looking parts of a shell word: the word itself, the value of `key=value`,
    /// curl's `@file`.
    static func pathCandidates(in word: String) -> [String] {
        var candidates: [String] = []
        var text = Substring(word)
        if let equals = text.firstIndex(of: "="), text.hasPrefix("-") || text[..<equals].allSatisfy({ $0.isLetter || $0 == "_" }) {
            text = text[text.index(after: equals)...]
        }
        if text.hasPrefix("@") { text = text.dropFirst() }
        guard !text.isEmpty, !text.contains("://") else { return [] }
        if text.hasPrefix("/") || text.hasPrefix("~") || text.hasPrefix(".") || text.contains("/") || text == ".env" || text.hasPrefix("id_") {
            candidates.append(String(text))
        }
        return candidates
    }

    /// Whether a word given to a network command names a host rather than a file or port.
    static func looksLikeHost(_ text: Substring) -> Bool {
        guard !text.isEmpty, !text.contains("/") else { return false }
        if text.allSatisfy(\.isNumber) { return text.count > 5 }  // a decimal IPv4, not a port
        return text.contains(".") || text.contains(":") || text.hasPrefix("[") || HostClassifier.metadataNames.contains(text.lowercased())
            || text.lowercased() == "localhost"
    }
}
