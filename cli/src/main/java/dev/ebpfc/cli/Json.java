package dev.ebpfc.cli;

import java.util.ArrayDeque;
import java.util.Deque;

/// Minimal JSON output for `--json` (objects, arrays, strings, numbers, booleans), so scripts
/// can read results without a JSON library on our side.
final class Json {
    private Json() {
    }

    static final class Writer {
        private final StringBuilder sb = new StringBuilder();
        /// Per open container: whether nothing has been written in it yet.
        private final Deque<Boolean> first = new ArrayDeque<>();
        private final Deque<Character> closers = new ArrayDeque<>();
        private boolean afterKey;

        Writer object() {
            value("{");
            first.push(true);
            closers.push('}');
            return this;
        }

        Writer array() {
            value("[");
            first.push(true);
            closers.push(']');
            return this;
        }

        Writer end() {
            first.pop();
            sb.append(closers.pop());
            return this;
        }

        Writer key(String k) {
            value(quote(k));
            sb.append(':');
            afterKey = true;
            return this;
        }

        Writer field(String k, String v) {
            return key(k).value(v == null ? "null" : quote(v));
        }

        Writer field(String k, long v) {
            return key(k).value(Long.toString(v));
        }

        Writer field(String k, double v) {
            return key(k).value(Double.toString(v));
        }

        Writer field(String k, boolean v) {
            return key(k).value(Boolean.toString(v));
        }

        Writer string(String v) {
            return value(quote(v));
        }

        private Writer value(String text) {
            if (afterKey) {
                afterKey = false;
            } else if (!first.isEmpty()) {
                if (!first.peek()) sb.append(',');
                first.pop();
                first.push(false);
            }
            sb.append(text);
            return this;
        }

        @Override
        public String toString() {
            return sb.toString();
        }
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.append('"').toString();
    }
}
