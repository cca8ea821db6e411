/**
 * @module reserved-names
 * Names a secret may never have (R10). A secret's name becomes an environment variable of every
 * agent it is injected into, so a name that a program reads before the agent's own code runs, to
 * decide what code to load, what to trust or where to send traffic, would turn write access to
 * one secret into code execution in every agent of that environment (and, in embedded mode, a
 * route to the master key). Such names are refused wherever a secret is written, never injected
 * when found anyway, and left out of an export.
 *
 * The rule: a name is reserved when a dynamic loader, a language runtime, a shell, a TLS stack,
 * git, or Iron Secrets itself reads it to decide what code to load, what to trust or where to
 * send traffic; so are the few variables that make tools agents commonly run start a program
 * (`EDITOR`, `PAGER`, `BROWSER`). Ordinary names that merely share a prefix (`GIT_TOKEN`,
 * `PYTHONANYWHERE_API_TOKEN`, `IRON_TOKEN`, `NODE_ENV`) stay allowed: a prefix is reserved only
 * where the reader takes every name that starts with it (`LD_*`, `GIT_CONFIG_*`).
 *
 * Names are compared ignoring ASCII case: curl and Python read the proxy variables in either case,
 * Windows ignores case altogether, and GitHub's runner refuses `NODE_OPTIONS` in `$GITHUB_ENV` the
 * same way. This table is generated into both agent helpers (the Python `iron_secrets_reserved.py`
 * and the Node `reserved-names.generated.ts` of the runtime injector); a test keeps them equal.
 *
 * Not reserved, on purpose: package indexes' settings (`PIP_INDEX_URL`, `GOPROXY`, `GOFLAGS`),
 * which act only when an agent installs or builds, and several of which are secrets themselves
 * (an index URL with its credentials); `TMPDIR`, `TZ` and locale names, which choose data, not
 * code. (`NPM_CONFIG_*` is reserved: npm passes node-options to every `npm start`.)
 */

/** One group of reserved names, and why a program reading them makes them dangerous. */
export interface ReservedNameRule {
  /** Exact names, upper case; compared ignoring ASCII case. */
  readonly names: readonly string[];
  /** Every name starting with one of these (upper case, ignoring ASCII case) is reserved. */
  readonly prefixes: readonly string[];
  /** Who reads the variable and what for: the reason a refusal gives. */
  readonly why: string;
}

function rule(why: string, names: readonly string[], prefixes: readonly string[] = []): ReservedNameRule {
  return Object.freeze({ names: Object.freeze([...names]), prefixes: Object.freeze([...prefixes]), why });
}

/**
 * Every reserved name, by who reads it. Each `why` completes the sentence "NAME is reserved: ...".
 *
 * @example
 * ```ts
 * RESERVED_NAME_RULES.flatMap((rule) => rule.names).includes('NODE_OPTIONS'); // true
 * ```
 */
