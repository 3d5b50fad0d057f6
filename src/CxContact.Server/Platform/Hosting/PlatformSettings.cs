using System.Net;
using Npgsql;

namespace CxContact.Server.Platform.Hosting;

/// <summary>
/// Everything the process reads from its environment, checked once at start. Names are the environment
/// variables (they are also plain configuration keys, so appsettings and command-line --CXC_X=y work too).
/// </summary>
public sealed record PlatformSettings
{
    public required string Postgres { get; init; }
    public required string Redis { get; init; }
    /// <summary>Prefix of every Redis key this deployment writes (tests give each class its own).</summary>
    public required string RedisPrefix { get; init; }
    public required string ClusterId { get; init; }
    public required string ServiceId { get; init; }
    public required int SiloPort { get; init; }
    public required int GatewayPort { get; init; }
    public required IPAddress AdvertisedIp { get; init; }
    public required SiloRoles Roles { get; init; }
    public required bool MetricsPublic { get; init; }
    public required bool Kubernetes { get; init; }
    public string? BootstrapAdminKey { get; init; }
    public string? DemoApiKey { get; init; }
    public required TimeSpan StartupTimeout { get; init; }
    /// <summary>
    /// How long a stop (SIGTERM) may take in all, whatever is unreachable (<see cref="ShutdownDeadline"/>). Below Kubernetes'
    /// default terminationGracePeriodSeconds (30), so the process exits by itself before it is killed.
    /// </summary>
    public required TimeSpan ShutdownTimeout { get; init; }
    /// <summary>Where uploaded and pulled files wait for their import (shared by all silos in a deployment).</summary>
    public required string LandingDirectory { get; init; }
    /// <summary>The largest file an upload may send.</summary>
    public required long MaxUploadBytes { get; init; }

    /// <summary>CXC_LANDING_QUOTA_MB: the most one tenant's files may take on the landing directory at once (uploads and pulls waiting or importing).</summary>
    public long LandingQuotaBytes { get; init; } = 51_200L * 1024 * 1024;
    /// <summary>
    /// The 32-byte master key that seals stored credentials (CXC_SECRETS_KEY, base64). When unset, one is generated
    /// once and kept in platform_secrets, which is only as safe as the database itself: production should set it.
    /// </summary>
    public byte[]? SecretsKey { get; init; }

    /// <summary>CXC_MESSAGES_PER_SECOND_PER_TENANT: the most SMS and emails one tenant sends per second, all campaigns and silos together.</summary>
    public int MessagesPerSecondPerTenant { get; init; } = 200;

    /// <summary>CXC_SFTP_ALLOWED_NETWORKS: internal networks SFTP may reach after all (e.g. a partner VPN range).</summary>
    public IReadOnlyList<System.Net.IPNetwork> SftpAllowedNetworks { get; init; } = [];

    /// <summary>
    /// CXC_TRUSTED_PROXIES: the proxies (addresses or CIDR networks) whose X-Forwarded-For and X-Forwarded-Proto are believed.
    /// Null when unset: ASP.NET Core's default, loopback only.
    /// </summary>
    public IReadOnlyList<System.Net.IPNetwork>? TrustedProxies { get; init; }

    /// <summary>Ports the API listens on (from ASPNETCORE_URLS, and 8080, the container default), refused as SFTP destinations.</summary>
    public IReadOnlyList<int> HttpPorts { get; init; } = [];

    /// <summary>CXC_REQUESTS_PER_SECOND_PER_KEY: API requests one key may make a second on one silo (bursts of twice that).</summary>
    public int RequestsPerSecondPerKey { get; init; } = 500;

    /// <summary>CXC_REQUESTS_PER_SECOND_PER_TENANT: API requests all of one tenant's keys may make a second on one silo.</summary>
    public int RequestsPerSecondPerTenant { get; init; } = 2000;

    /// <summary>CXC_IMPORTS_PER_TENANT: imports of one kind one tenant may run at once; the others queue behind other tenants' first ones.</summary>
    public int ImportsPerTenant { get; init; } = 2;

    /// <summary>CXC_DEV_MODE=1: the dev run and the tests. Only there may the secrets key be generated and kept in the database.</summary>
    public bool DevMode { get; init; }

    /// <summary>CXC_BOOTSTRAP_KEY_FILE: where a generated bootstrap system-admin key is written (never logged).</summary>
    public string BootstrapKeyFile { get; init; } = "";

    /// <summary>CXC_CLUSTER_TLS_CERT, _KEY, _CA: PEM files of the certificate silos present to each other, its key, and the CA peers must chain to.</summary>
    public string? ClusterTlsCertFile { get; init; }
    public string? ClusterTlsKeyFile { get; init; }
    public string? ClusterTlsCaFile { get; init; }

