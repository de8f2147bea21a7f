package dev.ebpfc.runtime.maps;

import java.util.Arrays;
import java.util.HexFormat;

/// A map key by value (byte arrays compare by identity in Java collections).
public record ByteKey(byte[] bytes) implements Comparable<ByteKey> {
    public ByteKey {
        bytes = bytes.clone();
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ByteKey k && Arrays.equals(bytes, k.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public int compareTo(ByteKey o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    @Override
    public String toString() {
        return HexFormat.of().formatHex(bytes);
    }
}
