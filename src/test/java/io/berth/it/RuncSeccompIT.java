package io.berth.it;

/** Every case of {@link SeccompIT} with runc (Debian's package) as the engine's OCI runtime. */
class RuncSeccompIT extends SeccompIT {

	@Override
	protected String[] daemonArgs() {
		return new String[] { "--berth.runtime.path=runc" };
	}

}
