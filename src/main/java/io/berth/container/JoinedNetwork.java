package io.berth.container;

/**
 * The network namespace a {@code --network container:X} container joins.
 *
 * @param netnsPath X's namespace file, or null when X shares the host's
 * @param files X's files, whose hosts and resolv.conf the joiner uses
 */
record JoinedNetwork(String netnsPath, ContainerFiles files) {
}
