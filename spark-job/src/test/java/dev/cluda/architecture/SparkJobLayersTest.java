package dev.cluda.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The Spark application's packages point one way, {@code io ← jobs ← api ← cli}: the command line
 * ({@code cli}) may use the notebook API ({@code api}), both use the jobs, the jobs use the Hadoop
 * file stores ({@code io}), never the reverse, so a job runs the same from a notebook as from
 * {@code cluda}.
 */
class SparkJobLayersTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
            .importPackages("dev.cluda.cli", "dev.cluda.api", "dev.cluda.jobs", "dev.cluda.io");

    @Test
    void api_doesNotUseTheCommandLine() {
        noClasses().that().resideInAPackage("dev.cluda.api..").should().dependOnClassesThat()
                .resideInAPackage("dev.cluda.cli..").check(CLASSES);
    }

    @Test
    void jobs_doNotUseTheApiOrTheCommandLine() {
        noClasses().that().resideInAPackage("dev.cluda.jobs..").should().dependOnClassesThat()
                .resideInAnyPackage("dev.cluda.api..", "dev.cluda.cli..").check(CLASSES);
    }

    @Test
    void fileStores_doNotUseJobsTheApiOrTheCommandLine() {
        noClasses().that().resideInAPackage("dev.cluda.io..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.cluda.jobs..", "dev.cluda.api..",
                        "dev.cluda.cli..")
                .check(CLASSES);
    }
}
