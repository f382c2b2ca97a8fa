package io.berth.it;

/** The base of the tests that run containers: a daemon per class with the busybox image already imported. */
abstract class BusyboxDaemonSupport extends DaemonSupport {

	@Override
	protected void prepare() throws Exception {
		BusyboxImage.importInto(this.daemon, "busybox:latest");
	}

}
