using CxContact.Server.Api;

namespace CxContact.Server.Platform.Tenancy.Limits;

/// <summary>
/// What a system admin set for one tenant; a null field means the platform's default. Each bound keeps a typo from
/// switching a limit off (0) or making it meaningless (a billion requests a second).
/// </summary>
public sealed record TenantLimits(int? RequestsPerSecondPerKey, int? RequestsPerSecondPerTenant, int? MessagesPerSecond,
    int? ImportsAtOnce, int? MaxUploadMb, int? LandingQuotaMb)
{
    public static readonly TenantLimits None = new(null, null, null, null, null, null);

    public FieldErrors Validate()
    {
        var errors = new FieldErrors();
        Check(errors, "requestsPerSecondPerKey", RequestsPerSecondPerKey, 1, 100_000);
        Check(errors, "requestsPerSecondPerTenant", RequestsPerSecondPerTenant, 1, 1_000_000);
        Check(errors, "messagesPerSecond", MessagesPerSecond, 1, 100_000);
        Check(errors, "importsAtOnce", ImportsAtOnce, 1, 100);
        Check(errors, "maxUploadMb", MaxUploadMb, 1, 1_048_576);
        Check(errors, "landingQuotaMb", LandingQuotaMb, 1, 10_485_760);
        if (RequestsPerSecondPerKey is { } k && RequestsPerSecondPerTenant is { } t && k > t)
            errors.Add("requestsPerSecondPerKey", $"is more than the tenant's own limit ({t}); a key cannot have more than its tenant");
        if (MaxUploadMb is { } u && LandingQuotaMb is { } q && u > q)
            errors.Add("maxUploadMb", $"is more than the tenant's landing quota ({q} MB); no such upload could land");
        return errors;
    }

    private static void Check(FieldErrors errors, string field, int? value, int min, int max)
    {
        if (value is { } v && (v < min || v > max)) errors.Add(field, $"must be between {min} and {max}, or null for the platform's default");
    }
}

/// <summary>The limits a tenant works within: its own where set, the platform's otherwise.</summary>
public sealed record EffectiveLimits(int RequestsPerSecondPerKey, int RequestsPerSecondPerTenant, int MessagesPerSecond,
    int ImportsAtOnce, long MaxUploadBytes, long LandingQuotaBytes)
{
    public static EffectiveLimits Of(TenantLimits own, Hosting.PlatformSettings platform) => new(
        own.RequestsPerSecondPerKey ?? platform.RequestsPerSecondPerKey,
        own.RequestsPerSecondPerTenant ?? platform.RequestsPerSecondPerTenant,
        own.MessagesPerSecond ?? platform.MessagesPerSecondPerTenant,
        own.ImportsAtOnce ?? platform.ImportsPerTenant,
        own.MaxUploadMb is { } u ? u * 1024L * 1024 : platform.MaxUploadBytes,
        own.LandingQuotaMb is { } q ? q * 1024L * 1024 : platform.LandingQuotaBytes);
}
