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
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// Branch relaxation with compressed instructions (`features` `c`): the code mixes 2- and 4-byte
/// instructions, so branch distances move in steps of 2 bytes. The program of
/// [Riscv64BranchRelaxationTest] with `pad` compressible `r3 += 1` (`c.addi`) before the `be64`
/// fillers is compiled for distances around the 4 KiB reach of B-type branches: a branch left in
/// its short form must reach its target, both forms must occur, and every variant must run like
/// the interpreter under Unicorn.
class Riscv64CompressedRelaxationTest {
    static List<Insn> program(int pad, int n) {
        int m = pad + n;
        List<Insn> p = new ArrayList<>();
        p.add(new Insn.Load(Size.B, false, Reg.R2, Reg.R1, (short) 0));
        p.add(new Insn.Alu(Width.W64, AluOp.MOV, Reg.R0, new Imm(7)));
        p.add(new Insn.Jump(Width.W64, Cond.JEQ, Reg.R2, new Imm(1), (short) (m + 3)));
        p.add(new Insn.Goto(m + 4, false));
        for (int i = 0; i < pad; i++) p.add(new Insn.Alu(Width.W64, AluOp.ADD, Reg.R3, new Imm(1)));
        for (int i = 0; i < n; i++) p.add(new Insn.Endian(EndianOp.BE, 64, Reg.R1));
        p.add(new Insn.Alu(Width.W64, AluOp.ADD, Reg.R0, new Imm(100)));
        p.add(new Insn.Exit());
        p.add(new Insn.Alu(Width.W64, AluOp.MOV, Reg.R0, new Imm(1)));
        p.add(new Insn.Exit());
        p.add(new Insn.Alu(Width.W64, AluOp.MOV, Reg.R0, new Imm(3)));
        p.add(new Insn.Jump(Width.W64, Cond.JNE, Reg.R2, new Imm(5), (short) -(m + 6)));
        p.add(new Insn.Exit());
        return p;
    }

    @Test
    void mixedSizesRelaxAroundFourKibibytes() {
        CompileOptions c = CompileOptions.O0.withFeatures(Set.of("c"));
        EmulatedEngine riscv = new EmulatedEngine("riscv64-c", new Riscv64EmulatedIsa(), c);
        InterpreterEngine interp = new InterpreterEngine();
        int shortForms = 0, longForms = 0;
        for (int n = 33; n <= 39; n++) {
            for (int pad = 0; pad < 4; pad++) {
                List<Insn> insns = program(pad, n);
                ProgramDef def = ProgramDef.of("relax", new Program(insns));
                CompiledProgram code = new Riscv64Target().compile(def, c);
                int[] at = code.slotOffsets();
                int taken = 4 + pad + n + 2;
                if (pad > 0) assertEquals(2, at[5] - at[4], "r3 += 1 is c.addi");
                // Slot 2: c.li t1, 1 (2 bytes), then the branch: 4 bytes (B-type) or 8 (inverted + jal).
                int branch = at[3] - at[2] - 2;
                int distance = at[taken] - (at[2] + 2);
                if (branch == 4) {
                    shortForms++;
                    assertTrue(distance < 4096, "B-type over " + distance + " bytes (pad " + pad + ", n " + n + ")");
                } else {
                    longForms++;
                    assertEquals(8, branch, "inverted branch over jal");
                }
                BpfObject object = new BpfObject("relax", List.of(def), List.of(), "");
                for (int b : new int[]{0, 1}) {
                    RunInput input = RunInput.of(new byte[]{(byte) b, 0, 0, 0});
                    ExecutionResult x = interp.run(object, 0, MapSet.empty(), input, RuntimeOptions.conformance());
                    ExecutionResult y = riscv.run(object, 0, MapSet.empty(), input, RuntimeOptions.conformance());
                    assertEquals("", ResultDiff.describe("interp", x, "riscv64-c", y), "pad " + pad + ", n " + n + ", byte " + b);
                }
            }
        }
        assertTrue(shortForms > 0 && longForms > 0, shortForms + " short, " + longForms + " long forward branches");
    }
}
