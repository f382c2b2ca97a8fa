package io.berth.logs.view;

import java.nio.charset.StandardCharsets;

/**
 * Turns a log line into safe HTML: the text is escaped, ANSI SGR sequences become {@code <span>} elements with
 * {@code ansi-*} classes, and every other escape or control sequence is dropped. Spans never nest: each change of
 * style closes the open span and opens one with the whole new style, so they are balanced by construction.
 * Truecolour is the only inline style, and it is written from parsed integers, so no input text reaches an attribute.
 */
public final class AnsiHtml {

	private static final char ESC = 0x1B;

	private static final char BEL = 0x07;

	/** The C1 forms of CSI and of the string sequences (DCS, SOS, OSC, PM, APC) and their terminator, ST. */
	private static final char C1_CSI = 0x9B;

	private static final char C1_ST = 0x9C;

	private AnsiHtml() {
	}

	/** The line as HTML; bytes that are not valid UTF-8 become U+FFFD. */
	public static String toHtml(byte[] text) {
		return toHtml(new String(text, StandardCharsets.UTF_8));
	}

	public static String toHtml(String text) {
		return new Translation(true).run(text);
	}

	/** The line's plain text: what {@link #toHtml} shows, without markup or escaping. */
	public static String strip(String text) {
		return new Translation(false).run(text);
	}

	private static final class Translation {

		private final boolean html;

		private final StringBuilder out;

		private Style style = Style.PLAIN;

		private Style open = Style.PLAIN;

		Translation(boolean html) {
			this.html = html;
			this.out = new StringBuilder();
		}

		String run(String line) {
			int n = line.length();
			if (n > 0 && line.charAt(n - 1) == '\n') {
				n--;
				if (n > 0 && line.charAt(n - 1) == '\r') {
					n--;
				}
			}
			this.out.ensureCapacity(n + 16);
			int i = 0;
			while (i < n) {
				char c = line.charAt(i);
				if (c == ESC) {
					i = escape(line, i + 1, n);
				}
				else if (c == C1_CSI) {
					i = csi(line, i + 1, n);
				}
				else if (c == 0x90 || c == 0x98 || c == 0x9D || c == 0x9E || c == 0x9F) {
					i = skipString(line, i + 1, n);
				}
				else if ((c < 0x20 && c != '\t') || (c >= 0x7F && c <= 0x9F)) {
					i++;
				}
				else if (Character.isSurrogate(c)) {
					boolean pair = Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(line.charAt(i + 1));
					if (pair) {
						text(c);
						text(line.charAt(i + 1));
						i += 2;
					}
					else {
						text('\uFFFD');
						i++;
					}
				}
				else {
					text(c);
					i++;
				}
			}
			if (this.open != Style.PLAIN) {
				this.out.append("</span>");
			}
			return this.out.toString();
		}

		private void text(char c) {
			if (!this.html) {
				this.out.append(c);
				return;
			}
			if (!this.style.equals(this.open)) {
				if (this.open != Style.PLAIN) {
					this.out.append("</span>");
				}
				if (!this.style.equals(Style.PLAIN)) {
					this.style.appendOpenTag(this.out);
				}
				this.open = this.style.equals(Style.PLAIN) ? Style.PLAIN : this.style;
			}
			switch (c) {
				case '&' -> this.out.append("&amp;");
				case '<' -> this.out.append("&lt;");
				case '>' -> this.out.append("&gt;");
				case '"' -> this.out.append("&quot;");
				case '\'' -> this.out.append("&#39;");
				default -> this.out.append(c);
			}
		}

		/** Skips the sequence after an ESC at {@code i - 1}; returns where normal text resumes. */
		private int escape(String s, int i, int n) {
			if (i >= n) {
				return n;
			}
			char c = s.charAt(i);
			if (c == '[') {
				return csi(s, i + 1, n);
			}
			if (c == ']' || c == 'P' || c == 'X' || c == '^' || c == '_') {
				return skipString(s, i + 1, n);
			}
			int p = i;
			while (p < n && s.charAt(p) >= 0x20 && s.charAt(p) <= 0x2F) {
				p++;
			}
			if (p < n && s.charAt(p) >= 0x30 && s.charAt(p) <= 0x7E) {
				return p + 1;
			}
			// A lone ESC, or one followed by something no sequence allows: the ESC alone goes, the rest is text.
			return p;
		}

