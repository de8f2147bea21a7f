package dev.ebpfc.runtime;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/// What one run of a program produced, in the same shape for every engine, so runs compare as
/// whole states: r0, why it stopped (and where: `slot`, -1 when not at an instruction), how many
/// BPF instructions executed (-1 for engines that run compiled code and do not count them), the writable memory afterwards (with [#digest], computed on demand so
/// runs that never compare memory do not pay for it), the helper-call trace and
/// the side channels helpers write to (`trace_printk` text, perf events, ring buffer records).
public record ExecutionResult(long r0, ErrorKind error, String message, int slot, long executed,
                              List<RegionSnapshot> regions, List<HelperCall> trace,
                              String printk, List<byte[]> perfEvents, List<byte[]> ringbufRecords) {
    public ExecutionResult {
        regions = List.copyOf(regions);
        trace = List.copyOf(trace);
        perfEvents = List.copyOf(perfEvents);
        ringbufRecords = List.copyOf(ringbufRecords);
    }

    public boolean ok() {
        return error == ErrorKind.NONE;
    }

    /// The snapshot called `name`, or null.
    public RegionSnapshot region(String name) {
        for (RegionSnapshot r : regions) if (r.name().equals(name)) return r;
        return null;
    }

    /// SHA-256 (hex) over every region snapshot's name, length and bytes, in order.
    public String digest() {
        return digest(regions);
    }

    /// SHA-256 over every snapshot's name, length and bytes, in order.
    public static String digest(List<RegionSnapshot> regions) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (RegionSnapshot r : regions) {
                md.update(r.name().getBytes(StandardCharsets.UTF_8));
                byte[] b = r.bytes();
                md.update(new byte[]{0, (byte) (b.length >>> 24), (byte) (b.length >>> 16), (byte) (b.length >>> 8), (byte) b.length});
                md.update(b);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "r0=0x" + Long.toHexString(r0) + " " + error + (message.isEmpty() ? "" : " (" + message + ")")
                + " after " + executed + " instructions";
    }
}
