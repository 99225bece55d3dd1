public import ShieldCore

#if canImport(Glibc)
    internal import Glibc
#endif

/// The sandboxes running on this machine: one JSON file per sandbox in a directory beside the
/// audit database, written by the proxy that runs it and removed when it exits. `serve`, `mcp-shield
/// sandbox list` and `stop` read it; an entry whose proxy is gone (killed with SIGKILL) is
/// dropped when listed.
public struct SandboxRegistry: Sendable {
    public let directory: String

    /// A running sandbox.
    public struct Entry: Sendable, Equatable {
        public var name: String
        public var kind: String
        public var server: String
        public var policy: String
        public var command: [String]
        /// The proxy that runs it: stopping the sandbox is SIGTERM to this process.
        public var pid: Int32
        public var startedMilliseconds: Int64
        /// The Unix socket a client connects to, for a sandbox launched in the background.
        public var socket: String?
        /// The proxy's start time (clock ticks since boot, from `/proc`): with the pid, it tells
        /// the proxy from a later process that was given the same pid.
        public var processStart: UInt64?

        public init(
            name: String, kind: String, server: String, policy: String, command: [String], pid: Int32, startedMilliseconds: Int64,
            socket: String? = nil
        ) {
            self.name = name
            self.kind = kind
            self.server = server
            self.policy = policy
            self.command = command
            self.pid = pid
            self.startedMilliseconds = startedMilliseconds
            self.socket = socket
            processStart = SandboxRegistry.startTime(of: pid)
        }

        public var json: JSONValue {
            .object([
                ("name", .string(name)), ("kind", .string(kind)), ("server", .string(server)), ("policy", .string(policy)),
                ("command", .array(command.map(JSONValue.string))), ("pid", .number(String(pid))),
                ("started_ms", .number(String(startedMilliseconds))), ("socket", socket.map(JSONValue.string) ?? .null),
                ("process_start", processStart.map { .number(String($0)) } ?? .null),
            ])
        }

        init?(json: JSONValue) {
            guard case .string(let name)? = json["name"], case .string(let kind)? = json["kind"], case .string(let server)? = json["server"],
                case .string(let policy)? = json["policy"], case .array(let command)? = json["command"],
                case .number(let pid)? = json["pid"], let pid = Int32(pid), case .number(let started)? = json["started_ms"],
                let started = Int64(started)
            else { return nil }
            let words = command.compactMap { if case .string(let word) = $0 { word } else { nil } }
            guard words.count == command.count else { return nil }
            var socket: String?
            if case .string(let path)? = json["socket"] { socket = path }
            self.init(name: name, kind: kind, server: server, policy: policy, command: words, pid: pid, startedMilliseconds: started, socket: socket)
            processStart = nil
            if case .number(let start)? = json["process_start"] { processStart = UInt64(start) }
        }
    }

    public init(directory: String) { self.directory = directory }

    /// The registry beside an audit database (`…/audit.db` → `…/sandboxes`).
    public init(besideDatabase path: String) {
        let parent = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        self.init(directory: (parent.isEmpty ? "" : parent) + "/sandboxes")
    }

    /// A name is one safe path segment: letters, digits, `-`, `_`, `.`, not starting with `.`.
    public static func isValidName(_ name: String) -> Bool {
        guard let first = name.utf8.first, first != UInt8(ascii: "."), name.utf8.count <= 64 else { return false }
        return name.utf8.allSatisfy { byte in
            (byte | 0x20) &- UInt8(ascii: "a") < 26 || byte &- UInt8(ascii: "0") < 10 || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
                || byte == UInt8(ascii: ".")
        }
    }

    func file(_ name: String) -> String { "\(directory)/\(name).json" }

