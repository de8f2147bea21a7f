package dev.ebpfc.runtime.helpers;

import dev.ebpfc.runtime.maps.Errno;

/// `s64 bpf_csum_diff(from, from_size, to, to_size, seed)` (Linux helper 28, net/core/filter.c):
/// the ones'-complement sum of the complemented `from` words followed by the `to` words, added to
/// `seed` — `csum_partial` over a scratch buffer of at most 512 bytes. Sizes must be multiples of
/// 4. The unfolded 32-bit result is that of x86_64's `csum_partial` (64-bit accumulation with
/// end-around carry, folded to 32 bits); its 16-bit fold is the same on every architecture.
public final class CsumDiff implements Helper {
    static final int SCRATCH = 512;

    @Override
    public String name() {
        return "csum_diff";
    }

    @Override
    public int arity() {
        return 5;
    }

    @Override
    public long call(HelperEnvironment env, long from, long fromSize, long to, long toSize, long seed) {
        long fs = fromSize & 0xffffffffL, ts = toSize & 0xffffffffL;
        if (((fs | ts) & 3) != 0 || fs + ts > SCRATCH) return -Errno.EINVAL;
        byte[] buf = new byte[(int) (fs + ts)];
        byte[] f = env.memory.readBytes(from, (int) fs);
        for (int i = 0; i < f.length; i++) buf[i] = (byte) ~f[i];
        System.arraycopy(env.memory.readBytes(to, (int) ts), 0, buf, (int) fs, (int) ts);
        return csumPartial(buf, (int) seed) & 0xffffffffL;
    }

    /// x86_64 `csum_partial`: little-endian 64-bit words (then a 32-bit tail) added with
    /// end-around carry onto the seed, folded to 32 bits with end-around carry.
    public static int csumPartial(byte[] buf, int seed) {
        long acc = seed & 0xffffffffL;
        int i = 0;
        for (; i + 8 <= buf.length; i += 8) {
            long w = 0;
            for (int b = 7; b >= 0; b--) w = (w << 8) | (buf[i + b] & 0xff);
            long sum = acc + w;
            if (Long.compareUnsigned(sum, acc) < 0) sum++;
            acc = sum;
        }
        if (i + 4 <= buf.length) {
            long w = (buf[i] & 0xffL) | (buf[i + 1] & 0xffL) << 8 | (buf[i + 2] & 0xffL) << 16 | (buf[i + 3] & 0xffL) << 24;
            long sum = acc + w;
            if (Long.compareUnsigned(sum, acc) < 0) sum++;
            acc = sum;
        }
        long hi = acc >>> 32, lo = acc & 0xffffffffL;
        long s = hi + lo;
        return (int) (s + (s >>> 32));
    }

    /// The 16-bit fold and complement programs apply to the result (`csum_fold`).
    public static int fold(int csum) {
        long s = csum & 0xffffffffL;
        s = (s & 0xffff) + (s >>> 16);
        s = (s & 0xffff) + (s >>> 16);
        return (int) (~s & 0xffff);
    }
}
