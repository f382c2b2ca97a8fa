package io.berth.build.dockerfile;

import java.util.Objects;

/**
 * A heredoc body attached to a RUN, COPY or ADD ({@code <<EOF ... EOF}), so the builder can feed it to the shell or
 * write it as a file.
 * @param name the terminator word, unquoted ({@code EOF} for {@code <<"EOF"})
 * @param content the lines between the marker line and the terminator, each with its line ending; for {@code <<-}
 * with leading tabs already removed from every line
 * @param expand whether the builder expands variables in the content: false when any part of the name was quoted
 * @param chomp whether the marker was {@code <<-}
 */
public record Heredoc(String name, String content, boolean expand, boolean chomp) {

	public Heredoc {
		Objects.requireNonNull(name, "name");
		Objects.requireNonNull(content, "content");
		if (name.isEmpty()) {
			throw new IllegalArgumentException("a heredoc needs a name");
		}
	}

	/** moby's {@code ChompHeredocContent}: every line's leading tabs removed. */
	static String chomp(String content) {
		StringBuilder out = new StringBuilder(content.length());
		boolean lineStart = true;
		for (int i = 0; i < content.length(); i++) {
			char c = content.charAt(i);
			if (lineStart && c == '\t') {
				continue;
			}
			lineStart = c == '\n';
			out.append(c);
		}
		return out.toString();
	}

}
