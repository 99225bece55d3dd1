internal import Foundation

/// What an argument probably is, judged from its key when the policy does not say.
///
/// Keys are compared after lower-casing and removing `_`, `-` and `.` (`base_url`, `baseUrl` and
/// `base-url` are all `baseurl`). A hint only widens what is checked: a value under a `url` key is
/// judged as a destination even without a scheme; prose under a `text` key still has its embedded
/// URLs, secrets and hidden characters checked.
enum ArgumentHints {
    static let urlKeys: Set<String> = [
        "url", "uri", "href", "link", "endpoint", "host", "hostname", "ip", "ipaddress",
        "domain", "webhook", "callback", "proxy", "baseurl", "website", "hosts", "urls", "uris", "endpoints", "domains",
        "webhooks", "proxies", "hostnames", "ips", "links",
    ]
    static let urlSuffixes = ["url", "uri", "host", "endpoint", "hostname", "webhook", "urls", "hosts", "endpoints"]

    static let pathKeys: Set<String> = [
        "path", "file", "filename", "filepath", "dir", "directory", "folder", "cwd", "root", "source", "src",
        "dest", "destination", "paths", "files", "workdir", "workingdirectory",
    ]
    static let pathSuffixes = ["path", "file", "dir", "directory", "folder", "filename", "paths", "files"]

    static let commandKeys: Set<String> = ["command", "cmd", "script", "commandline", "shellcommand", "bash", "sh", "shell", "args", "argv"]

    /// Keys naming a package, whose values may carry version operators (`requests>=2.31`).
    static let packageKeys: Set<String> = ["package", "packagename", "packages", "dependency", "requirement", "module"]

    /// Keys whose values are never destinations or paths, whatever they look like.
    static let notDestinationKeys: Set<String> = [
        "version", "versions", "ver", "release", "build", "semver", "date", "time", "timestamp", "id", "number",
        "xpath", "jsonpath", "selector", "query", "regex", "pattern", "glob", "mimetype", "contenttype",
    ]

    static let argumentKeys: Set<String> = [
        "branch", "ref", "rev", "revision", "commit", "tag", "repo", "repository", "package", "module", "packagename",
        "branchname", "basebranch", "targetbranch", "sha", "refname",
    ]

    /// Tool names that are shells, normalized the same way as keys.
    static let shellToolNames: Set<String> = [
        "bash", "sh", "zsh", "shell", "runshell", "shellexec", "exec", "execcommand", "executecommand", "runcommand",
        "runterminalcmd", "terminal", "runinterminal", "execute", "cmd", "powershell", "runshellcommand", "bashtool",
        "shellcommand", "executeshell", "runbash", "terminalexec", "runcmd", "execshell", "command", "executebash",
        "runscript", "execscript", "shelltool",
    ]

    private static let shellToolNameTable = ByteKeyedTable(shellToolNames.sorted().map { ($0, ()) })

    /// Whether a tool by this name is a shell: its name, normalized like a key, is one of
    /// ``shellToolNames``.
    static func isShellToolName(_ name: String) -> Bool {
        withNormalizedKey(name) { shellToolNameTable[$0] != nil }
    }

    static func normalize(_ key: String) -> String {
        // Most keys are already lower-case ASCII words: no copy.
        if key.utf8.allSatisfy({ $0 &- UInt8(ascii: "a") < 26 || $0 &- UInt8(ascii: "0") < 10 }) { return key }
        if key.utf8.allSatisfy({ $0 < 0x80 }) { return withNormalizedKey(key) { String(decoding: $0, as: UTF8.self) } }
        var out = ""
        for scalar in key.unicodeScalars where scalar != "_" && scalar != "-" && scalar != "." && scalar != " " {
            out.unicodeScalars.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
        }
        return out
    }

    /// What a key says about its values.
    struct KeyFacts: Sendable {
        /// The kind the key suggests (`.host` for URL-ish keys), or `nil`.
        var hint: Policy.ArgumentKind?
        /// The key names a package, whose values may carry version operators.
        var isPackage: Bool
        /// The key mentions a secret, which lowers the bar for what counts as one.
        var mentionsSecret: Bool

