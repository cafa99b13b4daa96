package dev.tollgate.authz.decision;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The few protobuf fields of a response that are each check's own, written in one pass into a
 * growable array: a length-delimited field is opened ({@link #begin}) with room for a one-byte
 * length and closed ({@link #end}) once its content is written, moving the content when its
 * length needs more bytes. Strings are written as protobuf writes them: UTF-8, with a lone
 * surrogate as {@code '?'} (protobuf falls back to {@link String#getBytes} for those, as here);
 * ASCII is copied without an intermediate array.
 */
final class ProtoWriter {
    static final int LEN = 2;
    private static final int VARINT = 0;

    private byte[] buf;
    private int pos;

    ProtoWriter(int capacity) {
        buf = new byte[capacity];
    }

    byte[] array() {
        return buf;
    }

    int length() {
        return pos;
    }

    private void ensure(int more) {
        if (pos + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + more));
        }
    }

    void tag(int field, int wireType) {
        uint32(field << 3 | wireType);
    }

    void uint32(int v) {
        ensure(5);
        while ((v & ~0x7F) != 0) {
            buf[pos++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[pos++] = (byte) v;
    }

    /** An int32 or enum field (negative values take ten bytes, as protobuf writes them). */
    void int32(int field, int v) {
        tag(field, VARINT);
        if (v >= 0) {
            uint32(v);
            return;
        }
        ensure(10);
        long u = v;
        while ((u & ~0x7FL) != 0) {
            buf[pos++] = (byte) ((u & 0x7F) | 0x80);
            u >>>= 7;
        }
        buf[pos++] = (byte) u;
    }

    void bytes(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, pos, b.length);
        pos += b.length;
    }

    /** A string field, written even when empty. */
    void string(int field, String s) {
        tag(field, LEN);
        int n = s.length();
        int lengthAt = pos;
        uint32(n); // right when s is ASCII
        ensure(n);
        int start = pos;
        byte[] b = buf;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                pos = lengthAt;
                byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
                uint32(utf8.length);
                bytes(utf8);
                return;
            }
            b[start + i] = (byte) c;
        }
        pos = start + n;
    }

    /** Opens a length-delimited field; returns where its length goes, for {@link #end}. */
    int begin(int field) {
        tag(field, LEN);
        ensure(1);
        return pos++;
    }

    /** Closes the field opened at {@code at}. */
    void end(int at) {
        end(at, 0);
    }

    /** Closes the field opened at {@code at}, whose content goes on for {@code more} bytes written elsewhere. */
    void end(int at, int more) {
        int content = pos - at - 1;
        int length = content + more;
        int extra = varintSize(length) - 1;
        if (extra > 0) {
            ensure(extra);
            System.arraycopy(buf, at + 1, buf, at + 1 + extra, content);
            pos += extra;
        }
        int p = at;
        int v = length;
        while ((v & ~0x7F) != 0) {
            buf[p++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[p] = (byte) v;
    }

    static int varintSize(int v) {
        return v < 0 ? 5 : v < 1 << 7 ? 1 : v < 1 << 14 ? 2 : v < 1 << 21 ? 3 : v < 1 << 28 ? 4 : 5;
    }
}
