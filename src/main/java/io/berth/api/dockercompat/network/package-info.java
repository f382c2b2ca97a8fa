/** {@code /networks}: the predefined networks, bridge, host and none, and the containers on them. */
package io.berth.api.dockercompat.network;
