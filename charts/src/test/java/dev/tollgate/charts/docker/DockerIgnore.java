package dev.tollgate.charts.docker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * .dockerignore as the builder applies it to a context path: patterns in order, the last match
 * wins, "!" re-includes, a pattern matching a parent folder matches everything under it; "*" and
 * "?" stay within one path segment, "**" spans any number of them.
 */
record DockerIgnore(List<Rule> rules) {
    record Rule(Pattern pattern, boolean include) {
    }

    static DockerIgnore read(Path file) throws IOException {
        List<Rule> rules = new ArrayList<>();
        for (String raw : Files.readAllLines(file)) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            boolean include = line.startsWith("!");
            String p = (include ? line.substring(1) : line).strip();
            p = p.replaceAll("^/+", "").replaceAll("/+$", "");
            rules.add(new Rule(Pattern.compile(toRegex(p)), include));
        }
        return new DockerIgnore(List.copyOf(rules));
    }

    private static String toRegex(String glob) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (glob.startsWith("**/", i)) {
                re.append("(?:.*/)?");
                i += 2;
            } else if (glob.startsWith("**", i)) {
                re.append(".*");
                i++;
            } else if (c == '*') {
                re.append("[^/]*");
            } else if (c == '?') {
                re.append("[^/]");
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return re.toString();
    }

    /** Whether a context path (relative, "/"-separated) is left out of the build context. */
    boolean excludes(String path) {
        String clean = path.replaceAll("^/+", "").replaceAll("/+$", "");
        boolean excluded = false;
        for (Rule r : rules) {
            if (matchesSelfOrParent(r.pattern(), clean)) {
                excluded = !r.include();
            }
        }
        return excluded;
    }

    private static boolean matchesSelfOrParent(Pattern p, String path) {
        String candidate = path;
        while (true) {
            if (p.matcher(candidate).matches()) {
                return true;
            }
            int slash = candidate.lastIndexOf('/');
            if (slash < 0) {
                return false;
            }
            candidate = candidate.substring(0, slash);
        }
    }
}
