/**
 * @module reserved-names.generated
 * Reserved secret names (R10) for the Node agent helper, which runs inside the agent and must not
 * load core. Generated from packages/core/src/reserved-names.ts by
 * apps/runtime-injector/scripts/generate-reserved-names.mjs: do not edit.
 */

/** Core's SECRET_NAME_PATTERN. */
export const SECRET_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Core's MAX_SECRET_NAME_LENGTH, in characters. */
export const MAX_SECRET_NAME_LENGTH = 256;

/** One group of reserved names, as core's ReservedNameRule. */
export interface ReservedNameRule {
  /** Exact names, upper case; compared ignoring ASCII case. */
  readonly names: readonly string[];
  /** Every name starting with one of these (upper case, ignoring ASCII case) is reserved. */
  readonly prefixes: readonly string[];
  /** Who reads the variable and what for. */
  readonly why: string;
}

/** Core's RESERVED_NAME_RULES. */
export const RESERVED_NAME_RULES: readonly ReservedNameRule[] = [
  {
    names: [],
    prefixes: ['LD_', 'DYLD_'],
    why: 'the dynamic loader reads it to choose which libraries to load into every program it starts',
  },
  {
    names: ['GCONV_PATH', 'GETCONF_DIR', 'GLIBC_TUNABLES'],
    prefixes: ['MALLOC_'],
    why: 'the C library reads it to load modules, run helper programs or tune its loader and allocator (glibc ignores it in setuid programs for that reason)',
  },
  {
    names: ['LOCPATH', 'MUSL_LOCPATH', 'NLSPATH'],
    prefixes: [],
    why: 'the C library loads locale data and message catalogues (format strings) from where it says',
  },
  {
    names: ['HOSTALIASES', 'LOCALDOMAIN', 'RES_OPTIONS', 'RESOLV_HOST_CONF', 'NIS_PATH'],
    prefixes: [],
    why: "the C library's resolver reads it to decide which address a host name means",
  },
  {
    names: ['NODE_OPTIONS', 'NODE_PATH', 'NODE_REPL_EXTERNAL_MODULE', 'NODE_COMPILE_CACHE'],
    prefixes: [],
    why: 'Node.js reads it at start-up to choose code to preload or where modules and cached compiled code are found (NODE_OPTIONS=--require runs any file in every Node process)',
  },
  {
    names: [
      'NODE_EXTRA_CA_CERTS',
      'NODE_TLS_REJECT_UNAUTHORIZED',
      'NODE_USE_SYSTEM_CA',
      'NODE_USE_ENV_PROXY',
    ],
    prefixes: [],
    why: 'Node.js reads it to decide which TLS certificates to trust, or whether to send requests through a proxy',
  },
  {
    names: ['DENO_CERT', 'DENO_TLS_CA_STORE', 'DENO_DIR'],
    prefixes: [],
    why: 'Deno reads it to decide which certificates to trust or where its compiled modules are cached',
  },
  {
    names: [
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
    prefixes: [],
    why: 'Python reads it to decide which modules to import or which code to run (PYTHONWARNINGS and PYTHONBREAKPOINT import the module they name)',
  },
  {
    names: ['PERLLIB', 'PERLDB_OPTS'],
    prefixes: ['PERL5'],
    why: 'Perl reads it to choose modules to load, options to start with or debugger code to run',
  },
  {
    names: ['RUBYOPT', 'RUBYLIB', 'RUBYPATH', 'RUBYSHELL', 'GEM_HOME', 'GEM_PATH'],
    prefixes: [],
    why: 'Ruby reads it to choose libraries to load, options to start with or where gems are found',
  },
  {
    names: ['CLASSPATH', 'JAVA_TOOL_OPTIONS', '_JAVA_OPTIONS', 'JDK_JAVA_OPTIONS'],
    prefixes: [],
    why: 'the Java VM reads it for start-up options (-javaagent loads code) or where classes are loaded from',
  },
  {
    names: ['COR_ENABLE_PROFILING'],
    prefixes: ['DOTNET_', 'COMPLUS_', 'CORECLR_', 'COR_PROFILER'],
    why: '.NET reads it to load startup hooks, profilers (native libraries) or runtime settings',
  },
  {
    names: [],
    prefixes: ['LUA_INIT', 'LUA_PATH', 'LUA_CPATH'],
    why: 'Lua runs LUA_INIT at start-up and loads modules from the paths the others name',
  },
  {
    names: ['PHPRC', 'PHP_INI_SCAN_DIR'],
    prefixes: [],
    why: 'PHP loads its configuration from there, which can prepend any file to every script',
  },
  {
    names: ['ERL_AFLAGS', 'ERL_FLAGS', 'ERL_ZFLAGS', 'ERL_LIBS', 'ELIXIR_ERL_OPTIONS'],
    prefixes: [],
    why: 'the Erlang VM reads it for start-up flags (-eval runs code) or where applications are loaded from',
  },
  {
    names: ['GODEBUG'],
    prefixes: [],
    why: "Go programs read it for runtime settings, some of which weaken Go's TLS certificate checks",
  },
  {
    names: ['BASH_ENV', 'ENV', 'ZDOTDIR'],
    prefixes: [],
    why: 'a shell runs the start-up file it names before any command',
  },
  {
    names: [],
    prefixes: ['BASH_FUNC_'],
    why: 'bash imports it as a function definition that runs instead of the command it is named after',
  },
  {
    names: ['SHELLOPTS', 'BASHOPTS', 'PS0', 'PS1', 'PS2', 'PS3', 'PS4', 'PROMPT_COMMAND'],
    prefixes: [],
    why: 'bash reads it at start-up to set options or prompts, which it expands with command substitution (SHELLOPTS=xtrace with PS4=$(...) runs code in every bash script)',
  },
  {
    names: ['IFS'],
    prefixes: [],
    why: 'a shell splits every command line on it (bash and dash reset it at start-up; other shells may not)',
  },
  {
    names: ['CDPATH', 'EXECIGNORE', 'FPATH', 'BASH_LOADABLES_PATH'],
    prefixes: [],
    why: 'a shell reads it to decide which directory, command, function or loadable builtin a name means',
  },
  {
    names: ['PATH'],
    prefixes: [],
    why: 'every program that runs a command by name searches it to decide which executable runs',
  },
  {
    names: ['SHELL'],
    prefixes: [],
    why: 'programs that run a command "in the user\'s shell" run the program it names',
  },
  {
    names: ['HOME', 'XDG_CONFIG_HOME', 'XDG_CONFIG_DIRS'],
    prefixes: [],
    why: 'shells, git, ssh, Python and most tools read their configuration and start-up files from there',
  },
  {
    names: ['EDITOR', 'VISUAL', 'PAGER', 'MANPAGER', 'BROWSER'],
    prefixes: [],
    why: "git, man, Python and other tools run the command it names on an agent's behalf (git commit runs $EDITOR; Python's webbrowser runs $BROWSER)",
  },
  {
    names: ['LESSOPEN', 'LESSCLOSE'],
    prefixes: [],
    why: 'less runs the command it names on every file it shows',
  },
  {
    names: ['SSH_ASKPASS', 'SSH_ASKPASS_REQUIRE', 'SUDO_ASKPASS'],
    prefixes: [],
    why: 'ssh and sudo run the program it names to ask for a password, and send it the answer',
  },
  {
    names: ['SSH_AUTH_SOCK'],
    prefixes: [],
    why: 'ssh and git send their key-signing requests to the agent socket it names',
  },
  {
    names: ['GNUPGHOME'],
    prefixes: [],
    why: 'gpg reads its keys and trust from there (git verifies signatures with it)',
  },
  {
    names: [
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
    prefixes: [],
    why: 'HTTP clients (curl, Python, Go, gRPC, git) read it, in either case, to decide where to send requests or which go direct',
  },
  {
    names: ['CURL_HOME', 'WGETRC'],
    prefixes: [],
    why: 'curl or wget read a configuration file from there that can set proxies and trusted certificates',
  },
  {
    names: [
      'SSL_CERT_FILE',
      'SSL_CERT_DIR',
      'REQUESTS_CA_BUNDLE',
      'CURL_CA_BUNDLE',
      'AWS_CA_BUNDLE',
      'GRPC_DEFAULT_SSL_ROOTS_FILE_PATH',
      'PYTHONHTTPSVERIFY',
      'GNUTLS_SYSTEM_PRIORITY_FILE',
    ],
    prefixes: [],
    why: "a TLS stack or HTTP client reads it to decide which certificates to trust (a CA of the attacker's reads every request)",
  },
  {
    names: ['SSLKEYLOGFILE'],
    prefixes: [],
    why: "TLS libraries (OpenSSL, NSS, Node.js, curl, Python) append every session's keys to the file it names, so whoever reads it decrypts the traffic",
  },
  {
    names: ['OPENSSL_CONF', 'OPENSSL_CONF_INCLUDE', 'OPENSSL_MODULES', 'OPENSSL_ENGINES'],
    prefixes: [],
    why: 'OpenSSL reads it to load a configuration, engines or providers (shared libraries)',
  },
  {
    names: [
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
    prefixes: [],
    why: 'git runs the command it names, or takes hooks or transports from it (GIT_SSH_COMMAND runs on every fetch)',
  },
  {
    names: ['GIT_CONFIG'],
    prefixes: ['GIT_CONFIG_'],
    why: 'git reads configuration from it, and configuration names commands to run (core.sshCommand, core.fsmonitor, credential.helper)',
  },
  {
    names: [
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
    prefixes: [],
    why: 'git reads it to decide which repository (with its hooks and configuration) or which objects it works on',
  },
  {
    names: [],
    prefixes: ['GIT_SSL_'],
    why: 'git reads it to decide whether and whom to trust over TLS',
  },
  {
    names: [],
    prefixes: ['GIT_TEST_'],
    why: 'git runs the command it names (GIT_TEST_FSMONITOR is the fsmonitor hook of every git status)',
  },
  {
    names: ['GIT_CURL_VERBOSE', 'GIT_REDACT_COOKIES'],
    prefixes: ['GIT_TRACE'],
    why: 'git writes traces of its traffic to where it says, credentials included once redaction is off',
  },
  {
    names: [],
    prefixes: ['NPM_CONFIG_'],
    why: 'npm and pnpm read it as configuration (node-options reaches the Node of every npm start or npx; script-shell runs every script)',
  },
  {
    names: ['COREPACK_NPM_REGISTRY', 'COREPACK_INTEGRITY_KEYS'],
    prefixes: [],
    why: 'Corepack downloads and runs the package manager from the registry it names, trusting the keys it names',
  },
  {
    names: ['JAVA_OPTS', 'MAVEN_OPTS', 'GRADLE_OPTS', 'SBT_OPTS', 'CATALINA_OPTS'],
    prefixes: [],
    why: 'Java launchers (Maven, Gradle, Tomcat, sbt) pass it to the Java VM, whose options load agents or run commands',
  },
  {
    names: ['RUSTC', 'RUSTC_WRAPPER', 'RUSTC_WORKSPACE_WRAPPER'],
    prefixes: [],
    why: 'cargo runs the program it names in place of the compiler',
  },
  {
    names: ['RUBYGEMS_GEMDEPS', 'BUNDLE_GEMFILE'],
    prefixes: [],
    why: 'Ruby tools load the gems or Gemfile it names (code) before the program',
  },
  {
    names: ['SYSTEMD_PAGER', 'SYSTEMD_EDITOR', 'SUDO_EDITOR', 'FCEDIT'],
    prefixes: [],
    why: "systemctl, sudo, fc and other tools run the command it names on an agent's behalf",
  },
  {
    names: ['VIMINIT', 'EXINIT', 'R_PROFILE', 'R_PROFILE_USER'],
    prefixes: [],
    why: 'vi, vim and R run the commands of the start-up script it names',
  },
  {
    names: ['SSH_SK_PROVIDER'],
    prefixes: [],
    why: 'ssh loads the security-key provider (a shared library) it names',
  },
  {
    names: ['KRB5_CONFIG', 'GSS_MECH_CONFIG'],
    prefixes: [],
    why: 'Kerberos and GSSAPI load configuration and plugins (shared libraries) from where it says',
  },
  {
    names: ['DOCKER_HOST', 'DOCKER_CONFIG'],
    prefixes: [],
    why: 'docker sends its requests, and the registry credentials they carry, to the daemon it names',
  },
  {
    names: ['DBUS_SESSION_BUS_ADDRESS'],
    prefixes: [],
    why: 'D-Bus clients send their messages, credentials included, to the bus it names',
  },
  {
    names: ['__PROTO__'],
    prefixes: [],
    why: 'JavaScript objects take it for their prototype, so an environment built as an object loses or misreads it',
  },
  {
    names: [],
    prefixes: ['IRON_SECRETS_', 'IRON_CAGE_'],
    why: 'Iron Secrets itself reads it (the master key, the database, the agent endpoint and token)',
  },
];

const BY_NAME: ReadonlyMap<string, string> = new Map(
  RESERVED_NAME_RULES.flatMap((rule) => rule.names.map((name) => [name, rule.why] as const)),
);

const BY_PREFIX: readonly (readonly [prefix: string, why: string])[] = RESERVED_NAME_RULES.flatMap((rule) =>
  rule.prefixes.map((prefix) => [prefix, rule.why] as const),
);

/** ASCII letters only: toUpperCase would fold a dotless i into I. */
function asciiUpperCase(name: string): string {
  return name.replace(/[a-z]/g, (letter) => String.fromCharCode(letter.charCodeAt(0) - 32));
}

/**
 * Why `name` is reserved, or `undefined`; compared ignoring ASCII case.
 *
 * @example
 * ```ts
 * reservedNameReason('NODE_OPTIONS'); // 'Node.js reads it at start-up ...'
 * ```
 */
export function reservedNameReason(name: string): string | undefined {
  const upper = asciiUpperCase(name);
  const why = BY_NAME.get(upper);
  if (why !== undefined) return why;
  for (const [prefix, reason] of BY_PREFIX) {
    if (upper.startsWith(prefix)) return `${reason} (every name starting with ${prefix} is reserved)`;
  }
  return undefined;
}

/**
 * Whether `name` is reserved: never set in the agent's environment.
 *
 * @example
 * ```ts
 * isReservedSecretName('LD_PRELOAD'); // true
 * ```
 */
export function isReservedSecretName(name: string): boolean {
  return reservedNameReason(name) !== undefined;
}

/**
 * Whether `name` may be set in the agent's environment: a valid secret name, not reserved.
 *
 * @example
 * ```ts
 * isInjectableSecretName('OPENAI_API_KEY'); // true
 * isInjectableSecretName('BASH_FUNC_x%%'); // false
 * ```
 */
export function isInjectableSecretName(name: string): boolean {
  return (
    name.length > 0 &&
    name.length <= MAX_SECRET_NAME_LENGTH &&
    SECRET_NAME_PATTERN.test(name) &&
    !isReservedSecretName(name)
  );
}
