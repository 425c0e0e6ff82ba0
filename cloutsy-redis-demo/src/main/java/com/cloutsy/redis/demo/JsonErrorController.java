package com.cloutsy.redis.demo;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The container's error page, {@code /error}, in the demo's JSON error body: what reaches it is a failure no
 * handler answered (an exception, or an error sent before Spring MVC). No exception text or stack trace is shown.
 */
@RestController
class JsonErrorController implements ErrorController {

  @RequestMapping("/error")
  ResponseEntity<Map<String, Object>> error(HttpServletRequest request) {
    Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
    HttpStatusCode status = HttpStatusCode.valueOf(code instanceof Integer number ? number : 500);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", ApiErrors.code(status));
    HttpStatus known = HttpStatus.resolve(status.value());
    Object path = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
    body.put("message", status.is5xxServerError() ? "The service failed to answer this request."
        : status.value() == 404 ? "Nothing answers " + request.getMethod() + " " + path + "."
        : "The request was refused" + (known == null ? "" : ": " + known.getReasonPhrase()) + ".");
    return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(body);
  }
}
