// The API reference page: lists the routes of /api/openapi.json. No framework, no third party.

fetch('/api/openapi.json')
  .then((response) => response.json())
  .then((openapi) => {
    const container = document.getElementById('routes');
    for (const [path, operations] of Object.entries(openapi.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const section = document.createElement('section');
        const title = document.createElement('h2');
        title.textContent = `${method.toUpperCase()} ${path}`;
        const codes = document.createElement('p');
        codes.textContent = `Responses: ${Object.keys(operation.responses ?? {}).join(', ')}`;
        section.append(title, codes);
        container.append(section);
      }
    }
  });
