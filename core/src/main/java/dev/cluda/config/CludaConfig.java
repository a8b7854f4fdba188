package dev.cluda.config;

import dev.cluda.synth.SynthSpec;
import dev.cluda.uda.RcsCropRule;
import java.util.Objects;

/**
 * The whole experiment configuration as typed records, validated once when it is built, before
 * any data is read or any Spark work starts. Commands and the training loop take these records;
 * nothing reads configuration strings further in.
 */
public record CludaConfig(Settings settings, DataConfig data, SynthSpec synth, ModelConfig model, TrainConfig train,
                          UdaConfig uda, ContrastiveConfig contrastive, EvalConfig eval,
                          DistributedConfig distributed, DebugConfig debug, HrdaConfig hrda, MicConfig mic) {

    public CludaConfig {
        Objects.requireNonNull(settings, "settings");
    }

    /** Builds and validates every section, then the rules that span sections. */
    public static CludaConfig from(Settings s) {
        HrdaConfig hrda = HrdaConfig.from(s);
        ContrastiveConfig contrastive = ContrastiveConfig.from(s);
        ModelConfig model = ModelConfig.from(s);
        if (hrda.enabled()) {
            // HRDA's scale-attention head; CLUDA's learned contrastive weight head only where a contrastive term uses it
            model = new ModelConfig(model.spec().withMultiResolutionHeads(true, hrda.attentionEmbedWidth(),
                    hrda.contrast().featureWeightHead() && (contrastive.source() || contrastive.mixed())),
                    model.pretrained(), model.init());
        }
        CludaConfig c = new CludaConfig(s, DataConfig.from(s), SynthConfig.from(s), model,
                TrainConfig.from(s), UdaConfig.from(s), contrastive, EvalConfig.from(s),
                DistributedConfig.from(s), DebugConfig.from(s), hrda, MicConfig.from(s));
        if (hrda.enabled() && contrastive.releasedFlattening() && (contrastive.source() || contrastive.mixed())) {
            // only the single-resolution loss has the released order (§5.4); HRDA runs use the multi-resolution form
            throw s.error("contrastive.flattening", "= released is implemented for the single-resolution loss only;"
                    + " with hrda.enabled = true set contrastive.flattening = consistent");
        }
        if (c.mic().enabled() && c.mic().contrastive() && !c.contrastive().mixed()) {
            throw s.error("mic.contrastive", "= true applies the mixed contrastive loss to the masked pass; it needs"
                    + " contrastive.mixed = true");
        }
        if (c.mic().enabled() && !c.uda().enabled()) {
            throw s.error("mic.enabled", "= true needs uda.enabled = true (the masked pass learns the teacher's"
                    + " pseudo-labels); set mic.enabled = false for supervised runs");
        }
        if (c.debug().failAtIteration() >= 0 && c.debug().failRank() >= c.distributed().ranks()) {
            throw s.error("debug.failRank", "must name one of the " + c.distributed().ranks() + " ranks, got "
                    + c.debug().failRank());
        }
        return c;
    }

    /** The number of data-parallel ranks ({@code distributed.ranks}). */
    public int ranks() {
        return distributed.ranks();
    }

    /** The rare-class-sampling re-crop rule: HRDA's ratio when {@code hrda.enabled} (§3). */
    public RcsCropRule rcsCropRule() {
        return hrda.rcsCropRule(uda);
    }

    /** The resolved configuration as HOCON, for {@code config.conf} of a run directory. */
    public String render() {
        return ConfigLoader.render(settings.config());
    }
}
