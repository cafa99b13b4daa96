package dev.tollgate.charts;

import static dev.tollgate.charts.Rendered.assertContains;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import dev.tollgate.authz.config.ServerConfig;
import dev.tollgate.authz.policy.BundleTenant;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** charts/tollgate rendered with its defaults and with every option on, checked object by object. */
class ChartTest {
    static final Path FULL_VALUES = Path.of("src/test/resources/full-values.yaml").toAbsolutePath();

    @TempDir
    Path tmp;

    @Test
    void lintStrictPasses() {
        LintResult lint = new Helm(Rendered.CHART).lint().strict().call();
        assertFalse(lint.isFailed(), () -> String.join("\n", lint.getMessages()));
    }

    @Test
    void defaultsRenderALockedDownDeployment() {
        Rendered r = Rendered.template();
        assertEquals(List.of(), Stream.of("HorizontalPodAutoscaler", "NetworkPolicy", "ServiceMonitor", "Secret")
                .filter(r::has).toList(), "optional objects are off by default");
        assertTrue(r.has("PodDisruptionBudget"));

        Deployment d = r.one("Deployment", Deployment.class);
        assertEquals(2, d.getSpec().getReplicas());
        assertEquals("RollingUpdate", d.getSpec().getStrategy().getType());
        assertEquals(0, d.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal(),
                "a rollout never drops below the desired replicas");
        PodSpec pod = d.getSpec().getTemplate().getSpec();
        assertEquals("true", d.getSpec().getTemplate().getMetadata().getLabels().get("sidecar.istio.io/inject"));
        assertFalse(pod.getAutomountServiceAccountToken());

        assertTrue(pod.getSecurityContext().getRunAsNonRoot());
        assertEquals(65532L, pod.getSecurityContext().getRunAsUser());
        assertEquals("RuntimeDefault", pod.getSecurityContext().getSeccompProfile().getType());
        Container c = pod.getContainers().getFirst();
        assertEquals(1, pod.getContainers().size());
        assertEquals("tollgate:0.1.0-SNAPSHOT", c.getImage(), "the tag defaults to the chart's appVersion");
        var sc = c.getSecurityContext();
        assertTrue(sc.getRunAsNonRoot());
        assertTrue(sc.getReadOnlyRootFilesystem());
        assertFalse(sc.getAllowPrivilegeEscalation());
        assertEquals(List.of("ALL"), sc.getCapabilities().getDrop());
        assertEquals("RuntimeDefault", sc.getSeccompProfile().getType());

        assertEquals(Map.of("grpc-authz", 9191, "http-authz", 9192, "http-admin", 8181),
                c.getPorts().stream().collect(Collectors.toMap(ContainerPort::getName, ContainerPort::getContainerPort)));
        assertHttpProbe(c.getLivenessProbe(), "/health");
        assertHttpProbe(c.getReadinessProbe(), "/ready");
        assertHttpProbe(c.getStartupProbe(), "/health");
        assertTrue(c.getStartupProbe().getFailureThreshold() * c.getStartupProbe().getPeriodSeconds() >= 60,
                "policy compilation gets at least a minute before liveness applies");

        assertEquals(new Quantity("250m"), c.getResources().getRequests().get("cpu"));
        assertEquals(new Quantity("384Mi"), c.getResources().getRequests().get("memory"));
        assertEquals(new Quantity("512Mi"), c.getResources().getLimits().get("memory"),
                "the heap is sized from the memory limit");
        assertNull(c.getResources().getLimits().get("cpu"), "no CPU limit: throttling shows up as check latency");

        // The read-only root filesystem needs a writable /tmp (java.io.tmpdir); config and policies read-only.
        Map<String, VolumeMount> mounts = c.getVolumeMounts().stream()
                .collect(Collectors.toMap(VolumeMount::getMountPath, m -> m));
        assertEquals("tmp", mounts.get("/tmp").getName());
        assertFalse(Boolean.TRUE.equals(mounts.get("/tmp").getReadOnly()));
        assertTrue(volume(pod, "tmp").getEmptyDir() != null);
        assertTrue(mounts.get("/etc/tollgate/config.yaml").getReadOnly());
        assertEquals("config.yaml", mounts.get("/etc/tollgate/config.yaml").getSubPath());
        VolumeMount policies = mounts.get("/etc/tollgate/policies");
        assertTrue(policies.getReadOnly());
        assertNull(policies.getSubPath(), "a subPath mount would never see ConfigMap updates (no hot reload)");
        assertEquals(List.of("serve", "--config", "/etc/tollgate/config.yaml"), c.getArgs());
        assertNull(c.getLifecycle(), "the preStop sleep action needs Kubernetes 1.30 (helm template assumes 1.20)");

        List<TopologySpreadConstraint> spread = pod.getTopologySpreadConstraints();
        assertEquals(List.of("topology.kubernetes.io/zone", "kubernetes.io/hostname"),
                spread.stream().map(TopologySpreadConstraint::getTopologyKey).toList());
        for (TopologySpreadConstraint t : spread) {
            assertEquals(d.getSpec().getSelector().getMatchLabels(), t.getLabelSelector().getMatchLabels());
            assertEquals("ScheduleAnyway", t.getWhenUnsatisfiable());
        }

        Service svc = r.one("Service", Service.class);
        assertEquals("tollgate", svc.getMetadata().getName());
        assertEquals(d.getSpec().getSelector().getMatchLabels(), svc.getSpec().getSelector());
        assertEquals(List.of("grpc-authz:9191:grpc", "http-authz:9192:http", "http-admin:8181:http"),
                svc.getSpec().getPorts().stream().map(p -> p.getName() + ":" + p.getPort() + ":" + p.getAppProtocol()).toList());
        for (ServicePort p : svc.getSpec().getPorts()) {
            assertEquals(p.getName(), p.getTargetPort().getStrVal(), "the Service targets the container port by name");
        }

        PodDisruptionBudget pdb = r.one("PodDisruptionBudget", PodDisruptionBudget.class);
        assertEquals(1, pdb.getSpec().getMaxUnavailable().getIntVal());
        assertEquals(d.getSpec().getSelector().getMatchLabels(), pdb.getSpec().getSelector().getMatchLabels());
    }

