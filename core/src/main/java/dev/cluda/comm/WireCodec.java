package dev.cluda.comm;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Moves a range of elements of one caller buffer to and from wire bytes (little-endian). One
 * instance per operation; used by one thread.
 */
interface WireCodec {

    /** What a received piece does to the local elements. */
    enum Action {
        /** local += received. */
        ADD,
        /** local += received, then local is rounded to wire precision: the final sum. */
        ADD_FINAL,
        /** local = received. */
        COPY
    }

    /** Bytes per element on the wire. */
    int bytesPerElement();

    /** Writes elements {@code [offset, offset + length)} at the position of {@code dst}. */
    void encode(int offset, int length, ByteBuffer dst);

    /** Applies {@code length} elements read from {@code src}'s position to {@code [offset, ...)}. */
    void decode(ByteBuffer src, int offset, int length, Action action);

    /**
     * The wire bytes of elements {@code [offset, offset + length)} to be sent as they are, without
     * encoding into a send buffer; null where the elements need encoding. A view of its own, so the
     * sending thread may consume it.
     */
    default ByteBuffer sendView(int offset, int length) {
        return null;
    }

    /**
     * Where the wire bytes of a {@link Action#COPY} piece can be read to directly, the elements
     * themselves; null where they need decoding.
     */
    default ByteBuffer receiveView(int offset, int length) {
        return null;
    }

    static WireCodec of(float[] buffer, Compression compression, float[] scratch) {
        return compression == Compression.NONE
                ? new Fp32(buffer, scratch)
                : new Compressed16(Floats.of(buffer), compression);
    }

    /** Little-endian fp32 values in {@code floats}, element 0 at byte 0, over its whole capacity. */
    static WireCodec of(ByteBuffer floats, Compression compression) {
        ByteBuffer values = floats.duplicate().order(ByteOrder.LITTLE_ENDIAN).clear();
        return compression == Compression.NONE
                ? new Fp32Bytes(values)
                : new Compressed16(Floats.of(values), compression);
    }

    static WireCodec of(long[] buffer) {
        return new Int64(buffer);
    }

    static WireCodec of(byte[] buffer) {
        return new Bytes(buffer);
    }

    /** fp32 values as they are; bulk copies through a float view. */
    final class Fp32 implements WireCodec {
        private final float[] buffer;
        private final float[] scratch;

        Fp32(float[] buffer, float[] scratch) {
            this.buffer = buffer;
            this.scratch = scratch;
        }

        @Override
        public int bytesPerElement() {
            return Float.BYTES;
        }

        @Override
        public void encode(int offset, int length, ByteBuffer dst) {
            dst.asFloatBuffer().put(buffer, offset, length);
            dst.position(dst.position() + length * Float.BYTES);
        }

        @Override
        public void decode(ByteBuffer src, int offset, int length, Action action) {
            FloatBuffer in = src.asFloatBuffer();
            src.position(src.position() + length * Float.BYTES);
            if (action == Action.COPY) {
                in.get(buffer, offset, length);
                return;
            }
            in.get(scratch, 0, length);
            float[] b = buffer;
            float[] s = scratch;
            for (int i = 0; i < length; i++) {
                b[offset + i] += s[i];
            }
        }
    }

    /**
     * fp32 values that go on the wire as they are, straight from and into a byte buffer of them: a
     * piece is sent from the buffer and a copied piece is read into it, with no copy in between; only
     * received sums are added element by element.
     */
    final class Fp32Bytes implements WireCodec {
        private final ByteBuffer values;
        private float[] local = new float[0];
        private float[] received = new float[0];

        /** @param values little-endian, element i at byte 4i */
        Fp32Bytes(ByteBuffer values) {
            this.values = values;
        }

        @Override
        public int bytesPerElement() {
            return Float.BYTES;
        }

        @Override
        public ByteBuffer sendView(int offset, int length) {
            return range(offset, length);
        }

        @Override
        public ByteBuffer receiveView(int offset, int length) {
            return range(offset, length);
        }

        @Override
        public void encode(int offset, int length, ByteBuffer dst) {
            dst.put(range(offset, length));
        }

