package dev.cluda.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.Pair;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import dev.cluda.testing.NDManagerExtension;

@ExtendWith(NDManagerExtension.class)
class DaformerHeadTest {

    private NDManager manager;

    @BeforeEach
    void open(NDManager manager) {
        this.manager = manager;
    }

    private DaformerHead head(MitVariant variant, int embed, int fused, int classes) {
        return DaformerHead.builder().setInChannels(variant.dims()).setNumClasses(classes)
                .optEmbedWidth(embed).optFusedWidth(fused).optSeed(1).build();
    }

    private static Shape[] featureShapes(MitVariant v, int batch, int h, int w) {
        Shape[] s = new Shape[4];
        for (int i = 0; i < 4; i++) {
            int stride = 4 << i;
            s[i] = new Shape(batch, v.dim(i), h / stride, w / stride);
        }
        return s;
    }

    @Test
    void countTrainable_256x256x19_onB1AndB0Widths() {
        DaformerHead b1 = head(MitVariant.MIT_B1, 256, 256, 19);
        b1.setInitializer(Initializer.ZEROS, p -> true);
        b1.initialize(manager, DataType.FLOAT32, featureShapes(MitVariant.MIT_B1, 1, 32, 32));
        assertEquals(3_712_275L, ModelParameters.countTrainable(b1));
        DaformerHead b0 = head(MitVariant.MIT_B0, 256, 256, 19);
        b0.setInitializer(Initializer.ZEROS, p -> true);
        b0.initialize(manager, DataType.FLOAT32, featureShapes(MitVariant.MIT_B0, 1, 32, 32));
        assertEquals(3_581_203L, ModelParameters.countTrainable(b0));
    }

    @Test
    void decode_returnsLogitsAndFusedAtStride4() {
        DaformerHead head = head(MitVariant.MIT_B0, 16, 8, 5);
        Shape[] shapes = featureShapes(MitVariant.MIT_B0, 2, 64, 96);
        head.initialize(manager, DataType.FLOAT32, shapes);
        NDList features = new NDList();
        for (Shape s : shapes) {
            features.add(manager.randomNormal(s));
        }
        NDList out = head.decode(new ParameterStore(manager, false), features, false);
        assertEquals(new Shape(2, 5, 16, 24), out.get(0).getShape());
        assertEquals(new Shape(2, 8, 16, 24), out.get(1).getShape());
        // the fused feature is a ReLU output
        assertTrue(out.get(1).min().getFloat() >= 0f);
        Shape[] predicted = head.getOutputShapes(shapes);
        assertEquals(out.get(0).getShape(), predicted[0]);
        assertEquals(out.get(1).getShape(), predicted[1]);
    }

    @Test
    void parameterNames_batchNormsAreBnAndNothingIsNorm() {
        DaformerHead head = head(MitVariant.MIT_B0, 16, 8, 5);
        head.initialize(manager, DataType.FLOAT32, featureShapes(MitVariant.MIT_B0, 1, 32, 32));
        int bn = 0;
        for (Pair<String, Parameter> p : head.getParameters()) {
            assertFalse(p.getKey().contains("norm"), p.getKey());
            if (p.getValue().getType() == Parameter.Type.GAMMA) {
                assertTrue(p.getKey().matches(".*_\\d\\dbn_gamma"), p.getKey());
                bn++;
            }
        }
        assertEquals(1 + 3 * 2 + 1, bn); // branch1, three separable branches (dw + pw), bottleneck
        // depthwise kernel of a dilated branch: (4·C_e, 1, 3, 3), no bias
        assertEquals(new Shape(64, 1, 3, 3),
                head.getParameters().get("05fusion_02branch6_01depthwise_01conv_weight").getArray().getShape());
        assertFalse(head.getParameters().contains("05fusion_02branch6_01depthwise_01conv_bias"));
    }

    @Test
    void initialize_wrongChannelCount_saysWhich() {
        DaformerHead head = head(MitVariant.MIT_B1, 16, 8, 5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> head.initialize(
                manager, DataType.FLOAT32, featureShapes(MitVariant.MIT_B0, 1, 32, 32)));
        assertTrue(e.getMessage().contains("feature 0 has 32 channels"), e.getMessage());
    }

    @Test
    void builder_missingInputs_throws() {
        assertThrows(IllegalArgumentException.class, () -> DaformerHead.builder().setNumClasses(19).build());
        assertThrows(IllegalArgumentException.class,
                () -> DaformerHead.builder().setInChannels(1, 2, 3, 4).build());
    }
}