    /** No misspelt or misplaced key in any rendered object, with the defaults or with every option on. */
    @Test
    void renderedObjectsHaveOnlyKubernetesFields() {
        Map<String, Class<?>> types = Map.of("Deployment", Deployment.class, "Service", Service.class,
                "ConfigMap", ConfigMap.class, "Secret", Secret.class,
                "ServiceAccount", io.fabric8.kubernetes.api.model.ServiceAccount.class,
                "HorizontalPodAutoscaler", HorizontalPodAutoscaler.class,
                "PodDisruptionBudget", PodDisruptionBudget.class, "NetworkPolicy", NetworkPolicy.class);
        for (Rendered r : List.of(Rendered.template(), Rendered.template(t -> t.withValuesFile(FULL_VALUES).withKubeVersion("1.31.0")))) {
            for (Map<String, Object> doc : r.documents()) {
                String kind = (String) doc.get("kind");
                if (kind.equals("ServiceMonitor")) {
                    continue; // a CRD: no fabric8 model in this module
                }
                Class<?> type = types.get(kind);
                assertTrue(type != null, () -> "unexpected kind " + kind);
                String name = (String) ((Map<?, ?>) doc.get("metadata")).get("name");
                Rendered.assertNoUnknownFields(r.one(kind, name, type), kind + "/" + name);
            }
        }
    }