        static let none = KeyFacts(hint: nil, isPackage: false, mentionsSecret: false)
    }

    /// The facts of one key. A plain lower-case word is read in one load
    /// (``facts(ofPlainWord:)``); another ASCII key is read once: separators dropped and letters
    /// lower-cased into ``KeyWords`` as it goes, while a six-byte window watches for "secret";
    /// then one table lookup, or the suffix words.
    static func facts(forKey key: String) -> KeyFacts {
        let ascii = key.withUTF8Bytes { bytes -> KeyFacts? in
            if let plain = facts(ofPlainWord: bytes) { return plain }
            return read(bytes).map { facts(normalized: $0.words, mentionsSecret: $0.mentionsSecret) }
        }
        if let ascii { return ascii }
        // Not ASCII: Unicode lower-case mapping first.
        let secret = mentionsSecret(key)
        return withNormalizedKey(key) { facts(normalized: KeyWords($0), mentionsSecret: secret) }
    }

    /// The facts of a key that is its own normal form and fits ``KeyWords`` whole: one to sixteen
    /// lower-case ASCII letters and digits, as most keys are (`url`, `path`, `retries`); `nil`
    /// for any other key.
    static func facts(ofPlainWord bytes: UnsafeBufferPointer<UInt8>) -> KeyFacts? {
        KeyTables.shared.facts(ofPlainWord: bytes)
    }

    /// An ASCII key read once: its normal form's words, and whether the key as given mentions
    /// "secret" (``mentionsSecret(_:)``); `nil` for a key with a byte outside ASCII.
    private static func read(_ bytes: UnsafeBufferPointer<UInt8>) -> (words: KeyWords, mentionsSecret: Bool)? {
        var words = KeyWords()
        // The last six bytes as given, lower-cased, as a 48-bit number.
        var window: UInt64 = 0
        var mentionsSecret = false
        for byte in bytes {
            if byte >= 0x80 { return nil }
            let lower = ByteSearch.lower(byte)
            window = ((window << 8) | UInt64(lower)) & 0xFFFF_FFFF_FFFF
            mentionsSecret = mentionsSecret || window == Self.secretWindow
            if byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == 0x20 { continue }
            words.append(lower)
        }
        return (words, mentionsSecret)
    }

    /// "secret" as ``facts(forKey:)``'s window holds it.
    private static let secretWindow: UInt64 = 0x73_65_63_72_65_74

    /// The facts of a key given its normal form's words.
    private static func facts(normalized words: KeyWords, mentionsSecret: Bool) -> KeyFacts {
        KeyTables.shared.facts(normalized: words, mentionsSecret: mentionsSecret)
    }

    /// The keys whose kind is looked up exactly (normalized).
    static var exactKeyNames: [String] { exactKeys.allKeys }

    /// The tables a key's facts are read from, behind one reference: a walk fetches it once,
    /// rather than passing a lazy-initialization check for each table and key.
    final class KeyTables: Sendable {
        static let shared = KeyTables()

        /// ``facts(forKey:)`` of every exact key, by its normal form.
        private let exactFacts: KeyWordTable<KeyFacts>
        let suffixes = SuffixSet(urlSuffixes.map { ($0, .url) } + pathSuffixes.map { ($0, .path) })

        private init() {
            // Exact keys' hints need the suffixes, passed in: asking `KeyTables.shared` here
            // would wait on this very initialization.
            let suffixes = suffixes
            exactFacts = KeyWordTable(
                exactKeys.allKeys.map { key in
                    let exact = exactKeys[key]
                    let hint = Array(key.utf8).withUnsafeBufferPointer { kind(forNormalizedKey: $0, exact: exact?.kind, suffixes: suffixes) }
                    return (
                        key,
                        KeyFacts(
                            hint: hint.map { $0 == .url ? .host : $0 }, isPackage: exact?.isPackage ?? false, mentionsSecret: mentionsSecret(key))
                    )
                })
        }

