package dev.ebpfc.emulator.unicorn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/// Measures what differential fuzzing will pay per emulated program: regWrite x3, start, regRead
/// on one reused engine. Prints runs/second; asserts only the result, never the timing (2 shared
/// cores make timings noisy).
class UnicornThroughputTest {
    static final long CODE = 0x10000;
    // GNU as 2.40, `as --64`, ten instructions:
    //   mov %rdi,%rax ; add %rsi,%rax ; imul %rdx,%rax ; xor %rdi,%rax ; sub %rsi,%rax
    //   shl $3,%rax ; or %rdx,%rax ; and %rdi,%rax ; add $1,%rax ; not %rax
    static final byte[] TEN = HexFormat.of().parseHex(
            "4889f84801f0480fafc24831f84829f048c1e0034809d04821f84883c00148f7d0");
    static final long END = CODE + TEN.length;

    static long expected(long a, long b, long c) {
        long x = a + b;
        x *= c;
        x ^= a;
        x -= b;
        x <<= 3;
        x |= c;
        x &= a;
        x += 1;
        return ~x;
    }

    static double runsPerSecond(Unicorn u, long count, long millis) {
        long runs = 0;
        long deadline = System.nanoTime() + millis * 1_000_000;
        long t0 = System.nanoTime();
        while (System.nanoTime() < deadline) {
            for (int i = 0; i < 1000; i++, runs++) {
                u.regWrite(UnicornX86Reg.RDI, runs);
                u.regWrite(UnicornX86Reg.RSI, 3);
                u.regWrite(UnicornX86Reg.RDX, 5);
                u.start(CODE, END, 0, count);
                if (u.regRead(UnicornX86Reg.RAX) != expected(runs, 3, 5)) throw new AssertionError("run " + runs);
            }
        }
        return runs / ((System.nanoTime() - t0) / 1e9);
    }

    @Test
    void tenInstructionSnippetRunsPerSecond() {
        try (Unicorn u = Unicorn.open(UnicornArch.X86_64)) {
            u.memMap(CODE, 0x1000, Unicorn.PROT_READ | Unicorn.PROT_EXEC);
            u.memWrite(CODE, TEN);
            runsPerSecond(u, 0, 500); // warm up the JIT and Unicorn's translation cache
            double plain = runsPerSecond(u, 0, 1500);
            runsPerSecond(u, 1000, 300);
            double counted = runsPerSecond(u, 1000, 1500);
            long calls = 2_000_000, t0 = System.nanoTime(), sink = 0;
            for (long i = 0; i < calls; i++) {
                u.regWrite(UnicornX86Reg.RDI, i);
                sink += u.regRead(UnicornX86Reg.RDI);
            }
            double nsPerPair = (System.nanoTime() - t0) / (double) calls;
            assertEquals(calls * (calls - 1) / 2, sink);
            System.out.printf("regWrite + regRead pair: %.0f ns%n", nsPerPair);
            System.out.printf("x86_64 10-insn snippet, regWrite x3 + start + regRead: %.0f runs/s (no count), "
                    + "%.0f runs/s (count = 1000)%n", plain, counted);
            assertEquals(END, u.pc());
        }
    }
}
