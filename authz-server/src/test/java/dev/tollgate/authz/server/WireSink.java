package dev.tollgate.authz.server;

import java.io.OutputStream;

/** Where benchmarks drain a marshalled response: counts the bytes and reads one of every write, so nothing is elided. */
final class WireSink extends OutputStream {
    long bytes;
    int mix;

    @Override
    public void write(int b) {
        bytes++;
        mix = mix * 31 + b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        bytes += len;
        if (len > 0) {
            mix = mix * 31 + b[off + len - 1];
        }
    }
}