        /// The facts of a key given its normal form's words. An exact key's facts are worked
        /// out once: no exact key mentions a secret, and a key mentions one only if its normal
        /// form does.
        @inline(__always) func facts(normalized words: KeyWords, mentionsSecret: Bool) -> KeyFacts {
            if let known = exactFacts[words] { return known }
            return KeyFacts(hint: suffixes.kind(of: words).map { $0 == .url ? .host : $0 }, isPackage: false, mentionsSecret: mentionsSecret)
        }

        /// ``ArgumentHints/facts(ofPlainWord:)``: the key's words read with two loads
        /// (``KeyWords/init(plainWord:)``), without a byte loop.
        @inline(__always) func facts(ofPlainWord bytes: UnsafeBufferPointer<UInt8>) -> KeyFacts? {
            guard let words = KeyWords(plainWord: bytes) else { return nil }
            return facts(normalized: words, mentionsSecret: bytes.count >= 6 && mentionsSecret(bytes))
        }
    }

    /// Whether `key` holds "secret" in any case (`client_secret`, `AWS_SECRET_ACCESS_KEY`).
    static func mentionsSecret(_ key: String) -> Bool {
        key.withUTF8Bytes(mentionsSecret)
    }

    /// ``mentionsSecret(_:)`` of a key's bytes.
    static func mentionsSecret(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count >= 6 else { return false }
        // Keys are short: a byte loop beats a search's set-up. `b | 0x20` folds only the
        // upper-case letter onto each of these lower-case letters.
        for i in 0...(bytes.count - 6) where bytes[i] | 0x20 == UInt8(ascii: "s") {
            if bytes[i + 1] | 0x20 == UInt8(ascii: "e"), bytes[i + 2] | 0x20 == UInt8(ascii: "c"), bytes[i + 3] | 0x20 == UInt8(ascii: "r"),
                bytes[i + 4] | 0x20 == UInt8(ascii: "e"), bytes[i + 5] | 0x20 == UInt8(ascii: "t")
            {
                return true
            }
        }
        return false
    }

    /// The kind a key suggests, or `nil` for none.
    static func kind(forKey key: String) -> Policy.ArgumentKind? {
        withNormalizedKey(key, kind(forNormalizedKey:))
    }

