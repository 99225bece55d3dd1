// mcp-shield-sandbox-init: the last step inside the bubblewrap sandbox before the MCP server runs.
//
//   mcp-shield-sandbox-init [--ro PATH]... [--rw PATH]... [--best-effort] -- COMMAND [ARGS...]
//
// The helper restricts itself with a Landlock filesystem ruleset and then execs COMMAND, which
// inherits the restriction and can never lift it. Bubblewrap decides what the server can *see*
// (mounts, namespaces); Landlock limits what it can *do* with what it sees. This is a second,
// independent layer, so a mistake in the mount layout does not give write access on its own.
//
// Every filesystem right the running kernel knows is handled (denied unless a rule grants it).
// Network rights are deliberately left unhandled: network isolation comes from namespaces.
//
// Exit status: 126 for usage or setup errors (and for a missing Landlock without --best-effort),
// 127 when COMMAND cannot be executed, as a shell would report it.

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

// The package also builds on macOS, and old Linux headers may predate Landlock. Either way the
// helper still compiles and behaves as on a kernel without Landlock: it refuses to run
// unconfined unless --best-effort is given.
#if defined(__linux__) && defined(__has_include)
#if __has_include(<linux/landlock.h>)
#define HAVE_LANDLOCK 1
#endif
#endif

#ifdef HAVE_LANDLOCK
#include <linux/landlock.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

// Headers may be older than the kernel we run on; the values are fixed kernel ABI.
#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset __NR_landlock_create_ruleset
#define SYS_landlock_add_rule __NR_landlock_add_rule
#define SYS_landlock_restrict_self __NR_landlock_restrict_self
#endif
#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER (1ULL << 13) // ABI 2
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14) // ABI 3
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15) // ABI 5
#endif

// The rights of ABI 1, common to every Landlock kernel.
#define FS_ABI1                                                                          \
    (LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE |                        \
     LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR |                        \
     LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE |                    \
     LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_DIR |                        \
     LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_SOCK |                        \
     LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_BLOCK |                      \
     LANDLOCK_ACCESS_FS_MAKE_SYM)

// Read-only: read files, list directories, run programs (the server needs its interpreter).
#define FS_READ                                                                          \
    (LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR)

// The only rights a rule on a non-directory may carry; the kernel rejects others with EINVAL.
#define FS_FILE                                                                          \
    (LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE |                        \
     LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_TRUNCATE |                        \
     LANDLOCK_ACCESS_FS_IOCTL_DEV)
#endif // HAVE_LANDLOCK

static const char *prog = "mcp-shield-sandbox-init";

static _Noreturn void usage_error(const char *why) {
    fprintf(stderr,
            "%s: %s\nusage: %s [--ro PATH]... [--rw PATH]... [--best-effort] -- COMMAND [ARGS...]\n",
            prog, why, prog);
    exit(126);
}

static _Noreturn void run(char **cmd) {
    execvp(cmd[0], cmd);
    fprintf(stderr, "%s: cannot execute %s: %s\n", prog, cmd[0], strerror(errno));
    exit(127);
}

#ifdef HAVE_LANDLOCK
static _Noreturn void fail(const char *step) {
    fprintf(stderr, "%s: %s: %s\n", prog, step, strerror(errno));
    exit(126);
}

// The highest Landlock ABI the kernel supports, or -1 with errno set.
static int landlock_abi(void) {
    return (int)syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
}

// Every filesystem right the kernel's ABI knows; handling a right it does not know is EINVAL.
static __u64 handled_rights(int abi) {
    __u64 rights = FS_ABI1;
    if (abi >= 2) rights |= LANDLOCK_ACCESS_FS_REFER;
    if (abi >= 3) rights |= LANDLOCK_ACCESS_FS_TRUNCATE;
    if (abi >= 5) rights |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
    return rights;
}

static void add_rule(int ruleset, const char *opt, const char *path, __u64 rights) {
    // O_PATH: we only need a handle on the inode, not permission to read it.
    int fd = open(path, O_PATH | O_CLOEXEC);
    if (fd < 0) {
        // The caller passes a generic list (e.g. /lib64); a missing one grants nothing anyway.
        if (errno == ENOENT || errno == ENOTDIR) {
            fprintf(stderr, "%s: warning: skipping %s %s: %s\n", prog, opt, path, strerror(errno));
            return;
        }
        fprintf(stderr, "%s: opening %s %s: %s\n", prog, opt, path, strerror(errno));
        exit(126);
    }
    struct stat st;
    if (fstat(fd, &st) != 0) fail("fstat");
    if (!S_ISDIR(st.st_mode)) rights &= FS_FILE;

    struct landlock_path_beneath_attr rule = {.allowed_access = rights, .parent_fd = fd};
    if (syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &rule, 0) != 0) {
        fprintf(stderr, "%s: landlock_add_rule %s %s: %s\n", prog, opt, path, strerror(errno));
        exit(126);
    }
    close(fd);
}
#endif // HAVE_LANDLOCK

int main(int argc, char **argv) {
    // Validate the whole command line before touching the kernel, so a typo never half-applies.
    bool best_effort = false;
    int sep = 0;
    for (int i = 1; i < argc && sep == 0; i++) {
        if (strcmp(argv[i], "--") == 0) {
            sep = i;
        } else if (strcmp(argv[i], "--best-effort") == 0) {
            best_effort = true;
        } else if (strcmp(argv[i], "--ro") == 0 || strcmp(argv[i], "--rw") == 0) {
            if (++i >= argc || argv[i][0] == '\0') usage_error("missing PATH after --ro/--rw");
        } else {
            char why[256];
            snprintf(why, sizeof why, "unknown argument '%s'", argv[i]);
            usage_error(why);
        }
    }
    if (sep == 0) usage_error("missing '--' before COMMAND");
    if (sep + 1 >= argc) usage_error("missing COMMAND after '--'");
    char **cmd = argv + sep + 1;

#ifdef HAVE_LANDLOCK
    int abi = landlock_abi();
    if (abi < 0 && errno != ENOSYS && errno != EOPNOTSUPP) fail("querying the Landlock ABI");
    const char *missing = abi < 0 ? strerror(errno) : NULL;
#else
    const char *missing = "not a Linux build";
#endif
    if (missing) {
        if (!best_effort) {
            fprintf(stderr, "%s: Landlock is not available (%s); refusing to run unconfined\n",
                    prog, missing);
            return 126;
        }
        fprintf(stderr, "%s: note: Landlock is not available (%s); running without filesystem "
                        "confinement (--best-effort)\n", prog, missing);
        run(cmd);
    }

#ifdef HAVE_LANDLOCK
    __u64 all = handled_rights(abi);
    struct landlock_ruleset_attr attr = {.handled_access_fs = all};
    int ruleset = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof attr, 0);
    if (ruleset < 0) fail("landlock_create_ruleset");

    for (int i = 1; i < sep; i++) {
        if (strcmp(argv[i], "--ro") == 0) add_rule(ruleset, argv[i], argv[i + 1], FS_READ & all);
        else if (strcmp(argv[i], "--rw") == 0) add_rule(ruleset, argv[i], argv[i + 1], all);
        else continue;
        i++; // skip the PATH just consumed
    }

    // Required to self-restrict without CAP_SYS_ADMIN, and keeps a setuid binary from
    // escaping the ruleset's intent.
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) fail("prctl(PR_SET_NO_NEW_PRIVS)");
    if (syscall(SYS_landlock_restrict_self, ruleset, 0) != 0) fail("landlock_restrict_self");
    close(ruleset);
    run(cmd);
#endif
    return 126; // not reached
}
