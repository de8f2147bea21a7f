package dev.ebpfc.emulator.unicorn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeout;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/// What the binding must do on every ISA, written once; [UnicornX86_64Test], [UnicornArm64Test]
/// and [UnicornRiscv64Test] supply the machine code (assembled with GNU as, see each) and the
/// ISA's registers and trap conventions. Every test really executes code under Unicorn.
abstract class UnicornIsaContract {
    /// Aligned for every engine's page size (x86_64 and RISC-V 4 KiB, AArch64 1 KiB in 2.0.1).
    static final long CODE = 0x10000, DATA = 0x20000, PAGE = 0x1000;
    static final long UNMAPPED = 0xdead_0008L;

    abstract UnicornArch arch();

    /// Sums `count` u64 at `ptr` and stores the sum just past the array; ends with a nop.
    abstract String sumCode();
    abstract UnicornReg ptrReg();
    abstract UnicornReg countReg();
    abstract UnicornReg sumReg();

    /// A branch to itself.
    abstract String loopCode();

    /// A 64-bit load from [ptrReg()], then a nop.
    abstract String loadCode();

    /// argA = 6, argB = 7, a trap (the "helper call"), result += 100, nop.
    abstract String helperCode();
    abstract UnicornReg argA();
    abstract UnicornReg argB();
    abstract UnicornReg resultReg();
    /// The interrupt number Unicorn reports for that trap.
    abstract int helperIntno();
    /// How far the hook must move the PC to resume after the trap: 0 when Unicorn already reports
    /// the PC of the next instruction (x86 `int3`, AArch64 `svc`, RISC-V `ecall`).
    abstract int helperPcAdvance();

    /// Three translation blocks at CODE, CODE+0x100, CODE+0x200: entry jumps to mid, mid sets
    /// resultReg() = 1 and jumps to end (a nop). midPatch() is mid's first instruction setting 2.
    abstract String tbEntry();
    abstract String tbMid();
    abstract String tbEnd();
    abstract String tbMidPatch();

    /// The trailing nop's length, so `until` can stop before it.
    abstract int nopLength();

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    /// Address of the last instruction (the nop) of `code` loaded at CODE.
    long end(String code) {
        return CODE + hex(code).length - nopLength();
    }

    Unicorn openWithCode(String code) {
        Unicorn u = Unicorn.open(arch());
        u.memMap(CODE, PAGE, Unicorn.PROT_READ | Unicorn.PROT_EXEC);
        u.memWrite(CODE, hex(code)); // uc_mem_write ignores page permissions
        return u;
    }

    @Test
    void sumsArrayInMemoryAndStoresResult() {
        try (Unicorn u = openWithCode(sumCode())) {
            u.memMap(DATA, PAGE, Unicorn.PROT_READ | Unicorn.PROT_WRITE);
            long expected = 0;
            for (int i = 0; i < 10; i++) {
                long v = 0x1111_0000_0000L * i + i * i;
                u.memWriteLong(DATA + 8L * i, v);
                expected += v;
            }
            u.regWrite(ptrReg(), DATA);
            u.regWrite(countReg(), 10);
            u.start(CODE, end(sumCode()), 0, 0);
            assertEquals(expected, u.regRead(sumReg()));
            assertEquals(expected, u.memReadLong(DATA + 80));
            assertEquals(DATA + 80, u.regRead(ptrReg()));
            assertEquals(end(sumCode()), u.pc());
        }
    }

    @Test
    void instructionCountLimitStopsAnInfiniteLoop() {
        try (Unicorn u = openWithCode(loopCode())) {
            long[] executed = {0};
            u.hookCode(CODE, CODE + PAGE - 1, (uc, address, size) -> executed[0]++);
            // count runs out quietly: UC_ERR_OK with the PC still inside the loop.
            assertEquals(UnicornError.OK, u.tryStart(CODE, CODE + PAGE, 0, 1000));
            assertEquals(CODE, u.pc());
            assertEquals(1000, executed[0]);
        }
    }

    @Test
    void timeoutStopsAnInfiniteLoop() {
        try (Unicorn u = openWithCode(loopCode())) {
            // Not assertTimeoutPreemptively: the engine is confined to this thread.
            assertTimeout(Duration.ofSeconds(10), () -> u.start(CODE, CODE + PAGE, 20_000, 0));
            assertEquals(CODE, u.pc());
        }
    }

    @Test
    void unmappedLoadReachesMemInvalidHookWithItsAddress() {
        try (Unicorn u = openWithCode(loadCode())) {
            List<String> seen = new ArrayList<>();
            u.hookMemInvalid((uc, access, address, size, value) -> {
                seen.add(access + " 0x" + Long.toHexString(address) + " " + size);
                return false;
            });
            u.regWrite(ptrReg(), UNMAPPED);
            assertEquals(UnicornError.READ_UNMAPPED, u.tryStart(CODE, end(loadCode()), 0, 0));
            assertEquals(List.of("READ_UNMAPPED 0x" + Long.toHexString(UNMAPPED) + " 8"), seen);
            assertEquals(CODE, u.pc(), "PC stays on the faulting load");
        }
    }

    @Test
    void unmappedLoadCanBeRepairedByTheHook() {
        try (Unicorn u = openWithCode(loadCode())) {
            u.hookMemInvalid((uc, access, address, size, value) -> {
                long page = address & -PAGE;
                uc.memMap(page, PAGE, Unicorn.PROT_READ);
                uc.memWriteLong(address, 0x0123_4567_89ab_cdefL);
                return true; // retried now that the page exists
            });
            u.regWrite(ptrReg(), UNMAPPED);
            u.start(CODE, end(loadCode()), 0, 0);
            assertEquals(end(loadCode()), u.pc());
            assertEquals(0x0123_4567_89ab_cdefL, u.memReadLong(UNMAPPED));
        }
    }

