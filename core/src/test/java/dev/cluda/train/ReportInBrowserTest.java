package dev.cluda.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cluda.config.CludaConfig;
import dev.cluda.io.LocalFileStore;
import dev.cluda.testing.HtmlReferences;
import dev.cluda.testing.IntegrationTest;
import dev.cluda.uda.StepResult;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code report.html} of a tiny run as a reader gets it: 8 iterations with a checkpoint every 2
 * and an evaluation every 4, killed during iteration 5 and resumed. The page is refreshed at every
 * checkpoint, shows the resumed run's earlier evaluation, and renders in headless Chromium
 * (Debian {@code chromium}, which {@code .ci/run} installs; skipped where it is missing) to a
 * non-blank screenshot without loading anything from elsewhere. The screenshot and page are kept
 * in {@code target/} for a look.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@IntegrationTest
class ReportInBrowserTest {

    @TempDir
    static Path dir;

    private final LocalFileStore store = new LocalFileStore();
    private Path runDir;
    /** report.html as it stood before iteration t ran, by t. */
    private final Map<Long, String> before = new HashMap<>();

    private static final class Crash extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    @BeforeAll
    void trainKilledAndResumed() throws IOException {
        CludaConfig config = TinyExperiment.config(dir.resolve("synthetic"), "train.iters=8",
                "train.checkpointInterval=2", "eval.interval=4");
        runDir = dir.resolve("run");
        assertThrows(Crash.class, () -> new Trainer(config, store, runDir.toString(), listener(true)).run(false));
        new Trainer(config, store, runDir.toString(), listener(false)).run(true);
    }

    /** Keeps the page before each iteration; the first run dies once iteration 4 (the fifth) has run. */
    private Trainer.Listener listener(boolean crash) {
        return new Trainer.Listener() {
            @Override
            public void iteration(long iteration, StepResult result, double seconds) {
                Path report = runDir.resolve("report.html");
                try {
                    before.put(iteration, Files.exists(report) ? Files.readString(report) : null);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
                if (crash && iteration == 4) {
                    throw new Crash();
                }
            }
        };
    }

    @Test
    void report_refreshedAtEveryCheckpointAndAfterTheResume() throws IOException {
        assertEquals(null, before.get(1L), "nothing before the first checkpoint");
        String atTwo = before.get(2L);
        assertNotNull(atTwo, "written at the checkpoint after 2 iterations");
        assertTrue(atTwo.contains("no evaluation yet"), "no evaluation before 4");
        assertTrue(atTwo.contains("Predictions of the student after 2 iterations"));
        assertTrue(atTwo.contains("alt=\"loss terms\""));
        // the resumed run (from the checkpoint after 4) refreshes at 6 with the evaluation of 4 from eval.json
        String atSix = before.get(6L);
        assertTrue(atSix.contains("evaluation after 4 iterations"), "the resumed run's page keeps its evaluation");
        assertTrue(atSix.contains("Predictions of the student after 6 iterations"));
        String last = Files.readString(runDir.resolve("report.html"));
        assertTrue(last.contains("evaluation after 8 iterations"));
        assertTrue(last.contains("Predictions of the student after 8 iterations"));
        assertTrue(last.contains("<h1>cluda run report: run</h1>"));
        assertTrue(last.contains("<summary>full configuration</summary>"));
        assertFalse(last.contains("paper:"), "no paper columns for the synthetic benchmark");
        assertEquals(List.of(), HtmlReferences.external(last));
    }

    @Test
    void report_rendersInHeadlessChromium() throws Exception {
        String chromium = onPath("chromium", "chromium-browser");
        assumeTrue(chromium != null, "chromium is not installed (.ci/run installs Debian's chromium)");
        Path html = runDir.resolve("report.html");
        assertEquals(List.of(), HtmlReferences.external(Files.readString(html)), "the page loads nothing external");
        Path png = dir.resolve("report.png");
        Path log = dir.resolve("chromium.log");
        Process p = new ProcessBuilder(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                "--user-data-dir=" + dir.resolve("chromium-profile"), "--screenshot=" + png,
                "--window-size=1280,2000", html.toUri().toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium took over 120 s: " + Files.readString(log));
        }
        assertEquals(0, p.exitValue(), Files.readString(log));
        BufferedImage shot = ImageIO.read(png.toFile());
        assertNotNull(shot, "no PNG screenshot: " + Files.readString(log));
        assertEquals(1280, shot.getWidth());
        Set<Integer> colours = new HashSet<>();
        long notWhite = 0;
        for (int y = 0; y < shot.getHeight(); y++) {
            for (int x = 0; x < shot.getWidth(); x++) {
                int rgb = shot.getRGB(x, y) & 0xFFFFFF;
                colours.add(rgb);
                notWhite += rgb == 0xFFFFFF ? 0 : 1;
            }
        }
        assertTrue(colours.size() >= 64, "a near-blank screenshot: " + colours.size() + " colours");
        assertTrue(notWhite > shot.getWidth() * (long) shot.getHeight() / 20, "mostly white: " + notWhite + " pixels");
        Path kept = Path.of("target");
        if (Files.isDirectory(kept)) {
            Files.copy(png, kept.resolve("report-in-browser.png"), StandardCopyOption.REPLACE_EXISTING);
            Files.copy(html, kept.resolve("report-in-browser.html"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static String onPath(String... names) {
        for (String name : names) {
            for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
                if (!d.isEmpty() && Files.isExecutable(Path.of(d, name))) {
                    return Path.of(d, name).toString();
                }
            }
        }
        return null;
    }
}