    @Test
    void preStopSleepOnKubernetesWithTheSleepAction() {
        Deployment d = Rendered.template(t -> t.withKubeVersion("1.31.0")).one("Deployment", Deployment.class);
        Container c = d.getSpec().getTemplate().getSpec().getContainers().getFirst();
        assertEquals(5L, c.getLifecycle().getPreStop().getSleep().getSeconds());
        assertTrue(d.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds()
                > 5 + 10, "grace covers the preStop sleep and the server's 10 s shutdown grace");
    }

    @Test
    void bankTrustDomainsExampleConfiguresTenancyByTrustDomain() throws IOException {
        Path values = Path.of("tollgate/examples/values-bank-trust-domains.yaml").toAbsolutePath();
        ServerConfig cfg = serverConfig(Rendered.template(t -> t.withValuesFile(values)));
        assertEquals(java.util.Set.of("bank-a", "bank-b", "cluster.local"), cfg.identity().trustDomains());
        assertEquals(List.of(dev.tollgate.authz.tenant.TenantRouting.Source.DESTINATION_PRINCIPAL,
                dev.tollgate.authz.tenant.TenantRouting.Source.DESTINATION_TRUST_DOMAIN), cfg.tenancy().sources());
    }

    @Test
    void defaultConfigIsOneTheServerAccepts() throws IOException {
        ServerConfig cfg = serverConfig(Rendered.template());
        assertEquals(9191, cfg.grpc().port());
        assertEquals(8181, cfg.admin().port());
        assertEquals(9192, cfg.http().listener().port());
        assertTrue(cfg.http().enabled());
        assertEquals(Path.of("/etc/tollgate/policies"), cfg.policiesDir());
        assertEquals(List.of(), cfg.bundleTenants());
        assertTrue(cfg.redis().isEmpty());
    }

    /** The policy ConfigMap, mounted through its items, is exactly the repository's policies/ tree. */
    @Test
    void policyConfigMapHoldsTheRepositoryPolicies() throws IOException {
        Rendered r = Rendered.template();
        ConfigMap cm = r.one("ConfigMap", "-policies", ConfigMap.class);
        Volume v = volume(r.one("Deployment", Deployment.class).getSpec().getTemplate().getSpec(), "policies");
        assertEquals(cm.getMetadata().getName(), v.getConfigMap().getName());

        Map<String, byte[]> mounted = new TreeMap<>();
        for (KeyToPath item : v.getConfigMap().getItems()) {
            String text = cm.getData() == null ? null : cm.getData().get(item.getKey());
            String binary = cm.getBinaryData() == null ? null : cm.getBinaryData().get(item.getKey());
            assertTrue(text != null || binary != null, () -> "item " + item.getKey() + " is in the ConfigMap");
            mounted.put(item.getPath(), text != null ? text.getBytes(StandardCharsets.UTF_8) : Base64.getDecoder().decode(binary));
        }
        Map<String, byte[]> repo = servedPolicyFiles(Rendered.REPO.resolve("policies"));
        assertTrue(repo.keySet().containsAll(List.of("bank-a/authz.rego", "bank-b/data.json", "shared/access.rego")), repo::toString);
        assertEquals(repo.keySet(), mounted.keySet(), "the chart ships every policy file, each at its path");
        for (var e : repo.entrySet()) {
            assertArrayEquals(e.getValue(), mounted.get(e.getKey()), () -> e.getKey() + " differs from policies/");
        }
    }

