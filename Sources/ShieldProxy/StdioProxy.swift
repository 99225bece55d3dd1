public import ShieldAudit
internal import ShieldCore
public import ShieldSystem
internal import Synchronization

#if canImport(Glibc)
    internal import Glibc
#elseif canImport(Darwin)
    internal import Darwin
#endif

/// The stdio MCP proxy: the client on our standard input and output, the server a child process
/// on pipes, every message through a ``MessageGate``.
///
/// Lifecycle:
/// - the server's standard error is ours;
/// - client EOF closes the server's standard input; a server still running after
///   ``exitGrace`` gets SIGTERM, and SIGKILL after another ``exitGrace``;
/// - SIGINT, SIGTERM and SIGHUP sent to the proxy are forwarded to the server;
/// - when the server exits, its remaining output is relayed, queued audit records are committed,
///   and the proxy exits with the server's status (128 + signal when it was killed). The child is
///   always reaped.
public struct StdioProxy: Sendable {
    public static let exitGrace = Duration.seconds(2)

    let start: @Sendable () throws -> ChildProcess
    let afterExit: @Sendable (_ status: Int32) -> Void
    let gate: MessageGate
    let audit: AuditQueue?

    public init(command: [String], gate: MessageGate, audit: AuditQueue?) {
        self.init(start: { try ChildProcess(arguments: command) }, afterExit: { _ in }, gate: gate, audit: audit)
    }

    /// A proxy for a server that `start` launches (in a sandbox, say); `afterExit` runs once the
    /// server has exited and been reaped.
    /// A listening Unix socket the client connects to instead of our standard input and output.
    let listeningSocket: Int32?

    public init(
        start: @escaping @Sendable () throws -> ChildProcess, afterExit: @escaping @Sendable (_ status: Int32) -> Void, gate: MessageGate,
        audit: AuditQueue?,
        listeningSocket: Int32? = nil
    ) {
        self.listeningSocket = listeningSocket
        self.start = start
        self.afterExit = afterExit
        self.gate = gate
        self.audit = audit
    }

    /// Runs until the server exits; returns its exit status. Throws when it cannot be started.
    public func run() async throws -> Int32 {
        signal(SIGPIPE, SIG_IGN)
        Forwarding.prepare()
        // The thread that starts the server also waits for it: a sandbox started with
        // --die-with-parent (PR_SET_PDEATHSIG) is killed when the *thread* that forked it ends,
        // and a concurrency-pool thread may end whenever it is idle.
        let (child, exit) = try await Self.startOnOwnThread(start)
        Forwarding.install(child.pid)
        defer { Forwarding.uninstall() }

        let listening = listeningSocket
        let client = await Thread.run { Self.client(listening: listening, serverOutput: child.stdout, serverExited: { exit.isSet }) }
        let toClient = Channel(descriptor: client.output)
        let toServer = Channel(descriptor: child.stdin)
        let exited = Flag()
        let gate = gate
        let audit = audit

        // Client → server.
        let clientThread = Thread {
            var reader = LineReader(descriptor: client.input, maxLineBytes: gate.maxMessageBytes, initialCapacity: 1 << 16)
            defer { reader.close() }
            while let line = reader.next() {
                let outcome: MessageGate.Outcome
                switch line {
                case .line(let bytes):
                    if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
                    outcome = gate.fromClient(bytes)
                case .tooLong(let count): outcome = gate.oversizedFromClient(bytes: count)
                }
                Self.apply(outcome, toClient: toClient, toServer: toServer, audit: audit)
            }
            // The client is gone. Calls waiting for the proxy's own tools/list are still to be
            // forwarded (up to five seconds); then the server gets EOF, then SIGTERM, then SIGKILL.
            for _ in 0..<50 where gate.callsAwaitList && !exited.isSet { usleep(100_000) }
            toServer.close()
            for signal in [SIGTERM, SIGKILL] {
                if Self.waitFor(exited, upTo: Self.exitGrace) { return }
                child.send(signal)
            }
        }
        // Server → client.
        let serverDone = Flag()
        let serverThread = Thread {
            defer { serverDone.set() }
            var reader = LineReader(descriptor: child.stdout, maxLineBytes: gate.maxMessageBytes, initialCapacity: 1 << 16)
            defer {
                reader.close()
                Glibc.close(child.stdout)
            }
            while let line = reader.next() {
                let outcome: MessageGate.Outcome
                switch line {
                case .line(let bytes):
                    if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
                    outcome = gate.fromServer(bytes)
                case .tooLong(let count): outcome = gate.oversizedFromServer(bytes: count)
                }
                Self.apply(outcome, toClient: toClient, toServer: toServer, audit: audit)
            }
        }
        clientThread.start()
        serverThread.start()
        // Calls past the policy's deadline, checked ten times a second.
        if gate.callTimeout != nil {
            let timer = Thread {
                while !exited.isSet {
                    usleep(100_000)
                    Self.apply(gate.expireCalls(), toClient: toClient, toServer: toServer, audit: audit)
                }
            }
            timer.start()
            timer.detach()
        }

        let status = await exit.value
        exited.set()
        afterExit(status)
        // What the server wrote before exiting still reaches the client. Something it started may
        // still hold its output open: after a grace period the group is terminated, then killed,
        // and the proxy does not wait for output any longer than that.
        var finished = Self.waitFor(serverDone, upTo: Self.exitGrace)
        for signal in [SIGTERM, SIGKILL] where !finished {
            kill(-child.pid, signal)
            finished = Self.waitFor(serverDone, upTo: Self.exitGrace)
        }
        if finished { serverThread.join() }
        Self.apply(gate.serverExited(Self.describe(status)), toClient: toClient, toServer: toServer, audit: audit)
        toServer.close()
        await audit?.drain()
        if let failure = audit?.failure { Self.log("mcp-shield: audit records may be missing: \(failure)") }
        // The client thread may still be blocked reading our standard input; the process exits.
        return status
    }

