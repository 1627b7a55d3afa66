// Starts Swagger UI on the service's OpenAPI document (a file, not an inline script: see the CSP).
window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  validatorUrl: null,
});
