// The API reference page: lists the routes of /api/openapi.json. No framework, no third party.

// The document needs a token, like every /api route: the one the panel keeps for this tab.
const token = sessionStorage.getItem('iron-secrets-token');
fetch('/api/openapi.json', { headers: token ? { authorization: `Bearer ${token}` } : {} })
  .then((response) => {
    if (!response.ok) throw new Error('sign in on the panel first');
    return response.json();
  })
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
  })
  .catch((error) => {
    document.getElementById('routes').textContent = String(error.message);
  });
