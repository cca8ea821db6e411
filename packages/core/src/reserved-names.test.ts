import { freshDatabase } from '@iron/secrets-storage/testing';
import { describe, expect, it } from 'vitest';
import { copyDatabase } from './copy-database.js';
import { SECRET_NAME_PATTERN } from './limits.js';
import { isReservedSecretName, RESERVED_NAME_RULES, reservedNameReason } from './reserved-names.js';
import { fileManager, insertUncheckedSecret, memoryManager, onCleanup } from './test-support.js';

/** Names the issue and R10 list by name, and the research added: each must be refused. */
const RESERVED = [
  // Loaders and the C library.
  'LD_PRELOAD',
  'LD_LIBRARY_PATH',
  'LD_AUDIT',
  'DYLD_INSERT_LIBRARIES',
  'DYLD_LIBRARY_PATH',
  'GCONV_PATH',
  'GLIBC_TUNABLES',
  'MALLOC_CHECK_',
  'MALLOC_CONF',
  'GETCONF_DIR',
  'LOCPATH',
  'NLSPATH',
  'HOSTALIASES',
  'RES_OPTIONS',
  'LOCALDOMAIN',
  // Node.js and Deno.
  'NODE_OPTIONS',
  'NODE_PATH',
  'NODE_EXTRA_CA_CERTS',
  'NODE_TLS_REJECT_UNAUTHORIZED',
  'NODE_REPL_EXTERNAL_MODULE',
  'DENO_CERT',
  // Python.
  'PYTHONPATH',
  'PYTHONSTARTUP',
  'PYTHONHOME',
  'PYTHONUSERBASE',
  'PYTHONINSPECT',
  'PYTHONPLATLIBDIR',
  'PYTHONSAFEPATH',
  'PYTHONEXECUTABLE',
  'PYTHONBREAKPOINT',
  'PYTHONWARNINGS',
  'PYTHONPYCACHEPREFIX',
  'PYTHONHTTPSVERIFY',
  // Other runtimes.
  'PERL5LIB',
  'PERL5OPT',
  'PERL5DB',
  'PERLLIB',
  'RUBYOPT',
  'RUBYLIB',
  'GEM_PATH',
  'CLASSPATH',
  'JAVA_TOOL_OPTIONS',
  '_JAVA_OPTIONS',
  'JDK_JAVA_OPTIONS',
  'DOTNET_STARTUP_HOOKS',
  'DOTNET_ADDITIONAL_DEPS',
  'CORECLR_ENABLE_PROFILING',
  'CORECLR_PROFILER_PATH',
  'COMPLUS_ENABLEDIAGNOSTICS',
  'COR_PROFILER_PATH',
  'LUA_INIT',
  'LUA_PATH_5_4',
  'PHPRC',
  'ERL_AFLAGS',
  'GODEBUG',
  // Shells.
  'BASH_ENV',
  'ENV',
  'BASH_FUNC_ls',
  'SHELLOPTS',
  'BASHOPTS',
  'PS4',
  'PS1',
  'PROMPT_COMMAND',
  'IFS',
  'ZDOTDIR',
  'CDPATH',
  'FPATH',
  'SHELL',
  'LESSOPEN',
  'LESSCLOSE',
  'EDITOR',
  'VISUAL',
  'PAGER',
  'BROWSER',
  // Lookup and trust.
  'PATH',
  'HOME',
  'XDG_CONFIG_HOME',
  'http_proxy',
  'HTTP_PROXY',
  'https_proxy',
  'HTTPS_PROXY',
  'all_proxy',
  'ALL_PROXY',
  'no_proxy',
  'NO_PROXY',
  'ftp_proxy',
  'FTP_PROXY',
  'grpc_proxy',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'SSLKEYLOGFILE',
  'OPENSSL_CONF',
  'OPENSSL_MODULES',
  'REQUESTS_CA_BUNDLE',
  'CURL_CA_BUNDLE',
  'AWS_CA_BUNDLE',
  'SSH_ASKPASS',
  'SUDO_ASKPASS',
  'SSH_AUTH_SOCK',
  // git.
  'GIT_SSH_COMMAND',
  'GIT_SSH',
  'GIT_ASKPASS',
  'GIT_EXEC_PATH',
  'GIT_CONFIG',
  'GIT_CONFIG_GLOBAL',
  'GIT_CONFIG_SYSTEM',
  'GIT_CONFIG_NOSYSTEM',
  'GIT_CONFIG_COUNT',
  'GIT_CONFIG_KEY_0',
  'GIT_CONFIG_VALUE_0',
  'GIT_CONFIG_PARAMETERS',
  'GIT_EDITOR',
  'GIT_SEQUENCE_EDITOR',
  'GIT_PAGER',
  'GIT_EXTERNAL_DIFF',
  'GIT_PROXY_COMMAND',
  'GIT_TEMPLATE_DIR',
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_SSL_NO_VERIFY',
  'GIT_SSL_CAINFO',
  'GIT_TRACE',
  'GIT_TRACE_CURL',
  'GIT_ALLOW_PROTOCOL',
  // Found by attacking the table: git runs GIT_TEST_FSMONITOR on every `git status`; npm passes
  // npm_config_node_options to the Node of every `npm start`.
  'GIT_TEST_FSMONITOR',
  'npm_config_node_options',
  'NPM_CONFIG_SCRIPT_SHELL',
  'COREPACK_NPM_REGISTRY',
  'JAVA_OPTS',
  'MAVEN_OPTS',
  'RUSTC_WRAPPER',
  'RUBYGEMS_GEMDEPS',
  'SYSTEMD_PAGER',
  'SUDO_EDITOR',
  'VIMINIT',
  'SSH_SK_PROVIDER',
  'KRB5_CONFIG',
  'DOCKER_HOST',
  'DBUS_SESSION_BUS_ADDRESS',
  '__proto__',
  // Ours.
  'IRON_SECRETS_DB',
  'IRON_SECRETS_ENDPOINT',
  'IRON_SECRETS_AGENT_TOKEN',
  'IRON_SECRETS_ANYTHING_NEW',
  'IRON_CAGE_MASTER_KEY',
  'IRON_CAGE_MASTER_KEY_FILE',
];

