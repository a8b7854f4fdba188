package dev.cluda.comm;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;

/**
 * The all-reduce benchmark with each rank in its own JVM on loopback, as Spark executors are: no
 * shared heap, garbage collector or JIT between ranks. The parent starts {@code ranks} JVMs with its
 * own {@code java} and class path; each prints its ring address, reads everyone's from its input,
 * joins the ring, and after a warm-up times {@code repeats} all-reduces, each started by a barrier.
 * It reports its durations and a CRC32 of its final buffer; the ranks' checksums must be equal.
 *
 * <p>Protocol on each child's standard streams, one line each: out {@code address HOST:PORT};
 * in the addresses of all ranks, comma-separated; out {@code seconds S1,S2,...}; out
 * {@code crc32 C}.
 */
final class RankProcesses {

    private static final long TIMEOUT_SECONDS = 600;

    private RankProcesses() {
    }

    /** Median over repeats of the slowest rank's time. */
    static double timeAllReduce(int ranks, int floats, int repeats) throws IOException {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        long heapMb = 256 + 3L * Float.BYTES * floats / (1 << 20);
        List<Process> children = new ArrayList<>();
        try {
            List<BufferedReader> outputs = new ArrayList<>();
            for (int r = 0; r < ranks; r++) {
                Process p = new ProcessBuilder(java, "-Xmx" + heapMb + "m", "-cp",
                        System.getProperty("java.class.path"), RankProcesses.class.getName(),
                        Integer.toString(r), Integer.toString(floats), Integer.toString(repeats))
                        .redirectError(ProcessBuilder.Redirect.INHERIT)
                        .start();
                children.add(p);
                outputs.add(new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)));
            }
            List<String> addresses = new ArrayList<>();
            for (int r = 0; r < ranks; r++) {
                addresses.add(expect(outputs.get(r), "address", r));
            }
            for (Process p : children) {
                Writer in = new java.io.OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8);
                in.write(String.join(",", addresses) + "\n");
                in.flush();
            }
            double[][] seconds = new double[ranks][];
            String[] checksums = new String[ranks];
            for (int r = 0; r < ranks; r++) {
                seconds[r] = Arrays.stream(expect(outputs.get(r), "seconds", r).split(","))
                        .mapToDouble(Double::parseDouble).toArray();
                checksums[r] = expect(outputs.get(r), "crc32", r);
            }
            for (int r = 0; r < ranks; r++) {
                if (!checksums[r].equals(checksums[0])) {
                    throw new CollectiveException("rank " + r + " ended with a different buffer than rank 0 (crc32 "
                            + checksums[r] + " vs " + checksums[0] + "): the ring's results are not bit-identical",
                            r, null);
                }
                if (!children.get(r).waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS) || children.get(r).exitValue() != 0) {
                    throw new CollectiveException("rank process " + r + " did not exit cleanly", r, null);
                }
            }
            double[] slowest = new double[repeats];
            for (int k = 0; k < repeats; k++) {
                for (int r = 0; r < ranks; r++) {
                    slowest[k] = Math.max(slowest[k], seconds[r][k]);
                }
            }
            return AllReduceBenchmark.median(slowest);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CollectiveException("benchmark interrupted", -1, e);
        } finally {
            children.forEach(Process::destroyForcibly);
        }
    }

    private static String expect(BufferedReader output, String key, int rank) throws IOException {
        String line = output.readLine();
        if (line == null || !line.startsWith(key + " ")) {
            throw new CollectiveException("rank process " + rank + " sent " + (line == null ? "nothing" : "'" + line
                    + "'") + " where '" + key + " ...' was expected (its errors are above)", rank, null);
        }
        return line.substring(key.length() + 1);
    }

    /** One rank: {@code RankProcesses RANK FLOATS REPEATS}. */
    public static void main(String[] args) throws Exception {
        int rank = Integer.parseInt(args[0]);
        int floats = Integer.parseInt(args[1]);
        int repeats = Integer.parseInt(args[2]);
        PrintStream out = System.out;
        ServerSocketChannel server = TcpRingCollective.openServer("127.0.0.1");
        out.println("address " + TcpRingCollective.advertisedAddress(server, "127.0.0.1"));
        out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        List<String> addresses = List.of(in.readLine().split(","));
        float[] buffer = new float[floats];
        SplittableRandom random = new SplittableRandom(rank);
        for (int i = 0; i < floats; i++) {
            buffer[i] = (float) random.nextDouble(-1, 1);
        }
        double[] seconds = new double[repeats];
        try (TcpRingCollective ring = TcpRingCollective.connect(rank, server, addresses,
                TcpRingCollective.DEFAULT_TIMEOUT)) {
            ring.allReduceMean(buffer); // warm-up: JIT, socket buffers
            for (int k = 0; k < repeats; k++) {
                ring.barrier();
                long t0 = System.nanoTime();
                ring.allReduceMean(buffer);
                seconds[k] = (System.nanoTime() - t0) / 1e9;
            }
            ring.barrier();
        }
        StringBuilder line = new StringBuilder("seconds ");
        for (int k = 0; k < repeats; k++) {
            line.append(k == 0 ? "" : ",").append(seconds[k]);
        }
        out.println(line);
        CRC32 crc = new CRC32();
        java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(Float.BYTES * floats);
        bytes.asFloatBuffer().put(buffer);
        crc.update(bytes.array());
        out.println("crc32 " + Long.toHexString(crc.getValue()));
        out.flush();
    }
}
