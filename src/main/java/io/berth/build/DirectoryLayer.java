package io.berth.build;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** The layer of a WORKDIR that did not exist: its missing directories, root's, mode 0755, as dockerd makes them. */
final class DirectoryLayer {

	private DirectoryLayer() {
	}

	/** Writes a directory entry for each path, given relative to the root and parents first. */
	static void write(OutputStream out, List<String> dirs) throws IOException {
		TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
		tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
		for (String d : dirs) {
			TarArchiveEntry e = new TarArchiveEntry(d + "/", TarArchiveEntry.LF_DIR);
			e.setMode(040755);
			e.setIds(0, 0);
			tar.putArchiveEntry(e);
			tar.closeArchiveEntry();
		}
		tar.finish();
	}

}
