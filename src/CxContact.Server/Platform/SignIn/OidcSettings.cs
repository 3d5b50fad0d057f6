using CxContact.Server.Platform.Hosting;

namespace CxContact.Server.Platform.SignIn;

/// <summary>
/// Single sign-on for people (OpenID Connect, authorization code flow with PKCE). Off unless CXC_OIDC_AUTHORITY is set;
/// API keys work either way.
/// </summary>
public sealed record OidcSettings
{
    /// <summary>CXC_OIDC_AUTHORITY: the issuer URL; its /.well-known/openid-configuration is read at the first sign-in.</summary>
    public required Uri Authority { get; init; }
    public required string ClientId { get; init; }
    /// <summary>CXC_OIDC_CLIENT_SECRET: the confidential client's secret (PKCE is used as well).</summary>
    public string? ClientSecret { get; init; }
    /// <summary>CXC_OIDC_GROUPS_CLAIM: the claim that lists a person's groups (Entra ID, Keycloak and Okta call it groups).</summary>
    public required string GroupsClaim { get; init; }
    /// <summary>CXC_OIDC_SCOPES: what to ask for; some providers release the groups claim only for a scope of its own.</summary>
    public required IReadOnlyList<string> Scopes { get; init; }
    /// <summary>
    /// CXC_PUBLIC_URL: the address people open the console at (https://cx.example.com), when TLS ends in front of the
    /// server: the identity provider is told to send people back there. Without it, the request's own address is used.
    /// </summary>
    public Uri? PublicUrl { get; init; }
    /// <summary>CXC_OIDC_SESSION_IDLE_MINUTES: a session unused this long ends (sliding).</summary>
    public required TimeSpan IdleTimeout { get; init; }
    /// <summary>CXC_OIDC_SESSION_MAX_HOURS: a session ends this long after sign-in however busy it is.</summary>
    public required TimeSpan MaxLifetime { get; init; }

    /// <summary>Reads the CXC_OIDC_* settings; null when no authority is set (sign-in for people is off).</summary>
    public static OidcSettings? Load(IConfiguration config, bool devMode)
    {
        var raw = config["CXC_OIDC_AUTHORITY"];
        if (string.IsNullOrWhiteSpace(raw)) return null;
        if (!Uri.TryCreate(raw.Trim(), UriKind.Absolute, out var authority) || authority.Scheme is not ("https" or "http"))
            throw new InvalidSettingException("CXC_OIDC_AUTHORITY", $"\"{raw}\" is not an absolute http(s) URL of the identity provider");
        // Tokens and discovery over plain http could be forged on the way; only a provider on this machine in the dev run may use it.
        if (authority.Scheme == "http" && !(devMode && authority.IsLoopback))
            throw new InvalidSettingException("CXC_OIDC_AUTHORITY", "must be an https URL (plain http is allowed only for a loopback provider in the dev run)");
        var clientId = config["CXC_OIDC_CLIENT_ID"];
        if (string.IsNullOrWhiteSpace(clientId))
            throw new InvalidSettingException("CXC_OIDC_CLIENT_ID", "is not set; CXC_OIDC_AUTHORITY is, and sign-in needs the client id registered with the identity provider");
        var scopes = (config["CXC_OIDC_SCOPES"] is { Length: > 0 } s ? s : "openid profile email")
            .Split([' ', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().ToList();
        if (!scopes.Contains("openid")) scopes.Insert(0, "openid");
        Uri? publicUrl = null;
        if (config["CXC_PUBLIC_URL"] is { Length: > 0 } pub
            && (!Uri.TryCreate(pub.Trim(), UriKind.Absolute, out publicUrl) || publicUrl.Scheme is not ("https" or "http") || publicUrl.AbsolutePath != "/"
                || publicUrl.Query.Length > 0))
            throw new InvalidSettingException("CXC_PUBLIC_URL", $"\"{pub}\" is not the site's address (scheme and host only, such as https://cx.example.com)");
        return new OidcSettings
        {
            PublicUrl = publicUrl,
            Authority = authority,
            ClientId = clientId.Trim(),
            ClientSecret = config["CXC_OIDC_CLIENT_SECRET"] is { Length: > 0 } secret ? secret : null,
            GroupsClaim = config["CXC_OIDC_GROUPS_CLAIM"] is { Length: > 0 } g ? g.Trim() : "groups",
            Scopes = scopes,
            IdleTimeout = TimeSpan.FromMinutes(Number(config, "CXC_OIDC_SESSION_IDLE_MINUTES", 60, 1, 24 * 60)),
            MaxLifetime = TimeSpan.FromHours(Number(config, "CXC_OIDC_SESSION_MAX_HOURS", 12, 1, 24 * 30)),
        };
    }

    private static int Number(IConfiguration config, string name, int fallback, int min, int max)
    {
        var raw = config[name];
        if (string.IsNullOrWhiteSpace(raw)) return fallback;
        return int.TryParse(raw, out var v) && v >= min && v <= max
            ? v : throw new InvalidSettingException(name, $"\"{raw}\" is not a number between {min} and {max}");
    }
}
