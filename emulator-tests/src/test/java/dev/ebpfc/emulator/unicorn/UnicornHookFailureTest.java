package dev.ebpfc.emulator.unicorn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/// An exception escaping an FFM upcall kills the JVM; these tests throw from every kind of hook
/// and check that the exception comes back out of start() as the cause of a UnicornException,
/// with the JVM alive and the engine still usable and closable. Also covers hook deletion and
/// the closed-engine guard (a call through a freed uc_engine* would crash the JVM too).
///
/// x86_64 code from GNU as 2.40: `as --64 f.s -o f.o && objcopy -O binary -j .text f.o f.bin`.
class UnicornHookFailureTest {
    static final long CODE = 0x10000, PAGE = 0x1000;
    // mov $6,%rdi ; mov $7,%rsi ; int3 ; add $100,%rax ; nop
    static final byte[] TRAP = HexFormat.of().parseHex("48c7c70600000048c7c607000000cc4883c06490");
    static final long TRAP_END = CODE + TRAP.length - 1;
    // mov $6,%rdi ; mov $7,%rsi ; syscall ; add $100,%rax ; nop
    static final byte[] SYSCALL = HexFormat.of().parseHex("48c7c70600000048c7c6070000000f054883c06490");
    // mov (%rdi),%rax ; nop
    static final byte[] LOAD = HexFormat.of().parseHex("488b0790");

    static Unicorn openWith(byte[] code) {
        Unicorn u = Unicorn.open(UnicornArch.X86_64);
        u.memMap(CODE, PAGE, Unicorn.PROT_ALL);
        u.memWrite(CODE, code);
        return u;
    }

    /// After a failed run the same engine runs the trap program cleanly with a fresh hook.
    static void assertStillUsable(Unicorn u) {
        u.memWrite(CODE, TRAP);
        u.invalidateTranslations(CODE, CODE + PAGE); // blocks of the previous program
        UnicornHook ok = u.hookInterrupt((uc, intno) -> uc.regWrite(UnicornX86Reg.RAX, 1));
        u.start(CODE, TRAP_END, 0, 0);
        assertEquals(101, u.regRead(UnicornX86Reg.RAX));
        u.hookDelete(ok);
    }

    @Test
    void interruptHookThrowing() {
        IllegalStateException boom = new IllegalStateException("boom from intr");
        try (Unicorn u = openWith(TRAP)) {
            UnicornHook h = u.hookInterrupt((uc, intno) -> {
                throw boom;
            });
            UnicornException e = assertThrows(UnicornException.class, () -> u.start(CODE, TRAP_END, 0, 0));
            assertSame(boom, e.getCause());
            assertEquals("uc_emu_start", e.call());
            assertTrue(e.getMessage().contains("boom from intr"), e.getMessage());
            assertEquals(CODE + 15, u.pc(), "stopped right after the trap, the add did not run");
            u.hookDelete(h);
            assertStillUsable(u);
        }
    }

    @Test
    void codeHookThrowingAnError() {
        try (Unicorn u = openWith(TRAP)) {
            int[] calls = {0};
            UnicornHook h = u.hookCode(CODE, CODE + PAGE - 1, (uc, address, size) -> {
                if (++calls[0] == 2) throw new AssertionError("error from code hook at " + address);
            });
            UnicornException e = assertThrows(UnicornException.class, () -> u.start(CODE, TRAP_END, 0, 0));
            assertInstanceOf(AssertionError.class, e.getCause());
            assertNull(e.error(), "emulation itself ended cleanly");
            assertEquals(2, calls[0], "uc_emu_stop took effect before a third instruction");
            u.hookDelete(h);
            u.hookInterrupt((uc, intno) -> {}); // int3 needs a handler to continue
            u.regWrite(UnicornX86Reg.RAX, 0);
            u.start(CODE, TRAP_END, 0, 0);
            assertEquals(100, u.regRead(UnicornX86Reg.RAX));
        }
    }

    @Test
    void memInvalidHookThrowing() {
        try (Unicorn u = openWith(LOAD)) {
            UnicornHook h = u.hookMemInvalid((uc, access, address, size, value) -> {
                throw new IllegalArgumentException("bad access at 0x" + Long.toHexString(address));
            });
            u.regWrite(UnicornX86Reg.RDI, 0xdead_0000L);
            UnicornException e = assertThrows(UnicornException.class, () -> u.start(CODE, CODE + 3, 0, 0));
            assertInstanceOf(IllegalArgumentException.class, e.getCause());
            assertEquals(UnicornError.READ_UNMAPPED, e.error(), "the hook's false return still ends the run");
            u.hookDelete(h);
            // tryStart reports the fault as a value and still throws for hook failures.
            assertEquals(UnicornError.READ_UNMAPPED, u.tryStart(CODE, CODE + 3, 0, 0));
            assertStillUsable(u);
        }
    }

