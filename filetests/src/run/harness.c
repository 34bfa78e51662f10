/* Cross-execution harness for Atoll's qemu executor (filetests/src/run/qemu.rs).
 *
 * Compiled once per process and architecture, then linked statically with two
 * files generated per run: the object holding the text section (symbol
 * __atoll_fn_0) and `calls.c`, which defines the data declared below. Run under
 * qemu-user.
 *
 * Usage: harness <first call> <seconds per call>. Protocol on stdout, one line each,
 * written with write(2) so nothing is lost when the process dies:
 *   S <i>            call i starts
 *   R <i> <hex>      call i returned; its buffer afterwards
 *   C <i> <sig> <pc> call i was stopped by signal <sig> at section offset <pc>
 *                    (`-` when the pc is outside the section)
 *   D                every call ran
 * A trapping call is caught by a handler on an alternate signal stack that
 * siglongjmps back here, so the next call still runs; SIGALRM bounds each call.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

/* Defined by the generated calls.c. */
extern const unsigned atoll_ncalls;         /* number of calls */
extern const uintptr_t atoll_base_offset;   /* section offset of __atoll_fn_0 */
extern const uintptr_t atoll_text_len;      /* bytes in the section */
extern const uintptr_t atoll_entry[];       /* section offset of call i's trampoline */
extern const uintptr_t atoll_buf_off[];     /* call i's buffer in atoll_data */
extern const unsigned atoll_buf_len[];
extern unsigned char atoll_data[];          /* every buffer, with the arguments */
/* Defined by the text section's object. */
extern unsigned char __atoll_fn_0[];

static sigjmp_buf atoll_jump;
static volatile uintptr_t atoll_fault_pc;
static char atoll_alt_stack[1 << 16];

static uintptr_t text_base(void) {
    return (uintptr_t)__atoll_fn_0 - atoll_base_offset;
}

static void on_signal(int sig, siginfo_t *info, void *ctx) {
    ucontext_t *uc = (ucontext_t *)ctx;
    (void)info;
#if defined(__aarch64__)
    atoll_fault_pc = (uintptr_t)uc->uc_mcontext.pc;
#elif defined(__arm__)
    atoll_fault_pc = (uintptr_t)uc->uc_mcontext.arm_pc;
#else
    atoll_fault_pc = 0;
    (void)uc;
#endif
    siglongjmp(atoll_jump, sig);
}

static void put_line(const char *s, size_t n) {
    while (n > 0) {
        ssize_t w = write(1, s, n);
        if (w <= 0)
            _exit(4);
        s += w;
        n -= (size_t)w;
    }
}

static char *put_uint(char *p, uintptr_t v, unsigned base) {
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v != 0);
    while (n > 0)
        *p++ = tmp[--n];
    return p;
}

static void report_start(unsigned i) {
    char line[32], *p = line;
    *p++ = 'S';
    *p++ = ' ';
    p = put_uint(p, i, 10);
    *p++ = '\n';
    put_line(line, (size_t)(p - line));
}

static void report_return(unsigned i) {
    char line[256], *p = line;
    const unsigned char *b = atoll_data + atoll_buf_off[i];
    *p++ = 'R';
    *p++ = ' ';
    p = put_uint(p, i, 10);
    *p++ = ' ';
    for (unsigned k = 0; k < atoll_buf_len[i]; k++) {
        if (p > line + sizeof line - 4) {
            put_line(line, (size_t)(p - line));
            p = line;
        }
        *p++ = "0123456789abcdef"[b[k] >> 4];
        *p++ = "0123456789abcdef"[b[k] & 15];
    }
    *p++ = '\n';
    put_line(line, (size_t)(p - line));
}

static void report_crash(unsigned i, int sig, uintptr_t pc) {
    char line[64], *p = line;
    uintptr_t base = text_base();
    *p++ = 'C';
    *p++ = ' ';
    p = put_uint(p, i, 10);
    *p++ = ' ';
    p = put_uint(p, (uintptr_t)sig, 10);
    *p++ = ' ';
    if (pc >= base && pc - base < atoll_text_len)
        p = put_uint(p, pc - base, 16);
    else
        *p++ = '-';
    *p++ = '\n';
    put_line(line, (size_t)(p - line));
}

int main(int argc, char **argv) {
    unsigned first = argc > 1 ? (unsigned)strtoul(argv[1], 0, 10) : 0;
    unsigned limit = argc > 2 ? (unsigned)strtoul(argv[2], 0, 10) : 10;
    static const int sigs[] = {SIGILL, SIGSEGV, SIGBUS, SIGFPE, SIGTRAP, SIGALRM};
    stack_t ss;
    struct sigaction sa;

    ss.ss_sp = atoll_alt_stack;
    ss.ss_size = sizeof atoll_alt_stack;
    ss.ss_flags = 0;
    if (sigaltstack(&ss, 0) != 0)
        return 2;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_signal;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    for (unsigned k = 0; k < sizeof sigs / sizeof sigs[0]; k++)
        if (sigaction(sigs[k], &sa, 0) != 0)
            return 2;

    for (unsigned i = first; i < atoll_ncalls; i++) {
        void (*entry)(unsigned char *) = (void (*)(unsigned char *))(text_base() + atoll_entry[i]);
        int sig;
        report_start(i);
        /* savemask=1: the handler's blocked signal is unblocked again on the jump. */
        sig = sigsetjmp(atoll_jump, 1);
        if (sig == 0) {
            alarm(limit);
            entry(atoll_data + atoll_buf_off[i]);
            alarm(0);
            report_return(i);
        } else {
            alarm(0);
            report_crash(i, sig, atoll_fault_pc);
        }
    }
    put_line("D\n", 2);
    return 0;
}
