package dev.tollgate.charts.docker;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The repository's Dockerfile read as the builder reads it: continuation lines joined, comments
 * dropped, one {@link Instruction} per line, grouped into stages; global ARG defaults kept.
 */
record Dockerfile(Map<String, String> globalArgs, List<Stage> stages) {
    record Instruction(String keyword, String arguments) {
        /** Exec form (a JSON array), as ENTRYPOINT and CMD must be here. */
        List<String> execForm() {
            try {
                return new ObjectMapper().readValue(arguments, new TypeReference<List<String>>() { });
            } catch (IOException e) {
                throw new AssertionError(keyword + " is not in exec form (a JSON array): " + arguments, e);
            }
        }
    }

    record Stage(String name, String from, List<Instruction> instructions) {
        List<Instruction> all(String keyword) {
            return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
        }

        Instruction last(String keyword) {
            List<Instruction> found = all(keyword);
            if (found.isEmpty()) {
                throw new AssertionError("stage " + name + " has no " + keyword);
            }
            return found.getLast();
        }

        /** ARG defaults declared in this stage. */
        Map<String, String> args() {
            Map<String, String> args = new LinkedHashMap<>();
            for (Instruction i : all("ARG")) {
                String[] kv = i.arguments().split("=", 2);
                args.put(kv[0].trim(), kv.length == 2 ? kv[1].trim() : null);
            }
            return args;
        }
    }

    /** A COPY: its options (--from, --chown ...), sources and destination. */
    record Copy(Map<String, String> options, List<String> sources, String destination) {
        static Copy of(Instruction i) {
            Map<String, String> options = new LinkedHashMap<>();
            List<String> words = new ArrayList<>();
            for (String w : i.arguments().trim().split("\\s+")) {
                if (w.startsWith("--") && words.isEmpty()) {
                    String[] kv = w.substring(2).split("=", 2);
                    options.put(kv[0], kv.length == 2 ? kv[1] : "");
                } else {
                    words.add(w);
                }
            }
            return new Copy(options, List.copyOf(words.subList(0, words.size() - 1)), words.getLast());
        }
    }

    private static final Pattern LINE = Pattern.compile("^([A-Za-z]+)\\s+(.*)$");

    static Dockerfile read(Path file) throws IOException {
        List<String> logical = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String raw : Files.readAllLines(file)) {
            String line = raw.strip();
            if (line.startsWith("#") || (line.isEmpty() && current.isEmpty())) {
                continue;
            }
            if (line.endsWith("\\")) {
                current.append(line, 0, line.length() - 1).append(' ');
            } else {
                current.append(line);
                logical.add(current.toString().strip());
                current.setLength(0);
            }
        }
        Map<String, String> globals = new LinkedHashMap<>();
        List<Stage> stages = new ArrayList<>();
        List<Instruction> body = null;
        for (String l : logical) {
            Matcher m = LINE.matcher(l);
            if (!m.matches()) {
                throw new AssertionError("not an instruction: " + l);
            }
            Instruction i = new Instruction(m.group(1).toUpperCase(), m.group(2).strip());
            if (i.keyword().equals("FROM")) {
                String[] words = i.arguments().split("\\s+");
                String name = words.length == 3 && words[1].equalsIgnoreCase("AS") ? words[2] : String.valueOf(stages.size());
                body = new ArrayList<>();
                stages.add(new Stage(name, words[0], body));
            } else if (body == null) {
                if (!i.keyword().equals("ARG")) {
                    throw new AssertionError("only ARG may come before the first FROM: " + l);
                }
                String[] kv = i.arguments().split("=", 2);
                globals.put(kv[0].trim(), kv.length == 2 ? kv[1].trim() : null);
            } else {
                body.add(i);
            }
        }
        return new Dockerfile(Map.copyOf(globals), stages.stream()
                .map(s -> new Stage(s.name(), s.from(), List.copyOf(s.instructions()))).toList());
    }

    Stage stage(String name) {
        return stages.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no stage " + name));
    }

    Stage runtime() {
        return stages.getLast();
    }

    /** The image's command line: ENTRYPOINT followed by CMD. */
    List<String> commandLine() {
        List<String> command = new ArrayList<>(runtime().last("ENTRYPOINT").execForm());
        command.addAll(runtime().last("CMD").execForm());
        return List.copyOf(command);
    }

    /** ${NAME} resolved against the global ARG defaults (as FROM lines are). */
    String resolve(String text) {
        Matcher m = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}").matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = globalArgs.get(m.group(1));
            if (value == null) {
                throw new AssertionError("no default for ARG " + m.group(1));
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        return m.appendTail(out).toString();
    }
}
