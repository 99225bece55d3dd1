/// A POSIX-shell-like reading of a command line, good enough to judge what it would run.
///
/// It splits a command line into pipelines of simple commands, unquotes words (`'…'`, `"…"`,
/// `\x`), collects redirections, variable references and the contents of command and process
/// substitutions (`$(…)`, `` `…` ``, `<(…)`), which are parsed recursively by the caller.
///
/// It does not expand variables, globs, aliases or functions, and it does not execute anything.
/// A reading that an attacker can make differ from bash's can only hide *structure* (which words
/// form one command), so the judgments built on it also look at every word in the line.
struct ShellSyntax: Sendable {
    struct SimpleCommand: Sendable {
        /// Unquoted words, redirections excluded.
        fileprivate(set) var words: [String] = []
        /// Targets of `>`, `>>`, `<`, `&>`, `2>` and friends.
        fileprivate(set) var redirectTargets: [String] = []
        /// The program this command runs (basename, lower-case) and the index of its word,
        /// skipping variable assignments and wrappers such as `sudo` and `env`. Worked out once,
        /// when the command's words are complete: every check asks for it.
        fileprivate(set) var program: (name: String, index: Int)?
    }

    /// Simple commands joined by `|`.
    struct Pipeline: Sendable {
        var commands: [SimpleCommand] = []
    }

    /// Pipelines joined by `;`, `&&`, `||`, `&` or newlines.
    var pipelines: [Pipeline] = []
    /// The contents of every `$(…)`, `` `…` ``, `<(…)` and `>(…)`.
    var substitutions: [String] = []
    /// Names in `$NAME` and `${NAME…}` references.
    var variables: [String] = []

    /// Every simple command, in order.
    let commands: [SimpleCommand]

    init(_ line: String) {
        var lexer = Lexer(scalars: Array(line.unicodeScalars))
        lexer.run()
        pipelines = lexer.pipelines.filter { !$0.commands.isEmpty }
        commands = pipelines.flatMap(\.commands)
        substitutions = lexer.substitutions
        variables = lexer.variables
    }

    private struct Lexer {
        let scalars: [Unicode.Scalar]
        var i = 0
        var pipelines: [Pipeline] = []
        var substitutions: [String] = []
        var variables: [String] = []

        var pipeline = Pipeline()
        var command = SimpleCommand()
        var word = WordBuffer()
        var inWord = false
        var pendingRedirect = false

        init(scalars: [Unicode.Scalar]) { self.scalars = scalars }

        mutating func run() {
            while i < scalars.count {
                let c = scalars[i]
                switch c {
                case " ", "\t":
                    endWord()
                    i += 1
                case "\n", ";":
                    endPipeline()
                    i += 1
                case "(", ")":
                    // Subshells and groups: `(curl …) | sh` is still curl piped into sh.
                    endWord()
                    if !command.words.isEmpty || !command.redirectTargets.isEmpty { endCommand() }
                    i += 1
                case "&":
                    if peek(1) == ">" {  // &> file
                        endWord()
                        pendingRedirect = true
                        i += peek(2) == ">" ? 3 : 2
                    } else {
                        endPipeline()
                        i += peek(1) == "&" ? 2 : 1
                    }
                case "|":
                    if peek(1) == "|" {
                        endPipeline()
                        i += 2
                    } else {
                        endCommand()
                        i += peek(1) == "&" ? 2 : 1
                    }
                case ">", "<":
                    if peek(1) == "(" {  // process substitution
                        i += 2
                        let body = balanced(close: ")")
                        substitutions.append(body)
                        appendLiteral("\(c)(\(body))")
                        continue
                    }
                    // A word of digits right before is a descriptor number (2>, 0<).
                    if inWord, word.string.allSatisfy(\.isNumber) {
                        word.removeAll()
                        inWord = false
                    } else {
                        endWord()
                    }
                    i += 1
                    while i < scalars.count, scalars[i] == ">" || scalars[i] == "<" { i += 1 }
                    if i < scalars.count, scalars[i] == "&" { i += 1 }  // >&, 2>&1
                    pendingRedirect = true
                case "'":
                    i += 1
                    inWord = true
                    while i < scalars.count, scalars[i] != "'" {
                        word.append(scalars[i])
                        i += 1
                    }
                    i += 1
                case "\"":
                    i += 1
                    inWord = true
                    doubleQuoted()
                case "\\":
                    if let next = peek(1) {
                        if next != "\n" { appendLiteral(String(next)) }
                        i += 2
                    } else {
                        i += 1
                    }
                case "`":
                    i += 1
                    let body = until("`")
                    substitutions.append(body)
                    appendLiteral("`\(body)`")
                case "$":
                    dollar()
                case "#" where !inWord:
                    while i < scalars.count, scalars[i] != "\n" { i += 1 }
                default:
                    word.append(c)
                    inWord = true
                    i += 1
                }
            }
            endPipeline()
        }

