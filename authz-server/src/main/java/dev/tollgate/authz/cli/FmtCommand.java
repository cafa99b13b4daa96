package dev.tollgate.authz.cli;

import dev.tollgate.rego.testing.Formatting;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tollgate fmt}: canonical formatting of Rego v1, as {@code opa fmt}. */
@Command(name = "fmt", mixinStandardHelpOptions = true,
        description = "Formats Rego files as opa fmt does (tabs, if/contains, sorted imports, one blank line"
                + " between rules, comments kept). Without --check or --diff, files are rewritten in place and listed.",
        footer = {"", "Exit status: 0 formatted (or nothing to change), 1 --check/--diff found a file that would"
                + " change, 2 a parse error (file:line:col) or an unreadable path."})
final class FmtCommand extends WriterCommand {
    @Parameters(paramLabel = "PATH", arity = "1..*", description = "Rego files or folders.")
    List<Path> paths = new ArrayList<>();

    @Option(names = {"--check", "-l"}, description = "List the files whose formatting differs; change nothing.")
    boolean check;

    @Option(names = {"--diff", "-d"}, description = "Print a unified diff of the changes; change nothing.")
    boolean diff;

    @Option(names = "--v0-compatible", description = "Parse modules as Rego v0 (written out as Rego v1).")
    boolean v0;

    @Override
    int execute(java.io.PrintWriter out, java.io.PrintWriter err) {
        Formatting.Mode mode = diff ? Formatting.Mode.DIFF : check ? Formatting.Mode.CHECK : Formatting.Mode.WRITE;
        return Formatting.run("tollgate fmt", paths, mode, v0, out, err);
    }
}
