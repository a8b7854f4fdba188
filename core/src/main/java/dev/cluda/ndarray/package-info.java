/**
 * DJL arrays used safely: creating them from Java data and scaling by Java numbers in ways that
 * stay valid under autograd and garbage collection, and turning libtorch's per-thread gradient
 * recording off where the trainer updates weights in place.
 */
package dev.cluda.ndarray;
