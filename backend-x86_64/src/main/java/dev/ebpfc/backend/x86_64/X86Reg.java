package dev.ebpfc.backend.x86_64;

/// The sixteen general-purpose registers (Intel SDM Vol. 1 §3.4.1), numbered as the encoding
/// numbers them: the low three bits go in ModRM/SIB/opcode, bit 3 in REX.R/X/B.
public enum X86Reg {
    RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13, R14, R15;

    private static final String[] NAMES64 = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi"};
    private static final String[] NAMES32 = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"};
    private static final String[] NAMES16 = {"ax", "cx", "dx", "bx", "sp", "bp", "si", "di"};
    private static final String[] NAMES8 = {"al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil"};

    public int number() {
        return ordinal();
    }

    /// The three bits that go into ModRM, SIB or the opcode.
    public int low3() {
        return ordinal() & 7;
    }

    /// Whether the register needs a REX extension bit (r8–r15).
    public boolean extended() {
        return ordinal() >= 8;
    }

    /// Byte access to spl/bpl/sil/dil needs a REX prefix, without which the encoding means ah/ch/dh/bh.
    public boolean byteNeedsRex() {
        return ordinal() >= 4 && ordinal() <= 7;
    }

    /// The AT&T name at operand size `size`, without `%`.
    public String name(OpSize size) {
        int n = ordinal();
        if (n >= 8) {
            return switch (size) {
                case B -> "r" + n + "b";
                case W -> "r" + n + "w";
                case L -> "r" + n + "d";
                case Q -> "r" + n;
            };
        }
        return switch (size) {
            case B -> NAMES8[n];
            case W -> NAMES16[n];
            case L -> NAMES32[n];
            case Q -> NAMES64[n];
        };
    }
}