    static func apply(_ outcome: MessageGate.Outcome, toClient: Channel, toServer: Channel, audit: AuditQueue?) {
        audit?.submit(outcome.audit)
        for output in outcome.outputs {
            switch output {
            case .toClient(let bytes): toClient.send(bytes)
            case .toServer(let bytes): toServer.send(bytes)
            case .log(let message): log(message)
            }
        }
    }

    static func startOnOwnThread(_ start: @escaping @Sendable () throws -> ChildProcess) async throws -> (ChildProcess, ExitStatus) {
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<(ChildProcess, ExitStatus), ProxyError>, Never>) in
            let thread = Thread {
                let child: ChildProcess
                do {
                    child = try start()
                } catch {
                    continuation.resume(returning: .failure(ProxyError("\(error)")))
                    return
                }
                let exit = ExitStatus()
                continuation.resume(returning: .success((child, exit)))
                exit.set(child.wait())
            }
            thread.start()
            thread.detach()
        }
        return try result.get()
    }

    /// Where the client is: our standard input and output, or the first connection to
    /// `listening` (one client per server: a new client needs a new `initialize`). A server that
    /// exits before anyone connects leaves the proxy with no client (`/dev/null`) to finish with.
    static func client(listening: Int32?, serverOutput: Int32, serverExited: () -> Bool) -> (input: Int32, output: Int32) {
        guard let listening else { return (0, 1) }
        defer { Glibc.close(listening) }
        var watched = [pollfd(fd: listening, events: Int16(POLLIN), revents: 0), pollfd(fd: serverOutput, events: 0, revents: 0)]
        while true {
            // The server's exit, not only its output closing: something it started may hold that open.
            if serverExited() { break }
            guard poll(&watched, 2, 200) > 0 else { continue }
            if watched[1].revents & Int16(POLLHUP) != 0 { break }  // the server is gone
            if watched[0].revents & Int16(POLLIN) != 0 {
                let connection = UnixSocket.accept(listening)
                // Reading and writing get their own descriptors: the reader closes its own at EOF
                // while the other direction may still be writing.
                if connection >= 0 { return (connection, fcntl(connection, F_DUPFD_CLOEXEC, 0)) }
            }
        }
        let null = open("/dev/null", O_RDWR | O_CLOEXEC)
        return (null, fcntl(null, F_DUPFD_CLOEXEC, 0))
    }

    /// A shell-style exit status in words.
    public static func describe(_ status: Int32) -> String {
        guard status > 128 else { return "exit status \(status)" }
        let signal = status - 128
        let name = [SIGKILL: "SIGKILL", SIGTERM: "SIGTERM", SIGSEGV: "SIGSEGV", SIGABRT: "SIGABRT", SIGSYS: "SIGSYS"][signal] ?? "signal \(signal)"
        return "killed by \(name)"
    }

    /// Writes `message` to standard error, with control and format characters (which names and
    /// reasons from a server can carry: escape sequences, bidi overrides, zero-width and Tag
    /// characters) shown as `\u{…}`.
    static func log(_ message: String) {
        let shown = VisibleText.escaped(message)
        let line = Array((shown + "\n").utf8)
        line.withUnsafeBytes { _ = write(2, $0.baseAddress, $0.count) }
    }

    /// Polls `flag` until it is set or `limit` passes.
    static func waitFor(_ flag: Flag, upTo limit: Duration) -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if flag.isSet { return true }
            usleep(20_000)
        }
        return flag.isSet
    }
}

