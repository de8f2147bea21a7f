package dev.ebpfc.emulator.unicorn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/// [UnicornIsaContract] on AArch64, plus `svc` (the other trap) and the registers that sit outside
/// the contiguous X0..X28 block in arm64.h.
///
/// Machine code from GNU as 2.40 (Debian): `aarch64-linux-gnu-as f.s -o f.o &&
/// aarch64-linux-gnu-objcopy -O binary -j .text f.o f.bin && xxd -p f.bin`; the source is in the
/// comment above each literal.
class UnicornArm64Test extends UnicornIsaContract {
    @Override
    UnicornArch arch() {
        return UnicornArch.ARM64;
    }

    //     mov x2, #0
    // 1:  cbz x1, 2f
    //     ldr x3, [x0], #8 ; add x2, x2, x3 ; sub x1, x1, #1 ; b 1b
    // 2:  str x2, [x0] ; nop
    @Override
    String sumCode() {
        return "020080d2a10000b4038440f84200038b210400d1fcffff17020000f91f2003d5";
    }

    @Override
    UnicornReg ptrReg() {
        return UnicornArm64Reg.X0;
    }

    @Override
    UnicornReg countReg() {
        return UnicornArm64Reg.X1;
    }

    @Override
    UnicornReg sumReg() {
        return UnicornArm64Reg.X2;
    }

    // 1: b 1b
    @Override
    String loopCode() {
        return "00000014";
    }

    // ldr x1, [x0] ; nop
    @Override
    String loadCode() {
        return "010040f91f2003d5";
    }

    // mov x0, #6 ; mov x1, #7 ; brk #0 ; add x0, x0, #100 ; nop
    @Override
    String helperCode() {
        return "c00080d2e10080d2000020d4009001911f2003d5";
    }

    @Override
    UnicornReg argA() {
        return UnicornArm64Reg.X0;
    }

    @Override
    UnicornReg argB() {
        return UnicornArm64Reg.X1;
    }

    @Override
    UnicornReg resultReg() {
        return UnicornArm64Reg.X0;
    }

    /// QEMU's EXCP_BKPT = 7; the PC is still on the brk, so the hook steps over it.
    @Override
    int helperIntno() {
        return 7;
    }

    @Override
    int helperPcAdvance() {
        return 4;
    }

    // b mid    .org 0x100: mid: mov x0, #1 ; b end    .org 0x200: end: nop
    @Override
    String tbEntry() {
        return "40000014";
    }

    @Override
    String tbMid() {
        return "200080d23f000014";
    }

    @Override
    String tbEnd() {
        return "1f2003d5";
    }

    // mov x0, #2
    @Override
    String tbMidPatch() {
        return "400080d2";
    }

    @Override
    int nopLength() {
        return 4;
    }

    /// `svc` is reported as EXCP_SWI = 2 with the PC already past it (the architectural
    /// preferred return address), unlike `brk`.
    @Test
    void svcTrapsWithPcAlreadyPastIt() {
        String svc = "c00080d2e10080d2010000d4009001911f2003d5"; // as helperCode() with svc #0 for brk #0
        try (Unicorn u = openWithCode(svc)) {
            List<String> seen = new ArrayList<>();
            u.hookInterrupt((uc, intno) -> {
                seen.add(intno + "@" + Long.toHexString(uc.pc()));
                uc.regWrite(UnicornArm64Reg.X0, uc.regRead(UnicornArm64Reg.X0) * uc.regRead(UnicornArm64Reg.X1));
            });
            u.start(CODE, end(svc), 0, 0);
            assertEquals(List.of("2@" + Long.toHexString(CODE + 12)), seen);
            assertEquals(142, u.regRead(UnicornArm64Reg.X0));
        }
    }

    /// FEAT_LSE (`ldadd x0, x1, [x2]`) is an undefined instruction (EXCP_UDEF = 1) on the default
    /// CPU model (Cortex-A72, Armv8.0), and runs on `UC_CPU_ARM64_MAX`.
    @Test
    void lseRunsOnlyOnTheMaxCpuModel() {
        String ldadd = "410020f81f2003d5"; // ldadd x0, x1, [x2] ; nop
        for (boolean max : new boolean[]{false, true}) {
            try (Unicorn u = max ? Unicorn.open(arch(), Unicorn.ARM64_CPU_MAX) : Unicorn.open(arch())) {
                u.memMap(CODE, PAGE, Unicorn.PROT_ALL);
                u.memMap(DATA, PAGE, Unicorn.PROT_ALL);
                u.memWrite(CODE, hex(ldadd));
                u.memWriteLong(DATA, 10);
                u.regWrite(UnicornArm64Reg.X0, 5);
                u.regWrite(UnicornArm64Reg.X2, DATA);
                List<Integer> seen = new ArrayList<>();
                u.hookInterrupt((uc, intno) -> {
                    seen.add(intno);
                    uc.stop();
                });
                u.start(CODE, CODE + 4, 0, 0);
                if (max) {
                    assertEquals(List.of(), seen);
                    assertEquals(10, u.regRead(UnicornArm64Reg.X1));
                    assertEquals(15, u.memReadLong(DATA));
                } else {
                    assertEquals(List.of(1), seen);
                    assertEquals(10, u.memReadLong(DATA));
                }
            }
        }
    }

    @Test
    void outOfLineRegistersRoundTrip() {
        try (Unicorn u = Unicorn.open(arch())) {
            for (int n = 0; n <= 30; n++) u.regWrite(UnicornArm64Reg.x(n), 0x1000L * n + 1);
            for (int n = 0; n <= 30; n++) assertEquals(0x1000L * n + 1, u.regRead(UnicornArm64Reg.x(n)), "x" + n);
            u.regWrite(UnicornArm64Reg.SP, 0x7fff_fff0L);
            assertEquals(0x7fff_fff0L, u.regRead(UnicornArm64Reg.SP));
            u.regWrite(UnicornArm64Reg.NZCV, 0b0110L << 28); // Z and C
            assertEquals(0b0110L << 28, u.regRead(UnicornArm64Reg.NZCV));
        }
    }
}
