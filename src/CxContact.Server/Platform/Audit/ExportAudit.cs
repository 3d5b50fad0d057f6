using CxContact.Server.Platform.Auth;
using Npgsql;

namespace CxContact.Server.Platform.Audit;

/// <summary>
/// Audits a streamed export when it ends, however it ends: who took what, and how many rows reached the stream (a
/// caller that hangs up halfway still took those). Written outside the request's token, which is gone by then.
/// </summary>
public sealed class ExportAudit(NpgsqlDataSource db, Caller caller, string action, string? target, Func<long> rows, object? filter = null)
    : IAsyncDisposable
{
    public async ValueTask DisposeAsync() =>
        await AuditTrail.RecordAsync(db, caller.TenantId, caller.KeyId, action, target, new { rows = rows(), filter }, CancellationToken.None);
}
