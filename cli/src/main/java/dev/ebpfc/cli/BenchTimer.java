package dev.ebpfc.cli;

import java.util.Arrays;
import java.util.function.LongSupplier;

/// The in-process timing loop of `ebpfc bench`: warm the call up for a while, size a batch so
/// that one measurement lasts about `sliceNanos`, then time `repetitions` batches and return the
/// median time per call. Not JMH (no forks, no blackhole beyond summing results): the suite's
/// one-run overview; bench/run-native-benchmark.sh gives the precise numbers.
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

    /// Median nanoseconds per call of `call`.
    double medianNanos(LongSupplier call) {
        long start = System.nanoTime(), calls = 0;
        while (System.nanoTime() - start < warmupNanos || calls < 3) {
            sink += call.getAsLong();
            calls++;
        }
        double perCall = (double) (System.nanoTime() - start) / calls;
        int batch = (int) Math.max(1, Math.min(1_000_000, sliceNanos / Math.max(1, perCall)));
        double[] times = new double[repetitions];
        for (int r = 0; r < repetitions; r++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < batch; i++) sink += call.getAsLong();
            times[r] = (double) (System.nanoTime() - t0) / batch;
        }
        Arrays.sort(times);
        return times[repetitions / 2];
    }

    long sink() {
        return sink;
    }
}
