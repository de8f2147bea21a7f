package dev.ebpfc.emulator;

import dev.ebpfc.backend.CompileOptions;
import dev.ebpfc.backend.Hardening;
import dev.ebpfc.backend.ProgramEnvironment;
import dev.ebpfc.backend.Target;
import dev.ebpfc.backend.arm64.Arm64Target;
import dev.ebpfc.backend.riscv64.Riscv64Target;
import dev.ebpfc.backend.x86_64.X86Target;
import dev.ebpfc.frontend.insn.AluOp;
import dev.ebpfc.frontend.insn.Cond;
import dev.ebpfc.frontend.insn.Imm;
import dev.ebpfc.frontend.insn.Insn;
import dev.ebpfc.frontend.insn.Program;
import dev.ebpfc.frontend.insn.Reg;
import dev.ebpfc.frontend.insn.Size;
import dev.ebpfc.frontend.insn.Width;
import dev.ebpfc.frontend.object.ProgramDef;
import dev.ebpfc.runtime.helpers.HelperProfile;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// Constant blinding ([Hardening]) on all three -O2 code generators: the program's immediates
/// (ALU, jump, store and `lddw` constants) appear in the code without blinding and never with it;
/// the same seed gives the same bytes, another seed other bytes; and blinded code still passes
/// the whole conformance suite under emulation.
class ConstantBlindingTest {
    /// Distinctive 32-bit halves that occur nowhere else in the code.
    private static final int[] SECRETS = {0x1234_5679, 0x5a5b_5c5d, 0x1122_3344, 0x5566_7788, 0x0bad_cafe, 0x7e57_da7a};

    private static final List<Target> TARGETS = List.of(new X86Target(), new Arm64Target(), new Riscv64Target());

    /// Each immediate meets a value read from `mem`, so the optimiser cannot fold it away.
    private static ProgramDef program() {
        return ProgramDef.of("secrets", new Program(List.of(
                new Insn.Load(Size.DW, false, Reg.R6, Reg.R1, (short) 0),
                new Insn.Alu(Width.W64, AluOp.MOV, Reg.R0, Reg.R6),
                new Insn.Alu(Width.W64, AluOp.ADD, Reg.R0, new Imm(SECRETS[0])),
                new Insn.Alu(Width.W32, AluOp.XOR, Reg.R0, new Imm(SECRETS[1])),
                Insn.LoadImm64.constant(Reg.R2, ((long) SECRETS[2] << 32) | SECRETS[3]),
                new Insn.Alu(Width.W64, AluOp.MUL, Reg.R2, Reg.R6),
                new Insn.Alu(Width.W64, AluOp.XOR, Reg.R0, Reg.R2),
                new Insn.Store(Size.W, Reg.R1, (short) 8, new Imm(SECRETS[4])),
                new Insn.Jump(Width.W64, Cond.JEQ, Reg.R6, new Imm(SECRETS[5]), (short) 1),
                new Insn.Alu(Width.W64, AluOp.ADD, Reg.R0, new Imm(1)),
                new Insn.Exit())));
    }

    private static CompileOptions options(Hardening h) {
        return CompileOptions.O0.withLevel(CompileOptions.Level.O2).withListing(false)
                .withEnvironment(new ProgramEnvironment(HelperProfile.CONFORMANCE, null, List.of())).withHardening(h);
    }

    private static boolean contains(byte[] code, int value) {
        for (int i = 0; i + 4 <= code.length; i++) {
            int v = (code[i] & 0xff) | (code[i + 1] & 0xff) << 8 | (code[i + 2] & 0xff) << 16 | (code[i + 3] & 0xff) << 24;
            if (v == value) return true;
        }
        return false;
    }

    /// x86_64 carries immediates whole, so without blinding they are found in its code (which
    /// shows the search works); with blinding no ISA's code holds any of them as a 32-bit word.
    @Test
    void programImmediatesAppearOnlyWithoutBlinding() {
        ProgramDef def = program();
        byte[] plain = new X86Target().compile(def, options(Hardening.NONE)).code();
        int visible = 0;
        for (int s : SECRETS) if (contains(plain, s)) visible++;
        assertTrue(visible >= 4, "x86_64 without blinding shows only " + visible + " of the immediates: the check would prove nothing");
        for (Target t : TARGETS) {
            byte[] blinded = t.compile(def, options(new Hardening(true, 42))).code();
            for (int s : SECRETS) assertFalse(contains(blinded, s), t.name() + ": 0x" + Integer.toHexString(s) + " appears in blinded code");
            // Halves as movz/movk (ARM64) or lui (RISC-V) immediates would still leak them: the
            // blinded constant differs from the plain one in every half with overwhelming odds.
            assertArrayEquals(blinded, t.compile(def, options(new Hardening(true, 42))).code(), t.name() + ": same seed, same bytes");
            assertFalse(Arrays.equals(blinded, t.compile(def, options(new Hardening(true, 43))).code()), t.name() + ": another seed, other bytes");
        }
    }

    @Test
    void blindedCodePassesTheConformanceSuiteOnEveryIsa() {
        X86ConformanceTest.assertEveryTestPasses(new EmulatedEngine("x86_64-O2-blinded", new X86EmulatedIsa(), options(new Hardening(true, 7))));
        X86ConformanceTest.assertEveryTestPasses(new EmulatedEngine("arm64-O2-blinded", new Arm64EmulatedIsa(), options(new Hardening(true, 7))));
        X86ConformanceTest.assertEveryTestPasses(new EmulatedEngine("riscv64-O2-blinded", new Riscv64EmulatedIsa(), options(new Hardening(true, 7))));
    }
}
