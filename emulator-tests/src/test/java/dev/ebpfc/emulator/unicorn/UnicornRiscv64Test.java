package dev.ebpfc.emulator.unicorn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/// [UnicornIsaContract] on RISC-V64, plus what 2.0.1 does with `ebreak` and with x0.
///
/// Machine code from GNU as 2.40 (Debian): `riscv64-linux-gnu-as -march=rv64i f.s -o f.o &&
/// riscv64-linux-gnu-objcopy -O binary -j .text f.o f.bin && xxd -p f.bin` (rv64i so that no
/// compressed forms sneak in); the source is in the comment above each literal.
class UnicornRiscv64Test extends UnicornIsaContract {
    @Override
    UnicornArch arch() {
        return UnicornArch.RISCV64;
    }

    //     li a2, 0
    // 1:  beqz a1, 2f
    //     ld t0, 0(a0) ; add a2, a2, t0 ; addi a0, a0, 8 ; addi a1, a1, -1 ; j 1b
    // 2:  sd a2, 0(a0) ; nop
    @Override
    String sumCode() {
        return "13060000638c05008332050033065600130585009385f5ff6ff0dffe2330c50013000000";
    }

    @Override
    UnicornReg ptrReg() {
        return UnicornRiscvReg.X10; // a0
    }

    @Override
    UnicornReg countReg() {
        return UnicornRiscvReg.X11; // a1
    }

    @Override
    UnicornReg sumReg() {
        return UnicornRiscvReg.X12; // a2
    }

    // 1: j 1b
    @Override
    String loopCode() {
        return "6f000000";
    }

    // ld a1, 0(a0) ; nop
    @Override
    String loadCode() {
        return "8335050013000000";
    }

    // li a0, 6 ; li a1, 7 ; ecall ; addi a0, a0, 100 ; nop
    @Override
    String helperCode() {
        return "1305600093057000730000001305450613000000";
    }

    @Override
    UnicornReg argA() {
        return UnicornRiscvReg.X10;
    }

    @Override
    UnicornReg argB() {
        return UnicornRiscvReg.X11;
    }

    @Override
    UnicornReg resultReg() {
        return UnicornRiscvReg.X10;
    }

    /// Cause 8 (environment call from U-mode). Unicorn 2.0.1 reports the PC already past the
    /// ecall (unlike mepc on hardware, which points at it), so the hook must not add 4.
    @Override
    int helperIntno() {
        return 8;
    }

    @Override
    int helperPcAdvance() {
        return 0;
    }

    // j mid    .org 0x100: mid: li a0, 1 ; j end    .org 0x200: end: nop
    @Override
    String tbEntry() {
        return "6f000010";
    }

    @Override
    String tbMid() {
        return "130510006f00c00f";
    }

    @Override
    String tbEnd() {
        return "13000000";
    }

    // li a0, 2
    @Override
    String tbMidPatch() {
        return "13052000";
    }

    @Override
    int nopLength() {
        return 4;
    }

    /// 2.0.1 quirk: `ebreak` never reaches UC_HOOK_INTR; emulation ends with UC_ERR_INSN_INVALID
    /// on the ebreak. Helper traps on RISC-V therefore use `ecall`.
    @Test
    void ebreakIsReportedAsInvalidInstruction() {
        String ebreak = "1305600093057000730010001305450613000000"; // helperCode() with ebreak for ecall
        try (Unicorn u = openWithCode(ebreak)) {
            List<Integer> intnos = new ArrayList<>();
            u.hookInterrupt((uc, intno) -> intnos.add(intno));
            assertEquals(UnicornError.INSN_INVALID, u.tryStart(CODE, end(ebreak), 0, 0));
            assertEquals(List.of(), intnos);
            assertEquals(CODE + 8, u.pc());
        }
    }

    @Test
    void registersRoundTrip() {
        try (Unicorn u = Unicorn.open(arch())) {
            for (int n = 1; n <= 31; n++) u.regWrite(UnicornRiscvReg.x(n), -n);
            for (int n = 1; n <= 31; n++) assertEquals(-n, u.regRead(UnicornRiscvReg.x(n)), "x" + n);
        }
    }

    /// 2.0.1 quirk: uc_reg_write(x0) is accepted and uc_reg_read(x0) returns the written value,
    /// yet translated code still reads x0 as zero. A harness must never compare x0.
    @Test
    void x0WritesStickForTheApiButNotForCode() {
        String mvZero = "1305000013000000"; // addi a0, zero, 0 ; nop
        try (Unicorn u = openWithCode(mvZero)) {
            u.regWrite(UnicornRiscvReg.X0, 1234);
            u.regWrite(UnicornRiscvReg.X10, 99);
            u.start(CODE, end(mvZero), 0, 0);
            assertEquals(0, u.regRead(UnicornRiscvReg.X10));
            assertEquals(1234, u.regRead(UnicornRiscvReg.X0));
        }
    }
}
