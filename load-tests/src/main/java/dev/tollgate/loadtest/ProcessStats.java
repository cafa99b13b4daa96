package dev.tollgate.loadtest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A process's CPU time and peak resident memory, read from Linux's /proc. CPU time is user plus
 * system time of all the process's threads, in clock ticks of {@code 1/ticksPerSecond} s.
 */
record ProcessStats(long cpuNanos, long peakRssBytes) {
    /** USER_HZ: 100 on every Linux architecture Tollgate runs on. */
    static final long TICKS_PER_SECOND = 100;

    static ProcessStats of(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        // The command name (field 2) may hold spaces and parentheses: fields are counted after its ')'.
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
        long peakKb = 0;
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmHWM:")) {
                peakKb = Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return new ProcessStats(ticks * (1_000_000_000L / TICKS_PER_SECOND), peakKb * 1024);
    }

    /** CPU milliseconds the process spent per 1,000 checks between {@code before} and this sample. */
    double cpuMillisPer1000(ProcessStats before, long checks) {
        return checks == 0 ? Double.NaN : (cpuNanos - before.cpuNanos) / 1e6 / checks * 1000;
    }
}
