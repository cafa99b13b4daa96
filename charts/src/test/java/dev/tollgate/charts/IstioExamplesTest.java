package dev.tollgate.charts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * charts/tollgate/examples/istio parse, and point at the Service the chart renders (release
 * "tollgate" in "tollgate-system") by its host name and its named ports.
 */
class IstioExamplesTest {
    static final Path EXAMPLES = Rendered.CHART.resolve("examples/istio");

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> providers(Map<String, Object> meshConfigHolder) {
        Map<String, Object> mesh = (Map<String, Object>) meshConfigHolder.get("meshConfig");
        return (List<Map<String, Object>>) mesh.get("extensionProviders");
    }

    static List<Map<String, Object>> read(String file) throws IOException {
        return Rendered.parse(Files.readString(EXAMPLES.resolve(file))).documents();
    }

    @SuppressWarnings("unchecked")
    static <T> T at(Map<String, Object> doc, String... path) {
        Object o = doc;
        for (String p : path) {
            o = ((Map<String, Object>) o).get(p);
        }
        return (T) o;
    }

    @Test
    void providersNameTheChartsServiceAndPorts() throws IOException {
        Service svc = Rendered.template().one("Service", Service.class);
        String host = svc.getMetadata().getName() + "." + Rendered.NAMESPACE + ".svc.cluster.local";
        Map<String, Integer> ports = svc.getSpec().getPorts().stream()
                .collect(Collectors.toMap(ServicePort::getName, ServicePort::getPort));

        List<Map<String, Object>> providers = providers(read("istiod-values.yaml").getFirst());
        assertEquals(List.of("tollgate-grpc", "tollgate-http"), providers.stream().map(p -> p.get("name")).toList());

        Map<String, Object> grpc = at(providers.get(0), "envoyExtAuthzGrpc");
        assertEquals(host, grpc.get("service"));
        assertEquals(ports.get("grpc-authz"), grpc.get("port"));
        assertEquals("0.5s", grpc.get("timeout"), "an explicit timeout: Istio's default is 10 minutes");
        assertEquals(false, grpc.get("failOpen"));

        Map<String, Object> http = at(providers.get(1), "envoyExtAuthzHttp");
        assertEquals(host, http.get("service"));
        assertEquals(ports.get("http-authz"), http.get("port"));
        assertEquals("0.5s", http.get("timeout"));
        assertEquals(false, http.get("failOpen"));
        List<String> forwarded = at(http, "includeRequestHeadersInCheck");
        assertTrue(forwarded.contains("x-forwarded-client-cert"), "the HTTP check's caller identity travels in XFCC");
        List<String> upstream = at(http, "headersToUpstreamOnAllow");
        List<String> downstream = at(http, "headersToDownstreamOnAllow");
        List<String> onDeny = at(http, "headersToDownstreamOnDeny");
        assertFalse(upstream.isEmpty());
        assertTrue(downstream.containsAll(List.of("ratelimit-limit", "ratelimit-remaining", "ratelimit-reset")));
        assertTrue(onDeny.containsAll(List.of("x-tollgate-reason", "x-tollgate-decision-id", "retry-after")));
    }

    @Test
    void istioOperatorFormDeclaresTheSameProviders() throws IOException {
        Map<String, Object> operator = read("istio-operator.yaml").getFirst();
        assertEquals("install.istio.io/v1alpha1", operator.get("apiVersion"));
        assertEquals("IstioOperator", operator.get("kind"));
        assertEquals(providers(read("istiod-values.yaml").getFirst()), providers(at(operator, "spec")));
    }

    /** Each tenant folder that ships in policies/ gets a CUSTOM policy and STRICT mTLS in its namespace. */
    @Test
    void tenantNamespacesAreCustomAuthorizedAndStrict() throws IOException {
        Set<String> tenants;
        try (Stream<Path> dirs = Files.list(Rendered.REPO.resolve("policies"))) {
            tenants = dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                    .filter(n -> !n.equals("shared") && !n.startsWith(".")).collect(Collectors.toCollection(TreeSet::new));
        }
        assertEquals(Set.of("bank-a", "bank-b"), tenants);
        Set<String> providerNames = providers(read("istiod-values.yaml").getFirst()).stream()
                .map(p -> (String) p.get("name")).collect(Collectors.toSet());

        List<Map<String, Object>> policies = read("authorization-policies.yaml");
        Set<String> custom = new TreeSet<>();
        for (Map<String, Object> p : policies) {
            assertEquals("security.istio.io/v1", p.get("apiVersion"));
            assertEquals("AuthorizationPolicy", p.get("kind"));
            if ("CUSTOM".equals(at(p, "spec", "action"))) {
                custom.add(at(p, "metadata", "namespace"));
                assertTrue(providerNames.contains(at(p, "spec", "provider", "name")), "the provider is declared in meshConfig");
            }
        }
        assertEquals(tenants, custom);
        assertFalse(custom.contains(Rendered.NAMESPACE), "Tollgate's own checks must not ask Tollgate");

        // Tollgate's ALLOW policy selects the chart's pods and lets the tenants reach the ext_authz ports.
        Map<String, Object> allow = policies.stream().filter(p -> "ALLOW".equals(at(p, "spec", "action"))).findFirst().orElseThrow();
        assertEquals(Rendered.NAMESPACE, at(allow, "metadata", "namespace"));
        Map<String, String> podLabels = Rendered.template().one("Service", Service.class).getSpec().getSelector();
        assertEquals(podLabels, at(allow, "spec", "selector", "matchLabels"));
        String allowText = allow.toString();
        for (String tenant : tenants) {
            assertTrue(allowText.contains(tenant), "tenant " + tenant + " may call Tollgate");
        }
        assertTrue(allowText.contains("9191") && allowText.contains("9192"));

        Set<String> strict = new TreeSet<>();
        for (Map<String, Object> pa : read("peer-authentication.yaml")) {
            assertEquals("PeerAuthentication", pa.get("kind"));
            assertEquals("STRICT", at(pa, "spec", "mtls", "mode"));
            if (at(pa, "spec", "selector") == null) {
                strict.add(at(pa, "metadata", "namespace"));
            } else {
                assertEquals(podLabels, at(pa, "spec", "selector", "matchLabels"));
                Map<String, Object> portLevel = at(pa, "spec", "portLevelMtls");
                assertEquals(Set.of("8181"), portLevel.keySet().stream().map(String::valueOf).collect(Collectors.toSet()),
                        "only the admin port is relaxed, never the ext_authz ports");
            }
        }
        Set<String> expected = new TreeSet<>(tenants);
        expected.add(Rendered.NAMESPACE);
        assertEquals(expected, strict);
    }
}
