package io.berth.network;

/**
 * A network interface as rtnetlink reports it, with just what the daemon needs to recognise the bridges and veth
 * ends it made.
 *
 * @param index the kernel's interface index
 * @param name the interface name
 * @param kind the link kind from {@code IFLA_INFO_KIND}, such as {@code "bridge"} or {@code "veth"}; empty for
 * interfaces without one, such as {@code lo} or a physical NIC
 * @param masterIndex the index of the bridge (or other master) the interface is enslaved to; 0 when it has none
 * @param up whether the interface is administratively up ({@code IFF_UP})
 */
public record Link(int index, String name, String kind, int masterIndex, boolean up) {

}