export const RESERVED_NAME_RULES: readonly ReservedNameRule[] = Object.freeze([
  // LD_PRELOAD / DYLD_INSERT_LIBRARIES load any shared library into every dynamically linked
  // program, before main(): the oldest way to run code in a process one can only give variables.
  rule(
    'the dynamic loader reads it to choose which libraries to load into every program it starts',
    [],
    ['LD_', 'DYLD_'],
  ),
  // The C library loads conversion modules (shared objects) from GCONV_PATH (CVE-2021-4034) and
  // runs programs from GETCONF_DIR; GLIBC_TUNABLES (CVE-2023-4911) and the allocator's MALLOC_*
  // variables tune the loader and heap of every program. glibc ignores all of them in setuid
  // programs for that reason (its UNSECURE_ENVVARS list).
  rule(
    'the C library reads it to load modules, run helper programs or tune its loader and allocator (glibc ignores it in setuid programs for that reason)',
    ['GCONV_PATH', 'GETCONF_DIR', 'GLIBC_TUNABLES'],
    ['MALLOC_'],
  ),
  // Message catalogues are printf formats: a catalogue of the attacker's is a format-string attack
  // on every program that prints a localised message.
  rule('the C library loads locale data and message catalogues (format strings) from where it says', [
    'LOCPATH',
    'MUSL_LOCPATH',
    'NLSPATH',
  ]),
  // Name resolution decides which address a host name means: where every request goes.
  rule("the C library's resolver reads it to decide which address a host name means", [
    'HOSTALIASES',
    'LOCALDOMAIN',
    'RES_OPTIONS',
    'RESOLV_HOST_CONF',
    'NIS_PATH',
  ]),
  // NODE_OPTIONS=--require=/path (or --import=data:...) runs code in every Node process; this is
  // the one name GitHub's runner refuses in $GITHUB_ENV.
  rule(
    'Node.js reads it at start-up to choose code to preload or where modules and cached compiled code are found (NODE_OPTIONS=--require runs any file in every Node process)',
    ['NODE_OPTIONS', 'NODE_PATH', 'NODE_REPL_EXTERNAL_MODULE', 'NODE_COMPILE_CACHE'],
  ),
  rule(
    'Node.js reads it to decide which TLS certificates to trust, or whether to send requests through a proxy',
    ['NODE_EXTRA_CA_CERTS', 'NODE_TLS_REJECT_UNAUTHORIZED', 'NODE_USE_SYSTEM_CA', 'NODE_USE_ENV_PROXY'],
  ),
  rule('Deno reads it to decide which certificates to trust or where its compiled modules are cached', [
    'DENO_CERT',
    'DENO_TLS_CA_STORE',
    'DENO_DIR',
  ]),
  // PYTHONWARNINGS=ignore::mod.Cat and PYTHONBREAKPOINT=mod.func import the module they name;
  // PYTHONPATH, PYTHONHOME, PYTHONUSERBASE (its .pth files run code at start-up) and the rest
  // choose where every import comes from. PYTHONUNBUFFERED and the like change no code: allowed.
  rule(
    'Python reads it to decide which modules to import or which code to run (PYTHONWARNINGS and PYTHONBREAKPOINT import the module they name)',
    [
      'PYTHONPATH',
      'PYTHONHOME',
      'PYTHONSTARTUP',
      'PYTHONUSERBASE',
      'PYTHONNOUSERSITE',
      'PYTHONINSPECT',
      'PYTHONPLATLIBDIR',
      'PYTHONSAFEPATH',
      'PYTHONEXECUTABLE',
      'PYTHONBREAKPOINT',
      'PYTHONWARNINGS',
      'PYTHONPYCACHEPREFIX',
      'PYTHONCASEOK',
      'PYTHON_FROZEN_MODULES',
      'PYTHON_PRESITE',
    ],
  ),
  // PERL5OPT=-Mmodule loads a module in every Perl process; PERL5DB is code the debugger runs.
  rule(
    'Perl reads it to choose modules to load, options to start with or debugger code to run',
    ['PERLLIB', 'PERLDB_OPTS'],
    ['PERL5'],
  ),
  rule('Ruby reads it to choose libraries to load, options to start with or where gems are found', [
    'RUBYOPT',
    'RUBYLIB',
    'RUBYPATH',
    'RUBYSHELL',
    'GEM_HOME',
    'GEM_PATH',
  ]),
  // -javaagent: in any of the three options variables loads code into every JVM.
  rule('the Java VM reads it for start-up options (-javaagent loads code) or where classes are loaded from', [
    'CLASSPATH',
    'JAVA_TOOL_OPTIONS',
    '_JAVA_OPTIONS',
    'JDK_JAVA_OPTIONS',
  ]),
  // The .NET host and runtime read every DOTNET_* and COMPlus_* setting; startup hooks and
  // profilers are code (a profiler is a native library) loaded into every .NET process.
  rule(
    '.NET reads it to load startup hooks, profilers (native libraries) or runtime settings',
    ['COR_ENABLE_PROFILING'],
    ['DOTNET_', 'COMPLUS_', 'CORECLR_', 'COR_PROFILER'],
  ),
  rule(
    'Lua runs LUA_INIT at start-up and loads modules from the paths the others name',
    [],
    ['LUA_INIT', 'LUA_PATH', 'LUA_CPATH'],
  ),
  // php.ini can set auto_prepend_file: any file run before every script.
  rule('PHP loads its configuration from there, which can prepend any file to every script', [
    'PHPRC',
    'PHP_INI_SCAN_DIR',
  ]),
  rule('the Erlang VM reads it for start-up flags (-eval runs code) or where applications are loaded from', [
    'ERL_AFLAGS',
    'ERL_FLAGS',
    'ERL_ZFLAGS',
    'ERL_LIBS',
    'ELIXIR_ERL_OPTIONS',
  ]),
  // x509sha1=1, tlsrsakex=1 and others re-enable what Go's TLS stack refuses by default.
  rule("Go programs read it for runtime settings, some of which weaken Go's TLS certificate checks", [
    'GODEBUG',
  ]),
  // Every non-interactive bash runs $BASH_ENV first; sh and ksh run $ENV; zsh runs the start-up
  // files of $ZDOTDIR (its .zshenv even for scripts).
  rule('a shell runs the start-up file it names before any command', ['BASH_ENV', 'ENV', 'ZDOTDIR']),
  // BASH_FUNC_name%% is how bash exports a function: an imported `ls` or `git` function runs
  // instead of the program in every bash script (Shellshock's road). Names with %% already fail
  // the name pattern; the prefix also catches the form a hostile server could send.
  rule(
    'bash imports it as a function definition that runs instead of the command it is named after',
    [],
    ['BASH_FUNC_'],
  ),
  // SHELLOPTS=xtrace with PS4='$(cmd)' runs cmd at every line of every bash script; the prompts
  // and PROMPT_COMMAND run in interactive shells.
  rule(
    'bash reads it at start-up to set options or prompts, which it expands with command substitution (SHELLOPTS=xtrace with PS4=$(...) runs code in every bash script)',
    ['SHELLOPTS', 'BASHOPTS', 'PS0', 'PS1', 'PS2', 'PS3', 'PS4', 'PROMPT_COMMAND'],
  ),
  rule('a shell splits every command line on it (bash and dash reset it at start-up; other shells may not)', [
    'IFS',
  ]),
  rule('a shell reads it to decide which directory, command, function or loadable builtin a name means', [
    'CDPATH',
    'EXECIGNORE',
    'FPATH',
    'BASH_LOADABLES_PATH',
  ]),
  rule('every program that runs a command by name searches it to decide which executable runs', ['PATH']),
  rule('programs that run a command "in the user\'s shell" run the program it names', ['SHELL']),
  // A .gitconfig there can set core.sshCommand; a .pth file in the user site runs at every Python
  // start; .bashrc, .zshenv, .curlrc, .ssh/config...
  rule('shells, git, ssh, Python and most tools read their configuration and start-up files from there', [
    'HOME',
    'XDG_CONFIG_HOME',
    'XDG_CONFIG_DIRS',
  ]),
  // `git commit` runs $GIT_EDITOR, $VISUAL or $EDITOR; `git log` on a terminal runs the pager;
  // Python's webbrowser runs $BROWSER (with PYTHONWARNINGS, the known environment-only exploit).
  rule(
    "git, man, Python and other tools run the command it names on an agent's behalf (git commit runs $EDITOR; Python's webbrowser runs $BROWSER)",
    ['EDITOR', 'VISUAL', 'PAGER', 'MANPAGER', 'BROWSER'],
  ),
  rule('less runs the command it names on every file it shows', ['LESSOPEN', 'LESSCLOSE']),
  rule('ssh and sudo run the program it names to ask for a password, and send it the answer', [
    'SSH_ASKPASS',
    'SSH_ASKPASS_REQUIRE',
    'SUDO_ASKPASS',
  ]),
  rule('ssh and git send their key-signing requests to the agent socket it names', ['SSH_AUTH_SOCK']),
  rule('gpg reads its keys and trust from there (git verifies signatures with it)', ['GNUPGHOME']),
  // Python's urllib (and so requests) and curl read these in either case; gRPC reads grpc_proxy;
  // urllib takes any <scheme>_proxy. NO_PROXY decides which hosts skip the proxy.
  rule(
    'HTTP clients (curl, Python, Go, gRPC, git) read it, in either case, to decide where to send requests or which go direct',
    [
      'HTTP_PROXY',
      'HTTPS_PROXY',
      'FTP_PROXY',
      'ALL_PROXY',
      'NO_PROXY',
      'GRPC_PROXY',
      'SOCKS_PROXY',
      'SOCKS4_PROXY',
      'SOCKS5_PROXY',
      'WS_PROXY',
      'WSS_PROXY',
    ],
  ),
  rule('curl or wget read a configuration file from there that can set proxies and trusted certificates', [
    'CURL_HOME',
    'WGETRC',
  ]),
  rule(
    "a TLS stack or HTTP client reads it to decide which certificates to trust (a CA of the attacker's reads every request)",
    [
      'SSL_CERT_FILE',
      'SSL_CERT_DIR',
      'REQUESTS_CA_BUNDLE',
      'CURL_CA_BUNDLE',
      'AWS_CA_BUNDLE',
      'GRPC_DEFAULT_SSL_ROOTS_FILE_PATH',
      'PYTHONHTTPSVERIFY',
      'GNUTLS_SYSTEM_PRIORITY_FILE',
    ],
  ),
  rule(
    "TLS libraries (OpenSSL, NSS, Node.js, curl, Python) append every session's keys to the file it names, so whoever reads it decrypts the traffic",
    ['SSLKEYLOGFILE'],
  ),
  rule('OpenSSL reads it to load a configuration, engines or providers (shared libraries)', [
    'OPENSSL_CONF',
    'OPENSSL_CONF_INCLUDE',
    'OPENSSL_MODULES',
    'OPENSSL_ENGINES',
  ]),
  // GIT_TOKEN, GIT_USERNAME, GIT_AUTHOR_NAME... are not read by git to run anything: allowed.
  rule(
    'git runs the command it names, or takes hooks or transports from it (GIT_SSH_COMMAND runs on every fetch)',
    [
      'GIT_SSH',
      'GIT_SSH_COMMAND',
      'GIT_ASKPASS',
      'GIT_EXEC_PATH',
      'GIT_EDITOR',
      'GIT_SEQUENCE_EDITOR',
      'GIT_PAGER',
      'GIT_EXTERNAL_DIFF',
      'GIT_PROXY_COMMAND',
      'GIT_TEMPLATE_DIR',
      'GIT_ALLOW_PROTOCOL',
      'GIT_PROTOCOL_FROM_USER',
    ],
  ),
  // GIT_CONFIG_COUNT/KEY_n/VALUE_n set any option, and options name commands (core.sshCommand,
  // core.pager, core.fsmonitor, credential.helper).
  rule(
    'git reads configuration from it, and configuration names commands to run (core.sshCommand, core.fsmonitor, credential.helper)',
    ['GIT_CONFIG'],
    ['GIT_CONFIG_'],
  ),
  rule(
    'git reads it to decide which repository (with its hooks and configuration) or which objects it works on',
    [
      'GIT_DIR',
      'GIT_WORK_TREE',
      'GIT_COMMON_DIR',
      'GIT_INDEX_FILE',
      'GIT_OBJECT_DIRECTORY',
      'GIT_ALTERNATE_OBJECT_DIRECTORIES',
      'GIT_CEILING_DIRECTORIES',
      'GIT_NAMESPACE',
      'GIT_REPLACE_REF_BASE',
    ],
  ),
  rule('git reads it to decide whether and whom to trust over TLS', [], ['GIT_SSL_']),
  // GIT_TEST_FSMONITOR is run through the shell as the fsmonitor hook by every `git status` when
  // core.fsmonitor is unset; git's other GIT_TEST_* knobs change how it behaves, never safely.
  rule(
    'git runs the command it names (GIT_TEST_FSMONITOR is the fsmonitor hook of every git status)',
    [],
    ['GIT_TEST_'],
  ),
  rule(
    'git writes traces of its traffic to where it says, credentials included once redaction is off',
    ['GIT_CURL_VERBOSE', 'GIT_REDACT_COOKIES'],
    ['GIT_TRACE'],
  ),
  // npm and pnpm read every npm_config_* variable as configuration, whatever its case, and pass
  // node-options to the Node of every `npm start`, `npm run` and `npx`, and run every script with
  // script-shell: the road from one secret to code in a Node agent started the usual way.
  // Registry tokens belong in .npmrc as ${NPM_TOKEN}, which stays allowed.
  rule(
    'npm and pnpm read it as configuration (node-options reaches the Node of every npm start or npx; script-shell runs every script)',
    [],
    ['NPM_CONFIG_'],
  ),
  rule(
    'Corepack downloads and runs the package manager from the registry it names, trusting the keys it names',
    ['COREPACK_NPM_REGISTRY', 'COREPACK_INTEGRITY_KEYS'],
  ),
  // Launcher scripts (Tomcat, Maven, Gradle, sbt) pass these to the JVM: -XX:OnOutOfMemoryError
  // and -javaagent run code.
  rule(
    'Java launchers (Maven, Gradle, Tomcat, sbt) pass it to the Java VM, whose options load agents or run commands',
    ['JAVA_OPTS', 'MAVEN_OPTS', 'GRADLE_OPTS', 'SBT_OPTS', 'CATALINA_OPTS'],
  ),
  rule('cargo runs the program it names in place of the compiler', [
    'RUSTC',
    'RUSTC_WRAPPER',
    'RUSTC_WORKSPACE_WRAPPER',
  ]),
  rule('Ruby tools load the gems or Gemfile it names (code) before the program', [
    'RUBYGEMS_GEMDEPS',
    'BUNDLE_GEMFILE',
  ]),
  rule("systemctl, sudo, fc and other tools run the command it names on an agent's behalf", [
    'SYSTEMD_PAGER',
    'SYSTEMD_EDITOR',
    'SUDO_EDITOR',
    'FCEDIT',
  ]),
  rule('vi, vim and R run the commands of the start-up script it names', [
    'VIMINIT',
    'EXINIT',
    'R_PROFILE',
    'R_PROFILE_USER',
  ]),
  rule('ssh loads the security-key provider (a shared library) it names', ['SSH_SK_PROVIDER']),
  rule('Kerberos and GSSAPI load configuration and plugins (shared libraries) from where it says', [
    'KRB5_CONFIG',
    'GSS_MECH_CONFIG',
  ]),
  rule('docker sends its requests, and the registry credentials they carry, to the daemon it names', [
    'DOCKER_HOST',
    'DOCKER_CONFIG',
  ]),
  rule('D-Bus clients send their messages, credentials included, to the bus it names', [
    'DBUS_SESSION_BUS_ADDRESS',
  ]),
  // JavaScript objects treat it as their prototype, not as a key: a tool that builds an agent's
  // environment as an object drops or misreads it.
  rule(
    'JavaScript objects take it for their prototype, so an environment built as an object loses or misreads it',
    ['__PROTO__'],
  ),
  // The master key and its file, the database, the agent's endpoint and token: a secret under one
  // of these names would hand an agent another database, key or endpoint.
  rule(
    'Iron Secrets itself reads it (the master key, the database, the agent endpoint and token)',
    [],
    ['IRON_SECRETS_', 'IRON_CAGE_'],
  ),
]);

