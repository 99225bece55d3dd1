#define _GNU_SOURCE
#include "CShieldSystem.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

// Between fork and exec only async-signal-safe calls are allowed: the parent is multi-threaded.

/// Reports `error` to the parent through the status pipe and exits.
static void child_fail(int status_fd, int error) {
    ssize_t ignored = write(status_fd, &error, sizeof error);
    (void)ignored;
    _exit(127);
}

static int write_pid_to(const char *file) {
    int fd = open(file, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    // "0" names the writing process, so no number formatting is needed here.
    ssize_t written = write(fd, "0", 1);
    int saved = errno;
    close(fd);
    errno = saved;
    return written == 1 ? 0 : -1;
}

int shield_pipe_cloexec(int fds[2]) { return pipe2(fds, O_CLOEXEC); }

int shield_spawn_close_from(posix_spawn_file_actions_t *actions, int lowest) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
    return posix_spawn_file_actions_addclosefrom_np(actions, lowest);
#else
    (void)actions;
    (void)lowest;
    return ENOSYS;
#endif
}

pid_t shield_spawn(const char *path, char *const argv[], char *const envp[], int stdin_fd, int stdout_fd,
                   const shield_spawn_options *options) {
    int status_pipe[2];
    if (pipe2(status_pipe, O_CLOEXEC) != 0) return -errno;

    pid_t pid = fork();
    if (pid < 0) {
        int error = errno;
        close(status_pipe[0]);
        close(status_pipe[1]);
        return -error;
    }
    if (pid == 0) {
        int report = status_pipe[1];
        sigset_t none;
        sigemptyset(&none);
        for (int signal_number = 1; signal_number < NSIG; signal_number++) signal(signal_number, SIG_DFL);
        sigprocmask(SIG_SETMASK, &none, NULL);
        if (setpgid(0, 0) != 0) child_fail(report, errno);

        for (int i = 0; i < options->cgroup_count; i++) {
            if (write_pid_to(options->cgroup_procs[i]) != 0) child_fail(report, errno);
        }
        // The mapping: standard input and output, then the caller's pairs.
        int pairs = options->descriptor_pairs < 62 ? options->descriptor_pairs : 62;
        int sources[2 + 62] = {stdin_fd, stdout_fd};
        int targets[2 + 62] = {0, 1};
        int highest = 2;
        for (int i = 0; i < pairs; i++) {
            sources[2 + i] = options->descriptor_map[2 * i];
            targets[2 + i] = options->descriptor_map[2 * i + 1];
            if (targets[2 + i] > highest) highest = targets[2 + i];
        }
        // Everything we still need goes above every target first, so placing one descriptor
        // cannot clobber another's source, or the status pipe.
        report = fcntl(report, F_DUPFD_CLOEXEC, highest + 1);
        if (report < 0) child_fail(status_pipe[1], errno);
        int moved[2 + 62];
        for (int i = 0; i < 2 + pairs; i++) {
            moved[i] = fcntl(sources[i], F_DUPFD_CLOEXEC, highest + 1);
            if (moved[i] < 0) child_fail(report, errno);
        }
        for (int i = 0; i < 2 + pairs; i++) {
            if (dup2(moved[i], targets[i]) < 0) child_fail(report, errno);  // dup2 clears CLOEXEC
        }
        // Nothing else crosses into the child: a descriptor the parent inherited without
        // close-on-exec (a socket of whoever started us) must not reach a sandboxed server.
        for (int fd = 3; fd <= highest; fd++) {
            int kept = 0;
            for (int i = 0; i < 2 + pairs && !kept; i++) kept = targets[i] == fd;
            if (!kept) close(fd);
        }
        if (report > highest + 1) close_range(highest + 1, report - 1, 0);
        close_range(report + 1, ~0U, 0);

        if (options->change_credentials) {
            if (setgroups(0, NULL) != 0) child_fail(report, errno);
            if (setresgid(options->gid, options->gid, options->gid) != 0) child_fail(report, errno);
            if (setresuid(options->uid, options->uid, options->uid) != 0) child_fail(report, errno);
        }
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) child_fail(report, errno);
        execve(path, argv, envp);
        child_fail(report, errno);
    }

    close(status_pipe[1]);
    int error = 0;
    ssize_t got;
    do {
        got = read(status_pipe[0], &error, sizeof error);
    } while (got < 0 && errno == EINTR);
    close(status_pipe[0]);
    if (got == (ssize_t)sizeof error) {
        // The child failed before exec and has exited: reap it so no zombie is left.
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {}
        return -error;
    }
    return pid;  // EOF: exec closed the pipe
}
