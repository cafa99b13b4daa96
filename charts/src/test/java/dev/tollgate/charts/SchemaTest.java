package dev.tollgate.charts;

import static dev.tollgate.charts.Rendered.assertContains;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad values stop {@code helm template} (and so install and upgrade) with a message that names the
 * value: values.schema.json for single values, the templates' checks for values that depend on
 * each other.
 */
class SchemaTest {
    static Stream<Arguments> badValues() {
        return Stream.of(
                // value, bad setting, what the message says
                Arguments.of("replicaCount", "three", "at '/replicaCount': got string, want integer"),
                Arguments.of("ports.grpc", 70000, "at '/ports/grpc': maximum"),
                Arguments.of("ports.http", 9191, "ports: grpc (9191), http (9191) and admin (8181) must be three different ports"),
                Arguments.of("image.repository", "", "at '/image/repository'"),
                Arguments.of("image.digest", "latest", "at '/image/digest'"),
                Arguments.of("image.pullPolicy", "Sometimes", "at '/image/pullPolicy'"),
                Arguments.of("replicas", 3, "additional properties 'replicas' not allowed"),
                Arguments.of("securityContext.readOnlyRootFilesystem", false, "at '/securityContext/readOnlyRootFilesystem'"),
                Arguments.of("securityContext.allowPrivilegeEscalation", true, "at '/securityContext/allowPrivilegeEscalation'"),
                Arguments.of("securityContext.runAsNonRoot", false, "at '/securityContext/runAsNonRoot'"),
                Arguments.of("securityContext.capabilities.drop", "{NET_RAW}", "at '/securityContext/capabilities/drop'"),
                Arguments.of("securityContext.capabilities.add", "{NET_ADMIN}", "at '/securityContext/capabilities/add'"),
                Arguments.of("podSecurityContext.runAsNonRoot", false, "at '/podSecurityContext/runAsNonRoot'"),
                Arguments.of("resources.requests.memory", "lots", "at '/resources/requests/memory'"),
                Arguments.of("probes.readiness.periodSeconds", 0, "at '/probes/readiness/periodSeconds'"),
                Arguments.of("rollingUpdate.maxUnavailable", "half", "at '/rollingUpdate/maxUnavailable'"),
                Arguments.of("topologySpread.whenUnsatisfiable", "Sometimes", "at '/topologySpread/whenUnsatisfiable'"),
                Arguments.of("autoscaling.targetCPUUtilizationPercentage", 150, "at '/autoscaling/targetCPUUtilizationPercentage'"),
                Arguments.of("serviceMonitor.interval", "often", "at '/serviceMonitor/interval'"),
                Arguments.of("service.type", "ExternalName", "at '/service/type'"),
                Arguments.of("redis.port", 0, "at '/redis/port'"),
                Arguments.of("bundles.Bank_C.url", "https://bundles.example/c.tar.gz", "invalid propertyName 'Bank_C'"),
                Arguments.of("bundles.bank-c.url", "ftp://bundles.example/c.tar.gz", "at '/bundles/bank-c/url'"),
                Arguments.of("bundles.bank-c.polling.min_delay_seconds", 5, "at '/bundles/bank-c': missing property 'url'"),
                Arguments.of("config.grpc.port", 9000, "config.grpc.port is set by the chart: set ports.grpc instead"),
                Arguments.of("config.admin.port", 9000, "config.admin.port is set by the chart: set ports.admin instead"),
                Arguments.of("config.http.port", 9000, "config.http.port is set by the chart: set ports.http instead"),
                Arguments.of("config.policies.dir", "/policies", "config.policies.dir is set by the chart"),
                Arguments.of("policies.fromChart", false, "Tollgate would serve no tenant"));
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("badValues")
    void refused(String key, Object value, String message) {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Rendered.template(t -> t.set(key, value)));
        assertContains(e.getMessage(), message);
    }

    @ParameterizedTest(name = "autoscaling {0}..{1}")
    @MethodSource("autoscalingRanges")
    void autoscalingRangeMustBeOrdered(int min, int max) {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Rendered.template(t -> t
                .set("autoscaling.enabled", true).set("autoscaling.minReplicas", min).set("autoscaling.maxReplicas", max)));
        assertContains(e.getMessage(), "autoscaling: minReplicas (" + min + ") is greater than maxReplicas (" + max + ")");
    }

    static Stream<Arguments> autoscalingRanges() {
        return Stream.of(Arguments.of(5, 2), Arguments.of(3, 1));
    }

    /** A memory limit is required: the heap is sized from it. (null in a values file removes a default.) */
    @Test
    void memoryLimitRequired(@TempDir Path tmp) throws IOException {
        Path values = Files.writeString(tmp.resolve("no-limits.yaml"), "resources:\n  limits: null\n");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Rendered.template(t -> t.withValuesFile(values)));
        assertContains(e.getMessage(), "at '/resources': missing property 'limits'");
        Path noMemory = Files.writeString(tmp.resolve("cpu-only.yaml"), "resources:\n  limits:\n    memory: null\n    cpu: 2\n");
        e = assertThrows(IllegalStateException.class, () -> Rendered.template(t -> t.withValuesFile(noMemory)));
        assertContains(e.getMessage(), "at '/resources/limits': missing property 'memory'");
    }

    @Test
    void bundleTokenFromOneSourceOnly() {
        String tenant = "bank-c";
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Rendered.template(t -> t
                .set("bundles." + tenant + ".url", "https://bundles.example/x.tar.gz")
                .set("bundles." + tenant + ".token", "abc")
                .set("bundles." + tenant + ".tokenSecret.name", "x")));
        assertContains(e.getMessage(), "at '/bundles/" + tenant + "'");
    }
}
