package dev.cluda.uda;

/** A loss term became NaN or infinite: training stops and names the term and the iteration. */
public final class NonFiniteLossException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final String term;
    private final long iteration;

    public NonFiniteLossException(String term, long iteration, double value) {
        super("loss term '" + term + "' is " + value + " at iteration " + iteration
                + "; stopping (lower train.lr, check the data, or resume from the last checkpoint)");
        this.term = term;
        this.iteration = iteration;
    }

    public String term() {
        return term;
    }

    public long iteration() {
        return iteration;
    }
}
