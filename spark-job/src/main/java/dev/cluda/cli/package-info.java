/** The cluda command line (picocli): one command per job. */
package dev.cluda.cli;