    @Test
    void everyOptionOn() throws IOException {
        Rendered r = Rendered.template(t -> t.withValuesFile(FULL_VALUES).withKubeVersion("1.31.0"));

        Deployment d = r.one("Deployment", Deployment.class);
        assertNull(d.getSpec().getReplicas(), "with the HPA on, the HPA owns the replica count");
        PodSpec pod = d.getSpec().getTemplate().getSpec();
        Container c = pod.getContainers().getFirst();
        assertEquals("registry.example/platform/tollgate:0.1.0@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                c.getImage());
        assertEquals("platform-critical", pod.getPriorityClassName());
        assertEquals(List.of("serve", "--config", "/etc/tollgate/config.yaml", "--bind", "0.0.0.0"), c.getArgs());
        Map<String, String> env = c.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
        assertEquals(Map.of("JDK_JAVA_OPTIONS", "-XX:+UseG1GC -Xlog:gc:stderr", "OTEL_SERVICE_NAME", "tollgate"), env);
        assertEquals(3, pod.getTopologySpreadConstraints().size());

        // Bundle tokens: an existing Secret's key, and a Secret the chart creates, both at token_path.
        Map<String, String> mounts = c.getVolumeMounts().stream()
                .collect(Collectors.toMap(VolumeMount::getName, VolumeMount::getMountPath));
        assertEquals("/var/run/secrets/tollgate/bundles/bank-c", mounts.get("bundle-token-bank-c"));
        assertEquals("/var/run/secrets/tollgate/bundles/bank-d", mounts.get("bundle-token-bank-d"));
        assertEquals("/etc/tollgate/keys", mounts.get("bundle-keys"));
        Volume bankC = volume(pod, "bundle-token-bank-c");
        assertEquals("bank-c-bundle-token", bankC.getSecret().getSecretName());
        assertEquals("bearer", bankC.getSecret().getItems().getFirst().getKey());
        assertEquals("token", bankC.getSecret().getItems().getFirst().getPath());
        Secret created = r.one("Secret", "-bundle-bank-d", Secret.class);
        assertEquals(created.getMetadata().getName(), volume(pod, "bundle-token-bank-d").getSecret().getSecretName());
        assertEquals("s3cr3t-token", new String(Base64.getDecoder().decode(created.getData().get("token")), StandardCharsets.UTF_8));
        assertEquals(1, r.ofKind("Secret").size(), "no Secret is created for a tenant that names an existing one");

        ServerConfig cfg = serverConfig(r);
        assertEquals(List.of("bank-c", "bank-d"), cfg.bundleTenants().stream().map(BundleTenant::name).sorted().toList());
        String configYaml = configYaml(r);
        assertContains(configYaml, "token_path: /var/run/secrets/tollgate/bundles/bank-c/token");
        assertContains(configYaml, "url: https://bundles.example/bank-c.tar.gz");
        assertEquals("redis.shared-data.svc.cluster.local", cfg.redis().orElseThrow().host());
        assertEquals(6380, cfg.redis().orElseThrow().port());
        assertEquals("tollgate:prod:", cfg.redis().orElseThrow().keyPrefix());
        assertContains(configYaml, "breaker_open_ms: 5000");
        assertContains(configYaml, "sample_allowed: 0.25");

        HorizontalPodAutoscaler hpa = r.one("HorizontalPodAutoscaler", HorizontalPodAutoscaler.class);
        assertEquals(3, hpa.getSpec().getMinReplicas());
        assertEquals(12, hpa.getSpec().getMaxReplicas());
        assertEquals(d.getMetadata().getName(), hpa.getSpec().getScaleTargetRef().getName());
        assertEquals(60, hpa.getSpec().getMetrics().getFirst().getResource().getTarget().getAverageUtilization());

        // Only the mesh's proxies reach the ext_authz ports, only Prometheus the admin (and Istio's merged metrics) port.
        NetworkPolicy np = r.one("NetworkPolicy", NetworkPolicy.class);
        assertEquals(List.of("Ingress"), np.getSpec().getPolicyTypes());
        assertEquals(d.getSpec().getSelector().getMatchLabels(), np.getSpec().getPodSelector().getMatchLabels());
        List<NetworkPolicyIngressRule> rules = np.getSpec().getIngress();
        assertEquals(2, rules.size());
        assertEquals(List.of(9191, 9192), ports(rules.get(0)));
        assertEquals("istio", rules.get(0).getFrom().getFirst().getPodSelector().getMatchLabels().get("security.istio.io/tlsMode"));
        assertEquals(List.of(8181, 15020), ports(rules.get(1)));
        assertEquals("prometheus", rules.get(1).getFrom().getFirst().getPodSelector().getMatchLabels().get("app.kubernetes.io/name"));

        Map<String, Object> sm = r.ofKind("ServiceMonitor").getFirst();
        assertEquals("monitoring.coreos.com/v1", sm.get("apiVersion"));
        assertEquals("prometheus", ((Map<?, ?>) ((Map<?, ?>) sm.get("metadata")).get("labels")).get("release"));
        Map<?, ?> endpoint = (Map<?, ?>) ((List<?>) ((Map<?, ?>) sm.get("spec")).get("endpoints")).getFirst();
        assertEquals("http-admin", endpoint.get("port"));
        assertEquals("/metrics", endpoint.get("path"));
        assertEquals("15s", endpoint.get("interval"));
    }

    @Test
    void policiesFromBundlesOnly() {
        Rendered r = Rendered.template(t -> t.set("policies.fromChart", false)
                .set("bundles.bank-c.url", "https://bundles.example/bank-c.tar.gz"));
        assertEquals(List.of("tollgate-config"), r.ofKind("ConfigMap").stream()
                .map(m -> ((Map<?, ?>) m.get("metadata")).get("name")).toList());
        Volume v = volume(r.one("Deployment", Deployment.class).getSpec().getTemplate().getSpec(), "policies");
        assertTrue(v.getEmptyDir() != null, "an empty policy directory: the server's policies.dir must exist");
        assertFalse(configYaml(r).contains("credentials"), "a public bundle has no bearer token");
    }

    @Test
    void sidecarCanBeTurnedOff() {
        Deployment d = Rendered.template(t -> t.set("mesh.sidecar", false).set("networkPolicy.enabled", true))
                .one("Deployment", Deployment.class);
        assertEquals("false", d.getSpec().getTemplate().getMetadata().getLabels().get("sidecar.istio.io/inject"));
        NetworkPolicy np = Rendered.template(t -> t.set("mesh.sidecar", false).set("networkPolicy.enabled", true))
                .one("NetworkPolicy", NetworkPolicy.class);
        assertEquals(List.of(8181), ports(np.getSpec().getIngress().get(1)));
    }

    /** The files the server reads from a policy folder, as the chart ships them: no hidden files, no docs. */
    static Map<String, byte[]> servedPolicyFiles(Path dir) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path f : walk.filter(Files::isRegularFile).toList()) {
                String rel = dir.relativize(f).toString().replace('\\', '/');
                boolean hidden = Stream.of(rel.split("/")).anyMatch(s -> s.startsWith("."));
                if (!hidden && !rel.endsWith(".md")) {
                    files.put(rel, Files.readAllBytes(f));
                }
            }
        }
        return files;
    }

    private ServerConfig serverConfig(Rendered r) throws IOException {
        Path file = tmp.resolve("config-" + System.nanoTime() + ".yaml");
        Files.writeString(file, configYaml(r));
        return ServerConfig.load(Optional.of(file));
    }

    static String configYaml(Rendered r) {
        return r.one("ConfigMap", "-config", ConfigMap.class).getData().get("config.yaml");
    }

    static Volume volume(PodSpec pod, String name) {
        return pod.getVolumes().stream().filter(v -> v.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no volume " + name + " in " + pod.getVolumes()));
    }

    private static List<Integer> ports(NetworkPolicyIngressRule rule) {
        return rule.getPorts().stream().map(NetworkPolicyPort::getPort).map(p -> p.getIntVal()).toList();
    }

    private static void assertHttpProbe(Probe probe, String path) {
        assertEquals(path, probe.getHttpGet().getPath());
        assertEquals("http-admin", probe.getHttpGet().getPort().getStrVal());
        assertTrue(probe.getPeriodSeconds() > 0 && probe.getTimeoutSeconds() > 0 && probe.getFailureThreshold() > 0);
    }
}