        @Override
        public void decode(ByteBuffer src, int offset, int length, Action action) {
            int at = src.position();
            if (action == Action.COPY) {
                range(offset, length).put(src.duplicate().limit(at + length * Float.BYTES));
            } else {
                // through two arrays: the JIT vectorises the addition of arrays, not of buffer elements
                if (local.length < length) {
                    local = new float[length];
                    received = new float[length];
                }
                FloatBuffer mine = range(offset, length).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
                mine.get(local, 0, length);
                src.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(received, 0, length);
                for (int i = 0; i < length; i++) {
                    local[i] += received[i];
                }
                mine.clear();
                mine.put(local, 0, length);
            }
            src.position(at + length * Float.BYTES);
        }

        private ByteBuffer range(int offset, int length) {
            return values.duplicate().limit((offset + length) * Float.BYTES).position(offset * Float.BYTES);
        }
    }

    /** Indexed fp32 elements, in a Java array or a byte buffer, for codecs that go element by element. */
    interface Floats {
        float get(int i);

        void set(int i, float value);

        static Floats of(float[] array) {
            return new Floats() {
                @Override
                public float get(int i) {
                    return array[i];
                }

                @Override
                public void set(int i, float value) {
                    array[i] = value;
                }
            };
        }

        /** @param values little-endian, element i at byte 4i */
        static Floats of(ByteBuffer values) {
            return new Floats() {
                @Override
                public float get(int i) {
                    return values.getFloat(i * Float.BYTES);
                }

                @Override
                public void set(int i, float value) {
                    values.putFloat(i * Float.BYTES, value);
                }
            };
        }
    }

    /** fp32 values sent as FP16 or BF16, summed in fp32. */
    final class Compressed16 implements WireCodec {
        private final Floats buffer;
        private final Compression compression;

        Compressed16(Floats buffer, Compression compression) {
            this.buffer = buffer;
            this.compression = compression;
        }

        @Override
        public int bytesPerElement() {
            return 2;
        }

        @Override
        public void encode(int offset, int length, ByteBuffer dst) {
            int at = dst.position();
            for (int i = 0; i < length; i++) {
                dst.putShort(at + 2 * i, compression.encode16(buffer.get(offset + i)));
            }
            dst.position(at + 2 * length);
        }

        @Override
        public void decode(ByteBuffer src, int offset, int length, Action action) {
            int at = src.position();
            Floats b = buffer;
            for (int i = 0; i < length; i++) {
                float received = compression.decode16(src.getShort(at + 2 * i));
                b.set(offset + i, switch (action) {
                    case ADD -> b.get(offset + i) + received;
                    case ADD_FINAL -> compression.roundTrip(b.get(offset + i) + received);
                    case COPY -> received;
                });
            }
            src.position(at + 2 * length);
        }
    }

    /** 64-bit integers; sums are exact (wrapping on overflow). */
    final class Int64 implements WireCodec {
        private final long[] buffer;

        Int64(long[] buffer) {
            this.buffer = buffer;
        }

        @Override
        public int bytesPerElement() {
            return Long.BYTES;
        }

        @Override
        public void encode(int offset, int length, ByteBuffer dst) {
            dst.asLongBuffer().put(buffer, offset, length);
            dst.position(dst.position() + length * Long.BYTES);
        }

        @Override
        public void decode(ByteBuffer src, int offset, int length, Action action) {
            int at = src.position();
            for (int i = 0; i < length; i++) {
                long received = src.getLong(at + Long.BYTES * i);
                buffer[offset + i] = action == Action.COPY ? received : buffer[offset + i] + received;
            }
            src.position(at + Long.BYTES * length);
        }
    }

    /** Raw bytes; copy only. */
    final class Bytes implements WireCodec {
        private final byte[] buffer;

        Bytes(byte[] buffer) {
            this.buffer = buffer;
        }

        @Override
        public int bytesPerElement() {
            return 1;
        }

        @Override
        public void encode(int offset, int length, ByteBuffer dst) {
            dst.put(buffer, offset, length);
        }

        @Override
        public void decode(ByteBuffer src, int offset, int length, Action action) {
            if (action != Action.COPY) {
                throw new IllegalStateException("bytes are only copied, not " + action);
            }
            src.get(buffer, offset, length);
        }
    }
}
