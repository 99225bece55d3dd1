#define _GNU_SOURCE
#include "CShieldSystem.h"

#include <errno.h>
#include <sched.h>
#include <seccomp.h>
#include <sys/mman.h>

int shield_memfd_cloexec(const char *name) { return memfd_create(name, MFD_CLOEXEC); }

int shield_seccomp_export(int fd, const char *const *denied, int denied_count, const unsigned long *denied_ioctls,
                          int ioctl_count, int *unknown) {
    scmp_filter_ctx filter = seccomp_init(SCMP_ACT_ALLOW);
    if (filter == NULL) return -ENOMEM;
    int result = 0;
    *unknown = 0;
    // A foreign ABI (i386 via int 0x80, x32) would see a different syscall table: kill it.
    result = seccomp_attr_set(filter, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
    for (int i = 0; result == 0 && i < denied_count; i++) {
        int number = seccomp_syscall_resolve_name(denied[i]);
        if (number == __NR_SCMP_ERROR) {
            (*unknown)++;
            continue;
        }
        result = seccomp_rule_add_array(filter, SCMP_ACT_ERRNO(EPERM), number, 0, NULL);
    }
    const unsigned long namespaces =
        CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWCGROUP;
    // One rule per namespace bit: a clone asking for any of them is refused.
    for (int bit = 0; result == 0 && bit < 64; bit++) {
        unsigned long flag = 1UL << bit;
        if (!(namespaces & flag)) continue;
        struct scmp_arg_cmp flags = SCMP_A0(SCMP_CMP_MASKED_EQ, flag, flag);
        result = seccomp_rule_add_array(filter, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1, &flags);
    }
    if (result == 0) result = seccomp_rule_add_array(filter, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0, NULL);
    for (int i = 0; result == 0 && i < ioctl_count; i++) {
        // The request is an int in the kernel: compare its low 32 bits only, so high garbage
        // bits cannot slip a request past the filter.
        struct scmp_arg_cmp request = SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffUL, denied_ioctls[i]);
        result = seccomp_rule_add_array(filter, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ioctl), 1, &request);
    }
    if (result == 0) result = seccomp_export_bpf(filter, fd);
    seccomp_release(filter);
    return result;
}
