package dev.tollgate.authz.telemetry;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadMXBean;

/** Build information and JVM basics: heap, threads, uptime. */
public record ProcessMetrics(String version) implements MetricSource {

    /** The version from the jar manifest, or {@code unknown} when not running from the jar. */
    public static ProcessMetrics fromManifest() {
        String v = ProcessMetrics.class.getPackage().getImplementationVersion();
        return new ProcessMetrics(v == null ? "unknown" : v);
    }

    @Override
    public void collect(MetricWriter out) {
        out.family("tollgate_build_info", MetricWriter.Type.GAUGE, "Always 1; the labels say what is running.");
        out.sample(1, "version", version, "java_version", Runtime.version().toString());
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        out.family("jvm_memory_used_bytes", MetricWriter.Type.GAUGE, "Used JVM memory.");
        out.sample(heap.getUsed(), "area", "heap");
        out.family("jvm_memory_committed_bytes", MetricWriter.Type.GAUGE, "Committed JVM memory.");
        out.sample(heap.getCommitted(), "area", "heap");
        out.family("jvm_memory_max_bytes", MetricWriter.Type.GAUGE, "Maximum JVM memory (-1 when undefined).");
        out.sample(heap.getMax(), "area", "heap");
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        out.single("jvm_threads_current", MetricWriter.Type.GAUGE,
                "Live JVM threads.", threads.getThreadCount());
        out.single("jvm_threads_daemon", MetricWriter.Type.GAUGE,
                "Live JVM daemon threads.", threads.getDaemonThreadCount());
        out.single("jvm_threads_peak", MetricWriter.Type.GAUGE,
                "Peak live JVM threads since start.", threads.getPeakThreadCount());
        out.single("process_uptime_seconds", MetricWriter.Type.GAUGE,
                "Seconds since the JVM started.", ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0);
    }
}
