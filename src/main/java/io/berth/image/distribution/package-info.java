/**
 * The Registry HTTP API v2 client: {@code docker pull}, {@code docker push} and {@code docker login}. Images arrive
 * through the same layer store and registration as {@code docker load}, so a pulled image is an ordinary image.
 */
package io.berth.image.distribution;
