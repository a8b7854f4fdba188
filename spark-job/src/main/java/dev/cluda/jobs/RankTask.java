package dev.cluda.jobs;

import ai.djl.Device;
import dev.cluda.comm.TcpRingCollective;
import dev.cluda.config.CludaConfig;
import dev.cluda.config.ConfigLoader;
import dev.cluda.io.FileStore;
import dev.cluda.parallel.DataParallel;
import dev.cluda.config.DistributedConfig;
import dev.cluda.train.Rank;
import dev.cluda.train.Trainer;
import dev.cluda.train.TrainingData;
import java.io.IOException;
import java.io.Serial;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.channels.ServerSocketChannel;
import java.util.List;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.SparkEnv;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.collection.Iterator;
import scala.collection.JavaConverters;
import scala.runtime.AbstractFunction1;

/**
 * One rank of {@link DistributedTrainJob}, run as a Spark barrier task: the partition id is the
 * rank. Rank 0 prepares the data first (it may generate the synthetic benchmark and writes the
 * rare-class statistics), the others after a barrier; then every rank opens a server socket,
 * exchanges {@code host:port} with {@code BarrierTaskContext.allGather}, joins the TCP ring and
 * runs {@link Trainer#run(TrainingData, Rank, boolean)} on the task's GPU or the CPU. A retried stage (attempt > 0)
 * resumes from the latest complete checkpoint.
 */
final class RankTask extends AbstractFunction1<Iterator<Integer>, Iterator<RankSummary>> implements Serializable {

    @Serial
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(RankTask.class);

    private final String configText;
    private final String runDir;
    private final boolean resume;
    private final SerializableHadoopConf hadoop;

    RankTask(String configText, String runDir, boolean resume, SerializableHadoopConf hadoop) {
        this.configText = configText;
        this.runDir = runDir;
        this.resume = resume;
        this.hadoop = hadoop;
    }

    @Override
    public Iterator<RankSummary> apply(Iterator<Integer> ignored) {
        try {
            return JavaConverters.asScalaIterator(List.of(run()).iterator());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private RankSummary run() throws IOException {
        BarrierTaskContext ctx = BarrierTaskContext.get();
        int rank = ctx.partitionId();
        int attempt = ctx.stageAttemptNumber();
        CludaConfig config = CludaConfig.from(ConfigLoader.parse(configText, "the driver's configuration"));
        DistributedConfig options = config.distributed();
        FileStore store = hadoop.store();
        int[] checks = new int[1];
        Trainer.Listener listener = new Trainer.Listener() {
            @Override
            public void message(String line) {
                LOG.info("rank {} (attempt {}): {}", rank, attempt, line);
            }

            @Override
            public void replicasVerified(long iteration) {
                checks[0]++;
            }
        };
        TrainingData data = null;
        if (rank == 0) {
            data = TrainingData.prepare(config, store, store.resolve(runDir, "rcs"), rank, config.ranks(),
                    listener::message);
        }
        ctx.barrier();
        if (rank != 0) {
            data = TrainingData.prepare(config, store, null, rank, config.ranks(), listener::message);
        }
        Device device = DeviceAssignment.forTask(ctx.resourcesJMap());
        String host = localHost();
        ServerSocketChannel server = TcpRingCollective.openServer(host);
        String address;
        try {
            address = TcpRingCollective.advertisedAddress(server, host);
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        List<String> addresses = List.of(ctx.allGather(address));
        listener.message("ring " + addresses + ", device " + device);
        long began = System.nanoTime();
        try (TcpRingCollective ring = TcpRingCollective.connect(rank, server, addresses, options.timeout(),
                options.compression())) {
            Trainer.Outcome outcome = new Trainer(config, store, runDir, listener)
                    .run(data, new Rank(new DataParallel(ring), attempt, device), resume || attempt > 0);
            return new RankSummary(rank, attempt, outcome.resumedFrom(), outcome.iterations(),
                    outcome.lastEval() == null ? Double.NaN : outcome.lastEval().mIoU(),
                    SparkEnv.get().executorId(), address, device.toString(),
                    checks[0], (System.nanoTime() - began) / 1e9);
        }
    }

    /**
     * The host the other ranks reach this one at: {@code SPARK_LOCAL_IP} when set (127.0.0.1 on a
     * single machine), else the executor's block manager host.
     */
    static String localHost() {
        String ip = System.getenv("SPARK_LOCAL_IP");
        if (ip != null && !ip.isBlank()) {
            return ip.trim();
        }
        return SparkEnv.get().blockManager().blockManagerId().host();
    }
}
