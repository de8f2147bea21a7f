package dev.ebpfc.emulator.fuzz;

import java.util.List;

/// One engine's share of a campaign: programs it ran, seconds spent inside it (summed over worker
/// threads), programs on which it diverged from the reference, and the opcodes of the programs it
/// agreed on (for the reference: of every program it ran validly).
public record EngineStats(String name, boolean reference, long programs, double seconds, long divergences, List<Integer> opcodes) {
    public EngineStats {
        opcodes = List.copyOf(opcodes);
    }

    /// Programs per second of time inside this engine: per-core throughput, independent of
    /// `--jobs` and of the other engines' speed.
    public double programsPerSecond() {
        return seconds <= 0 ? 0 : programs / seconds;
    }
}
