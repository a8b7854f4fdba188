package dev.cluda.jobs;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.util.JsonUtils;
import ai.djl.util.TarUtils;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Run by {@link ClusterJarTest} as {@code java -cp <distribution jars>/*:<cluster jar>:<this class>}: the
 * DJL calls that need newer gson and commons-compress than a Spark 3.5 distribution ships (NDList's
 * safetensors decoder, TarUtils), with the engine loaded from the cluster jar. Prints one
 * {@code PROBE} line per check; an old library first on the class path ends it with a NoSuchMethodError.
 *
 * <p>Arguments: a {@code .tar.gz} holding {@code hello.txt}, and a folder to unpack it into.
 */
public final class ClusterJarProbe {

    private ClusterJarProbe() {
    }

    public static void main(String[] args) throws Exception {
        // reflectively: in the cluster jar the field's type is the relocated Gson
        System.out.println("PROBE gson " + where(JsonUtils.class.getField("GSON").get(null).getClass()));
        try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
            TarUtils.untar(in, Path.of(args[1]).toAbsolutePath(), true);
        }
        System.out.println("PROBE untar " + Files.readString(Path.of(args[1], "hello.txt")).trim());
        Engine engine = Engine.getInstance();
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray w = manager.create(new float[] {1.5f, -2f, 3.25f});
            w.setName("w");
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            new NDList(w).encode(bytes, NDList.Encoding.SAFETENSORS);
            NDList back = NDList.decode(manager, bytes.toByteArray());
            System.out.println("PROBE safetensors " + back.get(0).getName() + "=" + Arrays.toString(back.get(0).toFloatArray()));
        }
        System.out.println("PROBE engine " + engine.getEngineName() + " " + engine.getVersion() + " from "
                + where(engine.getClass()));
    }

    private static String where(Class<?> c) {
        return c.getName() + " in " + c.getProtectionDomain().getCodeSource().getLocation();
    }
}