    @Test
    void syscallHookThrowing() {
        try (Unicorn u = openWith(SYSCALL)) {
            u.hookSyscall(uc -> {
                throw new UnsupportedOperationException("no such helper");
            });
            UnicornException e = assertThrows(UnicornException.class,
                    () -> u.tryStart(CODE, CODE + SYSCALL.length - 1, 0, 0));
            assertInstanceOf(UnsupportedOperationException.class, e.getCause());
        }
    }

    /// Unicorn checks its stop request between hooks, so after the first hook threw (and called
    /// uc_emu_stop) a second hook on the same instruction does not run.
    @Test
    void stopFromAFailedHookSkipsTheRemainingHooks() {
        try (Unicorn u = openWith(TRAP)) {
            RuntimeException first = new RuntimeException("first");
            boolean[] secondRan = {false};
            u.hookCode(CODE, CODE, (uc, a, s) -> {
                throw first;
            });
            u.hookCode(CODE, CODE, (uc, a, s) -> secondRan[0] = true);
            UnicornException e = assertThrows(UnicornException.class, () -> u.start(CODE, TRAP_END, 0, 0));
            assertSame(first, e.getCause());
            assertTrue(!secondRan[0]);
        }
    }

    @Test
    void hooksCannotCloseOrRestartTheEngine() {
        try (Unicorn u = openWith(TRAP)) {
            u.hookInterrupt((uc, intno) -> uc.close());
            UnicornException e = assertThrows(UnicornException.class, () -> u.start(CODE, TRAP_END, 0, 0));
            assertInstanceOf(IllegalStateException.class, e.getCause());
            assertTrue(!u.isClosed());
        }
        try (Unicorn u = openWith(TRAP)) {
            u.hookInterrupt((uc, intno) -> uc.start(CODE, TRAP_END, 0, 0));
            UnicornException e = assertThrows(UnicornException.class, () -> u.start(CODE, TRAP_END, 0, 0));
            assertInstanceOf(IllegalStateException.class, e.getCause());
        }
    }

    @Test
    void deletedHookIsNotCalled() {
        try (Unicorn u = openWith(TRAP)) {
            int[] a = {0}, b = {0};
            UnicornHook ha = u.hookInterrupt((uc, intno) -> a[0]++);
            u.hookInterrupt((uc, intno) -> b[0]++);
            u.start(CODE, TRAP_END, 0, 0);
            u.hookDelete(ha);
            u.hookDelete(ha); // idempotent
            assertTrue(ha.isDeleted());
            u.start(CODE, TRAP_END, 0, 0);
            assertEquals(1, a[0]);
            assertEquals(2, b[0]);
        }
    }

    @Test
    void closeIsIdempotentAndGuardsLaterCalls() {
        Unicorn u = openWith(TRAP);
        UnicornHook h = u.hookInterrupt((uc, intno) -> {});
        u.close();
        u.close();
        assertTrue(u.isClosed());
        assertTrue(h.isDeleted());
        assertThrows(IllegalStateException.class, () -> u.regRead(UnicornX86Reg.RAX));
        assertThrows(IllegalStateException.class, () -> u.start(CODE, TRAP_END, 0, 0));
        assertThrows(IllegalStateException.class, () -> u.memMap(0x20000, PAGE, Unicorn.PROT_ALL));
    }

    @Test
    void failingCallsNameThemselvesAndTheUnicornError() {
        try (Unicorn u = Unicorn.open(UnicornArch.X86_64)) {
            UnicornException e = assertThrows(UnicornException.class, () -> u.memMap(0x10001, PAGE, Unicorn.PROT_ALL));
            assertEquals("uc_mem_map", e.call());
            assertEquals(UnicornError.ARG, e.error());
            assertTrue(e.getMessage().startsWith("uc_mem_map: "), e.getMessage());
            assertTrue(e.getMessage().contains("UC_ERR_ARG"), e.getMessage());

            u.memMap(CODE, PAGE, Unicorn.PROT_ALL);
            e = assertThrows(UnicornException.class, () -> u.memMap(CODE, PAGE, Unicorn.PROT_ALL));
            assertEquals(UnicornError.MAP, e.error());
            e = assertThrows(UnicornException.class, () -> u.memRead(0x90_0000, 8));
            assertEquals("uc_mem_read", e.call());
            assertEquals(UnicornError.READ_UNMAPPED, e.error());
            // 2.0.1 quirk: an unknown register id is not an error; the write is dropped.
            u.regWrite(100_000, 1);
            assertEquals(0, u.regRead(100_000));
        }
        try (Unicorn arm = Unicorn.open(UnicornArch.ARM64)) {
            assertThrows(IllegalStateException.class, () -> arm.hookSyscall(uc -> {}));
        }
    }
}
