package dev.ebpfc.cli;

/// A one-line progress bar on standard error, drawn only when standard error is a terminal and
/// the job is long enough to want one; otherwise silent.
final class Progress {
    private final String label;
    private final int total;
    private final boolean enabled;
    private int done;
    private long lastDraw;

    Progress(String label, int total) {
        this.label = label;
        this.total = total;
        this.enabled = System.console() != null && System.console().isTerminal() && total >= 20;
    }

    void step() {
        done++;
        if (!enabled) return;
        long now = System.nanoTime();
        if (now - lastDraw < 100_000_000L && done != total) return;
        lastDraw = now;
        int width = 30, filled = total == 0 ? width : done * width / total;
        System.err.print("\r" + label + " [" + "#".repeat(filled) + " ".repeat(width - filled) + "] " + done + "/" + total);
        System.err.flush();
    }

    void clear() {
        if (enabled && lastDraw != 0) {
            System.err.print("\r" + " ".repeat(label.length() + 50) + "\r");
            System.err.flush();
        }
    }
}
