/// Credential files and keys named next to an instruction to read or send them.
///
/// A path alone is not a finding: an SSH server's tool legitimately documents
/// `~/.ssh/id_rsa` as a default, and an AWS tool `~/.aws/credentials`. An imperative access verb
/// ("read", "cat", "send", "include"…) in the same sentence, not negated ("never read") and not
/// passive or descriptive ("is read", "will read"), makes it one; so does "the contents of"
/// before it in a definition.
extension InstructionScanner {
    /// A sensitive path component after a `.` (`~/.ssh`, `.env`, `.aws/credentials`).
    struct Component: Sendable {
        var name: [UInt8]
        /// What must follow the name (`/config.json` after `.docker`), if anything.
        var required: [UInt8]?
        var label: String
    }

    static let dotComponents: [Component] = [
        Component(name: Array("ssh".utf8), label: "the SSH key directory"),
        Component(name: Array("aws".utf8), label: "AWS credentials"),
        Component(name: Array("env".utf8), label: "a .env file of secrets"),
        Component(name: Array("netrc".utf8), label: "the .netrc password file"),
        Component(name: Array("npmrc".utf8), label: "the npm token file"),
        Component(name: Array("pypirc".utf8), label: "the PyPI token file"),
        Component(name: Array("pgpass".utf8), label: "the PostgreSQL password file"),
        Component(name: Array("git-credentials".utf8), label: "stored Git credentials"),
        Component(name: Array("gnupg".utf8), label: "the GnuPG keyring"),
        Component(name: Array("kube".utf8), label: "the Kubernetes credentials"),
        Component(name: Array("docker".utf8), required: Array("/config.json".utf8), label: "Docker registry credentials"),
        Component(name: Array("cursor".utf8), label: "Cursor's configuration, which holds MCP servers' credentials"),
        Component(name: Array("bash_history".utf8), label: "the shell history"),
        Component(name: Array("zsh_history".utf8), label: "the shell history"),
        Component(name: Array("vault-token".utf8), label: "a Vault token"),
        Component(name: Array("azure".utf8), label: "Azure credentials"),
        Component(name: Array("config".utf8), required: Array("/gcloud".utf8), label: "Google Cloud credentials"),
        Component(name: Array("password-store".utf8), label: "the password store"),
    ]

    static let slashComponents: [Component] = [
        Component(name: Array("etc/shadow".utf8), label: "the system password hashes (/etc/shadow)"),
        Component(name: Array("etc/gshadow".utf8), label: "the system password hashes (/etc/gshadow)"),
        Component(name: Array("etc/passwd".utf8), label: "the system account list (/etc/passwd)"),
        Component(name: Array("etc/sudoers".utf8), label: "the sudo configuration"),
        Component(name: Array("proc/self/environ".utf8), label: "the process environment"),
        Component(name: Array("var/run/secrets".utf8), label: "Kubernetes service-account secrets"),
    ]

    /// The first letters of the components after `.` and after `/`, a bit per letter: the scan
    /// looks no further at a `.` or `/` followed by any other letter.
    static let componentFirstLetters: (dot: UInt32, slash: UInt32) = (
        dotComponents.reduce(0) { $0 | 1 << UInt32($1.name[0] &- 0x61) }, slashComponents.reduce(0) { $0 | 1 << UInt32($1.name[0] &- 0x61) }
    )

    /// Sensitive file names that are words (anchors in the word table).
    struct SensitiveWord: Sendable {
        var word: String
        /// What must follow the word (`.json` after `mcp`), if anything.
        var suffix: [UInt8]?
        var label: String
    }

    static let sensitiveWords: [SensitiveWord] = [
        SensitiveWord(word: "id_rsa", label: "an SSH private key"),
        SensitiveWord(word: "id_dsa", label: "an SSH private key"),
        SensitiveWord(word: "id_ecdsa", label: "an SSH private key"),
        SensitiveWord(word: "id_ed25519", label: "an SSH private key"),
        SensitiveWord(word: "authorized_keys", label: "the SSH authorized keys"),
        SensitiveWord(word: "mcp", suffix: Array(".json".utf8), label: "the MCP client configuration, which holds other servers' credentials"),
        SensitiveWord(
            word: "claude_desktop_config", suffix: Array(".json".utf8), label: "Claude Desktop's configuration, which holds MCP servers' credentials"),
    ]

