package io.berth.build.context;

import io.berth.error.InvalidParameterException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DockerIgnoreTests {

	/** Docker's documented examples and moby's patternmatcher tests: patterns (| between lines), path, excluded. */
	@ParameterizedTest(name = "{0} / {1} -> {2}")
	@CsvSource(delimiter = ';', value = {
			// */temp*: names starting with temp one level down only.
			"*/temp*; somedir/temporary.txt; true",
			"*/temp*; somedir/temp; true",
			"*/temp*; temporary.txt; false",
			"*/temp*; a/b/temp; false",
			"*/temp*; somedir/temp/inside.txt; true",
			// */*/temp*: two levels down.
			"*/*/temp*; somedir/subdir/temporary.txt; true",
			"*/*/temp*; somedir/temporary.txt; false",
			// temp?: one character after temp, at the root.
			"temp?; tempa; true",
			"temp?; tempb; true",
			"temp?; temp; false",
			"temp?; tempab; false",
			"temp?; dir/tempa; false",
			// **: any number of directories, none included.
			"**/*.go; main.go; true",
			"**/*.go; a/b/c.go; true",
			"**/*.go; a/b/c.gox; false",
			"**; anything/at/all; true",
			"foo/**; foo/bar/baz; true",
			"foo/**; foobar; false",
			"foo/**/bar; foo/bar; true",
			"foo/**/bar; foo/x/y/bar; true",
			"foo/**/bar; foo/x/y/baz; false",
			"**/foo; x/foo; true",
			"**/foo; foo; true",
			"**/foo; xfoo; false",
			// Exceptions: the last matching pattern wins.
			"*.md|!README.md; README.md; false",
			"*.md|!README.md; CHANGES.md; true",
			"*.md|!README*.md|README-secret.md; README-secret.md; true",
			"*.md|!README*.md|README-secret.md; README-public.md; false",
			"!README.md|*.md; README.md; true",
			// A matching parent directory matches everything below it, unless an exception re-includes.
			"docs; docs/guide/intro.md; true",
			"docs|!docs/keep.md; docs/keep.md; false",
			"docs|!docs/keep.md; docs/other.md; true",
			"vendor|!**/keep; vendor/a/keep; false",
			"vendor|!**/keep; vendor/a/lose; true",
			// Cleaning: a leading /, ./, a trailing / and .. are as filepath.Clean leaves them.
			"/foo; foo; true",
			"/foo; x/foo; false",
			"./foo; foo; true",
			"foo/; foo/bar; true",
			"a/../b; b; true",
			"!/keep|*; keep; true",
			"*|!/keep; keep; false",
			// Classes and escapes.
			"[a-c].txt; b.txt; true",
			"[a-c].txt; d.txt; false",
			"[^a].txt; b.txt; true",
			"[^a].txt; a.txt; false",
			"\\*.txt; *.txt; true",
			"\\*.txt; a.txt; false",
			"a.b; axb; false",
			"*.tar.gz; x.tar.gz; true",
			// Comments and blank lines; only a # in the first column starts a comment.
			"'# a comment|  |foo'; foo; true",
			"'# foo'; foo; false",
			"' #foo'; '#foo'; true",
	})
	void matchesAsDockerDoes(String patterns, String path, boolean excluded) {
		DockerIgnore ignore = DockerIgnore.parse(patterns.replace('|', '\n'));
		assertThat(ignore.matches(path)).isEqualTo(excluded);
		assertThat(ignore.excluded(path, false)).isEqualTo(excluded);
	}

	@Test
	void patternsAreCleanedAsTheIgnoreFileReaderCleansThem() {
		DockerIgnore ignore = DockerIgnore.parse("\uFEFF/foo/\r\n./bar\n  baz/../qux  \n! /keep\n#x\n\n");
		assertThat(ignore.patterns()).containsExactly("foo", "bar", "qux", "!keep");
	}

	@Test
	void anExcludedDirectoryIsWalkedOnlyWhenAnExceptionCouldMatchInsideIt() {
		DockerIgnore plain = DockerIgnore.parse("build\n");
		assertThat(plain.excluded("build", true)).isTrue();

		DockerIgnore literal = DockerIgnore.parse("build\n!build/keep.txt\n");
		assertThat(literal.matches("build")).isTrue();
		assertThat(literal.excluded("build", true)).isFalse();
		assertThat(literal.excluded("build/keep.txt", false)).isFalse();
		assertThat(literal.excluded("build/other", false)).isTrue();
		assertThat(literal.excluded("build/sub", true)).isTrue();

		DockerIgnore anywhere = DockerIgnore.parse("node_modules\n!**/LICENSE\n");
		assertThat(anywhere.excluded("node_modules", true)).isFalse();
		assertThat(anywhere.excluded("node_modules/x/LICENSE", false)).isFalse();

		DockerIgnore elsewhere = DockerIgnore.parse("build\n!src/keep\n");
		assertThat(elsewhere.excluded("build", true)).isTrue();
	}

	@Test
	void theRootIsNeverExcluded() {
		DockerIgnore ignore = DockerIgnore.parse("*\n**\n.\n");
		assertThat(ignore.matches(".")).isFalse();
		assertThat(ignore.matches("")).isFalse();
		assertThat(ignore.matches("Dockerfile")).isTrue();
	}

	@Test
	void anEmptyFileHasNoRules() {
		assertThat(DockerIgnore.parse("\n# only a comment\n   \n").isEmpty()).isTrue();
		assertThat(DockerIgnore.empty().matches("anything")).isFalse();
	}

	@Test
	void malformedPatternsAreRefusedWithThePattern() {
		assertThatThrownBy(() -> DockerIgnore.parse("ok\nsrc/[abc\n")).isInstanceOf(InvalidParameterException.class)
			.hasMessageContaining("src/[abc");
		assertThatThrownBy(() -> DockerIgnore.parse("[]a]")).isInstanceOf(InvalidParameterException.class)
			.hasMessageContaining("[]a]");
		assertThatThrownBy(() -> DockerIgnore.parse("!x[")).isInstanceOf(InvalidParameterException.class)
			.hasMessageContaining("!x[");
		assertThatThrownBy(() -> DockerIgnore.parse("trailing\\")).isInstanceOf(InvalidParameterException.class)
			.hasMessageContaining("trailing\\");
		assertThatThrownBy(() -> DockerIgnore.parse("!")).isInstanceOf(InvalidParameterException.class)
			.hasMessageContaining("illegal exclusion pattern");
	}

}