		/** Skips a control sequence whose parameters start at {@code i}, applying it when it is SGR. */
		private int csi(String s, int i, int n) {
			int p = i;
			while (p < n && s.charAt(p) >= 0x30 && s.charAt(p) <= 0x3F) {
				p++;
			}
			int paramsEnd = p;
			while (p < n && s.charAt(p) >= 0x20 && s.charAt(p) <= 0x2F) {
				p++;
			}
			if (p >= n) {
				return n;
			}
			char fin = s.charAt(p);
			if (fin < 0x40 || fin > 0x7E) {
				return p;
			}
			if (fin == 'm' && paramsEnd == p && isSgrParameters(s, i, paramsEnd)) {
				this.style = Sgr.apply(this.style, s.substring(i, paramsEnd));
			}
			return p + 1;
		}

		/** Skips an OSC, DCS, SOS, PM or APC string up to its BEL or ST, or to the end of the line. */
		private int skipString(String s, int i, int n) {
			for (int p = i; p < n; p++) {
				char c = s.charAt(p);
				if (c == BEL || c == C1_ST) {
					return p + 1;
				}
				if (c == ESC && p + 1 < n && s.charAt(p + 1) == '\\') {
					return p + 2;
				}
			}
			return n;
		}

		private static boolean isSgrParameters(String s, int from, int to) {
			for (int p = from; p < to; p++) {
				char c = s.charAt(p);
				if (!((c >= '0' && c <= '9') || c == ';' || c == ':')) {
					return false;
				}
			}
			return true;
		}

	}

	/**
	 * A text style. A colour is {@link #NONE}, a palette index with {@link #PALETTE} set, or an RGB value with
	 * {@link #RGB} set.
	 */
	private record Style(boolean bold, boolean dim, boolean italic, boolean underline, int fg, int bg) {

		static final int NONE = 0;

		static final int PALETTE = 1 << 24;

		static final int RGB = 1 << 25;

		static final Style PLAIN = new Style(false, false, false, false, NONE, NONE);

		void appendOpenTag(StringBuilder out) {
			out.append("<span");
			StringBuilder classes = new StringBuilder();
			addClass(classes, this.bold, "ansi-bold");
			addClass(classes, this.dim, "ansi-dim");
			addClass(classes, this.italic, "ansi-italic");
			addClass(classes, this.underline, "ansi-underline");
			addClass(classes, (this.fg & PALETTE) != 0, "ansi-fg-" + (this.fg & 0xFF));
			addClass(classes, (this.bg & PALETTE) != 0, "ansi-bg-" + (this.bg & 0xFF));
			if (!classes.isEmpty()) {
				out.append(" class=\"").append(classes).append('"');
			}
			if ((this.fg & RGB) != 0 || (this.bg & RGB) != 0) {
				out.append(" style=\"");
				if ((this.fg & RGB) != 0) {
					out.append("color:").append(hex(this.fg));
				}
				if ((this.bg & RGB) != 0) {
					out.append(((this.fg & RGB) != 0) ? ";" : "").append("background-color:").append(hex(this.bg));
				}
				out.append('"');
			}
			out.append('>');
		}

		private static void addClass(StringBuilder classes, boolean on, String name) {
			if (on) {
				classes.append(classes.isEmpty() ? "" : " ").append(name);
			}
		}

		private static String hex(int colour) {
			return String.format("#%06x", colour & 0xFFFFFF);
		}

	}

	/** Applies SGR parameters to a style, in the semicolon form and the ITU colon form of extended colours. */
	private static final class Sgr {

		private Sgr() {
		}

		static Style apply(Style style, String parameters) {
			String[] fields = parameters.split(";", -1);
			Style s = style;
			int i = 0;
			while (i < fields.length) {
				String field = fields[i++];
				if (field.indexOf(':') >= 0) {
					s = applyColonGroup(s, field.split(":", -1));
					continue;
				}
				int code = number(field);
				if (code == 38 || code == 48) {
					int[] colour = new int[1];
					int used = extendedColour(fields, i, colour);
					if (used < 0) {
						// An extended colour cut short: what follows cannot be told apart from its arguments.
						return s;
					}
					i += used;
					s = withColour(s, code == 38, colour[0]);
				}
				else {
					s = applyCode(s, code);
				}
			}
			return s;
		}

