package io.berth.stats;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Keeps a {@link StatsHistory} across daemon restarts in one file: the daemon saves it when it stops (and now and
 * then, so a crash loses little) and loads it when it starts, so a chart opened after an upgrade still shows the past.
 * The file holds each container's buckets as written by {@link StatsHistory#points}; loading adds them back in order,
 * so they land in the same buckets.
 */
public final class StatsHistoryFile {

	/** "BSH1": a file of another format or version is ignored rather than misread. */
	private static final int MAGIC = 0x42534831;

	private StatsHistoryFile() {
	}

	/** Writes the history through a temporary file and a rename, so a crash mid-write leaves the previous file. */
	public static void save(StatsHistory history, Path file) throws IOException {
		Files.createDirectories(file.getParent());
		Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
		try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)))) {
			out.writeInt(MAGIC);
			for (String id : history.ids()) {
				List<StatsPoint> points = history.points(id);
				if (points.isEmpty()) {
					continue;
				}
				out.writeUTF(id);
				out.writeInt(points.size());
				for (StatsPoint p : points) {
					out.writeLong(p.t());
					out.writeFloat((float) p.cpu());
					out.writeLong(p.mem());
					out.writeLong(p.memLimit());
					out.writeFloat((float) p.rx());
					out.writeFloat((float) p.tx());
					out.writeFloat((float) p.blkRead());
					out.writeFloat((float) p.blkWrite());
					out.writeLong(p.pids());
				}
			}
		}
		Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
	}

	/** Adds what the file holds to the history; a missing, foreign or damaged file adds what it can, else nothing. */
	public static void load(StatsHistory history, Path file) throws IOException {
		if (!Files.exists(file)) {
			return;
		}
		try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
			if (in.readInt() != MAGIC) {
				return;
			}
			while (true) {
				String id;
				try {
					id = in.readUTF();
				}
				catch (EOFException ex) {
					return;
				}
				int n = in.readInt();
				for (int i = 0; i < n; i++) {
					history.add(id, new StatsPoint(in.readLong(), in.readFloat(), in.readLong(), in.readLong(),
							in.readFloat(), in.readFloat(), in.readFloat(), in.readFloat(), in.readLong()));
				}
			}
		}
		catch (EOFException ex) {
			// A truncated file: what was read stays.
		}
	}

}
