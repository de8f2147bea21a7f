package dev.ebpfc.backend.x86_64;

import java.util.Objects;

/// A memory operand `disp(base)`: base register plus a signed 32-bit displacement. (BPF's
/// addressing is always base + 16-bit offset, so no index register is modelled yet.)
public record X86Mem(X86Reg base, int disp) {
    public X86Mem {
        Objects.requireNonNull(base);
    }
}