/** Ordinary names that share a prefix or a word with a reserved one: each must stay allowed. */
const ALLOWED = [
  'OPENAI_API_KEY',
  'NPM_TOKEN',
  'DOCKER_PASSWORD',
  'GIT_TESTS_TOKEN',
  'GIT_TOKEN',
  'GIT_USERNAME',
  'GIT_PASSWORD',
  'GIT_AUTHOR_NAME',
  'GITHUB_TOKEN',
  'PYTHONANYWHERE_API_TOKEN',
  'PYTHONUNBUFFERED',
  'PYTHONDONTWRITEBYTECODE',
  'IRON_TOKEN',
  'IRON_SECRET',
  'IRONSECRETS_KEY',
  'NODE_ENV',
  'NODE_AUTH_TOKEN',
  'LDAP_PASSWORD',
  'LD',
  'DYLDX',
  'MALLOC',
  'PATH_TO_MODEL',
  'MYPATH',
  'ENVIRONMENT',
  'ENV_NAME',
  'HOME_URL',
  'PAGERDUTY_TOKEN',
  'EDITOR_API_KEY',
  'SSL_KEY_PASSWORD',
  'OPENSSL_PASSPHRASE',
  'RESIDENTIAL_PROXY',
  'PROXY_URL',
  'SHELL_TOKEN',
  'JAVA_HOME',
  'DATABASE_URL',
  'AWS_SECRET_ACCESS_KEY',
  'NPM_TOKEN',
  '_private_KEY_2',
];

