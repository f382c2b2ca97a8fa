package io.berth.api.dockercompat;

import io.berth.error.EngineException;
import io.berth.error.ErrorKind;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * The one place where errors become Docker API responses: the kind's status and {@code {"message"}} with a
 * Content-Type of exactly {@code application/json}, which the docker CLI compares as a string.
 */
@RestControllerAdvice(basePackageClasses = DockerApiExceptionHandler.class)
class DockerApiExceptionHandler {

	private static final Log logger = LogFactory.getLog(DockerApiExceptionHandler.class);

	@ExceptionHandler(EngineException.class)
	ResponseEntity<ErrorResponse> engine(EngineException ex) {
		if (ex.kind() == ErrorKind.NOT_MODIFIED) {
			return ResponseEntity.status(HttpStatus.NOT_MODIFIED).build();
		}
		if (ex.kind() == ErrorKind.SYSTEM) {
			logger.error(ex.getMessage(), ex);
		}
		else if (logger.isDebugEnabled()) {
			logger.debug(ex.getMessage());
		}
		return body(ex.kind().status(), ex.getMessage());
	}

	@ExceptionHandler({ HttpMessageNotReadableException.class, MissingServletRequestParameterException.class,
			MethodArgumentTypeMismatchException.class })
	ResponseEntity<ErrorResponse> badRequest(Exception ex) {
		String message = (ex instanceof HttpMessageNotReadableException) ? "invalid JSON: " + rootMessage(ex)
				: ex.getMessage();
		return body(400, message);
	}

	@ExceptionHandler(HttpMediaTypeNotSupportedException.class)
	ResponseEntity<ErrorResponse> mediaType(HttpMediaTypeNotSupportedException ex) {
		return body(400, "Content-Type specified (" + ex.getContentType() + ") must be 'application/json'");
	}

	@ExceptionHandler({ NoResourceFoundException.class, HttpRequestMethodNotSupportedException.class })
	ResponseEntity<ErrorResponse> notFound(Exception ex) {
		return body(404, "page not found");
	}

	@ExceptionHandler(Exception.class)
	ResponseEntity<ErrorResponse> unexpected(Exception ex) {
		logger.error("unexpected error", ex);
		return body(500, "internal error: " + ex.getMessage());
	}

	static ResponseEntity<ErrorResponse> body(int status, String message) {
		return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(new ErrorResponse(message));
	}

	private static String rootMessage(Throwable ex) {
		Throwable t = ex;
		while (t.getCause() != null) {
			t = t.getCause();
		}
		String m = t.getMessage();
		return (m != null) ? m.lines().findFirst().orElse(m) : t.getClass().getSimpleName();
	}

}
