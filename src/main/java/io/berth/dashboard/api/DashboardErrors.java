package io.berth.dashboard.api;

import java.util.LinkedHashMap;
import java.util.Map;

import io.berth.error.EngineException;
import io.berth.error.ErrorKind;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/**
 * The dashboard's JSON endpoints answer errors as the Docker API does, {@code {"message"}} with the kind's status,
 * plus the field of a refused run-form value.
 */
@RestControllerAdvice(basePackageClasses = DashboardErrors.class)
class DashboardErrors {

	private static final Log logger = LogFactory.getLog(DashboardErrors.class);

	@ExceptionHandler(EngineException.class)
	ResponseEntity<Map<String, String>> engine(EngineException ex) {
		if (ex.kind() == ErrorKind.SYSTEM) {
			logger.error(ex.getMessage(), ex);
		}
		Map<String, String> body = new LinkedHashMap<>();
		body.put("message", ex.getMessage());
		if (ex instanceof FieldException f) {
			body.put("field", f.field());
		}
		return ResponseEntity.status((ex.kind() == ErrorKind.NOT_MODIFIED) ? 409 : ex.kind().status()).body(body);
	}

	@ExceptionHandler({ HttpMessageNotReadableException.class, MissingServletRequestParameterException.class,
			MethodArgumentTypeMismatchException.class, IllegalArgumentException.class })
	ResponseEntity<Map<String, String>> badRequest(Exception ex) {
		String message = (ex instanceof HttpMessageNotReadableException) ? "invalid JSON in the request" : ex.getMessage();
		return ResponseEntity.status(400).body(Map.of("message", String.valueOf(message)));
	}

	@ExceptionHandler(Exception.class)
	ResponseEntity<Map<String, String>> unexpected(Exception ex) {
		logger.error("dashboard request failed", ex);
		return ResponseEntity.status(500).body(Map.of("message", "internal error: " + ex.getMessage()));
	}

}
