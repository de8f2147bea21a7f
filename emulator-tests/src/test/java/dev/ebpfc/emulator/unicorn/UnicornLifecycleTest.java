package dev.ebpfc.emulator.unicorn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/// Thousands of open/map/hook/run/close cycles must not leak: hook slots return to the table,
/// per-instance arenas close, and resident memory stays flat (each engine reserves a large TCG
/// buffer, so a leaked engine shows up in RSS at once).
class UnicornLifecycleTest {
    static final long CODE = 0x10000;
    // GNU as 2.40, `as --64`: mov $6,%rdi ; mov $7,%rsi ; int3 ; add $100,%rax ; nop
    static final byte[] TRAP = HexFormat.of().parseHex("48c7c70600000048c7c607000000cc4883c06490");

    static long oneCycle(UnicornArch arch, byte[] code, long end, UnicornReg result) {
        try (Unicorn u = Unicorn.open(arch)) {
            u.memMap(CODE, 0x1000, Unicorn.PROT_ALL);
            u.memWrite(CODE, code);
            u.hookInterrupt((uc, intno) -> uc.regWrite(result, 42));
            u.start(CODE, end, 0, 1000);
            return u.regRead(result);
        }
    }

    static long rssKiB() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", ""));
        }
        return -1;
    }

    @Test
    void twoThousandCyclesLeakNothing() throws IOException {
        long end = CODE + TRAP.length - 1;
        for (int i = 0; i < 100; i++) oneCycle(UnicornArch.X86_64, TRAP, end, UnicornX86Reg.RAX);
        int slots = UnicornHook.liveCount();
        long rss0 = rssKiB();
        long t0 = System.nanoTime();
        for (int i = 0; i < 2000; i++) {
            assertEquals(142, oneCycle(UnicornArch.X86_64, TRAP, end, UnicornX86Reg.RAX));
        }
        long micros = (System.nanoTime() - t0) / 1000;
        long rss1 = rssKiB();
        System.out.printf("2000 x86_64 open/map/hook/run/close cycles: %d ms (%d us/cycle), RSS %d -> %d KiB%n",
                micros / 1000, micros / 2000, rss0, rss1);
        assertEquals(slots, UnicornHook.liveCount(), "hook slots released");
        // Generous: one leaked engine alone costs megabytes, 2000 of them would be gigabytes.
        assertTrue(rss1 - rss0 < 128 * 1024, "RSS grew by " + (rss1 - rss0) + " KiB");
    }

    @Test
    void otherIsasCycleToo() {
        // brk #0 (AArch64, hook must step over it) / ecall (RISC-V), then nop; GNU as 2.40.
        byte[] arm = HexFormat.of().parseHex("000020d41f2003d5");
        byte[] riscv = HexFormat.of().parseHex("7300000013000000");
        for (int i = 0; i < 200; i++) {
            try (Unicorn u = Unicorn.open(UnicornArch.ARM64)) {
                u.memMap(CODE, 0x1000, Unicorn.PROT_ALL);
                u.memWrite(CODE, arm);
                u.hookInterrupt((uc, intno) -> {
                    uc.regWrite(UnicornArm64Reg.X0, 42);
                    uc.setPc(uc.pc() + 4);
                });
                u.start(CODE, CODE + 4, 0, 100);
                assertEquals(42, u.regRead(UnicornArm64Reg.X0));
            }
            assertEquals(42, oneCycle(UnicornArch.RISCV64, riscv, CODE + 4, UnicornRiscvReg.X10));
        }
    }
}
