package dev.ebpfc.runtime.helpers;

import dev.ebpfc.runtime.ErrorKind;

/// Conformance helper 5: returns r1; when that is 0 the program stops there with r0 = 0 (uBPF's
/// "unwind" extension, error kind UNWIND).
public final class Unwind implements Helper {
    @Override
    public String name() {
        return "unwind";
    }

    @Override
    public int arity() {
        return 1;
    }

    @Override
    public long call(HelperEnvironment env, long a, long r2, long r3, long r4, long r5) {
        if (a == 0) env.requestStop(ErrorKind.UNWIND, "unwind helper returned 0");
        return a;
    }
}
