package dev.ebpfc.emulator.gen;

import java.util.Arrays;

/// What the generator knows about r0–r9 at a point of the program it is writing: which are
/// initialised on every path, and which hold a pointer of known offset into the input memory or
/// into the current stack frame (relative to r10). Pointers are what memory accesses are built
/// on, so only facts true on every path survive a join ([#meet]).
final class RegState {
    static final int SCALAR = 0, MEM = 1, STACK = 2;

    private int init;
    private final int[] kind = new int[10];
    private final int[] off = new int[10];

    RegState copy() {
        RegState s = new RegState();
        s.init = init;
        System.arraycopy(kind, 0, s.kind, 0, 10);
        System.arraycopy(off, 0, s.off, 0, 10);
        return s;
    }

    boolean isInit(int r) {
        return r == 10 || (init & (1 << r)) != 0;
    }

    int initMask() {
        return init;
    }

    int kind(int r) {
        return r == 10 ? STACK : kind[r];
    }

    int off(int r) {
        return r == 10 ? 0 : off[r];
    }

    void scalar(int r) {
        init |= 1 << r;
        kind[r] = SCALAR;
        off[r] = 0;
    }

    void pointer(int r, int k, int o) {
        init |= 1 << r;
        kind[r] = k;
        off[r] = o;
    }

    void kill(int r) {
        init &= ~(1 << r);
        kind[r] = SCALAR;
        off[r] = 0;
    }

    /// The value of `from` copied into `to` (`mov to, from`).
    void copy(int to, int from) {
        if (from == 10) pointer(to, STACK, 0);
        else if (kind[from] == SCALAR) scalar(to);
        else pointer(to, kind[from], off[from]);
    }

    /// Facts that hold after either of two paths.
    static RegState meet(RegState a, RegState b) {
        RegState m = new RegState();
        m.init = a.init & b.init;
        for (int r = 0; r < 10; r++) {
            if ((m.init & (1 << r)) != 0 && a.kind[r] == b.kind[r] && a.off[r] == b.off[r]) {
                m.kind[r] = a.kind[r];
                m.off[r] = a.off[r];
            }
        }
        return m;
    }

    @Override
    public String toString() {
        return "init=" + Integer.toBinaryString(init) + " kind=" + Arrays.toString(kind) + " off=" + Arrays.toString(off);
    }
}
