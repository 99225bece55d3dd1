internal import Foundation

/// Download-and-execute: what a command line runs, and whether that code came from the network.
extension CommandGuard {
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
            if let first = words.first, first.hasPrefix("{"), first.hasSuffix("}"), first.contains(ascii: ",") {
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
                    if flag == "--command" || (!flag.hasPrefix("--") && flag.dropFirst().contains(ascii: "c")) {
                        while next < words.count, words[next] == "--" { next += 1 }
                        if next < words.count { scripts.append(words[next]) }
                        break
                    }
                }
            }
            // Here-strings and here-documents given to a shell are scripts too.
            if shells.contains(interpreterName(program.name)) {
                scripts += command.redirectTargets.filter { $0.contains(ascii: " ") || $0.contains(ascii: "|") || $0.contains(ascii: ";") }
            }
        }
        return scripts
    }

    /// `python3.12` → `python`, `bash5` → `bash`: interpreters by family.
    static func interpreterName(_ name: String) -> String {
        // Most names end in neither a digit nor a dot (by byte; a non-ASCII last byte may be a
        // digit of another script, and goes the long way).
        if let last = name.utf8.last, last < 0x80, last &- UInt8(ascii: "0") >= 10, last != UInt8(ascii: ".") { return name }
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

    /// `echo … | base64 -d | sh`, `sh -c "$(… | base64 -d)"`, `bash <(xxd -r -p <<< …)`: code
    /// decoded on its way into an interpreter cannot be judged, and hiding it is the point.
    func decodeAndExecute(_ syntax: ShellSyntax) -> Finding? {
        guard let feed = Self.programFeed(in: syntax, from: Self.decodes) else { return nil }
        let decoder = feed.source.program?.name ?? "?"
        let interpreter = feed.interpreter.program?.name ?? "?"
        return Finding(
            rule: "command.obfuscated-exec",
            reason: "command decodes data (\(decoder)) and runs it with an interpreter (\(interpreter)): the code cannot be judged")
    }

    /// How the output of a `source` command (a download, a decoder) reaches an interpreter as its
    /// program.
    struct ProgramFeed {
        enum Route {
            /// `source … | interpreter` in one pipeline.
            case pipe
            /// A line with a source and a pipeline into an interpreter, through grouping the shell
            /// reading cannot see through: `{ curl …; } | sh`, `(curl …; true) | sh`.
            case group
            /// An interpreter given a substitution that runs a source: `bash <(curl …)`,
            /// `sh -c "$(curl …)"`, `eval "$(wget …)"`, `bash <<< "$(curl …)"`, `bash < <(curl …)`.
            case substitution
        }

        var route: Route
        var source: ShellSyntax.SimpleCommand
        var interpreter: ShellSyntax.SimpleCommand
    }

    /// The first way a command that `isSource` accepts feeds an interpreter its program, if any:
    /// the interpreter reads its program from standard input (``readsProgramFromStdin(_:)``) or
    /// is given a substitution that runs the source.
    static func programFeed(in syntax: ShellSyntax, from isSource: (ShellSyntax.SimpleCommand) -> Bool) -> ProgramFeed? {
        for pipeline in syntax.pipelines {
            if let source = pipeline.commands.firstIndex(where: isSource),
                let run = pipeline.commands[(source + 1)...].first(where: readsProgramFromStdin)
            {
                return ProgramFeed(route: .pipe, source: pipeline.commands[source], interpreter: run)
            }
        }
        if let source = syntax.commands.first(where: isSource) {
            for pipeline in syntax.pipelines {
                if let run = pipeline.commands.dropFirst().first(where: readsProgramFromStdin) {
                    return ProgramFeed(route: .group, source: source, interpreter: run)
                }
            }
        }
        let feeding = syntax.substitutions.compactMap { substitution in
            ShellSyntax(substitution).commands.first(where: isSource).map { (substitution, $0) }
        }
        guard !feeding.isEmpty else { return nil }
        for command in syntax.commands {
            guard let program = command.program, isInterpreter(program.name) else { continue }
            for (substitution, source) in feeding
            where (command.words + command.redirectTargets).contains(where: { ByteSearch.contains($0, substitution) }) {
                return ProgramFeed(route: .substitution, source: source, interpreter: command)
            }
        }
        return nil
    }

    /// Whether `command` decodes an encoding: `base64 -d` (and `base32`, `basenc`), `xxd -r`,
    /// `openssl base64 -d` or `openssl enc -d`, `uudecode`.
    static func decodes(_ command: ShellSyntax.SimpleCommand) -> Bool {
        guard let program = command.program else { return false }
        let arguments = command.arguments
        func hasShortFlag(_ flags: Set<Character>) -> Bool {
            arguments.contains { $0.hasPrefix("-") && !$0.hasPrefix("--") && $0.dropFirst().contains(where: flags.contains) }
        }
        switch program.name {
        case "base64", "base32", "basenc": return arguments.contains("--decode") || hasShortFlag(["d", "D"])
        case "xxd": return arguments.contains("-revert") || hasShortFlag(["r"])
        case "openssl": return arguments.contains("-d") || arguments.contains("-decode")
        case "uudecode": return true
        default: return false
        }
    }

    /// `curl … | sh`, `bash <(curl …)`, `sh -c "$(curl …)"`, and downloads that are made executable or run.
    func downloadAndExecute(_ syntax: ShellSyntax) -> Finding? {
        if let feed = Self.programFeed(in: syntax, from: { Self.downloaders.contains($0.program?.name ?? "") }) {
            let downloader = feed.source.program?.name ?? "?"
            let interpreter = feed.interpreter.program?.name ?? "?"
            let reason =
                switch feed.route {
                case .pipe: "command pipes a download (\(downloader)) into an interpreter (\(interpreter))"
                case .group: "command downloads code and pipes it into an interpreter (\(interpreter))"
                case .substitution: "\(interpreter) runs code downloaded by a substitution"
                }
            return Finding(rule: "command.download-exec", reason: reason)
        }
        // Download a file, then make it executable or run it.
        let commands = syntax.commands
        for (index, command) in commands.enumerated() {
            guard let downloader = command.program?.name, Self.downloaders.contains(downloader) else { continue }
            let written = Self.downloadedFiles(command)
            for later in commands[(index + 1)...] {
                guard let program = later.program else { continue }
                if program.name == "chmod",
                    later.arguments.contains(where: { $0.contains(ascii: "x") || $0.hasSuffix("755") || $0.hasSuffix("777") || $0.hasSuffix("700") })
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
            for argument in arguments where ByteSearch.contains(argument, "://") {
                let path = argument.split(separator: "?").first.map(String.init) ?? argument
                files.insert(basename(path))
            }
        }
        return files
    }

    static func basename(_ path: String) -> String {
        guard path.contains(ascii: "/") else { return path }
        return String(path.split(separator: "/").last ?? Substring(path))
    }
}
