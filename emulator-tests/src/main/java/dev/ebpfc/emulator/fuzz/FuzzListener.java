package dev.ebpfc.emulator.fuzz;

/// What a running [FuzzCampaign] tells its caller, from worker threads (implementations must be
/// thread-safe and quick): each program run (this shard's index `k`, its seed, whether any engine
/// diverged on it), progress after every program, and each new reproducer.
public interface FuzzListener {
    FuzzListener NONE = new FuzzListener() {
    };

    default void ran(long k, long seed, boolean diverged) {
    }

    default void progress(CampaignProgress p) {
    }

    default void found(Finding f) {
    }
}
