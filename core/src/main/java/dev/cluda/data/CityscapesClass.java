package dev.cluda.data;

import java.util.List;

/**
 * The 19 Cityscapes evaluation classes (train ids 0..18) with their Cityscapes/GTA5 label id,
 * SYNTHIA id and the standard Cityscapes palette (reference §8.2; cityscapesscripts
 * {@code labels.py}).
 *
 * <p>{@link #isThing()} is the thing set of the ImageNet feature distance and of the
 * stuff/thing separation of the contrastive loss: {6, 7, 11..18} (reference §4, §5.5;
 * pole is stuff there).
 */
public enum CityscapesClass {
    ROAD(0, "road", 7, 3, 128, 64, 128, false),
    SIDEWALK(1, "sidewalk", 8, 4, 244, 35, 232, false),
    BUILDING(2, "building", 11, 2, 70, 70, 70, false),
    WALL(3, "wall", 12, 21, 102, 102, 156, false),
    FENCE(4, "fence", 13, 5, 190, 153, 153, false),
    POLE(5, "pole", 17, 7, 153, 153, 153, false),
    TRAFFIC_LIGHT(6, "traffic light", 19, 15, 250, 170, 30, true),
    TRAFFIC_SIGN(7, "traffic sign", 20, 9, 220, 220, 0, true),
    VEGETATION(8, "vegetation", 21, 6, 107, 142, 35, false),
    TERRAIN(9, "terrain", 22, 16, 152, 251, 152, false),
    SKY(10, "sky", 23, 1, 70, 130, 180, false),
    PERSON(11, "person", 24, 10, 220, 20, 60, true),
    RIDER(12, "rider", 25, 17, 255, 0, 0, true),
    CAR(13, "car", 26, 8, 0, 0, 142, true),
    TRUCK(14, "truck", 27, 18, 0, 0, 70, true),
    BUS(15, "bus", 28, 19, 0, 60, 100, true),
    TRAIN(16, "train", 31, 20, 0, 80, 100, true),
    MOTORCYCLE(17, "motorcycle", 32, 12, 0, 0, 230, true),
    BICYCLE(18, "bicycle", 33, 11, 119, 11, 32, true);

    /** Number of train ids. */
    public static final int COUNT = 19;

    private static final List<CityscapesClass> BY_TRAIN_ID = List.of(values());

    private final int trainId;
    private final String displayName;
    private final int labelId;
    private final int synthiaId;
    private final int red;
    private final int green;
    private final int blue;
    private final boolean thing;

    CityscapesClass(int trainId, String displayName, int labelId, int synthiaId,
                    int red, int green, int blue, boolean thing) {
        this.trainId = trainId;
        this.displayName = displayName;
        this.labelId = labelId;
        this.synthiaId = synthiaId;
        this.red = red;
        this.green = green;
        this.blue = blue;
        this.thing = thing;
    }

    public int trainId() {
        return trainId;
    }

    /** The name used in tables and {@code eval.json} ("traffic light"). */
    public String displayName() {
        return displayName;
    }

    /** Cityscapes {@code labelIds} value; GTA5 label PNGs use the same ids. */
    public int labelId() {
        return labelId;
    }

    /** SYNTHIA-RAND-CITYSCAPES class id (first channel of {@code GT/LABELS}). */
    public int synthiaId() {
        return synthiaId;
    }

    /** Standard Cityscapes palette colour as 0xRRGGBB. */
    public int rgb() {
        return (red << 16) | (green << 8) | blue;
    }

    public boolean isThing() {
        return thing;
    }

    /** The class of a train id 0..18. */
    public static CityscapesClass ofTrainId(int trainId) {
        if (trainId < 0 || trainId >= COUNT) {
            throw new IllegalArgumentException("train id must be in 0..18, got " + trainId);
        }
        return BY_TRAIN_ID.get(trainId);
    }

    /** Thing flag per train id, indexable by train id. */
    public static boolean[] thingMask() {
        boolean[] mask = new boolean[COUNT];
        for (CityscapesClass c : values()) {
            mask[c.trainId] = c.thing;
        }
        return mask;
    }
}
