internal import ShieldSystem
internal import Synchronization

#if canImport(Glibc)
    internal import Glibc
#endif

/// Starts a sandboxed server in the background: `mcp-shield proxy --sandbox … --listen SOCKET`,
/// which registers itself and serves one client on the socket (`mcp-shield connect NAME`).
/// `mcp-shield sandbox launch` and `POST /sandbox/launch` both launch through here.
public enum SandboxLauncher {
    /// Launches and waits (up to `timeout`) until the proxy has registered the sandbox; its
    /// standard error goes to `NAME.log` in the registry directory.
    ///
    /// - Parameters:
    ///   - executable: the `mcp-shield` binary.
    ///   - proxyArguments: `proxy`'s options (`--sandbox`, policy, `--db`, …), then `--` and the
    ///     server's command.
    public static func launch(
        executable: String, name: String, proxyArguments: [String], registry: SandboxRegistry, environment: [String: String],
        timeout: Duration = .seconds(30)
    ) throws(SandboxError) -> SandboxRegistry.Entry {
        guard SandboxRegistry.isValidName(name) else {
            throw SandboxError("\"\(name)\" is not a sandbox name (letters, digits, - _ ., at most 64)")
        }
        if registry.list().contains(where: { $0.name == name }) { throw SandboxError("a sandbox named \(name) is already running") }
        try registry.makeDirectory()
        let socket = "\(registry.directory)/\(name).sock"
        let logPath = "\(registry.directory)/\(name).log"
        let log = open(logPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard log >= 0 else { throw SandboxError("cannot create \(logPath): \(String(cString: strerror(errno)))") }
        defer { close(log) }
        let child: ChildProcess
        do {
            child = try ChildProcess(
                arguments: [executable, "proxy", "--sandbox-name", name, "--listen", socket] + proxyArguments, environment: environment,
                confinement: ChildProcess.Confinement(descriptors: [(log, 2)]))
        } catch {
            throw SandboxError("cannot start \(executable): \(error)")
        }
        // The proxy's client is the socket; its standard input and output are not used.
        close(child.stdin)
        close(child.stdout)
        let status = Mutex<Int32?>(nil)
        let reaper = Reaper {
            let exit = child.wait()
            status.withLock { $0 = exit }
        }
        reaper.start()

        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let exit = status.withLock({ $0 }) {
                throw SandboxError(
                    "the sandbox \(name) did not start (\(exit > 128 ? "signal \(exit - 128)" : "exit status \(exit)")): \(tail(of: logPath))")
            }
            if let entry = registry.list().first(where: { $0.name == name && $0.pid == child.pid }), access(socket, F_OK) == 0 {
                return entry
            }
            usleep(20_000)
        }
        child.send(SIGTERM)
        throw SandboxError("the sandbox \(name) did not start within \(timeout.components.seconds) s; stopped it: \(tail(of: logPath))")
    }

    /// The last lines of a log, for an error message.
    static func tail(of path: String) -> String {
        guard let file = fopen(path, "r") else { return "(no log)" }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count <= 0 { break }
            bytes += buffer[..<count]
            if bytes.count > 64 << 10 { bytes.removeFirst(bytes.count - (64 << 10)) }
        }
        let text = String(decoding: bytes, as: UTF8.self).split(separator: "\n").suffix(3).joined(separator: " / ")
        return text.isEmpty ? "(nothing logged)" : text
    }
}

/// A thread that reaps a background child, so it never lingers as a zombie.
private final class Reaper: @unchecked Sendable {
    private let body: @Sendable () -> Void
    init(_ body: @escaping @Sendable () -> Void) { self.body = body }

    func start() {
        var handle = pthread_t()
        let box = Unmanaged.passRetained(self)
        pthread_create(
            &handle, nil,
            { raw in
                Unmanaged<Reaper>.fromOpaque(raw!).takeRetainedValue().body()
                return nil
            }, box.toOpaque())
        pthread_detach(handle)
    }
}
