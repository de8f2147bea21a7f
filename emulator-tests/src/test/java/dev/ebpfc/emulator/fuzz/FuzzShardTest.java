package dev.ebpfc.emulator.fuzz;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// Sharding splits the seed space: shards are disjoint, their union is the unsharded campaign
/// (same seeds, same divergences, same coverage), and bad shard text and configurations are
/// rejected with messages that say what is wrong.
class FuzzShardTest {
    static final List<EngineFactory> ENGINES = List.of(EngineCatalog.ALL.get(0),
            FuzzMutantEngine.factory(FuzzMutantEngine.Mutant.ARSH_AS_RSH));

    /// Seeds a campaign ran, and the ones that diverged.
    record Seen(Set<Long> seeds, Set<Long> diverged, CampaignReport report) {
    }

    static Seen run(CampaignConfig config) {
        Set<Long> seeds = ConcurrentHashMap.newKeySet(), diverged = ConcurrentHashMap.newKeySet();
        CampaignReport r = new FuzzCampaign(ENGINES, config.withShrinkCandidates(0), new FuzzListener() {
            @Override
            public void ran(long k, long seed, boolean div) {
                assertTrue(seeds.add(seed), "seed " + seed + " ran twice");
                if (div) diverged.add(seed);
            }
        }).run();
        return new Seen(seeds, diverged, r);
    }

    @Test
    void shardsAreDisjointAndTheirUnionIsTheUnshardedCampaign() {
        int n = 3, per = 40;
        Seen whole = run(CampaignConfig.programs(7, (long) n * per));
        Set<Long> union = new HashSet<>(), diverged = new HashSet<>();
        Set<Integer> executed = new HashSet<>();
        long divergent = 0;
        for (int i = 0; i < n; i++) {
            Seen s = run(CampaignConfig.programs(7, per).withShard(new Shard(i, n)).withJobs(2));
            assertEquals(per, s.seeds().size());
            for (long seed : s.seeds()) assertTrue(union.add(seed), "seed " + seed + " in two shards");
            diverged.addAll(s.diverged());
            executed.addAll(s.report().executedOpcodes());
            divergent += s.report().divergent();
        }
        assertEquals(whole.seeds(), union);
        assertEquals(whole.diverged(), diverged);
        assertTrue(!diverged.isEmpty(), "the mutant never showed; the test proves little");
        assertEquals(whole.report().divergent(), divergent);
        assertEquals(new HashSet<>(whole.report().executedOpcodes()), executed);
    }

    @Test
    void shardSeedsFollowTheFormula() {
        Shard s = Shard.parse("2/5");
        assertEquals(new Shard(2, 5), s);
        assertEquals(100 + 2, s.seed(100, 0));
        assertEquals(100 + 3 * 5 + 2, s.seed(100, 3));
        assertEquals("2/5", s.toString());
        assertEquals(Shard.ALL, Shard.parse(" 0 / 1 "));
    }

    @Test
    void badShardTextSaysWhatIsWrong() {
        assertEquals("shard '3' is not I/N (for example 0/4)", assertThrows(IllegalArgumentException.class, () -> Shard.parse("3")).getMessage());
        assertEquals("shard 'a/4' is not I/N with whole numbers (for example 0/4)",
                assertThrows(IllegalArgumentException.class, () -> Shard.parse("a/4")).getMessage());
        assertEquals("shard '4/4': I must be in 0..3", assertThrows(IllegalArgumentException.class, () -> Shard.parse("4/4")).getMessage());
        assertEquals("shard '-1/4': I must be in 0..3", assertThrows(IllegalArgumentException.class, () -> Shard.parse("-1/4")).getMessage());
        assertEquals("shard '0/0': N must be at least 1", assertThrows(IllegalArgumentException.class, () -> Shard.parse("0/0")).getMessage());
    }

    @Test
    void configurationsWithoutALimitOrWorkersAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new CampaignConfig(0, null, 0, null, 1, null, null, 0));
        assertThrows(IllegalArgumentException.class, () -> CampaignConfig.programs(0, 10).withJobs(0));
        assertThrows(IllegalArgumentException.class, () -> CampaignConfig.timed(0, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new FuzzCampaign(List.of(), CampaignConfig.programs(0, 1)));
    }

    @Test
    void aTimedCampaignRunsAPrefixOfTheSeeds() {
        Seen s = run(CampaignConfig.timed(11, Duration.ofMillis(800)).withJobs(2));
        long n = s.report().programs();
        assertTrue(n > 0);
        Set<Long> expected = new HashSet<>();
        for (long k = 0; k < n; k++) expected.add(11 + k);
        assertEquals(expected, s.seeds());
    }
}
