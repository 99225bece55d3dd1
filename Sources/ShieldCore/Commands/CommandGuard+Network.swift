internal import Foundation

/// What a command line sends or reaches over the network: credential files, secret variables,
/// the environment, and internal destinations.
extension CommandGuard {
    /// Credential files, secret variables or the whole environment on a line that also talks to the network.
    func exfiltration(_ syntax: ShellSyntax) -> Finding? {
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

    /// Credential and system files named anywhere on the line (`cat ~/.ssh/id_rsa`).
    func credentialReads(_ syntax: ShellSyntax) -> Finding? {
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
    func networkTargets(_ syntax: ShellSyntax) -> Finding? {
        for command in syntax.commands {
            for word in command.words where word.contains(ascii: ":") {
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
                guard !argument.hasPrefix("-"), !ByteSearch.contains(argument, "://") else { continue }
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
        guard word.contains(ascii: "{"), let open = word.firstIndex(of: "{"), let close = word[open...].firstIndex(of: "}") else { return [word] }
        let alternatives = word[word.index(after: open)..<close].split(separator: ",", omittingEmptySubsequences: false)
        guard alternatives.count > 1, alternatives.count <= 32 else { return [word] }
        return [word] + alternatives.map { String(word[..<open]) + $0 + String(word[word.index(after: close)...]) }
    }
}
