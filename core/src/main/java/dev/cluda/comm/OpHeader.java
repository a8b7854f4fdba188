package dev.cluda.comm;

import java.nio.ByteBuffer;

/**
 * Sent by every rank to its right neighbour at the start of each operation, so that ranks making
 * different calls fail at once with a message instead of exchanging garbage.
 *
 * @param call sequence number of the operation on this collective, from 1
 * @param kind which operation
 * @param length number of elements
 * @param root broadcast root, else -1
 */
record OpHeader(long call, Kind kind, int length, int root) {

    static final int BYTES = Long.BYTES + 3 * Integer.BYTES;

    enum Kind {
        ALL_REDUCE_SUM("all-reduce sum", "floats"),
        ALL_REDUCE_MEAN("all-reduce mean", "floats"),
        ALL_REDUCE_SUM_LONG("all-reduce sum", "longs"),
        BROADCAST_FLOATS("broadcast", "floats"),
        BROADCAST_BYTES("broadcast", "bytes"),
        ALL_GATHER_LONG("all-gather", "longs"),
        BARRIER("barrier", "");

        private final String label;
        private final String unit;

        Kind(String label, String unit) {
            this.label = label;
            this.unit = unit;
        }
    }

    void writeTo(ByteBuffer out) {
        out.putLong(call).putInt(kind.ordinal()).putInt(length).putInt(root);
    }

    /** Reads a header; a kind number this version does not know reads as {@code null}. */
    static OpHeader readFrom(ByteBuffer in) {
        long call = in.getLong();
        int kind = in.getInt();
        Kind[] kinds = Kind.values();
        return new OpHeader(call, kind >= 0 && kind < kinds.length ? kinds[kind] : null,
                in.getInt(), in.getInt());
    }

    /** E.g. {@code all-reduce sum of 1000003 floats (call #5)}. */
    String describe() {
        if (kind == null) {
            return "an unknown operation (call #" + call + ")";
        }
        StringBuilder s = new StringBuilder(kind.label);
        if (kind != Kind.BARRIER) {
            s.append(" of ").append(length).append(' ').append(kind.unit);
        }
        if (root >= 0) {
            s.append(" from rank ").append(root);
        }
        return s.append(" (call #").append(call).append(')').toString();
    }
}
