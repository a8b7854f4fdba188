/**
 * CLUDA from a notebook ({@code %spark} paragraphs in Zeppelin, or any JVM holding a Spark session):
 * {@link dev.cluda.api.CludaApi} runs the jobs behind {@code cluda synth}, {@code train},
 * {@code eval} and {@code predict} on a running session and returns result records, and shows a
 * run's {@code report.html}. Above {@code jobs}, below the command line.
 */
package dev.cluda.api;
