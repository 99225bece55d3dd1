public import ShieldCore
public import ShieldSystem

#if canImport(Glibc)
    internal import Glibc
#endif

/// Where an MCP server runs.
public enum SandboxKind: String, Sendable, CaseIterable, CustomStringConvertible {
    /// bubblewrap: namespaces, seccomp, cgroups and Landlock around a host process; no daemon.
    case bwrap
    /// A Podman container (runc), hardened.
    case podman
    /// A Docker container, hardened.
    case docker
    /// A Podman (else Docker) container on gVisor's `runsc`: the server gets its own user-space kernel.
    case gvisor

    public var description: String { rawValue }
}

/// What a server is launched with: its command and the policy's confinement settings.
public struct SandboxRequest: Sendable {
    public var command: [String]
    public var settings: Policy.SandboxSettings
    /// The policy's filesystem roots, absolute; bound into the sandbox (read-only unless
    /// ``Policy/SandboxSettings/rootsWritable``).
    public var roots: [String]
    /// Extra host paths bound read-only, besides the policy's.
    public var readOnlyPaths: [String]
    /// The container image (overrides the policy's).
    public var image: String?
    /// The host environment, from which `env_allow` names are taken.
    public var hostEnvironment: [String: String]
    /// A name for the sandbox: the container name, the cgroup directory.
    public var name: String

    public init(
        command: [String], settings: Policy.SandboxSettings, roots: [String], readOnlyPaths: [String] = [], image: String? = nil,
        hostEnvironment: [String: String], name: String
    ) {
        self.command = command
        self.settings = settings
        self.roots = roots
        self.readOnlyPaths = readOnlyPaths
        self.image = image
        self.hostEnvironment = hostEnvironment
        self.name = name
    }

    /// The environment the server gets: with `block_env_access`, a fixed minimal one plus the
    /// allowlisted host variables; without it, ours.
    var serverEnvironment: [String: String] {
        guard settings.blockEnvAccess else { return hostEnvironment }
        var environment = ["PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/tmp", "LANG": "C.UTF-8"]
        for name in settings.environmentAllow {
            if let value = hostEnvironment[name] { environment[name] = value }
        }
        return environment
    }
}

/// A launch, worked out: what to start and what to clean up after it.
public struct LaunchPlan: Sendable {
    public var arguments: [String]
    public var environment: [String: String]
    public var confinement: ChildProcess.Confinement
    /// Notes for the user (a limit enforced differently than asked, say).
    public var notes: [String]
    /// Undoes what the plan set up (cgroups, descriptors, a container left behind); call once
    /// the child has exited.
    public var cleanup: @Sendable () -> Void
}

/// Why a sandbox cannot be launched. Never degraded into an unconfined launch.
public struct SandboxError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

public enum Sandbox {
    /// Works out how to start `request` under `kind`. Throws rather than weaken isolation.
    public static func plan(_ kind: SandboxKind, _ request: SandboxRequest) throws(SandboxError) -> LaunchPlan {
        guard !request.command.isEmpty else { throw SandboxError("no command given") }
        switch kind {
        case .bwrap: return try Bubblewrap.plan(request)
        case .podman: return try Container.plan(request, engine: .podman, gVisor: false)
        case .docker: return try Container.plan(request, engine: .docker, gVisor: false)
        case .gvisor:
            let engine: Container.Engine = ChildProcess.resolve("podman", searchPath: Host.searchPath) != nil ? .podman : .docker
            return try Container.plan(request, engine: engine, gVisor: true)
        }
    }

    /// Starts a plan: the child process, or the reason it could not start (after cleaning up).
    public static func start(_ plan: LaunchPlan) throws(SandboxError) -> ChildProcess {
        do {
            return try ChildProcess(arguments: plan.arguments, environment: plan.environment, confinement: plan.confinement)
        } catch {
            plan.cleanup()
            throw SandboxError(error.description)
        }
    }
}

/// Facts about the machine the backends need.
enum Host {
    static var searchPath: String { ChildProcess.searchPath }

    static var isRoot: Bool { geteuid() == 0 }

    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    /// Whether any swap device is on (`/proc/swaps` lists more than its header).
    static var swapEnabled: Bool {
        guard let file = fopen("/proc/swaps", "r") else { return false }
        defer { fclose(file) }
        var lines = 0
        var line: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(line) }
        while getline(&line, &capacity, file) > 0 { lines += 1 }
        return lines > 1
    }

    static func isSymbolicLink(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFLNK
    }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
    }

    static func readLink(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The directory our own executable is in (helpers are installed beside it).
    static var executableDirectory: String? {
        guard let path = readLink("/proc/self/exe"), let slash = path.lastIndex(of: "/") else { return nil }
        return String(path[..<slash])
    }

    static func canonical(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
