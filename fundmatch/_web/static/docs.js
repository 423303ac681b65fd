// Interactive API docs (Swagger UI, served from this server) on the OpenAPI document of this server.
window.addEventListener("DOMContentLoaded", function () {
  if (!window.SwaggerUIBundle) return;
  window.SwaggerUIBundle({ url: "/api/openapi.json", dom_id: "#swagger-ui", deepLinking: false });
});
