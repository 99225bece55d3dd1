import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Hostile-server tests: the hostile demo server runs under `mcp-shield proxy --sandbox KIND`
/// and tries to escape. Its tool arguments are hex-encoded, so the policy gate lets every call
/// through: what stops each attempt here is the sandbox alone.
///
/// Needs root (cgroups, a host user to drop to), bubblewrap, Podman with runc, and runsc:
/// `./scripts/test` installs them.
@Suite(.serialized) struct SandboxTests {
    static let maxProcesses = 64
    static let timeoutSeconds = 2
    static let image = "localhost/mcp-shield-demo:test"

    /// The image the container backends run, built once from the debug demo server.
    static let imageBuilt: Result<Void, SandboxTestError> = {
        let script = CLI.packageRoot.appendingPathComponent("scripts/sandbox-image").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: script)
        process.arguments = [demoServer.path, image]
        process.standardOutput = FileHandle.nullDevice
        do {
            try process.run()
            process.waitUntilExit()
        } catch {
            return .failure(SandboxTestError("cannot run \(script): \(error)"))
        }
        return process.terminationStatus == 0 ? .success(()) : .failure(SandboxTestError("\(script) failed"))
    }()

    static var demoServer: URL { binaries.appendingPathComponent("mcp-shield-demo-server") }
    static var shield: URL { binaries.appendingPathComponent("mcp-shield") }

    /// The directory of the built binaries, as the sandbox user can reach it: bwrap runs as host
    /// uid 65534 and binds by path, so a build directory under a private home (`/root`, 0700) is
    /// copied to a world-readable scratch directory first.
    static let binaries: URL = {
        let built = CLI.binary.deletingLastPathComponent()
        guard !reachableByOthers(built.path) else { return built }
        let copy = URL(fileURLWithPath: NSTemporaryDirectory() + "mcp-shield-sandbox-bin-\(getpid())")
        try? FileManager.default.createDirectory(at: copy, withIntermediateDirectories: true)
        chmod(copy.path, 0o755)
        for name in ["mcp-shield", "mcp-shield-sandbox-init", "mcp-shield-demo-server"] {
            try? FileManager.default.copyItem(at: built.appendingPathComponent(name), to: copy.appendingPathComponent(name))
        }
        return copy
    }()

    /// Whether every directory above `path` lets others through.
    static func reachableByOthers(_ path: String) -> Bool {
        var directory = (path as NSString).standardizingPath
        while directory != "/" {
            var info = stat()
            guard stat(directory, &info) == 0, info.st_mode & 0o001 != 0 else { return false }
            directory = (directory as NSString).deletingLastPathComponent
        }
        return true
    }

    /// The Swift runtime the debug demo server links (as `ldd` finds it), bound read-only into a
    /// bwrap sandbox.
    static var swiftRuntimeDirectory: String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/ldd")
        process.arguments = [demoServer.path]
        let output = Pipe()
        process.standardOutput = output
        guard (try? process.run()) != nil else { return nil }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        for line in text.split(separator: "\n") {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 3, fields[0] == "libswiftCore.so", fields[1] == "=>" else { continue }
            return (String(fields[2]) as NSString).deletingLastPathComponent
        }
        return nil
    }

    @Test(arguments: ["bwrap", "podman", "gvisor"])
    func hostileServerIsContained(kind: String) throws {
        let scratch = try Scratch()
        let listener = try LoopbackListener()
        var arguments = ["proxy", "--no-audit", "--policy-file", scratch.policy, "--sandbox", kind]
        let command: [String]
        if kind == "bwrap" {
            let runtime = try #require(Self.swiftRuntimeDirectory, "the Swift runtime directory")
            arguments += ["--bind-ro", runtime]
            command = [Self.demoServer.path, "hostile"]
        } else {
            try Self.imageBuilt.get()
            arguments += ["--image", Self.image]
            command = ["/usr/local/bin/mcp-shield-demo-server", "hostile"]
        }
        let session = try ProxySession(
            binary: Self.shield, arguments: arguments + ["--"] + command,
            environment: ["HOME": scratch.home, "MCP_SHIELD_TEST_SECRET": "ghp_0123456789abcdefghijklmnopqrstuvwxyz"],
            directory: scratch.workspace)
        defer { session.terminate() }
        let initialized = try session.request(
            "initialize",
            [
                "protocolVersion": "2025-11-25", "capabilities": [String: Any](), "clientInfo": ["name": "sandbox-tests", "version": "1"],
            ])
        #expect(initialized["result"] != nil, "\(kind): \(initialized)")
        session.notify("notifications/initialized")

        // Who the server is: no capabilities, no new privileges, not host root.
        let identity = try session.tool("probe_identity", [:])
        #expect(identity.hasPrefix("uid 65534 euid 65534"), "\(kind): \(identity)")
        #expect(identity.contains("CapEff:\t0000000000000000"), "\(kind): \(identity)")
        if kind != "gvisor" { #expect(identity.contains("NoNewPrivs:\t1"), "\(kind): \(identity)") }
        if kind == "bwrap" { #expect(identity.contains("Seccomp:\t2"), "\(kind): \(identity)") }

        // No descriptor of the proxy's or its parent's crosses into the sandbox (the test runner
        // holds sockets without close-on-exec).
        let descriptors = try session.tool("probe_fds", [:])
        #expect(!descriptors.contains("socket:"), "\(kind): \(descriptors)")

        // Host secrets: files and environment.
        for path in ["/etc/shadow", scratch.home + "/.ssh/id_rsa"] {
            let result = try session.tool("probe_read", ["target_hex": hex(path)])
            #expect(result.hasPrefix("read-denied"), "\(kind) read \(path): \(result)")
        }
        let secret = try session.tool("probe_env", ["name": "MCP_SHIELD_TEST_SECRET"])
        #expect(secret == "env-unset", "\(kind): \(secret)")
        let names = try session.tool("probe_env", ["name": "*"])
        #expect(!names.contains("SECRET"), "\(kind): \(names)")

        // The network: a host loopback port and the cloud metadata address.
        for (host, port) in [("127.0.0.1", listener.port), ("169.254.169.254", 80)] {
            let result = try session.tool("probe_connect", ["host_hex": hex(host), "port": port])
            #expect(result.hasPrefix("connect-failed"), "\(kind) connect \(host):\(port): \(result)")
        }
        #expect(listener.acceptedConnection() == false, "\(kind): the host listener was reached")

        // Writing: inside the root works (the legitimate case), outside it does not.
        let inside = scratch.workspace + "/written-by-server"
        #expect(try session.tool("probe_write", ["target_hex": hex(inside)]) == "write-ok", "\(kind)")
        #expect((try? String(contentsOfFile: inside, encoding: .utf8)) == "pwned\n", "\(kind)")
        let outside = scratch.outside + "/written-by-server"
        _ = try session.tool("probe_write", ["target_hex": hex(outside)])
        #expect(!FileManager.default.fileExists(atPath: outside), "\(kind): wrote \(outside) on the host")

        // A fork bomb stops at the process limit, and the server keeps serving.
        let forked = try session.tool("probe_fork", ["count": 1000])
        let parts = forked.split(separator: " ", maxSplits: 2)
        let count = parts.count == 3 ? Int(parts[1]) : nil
        #expect(count != nil && count! < Self.maxProcesses && parts[2] != "none", "\(kind): \(forked)")
        #expect(try session.tool("echo", ["text": "still serving"]) == "still serving", "\(kind)")

        // A call that outlives execution_timeout_seconds is answered with a timeout error; the
        // server is told to cancel it and keeps serving.
        let slow = try session.request("tools/call", ["name": "probe_sleep", "arguments": ["seconds": Self.timeoutSeconds + 3]])
        let timeout = slow["error"] as? [String: Any]
        #expect(timeout?["code"] as? Int == -32001, "\(kind): \(slow)")
        #expect((timeout?["message"] as? String)?.contains("execution_timeout_seconds") == true, "\(kind): \(slow)")
        #expect(try session.tool("echo", ["text": "after the timeout"]) == "after the timeout", "\(kind)")

        // Memory past the limit: the server is killed (by the kernel's OOM killer; under gVisor
        // the sandbox ends), the pending call is answered with an error, and the proxy exits
        // with the server's status.
        let response = try session.request("tools/call", ["name": "probe_memory", "arguments": ["megabytes": 1500]])
        let error = response["error"] as? [String: Any]
        let message = error?["message"] as? String ?? ""
        #expect(message.hasPrefix("the MCP server exited before answering ("), "\(kind): \(response)")
        let status = session.waitForExit(seconds: 30)
        #expect(status != nil && status != 0, "\(kind): the proxy exits with the server's status")
        if kind != "gvisor" { #expect(status == 137 && message.contains("killed by SIGKILL"), "\(kind): \(message)") }
    }
}

extension SandboxTests {
    /// `sandbox launch` starts the server in the background; `connect` is its client; it is
    /// listed while it runs and gone (launch and exit audited) when its client leaves.
    @Test func launchedSandboxServesOneClientOverItsSocket() throws {
        let scratch = try Scratch()
        let runtime = try #require(Self.swiftRuntimeDirectory, "the Swift runtime directory")
        let db = scratch.base + "/audit.db"
        let name = "hostile-\(getpid())"
        let launched = try CLI.run(
            [
                "sandbox", "launch", "--name", name, "--sandbox", "bwrap", "--db", db, "--policy-file", scratch.policy, "--bind-ro", runtime,
                "--", Self.demoServer.path, "hostile",
            ], directory: URL(fileURLWithPath: scratch.workspace))
        #expect(launched.status == 0, "\(launched.stderr)")
        #expect(launched.stdout.hasPrefix("launched \(name) (bwrap, pid "), "\(launched.stdout)")
        let listed = try CLI.run(["sandbox", "list", "--db", db, "--json"])
        #expect(listed.stdout.contains("\"name\":\"\(name)\"") && listed.stdout.contains("\"kind\":\"bwrap\""), "\(listed.stdout)")

        let session = try ProxySession(binary: Self.shield, arguments: ["connect", name, "--db", db], environment: [:], directory: "/")
        let initialized = try session.request(
            "initialize",
            [
                "protocolVersion": "2025-11-25", "capabilities": [String: Any](), "clientInfo": ["name": "sandbox-tests", "version": "1"],
            ])
        #expect(initialized["result"] != nil, "\(initialized)")
        session.notify("notifications/initialized")
        #expect(try session.tool("echo", ["text": "over the socket"]) == "over the socket")
        #expect(try session.tool("probe_identity", [:]).hasPrefix("uid 65534 euid 65534"))
        session.terminate()

        var remaining = "?"
        for _ in 0..<100 {
            remaining = try CLI.run(["sandbox", "list", "--db", db]).stdout
            if remaining == "no sandboxes running\n" { break }
            usleep(100_000)
        }
        #expect(remaining == "no sandboxes running\n", "the sandbox ended with its client")
        let audit = try CLI.run(["audit", "--db", db, "--json", "--limit", "10"]).stdout
        #expect(audit.contains("\"rule\":\"sandbox.launch\"") && audit.contains("\"rule\":\"sandbox.exit\""), "\(audit)")
        #expect(audit.contains("\"tool\":\"echo\""), "the call through the socket was decided and audited")
        // Statistics count decisions (the two calls), not the sandbox's launch and exit.
        let stats = try CLI.run(["stats", "--db", db, "--json"]).stdout
        #expect(stats.contains("\"total\":2,") && stats.contains("\"allowed\":2,"), "\(stats)")
    }
}

struct SandboxTestError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

func hex(_ text: String) -> String { text.utf8.map { String(format: "%02x", $0) }.joined() }

/// A workspace (the policy's root, writable by the sandbox user), a directory outside it, a home
/// with a fake SSH key, and the policy.
struct Scratch {
    let base: String
    var workspace: String { base + "/workspace" }
    var outside: String { base + "/outside" }
    var home: String { base + "/home" }
    var policy: String { base + "/policy.yaml" }

    init() throws {
        base = NSTemporaryDirectory() + "mcp-shield-sandbox-\(getpid())-\(UInt32.random(in: 0 ... .max))"
        let manager = FileManager.default
        for directory in [base, workspace, outside, home + "/.ssh"] {
            try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        // The sandbox runs as an unprivileged host user: let it reach the base and write both
        // directories, so only the sandbox can be what stops a write outside the root.
        for directory in [base, workspace, outside] { chmod(directory, 0o777) }
        try "FAKE-PRIVATE-KEY\n".write(toFile: home + "/.ssh/id_rsa", atomically: true, encoding: .utf8)
        chmod(home + "/.ssh/id_rsa", 0o644)
        try """
        allowed_tools: ["*"]
        block_network: true
        block_env_access: true
        max_memory_mb: 512
        execution_timeout_seconds: \(SandboxTests.timeoutSeconds)
        filesystem:
          roots: ["\(workspace)"]
        sandbox:
          max_processes: \(SandboxTests.maxProcesses)
          roots: read-write
        """.write(toFile: policy, atomically: true, encoding: .utf8)
    }
}

/// A TCP listener on host loopback that records whether anyone connected.
final class LoopbackListener {
    let descriptor: Int32
    let port: Int

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.descriptor = descriptor
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(descriptor, 8) == 0 else { throw SandboxTestError("cannot listen on loopback") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        _ = fcntl(descriptor, F_SETFL, O_NONBLOCK)
    }

    func acceptedConnection() -> Bool {
        let connection = accept(descriptor, nil, nil)
        if connection >= 0 { close(connection) }
        return connection >= 0
    }

    deinit { close(descriptor) }
}

/// `mcp-shield proxy` with the client side held open: requests are sent one at a time and
/// answered by id.
final class ProxySession: @unchecked Sendable {
    let process = Process()
    let input = Pipe()
    private let lock = NSLock()
    private var lines: [String] = []
    private var nextID = 1

    init(binary: URL, arguments: [String], environment: [String: String], directory: String) throws {
        process.executableURL = binary
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        let handle = output.fileHandleForReading
        Thread.detachNewThread { [self] in
            var buffer = Data()
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                buffer.append(chunk)
                while let newline = buffer.firstIndex(of: 0x0A) {
                    let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                    buffer.removeSubrange(buffer.startIndex...newline)
                    lock.withLock { lines.append(line) }
                }
            }
        }
    }

    func send(_ message: [String: Any]) {
        var data = try! JSONSerialization.data(withJSONObject: message)
        data.append(0x0A)
        try? input.fileHandleForWriting.write(contentsOf: data)
    }

    func notify(_ method: String) { send(["jsonrpc": "2.0", "method": method]) }

    /// Sends a request and waits (up to a minute) for the response with its id.
    func request(_ method: String, _ params: [String: Any]) throws -> [String: Any] {
        let id = lock.withLock {
            defer { nextID += 1 }
            return nextID
        }
        send(["jsonrpc": "2.0", "id": id, "method": method, "params": params])
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let found = lock.withLock { () -> [String: Any]? in
                for line in lines {
                    if let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], object["id"] as? Int == id {
                        return object
                    }
                }
                return nil
            }
            if let found { return found }
            usleep(10_000)
        }
        throw SandboxTestError("no response to \(method) (id \(id)) within 60 s")
    }

    /// Calls a tool and returns its text result.
    func tool(_ name: String, _ arguments: [String: Any]) throws -> String {
        let response = try request("tools/call", ["name": name, "arguments": arguments])
        guard let result = response["result"] as? [String: Any], let content = result["content"] as? [[String: Any]],
            let text = content.first?["text"] as? String
        else { throw SandboxTestError("\(name): unexpected response \(response)") }
        return text
    }

    /// The proxy's exit status, or nil when it is still running after `seconds`.
    func waitForExit(seconds: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        return process.isRunning ? nil : process.terminationStatus
    }

    func terminate() {
        try? input.fileHandleForWriting.close()
        if waitForExit(seconds: 10) == nil { process.terminate() }
    }
}
