// The API reference at /api/docs: Swagger UI showing the API's own OpenAPI document. A file of
// its own rather than an inline script, so that the page's policy allows this site's scripts only.
window.ui = SwaggerUIBundle({
  url: '/api/v1/openapi.json',
  dom_id: '#swagger-ui',
  // Otherwise the page asks validator.swagger.io for a badge.
  validatorUrl: null,
  deepLinking: true,
});
