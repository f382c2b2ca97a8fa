package io.berth.dashboard.web;

import io.berth.error.EngineException;

import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;

import jakarta.servlet.http.HttpServletResponse;

/** A page that cannot be shown (an unknown container, say) says why on the error page, with the kind's status. */
@ControllerAdvice(basePackageClasses = PageErrors.class)
class PageErrors {

	@ExceptionHandler(EngineException.class)
	String engine(EngineException ex, Model model, HttpServletResponse response) {
		response.setStatus(ex.kind().status());
		model.addAttribute("status", ex.kind().status());
		model.addAttribute("message", ex.getMessage());
		return "ui/error";
	}

}
