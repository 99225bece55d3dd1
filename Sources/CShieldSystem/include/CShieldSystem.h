#ifndef CSHIELDSYSTEM_H
#define CSHIELDSYSTEM_H

#include <spawn.h>
#include <sys/types.h>

/// What a sandboxed child must have done to it between fork and exec, which posix_spawn cannot
/// do: join cgroups (so a limit holds from its first instruction, before it can fork), take
/// descriptors at fixed numbers, and drop to an unprivileged user.
typedef struct {
    /// `cgroup.procs` files the child writes itself into, in order.
    const char *const *cgroup_procs;
    int cgroup_count;
    /// Pairs (source, target): the child gets `source` as descriptor `target`.
    const int *descriptor_map;
    int descriptor_pairs;
    /// When `change_credentials` is set: setgroups(0), then gid, then uid, all three ids.
    int change_credentials;
    uid_t uid;
    gid_t gid;
} shield_spawn_options;

/// Starts `path` (absolute; no PATH search) with `argv` and `envp`, its standard input and output
/// on `stdin_fd` and `stdout_fd`, default signal dispositions, an empty signal mask, its own
/// process group and no_new_privs. Returns the pid, or -errno of the step that failed (in the
/// parent, or reported by the child before exec). The child gets no other descriptor: every
/// other one is closed, close-on-exec or not.
pid_t shield_spawn(const char *path, char *const argv[], char *const envp[], int stdin_fd, int stdout_fd,
                   const shield_spawn_options *options);

/// Adds "close every descriptor from `lowest` up" to `actions`, after the ones already added:
/// a child started with posix_spawn then inherits nothing of ours but what the actions put in
/// place, even descriptors some library opened without close-on-exec. Returns 0, or an errno
/// (ENOSYS before glibc 2.34 and on other C libraries).
int shield_spawn_close_from(posix_spawn_file_actions_t *actions, int lowest);

/// pipe2(fds, O_CLOEXEC): both ends close on exec from the start, so a child another thread
/// spawns meanwhile cannot inherit them.
int shield_pipe_cloexec(int fds[2]);

/// An anonymous in-memory file, closed on exec: memfd_create(name, MFD_CLOEXEC).
int shield_memfd_cloexec(const char *name);

/// Writes a seccomp BPF program (for bwrap's `--seccomp FD`) to `fd`: the native architecture
/// only (other ABIs, x32 included, kill the process), every syscall in `denied` fails with
/// EPERM, `clone` asking for a new namespace fails with EPERM, `clone3` fails with ENOSYS (its
/// flags are out of the filter's reach; libc falls back to `clone`), and `ioctl` with a
/// request in `denied_ioctls` fails with EPERM. Names this libseccomp does not know are
/// skipped and counted in `*unknown`. Returns 0 or -errno.
int shield_seccomp_export(int fd, const char *const *denied, int denied_count, const unsigned long *denied_ioctls,
                          int ioctl_count, int *unknown);

#endif
