package dev.ebpfc.emulator.fuzz;

/// A live view of a running campaign for progress display: programs finished, programs with a
/// divergence, programs the reference did not run validly, reproducers standing, opcodes the
/// reference has executed, and time since the start. `target` is the program limit (-1: none),
/// `limitNanos` the time limit (0: none).
public record CampaignProgress(long programs, long divergent, long invalid, int reproducers, int opcodes, long elapsedNanos,
                               long target, long limitNanos) {
    public double programsPerSecond() {
        return elapsedNanos <= 0 ? 0 : programs / (elapsedNanos / 1e9);
    }

    /// Done fraction in 0..1.
    public double fraction() {
        double byCount = target > 0 ? (double) programs / target : 0;
        double byTime = limitNanos > 0 ? (double) elapsedNanos / limitNanos : 0;
        double f = Math.max(byCount, byTime);
        return Math.max(0, Math.min(1, f));
    }
}