        mutating func doubleQuoted() {
            while i < scalars.count, scalars[i] != "\"" {
                let c = scalars[i]
                if c == "\\", let next = peek(1), "\"\\$`".unicodeScalars.contains(next) {
                    word.append(next)
                    i += 2
                } else if c == "$" {
                    dollar()
                } else if c == "`" {
                    i += 1
                    let body = until("`")
                    substitutions.append(body)
                    appendLiteral("`\(body)`")
                } else {
                    word.append(c)
                    i += 1
                }
            }
            i += 1
        }

        /// `$(…)`, `$((…))`, `${NAME…}`, `$NAME`, `$'…'` (ANSI-C quoting), `${IFS}`.
        mutating func dollar() {
            if peek(1) == "'" {
                i += 2
                ansiCQuoted()
            } else if peek(1) == "{", scalars[i...].starts(with: "${IFS}".unicodeScalars) {
                // ${IFS} splits words like a space.
                i += 6
                endWord()
            } else if scalars[i...].starts(with: "$IFS".unicodeScalars),
                !(scalars.count > i + 4 && (scalars[i + 4].properties.isAlphabetic || scalars[i + 4] == "_"))
            {
                i += 4
                endWord()
            } else if peek(1) == "(" {
                i += 2
                let body = balanced(close: ")")
                substitutions.append(body)
                appendLiteral("$(\(body))")
            } else if peek(1) == "{" {
                i += 2
                let body = until("}")
                variables.append(String(body.unicodeScalars.prefix { $0.properties.isAlphabetic || $0 == "_" || ("0"..."9").contains($0) }))
                appendLiteral("${\(body)}")
            } else {
                i += 1
                var name = String.UnicodeScalarView()
                while i < scalars.count, scalars[i].properties.isAlphabetic || scalars[i] == "_" || ("0"..."9").contains(scalars[i]) {
                    name.append(scalars[i])
                    i += 1
                }
                if !name.isEmpty { variables.append(String(name)) }
                appendLiteral("$" + String(name))
            }
        }

        /// The body of `$'…'`: backslash escapes decoded as bash does (`\x74`, `\164`, `\u0074`, `\n`).
        mutating func ansiCQuoted() {
            inWord = true
            while i < scalars.count, scalars[i] != "'" {
                guard scalars[i] == "\\", i + 1 < scalars.count else {
                    word.append(scalars[i])
                    i += 1
                    continue
                }
                let escape = scalars[i + 1]
                i += 2
                func number(radix: Int, maxDigits: Int) -> Unicode.Scalar? {
                    var digits = ""
                    while digits.count < maxDigits, i < scalars.count, Int(String(scalars[i]), radix: radix) != nil {
                        digits.unicodeScalars.append(scalars[i])
                        i += 1
                    }
                    return UInt32(digits, radix: radix).flatMap(Unicode.Scalar.init)
                }
                switch escape {
                case "n": word.append("\n")
                case "t": word.append("\t")
                case "r": word.append("\r")
                case "a": word.append("\u{07}")
                case "b": word.append("\u{08}")
                case "e", "E": word.append("\u{1B}")
                case "f": word.append("\u{0C}")
                case "v": word.append("\u{0B}")
                case "x": if let s = number(radix: 16, maxDigits: 2) { word.append(s) }
                case "u": if let s = number(radix: 16, maxDigits: 4) { word.append(s) }
                case "U": if let s = number(radix: 16, maxDigits: 8) { word.append(s) }
                case "0"..."7":
                    i -= 1
                    if let s = number(radix: 8, maxDigits: 3) { word.append(s) }
                default: word.append(escape)
                }
            }
            i += 1
        }

        /// Reads to the matching `close`, counting nested parentheses and skipping quotes.
        mutating func balanced(close: Unicode.Scalar) -> String {
            var depth = 1
            var body = WordBuffer()
            var quote: Unicode.Scalar?
            while i < scalars.count {
                let c = scalars[i]
                i += 1
                if let q = quote {
                    if c == q { quote = nil }
                } else if c == "'" || c == "\"" {
                    quote = c
                } else if c == "(" {
                    depth += 1
                } else if c == close {
                    depth -= 1
                    if depth == 0 { break }
                }
                body.append(c)
            }
            return body.string
        }

        mutating func until(_ end: Unicode.Scalar) -> String {
            var body = WordBuffer()
            while i < scalars.count, scalars[i] != end {
                body.append(scalars[i])
                i += 1
            }
            i += 1
            return body.string
        }

