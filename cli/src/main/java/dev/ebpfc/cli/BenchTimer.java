package dev.ebpfc.cli;

import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;

/// The in-process timing loop of `ebpfc bench`: warm each call up for a while, size a batch per
/// call so that one measurement lasts about `sliceNanos`, then time `repetitions` rounds, each
/// round one batch of every call in turn, and return each call's median time per call.
/// Interleaving puts a busy moment of the machine on every call alike, so the ratios between
/// them hold better than the absolute times. Not JMH (no forks, no blackhole beyond summing
/// results): the suite's one-run overview; bench/run-native-benchmark.sh gives precise numbers.
final class BenchTimer {
    private final long warmupNanos;
    private final long sliceNanos;
    private final int repetitions;
    /// Sum of every result, so the JIT cannot drop the calls.
    private long sink;

    BenchTimer(long warmupNanos, long sliceNanos, int repetitions) {
        this.warmupNanos = warmupNanos;
        this.sliceNanos = sliceNanos;
        this.repetitions = repetitions;
    }

    int repetitions() {
        return repetitions;
    }

    /// Median nanoseconds per call of each of `calls`, measured interleaved.
    double[] medianNanos(List<LongSupplier> calls) {
        int n = calls.size();
        int[] batch = new int[n];
        for (int c = 0; c < n; c++) {
            LongSupplier call = calls.get(c);
            long start = System.nanoTime(), count = 0;
            while (System.nanoTime() - start < warmupNanos || count < 3) {
                sink += call.getAsLong();
                count++;
            }
            double perCall = (double) (System.nanoTime() - start) / count;
            batch[c] = (int) Math.max(1, Math.min(1_000_000, sliceNanos / Math.max(1, perCall)));
        }
        double[][] times = new double[n][repetitions];
        for (int r = 0; r < repetitions; r++) {
            for (int c = 0; c < n; c++) {
                LongSupplier call = calls.get(c);
                long t0 = System.nanoTime();
                for (int i = 0; i < batch[c]; i++) sink += call.getAsLong();
                times[c][r] = (double) (System.nanoTime() - t0) / batch[c];
            }
        }
        double[] medians = new double[n];
        for (int c = 0; c < n; c++) {
            Arrays.sort(times[c]);
            medians[c] = times[c][repetitions / 2];
        }
        return medians;
    }

    /// Median nanoseconds per call of `call` alone.
    double medianNanos(LongSupplier call) {
        return medianNanos(List.of(call))[0];
    }

    long sink() {
        return sink;
    }
}
