/**
 * The dashboard's log views over json-file logs: pages of filtered lines rendered as safe HTML, downloads, merged
 * views of several containers, and following through one shared inotify watch. Depends only on {@code error}.
 */
package io.berth.logs.view;
