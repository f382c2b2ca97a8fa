package io.berth.logs.view;

import java.util.regex.Matcher;

import io.berth.error.InvalidParameterException;

/**
 * A filter applied for one request. The search pattern runs against a text that counts its {@code charAt} calls, so
 * a pattern that backtracks catastrophically fails the request instead of holding a thread. The budget grows with
 * the text searched, so big logs are searchable with any pattern whose cost is near-linear in the text.
 */
final class Search {

	static final long BASE_BUDGET = 10_000_000;

	static final long BUDGET_PER_CHAR = 256;

	private final LogFilter filter;

	private final CountedText text;

	private final Matcher matcher;

	Search(LogFilter filter) {
		this(filter, BASE_BUDGET);
	}

	Search(LogFilter filter, long budget) {
		this.filter = filter;
		this.text = new CountedText(budget);
		this.matcher = (filter.query() != null) ? filter.query().matcher("") : null;
	}

	LogFilter filter() {
		return this.filter;
	}

	/** Whether the record passes the filter; throws a 400 error when the pattern has spent its budget. */
	boolean accepts(LogRecord record) {
		if (!this.filter.acceptsStream(record.stderr()) || !this.filter.acceptsTime(record.instant())) {
			return false;
		}
		if (this.matcher == null) {
			return true;
		}
		String plain = record.plainText();
		this.text.reset(plain);
		this.matcher.reset(this.text);
		try {
			return this.matcher.find();
		}
		catch (StackOverflowError ex) {
			// java.util.regex recurses per repetition, so some patterns overflow on long lines instead of looping.
			throw tooExpensive();
		}
	}

	static InvalidParameterException tooExpensive() {
		return new InvalidParameterException("search pattern too expensive: simplify it (avoid nested repetition)");
	}

	/** A line's text that throws once the request has read more characters than its budget allows. */
	private static final class CountedText implements CharSequence {

		private String text = "";

		private long remaining;

		CountedText(long budget) {
			this.remaining = budget;
		}

		void reset(String text) {
			this.text = text;
			this.remaining += BUDGET_PER_CHAR * text.length();
		}

		@Override
		public int length() {
			return this.text.length();
		}

		@Override
		public char charAt(int index) {
			if (--this.remaining < 0) {
				throw tooExpensive();
			}
			return this.text.charAt(index);
		}

		@Override
		public CharSequence subSequence(int start, int end) {
			return this.text.subSequence(start, end);
		}

		@Override
		public String toString() {
			return this.text;
		}

	}

}
