#if canImport(Glibc)
    internal import Glibc
#endif

/// Memory and process limits for one sandbox, as cgroups the child joins before exec.
///
/// cgroup v2 (one `cgroup.controllers` at the root) and v1 (a `memory` and a `pids` hierarchy)
/// are both handled; creating groups needs write access to the hierarchy, which root has. Swap is
/// limited with memory where the kernel accounts it, so the limit cannot be dodged into swap.
struct CgroupLimits {
    /// The `cgroup.procs` files to join.
    let procs: [String]
    /// The group directories, removed after the sandbox exits.
    let directories: [String]
    /// The kernel does not account swap here: with swap on, memory past the limit can go there.
    var swapUnbounded = false

    static let root = "/sys/fs/cgroup"

    /// Creates the groups; `nil` with a reason when this machine does not let us.
    static func create(name: String, memoryBytes: Int, processes: Int) -> Result<CgroupLimits, SandboxError> {
        if Host.exists("\(root)/cgroup.controllers") { return createUnified(name: name, memoryBytes: memoryBytes, processes: processes) }
        var settings: [(controller: String, files: [(String, String)])] = [
            ("memory", [("memory.limit_in_bytes", "\(memoryBytes)"), ("memory.memsw.limit_in_bytes", "\(memoryBytes)")]),
            ("pids", [("pids.max", "\(processes)")]),
        ]
        settings = settings.filter { Host.isDirectory("\(root)/\($0.controller)") }
        guard settings.count == 2 else { return .failure(SandboxError("the memory and pids cgroup controllers are not mounted under \(root)")) }
        var created: [String] = []
        var swapUnbounded = false
        for (controller, files) in settings {
            let directory = "\(root)/\(controller)/mcp-shield/\(name)"
            if let failure = makeDirectory(directory) {
                remove(created)
                return .failure(failure)
            }
            created.append(directory)
            for (file, value) in files {
                // memsw exists only with swap accounting; the memory limit alone holds without swap.
                if file == "memory.memsw.limit_in_bytes", !Host.exists("\(directory)/\(file)") {
                    swapUnbounded = true
                    continue
                }
                if let failure = write(value, to: "\(directory)/\(file)") {
                    remove(created)
                    return .failure(failure)
                }
            }
        }
        return .success(CgroupLimits(procs: created.map { "\($0)/cgroup.procs" }, directories: created, swapUnbounded: swapUnbounded))
    }

    private static func createUnified(name: String, memoryBytes: Int, processes: Int) -> Result<CgroupLimits, SandboxError> {
        let parent = "\(root)/mcp-shield"
        // Controllers must be enabled on the path down to the group.
        if let failure = write("+memory +pids", to: "\(root)/cgroup.subtree_control") { return .failure(failure) }
        if let failure = makeDirectory(parent) { return .failure(failure) }
        if let failure = write("+memory +pids", to: "\(parent)/cgroup.subtree_control") { return .failure(failure) }
        let directory = "\(parent)/\(name)"
        if let failure = makeDirectory(directory) { return .failure(failure) }
        var swapUnbounded = false
        for (file, value) in [("memory.max", "\(memoryBytes)"), ("memory.swap.max", "0"), ("pids.max", "\(processes)")] {
            if file == "memory.swap.max", !Host.exists("\(directory)/\(file)") {
                swapUnbounded = true
                continue
            }
            if let failure = write(value, to: "\(directory)/\(file)") {
                remove([directory])
                return .failure(failure)
            }
        }
        return .success(CgroupLimits(procs: ["\(directory)/cgroup.procs"], directories: [directory], swapUnbounded: swapUnbounded))
    }

    /// Kills whatever is left in the groups and removes them.
    func remove() { Self.remove(directories) }

    private static func remove(_ directories: [String]) {
        for directory in directories {
            for _ in 0..<50 {
                if rmdir(directory) == 0 || errno == ENOENT { break }
                // Still populated: a process the sandbox left behind.
                for pid in members(of: directory) { kill(pid, SIGKILL) }
                usleep(20_000)
            }
        }
    }

    private static func members(of directory: String) -> [Int32] {
        guard let file = fopen("\(directory)/cgroup.procs", "r") else { return [] }
        defer { fclose(file) }
        var pids: [Int32] = []
        var pid: Int32 = 0
        while nextPID(file, &pid) { pids.append(pid) }
        return pids
    }

    private static func nextPID(_ file: UnsafeMutablePointer<FILE>, _ pid: inout Int32) -> Bool {
        var line: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(line) }
        guard getline(&line, &capacity, file) > 0, let line, let value = Int32(String(cString: line).trimmingNewline) else { return false }
        pid = value
        return true
    }

    private static func makeDirectory(_ path: String) -> SandboxError? {
        var prefix = ""
        for component in path.split(separator: "/") {
            prefix += "/\(component)"
            if mkdir(prefix, 0o755) != 0, errno != EEXIST {
                return SandboxError("cannot create the cgroup \(prefix): \(String(cString: strerror(errno)))")
            }
        }
        return nil
    }

    private static func write(_ value: String, to path: String) -> SandboxError? {
        let descriptor = open(path, O_WRONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return SandboxError("cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        let bytes = Array(value.utf8)
        guard Glibc.write(descriptor, bytes, bytes.count) == bytes.count else {
            return SandboxError("cannot write \(value) to \(path): \(String(cString: strerror(errno)))")
        }
        return nil
    }
}

extension String {
    fileprivate var trimmingNewline: String {
        var text = self
        while text.last == "\n" { text.removeLast() }
        return text
    }
}
