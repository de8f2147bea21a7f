package dev.ebpfc.frontend.insn;

/// Arithmetic operations of the `ALU` and `ALU64` classes (RFC 9669 §4.1, Table 5). The opcode
/// nibble is shared by the signed variants, which are told apart by the `offset` field.
public enum AluOp {
    ADD(0x00, 0, "add", "+=", true),
    SUB(0x10, 0, "sub", "-=", false),
    MUL(0x20, 0, "mul", "*=", true),
    /// Unsigned division; division by zero gives 0.
    DIV(0x30, 0, "div", "/=", false),
    /// Signed division (v4); division by zero gives 0, `INT_MIN / -1` gives `INT_MIN`.
    SDIV(0x30, 1, "sdiv", "s/=", false),
    OR(0x40, 0, "or", "|=", true),
    AND(0x50, 0, "and", "&=", true),
    /// Shift counts are masked to 5 (ALU) or 6 (ALU64) bits.
    LSH(0x60, 0, "lsh", "<<=", false),
    RSH(0x70, 0, "rsh", ">>=", false),
    /// `dst = -dst`; only the K form with zero immediate is valid.
    NEG(0x80, 0, "neg", "= -", false),
    /// Unsigned modulo; modulo by zero leaves the dividend.
    MOD(0x90, 0, "mod", "%=", false),
    /// Signed modulo (v4), sign of the dividend; by zero leaves the dividend, `INT_MIN % -1` is 0.
    SMOD(0x90, 1, "smod", "s%=", false),
    XOR(0xa0, 0, "xor", "^=", true),
    MOV(0xb0, 0, "mov", "=", false),
    /// Sign-extending moves (v4): X form only; ALU allows 8 and 16, ALU64 also 32.
    MOVSX8(0xb0, 8, "movsx8", "= (s8)", false),
    MOVSX16(0xb0, 16, "movsx16", "= (s16)", false),
    MOVSX32(0xb0, 32, "movsx32", "= (s32)", false),
    ARSH(0xc0, 0, "arsh", "s>>=", false);

    /// Bits 4–7 of the opcode.
    public final int code;
    /// The value the `offset` field must hold.
    public final int offset;
    public final String mnemonic;
    /// The operator in LLVM syntax.
    public final String llvmOperator;
    public final boolean commutative;

    AluOp(int code, int offset, String mnemonic, String llvmOperator, boolean commutative) {
        this.code = code;
        this.offset = offset;
        this.mnemonic = mnemonic;
        this.llvmOperator = llvmOperator;
        this.commutative = commutative;
    }

    public boolean isShift() {
        return this == LSH || this == RSH || this == ARSH;
    }

    public boolean isDivision() {
        return this == DIV || this == SDIV || this == MOD || this == SMOD;
    }

    public boolean isMovsx() {
        return this == MOVSX8 || this == MOVSX16 || this == MOVSX32;
    }

    /// Source bits of a sign-extending move.
    public int movsxBits() {
        return isMovsx() ? offset : 0;
    }

    /// The operation encoded by opcode nibble `code` with `offset`, or null if none.
    public static AluOp decode(int code, int offset) {
        for (AluOp op : values()) {
            if (op.code == code && op.offset == offset) return op;
        }
        return null;
    }
}