/// A child's exit status, set once by the thread that waits for it and awaited by the proxy.
final class ExitStatus: Sendable {
    private let state = Mutex<(status: Int32?, waiter: CheckedContinuation<Int32, Never>?)>((nil, nil))

    var isSet: Bool { state.withLock { $0.status != nil } }

    func set(_ status: Int32) {
        let waiter = state.withLock { state in
            state.status = status
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: status)
    }

    var value: Int32 {
        get async {
            await withCheckedContinuation { continuation in
                let ready = state.withLock { state -> Int32? in
                    if let status = state.status { return status }
                    state.waiter = continuation
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        }
    }
}

/// A flag one thread sets and others read.
final class Flag: Sendable {
    private let value = Atomic<Bool>(false)
    func set() { value.store(true, ordering: .releasing) }
    var isSet: Bool { value.load(ordering: .acquiring) }
}

/// A proxy failure with a message for the user.
public struct ProxyError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// One direction's writer: whole messages, each followed by a newline, one writer at a time.
/// After a failed write (the reader is gone) further messages are dropped.
final class Channel: Sendable {
    private let state: Mutex<(descriptor: Int32, open: Bool)>

    init(descriptor: Int32) {
        state = Mutex((descriptor, true))
    }

    func send(_ message: [UInt8]) {
        state.withLock { state in
            guard state.open else { return }
            var bytes = message
            bytes.append(0x0A)
            let ok = bytes.withUnsafeBytes { raw -> Bool in
                var offset = 0
                while offset < raw.count {
                    let n = write(state.descriptor, raw.baseAddress! + offset, raw.count - offset)
                    if n < 0 {
                        if errno == EINTR { continue }
                        return false
                    }
                    offset += n
                }
                return true
            }
            if !ok { state.open = false }
        }
    }

    /// Closes the descriptor (for the server's standard input: EOF).
    func close() {
        state.withLock { state in
            guard state.open || state.descriptor > 2 else { return }
            if state.descriptor > 2, state.descriptor >= 0 {
                Glibc.close(state.descriptor)
                state.descriptor = -1
            }
            state.open = false
        }
    }
}

/// Forwards SIGINT, SIGTERM and SIGHUP to the server.
enum Forwarding {
    static let target = Atomic<Int32>(0)
    /// A signal that arrived before the server started: delivered to it once it has.
    static let pending = Atomic<Int32>(0)

    /// Catches the signals before the server starts, so one sent meanwhile (`sandbox stop` right
    /// after a launch) is held for the server instead of killing the proxy without cleanup.
    static func prepare() {
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            signal(sig) { received in
                let pid = Forwarding.target.load(ordering: .acquiring)
                if pid > 0 {
                    kill(-pid, received)  // the server's whole process group
                } else {
                    Forwarding.pending.store(received, ordering: .releasing)
                }
            }
        }
    }

    static func install(_ pid: pid_t) {
        target.store(pid, ordering: .releasing)
        let held = pending.exchange(0, ordering: .acquiringAndReleasing)
        if held > 0 { kill(-pid, held) }
    }

    static func uninstall() {
        target.store(0, ordering: .releasing)
        for sig in [SIGINT, SIGTERM, SIGHUP] { signal(sig, SIG_DFL) }
    }
}

/// A POSIX thread running a closure; `join()` waits for it.
final class Thread: @unchecked Sendable {
    private var handle = pthread_t()
    private let body: () -> Void

    init(_ body: @escaping @Sendable () -> Void) {
        self.body = body
    }

    func start() {
        let box = Unmanaged.passRetained(self)
        pthread_create(
            &handle, nil,
            { raw in
                let thread = Unmanaged<Thread>.fromOpaque(raw!).takeRetainedValue()
                thread.body()
                return nil
            }, box.toOpaque())
    }

    func join() {
        pthread_join(handle, nil)
    }

    /// Lets the thread's resources go when it ends, for threads nobody joins.
    func detach() {
        pthread_detach(handle)
    }

    /// Runs a blocking `work` on its own thread and awaits its result without blocking the
    /// concurrency pool.
    static func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: work()) }
            thread.start()
            thread.detach()
        }
    }
}
