package dev.ebpfc.runtime.helpers;

/// Conformance helper 2: does nothing and returns 0, but leaves recognisable garbage in r1–r5, so
/// a program (or a compiler) that relies on argument registers surviving a call shows it.
public final class TrashRegisters implements Helper {
    public static final long GARBAGE = 0xdead_beef_0000_0000L;

    @Override
    public String name() {
        return "trash_registers";
    }

    @Override
    public int arity() {
        return 0;
    }

    @Override
    public long call(HelperEnvironment env, long r1, long r2, long r3, long r4, long r5) {
        env.clobberArguments(GARBAGE | 1, GARBAGE | 2, GARBAGE | 3, GARBAGE | 4, GARBAGE | 5);
        return 0;
    }
}
