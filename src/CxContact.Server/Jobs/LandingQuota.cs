using CxContact.Server.Platform.Tenancy.Limits;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CxContact.Server.Jobs;

/// <summary>
/// A tenant's landing quota (issue 16 §2): how much room its files have left on the landing directory, and the one
/// wording a refusal uses, so an upload refused at the door and an SFTP pull cut off in a job say the same thing.
/// </summary>
public sealed class LandingQuota(TenantLimitsStore limits, LandingDirectory landing)
{
    /// <summary>The tenant's quota and what its files take now, read through the limits store's cache.</summary>
    public async Task<LandingUse> UseAsync(Guid tenantId, CancellationToken ct) =>
        new((await limits.EffectiveAsync(tenantId, ct)).LandingQuotaBytes, landing.BytesInUse(tenantId));

    /// <summary>
    /// For a JSON request that asks for a pull: 413 when the quota is full already, as an upload is answered. How
    /// large the remote file is becomes known only when the job fetches it; a file that does not fit fails the job.
    /// </summary>
    public async Task<ProblemHttpResult?> RefuseWhenFullAsync(Guid tenantId, CancellationToken ct) =>
        await UseAsync(tenantId, ct) is { Full: true } use ? Problem(use, "this pull") : null;

    /// <summary>Why <paramref name="what"/> (an upload, a pulled file) may not land, in the user's words, as a clause.</summary>
    public static string Full(LandingUse use, string what) =>
        $"{what} would not fit in the tenant's landing quota, of which its files waiting for or in an import take {use.InUseBytes / (1024 * 1024)} MB " +
        $"of {use.QuotaBytes / (1024 * 1024)} MB on the landing directory; wait for imports to finish, or ask for a larger quota";

    /// <summary>The 413 an HTTP request is refused with, the reason and the numbers as fields a client can read.</summary>
    public static ProblemHttpResult Problem(LandingUse use, string what)
    {
        var detail = Full(use, what);
        return TypedResults.Problem(statusCode: 413, title: "The tenant's landing quota is full", detail: char.ToUpperInvariant(detail[0]) + detail[1..] + ".",
            extensions: new Dictionary<string, object?> { ["reason"] = "landing-quota", ["landingQuotaBytes"] = use.QuotaBytes, ["landingBytesInUse"] = use.InUseBytes });
    }
}

/// <summary>A tenant's landing quota and the bytes its files take of it.</summary>
public sealed record LandingUse(long QuotaBytes, long InUseBytes)
{
    public bool Full => InUseBytes >= QuotaBytes;
    /// <summary>The headroom: how many more bytes may land.</summary>
    public long Room => Math.Max(0, QuotaBytes - InUseBytes);
}
