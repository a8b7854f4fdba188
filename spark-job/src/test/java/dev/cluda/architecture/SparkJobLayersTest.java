package dev.cluda.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The Spark application's packages point one way: the command line ({@code cli}) uses the jobs,
 * the jobs use the Hadoop file stores ({@code io}), never the reverse, so a job runs the same from a
 * notebook as from {@code cluda}.
 */
class SparkJobLayersTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
            .importPackages("dev.cluda.cli", "dev.cluda.jobs", "dev.cluda.io");

    @Test
    void jobs_doNotUseTheCommandLine() {
        noClasses().that().resideInAPackage("dev.cluda.jobs..").should().dependOnClassesThat()
                .resideInAPackage("dev.cluda.cli..").check(CLASSES);
    }

    @Test
    void fileStores_doNotUseJobsOrTheCommandLine() {
        noClasses().that().resideInAPackage("dev.cluda.io..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.cluda.jobs..", "dev.cluda.cli..")
                .check(CLASSES);
    }
}
