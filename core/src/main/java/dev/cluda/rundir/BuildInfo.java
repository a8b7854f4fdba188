package dev.cluda.rundir;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The build that runs: project version and git commit, filtered into {@code build.properties} by
 * Maven (git-commit-id plugin), so a run directory says which code wrote it.
 *
 * @param commit abbreviated commit id, or {@code unknown} for a build outside a git checkout
 * @param dirty whether the working tree had uncommitted changes when it was built
 */
public record BuildInfo(String version, String commit, boolean dirty) {

    /** This build's information. */
    public static BuildInfo current() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("build.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("build.properties of the cluda jar cannot be read", e);
        }
        return new BuildInfo(value(p, "version"), value(p, "commit"), Boolean.parseBoolean(p.getProperty("dirty")));
    }

    /** One line: {@code cluda 0.1.0 (commit 6916aa4)}, with {@code + uncommitted changes} for a dirty tree. */
    public String describe() {
        return "cluda " + version + " (commit " + commit + (dirty ? " + uncommitted changes" : "") + ")";
    }

    /** A property, or {@code unknown} where the build left it unset or unfiltered. */
    private static String value(Properties p, String key) {
        String v = p.getProperty(key, "");
        return v.isBlank() || v.startsWith("${") ? "unknown" : v;
    }
}
