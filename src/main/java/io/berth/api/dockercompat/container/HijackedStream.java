package io.berth.api.dockercompat.container;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.function.BiConsumer;

import jakarta.servlet.http.HttpUpgradeHandler;
import jakarta.servlet.http.WebConnection;

/**
 * The connection after {@code 101 UPGRADED}: Tomcat hands over the raw streams and this handler gives them to the
 * session that was set up by the controller, on a thread of its own so Tomcat's worker returns at once.
 */
public class HijackedStream implements HttpUpgradeHandler {

	private volatile BiConsumer<InputStream, OutputStream> session;

	private volatile WebConnection connection;

	void session(BiConsumer<InputStream, OutputStream> session) {
		this.session = session;
	}

	@Override
	public void init(WebConnection wc) {
		this.connection = wc;
		BiConsumer<InputStream, OutputStream> s = this.session;
		Thread t = new Thread(() -> {
			try (wc) {
				s.accept(wc.getInputStream(), wc.getOutputStream());
			}
			catch (Exception ex) {
				// The client or the container went away; either way the stream is over.
			}
		}, "hijack");
		t.setDaemon(true);
		t.start();
	}

	@Override
	public void destroy() {
		WebConnection wc = this.connection;
		if (wc != null) {
			try {
				wc.close();
			}
			catch (Exception ex) {
				// Already closed.
			}
		}
	}

	static void closeQuietly(AutoCloseable c) {
		try {
			c.close();
		}
		catch (Exception ex) {
			// Nothing to do.
		}
	}

	static void copy(InputStream in, OutputStream out) throws IOException {
		byte[] buf = new byte[32 * 1024];
		for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
			out.write(buf, 0, n);
			out.flush();
		}
	}

}
