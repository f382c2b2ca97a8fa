package io.berth.dashboard.security;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import io.berth.users.Role;

/**
 * The least role a dashboard handler needs. Without it, reads need a viewer and every other method an admin, so a
 * handler that forgets to say fails closed.
 */
@Target({ ElementType.METHOD, ElementType.TYPE })
@Retention(RetentionPolicy.RUNTIME)
public @interface RequiresRole {

	Role value();

}
