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
        if let finding = forkBomb(commandLine) ?? downloadAndExecute(syntax) ?? reverseShell(syntax) ?? destructive(syntax)
            ?? exfiltration(syntax) ?? credentialReads(syntax) ?? networkTargets(syntax)
        {
            return finding
        }
        for script in nested {
            if let finding = check(commandLine: script, depth: depth + 1) { return finding }
        }
        return nil
    }

    /// The scripts given to `sh -c`, `bash -lc`, `su -c`, and the words given to `eval`.
    static func inlineScripts(_ syntax: ShellSyntax) -> [String] {
        var scripts: [String] = []
        for command in syntax.commands {
            guard let program = command.program else { continue }
            let words = command.words
            if program.name == "eval" {
                scripts.append(command.arguments.joined(separator: " "))
            } else if program.name == "watch" {
                // watch [-n SECONDS] [flags] COMMAND…: the rest runs through sh -c.
                var rest = command.arguments[...]
                while let flag = rest.first, flag.hasPrefix("-") {
                    rest = rest.dropFirst(["-n", "--interval", "-q", "--equexit"].contains(flag) ? 2 : 1)
                }
                scripts.append(rest.joined(separator: " "))
            }
            // A brace expansion as the command word: `{bash,-c,'rm -rf ~'}` runs bash -c 'rm -rf ~'.
            if let first = words.first, first.hasPrefix("{"), first.hasSuffix("}"), first.contains(",") {
                let expanded = braceExpansions(first).dropFirst()
                scripts.append(expanded.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " "))
            }
            // A shell anywhere in the words with -c: `sh -c '…'`, `find -exec sh -c '…'`,
            // `xargs bash -c '…'`, `script -qc '…'`, `su -c '…'`.
            for (index, word) in words.enumerated() {
                let name = interpreterName(basename(word))
                guard shells.contains(name) || name == "su" || (name == "script" && index == program.index) else { continue }
                var next = index + 1
                while next < words.count, words[next].hasPrefix("-") || words[next].hasPrefix("+") {
                    let flag = words[next]
                    next += 1
                    if flag == "--command" || (!flag.hasPrefix("--") && flag.dropFirst().contains("c")) {
                        while next < words.count, words[next] == "--" { next += 1 }
                        if next < words.count { scripts.append(words[next]) }
                        break
                    }
                }
            }
            // Here-strings and here-documents given to a shell are scripts too.
            if shells.contains(interpreterName(program.name)) {
                scripts += command.redirectTargets.filter { $0.contains(" ") || $0.contains("|") || $0.contains(";") }
            }
        }
        return scripts
    }

    /// `python3.12` → `python`, `bash5` → `bash`: interpreters by family.
    static func interpreterName(_ name: String) -> String {
        var base = Substring(name)
        while let last = base.last, last.isNumber || last == "." { base = base.dropLast() }
        return base.isEmpty ? name : String(base)
    }

    static func isInterpreter(_ name: String) -> Bool {
        interpreters.contains(name) || interpreters.contains(interpreterName(name))
    }

    /// Whether an interpreter reads its program from standard input: no inline code option
    /// (`-c`, `-e`, `-m`, `-r`, `-E`) and no script operand. `python3 -m json.tool` and
    /// `perl -ne '…'` read data, not code.
    static func readsProgramFromStdin(_ command: ShellSyntax.SimpleCommand) -> Bool {
        guard let program = command.program, isInterpreter(program.name) else { return false }
        if ["source", ".", "eval", "iex", "invoke-expression"].contains(program.name) { return true }
        let family = interpreterName(program.name)
        // Options that give the program inline, per family; everything else is a flag.
        let codeFlags: Set<Character> =
            switch family {
            case _ where shells.contains(family): ["c"]
            case "python": ["c", "m"]
            case "perl", "ruby": ["e", "E"]
            case "node", "nodejs", "deno", "bun": ["e", "p"]
            case "php": ["r"]
            default: ["c", "e"]
            }
        let optionsWithValue: Set<String> = shells.contains(family) ? ["-o", "+o", "-O", "+O", "--rcfile", "--init-file"] : ["-W", "-X"]
        var arguments = command.arguments[...]
        while let argument = arguments.popFirst() {
            if argument == "-" || argument == "-s" || argument == "--" || argument == "/dev/stdin" || argument == "/proc/self/fd/0" { return true }
            if optionsWithValue.contains(argument) {
                _ = arguments.popFirst()
                continue
            }
            if argument.hasPrefix("--") { continue }
            if argument.hasPrefix("-") || argument.hasPrefix("+") {
                if !argument.hasPrefix("+"), argument.dropFirst().contains(where: codeFlags.contains) { return false }
                continue
            }
            return false  // a script file or code operand
        }
        return true
    }

    private func downloadAndExecute(_ syntax: ShellSyntax) -> Finding? {
        for pipeline in syntax.pipelines {
            let names = pipeline.commands.map { $0.program?.name ?? "" }
            if let download = names.firstIndex(where: Self.downloaders.contains),
                let run = pipeline.commands[(download + 1)...].first(where: Self.readsProgramFromStdin)
            {
                return Finding(
                    rule: "command.download-exec",
                    reason: "command pipes a download (\(names[download])) into an interpreter (\(run.program?.name ?? "?"))")
            }
        }
        // Grouping the shell reading cannot see through ({ curl …; } | sh, (curl …; true) | sh):
        // a line that downloads and pipes into an interpreter that reads its program from stdin.
        let hasDownloader = syntax.commands.contains { Self.downloaders.contains($0.program?.name ?? "") }
        if hasDownloader {
            for pipeline in syntax.pipelines {
                if let run = pipeline.commands.dropFirst().first(where: Self.readsProgramFromStdin) {
                    return Finding(
                        rule: "command.download-exec", reason: "command downloads code and pipes it into an interpreter (\(run.program?.name ?? "?"))"
                    )
                }
            }
        }
        // An interpreter fed by a substitution that downloads: bash <(curl …), sh -c "$(curl …)",
        // eval "$(wget …)", bash <<< "$(curl …)", bash < <(curl …).
        let downloading = syntax.substitutions.filter { ShellSyntax($0).commands.contains { Self.downloaders.contains($0.program?.name ?? "") } }
        if !downloading.isEmpty {
            for command in syntax.commands {
                guard let program = command.program, Self.isInterpreter(program.name) else { continue }
                for substitution in downloading where (command.words + command.redirectTargets).contains(where: { $0.contains(substitution) }) {
                    return Finding(rule: "command.download-exec", reason: "\(program.name) runs code downloaded by a substitution")
                }
            }
        }
        // Download a file, then make it executable or run it.
        let commands = syntax.commands
        for (index, command) in commands.enumerated() {
            guard let downloader = command.program?.name, Self.downloaders.contains(downloader) else { continue }
            let written = Self.downloadedFiles(command)
            for later in commands[(index + 1)...] {
                guard let program = later.program else { continue }
                if program.name == "chmod",
                    later.arguments.contains(where: { $0.contains("x") || $0.hasSuffix("755") || $0.hasSuffix("777") || $0.hasSuffix("700") })
                {
                    return Finding(rule: "command.download-exec", reason: "command downloads a file (\(downloader)) and makes it executable")
                }
                let runs =
                    [later.words[program.index]] + (Self.isInterpreter(program.name) ? later.arguments.filter { !$0.hasPrefix("-") }.prefix(1) : [])
                if let file = runs.first(where: { written.contains(Self.basename($0)) }) {
                    return Finding(rule: "command.download-exec", reason: "command downloads \(file) (\(downloader)) and runs it")
                }
            }
        }
        return nil
    }

    /// The file names a curl or wget command writes: `-o F`, `--output F`, `-O F` (wget), or the
    /// URL's last path segment (`curl -O`, plain `wget`).
    static func downloadedFiles(_ command: ShellSyntax.SimpleCommand) -> Set<String> {
        let arguments = Array(command.arguments)
        var files = Set<String>()
        let isWget = command.program?.name == "wget"
        var remoteName = isWget
        for target in command.redirectTargets { files.insert(basename(target)) }
        for (index, argument) in arguments.enumerated() {
            let cluster = argument.hasPrefix("-") && !argument.hasPrefix("--") && argument.count > 2
            let clusterOutput = cluster && (argument.hasSuffix("o") || (isWget && argument.hasSuffix("O")))
            if ["-o", "--output", "--output-document"].contains(argument) || (isWget && argument == "-O") || clusterOutput,
                index + 1 < arguments.count
            {
                files.insert(basename(arguments[index + 1]))
                remoteName = false
            } else if argument.hasPrefix("--output=") || argument.hasPrefix("--output-document=") {
                files.insert(basename(String(argument.split(separator: "=", maxSplits: 1).last ?? "")))
                remoteName = false
            } else if !isWget, argument == "-O" || argument == "--remote-name" {
                remoteName = true
            }
        }
        if remoteName {
            for argument in arguments where argument.contains("://") {
                let path = argument.split(separator: "?").first.map(String.init) ?? argument
                files.insert(basename(path))
            }
        }
        return files
    }

    static func basename(_ path: String) -> String {
        String(path.split(separator: "/").last ?? Substring(path))
    }

    private func reverseShell(_ syntax: ShellSyntax) -> Finding? {
        let allCommands = syntax.commands
        for command in allCommands {
            for word in command.words + command.redirectTargets {
                for device in ["/dev/tcp/", "/dev/udp/", "/inet/tcp/", "/inet/udp/"] where word.contains(device) {
                    return Finding(rule: "command.reverse-shell", reason: "command opens a network socket through \(device.dropLast())")
                }
            }
            guard let program = command.program else { continue }
            let arguments = command.arguments
            if Self.netcats.contains(program.name) {
                for argument in arguments
                where argument == "-c" || argument.hasPrefix("--exec") || argument.hasPrefix("--sh-exec") || argument.hasPrefix("--lua-exec")
                    || (argument.hasPrefix("-") && !argument.hasPrefix("--") && argument.contains("e"))
                {
                    return Finding(rule: "command.reverse-shell", reason: "\(program.name) \(argument) connects a program to a network socket")
                }
            }
            if program.name == "socat",
                arguments.contains(where: {
                    let a = $0.lowercased(); return a.hasPrefix("exec:") || a.hasPrefix("system:") || a.contains(",exec:")
                })
            {
                return Finding(rule: "command.reverse-shell", reason: "socat connects a program to a network socket")
            }
            if program.name == "ztcp" {
                return Finding(rule: "command.reverse-shell", reason: "zsh ztcp opens a raw network socket")
            }
            let family = Self.interpreterName(program.name)
            if ["python", "perl", "ruby", "php", "node", "nodejs", "lua", "awk", "gawk"].contains(family) {
                let code = arguments.joined(separator: " ").lowercased()
                let opensSocket = ["socket", "fsockopen", "io::socket", "net.connect", "tcpsocket"].contains(where: code.contains)
                if opensSocket,
                    [
                        "subprocess", "pty", "dup2", "/bin/sh", "/bin/bash", "exec", "spawn", "child_process", "popen", "system", "proc_open",
                        "fdopen", "sh -i", "`",
                    ].contains(where: code.contains)
                {
                    return Finding(rule: "command.reverse-shell", reason: "\(program.name) code connects a socket to a shell")
                }
            }
        }
        for pipeline in syntax.pipelines {
            let names = pipeline.commands.map { Self.interpreterName($0.program?.name ?? "") }
            let hasConnection = names.contains { Self.netcats.contains($0) || ["telnet", "socat", "openssl"].contains($0) }
            if hasConnection, names.contains(where: Self.shells.contains) {
                return Finding(rule: "command.reverse-shell", reason: "a shell is wired to a network connection in one pipeline")
            }
        }
        let names = Set(allCommands.compactMap { $0.program?.name })
        let makesPipe = names.contains("mkfifo") || allCommands.contains { $0.program?.name == "mknod" && $0.arguments.contains("p") }
        if makesPipe, !names.isDisjoint(with: Self.netcats.union(["telnet", "openssl", "socat"])) {
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
                // Long options may be abbreviated (`--recur`).
                let recursive = options.contains {
                    ($0.count >= 5 && "--recursive".hasPrefix($0)) || (!$0.hasPrefix("--") && ($0.contains("r") || $0.contains("R")))
                }
                if options.contains("--no-preserve-root") {
                    return Finding(rule: "command.destructive", reason: "rm --no-preserve-root deletes the whole filesystem")
                }
                if recursive, let target = operands.flatMap(Self.braceExpansions).first(where: isCriticalTarget) {
                    return Finding(rule: "command.destructive", reason: "rm -r on \(target) deletes a system, home or working directory")
                }
            case "chmod", "chown", "chgrp":
                let recursive = options.contains { $0 == "--recursive" || (!$0.hasPrefix("--") && $0.contains("R")) }
                if recursive, let target = operands.dropFirst().first(where: isCriticalTarget) {
                    return Finding(rule: "command.destructive", reason: "\(program.name) -R on \(target) changes a whole system or home tree")
                }
            case "find":
                // Selective filters make a targeted clean-up; `-type f` alone still deletes everything.
                let filters: Set<String> = ["-name", "-iname", "-path", "-ipath", "-regex", "-iregex", "-mtime", "-mmin", "-newer", "-size", "-user"]
                let deletes =
                    arguments.contains("-delete")
                    || arguments.indices.contains {
                        ["-exec", "-execdir", "-ok"].contains(arguments[$0]) && $0 + 1 < arguments.count
                            && ["rm", "shred", "unlink"].contains(Self.basename(arguments[$0 + 1]))
                    }
                if deletes, let root = operands.first, isCriticalTarget(root), !arguments.contains(where: filters.contains) {
                    return Finding(rule: "command.destructive", reason: "find \(root) deletes a whole system or home tree")
                }
            case "dd":
                if let output = arguments.first(where: { $0.hasPrefix("of=") }), Self.isBlockDevice(String(output.dropFirst(3))) {
                    return Finding(rule: "command.destructive", reason: "dd overwrites the block device \(output.dropFirst(3))")
                }
            case "cp", "mv", "tee", "cat", "install":
                if let device = operands.dropFirst(program.name == "tee" ? 0 : 1).first(where: Self.isBlockDevice) {
                    return Finding(rule: "command.destructive", reason: "\(program.name) writes to the block device \(device)")
                }
            case "rsync":
                if options.contains(where: { $0.hasPrefix("--delete") }), let destination = operands.last, isCriticalTarget(destination) {
                    return Finding(rule: "command.destructive", reason: "rsync --delete into \(destination) deletes a system or home tree")
                }
            case "shred", "wipefs", "blkdiscard", "sfdisk", "sgdisk", "parted", "fdisk":
                let listsOnly = arguments.contains { ["-l", "--list", "-p", "--print", "print", "-s", "--show"].contains($0) }
                if !listsOnly, let device = operands.first(where: Self.isBlockDevice) ?? (program.name == "shred" ? nil : operands.first) {
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

    /// A function that calls itself twice through a pipe in the background: `:(){ :|:& };:`,
    /// `bomb() { bomb | bomb & }`, `function f { f|f & }`. Linear: each body is read at most
    /// 512 characters.
    private func forkBomb(_ line: String) -> Finding? {
        let compact = Array(line.unicodeScalars.filter { !$0.properties.isWhitespace })
        // Where the next "}" and the next "|" or "&" are, from each position: one pass from the end.
        var nextClose = [Int](repeating: compact.count, count: compact.count + 1)
        var nextFork = [Int](repeating: compact.count, count: compact.count + 1)
        for index in stride(from: compact.count - 1, through: 0, by: -1) {
            nextClose[index] = compact[index] == "}" ? index : nextClose[index + 1]
            nextFork[index] = compact[index] == "|" || compact[index] == "&" ? index : nextFork[index + 1]
        }
        for (open, scalar) in compact.enumerated() where scalar == "{" {
            let bodyEnd = min(nextClose[open + 1], open + 512)
            guard nextFork[open + 1] < bodyEnd else { continue }  // no pipe or background job in the body
            var nameEnd = open
            if nameEnd >= 2, compact[nameEnd - 1] == ")", compact[nameEnd - 2] == "(" { nameEnd -= 2 }
            var nameStart = nameEnd
            while nameStart > 0, nameEnd - nameStart < 64, Self.isFunctionNameScalar(compact[nameStart - 1]) { nameStart -= 1 }
            var name = String(String.UnicodeScalarView(compact[nameStart..<nameEnd]))
            if name.hasPrefix("function"), name.count > 8 { name.removeFirst(8) }
            guard !name.isEmpty else { continue }
            let body = String(String.UnicodeScalarView(compact[(open + 1)..<bodyEnd]))
            if body.contains("\(name)|\(name)") || body.contains("\(name)&\(name)") {
                return Finding(rule: "command.destructive", reason: "command defines a fork bomb (\(name)() calls itself twice)")
            }
        }
        return nil
    }

    static func isFunctionNameScalar(_ s: Unicode.Scalar) -> Bool {
        s.properties.isAlphabetic || ("0"..."9").contains(s) || s == "_" || s == ":" || s == "-" || s == "."
    }

    private func exfiltration(_ syntax: ShellSyntax) -> Finding? {
        let all = [syntax] + syntax.substitutions.map(ShellSyntax.init)
        let commands = all.flatMap(\.commands)
        guard let sender = commands.compactMap({ $0.program?.name }).first(where: Self.networkSenders.contains) else { return nil }
        for command in commands {
            for word in command.words + command.redirectTargets {
                for candidate in Self.pathCandidates(in: word) where paths.deniedFile(candidate) != nil {
                    return Finding(
                        rule: "command.credential-exfiltration",
                        reason: "command sends the credential file \(quote(candidate)) over the network (\(sender))")
                }
                if word.lowercased().hasPrefix("file:"), paths.deniedFile(word) != nil {
                    return Finding(
                        rule: "command.credential-exfiltration",
                        reason: "command sends the credential file \(quote(word)) over the network (\(sender))")
                }
            }
            // The environment itself: env, printenv, export -p, set, declare -p.
            let first = command.words.first.map { String($0.split(separator: "/").last ?? Substring($0)) } ?? ""
            let dumpsEnvironment =
                ["env", "printenv"].contains(first) && command.words.dropFirst().allSatisfy { $0.hasPrefix("-") || Self.isSecretVariable($0) }
                || (["set", "export", "declare", "typeset"].contains(first) && command.words.dropFirst().allSatisfy { $0.hasPrefix("-") })
            if dumpsEnvironment {
                return Finding(
                    rule: "command.credential-exfiltration", reason: "command sends the environment (\(first)) over the network (\(sender))")
            }
        }
        for name in all.flatMap(\.variables) where Self.isSecretVariable(name) {
            return Finding(rule: "command.credential-exfiltration", reason: "command sends the secret variable $\(name) over the network (\(sender))")
        }
        return nil
    }

    private func credentialReads(_ syntax: ShellSyntax) -> Finding? {
        for command in syntax.commands {
            var words = command.words + command.redirectTargets
            // `cp .env.example .env` writes a .env file; it reads no credential.
            if let program = command.program?.name, ["cp", "mv", "install"].contains(program), let last = command.words.last,
                Self.basename(last).hasPrefix(".env"), command.words.count > program.count
            {
                words.removeAll { $0 == last }
            }
            for word in words {
                for candidate in Self.pathCandidates(in: word) {
                    if let finding = paths.deniedFile(candidate) { return finding }
                }
            }
        }
        return nil
    }

    /// Destinations in network commands: URLs in the unquoted words (`http://''169.254.169.254/`
    /// is `http://169.254.169.254/` to the shell), brace expansions, hosts without a scheme
    /// (`curl 2852039166`, `curl 169.254.169.254/latest`, `nc 127.1 6379`, `ssh root@10.0.0.1`,
    /// `scp f user@internal:/tmp`, `socat - TCP:127.0.0.1:22`) and `curl --resolve`/`--connect-to`.
    private func networkTargets(_ syntax: ShellSyntax) -> Finding? {
        for command in syntax.commands {
            for word in command.words where word.contains(":") {
                for expanded in Self.braceExpansions(word) {
                    for url in URLFinder.urls(in: expanded, quotesTerminate: false) {
                        if case .finding(let finding) = egress.check(url: url, asWholeValue: false) { return finding }
                    }
                }
            }
            guard let program = command.program, Self.networkSenders.contains(program.name) || program.name == "ping" else { continue }
            let arguments = command.arguments.flatMap { Self.braceExpansions($0) }
            for (index, argument) in arguments.enumerated() {
                if ["--resolve", "--connect-to"].contains(argument), index + 1 < arguments.count {
                    // --resolve HOST:PORT:ADDR[,ADDR…] and --connect-to HOST1:PORT1:HOST2:PORT2: the
                    // part after the second colon is what is dialled.
                    let value = arguments[index + 1]
                    let fields = value.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
                    guard fields.count == 3 else { continue }
                    var targets = fields[2].split(separator: ",").map { Substring($0) }
                    if argument == "--connect-to", let target = targets.first {
                        // HOST2:PORT2, HOST2 possibly a bracketed IPv6 address.
                        if target.hasPrefix("["), let close = target.firstIndex(of: "]") {
                            targets = [target[target.startIndex...close]]
                        } else {
                            targets = [target.split(separator: ":", omittingEmptySubsequences: false).first ?? target]
                        }
                    }
                    for target in targets where !target.isEmpty {
                        if let finding = egress.check(hostValue: target, lenient: true) { return finding }
                    }
                }
                guard !argument.hasPrefix("-"), !argument.contains("://") else { continue }
                var host = Substring(argument)
                if program.name == "socat" {
                    let parts = argument.split(separator: ":")
                    guard parts.count >= 2, ["tcp", "tcp4", "tcp6", "udp", "udp4", "udp6", "openssl", "ssl"].contains(parts[0].lowercased()) else {
                        continue
                    }
                    host = parts[1]
                } else if ["scp", "rsync", "sftp"].contains(program.name) {
                    guard let colon = argument.firstIndex(of: ":") else { continue }
                    host = argument[..<colon]
                } else if let slash = host.firstIndex(of: "/"), slash != host.startIndex {
                    host = host[..<slash]  // curl 169.254.169.254/latest/meta-data
                }
                if let at = host.lastIndex(of: "@") { host = host[host.index(after: at)...] }
                guard Self.looksLikeHost(host) else { continue }
                if let finding = egress.check(hostValue: host, lenient: true) { return finding }
            }
        }
        return nil
    }

    /// Bash brace expansion of one `{a,b,…}` group (what `curl http://{a,b}/` contacts), bounded.
    static func braceExpansions(_ word: String) -> [String] {
        guard let open = word.firstIndex(of: "{"), let close = word[open...].firstIndex(of: "}") else { return [word] }
        let alternatives = word[word.index(after: open)..<close].split(separator: ",", omittingEmptySubsequences: false)
        guard alternatives.count > 1, alternatives.count <= 32 else { return [word] }
        return [word] + alternatives.map { String(word[..<open]) + $0 + String(word[word.index(after: close)...]) }
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
        if value.contains("://") { return nil }
        let scalars = Array(value.unicodeScalars)
        for (index, scalar) in scalars.enumerated() {
            let isVersionConstraint =
                allowVersionOperators && (scalar == ">" || scalar == "<") && index + 1 < scalars.count
                && (scalars[index + 1] == "=" || ("0"..."9").contains(scalars[index + 1]))
            if isVersionConstraint { continue }  // >=2.31, <3
            switch scalar {
            case ";", "|", "&", "`", ">", "<", "\n", "\r":
                return Finding(
                    rule: "command.shell-metachar", reason: "value \(quote(value)) contains the shell metacharacter \(quote(String(scalar)))")
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

    /// `/`, `/*`, `~`, `$HOME`, `${HOME:?}`, `.`, `..`, `*`, a top-level directory such as `/etc`
    /// or `/home`, or a home directory (`/home/user`, `/root`).
    func isCriticalTarget(_ target: String) -> Bool {
        var t = Substring(target)
        while t.hasSuffix("/*") || t.hasSuffix("/.") || (t.hasSuffix("/") && t.count > 1) {
            t = t.hasSuffix("/") ? t.dropLast() : t.dropLast(2)
        }
        if t.hasPrefix("${HOME"), let close = t.firstIndex(of: "}") { t = "$HOME" + t[t.index(after: close)...] }
        if t.hasPrefix("~"), !t.contains("/") { return true }  // ~ or ~user
        if ["", "/", "*", ".", "./*", "~", "$HOME", "..", "../*"].contains(t) { return true }
        if t.hasPrefix("/") && !t.dropFirst().contains("/") { return true }
        let segments = t.split(separator: "/")
        if t.hasPrefix("/home/") && segments.count == 2 { return true }
        return "/" + paths.home.joined(separator: "/") == t
    }

    /// The path-looking parts of a shell word: the word itself, the value of `key=value`,
    /// curl's `@file`.
    static func pathCandidates(in word: String) -> [String] {
        var candidates: [String] = []
        for expanded in braceExpansions(word) {
            var text = Substring(expanded)
            // key=value, --opt=value, curl -F 'name=@file;type=…', -F 'name=<file', --data-urlencode 'name@file'.
            if let equals = text.firstIndex(of: "="),
                text.hasPrefix("-") || text[..<equals].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" })
            {
                text = text[text.index(after: equals)...]
            } else if let at = text.firstIndex(of: "@"), at != text.startIndex, text[..<at].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) {
                text = text[text.index(after: at)...]
            }
            if text.hasPrefix("@") || text.hasPrefix("<") { text = text.dropFirst() }
            if let semicolon = text.firstIndex(of: ";") { text = text[..<semicolon] }
            guard !text.isEmpty, !text.contains("://") else { continue }
            if text.hasPrefix("/") || text.hasPrefix("~") || text.hasPrefix(".") || text.contains("/") || text == ".env" || text.hasPrefix("id_") {
                candidates.append(String(text))
            }
        }
        return candidates
    }

    /// Whether a word given to a network command names a host rather than a file or port.
    static func looksLikeHost(_ text: Substring) -> Bool {
        guard !text.isEmpty, !text.contains("/") else { return false }
        if text.allSatisfy(\.isNumber) { return text.count > 5 }  // a decimal IPv4, not a port
        if text.lowercased().hasPrefix("0x"), text.dropFirst(2).allSatisfy(\.isHexDigit) { return true }  // a hex IPv4
        return text.contains(".") || text.contains(":") || text.hasPrefix("[") || HostClassifier.metadataNames.contains(text.lowercased())
            || text.lowercased() == "localhost"
    }
}