/** ASCII letters only: `toUpperCase` would fold `ı` into `I` and `ſ` into `S`. */
function asciiUpperCase(name: string): string {
  return name.replace(/[a-z]/g, (letter) => String.fromCharCode(letter.charCodeAt(0) - 32));
}

const BY_NAME: ReadonlyMap<string, ReservedNameRule> = new Map(
  RESERVED_NAME_RULES.flatMap((r) => r.names.map((name) => [name, r] as const)),
);

const BY_PREFIX: readonly (readonly [prefix: string, rule: ReservedNameRule])[] = RESERVED_NAME_RULES.flatMap(
  (r) => r.prefixes.map((prefix) => [prefix, r] as const),
);

/**
 * Why `name` is reserved, or `undefined` when a secret may have it. Any string may be asked about
 * (a name that fails the name pattern too); compared ignoring ASCII case.
 *
 * @example
 * ```ts
 * reservedNameReason('NODE_OPTIONS'); // 'Node.js reads it at start-up to choose code to preload ...'
 * reservedNameReason('GIT_TOKEN'); // undefined
 * ```
 */
export function reservedNameReason(name: string): string | undefined {
  const match = reservedNameMatch(name);
  if (match === undefined) return undefined;
  return match.prefix === undefined
    ? match.why
    : `${match.why} (every name starting with ${match.prefix} is reserved)`;
}

/** Which entry of the table `name` matched: the exact name, or the prefix (internal). */
export function reservedNameMatch(name: string): { why: string; prefix?: string } | undefined {
  const upper = asciiUpperCase(name);
  const exact = BY_NAME.get(upper);
  if (exact !== undefined) return { why: exact.why };
  for (const [prefix, matched] of BY_PREFIX) {
    if (upper.startsWith(prefix)) return { why: matched.why, prefix };
  }
  return undefined;
}

/**
 * Whether `name` is reserved (R10): never stored, never injected.
 *
 * @example
 * ```ts
 * isReservedSecretName('LD_PRELOAD'); // true
 * isReservedSecretName('https_proxy'); // true (any case)
 * isReservedSecretName('PYTHONANYWHERE_API_TOKEN'); // false
 * ```
 */
export function isReservedSecretName(name: string): boolean {
  return reservedNameReason(name) !== undefined;
}