        func peek(_ offset: Int) -> Unicode.Scalar? {
            i + offset < scalars.count ? scalars[i + offset] : nil
        }

        mutating func appendLiteral(_ text: String) {
            word.append(contentsOf: text)
            inWord = true
        }

        mutating func endWord() {
            guard inWord else { return }
            if pendingRedirect {
                command.redirectTargets.append(word.string)
                pendingRedirect = false
            } else {
                command.words.append(word.string)
            }
            word.removeAll()
            inWord = false
        }

        mutating func endCommand() {
            endWord()
            if !command.words.isEmpty || !command.redirectTargets.isEmpty {
                command.program = SimpleCommand.program(of: command.words)
                pipeline.commands.append(command)
            }
            command = SimpleCommand()
        }

        mutating func endPipeline() {
            endCommand()
            if !pipeline.commands.isEmpty { pipelines.append(pipeline) }
            pipeline = Pipeline()
        }
    }
}

/// A word being read, as UTF-8 bytes: appending to a `String.UnicodeScalarView` one scalar at a
/// time costs several times more, and most words are ASCII.
private struct WordBuffer {
    private var bytes: [UInt8] = []

    var string: String { String(decoding: bytes, as: UTF8.self) }

    mutating func append(_ scalar: Unicode.Scalar) {
        if scalar.isASCII {
            bytes.append(UInt8(truncatingIfNeeded: scalar.value))
        } else if let encoded = UTF8.encode(scalar) {
            bytes.append(contentsOf: encoded)
        }
    }

    mutating func append(contentsOf text: String) { bytes.append(contentsOf: text.utf8) }

    mutating func removeAll() { bytes.removeAll(keepingCapacity: true) }
}

extension ShellSyntax.SimpleCommand {
    /// Wrappers that run the command named after them.
    static let wrappers: Set<String> = [
        "sudo", "doas", "env", "nohup", "time", "command", "exec", "nice", "ionice", "timeout", "stdbuf", "busybox", "xargs", "setsid", "unbuffer",
        "chroot",
    ]

    /// Shell reserved words that open or close a compound command before the program:
    /// `{ curl …; }`, `if curl …; then`, `while …; do curl …; done`, `! cmd`.
    static let reservedWords: Set<String> = ["{", "}", "!", "if", "then", "else", "elif", "fi", "do", "done", "while", "until", "time"]

    /// `10`, `1.5`, `30s`, `1h`, `2d`: a duration given to `timeout` or `sleep`-like wrappers.
    static func isDuration(_ word: String) -> Bool {
        guard let first = word.first, first.isNumber else { return false }
        return word.dropLast().allSatisfy { $0.isNumber || $0 == "." } && (word.last!.isNumber || "smhd".contains(word.last!))
    }

    static let wrapperOptionsWithValue: Set<String> = [
        "-a", "-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U", "-R", "-T", "--user", "--group", "-n", "-k", "-s", "--signal", "--kill-after",
    ]

    /// The program `words` run (basename, lower-case) and the index of its word, skipping
    /// variable assignments and wrappers such as `sudo` and `env`.
    static func program(of words: [String]) -> (name: String, index: Int)? {
        var index = 0
        var afterWrapper = false
        while index < words.count {
            let word = words[index]
            if word.contains(ascii: "="), !word.hasPrefix(ascii: "-"), word.first.map({ $0.isLetter || $0 == "_" }) == true {
                index += 1
                continue
            }
            if afterWrapper, word.hasPrefix("-") || isDuration(word) {
                // sudo -u USER, -g GROUP …: options that take a value skip it too.
                index += wrapperOptionsWithValue.contains(word) ? 2 : 1
                continue
            }
            let name = programName(word)
            if reservedWords.contains(name) {
                index += 1
                continue
            }
            if wrappers.contains(name) {
                afterWrapper = true
                index += 1
                // chroot NEWROOT COMMAND: the first operand is a directory.
                if name == "chroot" {
                    while index < words.count, words[index].hasPrefix("-") { index += 1 }
                    index += 1
                }
                continue
            }
            return (name, index)
        }
        return nil
    }

    /// The basename of a program word, lower-cased. A word with no `/` and no upper-case ASCII
    /// letter (most are) is its own name.
    static func programName(_ word: String) -> String {
        let plain = !word.utf8.contains { $0 == UInt8(ascii: "/") || $0 &- UInt8(ascii: "A") < 26 || $0 >= 0x80 }
        return plain ? word : String(word.split(separator: "/").last ?? Substring(word)).lowercased()
    }

    /// The words after the program.
    var arguments: ArraySlice<String> {
        guard let program else { return [] }
        return words[(program.index + 1)...]
    }
}