    /// Verbs that, in the imperative, ask for a file's content.
    static let accessVerbs = WordSet(
        "read cat open include send pass copy upload attach extract access print output dump paste embed forward post transmit exfiltrate share leak fetch retrieve grab collect append steal"
    )
    /// Words before a verb that make it descriptive or passive rather than an instruction.
    static let notImperative = WordSet("is are be been was were being will would can could may might does")
    static let negating = WordSet("not never don't dont avoid without no nor")
    static let contentsWords = WordSet("contents content")
    static let indefiniteArticles = WordSet("a an")
    static let ofHash = hash("of")
    static let pemBegin = Array("-----BEGIN ".utf8)
    static let pemPrivateKey = Array("PRIVATE KEY".utf8)
    static let publicKeySuffix = Array(".pub".utf8)

    /// A sensitive path or private-key header at the `.`, `/` or `-` at `i`.
    static func sensitivePath(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int, _ context: Context) -> InstructionMatch? {
        let count = bytes.count
        guard i + 3 < count, i == 0 || !isWordByte(bytes[i - 1]) else { return nil }
        let b = bytes[i]
        if b == UInt8(ascii: "-") {
            return privateKeyHeader(bytes, at: i, context)
        }
        let components = b == UInt8(ascii: ".") ? dotComponents : slashComponents
        guard isLetter(bytes[i + 1]) else { return nil }
        let first = bytes[i + 1] | 0x20
        for component in components where component.name[0] == first && startsWith(bytes, i + 1, component.name) {
            var end = i + 1 + component.name.count
            if let required = component.required {
                guard startsWith(bytes, end, required) else { continue }
                end += required.count
            }
            // The component ends here: `.env.local` and `.ssh/` do, `.envrc` and `.sshd` do not.
            guard end >= count || !(isWordByte(bytes[end]) || bytes[end] == UInt8(ascii: "-")) else { continue }
            let token = pathToken(bytes, around: i..<end)
            guard isInstruction(bytes, token, context) else { return nil }
            return InstructionMatch(
                category: .sensitiveFile, range: token, description: "an instruction to read or send \(pathText(bytes, token)) (\(component.label))")
        }
        return nil
    }

    /// A sensitive file name at the word `bytes[start..<end]`.
    static func sensitiveWord(_ word: SensitiveWord, _ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ context: Context)
        -> InstructionMatch?
    {
        var stop = end
        if let suffix = word.suffix {
            guard startsWith(bytes, end, suffix) else { return nil }
            stop += suffix.count
            guard stop >= bytes.count || !isWordByte(bytes[stop]) else { return nil }
        } else if startsWith(bytes, end, publicKeySuffix) {
            return nil  // a public key
        }
        let token = pathToken(bytes, around: start..<stop)
        guard isInstruction(bytes, token, context) else { return nil }
        return InstructionMatch(
            category: .sensitiveFile, range: token, description: "an instruction to read or send \(pathText(bytes, token)) (\(word.label))")
    }

    /// `-----BEGIN … PRIVATE KEY` at `i`: a finding in a definition wherever it is.
    static func privateKeyHeader(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int, _ context: Context) -> InstructionMatch? {
        guard startsWith(bytes, i, pemBegin) else { return nil }
        var j = i + 11
        while j < bytes.count, j - i < 48, bytes[j] == 0x20 || (bytes[j] &- 0x41 < 26) {
            if startsWith(bytes, j, pemPrivateKey) {
                let range = i..<(j + 11)
                guard context == .definition || isInstruction(bytes, range, context) else { return nil }
                return InstructionMatch(category: .sensitiveFile, range: range, description: "a private key header")
            }
            j += 1
        }
        return nil
    }

