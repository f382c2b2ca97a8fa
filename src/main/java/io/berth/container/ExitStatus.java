package io.berth.container;

/** What {@code /wait} reports: the exit code, and an error message when the container could not run. */
public record ExitStatus(int statusCode, String error) {
}
