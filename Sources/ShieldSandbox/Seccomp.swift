internal import CShieldSystem

#if canImport(Glibc)
    internal import Glibc
#endif

/// The seccomp filter a bubblewrap sandbox runs under, compiled by libseccomp.
///
/// A deny list (default allow) like Docker's and Flatpak's: what an MCP server never needs and
/// what kernel exploits and sandbox escapes use. Denied calls fail with EPERM rather than killing
/// the server, so a library probing for a feature keeps working.
enum SeccompFilter {
    static let deniedSyscalls = [
        // Inspecting or writing other processes.
        "ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "pidfd_getfd",
        // Changing the filesystem topology or namespaces.
        "mount", "umount", "umount2", "pivot_root", "chroot", "move_mount", "open_tree", "fsopen", "fsmount", "fspick",
        "fsconfig", "mount_setattr", "unshare", "setns",
        // Kernel code, keys, BPF, tracing.
        "kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module", "bpf", "perf_event_open",
        "keyctl", "add_key", "request_key", "userfaultfd", "lookup_dcookie", "fanotify_init",
        // Machine state.
        "reboot", "swapon", "swapoff", "syslog", "acct", "settimeofday", "clock_settime", "clock_adjtime", "adjtimex",
        "sethostname", "setdomainname", "iopl", "ioperm", "quotactl", "quotactl_fd", "nfsservctl", "vhangup",
        // Opening files by handle bypasses the mount namespace (the "shocker" escape).
        "open_by_handle_at", "name_to_handle_at",
        "io_uring_setup", "io_uring_enter", "io_uring_register",
    ]

    /// TIOCSTI (push input into a terminal) and TIOCLINUX (the console's selection buffer).
    static let deniedIoctls: [UInt] = [0x5412, 0x541C]

    /// A descriptor positioned at the start of the compiled filter, and how many denied names
    /// this libseccomp is too old to know (those calls are not filtered).
    static func compile() throws(SandboxError) -> (descriptor: Int32, unknownNames: Int) {
        let descriptor = shield_memfd_cloexec("mcp-shield-seccomp")
        guard descriptor >= 0 else { throw SandboxError("cannot create the seccomp filter: \(String(cString: strerror(errno)))") }
        let names = deniedSyscalls.map { strdup($0) }
        defer { names.forEach { free($0) } }
        var unknown: Int32 = 0
        let result = names.map { UnsafePointer($0) }.withUnsafeBufferPointer { nameBuffer in
            deniedIoctls.withUnsafeBufferPointer { ioctlBuffer in
                shield_seccomp_export(
                    descriptor, nameBuffer.baseAddress, Int32(nameBuffer.count), ioctlBuffer.baseAddress, Int32(ioctlBuffer.count), &unknown)
            }
        }
        guard result == 0, lseek(descriptor, 0, SEEK_SET) == 0 else {
            close(descriptor)
            throw SandboxError("cannot compile the seccomp filter (libseccomp: \(String(cString: strerror(-result))))")
        }
        return (descriptor, Int(unknown))
    }
}