    /// Records a sandbox; a name already taken by a live sandbox is refused.
    public func register(_ entry: Entry) throws(SandboxError) {
        guard Self.isValidName(entry.name) else {
            throw SandboxError("\"\(entry.name)\" is not a sandbox name (letters, digits, - _ ., at most 64)")
        }
        try makeDirectory()
        if let existing = read(entry.name) {
            guard !Self.isRunning(existing) else { throw SandboxError("a sandbox named \(entry.name) is already running (pid \(existing.pid))") }
            unlink(file(entry.name))
        }
        let bytes = Array((entry.json.jsonText + "\n").utf8)
        let descriptor = open(file(entry.name), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw SandboxError("cannot record the sandbox in \(directory): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        guard write(descriptor, bytes, bytes.count) == bytes.count else {
            unlink(file(entry.name))
            throw SandboxError("cannot record the sandbox in \(directory): \(String(cString: strerror(errno)))")
        }
    }

    /// Removes a sandbox's record, if it is still the one `pid` wrote.
    public func unregister(_ name: String, pid: Int32) {
        if read(name)?.pid == pid { unlink(file(name)) }
    }

    /// The running sandboxes, by name; records of proxies that are gone are removed.
    public func list() -> [Entry] {
        guard let handle = opendir(directory) else { return [] }
        defer { closedir(handle) }
        var entries: [Entry] = []
        while let item = readdir(handle) {
            let fileName = withUnsafeBytes(of: item.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard fileName.hasSuffix(".json") else { continue }
            let name = String(fileName.dropLast(5))
            guard let entry = read(name) else { continue }
            if Self.isRunning(entry) { entries.append(entry) } else { unlink(file(name)) }
        }
        return entries.sorted { $0.name < $1.name }
    }

    /// Asks the sandbox's proxy to stop: SIGTERM, which it forwards to the server before exiting.
    public func stop(_ name: String) throws(SandboxError) -> Entry {
        guard Self.isValidName(name), let entry = read(name), Self.isRunning(entry) else {
            throw SandboxError("no sandbox named \(name) is running")
        }
        guard kill(entry.pid, SIGTERM) == 0 else { throw SandboxError("cannot stop \(name): \(String(cString: strerror(errno)))") }
        return entry
    }

    func read(_ name: String) -> Entry? {
        guard let file = fopen(file(name), "r") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count <= 0 { break }
            bytes += buffer[..<count]
            if bytes.count > 1 << 20 { return nil }
        }
        guard let value = try? bytes.withUnsafeBytes({ try JSONParser.parse(bytes: $0) }) else { return nil }
        return Entry(json: value)
    }

    func makeDirectory() throws(SandboxError) {
        var prefix = ""
        for component in directory.split(separator: "/") {
            prefix += (directory.hasPrefix("/") || !prefix.isEmpty ? "/" : "") + component
            if mkdir(prefix, 0o700) != 0, errno != EEXIST {
                throw SandboxError("cannot create \(prefix): \(String(cString: strerror(errno)))")
            }
        }
    }

    /// Whether the entry's proxy still runs: its pid exists and started when the proxy did, so a
    /// stale entry never makes `stop` signal an unrelated process that reused the pid.
    static func isRunning(_ entry: Entry) -> Bool {
        guard entry.pid > 0, kill(entry.pid, 0) == 0 || errno == EPERM else { return false }
        guard let recorded = entry.processStart else { return false }
        return startTime(of: entry.pid) == recorded
    }

    /// Field 22 of `/proc/PID/stat`: when the process started, in clock ticks since boot.
    static func startTime(of pid: Int32) -> UInt64? {
        guard let file = fopen("/proc/\(pid)/stat", "r") else { return nil }
        defer { fclose(file) }
        var buffer = [UInt8](repeating: 0, count: 1024)
        let count = fread(&buffer, 1, buffer.count, file)
        guard count > 0 else { return nil }
        // The command name (field 2) is in parentheses and may hold spaces: count after the last ")".
        guard let close = buffer[..<count].lastIndex(of: UInt8(ascii: ")")) else { return nil }
        let fields = buffer[(close + 1)..<count].split(separator: UInt8(ascii: " "))
        // fields[0] is field 3 (state); field 22 is fields[19].
        guard fields.count > 19 else { return nil }
        return UInt64(String(decoding: fields[19], as: UTF8.self))
    }
}
