package dev.ebpfc.emulator.unicorn;

/// `uc_mem_type` as reported to a [Unicorn.MemInvalidHook]: which access failed and why
/// (unicorn.h 2.0.1: UC_MEM_READ = 16, then in this order).
public enum UnicornMemAccess {
    READ, WRITE, FETCH,
    READ_UNMAPPED, WRITE_UNMAPPED, FETCH_UNMAPPED,
    WRITE_PROT, READ_PROT, FETCH_PROT,
    READ_AFTER,
    UNKNOWN;

    private static final UnicornMemAccess[] BY_CODE = values();

    static UnicornMemAccess of(int code) {
        int i = code - 16;
        return i >= 0 && i < BY_CODE.length - 1 ? BY_CODE[i] : UNKNOWN;
    }

    public boolean isWrite() {
        return this == WRITE || this == WRITE_UNMAPPED || this == WRITE_PROT;
    }

    public boolean isFetch() {
        return this == FETCH || this == FETCH_UNMAPPED || this == FETCH_PROT;
    }
}
