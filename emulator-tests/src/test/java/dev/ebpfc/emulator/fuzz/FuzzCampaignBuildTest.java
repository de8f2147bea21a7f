package dev.ebpfc.emulator.fuzz;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertTrue;

/// The build's own differential campaign: every engine of [EngineCatalog#ALL] against the reference
/// on a fixed seed's programs, on two workers. Zero divergences and every program valid, or the
/// build fails with the divergences described. Prints the per-engine statistics.
///
/// Bounded twice: [#PROGRAMS] programs or [#TIME_LIMIT], whichever comes first (either way the
/// first programs of the same seed sequence), and it demands at least [#MIN_PROGRAMS] on every
/// engine. `-Debpfc.fuzz.programs=N` overrides the count.
///
/// Every engine takes part, the three -O2 ones included. Compiling at -O2 (lift, optimise,
/// select, allocate, emit) costs about three times -O0 per generated program, so the -O2 engines
/// set the pace (about 170 programs/s each). Measured on two idle cores: 3,000 programs in 42 s.
class FuzzCampaignBuildTest {
    static final long SEED = 20_250_101L;
    static final long PROGRAMS = Long.getLong("ebpfc.fuzz.programs", 3_000);
    static final Duration TIME_LIMIT = Duration.ofSeconds(60);
    static final long MIN_PROGRAMS = Math.min(PROGRAMS, 2_000);

    @Test
    void everyEngineAgreesWithTheReference() {
        FuzzCampaign campaign = new FuzzCampaign(EngineCatalog.ALL, CampaignConfig.programs(SEED, PROGRAMS).withTimeLimit(TIME_LIMIT).withJobs(2));
        CampaignReport r = campaign.run();
        System.out.println("FuzzCampaignBuildTest: engines " + campaign.engineNames() + "\n" + r.table());
        StringBuilder why = new StringBuilder();
        for (Finding f : r.findings()) why.append(f.details()).append('\n').append(f.program()).append('\n');
        if (r.programs() < PROGRAMS) System.out.println("FuzzCampaignBuildTest: time limit reached after " + r.programs() + " programs");
        assertTrue(r.programs() >= MIN_PROGRAMS, "only " + r.programs() + " programs in " + TIME_LIMIT);
        for (EngineStats s : r.engines()) assertTrue(s.programs() >= MIN_PROGRAMS, s.name() + " ran only " + s.programs() + " programs");
        assertTrue(r.clean(), r.table() + why);
        assertTrue(r.executedOpcodes().size() > 60, "the reference executed only " + r.executedOpcodes().size() + " opcodes");
    }
}