    @Test
    void fetchFromUnmappedMemoryIsReported() {
        try (Unicorn u = Unicorn.open(arch())) {
            long[] fault = {-1, -1};
            u.hookMemInvalid((uc, access, address, size, value) -> {
                fault[0] = access.ordinal();
                fault[1] = address;
                return false;
            });
            assertEquals(UnicornError.FETCH_UNMAPPED, u.tryStart(0x40_0000, 0x40_1000, 0, 0));
            assertEquals(UnicornMemAccess.FETCH_UNMAPPED.ordinal(), fault[0]);
            assertEquals(0x40_0000, fault[1]);
        }
    }

    @Test
    void writeToReadOnlyMemoryIsAProtectionFault() {
        try (Unicorn u = openWithCode(sumCode())) {
            u.memMap(DATA, PAGE, Unicorn.PROT_READ);
            UnicornMemAccess[] access = new UnicornMemAccess[1];
            long[] where = new long[1];
            u.hookMemInvalid((uc, a, address, size, value) -> {
                access[0] = a;
                where[0] = address;
                return false;
            });
            u.regWrite(ptrReg(), DATA);
            u.regWrite(countReg(), 2); // reads succeed, the final store hits the read-only page
            assertEquals(UnicornError.WRITE_PROT, u.tryStart(CODE, end(sumCode()), 0, 0));
            assertEquals(UnicornMemAccess.WRITE_PROT, access[0]);
            assertEquals(DATA + 16, where[0]);
        }
    }

    /// The round trip BPF helper calls will use: the compiled code traps, Java reads the argument
    /// registers, writes the result register, moves the PC past the trap, and the code goes on.
    @Test
    void trapRoundTripsThroughJavaLikeAHelperCall() {
        try (Unicorn u = openWithCode(helperCode())) {
            List<Integer> intnos = new ArrayList<>();
            u.hookInterrupt((uc, intno) -> {
                intnos.add(intno);
                long a = uc.regRead(argA()), b = uc.regRead(argB());
                uc.regWrite(resultReg(), a * b);
                uc.setPc(uc.pc() + helperPcAdvance());
            });
            u.start(CODE, end(helperCode()), 0, 0);
            assertEquals(List.of(helperIntno()), intnos);
            assertEquals(6 * 7 + 100, u.regRead(resultReg()));
            assertEquals(end(helperCode()), u.pc());
        }
    }

    @Test
    void hostBackedMemoryIsSharedBothWays() {
        try (Unicorn u = openWithCode(sumCode()); Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate(PAGE, PAGE);
            u.memMapHost(DATA, data, Unicorn.PROT_READ | Unicorn.PROT_WRITE);
            for (int round = 1; round <= 3; round++) {
                for (int i = 0; i < 4; i++) data.setAtIndex(ValueLayout.JAVA_LONG, i, round * 1000L + i);
                u.regWrite(ptrReg(), DATA);
                u.regWrite(countReg(), 4);
                u.start(CODE, end(sumCode()), 0, 0);
                long expected = 4 * round * 1000L + 6;
                assertEquals(expected, data.getAtIndex(ValueLayout.JAVA_LONG, 4), "emulated store seen by Java");
                assertEquals(expected, u.memReadLong(DATA + 32));
            }
            u.memUnmap(DATA, PAGE);
        }
    }

    /// Unicorn 2.0.1 does not invalidate translated blocks when their code changes, neither through
    /// uc_mem_write nor through host-backed memory (only the block at `begin` is retranslated on
    /// each start), so a rewrite of code that already ran needs a flush. Checked both ways: the
    /// whole cache (slow, see Unicorn#flushTranslationCache) with uc_mem_write, the one range with
    /// host-backed code.
    @Test
    void translationCacheFlushMakesRewrittenCodeRun() {
        for (boolean hostBacked : new boolean[] {false, true}) {
            try (Unicorn u = Unicorn.open(arch()); Arena arena = Arena.ofConfined()) {
                MemorySegment host = arena.allocate(PAGE, PAGE);
                if (hostBacked) u.memMapHost(CODE, host, Unicorn.PROT_ALL);
                else u.memMap(CODE, PAGE, Unicorn.PROT_ALL);
                u.memWrite(CODE, hex(tbEntry()));
                u.memWrite(CODE + 0x100, hex(tbMid()));
                u.memWrite(CODE + 0x200, hex(tbEnd()));
                for (int i = 0; i < 3; i++) u.start(CODE, CODE + 0x200, 0, 0);
                assertEquals(1, u.regRead(resultReg()));

                byte[] patch = hex(tbMidPatch());
                if (hostBacked) MemorySegment.copy(MemorySegment.ofArray(patch), 0, host, 0x100, patch.length);
                else u.memWrite(CODE + 0x100, patch);
                u.start(CODE, CODE + 0x200, 0, 0);
                assertEquals(1, u.regRead(resultReg()), "2.0.1 runs the stale block (hostBacked=" + hostBacked + ")");

                if (hostBacked) u.invalidateTranslations(CODE + 0x100, CODE + 0x100 + patch.length);
                else u.flushTranslationCache();
                u.start(CODE, CODE + 0x200, 0, 0);
                assertEquals(2, u.regRead(resultReg()), "the new code runs (hostBacked=" + hostBacked + ")");
            }
        }
    }

    @Test
    void pageSizeDividesTheMappingsUsedHere() {
        try (Unicorn u = Unicorn.open(arch())) {
            long ps = u.pageSize();
            assertTrue(ps > 0 && PAGE % ps == 0 && CODE % ps == 0, "page size " + ps);
        }
    }
}
