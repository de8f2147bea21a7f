package dev.ebpfc.backend;

/// One 8-byte entry of a compiled program's constant pool: an address or handle the loader
/// writes before the code runs, so the same bytes run under emulation (layout addresses, trap
/// stubs) and natively (real addresses, upcall stubs) without recompiling.
public sealed interface PoolEntry {
    /// The value `lddw map_idx N` loads: a map handle (the layout's `MAP_HANDLE_BASE + 64·N`).
    record MapHandle(int map) implements PoolEntry {
    }

    /// The value `lddw map_idx_value N, off` loads: the address `off` bytes into map N's values.
    /// `offset` is the unsigned 32-bit `next_imm`.
    record MapValue(int map, long offset) implements PoolEntry {
    }

    /// The entry point to call for helper `id` (a trap stub under emulation, an upcall natively).
    record Helper(int id) implements PoolEntry {
    }

    /// The value `lddw func` loads for the function at `slot`, the same value `callx` is given.
    record CodeAddress(int slot) implements PoolEntry {
    }

    /// A service of the engine the code calls like a helper; see [RuntimeEntry].
    record Runtime(RuntimeEntry entry) implements PoolEntry {
    }
}
