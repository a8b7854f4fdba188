/**
 * Studies: a named plan of rows (a configuration and its overrides) times seeds, trained one run
 * after another into {@code <out>/<row>/seed<k>}, resumable (a finished run is never rerun, an
 * interrupted one continues from its checkpoint), summarised as mean ± std per row in a Markdown
 * page with a chart ({@code docs/RESULTS.md}). The top layer of core: it drives {@code train}.
 */
package dev.cluda.study;
