package dev.ebpfc.frontend.insn;

/// Conditions of the conditional jumps in the `JMP` and `JMP32` classes (RFC 9669 §4.3, Table 8).
public enum Cond {
    JEQ(0x10, "jeq", "==", false),
    JGT(0x20, "jgt", ">", false),
    JGE(0x30, "jge", ">=", false),
    /// Taken when `dst & src != 0`.
    JSET(0x40, "jset", "&", false),
    JNE(0x50, "jne", "!=", false),
    JSGT(0x60, "jsgt", "s>", true),
    JSGE(0x70, "jsge", "s>=", true),
    JLT(0xa0, "jlt", "<", false),
    JLE(0xb0, "jle", "<=", false),
    JSLT(0xc0, "jslt", "s<", true),
    JSLE(0xd0, "jsle", "s<=", true);

    public final int code;
    public final String mnemonic;
    public final String llvmOperator;
    public final boolean signed;

    Cond(int code, String mnemonic, String llvmOperator, boolean signed) {
        this.code = code;
        this.mnemonic = mnemonic;
        this.llvmOperator = llvmOperator;
        this.signed = signed;
    }

    public static Cond decode(int code) {
        for (Cond c : values()) {
            if (c.code == code) return c;
        }
        return null;
    }

    /// The condition taken exactly when this one is not, or null for `JSET` (no inverse in BPF).
    public Cond negate() {
        return switch (this) {
            case JEQ -> JNE;
            case JNE -> JEQ;
            case JGT -> JLE;
            case JLE -> JGT;
            case JGE -> JLT;
            case JLT -> JGE;
            case JSGT -> JSLE;
            case JSLE -> JSGT;
            case JSGE -> JSLT;
            case JSLT -> JSGE;
            case JSET -> null;
        };
    }

    /// The condition with operands exchanged (`a < b` is `b > a`).
    public Cond swap() {
        return switch (this) {
            case JEQ, JNE, JSET -> this;
            case JGT -> JLT;
            case JLT -> JGT;
            case JGE -> JLE;
            case JLE -> JGE;
            case JSGT -> JSLT;
            case JSLT -> JSGT;
            case JSGE -> JSLE;
            case JSLE -> JSGE;
        };
    }

    /// Evaluates the condition on two operands already truncated to the jump's width.
    public boolean test(long a, long b, Width width) {
        if (width == Width.W32) {
            int x = (int) a, y = (int) b;
            return switch (this) {
                case JEQ -> x == y;
                case JNE -> x != y;
                case JGT -> Integer.compareUnsigned(x, y) > 0;
                case JGE -> Integer.compareUnsigned(x, y) >= 0;
                case JLT -> Integer.compareUnsigned(x, y) < 0;
                case JLE -> Integer.compareUnsigned(x, y) <= 0;
                case JSET -> (x & y) != 0;
                case JSGT -> x > y;
                case JSGE -> x >= y;
                case JSLT -> x < y;
                case JSLE -> x <= y;
            };
        }
        return switch (this) {
            case JEQ -> a == b;
            case JNE -> a != b;
            case JGT -> Long.compareUnsigned(a, b) > 0;
            case JGE -> Long.compareUnsigned(a, b) >= 0;
            case JLT -> Long.compareUnsigned(a, b) < 0;
            case JLE -> Long.compareUnsigned(a, b) <= 0;
            case JSET -> (a & b) != 0;
            case JSGT -> a > b;
            case JSGE -> a >= b;
            case JSLT -> a < b;
            case JSLE -> a <= b;
        };
    }
}
