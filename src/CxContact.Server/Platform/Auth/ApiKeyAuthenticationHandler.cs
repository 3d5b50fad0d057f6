using System.Security.Claims;
using System.Text.Encodings.Web;
using CxContact.Server.Platform.Tenancy;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace CxContact.Server.Platform.Auth;

/// <summary>
/// Authenticates "Authorization: Bearer &lt;key&gt;". Resolved keys are cached for a short while so that a busy
/// dialer does not cost a database round trip per request; a revoked key therefore stops working on other
/// silos within <see cref="CacheFor"/>, and at once on the silo that revoked it.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    TenantStore store, IMemoryCache cache, RevokedKeys revoked)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);
    /// <summary>The Hangfire dashboard is opened in a browser, which cannot send a header: it may use this cookie.</summary>
    public const string DashboardCookie = "cxc_api_key";
    internal const string FailureItem = "cxc.auth.failure";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var key = PresentedKey();
        if (key is null) return Fail("No API key was sent. Send \"Authorization: Bearer <key>\".");
        if (key.Length is < 16 or > 512) return Fail("The API key is not valid.");

        var resolved = await cache.GetOrCreateAsync(CacheKey(key), async entry =>
        {
            var found = await store.ResolveAsync(key, Context.RequestAborted);
            // Unknown keys are cached briefly too, so a flood of bad keys cannot hammer the database.
            entry.AbsoluteExpirationRelativeToNow = found is null ? TimeSpan.FromSeconds(5) : CacheFor;
            return found;
        });
        if (resolved is null || revoked.Contains(resolved.KeyId)) return Fail("The API key is not valid, or it has been revoked.");
        if (resolved.TenantStatus != "active") return Fail($"The tenant \"{resolved.TenantName}\" is {resolved.TenantStatus}.");

        var identity = new ClaimsIdentity([
            new Claim(CxClaims.TenantId, resolved.TenantId.ToString()),
            new Claim(CxClaims.TenantName, resolved.TenantName),
            new Claim(CxClaims.KeyId, resolved.KeyId.ToString()),
            new Claim(CxClaims.KeyName, resolved.KeyName),
            new Claim(ClaimTypes.Role, resolved.Role),
        ], SchemeName, CxClaims.KeyName, ClaimTypes.Role);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    private string? PresentedKey()
    {
        var header = Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return header[7..].Trim();
        if (Request.Path.StartsWithSegments("/hangfire") && Request.Cookies.TryGetValue(DashboardCookie, out var c)) return c;
        return null;
    }

    private AuthenticateResult Fail(string why)
    {
        Context.Items[FailureItem] = why;
        return AuthenticateResult.Fail(why);
    }

    private static string CacheKey(string key) => "apikey:" + Convert.ToHexString(Core.Tenancy.ApiKeySecret.Hash(key));
}