		/** Reads {@code 5;n} or {@code 2;r;g;b} at {@code i}; returns how many fields it took, or -1. */
		private static int extendedColour(String[] f, int i, int[] colour) {
			if (i >= f.length) {
				return -1;
			}
			int kind = number(f[i]);
			if (kind == 5 && i + 1 < f.length) {
				colour[0] = palette(number(f[i + 1]));
				return 2;
			}
			if (kind == 2 && i + 3 < f.length) {
				colour[0] = rgb(number(f[i + 1]), number(f[i + 2]), number(f[i + 3]));
				return 4;
			}
			return -1;
		}

		private static Style applyColonGroup(Style s, String[] sub) {
			int code = number(sub[0]);
			if (code == 4) {
				return new Style(s.bold(), s.dim(), s.italic(), sub.length < 2 || number(sub[1]) != 0, s.fg(), s.bg());
			}
			if ((code == 38 || code == 48) && sub.length >= 3) {
				int kind = number(sub[1]);
				if (kind == 5) {
					return withColour(s, code == 38, palette(number(sub[2])));
				}
				if (kind == 2 && sub.length >= 5) {
					// 38:2:r:g:b, or 38:2:<colour space>:r:g:b as ITU T.416 writes it.
					int at = (sub.length >= 6) ? 3 : 2;
					return withColour(s, code == 38, rgb(number(sub[at]), number(sub[at + 1]), number(sub[at + 2])));
				}
				return s;
			}
			return applyCode(s, code);
		}

		private static Style applyCode(Style s, int code) {
			if (code >= 30 && code <= 37) {
				return withColour(s, true, Style.PALETTE | (code - 30));
			}
			if (code >= 90 && code <= 97) {
				return withColour(s, true, Style.PALETTE | (code - 90 + 8));
			}
			if (code >= 40 && code <= 47) {
				return withColour(s, false, Style.PALETTE | (code - 40));
			}
			if (code >= 100 && code <= 107) {
				return withColour(s, false, Style.PALETTE | (code - 100 + 8));
			}
			return switch (code) {
				case 0 -> Style.PLAIN;
				case 1 -> new Style(true, s.dim(), s.italic(), s.underline(), s.fg(), s.bg());
				case 2 -> new Style(s.bold(), true, s.italic(), s.underline(), s.fg(), s.bg());
				case 3 -> new Style(s.bold(), s.dim(), true, s.underline(), s.fg(), s.bg());
				case 4 -> new Style(s.bold(), s.dim(), s.italic(), true, s.fg(), s.bg());
				case 22 -> new Style(false, false, s.italic(), s.underline(), s.fg(), s.bg());
				case 23 -> new Style(s.bold(), s.dim(), false, s.underline(), s.fg(), s.bg());
				case 24 -> new Style(s.bold(), s.dim(), s.italic(), false, s.fg(), s.bg());
				case 39 -> withColour(s, true, Style.NONE);
				case 49 -> withColour(s, false, Style.NONE);
				default -> s;
			};
		}

		private static Style withColour(Style s, boolean foreground, int colour) {
			return foreground ? new Style(s.bold(), s.dim(), s.italic(), s.underline(), colour, s.bg())
					: new Style(s.bold(), s.dim(), s.italic(), s.underline(), s.fg(), colour);
		}

		/** A 256-colour index; one out of range leaves the colour unset rather than guessing. */
		private static int palette(int index) {
			return (index <= 255) ? (Style.PALETTE | index) : Style.NONE;
		}

		private static int rgb(int r, int g, int b) {
			return Style.RGB | (Math.min(r, 255) << 16) | (Math.min(g, 255) << 8) | Math.min(b, 255);
		}

		/** The field's value, 0 when empty, saturating rather than overflowing on absurdly long digit runs. */
		private static int number(String field) {
			int v = 0;
			for (int i = 0; i < field.length(); i++) {
				v = Math.min(v * 10 + (field.charAt(i) - '0'), 100_000);
			}
			return v;
		}

	}

}
