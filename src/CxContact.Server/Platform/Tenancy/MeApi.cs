using CxContact.Core.Tenancy;
using CxContact.Server.Platform.Auth;

namespace CxContact.Server.Platform.Tenancy;

/// <summary>/api/v1/me: who this key is. Goes through the tenant grain, so it proves the whole path works.</summary>
public static class MeApi
{
    public sealed record MeTenant(Guid Id, string Name, TenantSettings? Settings);
    public sealed record MeKey(Guid Id, string Name, string Role);
    /// <summary>The limits this caller works within (platform-wide for now; per-tenant values are not settable yet).</summary>
    public sealed record MeLimits(int RequestsPerSecondPerKey, int RequestsPerSecondPerTenant, int MessagesPerSecondPerTenant, long MaxUploadBytes,
        int MaxLineChars, int MaxColumns, int ImportsPerTenant);

    public sealed record Me(MeTenant Tenant, MeKey Key, MeLimits Limits);

    public static void MapMeApi(this RouteGroupBuilder v1)
    {
        v1.MapGet("/me", async (HttpContext http, IGrainFactory grains, Hosting.PlatformSettings platform) =>
        {
            var c = Caller.From(http.User);
            var settings = c.IsSystemAdmin ? null : await grains.GetGrain<ITenantGrain>(c.TenantId).GetSettingsAsync();
            var limits = new MeLimits(platform.RequestsPerSecondPerKey, platform.RequestsPerSecondPerTenant, platform.MessagesPerSecondPerTenant,
                platform.MaxUploadBytes, Lists.Import.LineLengthGuard.MaxLineChars, Lists.Import.ImportPipeline.MaxColumns, platform.ImportsPerTenant);
            return TypedResults.Ok(new Me(new MeTenant(c.TenantId, c.TenantName, settings), new MeKey(c.KeyId, c.KeyName, c.Role), limits));
        }).WithTags("Tenants").WithSummary("The tenant and key this request is authenticated as, and the limits it works within");
    }
}
