/** Creating DJL arrays from Java data and scaling by Java numbers in ways that stay valid under autograd and garbage collection. */
package dev.cluda.ndarray;
