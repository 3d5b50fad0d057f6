using CxContact.Server.Platform.Auth;
using CxContact.Server.Platform.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Caching.Memory;

namespace CxContact.Server.Platform.SignIn;

/// <summary>
/// Checks a session cookie on every request: it ends a fixed time after sign-in (CXC_OIDC_SESSION_MAX_HOURS) however
/// busy, when signed out (on any silo), and when the tenant's mapping no longer gives the person's groups a role or the
/// tenant is suspended. A changed mapping changes the session's role. The database answer is cached for
/// <see cref="CheckEvery"/>, so a busy console does not cost a query a request; the silo that saved a new mapping
/// forgets its answers for that tenant at once (<see cref="MappingChanged"/>), the others within <see cref="CheckEvery"/>.
/// </summary>
public sealed class SessionValidator(GroupRoleStore store, IMemoryCache cache, EndedSessions ended, PlatformSettings settings, PlatformClock clock)
{
    public static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(30);

    private sealed record Standing(bool Open, string? Role);

    /// <summary>Per tenant, how often its mapping changed on this silo: part of the cache key, so a change misses the cache.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, long> _mappingChanges = new();

    /// <summary>The tenant's mapping (or standing) changed: its sessions are checked afresh on their next request here.</summary>
    public void MappingChanged(Guid tenantId) => _mappingChanges.AddOrUpdate(tenantId, 1, (_, n) => n + 1);

    public async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var user = context.Principal!;
        if (!Guid.TryParse(user.FindFirst(CxClaims.TenantId)?.Value, out var tenantId)
            || !Guid.TryParse(user.FindFirst(CxClaims.SessionId)?.Value, out var sessionId)
            || !long.TryParse(user.FindFirst(CxClaims.SignedInAt)?.Value, out var signedIn)
            || DateTimeOffset.FromUnixTimeSeconds(signedIn) + settings.Oidc!.MaxLifetime < clock.GetUtcNow()
            || ended.Contains(sessionId))
        {
            await RejectAsync(context);
            return;
        }
        var groups = user.FindAll(CxClaims.Group).Select(c => c.Value).Order(StringComparer.Ordinal).ToList();
        var standing = await cache.GetOrCreateAsync($"session:{sessionId}:{_mappingChanges.GetValueOrDefault(tenantId)}", async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = CheckEvery;
            if (!await store.SessionOpenAsync(tenantId, sessionId, CancellationToken.None)) return new Standing(false, null);
            var match = (await store.MatchAsync(groups, CancellationToken.None)).FirstOrDefault(m => m.TenantId == tenantId && m.Status == "active");
            return new Standing(true, match?.Role);
        });
        if (standing is not { Open: true, Role: { } role })
        {
            await RejectAsync(context);
            return;
        }
        if (!user.IsInRole(role))
        {
            context.ReplacePrincipal(PersonSignIn.WithRole(user, role));
            context.ShouldRenew = true;
        }
    }

    private static async Task RejectAsync(CookieValidatePrincipalContext context)
    {
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(SignInSchemes.Session);
    }
}
