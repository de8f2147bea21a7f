package dev.ebpfc.emulator.fuzz;

import java.util.List;

/// What a [FuzzCampaign] did: its configuration, how many programs it ran (always this shard's
/// programs `0..programs-1`), how many had a divergence, how many the reference did not run
/// validly (a generator or interpreter bug; their first seeds in `invalidSeeds`), wall time,
/// per-engine [EngineStats] (reference first), the opcodes the reference executed, the
/// deduplicated findings in campaign order and how many findings were duplicates.
public record CampaignReport(CampaignConfig config, long programs, long divergent, long invalid, List<Long> invalidSeeds,
                             double seconds, List<EngineStats> engines, List<Integer> executedOpcodes,
                             List<Finding> findings, int duplicates) {
    public CampaignReport {
        invalidSeeds = List.copyOf(invalidSeeds);
        engines = List.copyOf(engines);
        executedOpcodes = List.copyOf(executedOpcodes);
        findings = List.copyOf(findings);
    }

    /// No divergence and every program valid on the reference.
    public boolean clean() {
        return divergent == 0 && invalid == 0;
    }

    public double programsPerSecond() {
        return seconds <= 0 ? 0 : programs / seconds;
    }

    public EngineStats engine(String name) {
        return engines.stream().filter(e -> e.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no engine " + name + " in this campaign"));
    }

    /// The per-engine table, then one line for the campaign and one per finding.
    public String table() {
        StringBuilder sb = new StringBuilder();
        int w = Math.max(8, engines.stream().mapToInt(e -> e.name().length()).max().orElse(0) + (" (ref)").length());
        sb.append(String.format("%-" + w + "s %10s %11s %12s %8s%n", "engine", "programs", "programs/s", "divergences", "opcodes"));
        for (EngineStats e : engines) {
            sb.append(String.format("%-" + w + "s %10d %11.1f %12s %8d%n", e.name() + (e.reference() ? " (ref)" : ""), e.programs(),
                    e.programsPerSecond(), e.reference() ? "-" : Long.toString(e.divergences()), e.opcodes().size()));
        }
        sb.append(String.format("%d programs in %.1f s (%.1f programs/s, %d %s), seed %d, shard %s: %d divergent, %d invalid, "
                        + "%d reproducers (%d duplicates); the reference executed %d opcodes%n",
                programs, seconds, programsPerSecond(), config.jobs(), config.jobs() == 1 ? "job" : "jobs", config.baseSeed(), config.shard(), divergent, invalid,
                findings.size(), duplicates, executedOpcodes.size()));
        if (!invalidSeeds.isEmpty()) sb.append("invalid on the reference (generator bug): seeds ").append(invalidSeeds).append('\n');
        for (Finding f : findings) {
            sb.append(f.file() != null ? f.file().toString() : ReproducerStore.baseName(f.engine(), f.field(), f.seed()))
                    .append(": ").append(f.summary()).append('\n');
        }
        return sb.toString();
    }
}
