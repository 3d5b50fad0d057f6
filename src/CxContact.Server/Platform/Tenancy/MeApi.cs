using CxContact.Core.Tenancy;
using CxContact.Server.Platform.Auth;
using Microsoft.Extensions.Caching.Memory;

namespace CxContact.Server.Platform.Tenancy;

/// <summary>/api/v1/me: who this key (or signed-in person) is. Goes through the tenant grain, so it proves the whole path works.</summary>
public static class MeApi
{
    public sealed record MeTenant(Guid Id, string Name, TenantSettings? Settings);
    public sealed record MeKey(Guid Id, string Name, string Role);
    /// <summary>
    /// The limits this caller works within: the tenant's own where a system admin set them (PUT /tenants/{id}/limits),
    /// the platform's otherwise; the line and column caps are the platform's for everyone.
    /// </summary>
    public sealed record MeLimits(int RequestsPerSecondPerKey, int RequestsPerSecondPerTenant, int MessagesPerSecondPerTenant, long MaxUploadBytes,
        int MaxLineChars, int MaxColumns, int ImportsPerTenant, long LandingQuotaBytes, long LandingBytesInUse);

    /// <summary>A person signed in with single sign-on (absent for an API key): who the identity provider says they are.</summary>
    public sealed record MePerson(string Subject, string? Name, string? Email, IReadOnlyList<string> Groups);

    /// <summary>Key is the API key, or for a person their person id in the tenant, display name and role.</summary>
    public sealed record Me(MeTenant Tenant, MeKey Key, MeLimits Limits, MePerson? Person);

    /// <summary>
    /// What the tenant's landing files take, as counted at most a few seconds ago: the console asks /me on every page,
    /// and counting walks the tenant's whole landing folder. Uploads and pulls count afresh before they are let in.
    /// </summary>
    private static long LandingBytesInUse(IMemoryCache cache, Jobs.LandingDirectory landing, Guid tenantId) =>
        cache.GetOrCreate(("landing-bytes-in-use", tenantId), e =>
        {
            e.AbsoluteExpirationRelativeToNow = TimeSpan.FromSeconds(3);
            return landing.BytesInUse(tenantId);
        });

    public static void MapMeApi(this RouteGroupBuilder v1)
    {
        v1.MapGet("/me", async (HttpContext http, IGrainFactory grains, Limits.TenantLimitsStore tenantLimits, Jobs.LandingDirectory landing,
            IMemoryCache cache, CancellationToken ct) =>
        {
            var c = Caller.From(http.User);
            var settings = c.IsSystemAdmin ? null : await grains.GetGrain<ITenantGrain>(c.TenantId).GetSettingsAsync();
            var own = await tenantLimits.EffectiveAsync(c.TenantId, ct);
            var limits = new MeLimits(own.RequestsPerSecondPerKey, own.RequestsPerSecondPerTenant, own.MessagesPerSecond, own.MaxUploadBytes,
                Jobs.Files.LineLengthGuard.MaxLineChars, Lists.Import.ImportPipeline.MaxColumns, own.ImportsAtOnce,
                own.LandingQuotaBytes, LandingBytesInUse(cache, landing, c.TenantId));
            var u = http.User;
            var person = Caller.IsPerson(u)
                ? new MePerson(u.FindFirst(CxClaims.Subject)!.Value, u.FindFirst("name")?.Value, u.FindFirst(CxClaims.Email)?.Value,
                    u.FindAll(CxClaims.Group).Select(g => g.Value).ToList())
                : null;
            return TypedResults.Ok(new Me(new MeTenant(c.TenantId, c.TenantName, settings), new MeKey(c.KeyId, c.KeyName, c.Role), limits, person));
        }).WithTags("Tenants").WithSummary("The tenant and key this request is authenticated as, and the limits it works within");
    }
}
