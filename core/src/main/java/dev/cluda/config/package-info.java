/** Experiment configuration: HOCON defaults, experiment files and --set overrides parsed once into typed, validated records. */
package dev.cluda.config;
