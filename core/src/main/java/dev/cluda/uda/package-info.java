/**
 * The self-training building blocks of DACS/DAFormer/HRDA/CLUDA: the EMA teacher (reference
 * §2.1), pseudo-labels with their confidence weight and ignored margins (§2.2, §2.3, §13) and
 * rare-class sampling of source images (§3).
 */
package dev.cluda.uda;
