package dev.ebpfc.backend.regalloc;

/// Where a virtual register lives for its whole lifetime: a physical register or a frame slot
/// (8 bytes; the target decides where slot `n` is in its frame).
public sealed interface Location {
    record InReg(int reg) implements Location {
        @Override
        public String toString() {
            return "p" + reg;
        }
    }

    record InSlot(int slot) implements Location {
        @Override
        public String toString() {
            return "slot" + slot;
        }
    }
}
