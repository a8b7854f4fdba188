package dev.cluda.data;

/**
 * The label tables of reference §8.2 written out literally (not derived from
 * {@link CityscapesClass}), as {raw id, train id} rows; every other raw id maps to 255.
 */
final class ExpectedTables {

    /** Cityscapes labelId (= GTA5 id) → trainId. */
    static final int[][] CITYSCAPES_ROWS = {
        {7, 0}, {8, 1}, {11, 2}, {12, 3}, {13, 4}, {17, 5}, {19, 6}, {20, 7}, {21, 8}, {22, 9},
        {23, 10}, {24, 11}, {25, 12}, {26, 13}, {27, 14}, {28, 15}, {31, 16}, {32, 17}, {33, 18},
    };

    /** SYNTHIA id → trainId. */
    static final int[][] SYNTHIA_ROWS = {
        {3, 0}, {4, 1}, {2, 2}, {21, 3}, {5, 4}, {7, 5}, {15, 6}, {9, 7}, {6, 8}, {16, 9},
        {1, 10}, {10, 11}, {17, 12}, {8, 13}, {18, 14}, {19, 15}, {20, 16}, {12, 17}, {11, 18},
    };

    private ExpectedTables() {
    }

    /** The full 256-entry table of a row list. */
    static int[] full(int[][] rows) {
        int[] table = new int[256];
        java.util.Arrays.fill(table, 255);
        for (int[] row : rows) {
            table[row[0]] = row[1];
        }
        return table;
    }
}
