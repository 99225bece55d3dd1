internal import ShieldCore
internal import ShieldSystem

#if canImport(Glibc)
    internal import Glibc
#endif

/// The bubblewrap backend: the server runs on the host kernel in fresh namespaces, behind a
/// seccomp filter, in memory and pids cgroups, under Landlock, as an unprivileged host user.
///
/// Layers, outermost first:
/// 1. `shield_spawn` joins the cgroups, drops to ``Policy/SandboxSettings/hostUser`` when we are
///    root (a user namespace made by root still maps to host root, which could read root-only
///    files bound in), sets no_new_privs and execs bwrap.
/// 2. bwrap unshares every namespace (the network too unless the policy allows it), binds the
///    system read-only, `/etc` only in part (never `shadow`), the roots as the policy says, a
///    fresh `/tmp`, `/proc` and `/dev`; clears capabilities, starts a new session (no TIOCSTI on
///    our terminal), dies with its parent and loads the seccomp filter.
/// 3. `mcp-shield-sandbox-init` restricts the filesystem with Landlock to what was bound and
///    execs the server.
enum Bubblewrap {
    /// The parts of `/etc` programs need to start, resolve names and verify TLS.
    static let etcFiles = [
        "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/localtime", "/etc/nsswitch.conf", "/etc/hosts",
        "/etc/ssl/certs", "/etc/ca-certificates", "/etc/pki", "/etc/alternatives", "/etc/mime.types", "/etc/protocols",
        "/etc/services",
    ]
    static let systemDirectories = ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"]

    static func plan(_ request: SandboxRequest) throws(SandboxError) -> LaunchPlan {
        guard let bwrap = ChildProcess.resolve("bwrap", searchPath: Host.searchPath) else {
            throw SandboxError("bubblewrap (bwrap) is not installed; install it (Debian: apt-get install bubblewrap) or choose another sandbox")
        }
        guard let directory = Host.executableDirectory, Host.exists("\(directory)/mcp-shield-sandbox-init") else {
            throw SandboxError("mcp-shield-sandbox-init is not installed beside mcp-shield; it applies Landlock inside the sandbox")
        }
        let initPath = "\(directory)/mcp-shield-sandbox-init"
        let settings = request.settings
        let environment = request.serverEnvironment
        // The server's executable, resolved on the host: bound read-only wherever it lives.
        guard
            let executable = ChildProcess.resolve(request.command[0], searchPath: environment["PATH"] ?? Host.searchPath)
                ?? ChildProcess.resolve(request.command[0], searchPath: Host.searchPath),
            let program = Host.canonical(executable)
        else {
            throw SandboxError("cannot start \(request.command[0]): not found")
        }

        var arguments = [bwrap, "--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL", "--hostname", "mcp-sandbox"]
        if !settings.blockNetwork { arguments.append("--share-net") }
        var readOnly: [String] = []
        var writable: [String] = []
        for path in systemDirectories where Host.exists(path) {
            if Host.isSymbolicLink(path), let target = Host.readLink(path) {
                arguments += ["--symlink", target, path]
            } else {
                arguments += ["--ro-bind", path, path]
                readOnly.append(path)
            }
        }
        // Mounted before anything beneath them is bound (a root under /tmp, say), not over it.
        arguments += ["--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
        var etc = etcFiles
        if !settings.blockNetwork { etc.append("/etc/resolv.conf") }
        for path in etc where Host.exists(path) {
            arguments += ["--ro-bind", path, path]
            readOnly.append(path)
        }
        for path in settings.readOnlyPaths + request.readOnlyPaths {
            guard Host.exists(path) else { throw SandboxError("read-only path \(path) does not exist") }
            arguments += ["--ro-bind", path, path]
            readOnly.append(path)
        }
        if !readOnly.contains(where: { program == $0 || program.hasPrefix($0 + "/") }) {
            arguments += ["--ro-bind", program, program]
            readOnly.append(program)
        }
        arguments += ["--ro-bind", initPath, "/.mcp-shield/init"]
        readOnly.append("/.mcp-shield/init")
        for root in request.roots {
            guard Host.isDirectory(root) else { throw SandboxError("root \(root) is not a directory") }
            arguments += [settings.rootsWritable ? "--bind" : "--ro-bind", root, root]
            if settings.rootsWritable { writable.append(root) } else { readOnly.append(root) }
        }
        writable += ["/tmp", "/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty"]
        readOnly += ["/proc", "/dev"]
        arguments += ["--chdir", request.roots.first ?? "/tmp"]

        var notes: [String] = []
        let (seccomp, unknownSyscalls) = try SeccompFilter.compile()
        if unknownSyscalls > 0 {
            notes.append("libseccomp does not know \(unknownSyscalls) of the denied system calls; they are not filtered (update libseccomp)")
        }
        // bwrap reads the filter from a fixed descriptor number in the child.
        let seccompTarget: Int32 = 3
        arguments += ["--seccomp", "\(seccompTarget)"]

        var cgroups: CgroupLimits?
        switch CgroupLimits.create(name: request.name, memoryBytes: settings.maxMemoryMB << 20, processes: settings.maxProcesses) {
        case .success(let limits):
            cgroups = limits
            if limits.swapUnbounded, Host.swapEnabled {
                notes.append("this kernel does not account swap in cgroups: the server may use swap beyond max_memory_mb")
            }
        case .failure(let reason):
            close(seccomp)
            throw SandboxError("cannot enforce max_memory_mb and max_processes: \(reason)")
        }

        // Inside: Landlock over what was bound, then the server.
        arguments.append("--")
        arguments += ["/.mcp-shield/init"]
        for path in readOnly { arguments += ["--ro", path] }
        for path in writable { arguments += ["--rw", path] }
        arguments += ["--", program] + request.command.dropFirst()

        let credentials: (uid: UInt32, gid: UInt32)? = Host.isRoot ? (UInt32(settings.hostUser), UInt32(settings.hostUser)) : nil
        if credentials != nil, settings.rootsWritable, !request.roots.isEmpty {
            notes.append("the sandbox runs as host user \(settings.hostUser): the roots must be writable by it")
        }
        let limits = cgroups
        return LaunchPlan(
            arguments: arguments, environment: environment,
            confinement: ChildProcess.Confinement(
                cgroupProcs: cgroups?.procs ?? [], descriptors: [(seccomp, seccompTarget)], credentials: credentials),
            notes: notes,
            cleanup: {
                close(seccomp)
                limits?.remove()
            })
    }
}
