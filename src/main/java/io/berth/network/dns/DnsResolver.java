package io.berth.network.dns;

import java.net.Inet4Address;
import java.util.List;
import java.util.Optional;

/**
 * The names one container can resolve through its embedded DNS server, as the engine knows them. It is called on the
 * server's one thread, which serves every container, so it must answer from memory and never block.
 */
@FunctionalInterface
public interface DnsResolver {

	/**
	 * What to answer for a name, given in lower case without a trailing dot.
	 */
	Answer resolve(String name);

	/** The name to give for a PTR query about the address; empty hands the query to the upstream servers. */
	default Optional<String> reverse(Inet4Address address) {
		return Optional.empty();
	}

	/** Either the engine's own answer for a name, or word that the name is not the engine's to answer. */
	sealed interface Answer permits Local, Forward {

		/**
		 * The name is the engine's, with these IPv4 addresses; an empty list means it exists without any, so a
		 * client gets no records rather than NXDOMAIN, and does not try the name with its search domains.
		 */
		static Answer local(List<Inet4Address> addresses) {
			return new Local(addresses);
		}

		/** The name is not the engine's: the query goes to the upstream servers. */
		static Answer forward() {
			return new Forward();
		}

	}

	/** An answer of the engine's own. */
	record Local(List<Inet4Address> addresses) implements Answer {

		public Local {
			addresses = List.copyOf(addresses);
		}

	}

	/** A name for the upstream servers. */
	record Forward() implements Answer {

	}

}
