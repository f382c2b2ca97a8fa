package io.berth.network;

import io.berth.error.InvalidParameterException;

/**
 * An IPv4 network in CIDR form, such as {@code 172.29.0.0/16}, with its host bits zero.
 *
 * @param network the network address as an unsigned 32-bit value
 * @param prefix the prefix length, 8 to 30
 */
public record Ipv4Subnet(long network, int prefix) {

	public Ipv4Subnet {
		if (prefix < 8 || prefix > 30) {
			throw new InvalidParameterException("invalid subnet prefix /" + prefix + ": it must be 8 to 30");
		}
		if ((network & hostMask(prefix)) != 0) {
			throw new InvalidParameterException("invalid subnet " + format(network) + "/" + prefix
					+ ": it has host bits set");
		}
	}

	/** Parses {@code a.b.c.d/n}. */
	public static Ipv4Subnet parse(String cidr) {
		int slash = (cidr != null) ? cidr.indexOf('/') : -1;
		if (slash < 0) {
			throw new InvalidParameterException("invalid subnet " + cidr + ": expected a.b.c.d/n");
		}
		int prefix;
		try {
			prefix = Integer.parseInt(cidr.substring(slash + 1));
		}
		catch (NumberFormatException ex) {
			throw new InvalidParameterException("invalid subnet " + cidr + ": expected a.b.c.d/n");
		}
		return new Ipv4Subnet(parseAddress(cidr.substring(0, slash)), prefix);
	}

	/** Parses a dotted quad. */
	public static long parseAddress(String text) {
		String[] parts = text.split("\\.", -1);
		if (parts.length != 4) {
			throw new InvalidParameterException("invalid IPv4 address " + text);
		}
		long value = 0;
		for (String p : parts) {
			if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) {
				throw new InvalidParameterException("invalid IPv4 address " + text);
			}
			int octet = Integer.parseInt(p);
			if (octet > 255) {
				throw new InvalidParameterException("invalid IPv4 address " + text);
			}
			value = (value << 8) | octet;
		}
		return value;
	}

	public static String format(long address) {
		return ((address >> 24) & 0xff) + "." + ((address >> 16) & 0xff) + "." + ((address >> 8) & 0xff) + "."
				+ (address & 0xff);
	}

	private static long hostMask(int prefix) {
		return (1L << (32 - prefix)) - 1;
	}

	/** The number of addresses, network and broadcast included. */
	public long size() {
		return 1L << (32 - this.prefix);
	}

	/** The address at an offset from the network address. */
	public String address(long offset) {
		if (offset < 0 || offset >= size()) {
			throw new IllegalArgumentException("offset " + offset + " is outside " + this);
		}
		return format(this.network + offset);
	}

	/** The first host address, which Docker gives the bridge. */
	public String gateway() {
		return address(1);
	}

	public boolean contains(String address) {
		return contains(parseAddress(address));
	}

	private boolean contains(long address) {
		return (address & ~hostMask(this.prefix) & 0xffffffffL) == this.network;
	}

	/** The address's offset from the network address; the address must be in the subnet. */
	public long offsetOf(String address) {
		long a = parseAddress(address);
		if (!contains(a)) {
			throw new InvalidParameterException("address " + address + " is not in " + this);
		}
		return a - this.network;
	}

	/** Docker's MAC for a container address: 02:42 followed by the four octets. */
	public static String macFor(String address) {
		long a = parseAddress(address);
		return String.format("02:42:%02x:%02x:%02x:%02x", (a >> 24) & 0xff, (a >> 16) & 0xff, (a >> 8) & 0xff,
				a & 0xff);
	}

	@Override
	public String toString() {
		return format(this.network) + "/" + this.prefix;
	}

}
