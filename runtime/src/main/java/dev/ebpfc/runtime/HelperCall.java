package dev.ebpfc.runtime;

import java.util.Arrays;

/// One helper call of a run: its id (in the run's profile), the argument registers r1–r5 and the
/// value it returned in r0.
public record HelperCall(int id, long[] args, long result) {
    public HelperCall {
        args = args.clone();
    }

    @Override
    public long[] args() {
        return args.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HelperCall h && id == h.id && result == h.result && Arrays.equals(args, h.args);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * id + Arrays.hashCode(args)) + Long.hashCode(result);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("helper ").append(id).append('(');
        for (int i = 0; i < args.length; i++) sb.append(i == 0 ? "" : ", ").append("0x").append(Long.toHexString(args[i]));
        return sb.append(") = 0x").append(Long.toHexString(result)).toString();
    }
}
