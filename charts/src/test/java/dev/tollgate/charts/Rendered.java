package dev.tollgate.charts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import tools.jackson.databind.json.JsonMapper;

/**
 * The chart rendered by {@code helm template} (helm-java, Helm's own library), as a list of
 * documents; {@link #one} converts a document into its fabric8 model type.
 */
record Rendered(List<Map<String, Object>> documents) {
    static final Path REPO = Path.of(System.getProperty("tollgate.repo", "..")).toAbsolutePath().normalize();
    static final Path CHART = REPO.resolve("charts/tollgate");
    static final String RELEASE = "tollgate";
    static final String NAMESPACE = "tollgate-system";

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    // fabric8 8 models are Jackson 3 types.
    private static final JsonMapper MODEL = JsonMapper.builder().build();

    /** Renders with the chart's defaults plus whatever {@code options} adds (values files, --set). */
    static Rendered template(UnaryOperator<TemplateCommand> options) {
        TemplateCommand command = new Helm(CHART).template().withName(RELEASE).withNamespace(NAMESPACE);
        return parse(options.apply(command).call());
    }

    static Rendered template() {
        return template(c -> c);
    }

    static Rendered parse(String yaml) {
        List<Map<String, Object>> docs = new ArrayList<>();
        try (YAMLParser parser = new YAMLFactory().createParser(yaml)) {
            for (var it = YAML.readValues(parser, Map.class); it.hasNext(); ) {
                @SuppressWarnings("unchecked")
                Map<String, Object> doc = (Map<String, Object>) it.next();
                if (doc != null && !doc.isEmpty()) {
                    docs.add(doc);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Rendered(List.copyOf(docs));
    }

    List<Map<String, Object>> ofKind(String kind) {
        return documents.stream().filter(d -> kind.equals(d.get("kind"))).toList();
    }

    boolean has(String kind) {
        return !ofKind(kind).isEmpty();
    }

    /** The only document of {@code kind} whose name ends with {@code nameSuffix}, as a fabric8 object. */
    <T> T one(String kind, String nameSuffix, Class<T> type) {
        List<Map<String, Object>> found = ofKind(kind).stream()
                .filter(d -> String.valueOf(((Map<?, ?>) d.get("metadata")).get("name")).endsWith(nameSuffix))
                .toList();
        assertEquals(1, found.size(), () -> "one " + kind + " named *" + nameSuffix + " in " + names());
        return MODEL.convertValue(found.getFirst(), type);
    }

    <T> T one(String kind, Class<T> type) {
        return one(kind, "", type);
    }

    List<String> names() {
        return documents.stream().map(d -> d.get("kind") + "/" + ((Map<?, ?>) d.get("metadata")).get("name")).toList();
    }

    /**
     * Every field of a fabric8 object (recursively) is one the Kubernetes API knows: the models keep
     * unknown fields in {@code additionalProperties}, so a misspelt key in a template shows up there.
     */
    static void assertNoUnknownFields(Object model, String where) {
        if (model == null || !model.getClass().getName().startsWith("io.fabric8.")) {
            if (model instanceof java.util.Collection<?> c) {
                int i = 0;
                for (Object o : c) {
                    assertNoUnknownFields(o, where + "[" + i++ + "]");
                }
            } else if (model instanceof Map<?, ?> m) {
                for (var e : m.entrySet()) {
                    assertNoUnknownFields(e.getValue(), where + "." + e.getKey());
                }
            }
            return;
        }
        for (java.lang.reflect.Method getter : model.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || !getter.getName().startsWith("get") || getter.getName().equals("getClass")) {
                continue;
            }
            Object value;
            try {
                value = getter.invoke(model);
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(where + "." + getter.getName(), e);
            }
            if (getter.getName().equals("getAdditionalProperties")) {
                Object unknown = value;
                assertTrue(unknown == null || ((Map<?, ?>) unknown).isEmpty(),
                        () -> where + " has fields the Kubernetes API does not know: " + unknown);
            } else {
                assertNoUnknownFields(value, where + "." + getter.getName().substring(3));
            }
        }
    }

    static void assertContains(String haystack, String needle) {
        assertTrue(haystack.contains(needle), () -> "expected \"" + needle + "\" in:\n" + haystack);
    }
}
