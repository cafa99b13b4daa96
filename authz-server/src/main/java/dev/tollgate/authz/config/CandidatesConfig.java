package dev.tollgate.authz.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.authz.rollout.CandidateConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The config's {@code candidates.tenants}: tenant name → {@code {policies: DIR, sample: 0..1}}. */
final class CandidatesConfig {
    private CandidatesConfig() {
    }

    static CandidateConfig parse(JsonNode tenants, String origin, int queueSize) {
        if (!tenants.isObject()) {
            throw new ConfigException(origin + ": key 'candidates.tenants' must be a mapping of tenant names");
        }
        List<CandidateConfig.Tenant> out = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : tenants.properties()) {
            String name = e.getKey();
            String key = "candidates.tenants." + name;
            if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]*") || name.equals("shared")) {
                throw new ConfigException(origin + ": key '" + key
                        + "': tenant names are letters, digits, '.', '_' and '-' (and not 'shared')");
            }
            JsonNode t = e.getValue();
            if (!t.isObject()) {
                throw new ConfigException(origin + ": key '" + key + "' must be a mapping (policies, sample)");
            }
            for (Map.Entry<String, JsonNode> k : t.properties()) {
                if (!k.getKey().equals("policies") && !k.getKey().equals("sample")) {
                    throw new ConfigException(origin + ": unknown key '" + key + "." + k.getKey()
                            + "' (known: policies, sample)");
                }
            }
            JsonNode policies = t.get("policies");
            if (policies == null || !policies.isTextual() || policies.textValue().isBlank()) {
                throw new ConfigException(origin + ": key '" + key
                        + ".policies' is required: the policy directory holding the candidate's " + name + "/ folder");
            }
            Path dir = Path.of(policies.textValue());
            if (!Files.isDirectory(dir)) {
                throw new ConfigException(origin + ": key '" + key + ".policies': directory " + dir
                        + " does not exist");
            }
            double sample = 1.0;
            JsonNode s = t.get("sample");
            if (s != null) {
                if (!s.isNumber() || s.asDouble() < 0 || s.asDouble() > 1) {
                    throw new ConfigException(origin + ": key '" + key + ".sample' must be a number from 0 to 1, got "
                            + s);
                }
                sample = s.asDouble();
            }
            out.add(new CandidateConfig.Tenant(name, dir, sample));
        }
        return new CandidateConfig(queueSize, out);
    }
}
