package io.berth.container.archive;

import io.berth.error.SystemException;
import org.jspecify.annotations.Nullable;

/** The host's file system failed under a copy; the message names the container path, never the host one. */
public class ArchiveIoException extends SystemException {

	public ArchiveIoException(String message, @Nullable Throwable cause) {
		super((cause != null && cause.getMessage() != null) ? message + ": " + reason(cause) : message, cause);
	}

	/** The errno text of a JDK file exception, without the host path it also carries. */
	private static String reason(Throwable cause) {
		if (cause instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
			return f.getReason();
		}
		return cause.getClass().getSimpleName();
	}

}
