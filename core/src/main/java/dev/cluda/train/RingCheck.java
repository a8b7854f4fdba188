package dev.cluda.train;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.cluda.comm.TcpRingCollective;
import dev.cluda.config.CludaConfig;
import dev.cluda.io.LocalFileStore;
import dev.cluda.parallel.DataParallel;
import dev.cluda.uda.StepResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** {@code DeviceChecks ring}: two rank JVMs over the TCP ring, data-parallel, ending with identical replicas. */
final class RingCheck {

    private RingCheck() {
    }

    /** The hidden first argument of a rank JVM started by {@code ring}. */
    static final String RANK_CHILD = "ring-rank";
    private static final int RING_RANKS = 2;
    private static final long RING_TIMEOUT_SECONDS = 300;

    /**
     * Two ranks as two JVMs on this machine (this JVM's {@code java}, class path and DJL
     * properties; the environment, hence libtorch, is inherited) over {@link TcpRingCollective}
     * on loopback, each on the chosen device, training {@code --iters} iterations of the small
     * configuration with data parallelism; every iteration ends with
     * {@link TrainingSession#verifyReplicasIdentical}, and the parent compares the ranks' final
     * student and teacher checksums.
     */
    static boolean run(DeviceChecks.Options o, String[] args, Map<String, Object> json, Consumer<String> log)
            throws IOException {
        Path data = o.data != null ? o.data : Files.createTempDirectory("cluda-device-checks");
        DeviceChecks.Options withData = DeviceChecks.Options.parse(args);
        withData.data = data;
        CludaConfig config = DeviceChecks.config(withData, List.of("train.iters=" + Math.max(4, o.iters)));
        // generated once here, so the ranks do not race to write it
        TrainingData.prepare(config, new LocalFileStore(), null, log);
        String javaCommand = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>(List.of(javaCommand, "-Xss4m", "-Dai.djl.offline=true",
                "-cp", System.getProperty("java.class.path"), DeviceChecks.class.getName(), RANK_CHILD));
        List<String> rest = new ArrayList<>(List.of(args).subList(1, args.length));
        rest.addAll(List.of("--data", data.toString()));
        long start = System.nanoTime();
        List<Process> children = new ArrayList<>();
        try {
            List<BufferedReader> outputs = new ArrayList<>();
            for (int r = 0; r < RING_RANKS; r++) {
                List<String> c = new ArrayList<>(command);
                c.addAll(rest);
                c.addAll(List.of("--rank", Integer.toString(r)));
                Process p = new ProcessBuilder(c).redirectError(ProcessBuilder.Redirect.INHERIT).start();
                children.add(p);
                outputs.add(new BufferedReader(new InputStreamReader(p.getInputStream(),
                        StandardCharsets.UTF_8)));
            }
            List<String> addresses = new ArrayList<>();
            for (int r = 0; r < RING_RANKS; r++) {
                addresses.add(expect(outputs.get(r), "address", r));
            }
            for (Process p : children) {
                Writer in = new OutputStreamWriter(p.getOutputStream(),
                        StandardCharsets.UTF_8);
                in.write(String.join(",", addresses) + "\n");
                in.flush();
            }
            List<Object> ranks = new ArrayList<>();
            String first = null;
            boolean same = true;
            for (int r = 0; r < RING_RANKS; r++) {
                String[] f = expect(outputs.get(r), "result", r).split(" ");
                Map<String, Object> rank = new LinkedHashMap<>();
                rank.put("rank", r);
                rank.put("device", f[0]);
                rank.put("studentChecksum", f[1]);
                rank.put("teacherChecksum", f[2]);
                rank.put("lastTotalLoss", Double.parseDouble(f[3]));
                rank.put("trainSeconds", Double.parseDouble(f[4]));
                ranks.add(rank);
                String sums = f[1] + " " + f[2];
                same &= first == null || first.equals(sums);
                first = first == null ? sums : first;
                same &= Double.isFinite(Double.parseDouble(f[3]));
            }
            boolean exited = true;
            for (Process p : children) {
                exited &= p.waitFor(RING_TIMEOUT_SECONDS, TimeUnit.SECONDS) && p.exitValue() == 0;
            }
            json.put("ranks", ranks);
            json.put("iters", o.iters);
            json.put("replicasIdentical", same);
            json.put("ranksExitedCleanly", exited);
            json.put("seconds", (System.nanoTime() - start) / 1e9);
            return same && exited;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            children.forEach(Process::destroyForcibly);
        }
    }

    private static String expect(BufferedReader output, String key, int rank) throws IOException {
        String line = output.readLine();
        if (line == null || !line.startsWith(key + " ")) {
            throw new IllegalStateException("rank " + rank + " sent " + (line == null ? "nothing" : "'" + line + "'")
                    + " where '" + key + " ...' was expected (its errors are in the log above)");
        }
        return line.substring(key.length() + 1);
    }

    /** One rank JVM of {@link #ring}: prints its address, reads all, trains, prints its result. */
    static void rank(DeviceChecks.Options o, PrintStream out, Consumer<String> log) throws IOException {
        CludaConfig config = DeviceChecks.config(o, List.of("train.iters=" + Math.max(4, o.iters)));
        Device device = DeviceChecks.chooseDevice(o.device);
        ServerSocketChannel server = TcpRingCollective.openServer("127.0.0.1");
        out.println("address " + TcpRingCollective.advertisedAddress(server, "127.0.0.1"));
        out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in,
                StandardCharsets.UTF_8));
        List<String> addresses = List.of(in.readLine().split(","));
        Consumer<String> tagged = m -> log.accept("rank " + o.rank + ": " + m);
        try (TcpRingCollective ring = TcpRingCollective.connect(o.rank, server,
                addresses, TcpRingCollective.DEFAULT_TIMEOUT)) {
            DataParallel parallel = new DataParallel(ring);
            TrainingData data = TrainingData.prepare(config, new LocalFileStore(), null, o.rank, RING_RANKS, tagged);
            long start = System.nanoTime();
            double total = Double.NaN;
            try (NDManager root = NDManager.newBaseManager(device);
                 TrainingSession session = TrainingSession.open(config, data, root, parallel, tagged)) {
                for (int t = 0; t < o.iters; t++) {
                    StepResult r = session.iterate(t);
                    total = r.losses().getOrDefault("total", Double.NaN);
                    session.verifyReplicasIdentical(t);
                    tagged.accept(device + " t=" + t + " losses " + r.losses());
                }
                long student = DataParallel.checksum(session.student());
                long teacher = session.teacher() == null ? 0 : DataParallel.checksum(session.teacher());
                out.println("result " + device.toString().replace(' ', '_') + " " + Long.toHexString(student) + " "
                        + Long.toHexString(teacher) + " " + total + " " + (System.nanoTime() - start) / 1e9);
                out.flush();
            }
        }
    }
}
