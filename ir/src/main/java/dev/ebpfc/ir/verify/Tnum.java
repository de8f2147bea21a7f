package dev.ebpfc.ir.verify;

/// Known bits of a 64-bit value ("tristate numbers"): every bit is 0, 1 or unknown. `value` holds
/// the known 1 bits, `mask` the unknown ones, and they never overlap. The verifier keeps one next
/// to each interval, because masks and alignments (`x & 0xfc`, `ihl << 2`) are exact here while
/// intervals lose them. Arithmetic follows the carry-propagation formulation of Vishwanathan et
/// al. ("Sound, precise, and fast abstract interpretation with tristate numbers", CGO 2022).
public record Tnum(long value, long mask) {
    public static final Tnum UNKNOWN = new Tnum(0, -1L);

    public Tnum {
        value &= ~mask;
    }

    public static Tnum constant(long v) {
        return new Tnum(v, 0);
    }

    /// The bits every unsigned value in `[min, max]` shares: the common prefix.
    public static Tnum range(long min, long max) {
        long differ = min ^ max;
        if (differ == 0) return constant(min);
        int bits = 64 - Long.numberOfLeadingZeros(differ);
        if (bits >= 64) return UNKNOWN;
        long low = (1L << bits) - 1;
        return new Tnum(min & ~low, low);
    }

    public boolean isConstant() {
        return mask == 0;
    }

    /// The smallest and largest unsigned values with these bits.
    public long umin() {
        return value;
    }

    public long umax() {
        return value | mask;
    }

    /// The smallest and largest signed values with these bits.
    public long smin() {
        return value | (mask & Long.MIN_VALUE);
    }

    public long smax() {
        return value | (mask & Long.MAX_VALUE);
    }

    public boolean contains(long v) {
        return (v & ~mask) == value;
    }

    public Tnum add(Tnum o) {
        long sm = mask + o.mask, sv = value + o.value;
        long carries = (sm + sv) ^ sv;
        long unknown = carries | mask | o.mask;
        return new Tnum(sv & ~unknown, unknown);
    }

    public Tnum sub(Tnum o) {
        long dv = value - o.value;
        long borrows = (dv + mask) ^ (dv - o.mask);
        long unknown = borrows | mask | o.mask;
        return new Tnum(dv & ~unknown, unknown);
    }

    public Tnum and(Tnum o) {
        long v = value & o.value;
        return new Tnum(v, (value | mask) & (o.value | o.mask) & ~v);
    }

    public Tnum or(Tnum o) {
        long v = value | o.value;
        return new Tnum(v, (mask | o.mask) & ~v);
    }

    public Tnum xor(Tnum o) {
        long unknown = mask | o.mask;
        return new Tnum((value ^ o.value) & ~unknown, unknown);
    }

    public Tnum shl(int k) {
        return new Tnum(value << k, mask << k);
    }

    public Tnum lshr(int k) {
        return new Tnum(value >>> k, mask >>> k);
    }

    public Tnum ashr(int k) {
        return new Tnum(value >> k, mask >> k);
    }

    /// The low `bits` bits, zero above.
    public Tnum truncate(int bits) {
        if (bits >= 64) return this;
        long m = (1L << bits) - 1;
        return new Tnum(value & m, mask & m);
    }

    /// Bits known in both (the union of the two sets of values).
    public Tnum join(Tnum o) {
        long unknown = mask | o.mask | (value ^ o.value);
        return new Tnum(value & ~unknown, unknown);
    }

    /// Bits known in either; null when they contradict (no value has both).
    public Tnum meet(Tnum o) {
        if (((value ^ o.value) & ~mask & ~o.mask) != 0) return null;
        long m = mask & o.mask;
        return new Tnum((value | o.value) & ~m, m);
    }

    @Override
    public String toString() {
        return mask == 0 ? Long.toString(value) : String.format("(0x%x; 0x%x)", value, mask);
    }
}
