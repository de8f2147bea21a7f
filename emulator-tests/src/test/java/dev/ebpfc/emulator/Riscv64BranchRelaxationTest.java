package dev.ebpfc.emulator;

import dev.ebpfc.backend.CompileOptions;
import dev.ebpfc.backend.CompiledProgram;
import dev.ebpfc.backend.riscv64.Riscv64Target;
import dev.ebpfc.emulator.diff.ResultDiff;
import dev.ebpfc.frontend.insn.AluOp;
import dev.ebpfc.frontend.insn.Cond;
import dev.ebpfc.frontend.insn.EndianOp;
import dev.ebpfc.frontend.insn.Imm;
import dev.ebpfc.frontend.insn.Insn;
import dev.ebpfc.frontend.insn.Program;
import dev.ebpfc.frontend.insn.Reg;
import dev.ebpfc.frontend.insn.Size;
import dev.ebpfc.frontend.insn.Width;
import dev.ebpfc.frontend.object.BpfObject;
import dev.ebpfc.frontend.object.ProgramDef;
import dev.ebpfc.runtime.ExecutionResult;
import dev.ebpfc.runtime.RuntimeOptions;
import dev.ebpfc.runtime.context.RunInput;
import dev.ebpfc.runtime.interp.InterpreterEngine;
import dev.ebpfc.runtime.maps.MapSet;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// Branch relaxation on RISC-V64 (Riscv64LabelRefs): a conditional branch reaches ±4 KiB
/// (B-type), then becomes an inverted branch over `jal` (±1 MiB), then over `auipc`+`jalr`; a
/// jump is `jal`, then `auipc`+`jalr`. Programs with a forward conditional branch, a forward
/// jump and a backward conditional branch over `filler` byte swaps (28 machine instructions,
/// 112 bytes each) are compiled at three sizes — within 4 KiB, past 4 KiB, past 1 MiB — checked
/// for the form each branch took, and run under emulation against the interpreter both ways.
class Riscv64BranchRelaxationTest {
    /// Machine bytes of one `be64` filler instruction.
    private static final int FILLER_BYTES = 112;

    /// ```
    /// 0: r2 = *(u8 *)(r1 + 0)
    /// 1: r0 = 7
    /// 2: if r2 == 1 goto taken          forward, conditional
    /// 3: goto back                      forward
    /// 4: be64 r1  × n                   (entered only from `back`)
    ///    r0 += 100; exit
    /// taken: r0 = 1; exit
    /// back:  r0 = 3; if r2 != 5 goto 4  backward, conditional
    ///        exit
    /// ```
    static List<Insn> program(int n) {
        List<Insn> p = new ArrayList<>();
        p.add(new Insn.Load(Size.B, false, Reg.R2, Reg.R1, (short) 0));
        p.add(new Insn.Alu(Width.W64, AluOp.MOV, Reg.R0, new Imm(7)));
        p.add(new Insn.Jump(Width.W64, Cond.JEQ, Reg.R2, new Imm(1), (short) (n + 3)));
        p.add(new Insn.Goto(n + 4, false));
        for (int i = 0; i < n; i++) p.add(new Insn.Endian(EndianOp.BE, 64, Reg.R1));
        p.add(new Insn.Alu(Width.W64, AluOp.ADD, Reg.R0, new Imm(100)));
        p.add(new Insn.Exit());
        p.add(new Insn.Alu(Width.W64, AluOp.MOV, Reg.R0, new Imm(1)));
        p.add(new Insn.Exit());
        p.add(new Insn.Alu(Width.W64, AluOp.MOV, Reg.R0, new Imm(3)));
        p.add(new Insn.Jump(Width.W64, Cond.JNE, Reg.R2, new Imm(5), (short) -(n + 6)));
        p.add(new Insn.Exit());
        return p;
    }

    /// Bytes of machine code of slot `s` (up to the next slot).
    private static int size(CompiledProgram c, int s) {
        return c.slotOffsets()[s + 1] - c.slotOffsets()[s];
    }

    private static void check(int n, int conditionalBytes, int jumpBytes) {
        List<Insn> insns = program(n);
        int back = insns.size() - 2;
        CompiledProgram c = new Riscv64Target().compile(ProgramDef.of("relax", new Program(insns)), CompileOptions.O0);
        assertEquals(FILLER_BYTES * n, c.slotOffsets()[4 + n] - c.slotOffsets()[4], "filler size");
        // Conditional slots start with `li t1, imm` for the immediate operand.
        assertEquals(4 + conditionalBytes, size(c, 2), "forward conditional branch over " + n + " fillers");
        assertEquals(jumpBytes, size(c, 3), "forward jump over " + n + " fillers");
        assertEquals(4 + conditionalBytes, size(c, back), "backward conditional branch over " + n + " fillers");
        BpfObject object = new BpfObject("relax", List.of(ProgramDef.of("relax", new Program(insns))), List.of(), "");
        EmulatedEngine riscv = EmulatedEngine.riscv64();
        InterpreterEngine interp = new InterpreterEngine();
        for (int b : new int[]{0, 1}) {
            RunInput input = RunInput.of(new byte[]{(byte) b, 0, 0, 0});
            ExecutionResult x = interp.run(object, 0, MapSet.empty(), input, RuntimeOptions.conformance());
            ExecutionResult y = riscv.run(object, 0, MapSet.empty(), input, RuntimeOptions.conformance());
            assertEquals("", ResultDiff.describe("interp", x, "riscv64", y), n + " fillers, byte " + b);
            assertEquals(b == 1 ? 1 : 103, y.r0(), y.toString());
        }
    }

    @Test
    void withinFourKibibytes() {
        check(30, 4, 4); // 3360 bytes of filler: B-type and jal
    }

    @Test
    void beyondFourKibibytes() {
        check(40, 8, 4); // 4480 bytes: inverted branch over jal
    }

    @Test
    void beyondOneMebibyte() {
        int n = 10_000; // 1.12 MB: inverted branch over auipc+jalr, and auipc+jalr for the jump
        assertTrue(FILLER_BYTES * n > 1 << 20);
        check(n, 12, 8);
    }
}