    /// The path at `token`, cut to 64 bytes, for a description.
    static func pathText(_ bytes: UnsafeBufferPointer<UInt8>, _ token: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[token]).prefix(64), as: UTF8.self)
    }

    /// The whole path around `range`: `~/.ssh/id_rsa` around `.ssh`.
    static func pathToken(_ bytes: UnsafeBufferPointer<UInt8>, around range: Range<Int>) -> Range<Int> {
        func isPathByte(_ b: UInt8) -> Bool {
            isWordByte(b) || b == UInt8(ascii: "/") || b == UInt8(ascii: ".") || b == UInt8(ascii: "~") || b == UInt8(ascii: "-")
                || b == UInt8(ascii: "$") || b == UInt8(ascii: "\\")
        }
        var start = range.lowerBound
        while start > 0, range.lowerBound - start < 256, isPathByte(bytes[start - 1]) { start -= 1 }
        var end = range.upperBound
        while end < bytes.count, end - range.upperBound < 256, isPathByte(bytes[end]) { end += 1 }
        while end > range.upperBound, bytes[end - 1] == UInt8(ascii: ".") || bytes[end - 1] == UInt8(ascii: "/") { end -= 1 }
        return start..<end
    }

    /// Whether the sentence around `token` instructs to read or send it.
    static func isInstruction(_ bytes: UnsafeBufferPointer<UInt8>, _ token: Range<Int>, _ context: Context) -> Bool {
        // "a .env file", "an id_rsa key": a kind of file, not the user's file.
        if let word = previousWord(bytes, before: token.lowerBound), indefiniteArticles.contains(hash(bytes, word.lowerBound, word.upperBound)) {
            return false
        }
        // Backwards: "read ~/.ssh/id_rsa", "the contents of .env".
        var position = token.lowerBound
        for index in 0..<12 {
            guard let word = previousWord(bytes, before: position) else { break }
            let h = hash(bytes, word.lowerBound, word.upperBound)
            if index == 0, h == ofHash, context == .definition, let before = previousWord(bytes, before: word.lowerBound),
                contentsWords.contains(hash(bytes, before.lowerBound, before.upperBound)), isImperative(bytes, verbAt: before, window: 6)
            {
                return true
            }
            if accessVerbs.contains(h), isImperative(bytes, verbAt: word) { return true }
            position = word.lowerBound
        }
        // Forwards: "~/.ssh/id_rsa: read it and pass it".
        position = token.upperBound
        for _ in 0..<12 {
            guard let (start, _) = nextWord(bytes, after: position) else { break }
            let end = wordEnd(bytes, from: start)
            if accessVerbs.contains(hash(bytes, start, end)), isImperative(bytes, verbAt: start..<end) { return true }
            position = end
        }
        return false
    }

    /// Whether the verb at `verb` reads as an instruction: not after "is", "will", "does"…, and
    /// not negated within the `window` words before it ("never read or print").
    static func isImperative(_ bytes: UnsafeBufferPointer<UInt8>, verbAt verb: Range<Int>, window: Int = 4) -> Bool {
        var position = verb.lowerBound
        for index in 0..<window {
            guard let word = previousWord(bytes, before: position) else { return true }
            let h = hash(bytes, word.lowerBound, word.upperBound)
            if index == 0, notImperative.contains(h) { return false }
            if negating.contains(h) { return false }
            position = word.lowerBound
        }
        return true
    }

    /// Whether `bytes[at...]` starts with `prefix`, ignoring ASCII case.
    static func startsWith(_ bytes: UnsafeBufferPointer<UInt8>, _ at: Int, _ prefix: [UInt8]) -> Bool {
        guard at >= 0, at + prefix.count <= bytes.count else { return false }
        for (k, p) in prefix.enumerated() {
            let b = bytes[at + k]
            if b != p, (b &- 0x41 < 26 ? b | 0x20 : b) != p { return false }
        }
        return true
    }
}
