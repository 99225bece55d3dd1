internal import ShieldCore
internal import ShieldSystem

#if canImport(Glibc)
    internal import Glibc
#endif

/// The container backends: the server runs from an image in a Podman or Docker container with
/// the hardening the Python original meant to apply (and did not: its `docker run` never started).
///
/// Every capability dropped, no-new-privileges, read-only root filesystem with a small `/tmp`,
/// no network unless the policy allows it, memory (swap included), CPU, pids and open-file
/// limits, an init process that reaps zombies, a non-root user, and only the environment the
/// policy passes. With gVisor (`runsc` as the runtime) the server also gets a user-space kernel:
/// its system calls never reach the host kernel directly.
enum Container {
    enum Engine: String {
        case podman, docker
    }

    static func plan(_ request: SandboxRequest, engine: Engine, gVisor: Bool) throws(SandboxError) -> LaunchPlan {
        guard let client = ChildProcess.resolve(engine.rawValue, searchPath: Host.searchPath) else {
            throw SandboxError("\(engine.rawValue) is not installed; install it or choose another sandbox")
        }
        guard let image = request.image ?? request.settings.image else {
            throw SandboxError(
                "the \(gVisor ? "gvisor" : engine.rawValue) sandbox runs the server from an image: set sandbox.image in the policy or pass --image")
        }
        let settings = request.settings
        let name = "mcp-shield-\(request.name)"
        var arguments = [client]
        if engine == .podman, !Host.exists("/run/systemd/system") { arguments += ["--cgroup-manager", "cgroupfs"] }
        if gVisor {
            guard let runsc = ChildProcess.resolve("runsc", searchPath: Host.searchPath) else {
                throw SandboxError("gVisor (runsc) is not installed; install it (Debian: apt-get install runsc) or choose another sandbox")
            }
            if engine == .podman {
                arguments += ["--runtime", runsc]
                // gVisor builds its own network stack; without a network it must be told so.
                if settings.blockNetwork { arguments += ["--runtime-flag", "network=none"] }
            }
        } else if engine == .podman, let runc = ChildProcess.resolve("runc", searchPath: Host.searchPath) {
            arguments += ["--runtime", runc]
        }
        arguments += ["run", "--rm", "-i", "--init", "--name", name, "--log-driver", "none"]
        if gVisor, engine == .docker { arguments += ["--runtime", "runsc"] }
        arguments += [
            "--cap-drop=ALL", "--security-opt=no-new-privileges", "--read-only", "--tmpfs", "/tmp:rw,nosuid,nodev,size=64m",
            "--user", "\(settings.hostUser):\(settings.hostUser)", "--memory", "\(settings.maxMemoryMB)m",
            "--memory-swap", "\(settings.maxMemoryMB)m", "--cpus", "1", "--ulimit", "nofile=1024:1024",
        ]
        arguments += ["--network", settings.blockNetwork ? "none" : (engine == .podman ? "slirp4netns:allow_host_loopback=false" : "bridge")]
        // RLIMIT_NPROC counts the user's processes; the pids cgroup counts the container's.
        arguments += ["--ulimit", "nproc=\(settings.maxProcesses):\(settings.maxProcesses)"]
        // runsc (Debian's 2022 build) never starts under a pids cgroup limit: gVisor relies on
        // RLIMIT_NPROC, which its kernel enforces.
        if !gVisor { arguments += ["--pids-limit", "\(settings.maxProcesses)"] }
        let environment = request.serverEnvironment
        // Values stay out of argv (visible to every local user in `ps`): `--env NAME` takes the
        // value from the client's own environment.
        for key in environment.keys.sorted() {
            arguments += ["--env", key == "PATH" ? "PATH=\(environment[key]!)" : key]
        }
        for root in request.roots {
            guard Host.isDirectory(root) else { throw SandboxError("root \(root) is not a directory") }
            arguments += ["--volume", "\(root):\(root):\(settings.rootsWritable ? "rw" : "ro")"]
        }
        if let root = request.roots.first { arguments += ["--workdir", root] }
        arguments += [image] + request.command
        var clientEnvironment = environment
        clientEnvironment["PATH"] = Host.searchPath
        return LaunchPlan(
            arguments: arguments, environment: clientEnvironment, confinement: ChildProcess.Confinement(), notes: [],
            cleanup: {
                // A client killed before it removed its container leaves it behind.
                let remove = engine == .podman ? [client, "rm", "--force", "--ignore", name] : [client, "rm", "--force", name]
                if let child = try? ChildProcess(arguments: remove, environment: ["PATH": Host.searchPath]) {
                    close(child.stdin)
                    close(child.stdout)
                    _ = child.wait()
                }
            })
    }
}
