internal import Foundation

/// Reverse shells, destructive commands and fork bombs.
extension CommandGuard {
    /// `/dev/tcp`, `nc -e`, `socat exec:`, socket-plus-shell one-liners, shells piped to connections.
    func reverseShell(_ syntax: ShellSyntax) -> Finding? {
        let allCommands = syntax.commands
        for command in allCommands {
            for word in command.words + command.redirectTargets {
                for device in ["/dev/tcp/", "/dev/udp/", "/inet/tcp/", "/inet/udp/"] where ByteSearch.contains(word, device) {
                    return Finding(rule: "command.reverse-shell", reason: "command opens a network socket through \(device.dropLast())")
                }
            }
            guard let program = command.program else { continue }
            let arguments = command.arguments
            if Self.netcats.contains(program.name) {
                for argument in arguments
                where argument == "-c" || argument.hasPrefix("--exec") || argument.hasPrefix("--sh-exec") || argument.hasPrefix("--lua-exec")
                    || (argument.hasPrefix("-") && !argument.hasPrefix("--") && argument.contains(ascii: "e"))
                {
                    return Finding(rule: "command.reverse-shell", reason: "\(program.name) \(argument) connects a program to a network socket")
                }
            }
            if program.name == "socat",
                arguments.contains(where: {
                    let a = $0.lowercased(); return a.hasPrefix("exec:") || a.hasPrefix("system:") || ByteSearch.contains(a, ",exec:")
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
                let opensSocket = ["socket", "fsockopen", "io::socket", "net.connect", "tcpsocket"].contains { ByteSearch.contains(code, $0) }
                if opensSocket,
                    [
                        "subprocess", "pty", "dup2", "/bin/sh", "/bin/bash", "exec", "spawn", "child_process", "popen", "system", "proc_open",
                        "fdopen", "sh -i", "`",
                    ].contains(where: { ByteSearch.contains(code, $0) })
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

    /// `rm -rf` on system or home trees, `mkfs`, raw writes to block devices, recursive `chmod`/`chown`,
    /// `find … -delete`, `rsync --delete` into home.
    func destructive(_ syntax: ShellSyntax) -> Finding? {
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
                    ($0.count >= 5 && "--recursive".hasPrefix($0)) || (!$0.hasPrefix("--") && ($0.contains(ascii: "r") || $0.contains(ascii: "R")))
                }
                if options.contains("--no-preserve-root") {
                    return Finding(rule: "command.destructive", reason: "rm --no-preserve-root deletes the whole filesystem")
                }
                if recursive, let target = operands.flatMap(Self.braceExpansions).first(where: isCriticalTarget) {
                    return Finding(rule: "command.destructive", reason: "rm -r on \(target) deletes a system, home or working directory")
                }
            case "chmod", "chown", "chgrp":
                let recursive = options.contains { $0 == "--recursive" || (!$0.hasPrefix("--") && $0.contains(ascii: "R")) }
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
    /// `bomb() { bomb | bomb & }`, `function f { f|f & }`, and with a subshell for a body,
    /// `f() ( f | f & )`. Linear: each body is read at most 512 characters.
    func forkBomb(_ line: String) -> Finding? {
        // A body and a pipe or background job in it: most lines have neither.
        guard line.contains(ascii: "{") || line.contains(ascii: "("), line.contains(ascii: "|") || line.contains(ascii: "&") else { return nil }
        let compact = Array(line.unicodeScalars.filter { !$0.properties.isWhitespace })
        // Where the next "}", ")" and "|" or "&" are, from each position: one pass from the end.
        var nextBrace = [Int](repeating: compact.count, count: compact.count + 1)
        var nextParenthesis = nextBrace
        var nextFork = nextBrace
        for index in stride(from: compact.count - 1, through: 0, by: -1) {
            nextBrace[index] = compact[index] == "}" ? index : nextBrace[index + 1]
            nextParenthesis[index] = compact[index] == ")" ? index : nextParenthesis[index + 1]
            nextFork[index] = compact[index] == "|" || compact[index] == "&" ? index : nextFork[index + 1]
        }
        for (open, scalar) in compact.enumerated() {
            // `{` opens a body; `(` does right after `name()`.
            let afterParentheses = open >= 2 && compact[open - 1] == ")" && compact[open - 2] == "("
            let close: Int
            if scalar == "{" {
                close = nextBrace[open + 1]
            } else if scalar == "(", afterParentheses {
                close = nextParenthesis[open + 1]
            } else {
                continue
            }
            let bodyEnd = min(close, open + 512)
            guard nextFork[open + 1] < bodyEnd else { continue }  // no pipe or background job in the body
            let nameEnd = afterParentheses ? open - 2 : open
            var nameStart = nameEnd
            while nameStart > 0, nameEnd - nameStart < 64, Self.isFunctionNameScalar(compact[nameStart - 1]) { nameStart -= 1 }
            var name = String(String.UnicodeScalarView(compact[nameStart..<nameEnd]))
            if name.hasPrefix("function"), name.count > 8 { name.removeFirst(8) }
            guard !name.isEmpty else { continue }
            let body = String(String.UnicodeScalarView(compact[(open + 1)..<bodyEnd]))
            if ByteSearch.contains(body, "\(name)|\(name)") || ByteSearch.contains(body, "\(name)&\(name)") {
                return Finding(rule: "command.destructive", reason: "command defines a fork bomb (\(name)() calls itself twice)")
            }
        }
        return nil
    }

    static func isFunctionNameScalar(_ s: Unicode.Scalar) -> Bool {
        s.properties.isAlphabetic || ("0"..."9").contains(s) || s == "_" || s == ":" || s == "-" || s == "."
    }
}
