package dev.tollgate.authz.policy.bundle;

import static dev.tollgate.authz.testsupport.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whatever a load throws, Errors included, is a failed poll: reported, and polling goes on. */
class ThrowingLoadTest {
    @TempDir
    Path dir;

    private static final List<Supplier<Throwable>> THROWN = List.of(
            StackOverflowError::new,
            () -> new OutOfMemoryError("test"),
            () -> new AssertionError("test"),
            () -> new IllegalStateException("test"),
            () -> new ExceptionInInitializerError("test"));

    @Test
    void pollOnceTurnsEveryThrowableIntoAFailedOutcome() throws Exception {
        Path file = dir.resolve("b.tar.gz");
        Files.write(file, BundlePollerTest.bundle("r1"));
        for (Supplier<Throwable> thrown : THROWN) {
            BundleActivator throwing = b -> {
                Throwable t = thrown.get();
                if (t instanceof Error e) {
                    throw e;
                }
                throw (RuntimeException) t;
            };
            BundlePollerTest.RecordingListener listener = new BundlePollerTest.RecordingListener();
            try (BundlePoller p = new BundlePoller(FileBundleSource.of(file), new BundleLoader(BundleOptions.DEFAULT),
                    throwing, listener)) {
                PollOutcome.Failed f = assertInstanceOf(PollOutcome.Failed.class, p.pollOnce());
                assertTrue(f.error().getMessage().contains(thrown.get().getClass().getName()), f.error().getMessage());
                assertTrue(listener.events.take().startsWith("failed "));
                assertTrue(p.current().isEmpty());
            }
        }
    }

    @Test
    void aBackgroundPollerOutlivesEveryKindOfThrowableAndItsListenerToo() throws Exception {
        Path file = dir.resolve("b.tar.gz");
        Files.write(file, BundlePollerTest.bundle("r1"));
        AtomicInteger calls = new AtomicInteger();
        BundleActivator flaky = b -> {
            int n = calls.getAndIncrement();
            if (n < THROWN.size()) {
                Throwable t = THROWN.get(n).get();
                if (t instanceof Error e) {
                    throw e;
                }
                throw (RuntimeException) t;
            }
        };
        List<String> heard = new CopyOnWriteArrayList<>();
        BundleListener throwingListener = new BundleListener() {
            @Override
            public void activated(Bundle bundle) {
                heard.add("activated " + bundle.revision());
            }

            @Override
            public void failed(BundleException error) {
                heard.add("failed");
                throw new StackOverflowError("listener");
            }
        };
        FileBundleSource source = new FileBundleSource(file, Duration.ofMillis(10), Duration.ofMillis(50));
        try (BundlePoller p = new BundlePoller(source, new BundleLoader(BundleOptions.DEFAULT), flaky, throwingListener)) {
            p.start();
            await(() -> heard.contains("activated r1"), "the bundle to activate after " + THROWN.size() + " failures");
            assertEquals(THROWN.size(), heard.stream().filter("failed"::equals).count());
            assertEquals("r1", p.current().orElseThrow().revision());
        }
    }
}
