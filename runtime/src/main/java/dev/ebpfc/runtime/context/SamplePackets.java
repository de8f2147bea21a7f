package dev.ebpfc.runtime.context;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;

/// Fixed sample inputs shared by the demo, the benchmarks and the differential tests, so every
/// engine and every measurement sees the same bytes.
public final class SamplePackets {
    private SamplePackets() {
    }

    /// Ethernet, IPv4 (valid header checksum), TCP to port 80 with an HTTP/1.1 request as payload,
    /// padded to 256 bytes.
    public static byte[] http() {
        byte[] p = new byte[256];
        byte[] eth = HexFormat.of().parseHex("020000000001" + "020000000002" + "0800");
        System.arraycopy(eth, 0, p, 0, eth.length);
        byte[] ip = HexFormat.of().parseHex("45000000" + "12344000" + "40060000" + "0a000001" + "0a000064");
        int totalLength = p.length - 14;
        ip[2] = (byte) (totalLength >> 8);
        ip[3] = (byte) totalLength;
        int sum = 0;
        for (int i = 0; i < 20; i += 2) sum += ((ip[i] & 0xff) << 8) | (ip[i + 1] & 0xff);
        sum = (sum & 0xffff) + (sum >>> 16);
        sum = ~((sum & 0xffff) + (sum >>> 16)) & 0xffff;
        ip[10] = (byte) (sum >> 8);
        ip[11] = (byte) sum;
        System.arraycopy(ip, 0, p, 14, 20);
        byte[] tcp = HexFormat.of().parseHex("c0de0050" + "00000001" + "00000000" + "5018ffff" + "00000000");
        System.arraycopy(tcp, 0, p, 34, 20);
        byte[] http = "GET /index.html HTTP/1.1\r\nHost: example.com\r\nUser-Agent: ebpfc-demo\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(http, 0, p, 54, http.length);
        return p;
    }

    /// `n` seeded random bytes that start like an IPv4 Ethernet frame (EtherType 0x0800, IHL 5).
    public static byte[] random(int n) {
        byte[] p = new byte[n];
        new Random(0xeb_0f).nextBytes(p);
        if (n > 14) {
            p[12] = 0x08;
            p[13] = 0x00;
            p[14] = 0x45;
        }
        return p;
    }
}
