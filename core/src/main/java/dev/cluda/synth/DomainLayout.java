package dev.cluda.synth;

/**
 * The layout statistics of one domain: expected object counts, object scales and the share of the
 * skyline and ground given to each stuff class. Source and target differ here, independent of the
 * rendering style, so that the class frequencies shift between domains (as GTA5 and Cityscapes do).
 *
 * @param vegetationShare probability that a skyline block is a tree group instead of a building
 * @param facadeShare     probability that a side of the street is lined by building façades
 * @param roadsideTrees   expected trees standing on the terrain beside the sidewalks
 * @param cars            expected cars per image
 * @param carScale        car size factor
 * @param trucks          expected trucks per image
 * @param buses           expected buses per image
 * @param persons         expected pedestrians per image
 * @param personScale     person size factor
 * @param riders          expected riders on bicycles per image
 * @param parkedBicycles  expected riderless bicycles on the sidewalks
 * @param poles           expected poles per image
 * @param roadHalfWidth   half the road width at the bottom row, as a fraction of the image width
 * @param sidewalkWidth   each sidewalk's width at the bottom row, as a fraction of the image width
 * @param horizonMin      highest horizon row, as a fraction of the image height
 * @param horizonMax      lowest horizon row, as a fraction of the image height
 */
record DomainLayout(double vegetationShare, double facadeShare, double roadsideTrees, double cars, double carScale,
                    double trucks, double buses, double persons, double personScale, double riders,
                    double parkedBicycles, double poles, double roadHalfWidth, double sidewalkWidth,
                    double horizonMin, double horizonMax) {

    /** The source ("game") statistics: more trucks and buses, bigger cars, fewer pedestrians. */
    static final DomainLayout SOURCE = new DomainLayout(0.30, 0.55, 1.0, 3.0, 1.0, 0.8, 0.45, 1.5, 1.0, 0.45,
            0.25, 2.5, 0.42, 0.14, 0.36, 0.46);

    /** The target ("camera") statistics: more persons, riders and vegetation, fewer trucks, smaller cars. */
    static final DomainLayout TARGET = new DomainLayout(0.45, 0.4, 1.8, 3.5, 0.8, 0.2, 0.3, 4.0, 1.1, 0.9,
            0.6, 3.0, 0.36, 0.18, 0.40, 0.50);

    static DomainLayout of(SynthSplit split) {
        return split.isTarget() ? TARGET : SOURCE;
    }
}
