package dev.cluda.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Dependencies inside {@code core} point one way: each package may use only the packages listed
 * before it, so a reader can take the layers bottom-up, and the algorithm (uda, loss, model) never
 * reaches into the loop that drives it (train) or the files it writes (rundir).
 */
class LayersTest {

    /** Lowest first. */
    static final List<String> LAYERS = List.of("ndarray", "error", "io", "comm", "data", "transform", "synth", "model",
            "loss", "eval", "uda", "optim", "parallel", "rundir", "config", "dataset", "train", "study");

    private static JavaClasses core;

    @BeforeAll
    static void importCore() {
        core = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.cluda");
    }

    @Test
    void everyPackage_dependsOnlyOnTheLayersBelowIt() {
        for (int i = 0; i < LAYERS.size() - 1; i++) {
            String[] above = LAYERS.subList(i + 1, LAYERS.size()).stream().map(p -> "dev.cluda." + p + "..")
                    .toArray(String[]::new);
            noClasses().that().resideInAPackage("dev.cluda." + LAYERS.get(i) + "..")
                    .should().dependOnClassesThat().resideInAnyPackage(above)
                    .because(LAYERS.get(i) + " sits below " + String.join(", ", LAYERS.subList(i + 1, LAYERS.size())))
                    .allowEmptyShould(true)
                    .check(core);
        }
    }

    @Test
    void everyPackage_isALayer() {
        noClasses().should().resideOutsideOfPackages(LAYERS.stream().map(p -> "dev.cluda." + p + "..")
                        .toArray(String[]::new))
                .because("a new package needs its place in LayersTest.LAYERS")
                .check(core);
    }
}
