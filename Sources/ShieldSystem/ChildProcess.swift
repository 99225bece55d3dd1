internal import CShieldSystem

#if canImport(Glibc)
    internal import Glibc
#elseif canImport(Darwin)
    internal import Darwin
#endif

/// A child process with pipes to its standard input and output; its standard error is ours.
/// It inherits no other descriptor (on Linux with glibc 2.34 or later; elsewhere it inherits
/// those not marked close-on-exec).
///
/// Started with `posix_spawnp` (no fork of a multi-threaded process), with default signal
/// dispositions and an empty signal mask, in a process group of its own so a terminal's Ctrl-C
/// reaches it only through the parent (which forwards it once).
public final class ChildProcess: Sendable {
    public let pid: Int32
    /// Write end of the child's standard input.
    public let stdin: Int32
    /// Read end of the child's standard output.
    public let stdout: Int32

    /// Why a child could not be started.
    public struct SpawnError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Starts `arguments[0]` (looked up in `PATH`) with `arguments`, in `environment` (`nil`: ours).
    public init(arguments: [String], environment: [String: String]? = nil) throws(SpawnError) {
        guard let program = arguments.first, !program.isEmpty else { throw SpawnError(description: "no command given") }
        let pipes = try Pipes()
        let toChild = pipes.toChild, fromChild = pipes.fromChild
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, toChild[0], 0)
        posix_spawn_file_actions_adddup2(&actions, fromChild[1], 1)
        #if canImport(Glibc)
            // The server gets standard input, output and error, nothing else of ours: not the
            // audit database, not a descriptor a library opened without close-on-exec.
            let closing = shield_spawn_close_from(&actions, 3)
            guard closing == 0 else {
                throw SpawnError(description: "cannot keep our descriptors from \(program): \(String(cString: strerror(closing)))")
            }
        #endif
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))

        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let environmentStrings = environment.map { $0.map { strdup("\($0.key)=\($0.value)") } + [nil] }
        defer { environmentStrings?.forEach { free($0) } }
        var child: pid_t = 0
        let status = argv.withUnsafeBufferPointer { argvBuffer in
            if let environmentStrings {
                return environmentStrings.withUnsafeBufferPointer { envBuffer in
                    posix_spawnp(&child, program, &actions, &attributes, argvBuffer.baseAddress!, envBuffer.baseAddress!)
                }
            }
            return posix_spawnp(&child, program, &actions, &attributes, argvBuffer.baseAddress!, environ)
        }
        (pid, stdin, stdout) = try pipes.started(program, pid: child, error: status)
    }

    /// What a sandbox launch needs done to the child before it runs, beyond what posix_spawn can do.
    public struct Confinement: Sendable {
        /// `cgroup.procs` files the child joins before exec, so limits hold from its first instruction.
        public var cgroupProcs: [String] = []
        /// Descriptors the child gets at fixed numbers: (ours, its).
        public var descriptors: [(source: Int32, target: Int32)] = []
        /// The user and group the child runs as (supplementary groups dropped).
        public var credentials: (uid: UInt32, gid: UInt32)?

        public init(cgroupProcs: [String] = [], descriptors: [(source: Int32, target: Int32)] = [], credentials: (uid: UInt32, gid: UInt32)? = nil) {
            self.cgroupProcs = cgroupProcs
            self.descriptors = descriptors
            self.credentials = credentials
        }
    }

    /// Starts `arguments[0]` (an absolute path, or looked up in `environment`'s or our `PATH`)
    /// with `confinement` applied between fork and exec; the child also gets no_new_privs.
    public init(arguments: [String], environment: [String: String], confinement: Confinement) throws(SpawnError) {
        guard let program = arguments.first, !program.isEmpty else { throw SpawnError(description: "no command given") }
        guard let path = Self.resolve(program, searchPath: environment["PATH"] ?? Self.searchPath) else {
            throw SpawnError(description: "cannot start \(program): not found")
        }
        let pipes = try Pipes()
        let toChild = pipes.toChild, fromChild = pipes.fromChild
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let environmentStrings = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { environmentStrings.forEach { free($0) } }
        let cgroups = confinement.cgroupProcs.map { strdup($0) }
        defer { cgroups.forEach { free($0) } }
        let map = confinement.descriptors.flatMap { [$0.source, $0.target] }
        let result = argv.withUnsafeBufferPointer { argvBuffer in
            environmentStrings.withUnsafeBufferPointer { envBuffer in
                cgroups.map { UnsafePointer($0) }.withUnsafeBufferPointer { cgroupBuffer in
                    map.withUnsafeBufferPointer { mapBuffer in
                        var options = shield_spawn_options()
                        options.cgroup_procs = cgroupBuffer.baseAddress
                        options.cgroup_count = Int32(cgroupBuffer.count)
                        options.descriptor_map = mapBuffer.baseAddress
                        options.descriptor_pairs = Int32(confinement.descriptors.count)
                        if let credentials = confinement.credentials {
                            options.change_credentials = 1
                            options.uid = credentials.uid
                            options.gid = credentials.gid
                        }
                        return shield_spawn(path, argvBuffer.baseAddress!, envBuffer.baseAddress!, toChild[0], fromChild[1], &options)
                    }
                }
            }
        }
        (pid, stdin, stdout) = try pipes.started(program, pid: result, error: result > 0 ? 0 : -result)
    }

    /// The child's standard input and output pipes, close-on-exec from the start so a child
    /// another thread starts meanwhile cannot inherit them.
    private struct Pipes {
        var toChild: [Int32] = [0, 0]
        var fromChild: [Int32] = [0, 0]

        init() throws(SpawnError) {
            guard shield_pipe_cloexec(&toChild) == 0 else {
                throw SpawnError(description: "cannot create pipes: \(String(cString: strerror(errno)))")
            }
            guard shield_pipe_cloexec(&fromChild) == 0 else {
                let error = errno
                toChild.forEach { _ = Glibc.close($0) }
                throw SpawnError(description: "cannot create pipes: \(String(cString: strerror(error)))")
            }
        }

        /// After the spawn: the child's ends are closed here; ours are returned, or closed too
        /// when the spawn failed with `error`.
        func started(_ program: String, pid: Int32, error: Int32) throws(SpawnError) -> (pid: Int32, stdin: Int32, stdout: Int32) {
            Glibc.close(toChild[0])
            Glibc.close(fromChild[1])
            guard error == 0 else {
                Glibc.close(toChild[1])
                Glibc.close(fromChild[0])
                throw SpawnError(description: "cannot start \(program): \(String(cString: strerror(error)))")
            }
            return (pid, toChild[1], fromChild[0])
        }
    }

    /// Our `PATH`, else the usual directories.
    public static var searchPath: String {
        getenv("PATH").map { String(cString: $0) } ?? "/usr/local/bin:/usr/bin:/bin"
    }

    /// The executable `program` names: itself when it holds a `/`, else the first match in `searchPath`.
    public static func resolve(_ program: String, searchPath: String) -> String? {
        if program.contains("/") { return access(program, X_OK) == 0 ? program : nil }
        for directory in searchPath.split(separator: ":") where !directory.isEmpty {
            let candidate = "\(directory)/\(program)"
            var info = stat()
            if stat(candidate, &info) == 0, info.st_mode & S_IFMT == S_IFREG, access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    /// Sends `signal` to the child's process group: the server and whatever it started (`npx`,
    /// `uvx` and shell wrappers run the real server as a grandchild).
    public func send(_ signal: Int32) {
        kill(-pid, signal)
    }

    /// Waits for the child to exit; returns a shell-style status (128 + signal when killed).
    public func wait() -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return 1 }
        }
        let signal = status & 0x7f
        if signal == 0 { return (status >> 8) & 0xff }
        return 128 + signal
    }
}
