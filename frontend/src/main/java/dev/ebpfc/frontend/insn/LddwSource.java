package dev.ebpfc.frontend.insn;

/// The `src` field of the 64-bit immediate load `lddw` (RFC 9669 §5.4, Table 13; Linux
/// `BPF_PSEUDO_*`), which says how the immediate is interpreted.
public enum LddwSource {
    /// `dst = imm64`.
    IMM64("imm64"),
    /// `dst = map_by_fd(imm)`: a map, named by file descriptor.
    MAP_FD("map_fd"),
    /// `dst = map_val(map_by_fd(imm)) + next_imm`: address inside a map's value.
    MAP_VALUE("map_value"),
    /// `dst = var_addr(imm)`: address of a kernel variable (BTF id).
    VARIABLE_ADDR("var_addr"),
    /// `dst = code_addr(imm)`: address of the instruction `imm` slots after this one.
    FUNC("func"),
    /// `dst = map_by_idx(imm)`: a map, named by its index in the object.
    MAP_IDX("map_idx"),
    /// `dst = map_val(map_by_idx(imm)) + next_imm`.
    MAP_IDX_VALUE("map_idx_value");

    public final String keyword;

    LddwSource(String keyword) {
        this.keyword = keyword;
    }

    public int code() {
        return ordinal();
    }

    public static LddwSource decode(int src) {
        return src >= 0 && src < values().length ? values()[src] : null;
    }

    /// Whether `next_imm` carries an offset (map value forms) rather than the high half of a constant.
    public boolean hasValueOffset() {
        return this == MAP_VALUE || this == MAP_IDX_VALUE;
    }

    public boolean refersToMap() {
        return this == MAP_FD || this == MAP_VALUE || this == MAP_IDX || this == MAP_IDX_VALUE;
    }
}
