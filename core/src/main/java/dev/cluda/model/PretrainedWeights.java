package dev.cluda.model;

import dev.cluda.error.UserInputException;
import dev.cluda.ndarray.HostArrays;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.PairList;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Imports SegFormer's ImageNet-1k MiT weights ({@code mit_b0.pth} … {@code mit_b5.pth}, reference §6.1)
 * into a {@link MixTransformer}, by official key through the explicit table in {@code MitKeyMap}.
 *
 * <p>Accepted files: {@code .safetensors} (F32, F16, BF16 — BF16 and F16 are widened to float in Java) and
 * {@code .npz} ({@code <f4}, {@code <f2}, {@code <f8}). The classification {@code head.*} keys are
 * ignored; any other unknown key, a missing key, a shape mismatch or an unsupported dtype is an
 * {@link IllegalArgumentException} naming the key and the file, raised before any weight changes.
 *
 * <p>Converting the official {@code .pth} once (Python with torch and safetensors):
 *
 * <pre>
 * import torch
 * from safetensors.torch import save_file
 * sd = torch.load("mit_b5.pth", map_location="cpu")
 * sd = sd.get("state_dict", sd)
 * save_file({k: v.contiguous() for k, v in sd.items()}, "mit_b5.safetensors")
 * </pre>
 */
public final class PretrainedWeights {

    private PretrainedWeights() {}

    /**
     * Imports the encoder weights of {@code model} from {@code file}.
     *
     * @return the number of tensors imported
     * @see #importEncoder(MixTransformer, Path)
     */
    public static int importEncoder(SegmentationModel model, Path file) throws IOException {
        return importEncoder(model.getEncoder(), file);
    }

    /**
     * Overwrites every parameter of an initialized encoder with the file's values, in place.
     *
     * @param encoder an initialized encoder of the file's variant
     * @param file a {@code .safetensors} or {@code .npz} file with SegFormer's key names
     * @return the number of tensors imported
     * @throws IllegalArgumentException for an unknown, missing, mis-shaped or unsupported tensor (naming the
     *     key and the file) or an unsupported file extension
     * @throws IllegalStateException if the encoder is not initialized
     * @throws IOException if the file cannot be read or is malformed
     */
    public static int importEncoder(MixTransformer encoder, Path file) throws IOException {
        if (!encoder.isInitialized()) {
            throw new IllegalStateException("initialize the encoder (or model) before importing weights");
        }
        MitVariant variant = encoder.getVariant();
        LinkedHashMap<String, String> table = MitKeyMap.officialToDjl(variant);
        PairList<String, Parameter> params = encoder.getParameters();
        try (WeightFile weights = WeightFile.open(file)) {
            Map<String, WeightFile.Entry> entries = weights.entries();
            for (String key : entries.keySet()) {
                if (!MitKeyMap.isClassifierKey(key) && !table.containsKey(key)) {
                    throw new UserInputException("unknown key '" + key + "' in " + file + ": not a "
                            + variant.id() + " encoder parameter (is the file for another MiT variant?)");
                }
            }
            List<String> missing = new ArrayList<>();
            for (String key : table.keySet()) {
                if (!entries.containsKey(key)) {
                    missing.add(key);
                }
            }
            if (!missing.isEmpty()) {
                throw new UserInputException(missing.size() + " " + variant.id() + " key(s) missing from "
                        + file + ", first '" + missing.get(0) + "'" + (missing.size() > 1 ? ", all: " + missing : ""));
            }
            for (Map.Entry<String, String> e : table.entrySet()) {
                WeightFile.Entry entry = entries.get(e.getKey());
                Shape expected = params.get(e.getValue()).getArray().getShape();
                if (!expected.equals(new Shape(entry.shape()))) {
                    throw new UserInputException("shape mismatch for '" + e.getKey() + "' in " + file
                            + ": file " + Arrays.toString(entry.shape()) + ", model " + expected);
                }
                if (!isSupported(entry.dtype())) {
                    throw new UserInputException("unsupported dtype " + entry.dtype() + " of '" + e.getKey()
                            + "' in " + file + "; use F32, F16 or BF16 (.safetensors) or <f4, <f2 (.npz)");
                }
            }
            for (Map.Entry<String, String> e : table.entrySet()) {
                WeightFile.Entry entry = entries.get(e.getKey());
                NDArray target = params.get(e.getValue()).getArray();
                float[] values = entry.loader().read();
                try (NDManager sub = target.getManager().newSubManager()) {
                    ModelParameters.assign(target, HostArrays.create(sub, values, new Shape(entry.shape())));
                }
            }
            return table.size();
        }
    }

    private static boolean isSupported(String dtype) {
        return switch (dtype) {
            case "F32", "F16", "BF16", "F64", "<f4", "<f2", "<f8" -> true;
            default -> false;
        };
    }
}