    /// <summary>CXC_CLUSTER_TLS_DEV_DIR: where the dev run keeps the cluster certificate it makes, shared by its local silos.</summary>
    public string ClusterTlsDevDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "cxcontact-cluster-dev");

    /// <summary>CXC_OIDC_*: single sign-on for people; null when CXC_OIDC_AUTHORITY is not set.</summary>
    public SignIn.OidcSettings? Oidc { get; init; }

    public bool Has(SiloRoles role) => (Roles & role) == role;

    /// <summary>Ports the platform itself listens on or talks to: the silo, gateway and HTTP ports, PostgreSQL's and Redis's.</summary>
    public IReadOnlySet<int> OwnPorts()
    {
        var ports = new HashSet<int> { SiloPort, GatewayPort };
        ports.UnionWith(HttpPorts);
        var pg = new NpgsqlConnectionStringBuilder(Postgres);
        ports.Add(pg.Port);
        foreach (var part in Redis.Split(',', StringSplitOptions.TrimEntries).Where(p => !p.Contains('=')))
            ports.Add(part.LastIndexOf(':') is var i and > 0 && int.TryParse(part[(i + 1)..], out var rp) ? rp : 6379);
        return ports;
    }

    public static PlatformSettings Load(IConfiguration config)
    {
        var postgres = Required(config, "CXC_POSTGRES",
            "a PostgreSQL connection string, e.g. Host=127.0.0.1;Port=5432;Username=postgres;Database=cxcontact");
        try { _ = new NpgsqlConnectionStringBuilder(postgres); }
        catch (ArgumentException e) { throw new InvalidSettingException("CXC_POSTGRES", $"not a valid connection string ({e.Message})"); }

        var advertised = config["CXC_ADVERTISED_IP"];
        IPAddress ip = IPAddress.Loopback;
        if (!string.IsNullOrWhiteSpace(advertised) && !IPAddress.TryParse(advertised, out ip!))
            throw new InvalidSettingException("CXC_ADVERTISED_IP", $"\"{advertised}\" is not an IP address");

        var landing = config["CXC_LANDING_DIR"] is { Length: > 0 } d ? d : Path.Combine(Path.GetTempPath(), "cxcontact-landing");
        var settings = new PlatformSettings
        {
            Postgres = postgres,
            Redis = Required(config, "CXC_REDIS", "a StackExchange.Redis configuration string, e.g. 127.0.0.1:6379"),
            RedisPrefix = config["CXC_REDIS_PREFIX"] is { Length: > 0 } p ? p : "cxc:",
            ClusterId = config["CXC_CLUSTER_ID"] is { Length: > 0 } c ? c : "cxcontact",
            ServiceId = config["CXC_SERVICE_ID"] is { Length: > 0 } s ? s : "cxcontact",
            SiloPort = Port(config, "CXC_SILO_PORT", 11111),
            GatewayPort = Port(config, "CXC_GATEWAY_PORT", 30000),
            AdvertisedIp = ip,
            Roles = SiloRolesParser.Parse(config["CXC_ROLES"]),
            MetricsPublic = Flag(config, "CXC_METRICS_PUBLIC"),
            // Kubernetes hosting needs all three; a partial set is a mistake in the pod spec, not a hint.
            Kubernetes = new[] { "POD_NAME", "POD_NAMESPACE", "POD_IP" }.All(v => !string.IsNullOrEmpty(config[v])),
            BootstrapAdminKey = Key(config, "CXC_BOOTSTRAP_ADMIN_KEY"),
            DemoApiKey = Key(config, "CXC_DEMO_API_KEY"),
            StartupTimeout = TimeSpan.FromSeconds(Port(config, "CXC_STARTUP_TIMEOUT_SECONDS", 30, min: 0)),
            ShutdownTimeout = TimeSpan.FromSeconds(Port(config, "CXC_SHUTDOWN_TIMEOUT_SECONDS", 25, min: ShutdownDeadline.MinimumSeconds)),
            LandingDirectory = landing,
            MaxUploadBytes = config["CXC_MAX_UPLOAD_MB"] is { Length: > 0 } mb
                ? long.TryParse(mb, out var m) && m > 0 ? m * 1024 * 1024 : throw new InvalidSettingException("CXC_MAX_UPLOAD_MB", $"\"{mb}\" is not a positive number of megabytes")
                : 10L * 1024 * 1024 * 1024,
            SecretsKey = SecretsKeyFrom(config),
            MessagesPerSecondPerTenant = Port(config, "CXC_MESSAGES_PER_SECOND_PER_TENANT", 200, min: 1),
            SftpAllowedNetworks = Sftp.SftpDestinationPolicy.ParseNetworks(config["CXC_SFTP_ALLOWED_NETWORKS"], "CXC_SFTP_ALLOWED_NETWORKS"),
            TrustedProxies = config["CXC_TRUSTED_PROXIES"] is { Length: > 0 } proxies
                ? Sftp.SftpDestinationPolicy.ParseNetworks(proxies, "CXC_TRUSTED_PROXIES") : null,
            HttpPorts = HttpPortsFrom(config["ASPNETCORE_URLS"] ?? config["urls"]),
            DevMode = Flag(config, "CXC_DEV_MODE"),
            Oidc = SignIn.OidcSettings.Load(config, Flag(config, "CXC_DEV_MODE")),
            ImportsPerTenant = Port(config, "CXC_IMPORTS_PER_TENANT", 2, min: 1),
            LandingQuotaBytes = config["CXC_LANDING_QUOTA_MB"] is { Length: > 0 } q
                ? long.TryParse(q, out var qm) && qm > 0 ? qm * 1024 * 1024 : throw new InvalidSettingException("CXC_LANDING_QUOTA_MB", $"\"{q}\" is not a positive number of megabytes")
                : 51_200L * 1024 * 1024,
            RequestsPerSecondPerKey = Port(config, "CXC_REQUESTS_PER_SECOND_PER_KEY", 500, min: 1),
            RequestsPerSecondPerTenant = Port(config, "CXC_REQUESTS_PER_SECOND_PER_TENANT", 2000, min: 1),
            ClusterTlsCertFile = config["CXC_CLUSTER_TLS_CERT"] is { Length: > 0 } tc ? tc : null,
            ClusterTlsKeyFile = config["CXC_CLUSTER_TLS_KEY"] is { Length: > 0 } tk ? tk : null,
            ClusterTlsCaFile = config["CXC_CLUSTER_TLS_CA"] is { Length: > 0 } ta ? ta : null,
            ClusterTlsDevDirectory = config["CXC_CLUSTER_TLS_DEV_DIR"] is { Length: > 0 } td ? td : Path.Combine(Path.GetTempPath(), "cxcontact-cluster-dev"),
            BootstrapKeyFile = config["CXC_BOOTSTRAP_KEY_FILE"] is { Length: > 0 } f ? f : Path.Combine(landing, "bootstrap-admin-key"),
        };
        // A key generated into the database would sit beside the credentials it seals: only the dev run may do that.
        if (!settings.DevMode && settings.SecretsKey is null)
            throw new InvalidSettingException("CXC_SECRETS_KEY",
                "is not set; outside the dev run (CXC_DEV_MODE=1) the key that seals stored credentials comes from the operator: " +
                "32 random bytes in base64 (openssl rand -base64 32); the Helm chart keeps it in its Secret");
        if ((settings.ClusterTlsKeyFile ?? settings.ClusterTlsCaFile) is not null && settings.ClusterTlsCertFile is null)
            throw new InvalidSettingException("CXC_CLUSTER_TLS_CERT", "is not set, but CXC_CLUSTER_TLS_KEY or CXC_CLUSTER_TLS_CA is");
        return settings;
    }

    private static List<int> HttpPortsFrom(string? urls)
    {
        var ports = new List<int> { 8080 };
        foreach (var u in (urls ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            if (Uri.TryCreate(u.Replace("://+", "://localhost").Replace("://*", "://localhost"), UriKind.Absolute, out var uri)) ports.Add(uri.Port);
        return ports;
    }

    /// <summary>The connection string with its password blanked, for logs and error messages.</summary>
    public string PostgresForDisplay()
    {
        var b = new NpgsqlConnectionStringBuilder(Postgres);
        if (!string.IsNullOrEmpty(b.Password)) b.Password = "***";
        return $"{b.Host}:{b.Port}/{b.Database} as {b.Username}";
    }

    /// <summary>Redis endpoints without the password, for logs and error messages.</summary>
    public string RedisForDisplay() =>
        string.Join(",", Redis.Split(',').Where(p => !p.Contains('=')).DefaultIfEmpty("(none)"));

    private static string Required(IConfiguration config, string name, string what) =>
        config[name] is { Length: > 0 } v ? v : throw new InvalidSettingException(name, $"is not set; give {what}");

    private static int Port(IConfiguration config, string name, int fallback, int min = 1)
    {
        var raw = config[name];
        if (string.IsNullOrWhiteSpace(raw)) return fallback;
        return int.TryParse(raw, out var v) && v >= min && v <= 65535
            ? v : throw new InvalidSettingException(name, $"\"{raw}\" is not a number between {min} and 65535");
    }

    private static bool Flag(IConfiguration config, string name) =>
        config[name] is { } v && (v.Equals("true", StringComparison.OrdinalIgnoreCase) || v == "1");

    private static byte[]? SecretsKeyFrom(IConfiguration config)
    {
        var raw = config["CXC_SECRETS_KEY"];
        if (string.IsNullOrWhiteSpace(raw)) return null;
        var key = new byte[32];
        return Convert.TryFromBase64String(raw.Trim(), key, out var n) && n == 32 ? key
            : throw new InvalidSettingException("CXC_SECRETS_KEY", "must be 32 random bytes in base64 (openssl rand -base64 32)");
    }

    private static string? Key(IConfiguration config, string name)
    {
        var v = config[name];
        if (string.IsNullOrEmpty(v)) return null;
        return v.Length >= Core.Tenancy.ApiKeySecret.MinimumLength ? v
            : throw new InvalidSettingException(name, $"must be at least {Core.Tenancy.ApiKeySecret.MinimumLength} characters");
    }
}
