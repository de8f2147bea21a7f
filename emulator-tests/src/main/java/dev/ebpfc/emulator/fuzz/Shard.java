package dev.ebpfc.emulator.fuzz;

/// One of `count` disjoint slices of a campaign's seed space, so `count` machines (or runs) cover
/// different programs with the same base seed: program `k` of shard `index` is generated from
/// seed `base + k·count + index` (wrapping). Shard `I/N` therefore runs the global program
/// indices `I, I+N, I+2N, …`; the union of all N shards with `P` programs each is exactly the
/// unsharded campaign with `P·N` programs.
///
/// Seeds are consecutive rather than hashed so that a seed reads as "program j of base B" and a
/// reproducer's seed regenerates its program directly; [dev.ebpfc.emulator.gen.ProgramGenerator]
/// mixes its seed (SplittableRandom), so neighbouring seeds give unrelated programs. Two
/// campaigns with nearby bases do overlap: pick bases far apart (the CLI's default is random).
public record Shard(int index, int count) {
    /// The whole seed space.
    public static final Shard ALL = new Shard(0, 1);

    public Shard {
        if (count < 1) throw new IllegalArgumentException("shard count must be at least 1, got " + count);
        if (index < 0 || index >= count) throw new IllegalArgumentException("shard index must be in 0.." + (count - 1) + ", got " + index);
    }

    /// Parses `I/N` (0 ≤ I < N); the message of the exception says what is wrong.
    public static Shard parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) throw new IllegalArgumentException("shard '" + text + "' is not I/N (for example 0/4)");
        int i, n;
        try {
            i = Integer.parseInt(text.substring(0, slash).strip());
            n = Integer.parseInt(text.substring(slash + 1).strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("shard '" + text + "' is not I/N with whole numbers (for example 0/4)");
        }
        if (n < 1) throw new IllegalArgumentException("shard '" + text + "': N must be at least 1");
        if (i < 0 || i >= n) throw new IllegalArgumentException("shard '" + text + "': I must be in 0.." + (n - 1));
        return new Shard(i, n);
    }

    /// The global index of this shard's program `k`.
    public long globalIndex(long k) {
        return k * count + index;
    }

    /// The generator seed of this shard's program `k`.
    public long seed(long base, long k) {
        return base + globalIndex(k);
    }

    @Override
    public String toString() {
        return index + "/" + count;
    }
}
