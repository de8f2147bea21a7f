package dev.ebpfc.emulator;

import dev.ebpfc.backend.CompileOptions;
import dev.ebpfc.backend.Target;
import dev.ebpfc.backend.riscv64.Riscv64Machine;
import dev.ebpfc.backend.riscv64.Riscv64Reg;
import dev.ebpfc.backend.riscv64.Riscv64Target;
import dev.ebpfc.emulator.unicorn.Unicorn;
import dev.ebpfc.emulator.unicorn.UnicornArch;
import dev.ebpfc.emulator.unicorn.UnicornReg;

import java.util.List;

/// The [O2EngineContract] for riscv64 -O2 code allocated with two registers (t5 and s1), so that
/// nearly every value lives in a spill slot: every operand form of the emitter goes through its
/// reload/store-back path, and edge copies between slots through the second scratch register.
class Riscv64O2SpillTest extends O2EngineContract {
    @Override
    EmulatedEngine engine() {
        Target tight = new Riscv64Target(Riscv64Machine.withAllocatable(List.of(Riscv64Reg.T5), List.of(Riscv64Reg.S1)));
        return new EmulatedEngine("riscv64-O2-spill", new TwoRegisters(new Riscv64EmulatedIsa(), tight),
                CompileOptions.O0.withLevel(CompileOptions.Level.O2));
    }

    /// RISC-V64 under Unicorn, compiling with `target`.
    private record TwoRegisters(EmulatedIsa isa, Target target) implements EmulatedIsa {
        @Override
        public UnicornArch arch() {
            return isa.arch();
        }

        @Override
        public UnicornReg[] arguments() {
            return isa.arguments();
        }

        @Override
        public UnicornReg returnRegister() {
            return isa.returnRegister();
        }

        @Override
        public UnicornReg stackPointer() {
            return isa.stackPointer();
        }

        @Override
        public UnicornReg bpfRegister(int n) {
            return isa.bpfRegister(n);
        }

        @Override
        public UnicornReg[] clearedAtEntry() {
            return isa.clearedAtEntry();
        }

        @Override
        public long codeBase() {
            return isa.codeBase();
        }

        @Override
        public long stubBase() {
            return isa.stubBase();
        }

        @Override
        public long stackBase() {
            return isa.stackBase();
        }

        @Override
        public long stackSize() {
            return isa.stackSize();
        }

        @Override
        public byte[] trapStub() {
            return isa.trapStub();
        }

        @Override
        public int stubStride() {
            return isa.stubStride();
        }

        @Override
        public byte[] sentinel() {
            return isa.sentinel();
        }

        @Override
        public long trapAddress(Unicorn uc, int intno) {
            return isa.trapAddress(uc, intno);
        }

        @Override
        public void prepareReturn(Unicorn uc, long stackTop, long sentinel) {
            isa.prepareReturn(uc, stackTop, sentinel);
        }

        @Override
        public long callSite(Unicorn uc) {
            return isa.callSite(uc);
        }
    }
}
