package io.berth.logs.view;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Tests for {@link AnsiHtml}. */
class AnsiHtmlTests {

	/** The only markup the translation may produce; anything else in its output must be escaped text. */
	private static final Pattern TAG = Pattern.compile(
			"<span(?: class=\"ansi-[a-z0-9-]+(?: ansi-[a-z0-9-]+)*\")?(?: style=\"(?:color:#[0-9a-f]{6})?;?(?:background-color:#[0-9a-f]{6})?\")?>|</span>");

	@Test
	void escapesAScriptTagInsideAnsiRed() {
		String html = AnsiHtml.toHtml("\u001b[31m<script>alert(1)</script>\u001b[0m\n");
		assertThat(html).isEqualTo("<span class=\"ansi-fg-1\">&lt;script&gt;alert(1)&lt;/script&gt;</span>");
		assertSafe(html);
	}

	@Test
	void escapesEveryHtmlMetacharacter() {
		assertThat(AnsiHtml.toHtml("a & b < c > d \" e ' f")).isEqualTo("a &amp; b &lt; c &gt; d &quot; e &#39; f");
	}

	@Test
	void attributeInjectionThroughASequenceReachesNoAttribute() {
		String[] attempts = { "\u001b[38;2;1;2;3\" onmouseover=\"alert(1)mtext",
				"\u001b[31\" onclick=\"alert(1)\"mtext", "\u001b[38;5;1\"><img src=x onerror=alert(1)>m",
				"\u001b[1m\" style=\"background:url(javascript:alert(1))\u001b[0m",
				"\u001b]8;;javascript:alert(1)\u001b\\click\u001b]8;;\u001b\\" };
		for (String attempt : attempts) {
			String html = AnsiHtml.toHtml(attempt);
			assertSafe(html);
			assertThat(html).as(attempt).doesNotContain("=\"alert").doesNotContain("<img").doesNotContain("javascript:alert(1)\"");
		}
		assertThat(AnsiHtml.toHtml("\u001b[1m\" onclick=\"x")).isEqualTo("<span class=\"ansi-bold\">&quot; onclick=&quot;x</span>");
	}

	@Test
	void closesSpansLeftOpenAtTheEndOfTheLine() {
		assertThat(AnsiHtml.toHtml("\u001b[1mbold")).isEqualTo("<span class=\"ansi-bold\">bold</span>");
		assertThat(AnsiHtml.toHtml("a\u001b[31mb\u001b[32mc")).isEqualTo(
				"a<span class=\"ansi-fg-1\">b</span><span class=\"ansi-fg-2\">c</span>");
	}

	@Test
	void dropsASequenceTruncatedAtTheEndOfTheLine() {
		assertThat(AnsiHtml.toHtml("text\u001b")).isEqualTo("text");
		assertThat(AnsiHtml.toHtml("text\u001b[")).isEqualTo("text");
		assertThat(AnsiHtml.toHtml("text\u001b[38;5")).isEqualTo("text");
		assertThat(AnsiHtml.toHtml("text\u001b]0;title")).isEqualTo("text");
		assertThat(AnsiHtml.toHtml("text\u001b(\n")).isEqualTo("text");
	}

	@Test
	void translatesPaletteColours() {
		assertThat(AnsiHtml.toHtml("\u001b[91;104mX")).isEqualTo("<span class=\"ansi-fg-9 ansi-bg-12\">X</span>");
		assertThat(AnsiHtml.toHtml("\u001b[37;40mX")).isEqualTo("<span class=\"ansi-fg-7 ansi-bg-0\">X</span>");
	}

	@Test
	void translates256Colours() {
		assertThat(AnsiHtml.toHtml("\u001b[38;5;208mX\u001b[48;5;17mY")).isEqualTo(
				"<span class=\"ansi-fg-208\">X</span><span class=\"ansi-fg-208 ansi-bg-17\">Y</span>");
		assertThat(AnsiHtml.toHtml("\u001b[38:5:99mZ")).isEqualTo("<span class=\"ansi-fg-99\">Z</span>");
		assertThat(AnsiHtml.toHtml("\u001b[38;5;300mZ")).isEqualTo("Z");
	}

	@Test
	void translatesTruecolourIntoAStyleBuiltFromClampedNumbers() {
		assertThat(AnsiHtml.toHtml("\u001b[38;2;255;128;0mX")).isEqualTo("<span style=\"color:#ff8000\">X</span>");
		assertThat(AnsiHtml.toHtml("\u001b[1;38;2;300;99999999999;16;48;2;0;0;1mX")).isEqualTo(
				"<span class=\"ansi-bold\" style=\"color:#ffff10;background-color:#000001\">X</span>");
		assertThat(AnsiHtml.toHtml("\u001b[38:2::1:2:3mX\u001b[48:2:4:5:6mY")).isEqualTo(
				"<span style=\"color:#010203\">X</span><span style=\"color:#010203;background-color:#040506\">Y</span>");
	}

