package io.berth.it;

/** Every case of {@link ContainersIT} with runc (Debian's package) as the engine's OCI runtime. */
class RuncContainersIT extends ContainersIT {

	@Override
	protected String[] daemonArgs() {
		return new String[] { "--berth.runtime.path=runc" };
	}

}
