package dev.ebpfc.emulator.fuzz;

import dev.ebpfc.emulator.gen.GeneratorConfig;

import java.nio.file.Path;
import java.time.Duration;

/// What a [FuzzCampaign] runs: the base seed and [Shard] that fix which programs, a limit (a
/// number of programs, which makes the campaign deterministic, or a wall-clock time, or both:
/// whichever comes first; 0 and null mean none, but one is required),
/// how many worker threads, where reproducers go (null: nowhere, findings are only reported),
/// the generator's configuration, and how many candidates the shrinker may try per divergence
/// (0: write the program as found, unshrunk).
public record CampaignConfig(long baseSeed, Shard shard, long programs, Duration timeLimit, int jobs, Path out,
                             GeneratorConfig generator, int shrinkCandidates) {
    /// Shrink candidates per divergence by default: enough for the mutants of
    /// `DiffMutantDetectionTest` to reach a handful of instructions, bounded so a storm of
    /// divergences from one bad engine cannot stall a campaign for hours.
    public static final int DEFAULT_SHRINK_CANDIDATES = 5_000;

    public CampaignConfig {
        if (shard == null) shard = Shard.ALL;
        if (generator == null) generator = GeneratorConfig.defaults();
        if (programs <= 0 && timeLimit == null) throw new IllegalArgumentException("give a limit: a number of programs or a time limit");
        if (programs < 0) throw new IllegalArgumentException("programs must be positive, got " + programs);
        if (timeLimit != null && (timeLimit.isNegative() || timeLimit.isZero())) {
            throw new IllegalArgumentException("time limit must be positive, got " + timeLimit);
        }
        if (jobs < 1) throw new IllegalArgumentException("jobs must be at least 1, got " + jobs);
        if (shrinkCandidates < 0) throw new IllegalArgumentException("shrink candidates must not be negative");
    }

    /// `programs` programs from `baseSeed`, one worker, unsharded, no reproducer folder.
    public static CampaignConfig programs(long baseSeed, long programs) {
        return new CampaignConfig(baseSeed, Shard.ALL, programs, null, 1, null, null, DEFAULT_SHRINK_CANDIDATES);
    }

    /// As many programs as fit in `limit`, from `baseSeed`, one worker, unsharded, no reproducer folder.
    public static CampaignConfig timed(long baseSeed, Duration limit) {
        return new CampaignConfig(baseSeed, Shard.ALL, 0, limit, 1, null, null, DEFAULT_SHRINK_CANDIDATES);
    }

    /// Also stop at `limit` if the programs are not done by then.
    public CampaignConfig withTimeLimit(Duration limit) {
        return new CampaignConfig(baseSeed, shard, programs, limit, jobs, out, generator, shrinkCandidates);
    }

    public CampaignConfig withShard(Shard s) {
        return new CampaignConfig(baseSeed, s, programs, timeLimit, jobs, out, generator, shrinkCandidates);
    }

    public CampaignConfig withJobs(int j) {
        return new CampaignConfig(baseSeed, shard, programs, timeLimit, j, out, generator, shrinkCandidates);
    }

    public CampaignConfig withOut(Path dir) {
        return new CampaignConfig(baseSeed, shard, programs, timeLimit, jobs, dir, generator, shrinkCandidates);
    }

    public CampaignConfig withGenerator(GeneratorConfig g) {
        return new CampaignConfig(baseSeed, shard, programs, timeLimit, jobs, out, g, shrinkCandidates);
    }

    public CampaignConfig withShrinkCandidates(int n) {
        return new CampaignConfig(baseSeed, shard, programs, timeLimit, jobs, out, generator, n);
    }

    /// The seed of this campaign's program `k`.
    public long seed(long k) {
        return shard.seed(baseSeed, k);
    }
}
