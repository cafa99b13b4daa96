package dev.tollgate.authz.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code tollgate}: the command-line entry point. Subcommands are listed in {@link Command#subcommands()}. */
@Command(name = "tollgate", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Envoy external-authorization (ext_authz v3) policy decision service.",
        subcommands = {ServeCommand.class, TestCommand.class, CheckCommand.class, EvalCommand.class, FmtCommand.class,
                ReplayCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        // One line per log record, before any logger is created.
        System.setProperty("java.util.logging.SimpleFormatter.format",
                "%1$tFT%1$tT.%1$tLZ %4$s %3$s: %5$s%6$s%n");
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        return new CommandLine(new Main());
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand (try 'tollgate serve')");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"tollgate " + (v == null ? "dev" : v)};
        }
    }
}
