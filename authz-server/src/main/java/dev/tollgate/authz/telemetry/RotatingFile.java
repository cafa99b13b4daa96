package dev.tollgate.authz.telemetry;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The decision log file, appended to line by line. With a size limit, a line that would take the
 * file past it first rotates: {@code FILE} becomes {@code FILE.1}, {@code FILE.1} becomes
 * {@code FILE.2} and so on; the oldest beyond {@code maxFiles} rotated files is deleted. Lines are
 * never split across files. Used by the writer thread only.
 */
final class RotatingFile implements AutoCloseable {
    private final Path file;
    private final long maxBytes;
    private final int maxFiles;
    private OutputStream out;
    private long size;

    /**
     * @param maxBytes size after which the file rotates; 0 never rotates
     * @param maxFiles rotated files kept beside the current one
     */
    RotatingFile(Path file, long maxBytes, int maxFiles) throws IOException {
        this.file = file;
        this.maxBytes = maxBytes;
        this.maxFiles = maxFiles;
        open();
    }

    private void open() throws IOException {
        if (out != null) {
            out.close();
        }
        out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                StandardOpenOption.WRITE);
        size = Files.size(file);
    }

    /** Appends one line (the newline is added). */
    void writeLine(String line) throws IOException {
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        if (maxBytes > 0 && size > 0 && size + bytes.length > maxBytes) {
            try {
                rotate();
            } catch (IOException e) {
                // Keep appending to FILE (reopened if rotation closed it); this line is counted as failed.
                open();
                throw e;
            }
        }
        out.write(bytes);
        size += bytes.length;
    }

    private void rotate() throws IOException {
        out.close();
        Files.deleteIfExists(rotated(maxFiles));
        for (int i = maxFiles - 1; i >= 1; i--) {
            if (Files.exists(rotated(i))) {
                Files.move(rotated(i), rotated(i + 1), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        if (maxFiles > 0) {
            Files.move(file, rotated(1), StandardCopyOption.REPLACE_EXISTING);
        } else {
            Files.delete(file);
        }
        open();
    }

    private Path rotated(int n) {
        return file.resolveSibling(file.getFileName() + "." + n);
    }

    void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
