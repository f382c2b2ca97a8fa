package io.berth.build.context;

import java.util.List;

/**
 * One thing a COPY or ADD copies, as {@link SourceTree#resolve} found it: a wildcard gives one per match.
 * Symlinks on its path, the last component included, are already resolved inside the tree.
 */
public final class Source {

	private final SourceTree tree;

	private final String argument;

	private final String name;

	private final List<String> resolved;

	private final Stat stat;

	Source(SourceTree tree, String argument, String name, List<String> resolved, Stat stat) {
		this.tree = tree;
		this.argument = argument;
		this.name = name;
		this.resolved = List.copyOf(resolved);
		this.stat = stat;
	}

	/** The instruction's argument this came from, as given. */
	public String argument() {
		return this.argument;
	}

	/**
	 * The path it was found at, relative to the tree's root and cleaned ({@code .} for the root); its last component
	 * names a file copied into a directory, even when it is a symlink to another name.
	 */
	public String name() {
		return this.name;
	}

	/** Where the path leads after symlinks, relative to the tree's root ({@code .} for the root). */
	public String resolvedPath() {
		return this.resolved.isEmpty() ? "." : String.join("/", this.resolved);
	}

	/** Whether it is a directory, whose contents are copied rather than itself. */
	public boolean isDirectory() {
		return this.stat.isDirectory();
	}

	SourceTree tree() {
		return this.tree;
	}

	List<String> resolved() {
		return this.resolved;
	}

	Stat stat() {
		return this.stat;
	}

	/** The last component of {@link #name()}, the name a file gets when copied into a directory. */
	String baseName() {
		int slash = this.name.lastIndexOf('/');
		return (slash < 0) ? this.name : this.name.substring(slash + 1);
	}

	@Override
	public String toString() {
		return "Source[" + this.argument + " -> " + resolvedPath() + "]";
	}

}