describe('reserved names (R10): the table', () => {
  it.each(RESERVED)('%s is reserved, with a reason', (name) => {
    expect(isReservedSecretName(name)).toBe(true);
    expect(reservedNameReason(name)).toMatch(/\w{3,}/);
  });

  it.each(ALLOWED)('%s is allowed', (name) => {
    expect(isReservedSecretName(name)).toBe(false);
    expect(reservedNameReason(name)).toBeUndefined();
  });

  it('compares ignoring ASCII case: proxies are read in either case, Windows ignores case', () => {
    for (const name of ['http_proxy', 'Http_Proxy', 'node_options', 'Path', 'ld_preload', 'iron_cage_x']) {
      expect(isReservedSecretName(name), name).toBe(true);
    }
  });

  it('never folds non-ASCII letters into reserved ones (the dotless ı would upper-case to I)', () => {
    expect(isReservedSecretName('ıFS')).toBe(false);
    expect(isReservedSecretName('PATH\u0130')).toBe(false);
  });

  it('reserves exported bash functions even in the form the name pattern refuses', () => {
    expect(isReservedSecretName('BASH_FUNC_x%%')).toBe(true);
    expect(isReservedSecretName('BASH_FUNC_x()')).toBe(true);
  });

  it('says why, naming the prefix when a prefix matched', () => {
    expect(reservedNameReason('LD_PRELOAD')).toMatch(/loader/);
    expect(reservedNameReason('LD_ANYTHING')).toContain('LD_');
    expect(reservedNameReason('NODE_OPTIONS')).toMatch(/Node/);
  });

  it('holds upper-case names that match the name pattern, each reason a sentence', () => {
    for (const rule of RESERVED_NAME_RULES) {
      expect(rule.why).toMatch(/^\S.{20,}[^.]$/);
      for (const entry of [...rule.names, ...rule.prefixes]) {
        expect(entry).toBe(entry.toUpperCase());
        expect(SECRET_NAME_PATTERN.test(entry), entry).toBe(true);
      }
    }
    const names = RESERVED_NAME_RULES.flatMap((rule) => rule.names);
    expect(new Set(names).size).toBe(names.length);
  });

  it('is frozen: no caller can widen what is allowed', () => {
    expect(Object.isFrozen(RESERVED_NAME_RULES)).toBe(true);
    for (const rule of RESERVED_NAME_RULES) {
      expect(Object.isFrozen(rule)).toBe(true);
      expect(Object.isFrozen(rule.names)).toBe(true);
      expect(Object.isFrozen(rule.prefixes)).toBe(true);
    }
  });
});

describe('reserved names (R10): refused wherever a secret is written', () => {
  it.each([
    ['NODE_OPTIONS', 'NODE_OPTIONS is a reserved name: Node.js'],
    ['LD_PRELOAD', 'names starting with LD_ are reserved: the dynamic loader'],
    ['PATH', 'PATH is a reserved name'],
    ['https_proxy', 'https_proxy is a reserved name'],
    ['IRON_CAGE_MASTER_KEY', 'names starting with IRON_CAGE_ are reserved: Iron Secrets'],
  ])(
    'createSecret, setSecret, updateSecret and importSecrets refuse %s, changing nothing',
    async (name, says) => {
      const { manager } = await fileManager();
      const refused = { code: 'RESERVED_SECRET_NAME', message: expect.stringContaining(says) };
      await expect(manager.createSecret(name, 'attacker-value-1', 'staging')).rejects.toMatchObject(refused);
      await expect(manager.setSecret(name, 'attacker-value-1', 'staging')).rejects.toMatchObject(refused);
      await expect(
        manager.updateSecret(name, 'attacker-value-1', { environment: 'staging' }),
      ).rejects.toMatchObject(refused);
      await expect(
        manager.importSecrets(
          [
            { name: 'FINE_KEY', value: 'fine-value-1' },
            { name, value: 'attacker-value-1' },
          ],
          'staging',
        ),
      ).rejects.toMatchObject({ code: 'RESERVED_SECRET_NAME', message: expect.stringMatching(/^entry 2: /) });
      expect(await manager.listSecrets('admin', 'staging')).toEqual([]);
      expect(await manager.changesSince(0)).toEqual([]);
    },
  );

  it('never puts the value in the message, nor a name matched only by its prefix', async () => {
    const manager = await memoryManager();
    const error = await manager
      .createSecret('NODE_OPTIONS', '--require=/tmp/evil.js', 'staging')
      .catch((e) => e);
    expect(error.code).toBe('RESERVED_SECRET_NAME');
    expect(error.message).not.toContain('evil');
    // A value typed where the name belongs, which happens to start with a reserved prefix.
    const typo = await manager.createSecret('LD_s3cr3tValue9', 'value-1', 'staging').catch((e) => e);
    expect(typo.code).toBe('RESERVED_SECRET_NAME');
    expect(typo.message).not.toContain('s3cr3t');
  });

  it('checks the name pattern first: a malformed name is INVALID_SECRET_NAME, not reserved', async () => {
    const manager = await memoryManager();
    await expect(manager.createSecret('BASH_FUNC_x%%', 'value-1', 'staging')).rejects.toMatchObject({
      code: 'INVALID_SECRET_NAME',
    });
    await expect(
      manager.importSecrets(
        [
          { name: 'LD_PRELOAD', value: 'v-1' },
          { name: 'bad-name', value: 'v-2' },
        ],
        'staging',
      ),
    ).rejects.toMatchObject({ code: 'RESERVED_SECRET_NAME' });
  });

  it('refuses a reserved name to every role, before the access check', async () => {
    const manager = await memoryManager();
    await expect(
      manager.createSecret('PYTHONPATH', 'value-12345', 'staging', { requester: 'viewer' }),
    ).rejects.toMatchObject({ code: 'RESERVED_SECRET_NAME' });
  });

  it('accepts the look-alikes', async () => {
    const manager = await memoryManager();
    for (const name of ['GIT_TOKEN', 'PYTHONANYWHERE_API_TOKEN', 'IRON_TOKEN', 'NODE_ENV']) {
      await manager.createSecret(name, 'ordinary-value', 'staging');
    }
    expect((await manager.listSecrets('admin', 'staging')).length).toBe(4);
  });
});

