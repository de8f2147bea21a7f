package dev.ebpfc.emulator;

import dev.ebpfc.backend.CompileOptions;
import dev.ebpfc.backend.CompiledProgram;
import dev.ebpfc.backend.mir.MachineBlock;
import dev.ebpfc.backend.mir.MachineFunction;
import dev.ebpfc.backend.mir.MachineInst;
import dev.ebpfc.backend.mir.Operand;
import dev.ebpfc.backend.mir.Reg;
import dev.ebpfc.backend.regalloc.LinearScan;
import dev.ebpfc.backend.select.MOp;
import dev.ebpfc.backend.select.SelectedFunction;
import dev.ebpfc.frontend.asm.Assembler;
import dev.ebpfc.frontend.object.BpfObject;
import dev.ebpfc.frontend.object.ProgramDef;
import dev.ebpfc.ir.BinaryOp;
import dev.ebpfc.runtime.ErrorKind;
import dev.ebpfc.runtime.ExecutionResult;
import dev.ebpfc.runtime.RuntimeOptions;
import dev.ebpfc.runtime.context.RunInput;
import dev.ebpfc.runtime.maps.MapSet;
import org.junit.jupiter.api.Test;
import dev.ebpfc.backend.Target;
import dev.ebpfc.backend.riscv64.Riscv64Machine;
import dev.ebpfc.backend.riscv64.Riscv64Reg;
import dev.ebpfc.backend.riscv64.Riscv64Target;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// The [O2EngineContract] for riscv64 -O2 code allocated with two registers (t5 and s1), so that
/// nearly every value lives in a spill slot: every operand form of the emitter goes through its
/// reload/store-back path, and edge copies between slots through the second scratch register.
class Riscv64O2SpillTest extends O2EngineContract {
    @Override
    EmulatedEngine engine() {
        Target tight = new Riscv64Target(Riscv64Machine.withAllocatable(List.of(Riscv64Reg.T5), List.of(Riscv64Reg.S1)));
        return new EmulatedEngine("riscv64-O2-spill", new Riscv64EmulatedIsa(tight),
                CompileOptions.O0.withLevel(CompileOptions.Level.O2));
    }

    /// A function with more values live at once than 12-bit offsets reach in its frame (300 spill
    /// slots with two registers): `r0 = 0 + 1 + … + 299`, every constant defined first and added
    /// up afterwards, so each lives in its own slot until the sum reaches it.
    @Test
    void framesBeyondTwelveBitOffsets() {
        int n = 300;
        MachineFunction mf = new MachineFunction();
        MachineBlock b = mf.newBlock();
        Reg.VReg[] k = new Reg.VReg[n];
        for (int i = 0; i < n; i++) {
            k[i] = mf.newVReg();
            b.add(MachineInst.of(new MOp.Imm(i), Operand.def(k[i])));
        }
        Reg.VReg sum = k[0];
        for (int i = 1; i < n; i++) {
            Reg.VReg next = mf.newVReg();
            b.add(MachineInst.of(new MOp.Alu(BinaryOp.ADD, false), Operand.def(next), Operand.use(sum), Operand.use(k[i])));
            sum = next;
        }
        Reg.PReg a0 = new Reg.PReg(Riscv64Reg.A0.number());
        b.add(MachineInst.move(new MOp.Move(), a0, sum));
        b.add(MachineInst.of(new MOp.Return(), Operand.use(a0)));
        Riscv64Machine tight = Riscv64Machine.withAllocatable(List.of(Riscv64Reg.T5), List.of(Riscv64Reg.S1));
        SelectedFunction f = new SelectedFunction("sum", 0, mf, LinearScan.allocate(mf, tight.registers()));
        assertTrue(f.allocation().slotCount() * 8 > 2048, f.allocation().slotCount() + " slots");
        Target handBuilt = new Target() {
            @Override
            public String name() {
                return "riscv64";
            }

            @Override
            public CompiledProgram compile(ProgramDef program, CompileOptions options) {
                return tight.emit(program, List.of(f), options);
            }
        };
        EmulatedEngine engine = new EmulatedEngine("riscv64-O2-frame", new Riscv64EmulatedIsa(handBuilt), CompileOptions.O0.withLevel(CompileOptions.Level.O2));
        BpfObject object = new BpfObject("frame", List.of(ProgramDef.of("frame", Assembler.assemble("mov %r0, 0\nexit\n"))), List.of(), "");
        ExecutionResult r = engine.run(object, 0, MapSet.empty(), RunInput.of(new byte[0]), RuntimeOptions.conformance());
        assertEquals(ErrorKind.NONE, r.error(), r.message());
        assertEquals((long) n * (n - 1) / 2, r.r0());
    }
}
