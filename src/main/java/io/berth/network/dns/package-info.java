/**
 * The embedded DNS server at 127.0.0.11 in each container's network namespace, as Docker has on user-defined
 * networks. It knows no names itself: the network feature hands it a {@link io.berth.network.dns.DnsResolver} per
 * container. Depends only on error.
 */
@NullMarked
package io.berth.network.dns;

import org.jspecify.annotations.NullMarked;
