using CxContact.Server.Api;
using CxContact.Server.Platform.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CxContact.Server.Platform.Tenancy;

/// <summary>
/// /api/v1/audit-log: the tenant's audit trail, newest first, paged by "before". A system admin reads the system tenant's
/// own: operators' keys, and sign-ins refused before any tenant was chosen.
/// </summary>
public static class AuditLogApi
{
    public const int MaxLimit = 1000;

    public static void MapAuditLogApi(this RouteGroupBuilder v1)
    {
        v1.MapGet("/audit-log", async Task<Results<Ok<IReadOnlyList<Audit.AuditEntry>>, ValidationProblem>> (
            HttpContext http, TenantStore store, CancellationToken ct, int? limit, DateTimeOffset? before, DateTimeOffset? since, string? action) =>
        {
            var errors = new FieldErrors();
            if (limit is < 1 or > MaxLimit) errors.Add("limit", $"must be between 1 and {MaxLimit}");
            if (action is { Length: > 100 }) errors.Add("action", "at most 100 characters");
            if (since is not null && before is not null && since >= before) errors.Add("since", "must be before \"before\"");
            if (errors.Any) return errors.ToProblem();
            return TypedResults.Ok(await store.ReadAuditAsync(Caller.From(http.User).TenantId, limit ?? 100, before, ct, since, action));
        }).WithTags("Audit").RequireAuthorization(Policies.TenantOrSystemAdmin)
          .WithSummary("Read this tenant's audit trail, newest first: ?action= keeps actions that start with it (e.g. campaign.), ?since= and ?before= bound the time");
    }
}
