package dev.ebpfc.runtime.context;

/// The input of one run: the bytes (`mem` for RAW, the packet otherwise) and the few context fields
/// a test may want to set. Fields a context kind does not have are ignored.
public record RunInput(byte[] bytes, int ingressIfindex, int rxQueueIndex, int mark, int priority) {
    public RunInput {
        bytes = bytes == null ? new byte[0] : bytes.clone();
    }

    public static RunInput of(byte[] bytes) {
        return new RunInput(bytes, 1, 0, 0, 0);
    }

    public static RunInput empty() {
        return of(new byte[0]);
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    public RunInput withMark(int m) {
        return new RunInput(bytes, ingressIfindex, rxQueueIndex, m, priority);
    }

    public RunInput withIngressIfindex(int i) {
        return new RunInput(bytes, i, rxQueueIndex, mark, priority);
    }
}
