package dev.ebpfc.backend.mir;

/// A register operand: virtual (`v7`, allocated by the register allocator) or physical (`p3`, a
/// fixed-register constraint the instruction selector wrote down, e.g. a call argument or rcx for a
/// variable shift). Physical numbers are the ISA's own register numbers.
public sealed interface Reg {
    record VReg(int id) implements Reg {
        @Override
        public String toString() {
            return "v" + id;
        }
    }

    record PReg(int num) implements Reg {
        @Override
        public String toString() {
            return "p" + num;
        }
    }

    static VReg v(int id) {
        return new VReg(id);
    }

    static PReg p(int num) {
        return new PReg(num);
    }
}
