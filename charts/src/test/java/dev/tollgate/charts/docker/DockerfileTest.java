package dev.tollgate.charts.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.authz.config.ServerConfig;
import dev.tollgate.charts.docker.Dockerfile.Copy;
import dev.tollgate.charts.docker.Dockerfile.Stage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Dockerfile without a container engine: what it copies exists and reaches the build context,
 * what the runtime stage copies is made by the build stage, and the image runs as the chart
 * expects (user, ports, paths). {@code DockerEntrypointIT} runs its command line.
 */
class DockerfileTest {
    static final Path REPO = Path.of(System.getProperty("tollgate.repo", "..")).toAbsolutePath().normalize();

    static Dockerfile dockerfile() throws IOException {
        return Dockerfile.read(REPO.resolve("Dockerfile"));
    }

    @Test
    void contextCopySourcesExistAndAreNotIgnored() throws IOException {
        Dockerfile df = dockerfile();
        DockerIgnore ignore = DockerIgnore.read(REPO.resolve(".dockerignore"));
        List<String> checked = new ArrayList<>();
        for (Stage stage : df.stages()) {
            for (var i : stage.all("COPY")) {
                Copy copy = Copy.of(i);
                if (copy.options().containsKey("from")) {
                    continue;
                }
                for (String source : copy.sources()) {
                    Path p = REPO.resolve(source);
                    assertTrue(Files.exists(p), () -> "COPY source " + source + " does not exist");
                    assertFalse(ignore.excludes(source), () -> ".dockerignore leaves COPY source " + source + " out of the context");
                    try (Stream<Path> files = Files.walk(p)) {
                        for (Path f : files.filter(Files::isRegularFile).toList()) {
                            String rel = REPO.relativize(f).toString().replace('\\', '/');
                            if (!rel.contains("/target/")) {
                                assertFalse(ignore.excludes(rel), () -> ".dockerignore leaves " + rel + " (under COPY " + source + ") out");
                            }
                        }
                    }
                    checked.add(source);
                }
            }
        }
        assertTrue(checked.containsAll(List.of("mvnw", "pom.xml", ".mvn/", "jrego/src/main/", "authz-server/src/main/",
                "docker/config.yaml")), checked::toString);
        // The context is an allow-list: build outputs and tests stay out.
        assertTrue(ignore.excludes("authz-server/target/tollgate.jar"));
        assertTrue(ignore.excludes("jrego/src/test/java/Foo.java"));
        assertTrue(ignore.excludes("policies/bank-a/authz.rego"));
        assertTrue(ignore.excludes(".git/HEAD"));
    }

    /** Maven reads every module the parent pom lists, so the build stage must copy each module's pom. */
    @Test
    void buildStageHasEveryModulePom() throws IOException {
        String parent = Files.readString(REPO.resolve("pom.xml"));
        Matcher m = Pattern.compile("<module>([^<]+)</module>").matcher(parent);
        List<String> poms = new ArrayList<>();
        while (m.find()) {
            poms.add(m.group(1).strip() + "/pom.xml");
        }
        assertTrue(poms.size() >= 3, poms::toString);
        List<String> copied = dockerfile().stage("build").all("COPY").stream()
                .flatMap(i -> Copy.of(i).sources().stream()).toList();
        assertTrue(copied.containsAll(poms), () -> "the build stage copies " + copied + " but the parent pom lists " + poms);
    }

    /** Whatever the runtime stage takes from the build stage is made there (jlink --output, mkdir, cp). */
    @Test
    void runtimeCopiesWhatTheBuildStageMakes() throws IOException {
        Dockerfile df = dockerfile();
        String buildRuns = String.join("\n", df.stage("build").all("RUN").stream().map(i -> i.arguments()).toList());
        int fromBuild = 0;
        for (var i : df.runtime().all("COPY")) {
            Copy copy = Copy.of(i);
            if (!"build".equals(copy.options().get("from"))) {
                continue;
            }
            fromBuild++;
            for (String source : copy.sources()) {
                String path = source.replaceAll("/+$", "");
                Pattern made = Pattern.compile("(--output|mkdir -p|cp \\S+)\\s+(\\S+\\s+)*?" + Pattern.quote(path) + "(/|\\s|$)");
                assertTrue(made.matcher(buildRuns).find(), () -> "the build stage never makes " + source);
            }
        }
        assertEquals(2, fromBuild);
        // The jar the build stage copies is the one the reactor builds (DockerEntrypointIT runs it).
        assertTrue(buildRuns.contains("cp authz-server/target/tollgate.jar /rootfs/app/tollgate.jar"));
    }

