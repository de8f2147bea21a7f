package dev.ebpfc.ir;

import dev.ebpfc.frontend.insn.AluOp;

/// Binary integer operations, with their BPF semantics as part of the definition (RFC 9669 §4.1):
/// division by zero gives 0, remainder by zero leaves the dividend, `INT_MIN sdiv -1` is `INT_MIN`
/// and `INT_MIN srem -1` is 0, shift counts are masked to the width. Constant folding, the IR
/// interpreter and every pass ask this table; none keeps its own copy of these rules.
///
/// Values are carried in a `long`: an `i32` value is held zero-extended (upper 32 bits clear), as a
/// BPF register holds a 32-bit ALU result; `evaluate` accepts any upper bits and returns that form.
public enum BinaryOp {
    ADD("add", true, true),
    SUB("sub", false, false),
    MUL("mul", true, true),
    UDIV("udiv", false, false),
    SDIV("sdiv", false, false),
    UREM("urem", false, false),
    /// Sign of the result follows the dividend (C and RFC 9669 `smod`).
    SREM("srem", false, false),
    AND("and", true, true),
    OR("or", true, true),
    XOR("xor", true, true),
    SHL("shl", false, false),
    LSHR("lshr", false, false),
    ASHR("ashr", false, false);

    public final String mnemonic;
    public final boolean commutative;
    public final boolean associative;

    BinaryOp(String mnemonic, boolean commutative, boolean associative) {
        this.mnemonic = mnemonic;
        this.commutative = commutative;
        this.associative = associative;
    }

    /// Never: every operation is total under BPF semantics, so none traps and none may be kept
    /// alive for its effects. The method exists so passes ask rather than assume.
    public boolean mayHaveSideEffects() {
        return false;
    }

    public boolean isShift() {
        return this == SHL || this == LSHR || this == ASHR;
    }

    public boolean isDivision() {
        return this == UDIV || this == SDIV || this == UREM || this == SREM;
    }

    /// The identity element `e` with `x op e == x`, or null (as right operand).
    public Long rightIdentity() {
        return switch (this) {
            case ADD, SUB, OR, XOR, SHL, LSHR, ASHR -> 0L;
            case MUL, UDIV, SDIV -> 1L;
            case AND -> -1L;
            case UREM, SREM -> null;
        };
    }

    /// `a op b` at the width of `type` (`i32`, or 64 bits for `i64` and pointers).
    public long evaluate(long a, long b, Type type) {
        return type == Type.I32 ? Integer.toUnsignedLong(evaluate32((int) a, (int) b)) : evaluate64(a, b);
    }

    private int evaluate32(int a, int b) {
        return switch (this) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case UDIV -> b == 0 ? 0 : Integer.divideUnsigned(a, b);
            // Java already gives MIN_VALUE / -1 == MIN_VALUE and MIN_VALUE % -1 == 0.
            case SDIV -> b == 0 ? 0 : a / b;
            case UREM -> b == 0 ? a : Integer.remainderUnsigned(a, b);
            case SREM -> b == 0 ? a : a % b;
            case AND -> a & b;
            case OR -> a | b;
            case XOR -> a ^ b;
            case SHL -> a << (b & 31);
            case LSHR -> a >>> (b & 31);
            case ASHR -> a >> (b & 31);
        };
    }

    private long evaluate64(long a, long b) {
        return switch (this) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case UDIV -> b == 0 ? 0 : Long.divideUnsigned(a, b);
            case SDIV -> b == 0 ? 0 : a / b;
            case UREM -> b == 0 ? a : Long.remainderUnsigned(a, b);
            case SREM -> b == 0 ? a : a % b;
            case AND -> a & b;
            case OR -> a | b;
            case XOR -> a ^ b;
            case SHL -> a << (b & 63);
            case LSHR -> a >>> (b & 63);
            case ASHR -> a >> (b & 63);
        };
    }

    /// The operation a BPF ALU operation lifts to, or null for those that are not binary
    /// operations (`neg`, `mov`, `movsx*`).
    public static BinaryOp of(AluOp op) {
        return switch (op) {
            case ADD -> ADD;
            case SUB -> SUB;
            case MUL -> MUL;
            case DIV -> UDIV;
            case SDIV -> SDIV;
            case MOD -> UREM;
            case SMOD -> SREM;
            case OR -> OR;
            case AND -> AND;
            case XOR -> XOR;
            case LSH -> SHL;
            case RSH -> LSHR;
            case ARSH -> ASHR;
            case NEG, MOV, MOVSX8, MOVSX16, MOVSX32 -> null;
        };
    }

    public static BinaryOp parse(String mnemonic) {
        for (BinaryOp op : values()) {
            if (op.mnemonic.equals(mnemonic)) return op;
        }
        return null;
    }

    @Override
    public String toString() {
        return mnemonic;
    }
}
