// The secrets panel (the spec's iron_dashboard SecretsPanel): no build step, no framework, no
// third party. The token lives in sessionStorage only (gone with the tab). Values typed in are
// sent once and never shown back; only masked values are ever displayed. All text goes through
// textContent, never innerHTML.

const TOKEN_KEY = 'iron-secrets-token';
const $ = (id) => document.getElementById(id);
let session = null;

async function api(method, path, body) {
  const headers = { authorization: `Bearer ${sessionStorage.getItem(TOKEN_KEY)}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 204) return null;
  const data = await response.json();
  if (!response.ok) throw new Error(`${data.error.message} (${data.error.code})`);
  return data;
}

function cell(text, className) {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

function button(label, onClick) {
  const element = document.createElement('button');
  element.type = 'button';
  element.textContent = label;
  element.addEventListener('click', onClick);
  return element;
}

function showError(error) {
  $('error').textContent = error ? String(error.message ?? error) : '';
}

function environment() {
  return $('environment').value;
}

async function loadSecrets() {
  showError(null);
  const body = $('secrets').tBodies[0];
  body.replaceChildren();
  $('alerts').replaceChildren();
  let secrets;
  try {
    secrets = await api('GET', `/api/secrets?environment=${encodeURIComponent(environment())}`);
  } catch (error) {
    showError(error);
    return;
  }
  for (const secret of secrets) {
    const row = document.createElement('tr');
    row.dataset.name = secret.name;
    row.append(
      cell(secret.name),
      cell(secret.value_masked, 'value'),
      cell(secret.environment),
      cell(secret.rotation_status, `status-${secret.rotation_status}`),
    );
    const actions = document.createElement('td');
    actions.className = 'admin-only';
    if (session.role === 'admin') {
      actions.append(
        button('Edit', () => editSecret(secret.name, 'Edit')),
        button('Rotate', () => editSecret(secret.name, 'Rotate')),
        button('Delete', () => deleteSecret(secret.name)),
      );
    }
    row.append(actions);
    body.append(row);
    if (secret.rotation_status !== 'ok') {
      const alert = document.createElement('div');
      alert.className = `alert ${secret.rotation_status}`;
      alert.textContent =
        secret.rotation_status === 'expired'
          ? `Secret expired: ${secret.name}`
          : `Secret rotation due: ${secret.name}`;
      $('alerts').append(alert);
    }
  }
}

function editSecret(name, verb) {
  const dialog = $('edit-dialog');
  $('edit-title').textContent = `${verb} ${name} (${environment()})`;
  $('edit-value').value = '';
  dialog.returnValue = '';
  dialog.onclose = async () => {
    const value = $('edit-value').value;
    $('edit-value').value = ''; // sent once, never kept or shown
    if (dialog.returnValue !== 'save' || value === '') return;
    try {
      await api('PUT', `/api/secrets/${encodeURIComponent(name)}`, { value, environment: environment() });
      await loadSecrets();
    } catch (error) {
      showError(error);
    }
  };
  dialog.showModal();
}

async function deleteSecret(name) {
  if (!window.confirm(`Delete ${name} from ${environment()}? This cannot be undone.`)) return;
  try {
    await api(
      'DELETE',
      `/api/secrets/${encodeURIComponent(name)}?environment=${encodeURIComponent(environment())}`,
    );
    await loadSecrets();
  } catch (error) {
    showError(error);
  }
}

async function loadAudit() {
  showError(null);
  const subject = $('audit-secret').value;
  const params = new URLSearchParams({ limit: $('audit-limit').value || '100' });
  // A token's and a master-key rotation's entries belong to no environment: filtering them by
  // the selected one would always show nothing.
  if (subject !== 'master-key' && !subject.startsWith('token:')) params.set('environment', environment());
  if (subject) params.set('secret_name', subject);
  const body = $('audit').tBodies[0];
  body.replaceChildren();
  try {
    for (const entry of await api('GET', `/api/secrets/audit?${params}`)) {
      const row = document.createElement('tr');
      row.append(
        cell(String(entry.id)),
        cell(entry.timestamp),
        // A READ says what it handed out: only READ (value) is a read of the plaintext.
        cell(entry.disclosure ? `${entry.operation} (${entry.disclosure})` : entry.operation),
        cell(entry.secret_name),
        cell(entry.environment ?? '-'),
        cell(`${entry.requester_role}:${entry.agent_id ?? entry.requester_id ?? '-'}`),
        cell(entry.success ? 'ok' : `failed: ${entry.error_message ?? ''}`),
      );
      body.append(row);
    }
  } catch (error) {
    showError(error);
  }
}

function showTab(name) {
  $('secrets-view').hidden = name !== 'secrets';
  $('audit-view').hidden = name !== 'audit';
  $('tab-secrets').classList.toggle('active', name === 'secrets');
  $('tab-audit').classList.toggle('active', name === 'audit');
  return name === 'secrets' ? loadSecrets() : loadAudit();
}

async function start() {
  try {
    session = await api('GET', '/api/session');
  } catch (error) {
    sessionStorage.removeItem(TOKEN_KEY);
    $('sign-in-error').textContent = String(error.message);
    return;
  }
  document.body.className = session.role;
  $('whoami').textContent = `${session.role} · token ${session.token_id}`;
  $('session').hidden = false;
  $('sign-in').hidden = true;
  $('panel').hidden = false;
  $('tab-audit').hidden = session.role === 'agent';
  await showTab('secrets');
}

$('sign-in').addEventListener('submit', (event) => {
  event.preventDefault();
  sessionStorage.setItem(TOKEN_KEY, $('token').value.trim());
  $('token').value = '';
  void start();
});
$('sign-out').addEventListener('click', () => {
  sessionStorage.removeItem(TOKEN_KEY);
  window.location.reload();
});
$('environment').addEventListener(
  'change',
  () => void showTab($('secrets-view').hidden ? 'audit' : 'secrets'),
);
$('tab-secrets').addEventListener('click', () => void showTab('secrets'));
$('tab-audit').addEventListener('click', () => void showTab('audit'));
$('audit-filters').addEventListener('submit', (event) => {
  event.preventDefault();
  void loadAudit();
});
$('verify').addEventListener('click', async () => {
  try {
    const result = await api('GET', '/api/secrets/audit/verify');
    $('verify-result').textContent = result.ok
      ? `Intact: ${result.entries} entries verified`
      : `BROKEN at entry ${result.first_bad_id}`;
  } catch (error) {
    showError(error);
  }
});
$('add').addEventListener('submit', async (event) => {
  event.preventDefault();
  const name = $('add-name').value;
  const value = $('add-value').value;
  $('add-value').value = ''; // sent once, never kept or shown
  try {
    await api('POST', '/api/secrets', { name, value, environment: environment() });
    $('add-name').value = '';
    await loadSecrets();
  } catch (error) {
    showError(error);
  }
});
if (sessionStorage.getItem(TOKEN_KEY)) void start();
