/**
 * Container networks: the default bridge, its address management, and each container's endpoint on it. The Linux
 * side (bridge, veth pair, addresses, routes) is made by the container's monitor from what this package allocates.
 */
package io.berth.network;
