package dev.ebpfc.runtime;

import dev.ebpfc.runtime.helpers.Helper;
import dev.ebpfc.runtime.helpers.HelperEnvironment;

import java.util.Arrays;

/// One helper call of a run: its id (in the run's profile), its arguments and the value it
/// returned in r0.
///
/// The arguments are exactly those the helper's prototype takes ([Helper#arity]): r1..rN, no
/// more, so every engine records the same list whatever it knows about the registers the helper
/// does not read (after a call r1–r5 are undefined; the IR does not even have them). A variadic
/// helper records its fixed arguments plus those the call consumed ([Helper#argumentsUsed]:
/// `trace_printk`, one per format conversion). Every engine builds its calls with [#of].
public record HelperCall(int id, long[] args, long result) {
    public HelperCall {
        args = args.clone();
    }

    /// The call of `helper` (number `id`) with r1–r5 = `regs` that returned `result`, recording
    /// the arguments the helper takes; `regs` may be shorter than five (missing ones are 0). A
    /// null `helper` (an id without a prototype) keeps all five.
    public static HelperCall of(Helper helper, int id, HelperEnvironment env, long[] regs, long result) {
        long[] five = regs.length >= 5 ? regs : Arrays.copyOf(regs, 5);
        int n = helper == null ? 5 : helper.argumentsUsed(env, five, result);
        return new HelperCall(id, Arrays.copyOf(five, Math.max(0, Math.min(5, n))), result);
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
