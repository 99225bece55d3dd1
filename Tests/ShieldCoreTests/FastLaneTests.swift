import Testing

@testable import ShieldCore

/// The shortcuts that decide common values on their bytes must never clear what the full
/// judgment blocks: each is checked against the full path on generated inputs.
@Suite struct FastLaneTests {
    static let context = EvaluationContext(homeDirectory: "/home/user", workingDirectory: "/workspace")

    /// Up to `maxPieces` random `pieces`, joined.
    static func randomText(_ pieces: [String], maxPieces: Int, _ rng: inout SeededGenerator) -> String {
        (0..<Int.random(in: 0...maxPieces, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
    }

    /// Checks `shortcut` against `reference` on 20,000 texts of up to five `pieces`; returns
    /// how many the reference said yes to, for the caller to check the texts cover both answers.
    static func agreements(seed: UInt64, _ pieces: [String], _ shortcut: (String) -> Bool, _ reference: (String) -> Bool) -> Int {
        var rng = SeededGenerator(state: seed)
        var yes = 0
        for _ in 0..<20_000 {
            let text = randomText(pieces, maxPieces: 5, &rng)
            let expected = reference(text)
            if expected { yes += 1 }
            #expect(shortcut(text) == expected, "\(String(reflecting: text))")
        }
        return yes
    }

    /// Paths built from segments that hit the deny lists, dot segments, encodings, case and the
    /// prefixes the plain lane handles (`/`, `~/`, relative) and those it must leave alone.
    static func paths(count: Int, seed: UInt64) -> [String] {
        var rng = SeededGenerator(state: seed)
        let segments = [
            "a", "data", ".", "..", "...", "etc", "passwd", "Shadow", ".ssh", "id_rsa", ".AWS", "credentials", "proc", "self", ".env",
            ".env.", ".env.local", ".env.example", "home", "user", "root", "workspace", "Workspace", "x.json", "dev", "fd", ".kube", "config",
            "%2e%2e", "a\\b", "ünï", "claude_desktop_config.json", ".config", "gh", "hosts.yml", "var", "run", "secrets", "ssh_host_rsa_key",
        ]
        let prefixes = ["", "/", "./", "~/", "~", "../", "~root/", "~user/", "//", "C:", "file:", "/workspace/", "/workspace-evil/"]
        return (0..<count).map { _ in
            let body = (0..<Int.random(in: 0...5, using: &rng)).map { _ in segments.randomElement(using: &rng)! }
            return prefixes.randomElement(using: &rng)! + body.joined(separator: Bool.random(using: &rng) ? "/" : "//")
        }
    }

    @Test(arguments: ["default", "strict"])
    func plainPathsAreAllowedOnlyWhenTheFullCheckAllowsThem(policyName: String) throws {
        var policies = [try PolicyCatalog().load(name: policyName)]
        var rooted = policies[0]
        rooted.filesystem.roots = ["/workspace", "~/projects"]
        rooted.filesystem.denyPaths = ["**/secrets/**", "/var/run"]
        policies.append(rooted)
        var decided = 0
        for policy in policies {
            let guardian = PathGuard(policy.filesystem, context: Self.context)
            for path in Self.paths(count: 20_000, seed: 11) where guardian.isPlainlyAllowed(path) {
                decided += 1
                #expect(guardian.checkInFull(path) == nil, "\(policyName): \(String(reflecting: path)) was cleared by the plain lane")
            }
        }
        // The lane must decide something, or this test checks nothing.
        #expect(decided > 1000)
    }

    @Test func plainURLsAreClearOnlyWhenTheFullCheckClearsThem() throws {
        var rng = SeededGenerator(state: 5)
        let schemes = ["http", "HTTPS", "ws", "wss", "ftp", "s3", "git+https", "file", "gopher", "hTTp"]
        let hosts = [
            "example.com", "api.github.com", "EXAMPLE.org", "localhost", "a.localhost", "printer.local", "db.internal", "metadata.google.internal",
            "metadata", "host", "127.0.0.1.nip.io", "10.0.0.1.sslip.io", "example.com.nip.io", "lvh.me", "kubernetes.default", "x.home.arpa",
            "cdn.example.net.", "a_b.example", "xn--nxasmq6b.com", "1.2.3.4", "example.1", "a..b", ".a", "svc.cluster.svc", "foo.corp",
        ]
        let tails = ["", "/", "/a/b?c=1", "#x", ":8080/", ":99999", "@127.0.0.1/", "\\x", "?q"]
        var policies = [try PolicyCatalog().load(name: "default")]
        var restricted = policies[0]
        restricted.egress.allowedSchemes = ["https"]
        restricted.egress.allowInternal = ["*.corp"]
        policies.append(restricted)
        var decided = 0
        for policy in policies {
            let egress = EgressGuard(policy.egress)
            for _ in 0..<20_000 {
                let url = schemes.randomElement(using: &rng)! + "://" + hosts.randomElement(using: &rng)! + tails.randomElement(using: &rng)!
                let whole = Bool.random(using: &rng)
                let plain = url.withUTF8Bytes { egress.isPlainlyClear($0, asWholeValue: whole) }
                guard plain else { continue }
                decided += 1
                guard case .clear = egress.check(url: Substring(url), asWholeValue: whole) else {
                    Issue.record("\(String(reflecting: url)) (whole value: \(whole)) was cleared by the plain lane")
                    continue
                }
            }
        }
        #expect(decided > 1000)
    }

    /// A policy with host lists is never decided by the plain lane (its patterns match hosts).
    @Test func hostListsTurnThePlainURLLaneOff() throws {
        var policy = try PolicyCatalog().load(name: "default")
        policy.egress.denyHosts = ["example.com"]
        let egress = EgressGuard(policy.egress)
        #expect(!"https://example.com/".withUTF8Bytes { egress.isPlainlyClear($0, asWholeValue: true) })
    }

    /// The byte loop behind `mentionsSecret` finds "secret" in any case, anywhere.
    @Test func secretMentionMatchesASubstringSearch() {
        var rng = SeededGenerator(state: 3)
        let pieces = ["s", "S", "e", "E", "c", "r", "t", "T", "secret", "SECRET", "Secre", "_", "x", "é", "ſ"]
        for _ in 0..<5000 {
            let key = Self.randomText(pieces, maxPieces: 6, &rng)
            #expect(ArgumentHints.mentionsSecret(key) == key.lowercased().contains("secret"), "\(String(reflecting: key))")
        }
    }

    /// The compiled allow list decides as the list itself: an entry allows its own name, even
    /// one with glob characters, and globs allow what they match.
    @Test func compiledAllowListMatchesExactNamesAndGlobs() throws {
        var policy = try PolicyCatalog().load(name: "default")
        policy.allowedTools = ["read_file", "tool[1]", "git_*"]
        let engine = DecisionEngine(policy: policy, context: Self.context)
        for name in ["read_file", "tool[1]", "tool1", "git_status"] {
            #expect(engine.decideToolName(name).verdict == .allow, "\(name)")
        }
        for name in ["Read_File", "write_file", "tool2", "git"] {
            #expect(engine.decideToolName(name).verdict == .block, "\(name)")
        }
    }

    @Test func exactKeyFactsMatchTheirComputation() {
        let variants = ArgumentHints.exactKeyNames.flatMap { [$0, $0.uppercased(), "_" + $0, $0 + "-"] }
        for key in variants {
            let facts = ArgumentHints.facts(forKey: key)
            let normal = ArgumentHints.normalize(key)
            #expect(facts.hint == ArgumentHints.kind(forKey: key).map { $0 == .url ? .host : $0 }, "\(key)")
            #expect(facts.isPackage == ArgumentHints.packageKeys.contains(normal), "\(key)")
            #expect(facts.mentionsSecret == ArgumentHints.mentionsSecret(key), "\(key)")
        }
        // The table may say "no secret" for an exact key only because none mentions one.
        #expect(ArgumentHints.exactKeyNames.allSatisfy { !ArgumentHints.mentionsSecret($0) })
    }

    /// The suffix words decide as `hasSuffix` on the lists: a URL suffix first, then a path
    /// suffix, and only for keys longer than the suffix.
    @Test func keySuffixesMatchASuffixSearch() {
        var rng = SeededGenerator(state: 11)
        let suffixes = ArgumentHints.SuffixSet(ArgumentHints.urlSuffixes.map { ($0, .url) } + ArgumentHints.pathSuffixes.map { ($0, .path) })
        let pieces = ArgumentHints.urlSuffixes + ArgumentHints.pathSuffixes + ["s", "x", "base", "o", "ry", "l", "ri", "files", "sourcepath", "é"]
        var suffixed = 0
        for _ in 0..<20_000 {
            let key = Self.randomText(pieces, maxPieces: 3, &rng)
            func ends(_ list: [String]) -> Bool { list.contains { key.utf8.count > $0.utf8.count && key.hasSuffix($0) } }
            let expected: Policy.ArgumentKind? = ends(ArgumentHints.urlSuffixes) ? .url : ends(ArgumentHints.pathSuffixes) ? .path : nil
            if expected != nil { suffixed += 1 }
            #expect(Array(key.utf8).withUnsafeBufferPointer { suffixes.kind(ofKey: $0) } == expected, "\(key)")
        }
        #expect(suffixed > 5000)
    }

    /// The one-pass classification of a value agrees with a search for each byte, for short
    /// values (classified in one pass) and long ones (searched).
    @Test func textShapeMatchesByteSearches() {
        var rng = SeededGenerator(state: 13)
        let pieces = ["a", "http", ":", " ", "\t", "\n", "\r", "é", "/", "0", "xyzxyzxyzxyzxyz", "\u{7F}", "\u{80}"]
        var classified = (colon: 0, whitespace: 0, lineFeed: 0, nonASCII: 0, long: 0)
        for _ in 0..<5000 {
            let text = Self.randomText(pieces, maxPieces: 150, &rng)
            let shape = text.withUTF8Bytes(ArgumentWalker.TextShape.init)
            let bytes = Array(text.utf8)
            #expect(shape.isASCII == bytes.allSatisfy { $0 < 0x80 }, "\(String(reflecting: text))")
            #expect(shape.hasColon == bytes.contains(0x3A), "\(String(reflecting: text))")
            if bytes.count <= ArgumentWalker.TextShape.onePassLimit {
                #expect(shape.hasWhitespace == bytes.contains { [0x20, 0x09, 0x0A, 0x0D].contains($0) }, "\(String(reflecting: text))")
                #expect(shape.hasLineFeed == bytes.contains(0x0A), "\(String(reflecting: text))")
            } else {
                #expect(shape.hasWhitespace == nil && shape.hasLineFeed == nil)
                classified.long += 1
            }
            if shape.hasColon { classified.colon += 1 }
            if shape.hasWhitespace == true { classified.whitespace += 1 }
            if shape.hasLineFeed == true { classified.lineFeed += 1 }
            if !shape.isASCII { classified.nonASCII += 1 }
        }
        #expect(classified.colon > 500 && classified.whitespace > 500 && classified.lineFeed > 500 && classified.nonASCII > 500)
        #expect(classified.long > 500 && classified.long < 4500)
    }

    /// `looksLikeHostValue` decides as the three scans it replaced: digits and dots, a bracket,
    /// and a port of one to five digits after the last colon with a host before it.
    @Test func hostValueShapeMatchesItsReference() {
        func reference(_ text: String) -> Bool {
            if !text.isEmpty, text.utf8.allSatisfy({ $0 &- 48 < 10 || $0 == UInt8(ascii: ".") }) { return IPAddress.parseDottedQuad(text) != nil }
            if text.hasPrefix("[") { return true }
            guard let colon = text.lastIndex(of: ":"), text.index(after: colon) < text.endIndex else { return false }
            let port = text[text.index(after: colon)...]
            guard port.utf8.count <= 5, port.utf8.allSatisfy({ $0 &- 48 < 10 }) else { return false }
            var host = text[..<colon]
            if let at = host.lastIndex(of: "@") { host = host[host.index(after: at)...] }
            let name = host.lowercased()
            return host.contains(".") || name == "localhost" || name.hasSuffix(".localhost") || HostClassifier.metadataNames.contains(name)
        }
        let pieces = [
            "1", "27", ".", ":", "[", "::1]", "@", "localhost", "a.localhost", "example", ".com", "80", "65536", "x", "metadata.google.internal", "é",
        ]
        #expect(Self.agreements(seed: 17, pieces, ArgumentWalker.looksLikeHostValue, reference) > 1000)
    }

    /// The one-pass key reader agrees with normalizing first: the hint of ``ArgumentHints/kind(forKey:)``,
    /// the package keys, the secret mention and the shell tool names, for keys with separators,
    /// capitals, letters outside ASCII and normal forms longer than sixteen bytes.
    @Test func keyFactsMatchNormalizingFirst() {
        var rng = SeededGenerator(state: 19)
        let pieces =
            ArgumentHints.exactKeyNames + ["_", "-", ".", " ", "URL", "Path", "se", "cret", "SECRET", "x", "É", "ß", "K", "webhooks"]
            + ["bash", "Run", "terminal", "cmd", "Shell", "exec", "ute"]
        var (kinds, shells) = (0, 0)
        for _ in 0..<20_000 {
            let key = Self.randomText(pieces, maxPieces: 4, &rng)
            let facts = ArgumentHints.facts(forKey: key)
            let hint = ArgumentHints.kind(forKey: key).map { $0 == .url ? .host : $0 }
            if hint != nil { kinds += 1 }
            #expect(facts.hint == hint, "\(String(reflecting: key))")
            #expect(facts.isPackage == ArgumentHints.packageKeys.contains(ArgumentHints.normalize(key)), "\(String(reflecting: key))")
            #expect(facts.mentionsSecret == ArgumentHints.mentionsSecret(key), "\(String(reflecting: key))")
            let isShell = ArgumentHints.shellToolNames.contains(ArgumentHints.normalize(key))
            if isShell { shells += 1 }
            #expect(ArgumentHints.isShellToolName(key) == isShell, "\(String(reflecting: key))")
        }
        #expect(kinds > 5000 && shells > 200)
    }

    /// A key-word table finds exactly its keys: every key, and no other key of at most sixteen
    /// bytes (keys that differ only in length or in their last or first byte included).
    @Test func keyWordTableFindsExactlyItsKeys() {
        let keys = ["a", "ab", "url", "path", "workingdirectory", "xpath", "\u{0}a"]
        let table = KeyWordTable(keys.enumerated().map { ($0.element, $0.offset) })
        func lookup(_ key: String) -> Int? { Array(key.utf8).withUnsafeBufferPointer { table[KeyWords($0)] } }
        for (index, key) in keys.enumerated() { #expect(lookup(key) == index, "\(key)") }
        for key in ["", "b", "aa", "\u{0}ab", "urls", "rl", "uri", "workingdirectorx", "workingdirectoryy", "pathx", "xpat"] {
            #expect(lookup(key) == nil, "\(String(reflecting: key))")
        }
    }

    /// Words read with two overlapping loads equal words built byte by byte, for every length
    /// from one to sixteen, and a key with any other byte (in any position) is not a plain word;
    /// a plain word's facts equal those of the byte-by-byte reader.
    @Test func plainWordKeysAreReadAsByteByByte() {
        var rng = SeededGenerator(state: 29)
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789".utf8)
        let others: [UInt8] = [0, 0x2F, 0x3A, 0x40, 0x41, 0x5A, 0x5F, 0x60, 0x7B, 0x7F, 0x80, 0xB0, 0xE1, 0xFF]
        for count in 1...17 {
            for _ in 0..<300 {
                var bytes = (0..<count).map { _ in alphabet.randomElement(using: &rng)! }
                let plain = count <= 16 ? bytes.withUnsafeBufferPointer(KeyWords.init) : nil
                #expect(bytes.withUnsafeBufferPointer(KeyWords.init(plainWord:)) == plain, "\(bytes)")
                bytes[Int.random(in: 0..<count, using: &rng)] = others.randomElement(using: &rng)!
                #expect(bytes.withUnsafeBufferPointer(KeyWords.init(plainWord:)) == nil, "\(bytes)")
            }
        }
        #expect([UInt8]().withUnsafeBufferPointer(KeyWords.init(plainWord:)) == nil)
        let pieces = ArgumentHints.exactKeyNames + ["secret", "s", "ecret", "url", "path", "7", "dir", "x", "_", "A", "é", "webhooks"]
        var plain = 0
        for _ in 0..<20_000 {
            let key = Self.randomText(pieces, maxPieces: 4, &rng)
            let isPlain = !key.isEmpty && key.utf8.count <= 16 && key.utf8.allSatisfy { $0 &- 0x61 < 26 || $0 &- 0x30 < 10 }
            let facts = key.withUTF8Bytes(ArgumentHints.facts(ofPlainWord:))
            #expect((facts != nil) == isPlain, "\(String(reflecting: key))")
            guard let facts else { continue }
            plain += 1
            #expect(facts.hint == ArgumentHints.kind(forKey: key).map { $0 == .url ? .host : $0 }, "\(key)")
            #expect(facts.isPackage == ArgumentHints.packageKeys.contains(key), "\(key)")
            #expect(facts.mentionsSecret == key.contains("secret"), "\(key)")
        }
        #expect(plain > 5000)
    }

    /// The sixteen-byte host-name reader of plain URLs agrees with a byte loop: where the run
    /// ends, whether it ends on an authority delimiter, its last dot and empty labels.
    @Test func hostNameRunMatchesAByteLoop() {
        func reference(_ bytes: [UInt8], from start: Int) -> (end: Int, lastDot: Int?)? {
            var j = start
            var lastDot: Int?
            var previous = UInt8(ascii: ".")
            while j < bytes.count {
                let b = bytes[j]
                if "/?#:".utf8.contains(b) { break }
                guard b.isASCIILetter || b &- 48 < 10 || b == UInt8(ascii: "-") || b == UInt8(ascii: "_") || b == UInt8(ascii: ".") else {
                    return nil
                }
                if b == UInt8(ascii: ".") {
                    guard previous != UInt8(ascii: ".") else { return nil }
                    lastDot = j
                }
                previous = b
                j += 1
            }
            return (j, lastDot)
        }
        var rng = SeededGenerator(state: 31)
        let pieces = ["a", "Z", "9", "-", "_", ".", "..", "example", "com", "/", "?", "#", ":", "@", " ", "é", "%", "\\", "0123456789abcdef"]
        var ended = 0
        for _ in 0..<20_000 {
            let bytes = Array(Self.randomText(pieces, maxPieces: 8, &rng).utf8)
            let start = Int.random(in: 0...bytes.count, using: &rng)
            let expected = reference(bytes, from: start)
            let found = bytes.withUnsafeBufferPointer { URLReference.hostName($0, from: start) }
            if expected != nil { ended += 1 }
            #expect(found?.end == expected?.end && found?.lastDot == expected?.lastDot, "\(String(decoding: bytes, as: UTF8.self)) from \(start)")
        }
        #expect(ended > 4000)
    }

    /// A URL-valued value that ``ArgumentWalker/isOneURLRun(_:)`` accepts and the plain lane
    /// clears is, to ``URLFinder``, exactly one URL: the whole value. The walker then skips the
    /// finder for it.
    @Test func oneURLRunIsWhatTheFinderReads() throws {
        let egress = EgressGuard(try PolicyCatalog().load(name: "default").egress)
        var rng = SeededGenerator(state: 37)
        let schemes = ["https", "http", "HTTPS", "ws", "ftp", "a+b", "1http", ""]
        let separators = ["://", "://", "://", ":/", ":", "//", ":\\\\"]
        let globalHosts = ["example.com", "api.github.com", "cdn.example.net", "Example.ORG"]
        let hosts = globalHosts + globalHosts + ["a", "127.0.0.1", "localhost", "x.internal", "", ".", "a..b", "é.com", "host_1"]
        let pieces = ["/", "/", "?q=", "#f", "@", "\"", "'", "<", "`", "%20", "\u{0B}", "\u{7F}", ":8080", "http://", "-", ".", "a", "a", "\t"]
        var skipped = 0
        for _ in 0..<20_000 {
            let text =
                schemes.randomElement(using: &rng)! + separators.randomElement(using: &rng)! + hosts.randomElement(using: &rng)!
                + Self.randomText(pieces, maxPieces: 4, &rng)
            // The walker takes the shortcut only for values without white space.
            guard !text.utf8.contains(where: { [0x20, 0x09, 0x0A, 0x0D].contains($0) }) else { continue }
            let oneRun = text.withUTF8Bytes(ArgumentWalker.isOneURLRun)
            guard oneRun, text.withUTF8Bytes({ egress.isPlainlyClear($0, asWholeValue: true) }) else { continue }
            skipped += 1
            #expect(URLFinder.ranges(in: text) == [0..<text.utf8.count], "\(String(reflecting: text))")
        }
        #expect(skipped > 500)
    }

    /// `looksLikePath` decides as its definition: not a URL, and opening like a path or holding
    /// a `..` segment (the URL search now runs last, only when it can change the answer).
    @Test func pathShapeMatchesItsDefinition() {
        func reference(_ text: String) -> Bool {
            guard !text.contains("://") else { return false }
            let scalars = Array(text.unicodeScalars)
            func at(_ i: Int) -> Unicode.Scalar { i < scalars.count ? scalars[i] : "\u{0}" }
            let opens =
                ["/", "\\", "~"].contains(at(0))
                || (at(0) == "." && (["/", "\\"].contains(at(1)) || (at(1) == "." && (scalars.count == 2 || ["/", "\\"].contains(at(2))))))
                || (at(0) == "%" && at(1) == "2" && (at(2) == "e" || at(2) == "E"))
                || (scalars.count >= 3 && at(0).isASCII && Character(at(0)).isLetter && at(1) == ":" && ["/", "\\"].contains(at(2)))
            let dotDot = text.split(omittingEmptySubsequences: false) { $0 == "/" || $0 == "\\" }.contains("..")
            return opens || dotDot
        }
        let pieces = ["/", "\\", "~", ".", "..", "%2e", "%2E", "C:", "c", ":", "://", "http", "a", "é", " "]
        #expect(Self.agreements(seed: 23, pieces, ArgumentWalker.looksLikePath, reference) > 3000)
    }

    /// Only containers are recorded for paths: a finding on a key, on a scalar in an array and
    /// inside JSON held in a string still names its exact place.
    @Test func findingPathsNameTheirPlace() throws {
        let engine = DecisionEngine(policy: try PolicyCatalog().load(name: "default"), context: Self.context)
        let token = "ghp_" + String("R8xq2LmZ7vT4nW9kP3sY6dH1cJ5fB0gA2eU7".reversed())
        let badKey = ToolCall(
            name: "t", arguments: .object([("outer", .array([.string("fine"), .object([("ok", .null), (token, .string("v"))])]))]))
        #expect(engine.evaluate(badKey).path == "$.outer[1]" + JSONPath.member(token))
        let embedded = ToolCall(
            name: "t", arguments: .object([("a", .object([("doc", .string(#"{"x": ["fine", "http://127.0.0.1/"]}"#))]))]))
        let decision = engine.evaluate(embedded)
        #expect(decision.rule == "ssrf.private-address")
        #expect(decision.path == "$.a.doc(json).x[1]")
    }

    /// Shell words are read by byte where they are ASCII; other characters keep their Unicode
    /// meaning (a letter of any script names a `name=value`; a digit of any script ends an
    /// interpreter's version).
    @Test func shellWordShortcutsAgreeWithCharacters() {
        let pieces = ["a", "Z", "0", "_", "-", "=", "@", "/", "é", "ключ", "٣", "→", " ", "."]
        for dash in [false, true] {
            let reference = { (text: String) in text.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || (dash && $0 == "-") } }
            #expect(Self.agreements(seed: dash ? 29 : 31, pieces, { CommandGuard.isName(Substring($0), dash: dash) }, reference) > 1000)
        }
        let interpreter = { (name: String) -> String in
            var base = Substring(name)
            while let last = base.last, last.isNumber || last == "." { base = base.dropLast() }
            return base.isEmpty ? name : String(base)
        }
        var renamed = 0
        var rng = SeededGenerator(state: 37)
        for _ in 0..<20_000 {
            let name = Self.randomText(["sh", "python", "3", ".", "12", "٣", "é", "-"], maxPieces: 4, &rng)
            let expected = interpreter(name)
            if expected != name { renamed += 1 }
            #expect(CommandGuard.interpreterName(name) == expected, "\(name)")
        }
        #expect(renamed > 3000)
        let programName = { (word: String) in String(word.split(separator: "/").last ?? Substring(word)).lowercased() }
        let words = ["sh", "Git", "/", "usr", "É", "é", "-", "Z"]
        // Each generated word: the shortcut's name is the reference's (agreements checks each).
        _ = Self.agreements(seed: 43, words, { ShellSyntax.SimpleCommand.programName($0) == programName($0) }, { _ in true })
        // Words that cannot hold a path are answered early; the full reading agrees.
        var rng2 = SeededGenerator(state: 47)
        var withCandidates = 0
        for _ in 0..<20_000 {
            let word = Self.randomText(
                ["a", "/", "~", ".", "=", "@", "<", ";", "{", "}", ",", "id_", "i", "d_", "://", "-", "é"], maxPieces: 6, &rng2)
            let expected = CommandGuard.pathCandidatesInFull(in: word)
            if !expected.isEmpty { withCandidates += 1 }
            #expect(CommandGuard.pathCandidates(in: word) == expected, "\(word)")
        }
        #expect(withCandidates > 5000)
        #expect(CommandGuard.pathCandidates(in: "ключ=/etc/shadow") == ["/etc/shadow"])
        #expect(CommandGuard.pathCandidates(in: "→=/etc/shadow") == ["→=/etc/shadow"])
    }
}
