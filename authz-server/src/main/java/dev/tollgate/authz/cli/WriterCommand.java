package dev.tollgate.authz.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;

/** A subcommand that prints through picocli's writers, so tests and callers can capture it. */
abstract class WriterCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public final Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            return execute(out, err);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** Runs the command; returns its exit status. */
    abstract int execute(PrintWriter out, PrintWriter err);
}
