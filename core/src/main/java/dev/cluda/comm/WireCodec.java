package dev.cluda.comm;

import java.nio.ByteBuffer;
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

    static WireCodec of(float[] buffer, Compression compression, float[] scratch) {
        return compression == Compression.NONE
                ? new Fp32(buffer, scratch)
                : new Compressed16(buffer, compression);
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

    /** fp32 values sent as FP16 or BF16, summed in fp32. */
    final class Compressed16 implements WireCodec {
        private final float[] buffer;
        private final Compression compression;

        Compressed16(float[] buffer, Compression compression) {
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
                dst.putShort(at + 2 * i, compression.encode16(buffer[offset + i]));
            }
            dst.position(at + 2 * length);
        }

        @Override
        public void decode(ByteBuffer src, int offset, int length, Action action) {
            int at = src.position();
            float[] b = buffer;
            for (int i = 0; i < length; i++) {
                float received = compression.decode16(src.getShort(at + 2 * i));
                b[offset + i] = switch (action) {
                    case ADD -> b[offset + i] + received;
                    case ADD_FINAL -> compression.roundTrip(b[offset + i] + received);
                    case COPY -> received;
                };
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
