package dev.ebpfc.emulator.unicorn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/// [UnicornIsaContract] on x86_64, plus the `syscall` hook (UC_HOOK_INSN) that only x86 has.
///
/// Machine code from GNU as 2.40 (Debian): `as --64 f.s -o f.o && objcopy -O binary -j .text f.o
/// f.bin && xxd -p f.bin`; the source is in the comment above each literal.
class UnicornX86_64Test extends UnicornIsaContract {
    @Override
    UnicornArch arch() {
        return UnicornArch.X86_64;
    }

    //     xor %eax,%eax
    // 1:  test %rsi,%rsi ; jz 2f
    //     add (%rdi),%rax ; add $8,%rdi ; dec %rsi ; jmp 1b
    // 2:  mov %rax,(%rdi) ; nop
    @Override
    String sumCode() {
        return "31c04885f6740c4803074883c70848ffceebef48890790";
    }

    @Override
    UnicornReg ptrReg() {
        return UnicornX86Reg.RDI;
    }

    @Override
    UnicornReg countReg() {
        return UnicornX86Reg.RSI;
    }

    @Override
    UnicornReg sumReg() {
        return UnicornX86Reg.RAX;
    }

    // 1: jmp 1b
    @Override
    String loopCode() {
        return "ebfe";
    }

    // mov (%rdi),%rax ; nop
    @Override
    String loadCode() {
        return "488b0790";
    }

    // mov $6,%rdi ; mov $7,%rsi ; int3 ; add $100,%rax ; nop
    @Override
    String helperCode() {
        return "48c7c70600000048c7c607000000cc4883c06490";
    }

    @Override
    UnicornReg argA() {
        return UnicornX86Reg.RDI;
    }

    @Override
    UnicornReg argB() {
        return UnicornX86Reg.RSI;
    }

    @Override
    UnicornReg resultReg() {
        return UnicornX86Reg.RAX;
    }

    /// #BP is vector 3; int3 is a trap, so rip already points past it.
    @Override
    int helperIntno() {
        return 3;
    }

    @Override
    int helperPcAdvance() {
        return 0;
    }

    // .org 0: jmp mid    .org 0x100: mid: mov $1,%rax ; jmp end    .org 0x200: end: nop
    @Override
    String tbEntry() {
        return "e9fb000000";
    }

    @Override
    String tbMid() {
        return "48c7c001000000e9f4000000";
    }

    @Override
    String tbEnd() {
        return "90";
    }

    // mov $2,%rax (same length as the instruction it replaces)
    @Override
    String tbMidPatch() {
        return "48c7c002000000";
    }

    @Override
    int nopLength() {
        return 1;
    }

    // mov $6,%rdi ; mov $7,%rsi ; syscall ; add $100,%rax ; nop
    private static final String SYSCALL_HELPER = "48c7c70600000048c7c6070000000f054883c06490";

    @Test
    void syscallReachesTheInsnHookThenContinuesPastIt() {
        try (Unicorn u = openWithCode(SYSCALL_HELPER)) {
            List<Long> rips = new ArrayList<>();
            u.hookSyscall(uc -> {
                rips.add(uc.pc());
                uc.regWrite(UnicornX86Reg.RAX, uc.regRead(UnicornX86Reg.RDI) * uc.regRead(UnicornX86Reg.RSI));
            });
            u.start(CODE, end(SYSCALL_HELPER), 0, 0);
            assertEquals(List.of(CODE + 14), rips, "2.0.1: rip is still on the syscall during the hook");
            assertEquals(142, u.regRead(UnicornX86Reg.RAX));
        }
    }

    @Test
    void stopFromAHookEndsTheRunCleanly() {
        try (Unicorn u = openWithCode(loopCode())) {
            int[] executed = {0};
            u.hookCode(CODE, CODE, (uc, address, size) -> {
                if (++executed[0] == 50) uc.stop();
            });
            assertEquals(UnicornError.OK, u.tryStart(CODE, CODE + 2, 0, 0));
            assertEquals(50, executed[0]);
            assertEquals(CODE, u.pc());
        }
    }

    @Test
    void otherThreadsAreTurnedAway() throws Exception {
        try (Unicorn u = openWithCode(loopCode())) {
            Throwable[] seen = new Throwable[1];
            Thread t = new Thread(() -> {
                try {
                    u.start(CODE, CODE + 2, 0, 10);
                } catch (Throwable e) {
                    seen[0] = e;
                }
            });
            t.start();
            t.join();
            assertEquals(IllegalStateException.class, seen[0].getClass());
        }
    }

    @Test
    void ud2IsAnInvalidInstructionNotAnInterrupt() {
        String ud2 = "0f0b90"; // ud2 ; nop
        try (Unicorn u = openWithCode(ud2)) {
            List<Integer> intnos = new ArrayList<>();
            u.hookInterrupt((uc, intno) -> intnos.add(intno));
            assertEquals(UnicornError.INSN_INVALID, u.tryStart(CODE, end(ud2), 0, 0));
            assertEquals(List.of(), intnos);
        }
    }

    @Test
    void rflagsAndRspRoundTrip() {
        try (Unicorn u = Unicorn.open(arch())) {
            u.regWrite(UnicornX86Reg.RSP, 0x7fff_0000L);
            assertEquals(0x7fff_0000L, u.regRead(UnicornX86Reg.RSP));
            u.regWrite(UnicornX86Reg.RFLAGS, 0x202);
            assertEquals(0x202, u.regRead(UnicornX86Reg.RFLAGS) & 0xfff);
            for (UnicornX86Reg r : new UnicornX86Reg[] {UnicornX86Reg.R8, UnicornX86Reg.R15, UnicornX86Reg.RBP}) {
                u.regWrite(r, 0x8000_0000_0000_0001L + r.ordinal());
                assertEquals(0x8000_0000_0000_0001L + r.ordinal(), u.regRead(r));
            }
        }
    }
}
