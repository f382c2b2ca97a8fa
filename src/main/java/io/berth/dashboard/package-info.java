/**
 * The web dashboard: the second front end over the features, beside the Docker API. Pages under {@code /ui/},
 * rendered by Thymeleaf from {@code frontend/templates}; JSON under {@code /ui/api/}; one multiplexed WebSocket
 * per tab at {@code /ui/ws} for live rows, events, logs, stats and terminals. Only served on {@code server.port},
 * and only to signed-in users (see {@code dashboard.security}).
 */
package io.berth.dashboard;
