// The smallest static aarch64 Linux program: write(1, "aarch64\n", 8); exit(0).
// No libc, no preprocessor: assembled by test_aarch64.sh with
//   aarch64-linux-gnu-as -o hello.o hello-aarch64.S && aarch64-linux-gnu-ld -static -o hello hello.o

        .text
msg:    .ascii  "aarch64\n"
        .equ    len, . - msg

        .balign 4
        .global _start
_start:
        mov     x0, #1          // fd = stdout
        adr     x1, msg         // buf
        mov     x2, #len        // count
        mov     x8, #64         // __NR_write
        svc     #0
        mov     x0, #0          // status = 0
        mov     x8, #93         // __NR_exit
        svc     #0
