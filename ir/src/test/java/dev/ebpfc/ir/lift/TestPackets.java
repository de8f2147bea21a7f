package dev.ebpfc.ir.lift;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/// Packets for running the ELF fixtures and bench programs: IPv4 TCP (with and without SYN and an
/// MSS option), UDP and ICMP echo to 10.0.0.100, IPv6 TCP, a truncated frame, an empty one and
/// seeded noise — enough to take the parsers down their different paths.
final class TestPackets {
    private TestPackets() {
    }

    static final byte[] VIP = {10, 0, 0, 100};

    static List<byte[]> all() {
        List<byte[]> out = new ArrayList<>();
        byte[] http = "GET /index.html HTTP/1.1\r\nHost: example.com\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        out.add(ipv4(6, tcp(0x5018, new byte[0], http)));
        out.add(ipv4(6, tcp(0x7002, HexFormat.of().parseHex("020405b4" + "01010402"), new byte[0])));
        out.add(ipv4(17, udp(http)));
        out.add(ipv4(1, HexFormat.of().parseHex("0800f7ff00010001" + "6162636465666768")));
        out.add(ipv6(tcp(0x5018, new byte[0], http)));
        out.add(HexFormat.of().parseHex("0200000000010200000000020800450000"));
        out.add(new byte[0]);
        byte[] noise = new byte[96];
        new Random(7).nextBytes(noise);
        out.add(noise);
        return out;
    }

    private static byte[] eth(int etherType, byte[] payload) {
        byte[] p = new byte[14 + payload.length];
        System.arraycopy(HexFormat.of().parseHex("020000000001" + "020000000002"), 0, p, 0, 12);
        p[12] = (byte) (etherType >> 8);
        p[13] = (byte) etherType;
        System.arraycopy(payload, 0, p, 14, payload.length);
        return p;
    }

    static byte[] ipv4(int proto, byte[] l4) {
        byte[] ip = new byte[20 + l4.length];
        ip[0] = 0x45;
        ip[2] = (byte) (ip.length >> 8);
        ip[3] = (byte) ip.length;
        ip[8] = 64;
        ip[9] = (byte) proto;
        System.arraycopy(new byte[]{10, 0, 0, 1}, 0, ip, 12, 4);
        System.arraycopy(VIP, 0, ip, 16, 4);
        int sum = 0;
        for (int i = 0; i < 20; i += 2) sum += ((ip[i] & 0xff) << 8) | (ip[i + 1] & 0xff);
        while ((sum >>> 16) != 0) sum = (sum & 0xffff) + (sum >>> 16);
        sum = ~sum & 0xffff;
        ip[10] = (byte) (sum >> 8);
        ip[11] = (byte) sum;
        System.arraycopy(l4, 0, ip, 20, l4.length);
        return eth(0x0800, ip);
    }

    static byte[] ipv6(byte[] l4) {
        byte[] ip = new byte[40 + l4.length];
        ip[0] = 0x60;
        ip[4] = (byte) (l4.length >> 8);
        ip[5] = (byte) l4.length;
        ip[6] = 6;
        ip[7] = 64;
        ip[23] = 1;
        ip[39] = 100;
        System.arraycopy(l4, 0, ip, 40, l4.length);
        return eth(0x86dd, ip);
    }

    private static byte[] tcp(int offsetAndFlags, byte[] options, byte[] payload) {
        byte[] t = new byte[20 + options.length + payload.length];
        t[0] = (byte) 0xc0;
        t[1] = (byte) 0xde;
        t[3] = 80;
        t[7] = 1;
        int doff = (20 + options.length) / 4;
        int v = (offsetAndFlags & 0x0fff) | doff << 12;
        t[12] = (byte) (v >> 8);
        t[13] = (byte) v;
        t[14] = (byte) 0xff;
        t[15] = (byte) 0xff;
        System.arraycopy(options, 0, t, 20, options.length);
        System.arraycopy(payload, 0, t, 20 + options.length, payload.length);
        return t;
    }

    private static byte[] udp(byte[] payload) {
        byte[] u = new byte[8 + payload.length];
        u[0] = 0x30;
        u[1] = 0x39;
        u[3] = 53;
        u[5] = (byte) u.length;
        System.arraycopy(payload, 0, u, 8, payload.length);
        return u;
    }
}