describe('reserved names (R10): a row written before the rule', () => {
  it('can still be read, listed and deleted, so that it can be cleaned up', async () => {
    const { manager, database, masterKey } = await fileManager();
    await insertUncheckedSecret(database, masterKey, 'staging', 'PATH', '/tmp/evil-bin');
    expect(await manager.getSecret('PATH', 'admin', { environment: 'staging' })).toBe('/tmp/evil-bin');
    expect((await manager.listSecrets('admin', 'staging')).map((s) => s.name)).toEqual(['PATH']);
    await expect(manager.updateSecret('PATH', 'other-value-1')).rejects.toMatchObject({
      code: 'RESERVED_SECRET_NAME',
    });
    await manager.deleteSecret('PATH', { environment: 'staging' });
    expect(await manager.listSecrets('admin', 'staging')).toEqual([]);
  });

  it('is carried by copyDatabase, with a warning naming it', async () => {
    const { manager, database, masterKey } = await fileManager();
    await manager.createSecret('OPENAI_API_KEY', 'sk-ordinary-value', 'production');
    await insertUncheckedSecret(database, masterKey, 'staging', 'PATH', '/tmp/evil-bin');
    await insertUncheckedSecret(database, masterKey, 'production', 'NODE_OPTIONS', '--require=/x.js');
    await manager.close();
    const target = await freshDatabase();
    onCleanup(() => target.drop());
    const report = await copyDatabase(database, target.location);
    expect(report.secrets).toBe(3);
    expect(report.warnings).toHaveLength(2);
    expect(report.warnings.join('\n')).toMatch(/NODE_OPTIONS \(production\)/);
    expect(report.warnings.join('\n')).toMatch(/PATH \(staging\)/);
    expect(report.warnings.join('\n')).not.toContain('evil');
    const copy = await fileManager({ database: target.location, masterKey });
    expect(await copy.manager.getSecret('PATH', 'admin', { environment: 'staging' })).toBe('/tmp/evil-bin');
  });

  it('copyDatabase has no warnings when every name is allowed', async () => {
    const { manager, database } = await fileManager();
    await manager.createSecret('OPENAI_API_KEY', 'sk-ordinary-value', 'production');
    await manager.close();
    const target = await freshDatabase();
    onCleanup(() => target.drop());
    expect((await copyDatabase(database, target.location)).warnings).toEqual([]);
  });
});
