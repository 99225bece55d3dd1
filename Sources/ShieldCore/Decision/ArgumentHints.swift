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

    /// The facts of one key, computed on its normalized bytes without building a `String` for
    /// ASCII keys.
    static func facts(forKey key: String) -> KeyFacts {
        withNormalizedKey(key) { normalized in
            // An exact key's facts are worked out once: no exact key mentions a secret, and a
            // key mentions one only if its normal form does.
            if let known = exactKeyFacts[normalized] { return known }
            return KeyFacts(
                hint: kind(forNormalizedKey: normalized, exact: nil).map { $0 == .url ? .host : $0 }, isPackage: false,
                mentionsSecret: mentionsSecret(key))
        }
    }

    /// The keys whose kind is looked up exactly (normalized).
    static var exactKeyNames: [String] { exactKeys.allKeys }

    /// ``facts(forKey:)`` of every exact key, by its normal form.
    private static let exactKeyFacts = ByteKeyedTable(
        exactKeys.allKeys.map { key in
            let exact = exactKeys[key]
            let hint = Array(key.utf8).withUnsafeBufferPointer { kind(forNormalizedKey: $0, exact: exact?.kind) }
            return (
                key, KeyFacts(hint: hint.map { $0 == .url ? .host : $0 }, isPackage: exact?.isPackage ?? false, mentionsSecret: mentionsSecret(key))
            )
        })

    /// Whether `key` holds "secret" in any case (`client_secret`, `AWS_SECRET_ACCESS_KEY`).
    static func mentionsSecret(_ key: String) -> Bool {
        key.withUTF8Bytes { bytes in
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
        kind(forNormalizedKey: key, exact: exactKeys[key]?.kind)
    }

    /// ``kind(forNormalizedKey:)`` given the key's exact kind, looked up already.
    private static func kind(forNormalizedKey key: UnsafeBufferPointer<UInt8>, exact: Policy.ArgumentKind?) -> Policy.ArgumentKind? {
        if exact == .argument || exact == .text { return exact }
        if exact == .url || urlSuffixSet.isProperSuffix(of: key) { return .url }
        if exact == .path || pathSuffixSet.isProperSuffix(of: key) { return .path }
        return exact
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
    private static let urlSuffixSet = SuffixSet(urlSuffixes)
    private static let pathSuffixSet = SuffixSet(pathSuffixes)

    /// A few suffixes in one byte array; a key is compared in full only with the suffixes
    /// shorter than it that end in its last byte.
    struct SuffixSet: Sendable {
        private var storage: [UInt8] = []
        private var ranges: [Range<Int>] = []
        /// Bit `b & 63` set when a suffix ends in byte `b`: most keys end in a byte no suffix
        /// ends in, and are answered without a comparison.
        private var lastBytes: UInt64 = 0

        init(_ suffixes: [String]) {
            for suffix in suffixes where !suffix.isEmpty {
                let start = storage.count
                storage += suffix.utf8
                ranges.append(start..<storage.count)
                lastBytes |= 1 << UInt64(storage[storage.count - 1] & 63)
            }
        }

        /// Whether `key` is longer than one of the suffixes and ends with it.
        func isProperSuffix(of key: UnsafeBufferPointer<UInt8>) -> Bool {
            guard let last = key.last, lastBytes & (1 << UInt64(last & 63)) != 0 else { return false }
            return storage.withUnsafeBufferPointer { storage in
                ranges.contains { range in
                    key.count > range.count && storage[range.upperBound - 1] == last
                        && memcmp(key.baseAddress! + (key.count - range.count), storage.baseAddress! + range.lowerBound, range.count) == 0
                }
            }
        }
    }
}
