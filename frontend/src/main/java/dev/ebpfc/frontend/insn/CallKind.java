package dev.ebpfc.frontend.insn;

/// The `src` field of `call` (RFC 9669 §4.3.1): what `imm` names.
public enum CallKind {
    /// A helper function by static id.
    HELPER("helper"),
    /// A program-local function: `imm` is the target relative to the next slot.
    LOCAL("local"),
    /// A kernel function by BTF id.
    KFUNC("kfunc");

    public final String keyword;

    CallKind(String keyword) {
        this.keyword = keyword;
    }

    public int code() {
        return ordinal();
    }

    public static CallKind decode(int src) {
        return src >= 0 && src < values().length ? values()[src] : null;
    }
}
