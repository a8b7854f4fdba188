package dev.cluda.jobs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the scripts under {@code deploy/} as child processes, for the deploy script tests. */
final class DeployScripts {

    /** What a finished script left: exit status, standard output and standard error. */
    record Result(int exit, String out, String err) {
    }

    private DeployScripts() {
    }

    /** The repository root: the first folder above the working directory with {@code conf/synthetic.conf}. */
    static Path repoRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("conf/synthetic.conf"))) {
                return p;
            }
        }
        throw new IllegalStateException("no conf/synthetic.conf above " + Path.of("").toAbsolutePath());
    }

    /** Writes an executable shell script {@code name} into {@code dir}. */
    static Path executable(Path dir, String name, String body) throws IOException {
        Files.createDirectories(dir);
        Path p = dir.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body + "\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    /**
     * Runs {@code command} in {@code dir} with {@code fakeBin} first on PATH; {@code env} entries
     * with a null value are removed from the environment.
     */
    static Result run(Path dir, Path fakeBin, Map<String, String> env, String... command)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(List.of(command))).directory(dir.toFile());
        Map<String, String> e = pb.environment();
        if (fakeBin != null) {
            e.put("PATH", fakeBin + ":" + e.getOrDefault("PATH", "/usr/bin:/bin"));
        }
        env.forEach((k, v) -> {
            if (v == null) {
                e.remove(k);
            } else {
                e.put(k, v);
            }
        });
        Path out = Files.createTempFile("deploy-script", ".out");
        Path err = Files.createTempFile("deploy-script", ".err");
        try {
            Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + String.join(" ", command));
            }
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
