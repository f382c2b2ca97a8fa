/**
 * The dashboard's users: names, hashed passwords and roles kept in JPA, the first admin's bootstrap, and the checks
 * of a password. Nothing here knows HTTP; the dashboard's sign-in uses it.
 */
package io.berth.users;