    @Test
    void baseImagesArePinned() throws IOException {
        Dockerfile df = dockerfile();
        String jdk = df.resolve(df.stage("build").from());
        String runtime = df.resolve(df.runtime().from());
        assertTrue(jdk.matches("eclipse-temurin:25\\.\\d+\\.\\d+_\\d+-jdk-[a-z]+(@sha256:[0-9a-f]{64})?"),
                () -> "JDK image pinned by full version: " + jdk);
        assertTrue(runtime.matches("[^:@]+:[^@]+@sha256:[0-9a-f]{64}"), () -> "runtime image pinned by digest: " + runtime);
        assertFalse(jdk.contains("latest") || runtime.contains("latest"));
    }

    @Test
    void runtimeRunsAsTheChartExpects() throws IOException {
        Stage rt = dockerfile().runtime();
        assertEquals("65532:65532", rt.last("USER").arguments(), "numeric non-root user, so runAsNonRoot can verify it");
        assertEquals(Set.of("9191", "9192", "8181"), Set.of(rt.last("EXPOSE").arguments().split("\\s+")));
        String labels = String.join(" ", rt.all("LABEL").stream().map(i -> i.arguments()).toList());
        for (String label : List.of("title", "description", "version", "revision", "created", "base.name")) {
            assertTrue(labels.contains("org.opencontainers.image." + label + "="), () -> "OCI label " + label);
        }

        List<String> command = dockerfile().commandLine();
        assertEquals("/opt/java/bin/java", command.getFirst());
        assertTrue(command.contains("-XX:MaxRAMPercentage=75"), "the heap follows the container's memory limit");
        assertTrue(command.contains("-XX:+ExitOnOutOfMemoryError"));
        assertTrue(command.contains("-Djava.io.tmpdir=/tmp"), "temporary files on the mounted /tmp volume");
        int jar = command.indexOf("-jar");
        assertEquals("/app/tollgate.jar", command.get(jar + 1));
        assertEquals(List.of("serve", "--config", "/etc/tollgate/config.yaml"), command.subList(jar + 2, command.size()),
                "CMD is what the chart passes as args");
    }

    /** The image's own config.yaml is one the server accepts, and points at the chart's policy mount. */
    @Test
    void imageConfigIsValid() {
        ServerConfig cfg = ServerConfig.load(Optional.of(REPO.resolve("docker/config.yaml")));
        assertEquals(Path.of("/etc/tollgate/policies"), cfg.policiesDir());
        assertEquals(ServerConfig.defaults().grpc(), cfg.grpc());
        assertEquals(ServerConfig.defaults().admin(), cfg.admin());
    }

    /** The JRE module list is declared once, as the build stage's ARG, for jlink and for the tests. */
    static List<String> jreModules() throws IOException {
        String modules = dockerfile().stage("build").args().get("JRE_MODULES");
        assertTrue(modules != null && !modules.isBlank(), "ARG JRE_MODULES in the build stage");
        return List.of(modules.split(","));
    }

    @Test
    void jlinkUsesTheModuleList() throws IOException {
        assertTrue(jreModules().contains("java.base"));
        String runs = String.join("\n", dockerfile().stage("build").all("RUN").stream().map(i -> i.arguments()).toList());
        assertTrue(runs.contains("jlink --add-modules \"${JRE_MODULES}\""), runs);
        Map<String, String> globals = dockerfile().globalArgs();
        assertTrue(globals.containsKey("JDK_IMAGE") && globals.containsKey("RUNTIME_IMAGE"));
    }
}
