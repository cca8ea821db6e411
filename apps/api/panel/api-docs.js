// The API reference page: renders /api/openapi.json (every operation's summary, description,
// parameters, request example and every status with its example). No framework, no third party,
// nothing inline (the panel's CSP allows this origin's scripts and styles only), and every text
// goes in with textContent, never as HTML.

// The document needs a token, like every /api route: the one the panel keeps for this tab.
const token = sessionStorage.getItem('iron-secrets-token');

/** An element with a class and children (strings become text). */
function el(tag, className, ...children) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  node.append(...children);
  return node;
}

/** Text with `code` spans, as the document writes them. */
function prose(tag, className, text) {
  const node = el(tag, className);
  String(text ?? '')
    .split('`')
    .forEach((part, index) => {
      node.append(index % 2 === 1 ? el('code', '', part) : part);
    });
  return node;
}

/** An example as shown: a string as it is (an event stream), anything else as indented JSON. */
function example(value) {
  return el('pre', 'example', typeof value === 'string' ? value : JSON.stringify(value, null, 2));
}

function parameterTable(parameters) {
  const head = el('tr', '', el('th', '', 'name'), el('th', '', 'in'), el('th', '', 'required'));
  head.append(el('th', '', 'description'), el('th', '', 'example'));
  const table = el('table', 'parameters', el('thead', '', head));
  const body = el('tbody', '');
  for (const parameter of parameters) {
    const value = parameter.example ?? parameter.schema?.example;
    const row = el('tr', '', el('td', '', el('code', '', parameter.name)), el('td', '', parameter.in));
    row.append(
      el('td', '', parameter.required ? 'yes' : 'no'),
      prose('td', '', parameter.description ?? parameter.schema?.description ?? ''),
      el('td', '', value === undefined ? '' : el('code', '', String(value))),
    );
    body.append(row);
  }
  table.append(body);
  return table;
}

function responseBlock(status, response) {
  const block = el('div', `response status-${String(status)[0]}xx`);
  block.dataset.status = status;
  block.append(el('h4', '', el('span', 'status', status), ' ', prose('span', '', response.description)));
  for (const [name, header] of Object.entries(response.headers ?? {})) {
    block.append(
      el('p', 'header', 'Header ', el('code', '', name), ': ', prose('span', '', header.description ?? '')),
    );
  }
  for (const [type, media] of Object.entries(response.content ?? {})) {
    block.append(el('p', 'media', type));
    if (media.example !== undefined) block.append(example(media.example));
    for (const named of Object.values(media.examples ?? {})) block.append(example(named.value));
  }
  return block;
}

function operationSection(method, path, operation) {
  const section = el('section', 'operation');
  section.dataset.operation = `${method} ${path}`;
  section.id = `${method}-${path}`.replace(/[^\w-]+/g, '-');
  section.append(
    el('h2', '', el('span', `method method-${method}`, method.toUpperCase()), ' ', el('code', '', path)),
    el('p', 'summary', operation.summary ?? ''),
    prose('p', 'description', operation.description ?? ''),
  );
  const parameters = operation.parameters ?? [];
  if (parameters.length > 0) section.append(el('h3', '', 'Parameters'), parameterTable(parameters));
  const body = operation.requestBody?.content?.['application/json'];
  if (body !== undefined) {
    section.append(el('h3', '', 'Request body (application/json)'));
    if (body.example !== undefined) section.append(example(body.example));
  }
  section.append(el('h3', '', 'Responses'));
  for (const [status, response] of Object.entries(operation.responses ?? {})) {
    section.append(responseBlock(status, response));
  }
  return section;
}

fetch('/api/openapi.json', { headers: token ? { authorization: `Bearer ${token}` } : {} })
  .then((response) => {
    if (!response.ok) throw new Error('sign in on the panel first: the document needs a token');
    return response.json();
  })
  .then((openapi) => {
    document.getElementById('info').replaceChildren(prose('p', '', openapi.info?.description ?? ''));
    const contents = document.getElementById('contents');
    const container = document.getElementById('routes');
    for (const [path, operations] of Object.entries(openapi.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const section = operationSection(method, path, operation);
        container.append(section);
        const link = el('a', '', `${method.toUpperCase()} ${path}`);
        link.href = `#${section.id}`;
        contents.append(el('li', '', link, ` ${operation.summary ?? ''}`));
      }
    }
  })
  .catch((error) => {
    document.getElementById('routes').textContent = String(error.message);
  });