    /// Calls `body` with ``normalize(_:)`` of `key`, in a stack buffer when `key` is ASCII.
    static func withNormalizedKey<R>(_ key: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        // Most keys are lower-case ASCII letters and digits already: their bytes are the normal
        // form. Others are ASCII (copied folded into a stack buffer) or not (Unicode mapping).
        key.withUTF8Bytes { utf8 in
            var alreadyNormal = true
            for byte in utf8 {
                if byte >= 0x80 {
                    var normalized = normalize(key)
                    return normalized.withUTF8(body)
                }
                if byte &- UInt8(ascii: "a") >= 26, byte &- UInt8(ascii: "0") >= 10 { alreadyNormal = false }
            }
            if alreadyNormal { return body(utf8) }
            return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(1, utf8.count)) { buffer in
                var count = 0
                for byte in utf8
                where byte != UInt8(ascii: "_") && byte != UInt8(ascii: "-") && byte != UInt8(ascii: ".") && byte != 0x20 {
                    buffer[count] = ByteSearch.lower(byte)
                    count += 1
                }
                return body(UnsafeBufferPointer(rebasing: buffer[..<count]))
            }
        }
    }

    /// The kind a normalized key suggests. Exact keys first by precedence (argument, text, then
    /// URL and path with their suffixes, then command).
    static func kind(forNormalizedKey key: UnsafeBufferPointer<UInt8>) -> Policy.ArgumentKind? {
        kind(forNormalizedKey: key, exact: exactKeys[key]?.kind, suffixes: KeyTables.shared.suffixes)
    }

    /// ``kind(forNormalizedKey:)`` given the key's exact kind, looked up already.
    private static func kind(
        forNormalizedKey key: UnsafeBufferPointer<UInt8>, exact: Policy.ArgumentKind?, suffixes: SuffixSet
    ) -> Policy.ArgumentKind? {
        if exact == .argument || exact == .text || exact == .url { return exact }
        switch suffixes.kind(ofKey: key) {
        case .url?: return .url
        case .path?: return .path
        default: return exact
        }
    }

    /// What an exact key says: its kind, if it has one, and whether it names a package.
    private struct ExactKey {
        var kind: Policy.ArgumentKind?
        var isPackage = false
    }

    /// Every exact key, looked up once per key; a key in several sets takes the kind listed last
    /// here.
    private static let exactKeys: ByteKeyedTable<ExactKey> = {
        var entries: [String: ExactKey] = [:]
        var order: [String] = []
        func add(_ key: String, _ change: (inout ExactKey) -> Void) {
            if entries[key] == nil { order.append(key) }
            change(&entries[key, default: ExactKey()])
        }
        let kinds: [(Set<String>, Policy.ArgumentKind)] = [
            (commandKeys, .command), (pathKeys, .path), (urlKeys, .url), (notDestinationKeys, .text), (argumentKeys, .argument),
        ]
        for (keys, kind) in kinds { for key in keys.sorted() { add(key) { $0.kind = kind } } }
        for key in packageKeys.sorted() { add(key) { $0.isPackage = true } }
        return ByteKeyedTable(order.map { ($0, entries[$0]!) })
    }()

    /// The URL and path suffixes, each held as masked words of its bytes from the end, so that
    /// a key is compared with every suffix by a few integer operations on its last sixteen bytes.
    struct SuffixSet: Sendable {
        private struct Entry {
            /// Byte `i` (bits `8i..<8i+8`) is the suffix's `i`th byte from the end; `high`
            /// holds bytes 8 to 15 from the end.
            var low: UInt64
            var high: UInt64
            var lowMask: UInt64
            var highMask: UInt64
            var count: Int
            var kind: Policy.ArgumentKind
        }

        /// Grouped by last byte, in the order given within a group.
        private var entries: [Entry] = []
        /// The entries ending in byte `b` are `entries[starts[b & 63]..<starts[b & 63 + 1]]`
        /// (bytes equal modulo 64 share a group): a key is compared only with the suffixes that
        /// could end it, and most keys with none.
        private var starts: [Int] = []

        /// - Parameter suffixes: each at most sixteen bytes.
        init(_ suffixes: [(String, Policy.ArgumentKind)]) {
            var groups = Array(repeating: [Entry](), count: 64)
            for (suffix, kind) in suffixes where !suffix.isEmpty {
                let bytes = Array(suffix.utf8)
                precondition(bytes.count <= 16, "a key suffix is at most sixteen bytes")
                let words = bytes.withUnsafeBufferPointer(KeyWords.init)
                let mask = Array(repeating: UInt8(0xFF), count: bytes.count).withUnsafeBufferPointer(KeyWords.init)
                groups[Int(bytes[bytes.count - 1] & 63)].append(
                    Entry(low: words.low, high: words.high, lowMask: mask.low, highMask: mask.high, count: bytes.count, kind: kind))
            }
            for group in groups {
                starts.append(entries.count)
                entries += group
            }
            starts.append(entries.count)
        }

        /// `.url` if `key` is longer than a URL suffix and ends with it, else `.path` if it is
        /// longer than a path suffix and ends with that, else `nil`.
        func kind(ofKey key: UnsafeBufferPointer<UInt8>) -> Policy.ArgumentKind? {
            kind(of: KeyWords(key))
        }

        /// ``kind(ofKey:)`` of the key whose words these are.
        func kind(of key: KeyWords) -> Policy.ArgumentKind? {
            guard key.count > 0 else { return nil }
            let last = UInt8(truncatingIfNeeded: key.low)
            let group = starts[Int(last & 63)]..<starts[Int(last & 63) + 1]
            if group.isEmpty { return nil }
            var found: Policy.ArgumentKind?
            for index in group {
                let entry = entries[index]
                guard key.count > entry.count, key.low & entry.lowMask == entry.low, key.high & entry.highMask == entry.high else { continue }
                if entry.kind == .url { return .url }
                found = found ?? entry.kind
            }
            return found
        }
    }
}
