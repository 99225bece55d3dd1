import ArgumentParser
import Foundation
import ShieldAudit
import ShieldCore
import ShieldSandbox
import ShieldSystem

/// `mcp-shield sandbox launch|list|stop`: servers running in sandboxes in the background.
struct SandboxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Launch, list and stop sandboxed MCP servers running in the background.",
        discussion: """
            A launched server waits for one client on a Unix socket; a client connects with \
            `mcp-shield connect NAME` (in a client config: "command": "mcp-shield", "args": ["connect", "NAME"]). \
            Every `proxy --sandbox` is listed too. Launches and exits are recorded in the audit database.
            """,
        subcommands: [Launch.self, List.self, Stop.self]
    )

    /// The registry beside the audit database.
    struct RegistryOptions: ParsableArguments {
        @Option(
            name: .long,
            help: ArgumentHelp(
                "The audit database; sandboxes are recorded beside it (default: $MCP_SHIELD_DB, else the XDG location).", valueName: "path"))
        var db: String?

        var databasePath: String { db ?? AuditLocation.defaultPath(environment: ProcessInfo.processInfo.environment) }
        var registry: SandboxRegistry { SandboxRegistry(besideDatabase: databasePath) }
    }

    struct Launch: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Start a server in a sandbox, in the background.")

        @Option(name: .long, help: ArgumentHelp("The sandbox's name (letters, digits, - _ .).", valueName: "name"))
        var name: String

        @Option(name: .long, help: ArgumentHelp("bwrap, podman, docker or gvisor.", valueName: "kind"))
        var sandbox: SandboxChoice

        @OptionGroup var policyOptions: PolicyOptions
        @OptionGroup var registryOptions: RegistryOptions

        @Option(name: .long, help: ArgumentHelp("The container image (podman, docker, gvisor).", valueName: "image"))
        var image: String?

        @Option(name: .customLong("bind-ro"), help: ArgumentHelp("A host path bound read-only into a bwrap sandbox (repeatable).", valueName: "path"))
        var bindReadOnly: [String] = []

        @Argument(parsing: .postTerminator, help: "The server's command line, after --.")
        var command: [String] = []

        func validate() throws {
            guard !command.isEmpty else { throw ValidationError("give the server's command after --") }
            guard SandboxRegistry.isValidName(name) else { throw ValidationError("--name: \"\(name)\" is not a sandbox name") }
        }

        func run() throws {
            var arguments = ["--sandbox", sandbox.rawValue, "--db", registryOptions.databasePath]
            if let policy = policyOptions.policy { arguments += ["--policy", policy] }
            if let file = policyOptions.policyFile { arguments += ["--policy-file", absolute(file)] }
            if let directory = policyOptions.policyDir { arguments += ["--policy-dir", absolute(directory)] }
            if let server = policyOptions.server { arguments += ["--server-name", server] }
            if let image { arguments += ["--image", image] }
            for path in bindReadOnly { arguments += ["--bind-ro", path] }
            let entry: SandboxRegistry.Entry
            do {
                entry = try SandboxLauncher.launch(
                    executable: try Self.ownExecutable(), name: name, proxyArguments: arguments + ["--"] + command,
                    registry: registryOptions.registry, environment: ProcessInfo.processInfo.environment)
            } catch {
                throw CLIError("\(error)")
            }
            Terminal.standardOutput.write(
                "launched \(entry.name) (\(entry.kind), pid \(entry.pid)); connect with: mcp-shield connect \(entry.name)\n")
            try Terminal.standardOutput.finish()
        }

        func absolute(_ path: String) -> String {
            path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        }

        static func ownExecutable() throws -> String {
            guard let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else {
                throw CLIError("cannot find the mcp-shield executable (/proc/self/exe)")
            }
            return path
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the running sandboxes.")

        @OptionGroup var registryOptions: RegistryOptions

        @Flag(name: .long, help: "One JSON object per line.")
        var json = false

        func run() throws {
            defer { Terminal.standardOutput.flush() }
            let entries = registryOptions.registry.list()
            if json {
                for entry in entries { Terminal.standardOutput.write(entry.json.jsonText + "\n") }
                return
            }
            guard !entries.isEmpty else {
                Terminal.standardOutput.write("no sandboxes running\n")
                return
            }
            for entry in entries {
                let started = Date(timeIntervalSince1970: Double(entry.startedMilliseconds) / 1000).formatted(.iso8601)
                let command = entry.command.joined(separator: " ")
                Terminal.standardOutput.write(
                    "\(entry.name)  \(entry.kind)  pid \(entry.pid)  server \(entry.server)  policy \(entry.policy)  since \(started)  \(entry.socket == nil ? "(stdio)" : "(socket)")  \(command)\n"
                )
            }
        }
    }

    struct Stop: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop a sandbox: its server gets SIGTERM, then SIGKILL.")

        @Argument(help: "The sandbox's name.")
        var name: String

        @OptionGroup var registryOptions: RegistryOptions

        func run() throws {
            do {
                let entry = try registryOptions.registry.stop(name)
                Terminal.standardOutput.write("stopping \(entry.name) (pid \(entry.pid))\n")
                Terminal.standardOutput.flush()
            } catch {
                throw CLIError("\(error)")
            }
        }
    }
}

/// `mcp-shield connect NAME`: this process's standard input and output become the client of a
/// launched sandbox's server.
struct Connect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Connect standard input and output to a server launched with `mcp-shield sandbox launch`.")

    @Argument(help: "The sandbox's name.")
    var name: String

    @OptionGroup var registryOptions: SandboxCommand.RegistryOptions

    func run() throws {
        guard let entry = registryOptions.registry.list().first(where: { $0.name == name }) else {
            throw CLIError("no sandbox named \(name) is running (mcp-shield sandbox list)")
        }
        guard let socket = entry.socket else { throw CLIError("\(name) serves its client over stdio, not a socket: it cannot be connected to") }
        let connection: Int32
        do {
            connection = try UnixSocket.connect(to: socket)
        } catch {
            throw CLIError("cannot connect to \(name): \(error)")
        }
        signal(SIGPIPE, SIG_IGN)
        // Client → server until our input ends (then the server sees EOF); server → client until
        // the server side closes, which ends the command.
        Thread.detachNewThread {
            Self.copy(from: 0, to: connection)
            shutdown(connection, Int32(SHUT_WR))
        }
        Self.copy(from: connection, to: 1)
    }

    static func copy(from source: Int32, to destination: Int32) {
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(source, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return }
            var offset = 0
            while offset < count {
                let written = buffer[offset..<count].withUnsafeBytes { write(destination, $0.baseAddress, $0.count) }
                if written < 0, errno == EINTR { continue }
                guard written > 0 else { return }
                offset += written
            }
        }
    }
}