	@Test
	void handlesEachReset() {
		String html = AnsiHtml.toHtml(
				"\u001b[1;3;4;31;42mA\u001b[22mB\u001b[23mC\u001b[24mD\u001b[39mE\u001b[49mF\u001b[2mG\u001b[mH");
		assertThat(html).isEqualTo("<span class=\"ansi-bold ansi-italic ansi-underline ansi-fg-1 ansi-bg-2\">A</span>"
				+ "<span class=\"ansi-italic ansi-underline ansi-fg-1 ansi-bg-2\">B</span>"
				+ "<span class=\"ansi-underline ansi-fg-1 ansi-bg-2\">C</span>"
				+ "<span class=\"ansi-fg-1 ansi-bg-2\">D</span><span class=\"ansi-bg-2\">E</span>F"
				+ "<span class=\"ansi-dim\">G</span>H");
	}

	@Test
	void writesNoEmptySpans() {
		assertThat(AnsiHtml.toHtml("\u001b[31m\u001b[0mplain\u001b[1m")).isEqualTo("plain");
	}

	@Test
	void removesOtherSequencesAndControls() {
		assertThat(AnsiHtml.toHtml("\u001b[2K\u001b[1;1H\u001b[?25lclear")).isEqualTo("clear");
		assertThat(AnsiHtml.toHtml("\u001b]0;title\u0007after")).isEqualTo("after");
		assertThat(AnsiHtml.toHtml("\u001b]8;;http://x\u001b\\link\u001b]8;;\u001b\\")).isEqualTo("link");
		assertThat(AnsiHtml.toHtml("\u001bPdcs\u001b\\\u001b7\u001b=x\u001b(B")).isEqualTo("x");
		assertThat(AnsiHtml.toHtml("\u009b31mc1\u009d0;t\u009c.")).isEqualTo("<span class=\"ansi-fg-1\">c1.</span>");
		assertThat(AnsiHtml.toHtml("a\u0000b\u0007c\td\u007f\re\r\n")).isEqualTo("abc\tde");
	}

	@Test
	void removesTheTrailingNewline() {
		assertThat(AnsiHtml.toHtml("line\n")).isEqualTo("line");
		assertThat(AnsiHtml.toHtml("line\r\n")).isEqualTo("line");
		assertThat(AnsiHtml.strip("line\r\n")).isEqualTo("line");
	}

	@Test
	void replacesInvalidUtf8AndLoneSurrogates() {
		byte[] bytes = { 'a', (byte) 0xFF, 'b', (byte) 0xC3, '\n' };
		assertThat(AnsiHtml.toHtml(bytes)).isEqualTo("a\uFFFDb\uFFFD");
		assertThat(AnsiHtml.toHtml("x\uD800y\uDC00z😀")).isEqualTo("x\uFFFDy\uFFFDz😀");
		assertThat(AnsiHtml.toHtml("é ü 中".getBytes(StandardCharsets.UTF_8))).isEqualTo("é ü 中");
	}

	@Test
	void stripLeavesThePlainText() {
		assertThat(AnsiHtml.strip("\u001b[31mred\u001b[0m <b> & \u001b]0;t\u0007done\n")).isEqualTo("red <b> & done");
	}

	@Test
	void randomInputAlwaysGivesBalancedSafeMarkup() {
		Random random = new Random(42);
		String alphabet = "\u001b[];:0123456789m\"'<>&=/ \u0007\\?P38m2;5;1Hx\n\r\t\u009b\u009d";
		for (int i = 0; i < 20_000; i++) {
			StringBuilder s = new StringBuilder();
			int length = random.nextInt(40);
			for (int j = 0; j < length; j++) {
				s.append(alphabet.charAt(random.nextInt(alphabet.length())));
			}
			String html = AnsiHtml.toHtml(s.toString());
			assertSafe(html);
			assertThat(AnsiHtml.strip(s.toString())).doesNotContain("\u001b", "\u0007", "\n", "\u009b");
		}
	}

	/** Asserts the markup holds only the allowed tags, balanced and never nested, and otherwise escaped text. */
	private static void assertSafe(String html) {
		Matcher tags = TAG.matcher(html);
		StringBuilder text = new StringBuilder();
		int depth = 0;
		int last = 0;
		while (tags.find()) {
			text.append(html, last, tags.start());
			depth += tags.group().startsWith("</") ? -1 : 1;
			assertThat(depth).as(html).isBetween(0, 1);
			last = tags.end();
		}
		text.append(html, last, html.length());
		assertThat(depth).as(html).isZero();
		assertThat(text.toString()).as(html).doesNotContain("<", ">", "\"", "'", "\u001b");
		assertThat(text.toString().replaceAll("&(amp|lt|gt|quot|#39);", "")).as(html).doesNotContain("&");
	}

}
