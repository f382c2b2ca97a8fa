/**
 * The boundary to the native side: the OCI runtime's command line and the per-container monitor's socket. No JNI:
 * the JVM is multi-threaded, and namespaces want a single-threaded process. Depends on paths and error only.
 */
package io.berth.runtime;
