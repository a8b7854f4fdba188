package dev.cluda.synth;

import dev.cluda.data.CityscapesClass;

/**
 * Base colours per train id of the two styles. The source ("game") colours are clean and
 * saturated; each target ("camera") colour is the same class's colour moved by 45 % of the distance
 * to the nearest other source colour (at most 55 levels) in a plausible direction (hazier sky,
 * lighter asphalt, brick-red buildings, darker foliage, duller vehicles...), so it stays clearly
 * nearer its own source colour than any other class's: shifted, never swapped.
 * Classes the generator never draws (wall, fence, train, motorcycle) get neutral entries.
 */
final class Palettes {

    private static final int[][] SOURCE = new int[CityscapesClass.COUNT][];
    private static final int[][] TARGET = new int[CityscapesClass.COUNT][];

    static {
        put(CityscapesClass.ROAD, 90, 88, 92, 110, 108, 104);
        put(CityscapesClass.SIDEWALK, 178, 170, 158, 155, 152, 165);
        put(CityscapesClass.BUILDING, 150, 118, 96, 161, 96, 78);
        put(CityscapesClass.WALL, 160, 150, 130, 160, 150, 130);
        put(CityscapesClass.FENCE, 130, 110, 80, 130, 110, 80);
        put(CityscapesClass.POLE, 45, 45, 45, 51, 55, 77);
        put(CityscapesClass.TRAFFIC_LIGHT, 245, 170, 30, 223, 157, 43);
        put(CityscapesClass.TRAFFIC_SIGN, 235, 225, 60, 221, 218, 84);
        put(CityscapesClass.VEGETATION, 70, 140, 50, 56, 112, 50);
        put(CityscapesClass.TERRAIN, 165, 185, 95, 144, 176, 77);
        put(CityscapesClass.SKY, 130, 185, 240, 162, 194, 236);
        put(CityscapesClass.PERSON, 215, 55, 65, 177, 63, 84);
        put(CityscapesClass.RIDER, 190, 60, 200, 141, 75, 185);
        put(CityscapesClass.CAR, 35, 65, 190, 55, 81, 151);
        put(CityscapesClass.TRUCK, 225, 225, 230, 234, 238, 187);
        put(CityscapesClass.BUS, 30, 160, 150, 48, 124, 126);
        put(CityscapesClass.TRAIN, 60, 100, 120, 60, 100, 120);
        put(CityscapesClass.MOTORCYCLE, 20, 20, 160, 20, 20, 160);
        put(CityscapesClass.BICYCLE, 120, 30, 50, 136, 56, 66);
    }

    private Palettes() {
    }

    /** The source colour {r, g, b} of a train id. */
    static int[] source(int trainId) {
        return SOURCE[trainId].clone();
    }

    /** The target colour {r, g, b} of a train id. */
    static int[] target(int trainId) {
        return TARGET[trainId].clone();
    }

    private static void put(CityscapesClass c, int r, int g, int b, int tr, int tg, int tb) {
        SOURCE[c.trainId()] = new int[] {r, g, b};
        TARGET[c.trainId()] = new int[] {tr, tg, tb};
    }
}
