package dev.cluda.comm;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import java.util.zip.CRC32;

/**
 * One rank's buffer in the all-reduce benchmark: the same fp32 values, uniform in [-1, 1) from the
 * rank's seed, in a Java array or in a direct byte buffer that the ring sends from and receives into.
 */
final class RankBuffer {

    private final float[] array;
    private final ByteBuffer direct;

    private RankBuffer(float[] array, ByteBuffer direct) {
        this.array = array;
        this.direct = direct;
    }

    static RankBuffer of(AllReduceBenchmark.Storage storage, int floats, int rank) {
        SplittableRandom random = new SplittableRandom(rank);
        float[] values = new float[floats];
        for (int i = 0; i < floats; i++) {
            values[i] = (float) random.nextDouble(-1, 1);
        }
        if (storage == AllReduceBenchmark.Storage.ARRAY) {
            return new RankBuffer(values, null);
        }
        ByteBuffer direct = ByteBuffer.allocateDirect(Float.BYTES * floats).order(ByteOrder.LITTLE_ENDIAN);
        direct.asFloatBuffer().put(values);
        return new RankBuffer(null, direct);
    }

    void allReduceMean(Collective ring) {
        if (array != null) {
            ring.allReduceMean(array);
        } else {
            ring.allReduceMean(direct);
        }
    }

    /** CRC32 of the values as little-endian bytes, the same for equal values in either storage. */
    long crc32() {
        ByteBuffer bytes;
        if (array != null) {
            bytes = ByteBuffer.allocate(Float.BYTES * array.length).order(ByteOrder.LITTLE_ENDIAN);
            bytes.asFloatBuffer().put(array);
        } else {
            bytes = direct.duplicate().clear();
        }
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return crc.getValue();
    }
}
