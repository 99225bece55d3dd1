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

    static func normalize(_ key: String) -> String {
        // Most keys are already lower-case ASCII words: no copy.
        if key.utf8.allSatisfy({ $0 &- UInt8(ascii: "a") < 26 || $0 &- UInt8(ascii: "0") < 10 }) { return key }
        if key.utf8.allSatisfy({ $0 < 0x80 }) {
            let bytes = key.utf8.compactMap { b -> UInt8? in
                b == UInt8(ascii: "_") || b == UInt8(ascii: "-") || b == UInt8(ascii: ".") || b == 0x20 ? nil : ByteSearch.lower(b)
            }
            return String(decoding: bytes, as: UTF8.self)
        }
        var out = ""
        for scalar in key.unicodeScalars where scalar != "_" && scalar != "-" && scalar != "." && scalar != " " {
            out.unicodeScalars.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
        }
        return out
    }

    /// The kind a key suggests, or `nil` for none.
    static func kind(forKey key: String) -> Policy.ArgumentKind? {
        kind(forNormalizedKey: normalize(key))
    }

    /// ``kind(forKey:)`` for a key already passed through ``normalize(_:)``.
    static func kind(forNormalizedKey k: String) -> Policy.ArgumentKind? {
        if argumentKeys.contains(k) { return .argument }
        if notDestinationKeys.contains(k) { return .text }
        if urlKeys.contains(k) || urlSuffixes.contains(where: { k.utf8.count > $0.utf8.count && k.utf8.reversed().starts(with: $0.utf8.reversed()) })
        {
            return .url
        }
        if pathKeys.contains(k)
            || pathSuffixes.contains(where: { k.utf8.count > $0.utf8.count && k.utf8.reversed().starts(with: $0.utf8.reversed()) })
        {
            return .path
        }
        if commandKeys.contains(k) { return .command }
        if argumentKeys.contains(k) { return .argument }
        return nil
    }
}
